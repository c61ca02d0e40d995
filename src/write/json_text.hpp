// JSON text for the small documents matchfund writes (summary.json, simulation.json): strings
// escaped as RFC 8259 asks, written by hand so the bytes are the same everywhere.
#ifndef MATCHFUND_SRC_JSON_TEXT_HPP
#define MATCHFUND_SRC_JSON_TEXT_HPP

#include <string>
#include <string_view>

namespace matchfund::detail {

// `text` as a JSON string, quotes included.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace matchfund::detail

#endif
