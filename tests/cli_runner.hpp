// Runs the matchfund program for the command-line tests, from the source directory so that
// paths in its output are relative.
#ifndef MATCHFUND_TESTS_CLI_RUNNER_HPP
#define MATCHFUND_TESTS_CLI_RUNNER_HPP

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "file_text.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

namespace matchfund::testing {

struct run_result {
  std::string output;  // standard output and standard error, in that order
  int status = -1;
};

// Runs the program from the source directory, so paths in its output are relative.
inline run_result run_cli(const std::string& arguments) {
#ifdef MATCHFUND_CLI_PATH
  namespace fs = std::filesystem;
  const fs::path stderr_file = fs::temp_directory_path() / ("matchfund-cli-test-" + std::to_string(::getpid()) + ".err");
  const std::string command = "cd '" + fs::path(MATCHFUND_SOURCE_DIR).string() + "' && '" MATCHFUND_CLI_PATH "' " +
                              arguments + " 2>'" + stderr_file.string() + "'";
  run_result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), count);
  const int raw = ::pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.output += matchfund::testing::read_file(stderr_file);
  fs::remove(stderr_file);
  return result;
#else
  (void)arguments;
  FAIL("MATCHFUND_CLI_PATH is not defined: the tests were built without the CLI");
  return {};
#endif
}

}  // namespace matchfund::testing

#endif
