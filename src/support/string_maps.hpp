// Flat hash maps and sets keyed by strings that can be looked up with a string_view, without
// building a std::string per query. Only for lookups: their iteration order must never reach a
// result.
#ifndef MATCHFUND_SRC_STRING_MAPS_HPP
#define MATCHFUND_SRC_STRING_MAPS_HPP

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "matchfund/detail/int128.hpp"

namespace matchfund::detail {

// The last n < 8 bytes at p as a little-endian number (what copying them into a zeroed word
// gives on a little-endian machine), from at most two loads: a word built by byte stores and
// then read whole cannot be forwarded from those stores and waits for them to retire.
inline std::uint64_t text_tail(const char* p, std::size_t n) noexcept {
  if (n >= 4) {
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + n - 4, 4);  // overlaps `low` (n < 8): bytes read twice are or-ed onto themselves
    return std::uint64_t{low} | std::uint64_t{high} << (8 * (n - 4));
  }
  if (n == 0) return 0;
  const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
  return byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1));
}

// A 64-bit hash of a string, quick on short ids: eight bytes at a time, each folded in with a
// 128-bit multiplication (as wyhash does). Only the layout of hash tables depends on it.
inline std::uint64_t hash_text(std::string_view text) noexcept {
  constexpr std::uint64_t k0 = 0x9E3779B97F4A7C15ULL;
  constexpr std::uint64_t k1 = 0xD6E8FEB86659FD93ULL;
  const auto fold = [](std::uint64_t a, std::uint64_t b) {
    const uint128 product = uint128{a} * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  };
  std::uint64_t h = k0 ^ text.size();
  const char* p = text.data();
  std::size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    h = fold(h ^ word, k1);
  }
  return fold(h ^ text_tail(p, n), k0 ^ k1);
}

struct string_hash {
  using is_transparent = void;
  using is_avalanching = void;  // every bit of hash_text depends on every input bit: no extra mixing
  std::size_t operator()(std::string_view text) const noexcept { return static_cast<std::size_t>(hash_text(text)); }
};

struct string_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class Value>
using string_map = boost::unordered_flat_map<std::string, Value, string_hash, string_equal>;
using string_set = boost::unordered_flat_set<std::string, string_hash, string_equal>;

}  // namespace matchfund::detail

#endif
