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
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "write/csv_writer.hpp"

namespace matchfund::detail {

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
