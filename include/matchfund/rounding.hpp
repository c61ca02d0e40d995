// The only ways money is scaled: by a ratio, or by an integer fraction, each through a named
// rounding mode and an exact 128-bit intermediate (SPEC §1).
#ifndef MATCHFUND_ROUNDING_HPP
#define MATCHFUND_ROUNDING_HPP

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "matchfund/detail/int128.hpp"
#include "matchfund/money.hpp"
#include "matchfund/ratio.hpp"

namespace matchfund {

enum class rounding {
  floor,      // toward negative infinity (the default of every rule)
  half_up,    // to nearest, ties toward positive infinity
  half_even,  // to nearest, ties to the even neighbour (banker's rounding)
};

// The rules file's words for the modes (SPEC §1), in one place: the loader reads them with this
// table, the outputs write them with to_string.
inline constexpr std::pair<std::string_view, rounding> rounding_spellings[] = {
    {"floor", rounding::floor}, {"half_up", rounding::half_up}, {"half_even", rounding::half_even}};

inline constexpr std::string_view to_string(rounding mode) noexcept {
  for (const auto& [name, spelled] : rounding_spellings) {
    if (spelled == mode) return name;
  }
  return "floor";
}

inline constexpr std::optional<rounding> rounding_from_string(std::string_view text) noexcept {
  for (const auto& [name, spelled] : rounding_spellings) {
    if (name == text) return spelled;
  }
  return std::nullopt;
}

namespace detail {

// numerator / denominator (denominator > 0) rounded by `mode`, in the integer type Int.
template <class Int>
constexpr Int divide_rounded_as(Int numerator, Int denominator, rounding mode) noexcept {
  Int quotient = numerator / denominator;
  Int remainder = numerator % denominator;
  if (remainder < 0) {  // C++ truncates toward zero; make it a floor division
    quotient -= 1;
    remainder += denominator;
  }
  if (mode == rounding::floor || remainder == 0) return quotient;
  const Int twice = remainder * 2;
  if (twice > denominator) return quotient + 1;
  if (twice < denominator) return quotient;
  if (mode == rounding::half_up) return quotient + 1;
  return (quotient % 2 == 0) ? quotient : quotient + 1;  // half_even
}

// In 64 bits when both fit (a money amount times a ratio mostly does), where the division is
// one instruction instead of a call: the same result, since no step can overflow there
// (|remainder| < denominator <= 2^62, so twice it fits).
inline constexpr int128 divide_rounded(int128 numerator, int128 denominator, rounding mode) noexcept {
  constexpr int128 limit = int128{1} << 62;
  if (numerator > -limit && numerator < limit && denominator > 0 && denominator <= limit) {
    return divide_rounded_as<std::int64_t>(static_cast<std::int64_t>(numerator), static_cast<std::int64_t>(denominator), mode);
  }
  return divide_rounded_as<int128>(numerator, denominator, mode);
}

inline money checked_money(int128 minor) {
  if (minor > money_limit_minor || minor < -money_limit_minor) {
    throw overflow_error("amount exceeds the money limit of 10^15 minor units");
  }
  return money::from_minor(static_cast<std::int64_t>(minor));
}

}  // namespace detail

// round(amount x r): the match a ratio gives. Throws overflow_error beyond the money limit.
inline money round_product(money amount, ratio r, rounding mode) {
  const detail::int128 product = detail::int128{amount.minor_units()} * r.millionths();
  return detail::checked_money(detail::divide_rounded(product, ratio_denominator, mode));
}

// floor(amount x numerator / denominator), exactly; denominator > 0. Used for proportional
// give-backs (a refund of part of a donation reverses that part of each match line).
inline money floor_fraction(money amount, std::int64_t numerator, std::int64_t denominator) {
  const detail::int128 product = detail::int128{amount.minor_units()} * numerator;
  return detail::checked_money(detail::divide_rounded(product, denominator, rounding::floor));
}

}  // namespace matchfund

#endif
