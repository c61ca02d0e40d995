// Money: an exact count of minor units (fen, cents) in an int64, bounded by the money limit.
//
// Only meaningful operations exist: money + money, money - money, -money, comparisons, and
// money x integer count. Scaling by a ratio goes through a named rounding function
// (rounding.hpp). Every operation checks the limit |x| <= 10^15 minor units (SPEC §1) and
// throws overflow_error beyond it: a total never wraps.
#ifndef MATCHFUND_MONEY_HPP
#define MATCHFUND_MONEY_HPP

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "matchfund/parse_result.hpp"

namespace matchfund {

// SPEC §1: any amount, budget or cap beyond 10^15 minor units is an error.
inline constexpr std::int64_t money_limit_minor = 1'000'000'000'000'000;

// The number of minor digits of an amount: 2 for CNY (fen), 0 for JPY. Range 0..9.
using minor_digits_t = int;
inline constexpr minor_digits_t max_minor_digits = 9;

class money {
 public:
  constexpr money() noexcept = default;

  // Throws overflow_error when |minor| exceeds the money limit.
  static constexpr money from_minor(std::int64_t minor) {
    check_limit(minor);
    money result;
    result.minor_ = minor;
    return result;
  }
  // Whole units (yuan, dollars) with `digits` minor digits.
  static constexpr money from_units(std::int64_t units, minor_digits_t digits) {
    detail::int128 minor = units;
    for (int i = 0; i < digits; ++i) minor *= 10;
    if (minor > money_limit_minor || minor < -money_limit_minor) throw_limit();
    return from_minor(static_cast<std::int64_t>(minor));
  }
  static constexpr money zero() noexcept { return money{}; }

  [[nodiscard]] constexpr std::int64_t minor_units() const noexcept { return minor_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return minor_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return minor_ < 0; }

  friend constexpr bool operator==(money, money) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(money, money) noexcept = default;

  // Operands are within the limit, so the int64 sum cannot wrap before the check.
  friend constexpr money operator+(money a, money b) { return from_minor(a.minor_ + b.minor_); }
  friend constexpr money operator-(money a, money b) { return from_minor(a.minor_ - b.minor_); }
  constexpr money operator-() const noexcept { return raw(-minor_); }
  constexpr money& operator+=(money other) { return *this = *this + other; }
  constexpr money& operator-=(money other) { return *this = *this - other; }

  // money x a count (a daily tranche x number of days); never money x money.
  [[nodiscard]] constexpr money times(std::int64_t count) const {
    const detail::int128 product = detail::int128{minor_} * count;
    if (product > money_limit_minor || product < -money_limit_minor) throw_limit();
    return raw(static_cast<std::int64_t>(product));
  }

  friend constexpr money min(money a, money b) noexcept { return b < a ? b : a; }
  friend constexpr money max(money a, money b) noexcept { return a < b ? b : a; }

 private:
  static constexpr money raw(std::int64_t minor) noexcept {
    money result;
    result.minor_ = minor;
    return result;
  }
  static constexpr void check_limit(std::int64_t minor) {
    if (minor > money_limit_minor || minor < -money_limit_minor) throw_limit();
  }
  [[noreturn]] static void throw_limit() {
    throw overflow_error("amount exceeds the money limit of 10^15 minor units");
  }

  std::int64_t minor_ = 0;
};

// Money text of SPEC §1: -?[0-9]+(\.[0-9]+)? optionally followed by 万 (x10^4) or 亿 (x10^8).
// The value must be a whole number of minor units ("12.345" in CNY is an error, never
// rounded; "12.340" is 12.34) and within the money limit.
inline parse_result<money> parse_money(std::string_view text, minor_digits_t digits) {
  static constexpr std::string_view wan = "\xE4\xB8\x87";  // 万
  static constexpr std::string_view yi = "\xE4\xBA\xBF";   // 亿
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view number = text;
  int multiplier_digits = 0;
  if (number.ends_with(wan)) {
    number.remove_suffix(wan.size());
    multiplier_digits = 4;
  } else if (number.ends_with(yi)) {
    number.remove_suffix(yi.size());
    multiplier_digits = 8;
  }
  const auto parts = detail::split_decimal(number);
  if (!parts) {
    return parse_failure{"invalid money " + quoted +
                         ": expected digits with an optional fraction, then optionally 万 or 亿"};
  }
  detail::int128 minor = 0;
  switch (detail::scale_decimal(*parts, digits + multiplier_digits, money_limit_minor, minor)) {
    case detail::scale_status::ok:
      return money::from_minor(static_cast<std::int64_t>(minor));
    case detail::scale_status::inexact:
      return parse_failure{"money " + quoted + " is not a whole number of minor units (at most " +
                           std::to_string(digits + multiplier_digits) + " fraction digits" +
                           (multiplier_digits == 0 ? "" : multiplier_digits == 4 ? " with 万" : " with 亿") + ")"};
    case detail::scale_status::too_large:
      break;
  }
  return parse_failure{"money " + quoted + " exceeds the limit of 10^15 minor units"};
}

namespace detail {

// Writes the digits of `value` so that they end just before `end`; returns where they start.
inline char* write_decimal_backwards(char* end, std::uint64_t value) noexcept {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

// format_money's text into `out` (room for 24 bytes), without a string; returns its length.
// Writers of many amounts (ledger rows) call it directly.
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

}  // namespace detail

// Decimal text with exactly `digits` fraction digits: "1234.50", "-0.05", "12" (digits 0).
inline std::string format_money(money amount, minor_digits_t digits) {
  char text[24];
  return std::string(text, detail::write_money(text, amount, digits));
}

}  // namespace matchfund

#endif
