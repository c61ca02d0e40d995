// `replay --stop-after N --save-state FILE` then `replay --resume FILE`, in separate processes:
// the resumed run writes exactly what one uninterrupted replay writes, on every bundled campaign
// at several cut points and on random campaigns at random cut points.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bundled_campaigns.hpp"
#include "cli_runner.hpp"
#include "file_text.hpp"
#include "random_campaign.hpp"

namespace fs = std::filesystem;
using matchfund::testing::read_file;
using matchfund::testing::run_cli;

namespace {

const fs::path source_dir = MATCHFUND_SOURCE_DIR;

// The files of an output directory with their bytes, by name.
std::vector<std::pair<std::string, std::string>> outputs_of(const fs::path& directory) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    files.emplace_back(entry.path().filename().string(), read_file(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::size_t data_lines(const fs::path& csv) {
  std::ifstream in(csv);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines == 0 ? 0 : lines - 1;
}

// Replays whole, then stopped at `cut` and resumed in another process; true when the two runs
// wrote the same files and printed the same summary.
bool resumes_alike(const std::string& rules, const std::string& events, std::size_t cut, const fs::path& work) {
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string common = "'" + rules + "' '" + events + "' --trace --lenient";
  const auto whole = run_cli("replay " + common + " --out '" + (work / "whole").string() + "'");
  REQUIRE(whole.status == 0);
  const std::string state = (work / "state").string();
  const auto stopped =
      run_cli("replay " + common + " --out '" + (work / "unused").string() + "' --stop-after " + std::to_string(cut) +
              " --save-state '" + state + "'");
  REQUIRE(stopped.status == 0);
  CHECK(stopped.output == "stopped after " + std::to_string(cut) + " events; state saved to " + state + "\n");
  CHECK((!fs::exists(work / "unused") || fs::is_empty(work / "unused")));  // nothing written to DIR
  const auto resumed = run_cli("replay " + common + " --out '" + (work / "resumed").string() + "' --resume '" + state + "'");
  REQUIRE(resumed.status == 0);
  CHECK(resumed.output == whole.output);
  const bool same = outputs_of(work / "resumed") == outputs_of(work / "whole") && resumed.output == whole.output;
  CHECK(outputs_of(work / "resumed") == outputs_of(work / "whole"));
  return same;
}

}  // namespace

TEST_CASE("a replay stopped and resumed writes what an uninterrupted replay writes", "[cli][replay][snapshot]") {
  const fs::path work = fs::temp_directory_path() / ("matchfund-resume-" + std::to_string(::getpid()));
  const auto names = matchfund::testing::bundled_campaign_names(source_dir / "rules");
  std::size_t alike = 0, runs = 0;
  for (const std::string& stem : names) {
    const std::string events = "rules/" + stem + "-events.csv";
    const std::size_t n = data_lines(source_dir / events);
    for (const std::size_t cut : {std::size_t{0}, n / 3, n - 1, n}) {
      INFO(stem << " cut at " << cut);
      if (resumes_alike("rules/" + stem + ".yaml", events, cut, work)) ++alike;
      ++runs;
    }
  }
  CHECK(runs == 4 * matchfund::testing::bundled_campaigns_with_events);
  CHECK(alike == runs);
  fs::remove_all(work);
}

TEST_CASE("random campaigns stopped at random points resume alike", "[cli][replay][snapshot][property]") {
  const fs::path work = fs::temp_directory_path() / ("matchfund-resume-random-" + std::to_string(::getpid()));
  const fs::path files = work.string() + "-files";
  fs::create_directories(files);
  std::size_t alike = 0;
  constexpr std::uint64_t seeds = 25;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto campaign = matchfund::testing::make_random_campaign(seed);
    for (const auto& [name, text] : campaign.files) std::ofstream(files / name, std::ios::binary) << text;
    std::ofstream(files / "random.yaml", std::ios::binary) << campaign.rules_yaml;
    std::ofstream(files / "events.csv", std::ios::binary) << campaign.events_csv;
    const std::size_t n = data_lines(files / "events.csv");
    const std::size_t cut = static_cast<std::size_t>((seed * 0x9E3779B97F4A7C15ULL) >> 40) % (n + 1);
    INFO("seed " << seed << " cut at " << cut);
    if (resumes_alike((files / "random.yaml").string(), (files / "events.csv").string(), cut, work)) ++alike;
  }
  CHECK(alike == seeds);
  fs::remove_all(work);
  fs::remove_all(files);
}

TEST_CASE("a resume refuses other events, other rules and a damaged state", "[cli][replay][snapshot]") {
  const fs::path work = fs::temp_directory_path() / ("matchfund-resume-bad-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string state = (work / "state").string();
  REQUIRE(run_cli("replay rules/spec-worked-example.yaml rules/spec-worked-example-events.csv --out '" +
                  (work / "x").string() + "' --stop-after 4 --save-state '" + state + "'")
              .status == 0);
  // The same events with the third one's id changed.
  std::string events = read_file(source_dir / "rules" / "spec-worked-example-events.csv");
  const auto third = events.find("d3,");
  REQUIRE(third != std::string::npos);
  events.replace(third, 3, "x3,");
  std::ofstream(work / "other-events.csv", std::ios::binary) << events;
  const auto other_events = run_cli("replay rules/spec-worked-example.yaml '" + (work / "other-events.csv").string() +
                                    "' --out '" + (work / "y").string() + "' --lenient --resume '" + state + "'");
  CHECK(other_events.status == 2);
  CHECK(other_events.output == "matchfund replay: the first 4 events are not those the state was saved after\n");
  const auto other_rules = run_cli("replay rules/tencent-99-2018.yaml rules/spec-worked-example-events.csv --out '" +
                                   (work / "y").string() + "' --lenient --resume '" + state + "'");
  CHECK(other_rules.status == 2);
  CHECK(other_rules.output.find("the snapshot was saved with other rules") != std::string::npos);
  std::string bytes = read_file(state);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  std::ofstream(state, std::ios::binary | std::ios::trunc) << bytes;
  const auto damaged = run_cli("replay rules/spec-worked-example.yaml rules/spec-worked-example-events.csv --out '" +
                               (work / "y").string() + "' --resume '" + state + "'");
  CHECK(damaged.status == 2);
  CHECK(damaged.output == "matchfund replay: " + state + ": the state is damaged or cut short (its checksum does not match)\n");
  CHECK_FALSE(fs::exists(work / "y" / "ledger.csv"));
  fs::remove_all(work);
}
