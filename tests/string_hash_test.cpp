// The hash of the string maps and id indexes: its tail of fewer than eight bytes, read with two
// loads, is the little-endian number the bytes make, as copying them into a zeroed word gives.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "support/string_maps.hpp"

TEST_CASE("a text's tail is the little-endian number of its last bytes, for every length below 8", "[hash]") {
  const std::string text = "\x01\x80\xff" "abc\x7f" "z";  // high bits set in some bytes
  std::size_t compared = 0;
  for (std::size_t n = 0; n < 8; ++n) {
    for (std::size_t at = 0; at + n <= text.size(); ++at) {
      std::uint64_t expected = 0;
      for (std::size_t i = 0; i < n; ++i) expected |= std::uint64_t{static_cast<unsigned char>(text[at + i])} << (8 * i);
      CHECK(matchfund::detail::text_tail(text.data() + at, n) == expected);
      ++compared;
    }
  }
  CHECK(compared == 44);  // an 8-byte text: 9 + 8 + ... + 2 positions
}

TEST_CASE("hash_text is the hash of the zero-padded tail on a little-endian machine", "[hash]") {
  if constexpr (std::endian::native != std::endian::little) return;
  // The form before the two-load tail: the bytes copied into a zeroed word.
  const auto reference = [](std::string_view text) {
    constexpr std::uint64_t k0 = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t k1 = 0xD6E8FEB86659FD93ULL;
    const auto fold = [](std::uint64_t a, std::uint64_t b) {
      const auto product = matchfund::detail::uint128{a} * b;
      return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
    };
    std::uint64_t h = k0 ^ text.size();
    std::size_t n = text.size();
    const char* p = text.data();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, 8);
      h = fold(h ^ word, k1);
    }
    std::uint64_t tail = 0;
    if (n > 0) std::memcpy(&tail, p, n);
    return fold(h ^ tail, k0 ^ k1);
  };
  std::size_t compared = 0;
  std::string text;
  for (int length = 0; length <= 40; ++length) {
    CHECK(matchfund::detail::hash_text(text) == reference(text));
    text += static_cast<char>('a' + length * 37 % 200);
    ++compared;
  }
  CHECK(compared == 41);
}
