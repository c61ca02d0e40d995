// An output CSV file of a replay or a simulation read row by row, its cells checked as they are
// taken: every problem is a matchfund::error "FILE:LINE: column NAME: what is wrong".
#ifndef MATCHFUND_SRC_REPORT_CSV_INPUT_HPP
#define MATCHFUND_SRC_REPORT_CSV_INPUT_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"
#include "support/csv_reader.hpp"

namespace matchfund::reporting {

class csv_input {
 public:
  // Reads the file and its header; throws error "FILE: cannot read ..." or "FILE:LINE:COL: ...".
  explicit csv_input(const std::filesystem::path& file);
  csv_input(const csv_input&) = delete;  // the reader looks into text_: never moved
  csv_input& operator=(const csv_input&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The column's index; throws error "FILE: no column NAME" when the header lacks it.
  [[nodiscard]] std::size_t column(std::string_view heading) const;
  [[nodiscard]] std::optional<std::size_t> find_column(std::string_view heading) const;
  [[nodiscard]] std::size_t columns() const noexcept { return header_.size(); }
  [[nodiscard]] std::string_view heading(std::size_t column) const { return header_.name(column); }

  // The next row (of exactly the header's width); false at the end.
  bool next();
  [[nodiscard]] std::uint64_t line() const noexcept { return record_.line(); }

  [[nodiscard]] std::string_view text(std::size_t column) const { return record_[column]; }
  [[nodiscard]] money amount(std::size_t column, minor_digits_t digits) const;
  // An RFC 3339 time, or nullopt for an empty cell.
  [[nodiscard]] std::optional<timestamp> optional_time(std::size_t column) const;
  [[nodiscard]] timestamp time(std::size_t column) const;
  [[nodiscard]] std::uint64_t count(std::size_t column) const;
  // A share "0.8300" in ten-thousandths.
  [[nodiscard]] std::int64_t share(std::size_t column) const;

  [[noreturn]] void fail(std::size_t column, std::string_view what) const;

 private:
  static detail::csv_header read_header(detail::csv_reader& reader, detail::csv_record& record,
                                        const std::string& name);

  std::string name_;
  std::string text_;
  detail::csv_reader reader_;
  detail::csv_record record_;
  detail::csv_header header_;
};

}  // namespace matchfund::reporting

#endif
