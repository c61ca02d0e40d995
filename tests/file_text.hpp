// A file's whole content as bytes, for the tests that compare output files.
#ifndef MATCHFUND_TESTS_FILE_TEXT_HPP
#define MATCHFUND_TESTS_FILE_TEXT_HPP

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace matchfund::testing {

// "" when the file cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace matchfund::testing

#endif
