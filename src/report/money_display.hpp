// Amounts, counts and shares as a reader of a report wants them: "8,813万", "2.9999亿", "$7.00M",
// "83.5%". Integer arithmetic only, so the same amount always reads the same (docs/report.md).
#ifndef MATCHFUND_SRC_REPORT_MONEY_DISPLAY_HPP
#define MATCHFUND_SRC_REPORT_MONEY_DISPLAY_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/money.hpp"

namespace matchfund::reporting {

// The campaign's money: its ISO 4217 code and its minor digits.
struct money_display {
  std::string currency;
  minor_digits_t minor_digits = 2;
};

// "1,234,567" from "1234567" (digits only).
std::string group_thousands(std::string_view digits);
std::string format_count(std::uint64_t count);

// "$" USD, "£" GBP, "€" EUR, "¥" CNY; any other code followed by a space ("CHF ").
std::string currency_prefix(std::string_view currency);

// An amount to read. CNY: below 1万 yuan every digit ("1,612.86"); below 1亿 in 万 with at most
// two decimals ("8,813万", "499.96万"); from 1亿 in 亿 with at most four ("2.9999亿"); rounded half
// away from zero, trailing zeros dropped. Other currencies, with their prefix: below 10,000 units
// every digit ("$1,612.86"); from there three significant digits with K, M, B or T ("$250K",
// "£20.0M", "$7.00M").
std::string format_amount(money amount, const money_display& display);

// Every minor digit, grouped, with the prefix of a currency other than CNY: "$7,000,000.00",
// "299,968,387.14".
std::string format_amount_exact(money amount, const money_display& display);

// An axis label: format_amount's unit (but K from 1,000 units), without trailing zeros ("$7M",
// "$2.5M", "$5K", "2,000万", "0").
std::string format_axis_amount(money amount, const money_display& display);

// A share given in ten-thousandths (8300 of 10000) as a percentage with at most two decimals,
// trailing zeros dropped: "83%", "83.5%", "0.12%".
std::string format_share(std::int64_t ten_thousandths);

// count / total in ten-thousandths, rounded half up; 0 when total is 0.
std::int64_t share_in_ten_thousandths(std::uint64_t count, std::uint64_t total);

// "0.8300" (a share with at most four fraction digits, 0 to 1) in ten-thousandths; throws
// parse_error when the text is not such a share.
std::int64_t parse_share(std::string_view text);

}  // namespace matchfund::reporting

#endif
