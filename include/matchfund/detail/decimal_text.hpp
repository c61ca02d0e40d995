// Splitting and exact scaling of decimal text ("-12.340"), shared by money, ratio and
// probability parsing. Never goes through floating point.
#ifndef MATCHFUND_DETAIL_DECIMAL_TEXT_HPP
#define MATCHFUND_DETAIL_DECIMAL_TEXT_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "matchfund/detail/int128.hpp"

namespace matchfund::detail {

struct decimal_parts {
  bool negative = false;
  std::string_view integer_digits;   // at least one digit
  std::string_view fraction_digits;  // empty when there is no point
};

inline constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline constexpr bool all_digits(std::string_view text) noexcept {
  for (char c : text) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

// Splits text of the grammar -?[0-9]+(\.[0-9]+)? ; nullopt when it does not match.
inline constexpr std::optional<decimal_parts> split_decimal(std::string_view text) noexcept {
  decimal_parts parts;
  if (!text.empty() && text.front() == '-') {
    parts.negative = true;
    text.remove_prefix(1);
  }
  const auto point = text.find('.');
  parts.integer_digits = text.substr(0, point);
  if (point != std::string_view::npos) {
    parts.fraction_digits = text.substr(point + 1);
    if (parts.fraction_digits.empty()) return std::nullopt;
  }
  if (parts.integer_digits.empty()) return std::nullopt;
  if (!all_digits(parts.integer_digits) || !all_digits(parts.fraction_digits)) return std::nullopt;
  return parts;
}

enum class scale_status { ok, inexact, too_large };

// value = parts x 10^shift, exactly. `inexact` when a non-zero fraction digit would be cut
// off, `too_large` when |value| > limit. Any number of leading or trailing zeros is fine.
inline constexpr scale_status scale_decimal(const decimal_parts& parts, int shift, int128 limit,
                                            int128& value) noexcept {
  int128 magnitude = 0;
  const auto push_digit = [&](char digit) {
    magnitude = magnitude * 10 + (digit - '0');
    return magnitude <= limit;
  };
  for (char digit : parts.integer_digits) {
    if (!push_digit(digit)) return scale_status::too_large;
  }
  int used_fraction = 0;
  for (char digit : parts.fraction_digits) {
    if (used_fraction < shift) {
      if (!push_digit(digit)) return scale_status::too_large;
      ++used_fraction;
    } else if (digit != '0') {
      return scale_status::inexact;
    }
  }
  for (int i = used_fraction; i < shift; ++i) {
    if (!push_digit('0')) return scale_status::too_large;
  }
  value = parts.negative ? -magnitude : magnitude;
  return scale_status::ok;
}

}  // namespace matchfund::detail

#endif
