// UTF-8 validation shared by the readers of rules files and CSV files.
#ifndef MATCHFUND_SRC_UTF8_HPP
#define MATCHFUND_SRC_UTF8_HPP

#include <cstddef>
#include <optional>
#include <string_view>

namespace matchfund::detail {

// Length of the well-formed UTF-8 sequence at `p` (whose first byte is not ASCII), or 0. The
// ranges are those of the Unicode Standard's table 3-7: no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequences.
inline std::size_t utf8_sequence_size(const char* p, const char* end) noexcept {
  const auto byte = [](char c) noexcept { return static_cast<unsigned>(static_cast<unsigned char>(c)); };
  const unsigned lead = byte(p[0]);
  const auto in = [&](char c, unsigned low, unsigned high) noexcept { return byte(c) >= low && byte(c) <= high; };
  const auto available = static_cast<std::size_t>(end - p);
  if (lead < 0xC2) return 0;  // a continuation byte, or C0/C1 which only start overlong forms
  if (lead < 0xE0) return available >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
  if (lead < 0xF0) {
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;
    return available >= 3 && in(p[1], low, high) && in(p[2], 0x80, 0xBF) ? 3 : 0;
  }
  if (lead < 0xF5) {
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;
    return available >= 4 && in(p[1], low, high) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// The byte offset of the first ill-formed sequence or NUL byte; nullopt when `text` is clean.
inline std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p != end) {
    if (*p == '\0') return static_cast<std::size_t>(p - text.data());
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
      continue;
    }
    const std::size_t size = utf8_sequence_size(p, end);
    if (size == 0) return static_cast<std::size_t>(p - text.data());
    p += size;
  }
  return std::nullopt;
}

}  // namespace matchfund::detail

#endif
