// Ratio: match per unit donated ("2" gives 2 yuan of match for each yuan), kept exactly as a
// count of millionths. Text is a decimal with at most 6 fraction digits or a percent with at
// most 4 (SPEC §1). A ratio only meets money through rounding.hpp.
#ifndef MATCHFUND_RATIO_HPP
#define MATCHFUND_RATIO_HPP

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/error.hpp"
#include "matchfund/parse_result.hpp"

namespace matchfund {

inline constexpr std::int64_t ratio_denominator = 1'000'000;
// Largest ratio accepted (10^9): bounds money x ratio well inside 128 bits.
inline constexpr std::int64_t ratio_limit_millionths = 1'000'000'000'000'000;

class ratio {
 public:
  constexpr ratio() noexcept = default;
  static constexpr ratio from_millionths(std::int64_t millionths) noexcept {
    ratio result;
    result.millionths_ = millionths;
    return result;
  }
  // Throws overflow_error beyond the ratio limit.
  static constexpr ratio whole(std::int64_t units) {
    if (units > ratio_limit_millionths / ratio_denominator || units < -ratio_limit_millionths / ratio_denominator) {
      throw overflow_error("ratio exceeds the limit of 10^9");
    }
    return from_millionths(units * ratio_denominator);
  }

  // The exact value is millionths() / 10^6.
  [[nodiscard]] constexpr std::int64_t millionths() const noexcept { return millionths_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return millionths_ == 0; }

  friend constexpr bool operator==(ratio, ratio) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(ratio, ratio) noexcept = default;

 private:
  std::int64_t millionths_ = 0;
};

namespace detail {

// Shared by ratio and probability: a non-negative decimal with at most 6 fraction digits, or a
// percent with at most 4, as millionths up to `limit`. `what` names the value in messages and
// `beyond_limit` says what is wrong with a value above the limit.
inline parse_result<std::int64_t> parse_millionths(std::string_view text, std::string_view what,
                                                   std::int64_t limit,
                                                   std::string_view beyond_limit) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view number = text;
  const bool percent = number.ends_with('%');
  if (percent) number.remove_suffix(1);
  const auto parts = split_decimal(number);
  if (!parts || parts->negative) {
    return parse_failure{"invalid " + std::string(what) + " " + quoted +
                         ": expected a non-negative decimal or a percent such as \"50%\""};
  }
  const std::size_t max_fraction = percent ? 4 : 6;
  if (parts->fraction_digits.size() > max_fraction) {
    return parse_failure{std::string(what) + " " + quoted + " has more than " +
                         std::to_string(max_fraction) + " fraction digits"};
  }
  int128 millionths = 0;
  // A percent's value is its digits x 10^4 millionths; a decimal's x 10^6.
  if (scale_decimal(*parts, percent ? 4 : 6, limit, millionths) != scale_status::ok) {
    return parse_failure{std::string(what) + " " + quoted + " " + std::string(beyond_limit)};
  }
  return static_cast<std::int64_t>(millionths);
}

}  // namespace detail

inline parse_result<ratio> parse_ratio(std::string_view text) {
  auto millionths = detail::parse_millionths(text, "ratio", ratio_limit_millionths,
                                              "is greater than the limit of 10^9");
  if (!millionths) return parse_failure{millionths.error()};
  return ratio::from_millionths(*millionths);
}

// Shortest exact decimal text: "0.5", "2", "0.000001" (and "-0.5" for a negative ratio).
inline std::string format_ratio(ratio amount) {
  if (amount.millionths() < 0) return "-" + format_ratio(ratio::from_millionths(-amount.millionths()));
  std::string text = std::to_string(amount.millionths() / ratio_denominator);
  auto fraction = amount.millionths() % ratio_denominator;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

}  // namespace matchfund

#endif
