// Deterministic random draws (SPEC §5.4): a draw depends only on the campaign seed, the rule,
// the donation id and the purpose ("p" probability, "r" random ratio, "a" random amount), so the
// same donation gets the same draw on every machine, in every batch split, in every replay.
#ifndef MATCHFUND_RANDOM_DRAW_HPP
#define MATCHFUND_RANDOM_DRAW_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/detail/int128.hpp"

namespace matchfund {

namespace detail {

inline constexpr std::uint64_t fnv1a_offset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv1a_prime = 0x100000001b3ULL;

inline constexpr std::uint64_t fnv1a_append(std::uint64_t hash, std::string_view bytes) noexcept {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= fnv1a_prime;
  }
  return hash;
}

inline constexpr std::uint64_t splitmix64_finalize(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace detail

// Purposes of draws, as SPEC §5.4 names them.
inline constexpr std::string_view draw_for_probability = "p";
inline constexpr std::string_view draw_for_ratio = "r";
inline constexpr std::string_view draw_for_amount = "a";

// h: FNV-1a 64 over `decimal(seed) 0x1F rule 0x1F donation 0x1F purpose`, then SplitMix64's
// finalizer. FNV-1a reads its bytes in order, so the hash is computed in two parts: the
// prefix `decimal(seed) 0x1F rule 0x1F`, the same for every draw of one rule (draw_prefix), and
// the rest (draw_hash_after). An engine computes each rule's prefix once.
inline std::uint64_t draw_prefix(std::int64_t seed, std::string_view rule) noexcept {
  constexpr std::string_view separator = "\x1F";
  char digits[24];
  // decimal(seed): the shortest decimal text, '-' for negatives (no locale, no allocation).
  std::uint64_t magnitude = seed < 0 ? 0 - static_cast<std::uint64_t>(seed) : static_cast<std::uint64_t>(seed);
  std::size_t length = 0;
  do {
    digits[sizeof digits - 1 - length++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (seed < 0) digits[sizeof digits - 1 - length++] = '-';
  std::uint64_t hash = detail::fnv1a_offset;
  hash = detail::fnv1a_append(hash, std::string_view(digits + sizeof digits - length, length));
  hash = detail::fnv1a_append(hash, separator);
  hash = detail::fnv1a_append(hash, rule);
  return detail::fnv1a_append(hash, separator);
}

// h from a rule's draw_prefix.
inline std::uint64_t draw_hash_after(std::uint64_t prefix, std::string_view donation, std::string_view purpose) noexcept {
  constexpr std::string_view separator = "\x1F";
  std::uint64_t hash = detail::fnv1a_append(prefix, donation);
  hash = detail::fnv1a_append(hash, separator);
  hash = detail::fnv1a_append(hash, purpose);
  return detail::splitmix64_finalize(hash);
}

inline std::uint64_t draw_hash(std::int64_t seed, std::string_view rule, std::string_view donation,
                               std::string_view purpose) noexcept {
  return draw_hash_after(draw_prefix(seed, rule), donation, purpose);
}

// U(n) = (h x n) >> 64: a value in [0, n) from the hash, exactly (128-bit product).
inline constexpr std::uint64_t uniform_below(std::uint64_t hash, std::uint64_t n) noexcept {
  return static_cast<std::uint64_t>((detail::uint128{hash} * n) >> 64);
}

inline std::uint64_t uniform_draw(std::int64_t seed, std::string_view rule, std::string_view donation,
                                  std::string_view purpose, std::uint64_t n) noexcept {
  return uniform_below(draw_hash(seed, rule, donation, purpose), n);
}

}  // namespace matchfund

#endif
