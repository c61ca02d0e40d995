// A file's whole content as bytes, for the tests that compare output files, and a fresh scratch
// directory for the tests that write them.
#ifndef MATCHFUND_TESTS_FILE_TEXT_HPP
#define MATCHFUND_TESTS_FILE_TEXT_HPP

#include <unistd.h>

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

// An empty path under the temporary directory, unique to this process and `name` (removed first
// when an earlier run left it).
inline std::filesystem::path fresh_directory(const std::string& name) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("matchfund-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(directory);
  return directory;
}

}  // namespace matchfund::testing

#endif
