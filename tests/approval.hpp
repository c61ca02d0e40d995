// Golden files approved by a person: the corpus tests compare what matchfund prints with
// NAME.expected, and with MATCHFUND_APPROVE=1 write it there instead, for review in the diff.
#ifndef MATCHFUND_TESTS_APPROVAL_HPP
#define MATCHFUND_TESTS_APPROVAL_HPP

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace matchfund::testing {

inline bool approving() {
  const char* flag = std::getenv("MATCHFUND_APPROVE");
  return flag != nullptr && std::string_view(flag) == "1";
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  REQUIRE(out);
  out << text;
  REQUIRE(out);
}

// An approved file as text, whatever line ends a checkout gave it.
inline std::string normalize_line_ends(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  return text;
}

}  // namespace matchfund::testing

#endif
