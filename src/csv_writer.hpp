// CSV with minimal RFC 4180 quoting (SPEC §8), written to an output file a block at a time, or
// kept whole without a file. Internal (replay.cpp, ledger_writer.cpp).
//
//   csv_writer projects("project,raised");
//   projects.field("p-1").field("10.00");
//   projects.end_row();
#ifndef MATCHFUND_SRC_CSV_WRITER_HPP
#define MATCHFUND_SRC_CSV_WRITER_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "csv_reader.hpp"
#include "output_files.hpp"

namespace matchfund::detail {

class csv_writer {
 public:
  explicit csv_writer(std::string_view header, output_file* file = nullptr) : file_(file) {
    text_ = header;
    text_ += '\n';
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
