// Checks of text that every reader applies alike (rules files, their CSV side files, events).
#ifndef MATCHFUND_SRC_TEXT_HPP
#define MATCHFUND_SRC_TEXT_HPP

#include <algorithm>
#include <string_view>

namespace matchfund::detail {

// A C0 control character or DEL: not allowed in ids, whatever file they come from.
inline bool has_control_character(std::string_view text) noexcept {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

}  // namespace matchfund::detail

#endif
