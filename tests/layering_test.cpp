// The library's folders are rooms with one job each (docs/internals.md), and dependencies point
// one way: a file of src/ includes, from src/, only its own folder and the folders below it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;

// For each folder of src/, the folders of src/ its files may include (besides the public
// include/matchfund/ headers, which any file may include).
const std::map<std::string, std::set<std::string>> allowed = {
    {"support", {"support"}},
    {"load", {"load", "support"}},
    {"read", {"read", "support"}},
    {"engine", {"engine", "support"}},
    {"write", {"write", "support"}},
    {"synth", {"synth", "write", "support"}},
    {"workloads", {"workloads", "synth", "write", "support"}},
    {"run", {"run", "load", "read", "engine", "write", "synth", "support"}},
    {"report", {"report", "support"}},
    {"cli", {"cli"}},
    {"capi", {"capi"}},
    {"python", {"python"}},
};

// The `#include "FOLDER/..."` lines of a file that name a folder of src/ (public headers start
// with "matchfund/").
std::vector<std::string> included_folders(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> folders;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#include \"")) continue;
    const std::string target = line.substr(10, line.find('"', 10) - 10);
    const auto slash = target.find('/');
    if (slash == std::string::npos) {
      folders.push_back("(no folder): " + target);  // every internal include names its folder
      continue;
    }
    if (target.starts_with("matchfund/")) continue;
    folders.push_back(target.substr(0, slash));
  }
  return folders;
}

}  // namespace

TEST_CASE("src/ folders include only themselves and the folders below them", "[layering]") {
  const fs::path src = fs::path(MATCHFUND_SOURCE_DIR) / "src";
  std::size_t files = 0;
  std::set<std::string> folders_seen;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = entry.path().lexically_relative(src);
    INFO(relative.generic_string());
    // Every file lives in a room: none directly in src/, none in a folder the table lacks.
    REQUIRE(relative.has_parent_path());
    const std::string folder = relative.begin()->string();
    REQUIRE(allowed.contains(folder));
    folders_seen.insert(folder);
    ++files;
    for (const std::string& included : included_folders(entry.path())) {
      INFO("includes from " << included);
      CHECK(allowed.at(folder).contains(included));
    }
  }
  CHECK(folders_seen.size() == allowed.size());
  CHECK(files >= 45);
}

TEST_CASE("public headers include nothing beyond the standard library and each other", "[layering]") {
  // CMakeLists.txt promises consumers of the installed package never need Boost, yaml-cpp, fmt
  // or OpenSSL; a public header that included one would break that promise.
  const fs::path include = fs::path(MATCHFUND_SOURCE_DIR) / "include";
  std::size_t headers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(include)) {
    if (!entry.is_regular_file()) continue;
    INFO(entry.path().lexically_relative(include).generic_string());
    ++headers;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("#include")) continue;
      INFO(line);
      const bool standard = line.starts_with("#include <") && line.find('/') == std::string::npos;
      CHECK((standard || line.starts_with("#include \"matchfund/")));
    }
  }
  CHECK(headers >= 30);
}
