// Powers and logarithms in fixed point, with integers only, for the heavy-tailed laws of demand
// models (a Zipf law's weights, a Pareto law's quantiles): the same bits on every machine and
// compiler, where std::pow may differ in its last place from one libm to another.
#ifndef MATCHFUND_SRC_FIXED_POINT_HPP
#define MATCHFUND_SRC_FIXED_POINT_HPP

#include <array>
#include <bit>
#include <cstdint>

#include "matchfund/detail/int128.hpp"

namespace matchfund::detail {

inline constexpr std::int64_t q32_one = std::int64_t{1} << 32;

// log2(x) for x >= 1 in Q32 (log2(x) * 2^32, rounded down): the integer part from the highest
// bit, then one fraction bit per squaring of the mantissa.
constexpr std::int64_t log2_q32(std::uint64_t x) noexcept {
  const int high = 63 - std::countl_zero(x);
  std::uint64_t mantissa = high <= 62 ? x << (62 - high) : x >> (high - 62);  // [1, 2) in Q62
  std::int64_t result = static_cast<std::int64_t>(high) << 32;
  for (int bit = 31; bit >= 0; --bit) {
    auto square = static_cast<std::uint64_t>((uint128{mantissa} * mantissa) >> 62);
    if (square >= (std::uint64_t{1} << 63)) {
      square >>= 1;
      result |= std::int64_t{1} << bit;
    }
    mantissa = square;
  }
  return result;
}

// 2^(2^-k) in Q62 for k = 1..32 (rounded down), for exp2_fraction_q62.
inline constexpr std::array<std::uint64_t, 32> root_powers_of_two_q62{
    6521908912666391106ULL, 5484249825272419511ULL, 5029079263719320435ULL, 4815862801830788490ULL,
    4712668792719003883ULL, 4661903986662671289ULL, 4636727017470743990ULL, 4624189567668517720ULL,
    4617933561212708776ULL, 4614808732577250068ULL, 4613247111281068008ULL, 4612466498810092974ULL,
    4612076242109103707ULL, 4611881126141011236ULL, 4611783571252412753ULL, 4611734794581956353ULL,
    4611710406440186475ULL, 4611698212417665819ULL, 4611692115418496524ULL, 4611689066921934630ULL,
    4611687542674409371ULL, 4611686780550835663ULL, 4611686399489096040ULL, 4611686208958238036ULL,
    4611686113692811986ULL, 4611686066060099699ULL, 4611686042243743740ULL, 4611686030335565806ULL,
    4611686024381476851ULL, 4611686021404432376ULL, 4611686019915910140ULL, 4611686019171649022ULL};

// 2^f for a Q32 fraction f in [0, 1), in Q62 (a value in [1, 2)).
constexpr std::uint64_t exp2_fraction_q62(std::uint32_t fraction) noexcept {
  std::uint64_t result = std::uint64_t{1} << 62;
  for (int k = 0; k < 32; ++k) {
    if ((fraction >> (31 - k)) & 1U) {
      result = static_cast<std::uint64_t>((uint128{result} * root_powers_of_two_q62[static_cast<std::size_t>(k)]) >> 62);
    }
  }
  return result;
}

// x * 2^(e / 2^32) for e >= 0, rounded down; `limit` when it would be more than `limit`.
constexpr std::uint64_t scale_by_power_of_two(std::uint64_t x, std::int64_t e, std::uint64_t limit) noexcept {
  const std::int64_t whole = e >> 32;
  if (whole >= 62) return limit;
  const uint128 product = uint128{x} * exp2_fraction_q62(static_cast<std::uint32_t>(e & 0xFFFFFFFF));
  const uint128 scaled = product >> (62 - whole);
  return scaled > limit ? limit : static_cast<std::uint64_t>(scaled);
}

// top * 2^(-e / 2^32) for e >= 0, rounded down (a falling weight such as a Zipf law's).
constexpr std::uint64_t shrink_by_power_of_two(std::uint64_t top, std::int64_t e) noexcept {
  const std::int64_t whole = e >> 32;
  const auto fraction = static_cast<std::uint32_t>(e & 0xFFFFFFFF);
  if (whole >= 64) return 0;
  // 2^-(whole + fraction) = 2^(1 - fraction) / 2^(whole + 1), with 2^(1 - fraction) in [1, 2].
  const std::uint64_t mantissa = fraction == 0 ? (std::uint64_t{1} << 63)
                                               : exp2_fraction_q62(static_cast<std::uint32_t>(0x100000000ULL - fraction));
  const uint128 product = uint128{top} * mantissa;
  const int shift = 63 + static_cast<int>(whole);
  return shift >= 128 ? 0 : static_cast<std::uint64_t>(product >> shift);
}

}  // namespace matchfund::detail

#endif
