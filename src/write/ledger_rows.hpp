// One ledger.csv row (SPEC §8) written straight into the file's text: the same bytes as writing
// each field with format_rfc3339, format_money and csv_append_field, without a string made per
// field. A national replay writes tens of millions of rows, and the writing thread shares the
// machine's cores with reading and matching. Internal (write/ledger_writer.cpp).
//
//   ledger_rows rows(rules);
//   for (const ledger_line& line : lines) rows.append(text, line);
#ifndef MATCHFUND_SRC_LEDGER_ROWS_HPP
#define MATCHFUND_SRC_LEDGER_ROWS_HPP

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/rule_set.hpp"
#include "write/csv_writer.hpp"

namespace matchfund::detail {

// Writes the digits of `value` so that they end just before `end`; returns where they start.
inline char* write_decimal_backwards(char* end, std::uint64_t value) noexcept {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

// format_money's text into `out` (at least 24 bytes); returns its length.
inline std::size_t write_money(char* out, money amount, minor_digits_t digits) noexcept {
  const std::int64_t minor = amount.minor_units();
  // |minor| <= 10^15, so negation cannot overflow.
  const auto magnitude = static_cast<std::uint64_t>(minor < 0 ? -minor : minor);
  char text[24];
  char* const end = text + sizeof text;
  char* start = write_decimal_backwards(end, magnitude);
  const auto width = static_cast<std::ptrdiff_t>(digits);
  while (end - start <= width) *--start = '0';  // at least one digit before the point
  std::size_t length = 0;
  if (minor < 0) out[length++] = '-';
  const std::ptrdiff_t whole = end - start - width;
  std::memcpy(out + length, start, static_cast<std::size_t>(whole));
  length += static_cast<std::size_t>(whole);
  if (width > 0) {
    out[length++] = '.';
    std::memcpy(out + length, start + whole, static_cast<std::size_t>(width));
    length += static_cast<std::size_t>(width);
  }
  return length;
}

class ledger_rows {
 public:
  explicit ledger_rows(const rule_set& rules);

  // Appends the row of `line`, with its line break.
  void append(std::string& out, const ledger_line& line);

 private:
  // "YYYY-MM-DDTHH:MM:SS" of the local second `second` (seconds since the local epoch).
  const char* local_second_text(std::int64_t second);
  void append_time(std::string& out, timestamp t);

  std::vector<std::string> projects_, rules_, steps_, funds_;  // ids as CSV fields
  std::string offset_;                                         // "+08:00"
  utc_offset timezone_;
  minor_digits_t digits_;
  std::int64_t cached_second_ = INT64_MIN;  // whose text is cached_text_
  std::array<char, 19> cached_text_{};
};

}  // namespace matchfund::detail

#endif
