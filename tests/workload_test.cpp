// Synthetic workloads (workload.hpp): deterministic, exactly the donations asked for, in time
// order, loadable, and replayable with every invariant holding.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/workload.hpp"

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

using matchfund::testing::read_file;

fs::path scratch(const std::string& name) {
  return fs::temp_directory_path() / ("matchfund-workload-" + name + "-" + std::to_string(::getpid()));
}

}  // namespace

TEST_CASE("workload names", "[workload]") {
  CHECK(workload_from_string("national-2021") == workload_kind::national_2021);
  CHECK(workload_from_string("chongqing-2021") == workload_kind::chongqing_2021);
  CHECK_FALSE(workload_from_string("national").has_value());
}

TEST_CASE("a workload is the same for the same seed and replays with every invariant", "[workload]") {
  for (const auto kind : {workload_kind::national_2021, workload_kind::chongqing_2021}) {
    INFO(static_cast<int>(kind));
    workload_options options;
    options.kind = kind;
    options.seed = 7;
    options.donations = 20'000;
    const fs::path first = scratch("a"), second = scratch("b"), other_seed = scratch("c");
    const auto summary = generate_workload(options, first);
    generate_workload(options, second);
    options.seed = 8;
    generate_workload(options, other_seed);
    CHECK(summary.donations == 20'000);
    for (const char* name : {"rules.yaml", "projects.csv", "events.csv"}) {
      INFO(name);
      CHECK(read_file(first / name) == read_file(second / name));
    }
    CHECK(read_file(first / "events.csv") != read_file(other_seed / "events.csv"));

    const rule_set rules = load_rules(summary.rules_file);
    CHECK(rules.projects().size() == summary.projects);
    CHECK(rules.organizations().size() <= summary.organizations);
    std::vector<fs::path> files{summary.events_file};
    std::uint64_t rejected = 0;
    const auto events = load_events(rules, files, [&](rejected_event&&) { ++rejected; });
    CHECK(rejected == 0);
    REQUIRE(events.size() == 20'000);
    // Written in time order already: the first and last ids in processing order.
    CHECK(events.front().id == "n-1");
    CHECK(events.back().id == "n-20000");

    const auto report = replay(rules, files, first / "out", replay_options{});
    CHECK(report.donations == 20'000);
    for (const auto& invariant : report.invariants) CHECK(invariant.holds);
    CHECK(report.outcome_counts.count("matched") == 1);
    for (const auto& directory : {first, second, other_seed}) fs::remove_all(directory);
  }
}
