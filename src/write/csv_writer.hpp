// CSV with minimal RFC 4180 quoting (SPEC §8), written to an output file a block at a time, or
// kept whole without a file. Internal (run/replay.cpp, write/ledger_writer.cpp).
//
//   csv_writer projects("project,raised");
//   projects.field("p-1").field("10.00");
//   projects.end_row();
#ifndef MATCHFUND_SRC_CSV_WRITER_HPP
#define MATCHFUND_SRC_CSV_WRITER_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <string_view>

#include "write/output_files.hpp"

namespace matchfund::detail {

// Minimal RFC 4180 quoting: a field needs quotes only if it holds `,`, `"`, CR or LF.
inline bool csv_needs_quotes(std::string_view field) noexcept {
  return std::any_of(field.begin(), field.end(),
                     [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; });
}

// Appends `field` to `out`, in quotes with `"` doubled when it needs them. The caller writes the
// separators and line breaks. An empty field is written as nothing, so a record of one empty
// field must be written `""` by the caller to be read back (an empty line is an error).
inline void csv_append_field(std::string& out, std::string_view field) {
  if (!csv_needs_quotes(field)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (std::size_t quote; (quote = field.find('"')) != std::string_view::npos;) {
    out.append(field.substr(0, quote + 1));
    out.push_back('"');
    field.remove_prefix(quote + 1);
  }
  out.append(field);
  out.push_back('"');
}

class csv_writer {
 public:
  explicit csv_writer(std::string_view header, output_file* file = nullptr) : file_(file) {
    text_ = header;
    text_ += '\n';
  }
  // A table whose header and first rows were written before (`written`: whole rows): a resumed
  // replay goes on with what the run it resumes wrote.
  static csv_writer continuing(std::string written, output_file* file) {
    csv_writer writer({}, file);
    writer.text_ = std::move(written);
    return writer;
  }
  csv_writer& field(std::string_view value) {
    if (!at_row_start_) text_ += ',';
    at_row_start_ = false;
    csv_append_field(text_, value);
    return *this;
  }
  void end_row() {
    text_ += '\n';
    at_row_start_ = true;
    if (file_ != nullptr && text_.size() >= block_size) flush();
  }
  // A whole row the caller writes itself: `write(text)` appends it, with its line break, to the
  // table's text (ledger_rows.hpp writes ledger rows so).
  template <class Write>
  void row(Write&& write) {
    write(text_);
    at_row_start_ = true;
    if (file_ != nullptr && text_.size() >= block_size) flush();
  }
  void flush() {
    if (file_ == nullptr) return;
    file_->write(text_);
    text_.clear();
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  static constexpr std::size_t block_size = std::size_t{1} << 20;
  std::string text_;
  output_file* file_;
  bool at_row_start_ = true;
};

}  // namespace matchfund::detail

#endif
