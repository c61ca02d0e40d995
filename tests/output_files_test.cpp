// Output files appear all together on commit, or not at all; digests are SHA-256.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "write/output_files.hpp"
#include "support/sha256.hpp"

namespace fs = std::filesystem;
using matchfund::detail::output_set;

namespace {

using matchfund::testing::fresh_directory;
using matchfund::testing::read_file;

std::size_t entries_in(const fs::path& directory) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(directory), fs::directory_iterator{}));
}

}  // namespace

TEST_CASE("SHA-256 of known texts", "[output]") {
  CHECK(matchfund::detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(matchfund::detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  matchfund::detail::sha256 incremental;
  incremental.update("a");
  incremental.update("bc");
  CHECK(incremental.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("committed files appear with their digests", "[output]") {
  const fs::path directory = fresh_directory("commit") / "nested";
  {
    output_set outputs(directory);
    auto& ledger = outputs.create("ledger.csv");
    auto& funds = outputs.create("funds.csv");
    ledger.write("seq,time\n");
    ledger.write("1,x\n");
    funds.write("abc");
    CHECK_FALSE(fs::exists(directory / "ledger.csv"));  // nothing visible before the commit
    const auto digests = outputs.commit();
    REQUIRE(digests.size() == 2);
    CHECK(digests[0].first == "ledger.csv");
    CHECK(digests[0].second == matchfund::detail::sha256_hex("seq,time\n1,x\n"));
    CHECK(digests[1] == std::pair<std::string, std::string>{
                            "funds.csv", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"});
  }
  CHECK(read_file(directory / "ledger.csv") == "seq,time\n1,x\n");
  CHECK(read_file(directory / "funds.csv") == "abc");
  CHECK(entries_in(directory) == 2);  // no temporaries left
  fs::remove_all(directory.parent_path());
}

TEST_CASE("a run that fails leaves no output file", "[output]") {
  const fs::path directory = fresh_directory("failure");
  try {
    output_set outputs(directory);
    outputs.create("ledger.csv").write("seq\n");
    throw std::runtime_error("an invariant failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(fs::is_directory(directory));
  CHECK(entries_in(directory) == 0);
  fs::remove_all(directory);
}

TEST_CASE("an output directory that is a file is an error", "[output]") {
  const fs::path file = fresh_directory("not-a-directory");
  std::ofstream(file) << "x";
  CHECK_THROWS_AS(output_set(file), matchfund::error);
  fs::remove(file);
}
