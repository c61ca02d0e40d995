// Synthetic workloads (workload.hpp): deterministic, exactly the donations asked for, in time
// order, loadable, and replayable with every invariant holding.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <unistd.h>

#include <algorithm>
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
  std::vector<std::string> names;
  for (const auto& w : workloads()) names.emplace_back(w.name);
  CHECK(names == std::vector<std::string>{"national-2021", "chongqing-2021-federation", "chongqing-2019", "chongqing-2020",
                                          "chongqing-2021", "tencent-2017", "chongqing-2022",
                                          "ntgd-2015", "bigive-2024", "facebook-2017", "facebook-2018"});
  REQUIRE(find_workload("chongqing-2020") != nullptr);
  CHECK(find_workload("chongqing-2020")->donations == 57'800'000);
  CHECK(find_workload("national") == nullptr);
  CHECK_THROWS_WITH(generate_workload({"national", 1, 10}, scratch("unknown")), "no workload called national");
  CHECK_FALSE(fs::exists(scratch("unknown")));
}

TEST_CASE("a workload is the same for the same seed and replays with every invariant", "[workload]") {
  std::size_t seen = 0;
  for (const auto& workload : workloads()) {
    INFO(workload.name);
    ++seen;
    workload_options options;
    options.name = std::string(workload.name);
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
    // A campaign whose only match is a close-out (a pro-rata bonus pool) matches nothing during
    // the day: its close-out pays instead.
    const bool closeout_paid = std::any_of(report.funds.begin(), report.funds.end(),
                                           [](const fund_report& fund) { return fund.closeout.minor_units() > 0; });
    CHECK((report.outcome_counts.count("matched") == 1 || closeout_paid));
    for (const auto& directory : {first, second, other_seed}) fs::remove_all(directory);
  }
  CHECK(seen == 11);
}
