// A simulation in parts (simulate.hpp: simulate_part, assemble_simulation): any split of the runs
// gives the files simulate() writes, byte for byte; parts that overlap, leave a run out or are
// damaged are refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/rule_override.hpp"
#include "matchfund/simulate.hpp"
#include "file_text.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

const fs::path source_dir(MATCHFUND_SOURCE_DIR);

// The 2018 campaign with small pools, swept over two Tencent budgets (two points). The demand is a
// tenth of the test file's, and so are the pools, so that pools still run out in some runs.
simulation_setup swept_setup() {
  const rule_set loaded = load_rules(source_dir / "rules" / "tencent-99-2018.yaml");
  const rule_set rules = apply_overrides(loaded, std::vector<rule_override>{{"funds.enterprise-a.budget", "6万"}});
  simulation_setup setup;
  setup.sweep_key = "funds.tencent.budget";
  for (const char* budget : {"10万", "15万"}) {
    setup.points.push_back({budget, apply_overrides(rules, std::vector<rule_override>{{"funds.tencent.budget", budget}})});
  }
  return setup;
}

demand_model tenth_demand(const simulation_setup& setup) {
  demand_model demand =
      load_demand(source_dir / "tests" / "data" / "simulate" / "small-tencent-demand.yaml", setup.points.front().rules);
  demand.donations /= 10;
  demand.donors /= 10;
  return demand;
}

std::vector<std::string> written(const simulation_result& result, const std::string& name) {
  const fs::path directory = testing::fresh_directory(name);
  write_simulation(result, directory);
  std::vector<std::string> texts;
  for (const char* file : {"runs.csv", "funds.csv", "releases.csv", "projects.csv", "curves.csv", "simulation.json"}) {
    texts.push_back(testing::read_file(directory / file));
  }
  fs::remove_all(directory);
  return texts;
}

// The whole simulation and its parts, computed once for all the sections below (Catch runs the
// test case once per section).
struct split_simulation {
  simulation_setup setup = swept_setup();
  demand_model demand = tenth_demand(setup);
  simulation_options options{.runs = 7, .seed = 11, .threads = 1, .progress = {}};
  std::vector<std::string> whole = written(simulate(setup, demand, options), "parts-whole");
  // Runs 1-3, 4, 5-7 of point 2 and 1-7 of point 1, handed over out of order.
  std::vector<std::string> parts = {simulate_part(setup, demand, options, 2, 4, 1),
                                    simulate_part(setup, demand, options, 1, 1, 7),
                                    simulate_part(setup, demand, options, 2, 5, 3),
                                    simulate_part(setup, demand, options, 2, 1, 3)};
};

const split_simulation& the_split_simulation() {
  static const split_simulation computed;
  return computed;
}

}  // namespace

TEST_CASE("a simulation assembled from parts writes what simulate() writes", "[simulate]") {
  const split_simulation& split = the_split_simulation();
  const simulation_setup& setup = split.setup;
  const demand_model& demand = split.demand;
  const simulation_options& options = split.options;
  const std::vector<std::string>& whole = split.whole;
  REQUIRE(whole.size() == 6);
  std::vector<std::string> parts = split.parts;
  const auto assembled = written(assemble_simulation(setup, demand, options, parts), "parts-assembled");
  for (std::size_t i = 0; i < whole.size(); ++i) {
    INFO("file " << i);
    CHECK(assembled[i] == whole[i]);
  }

  SECTION("a run left out") {
    parts.erase(parts.begin());
    CHECK_THROWS_WITH(assemble_simulation(setup, demand, options, parts),
                      "the simulation parts leave out run 4 of point 2");
  }
  SECTION("a run twice") {
    parts.push_back(simulate_part(setup, demand, options, 2, 3, 2));
    CHECK_THROWS_WITH(assemble_simulation(setup, demand, options, parts),
                      "simulation parts overlap: run 3 of point 2 comes twice");
  }
  SECTION("a part cut short") {
    parts[1].resize(parts[1].size() - 3);
    CHECK_THROWS_WITH(assemble_simulation(setup, demand, options, parts), "a simulation part is cut short or damaged");
  }
  SECTION("another seed") {
    simulation_options other = options;
    other.seed = 12;
    parts[0] = simulate_part(setup, demand, other, 2, 4, 1);
    CHECK_THROWS_WITH(assemble_simulation(setup, demand, options, parts),
                      "a simulation part was made with other runs or another seed");
  }
  SECTION("not a part") {
    parts[0] = "runs.csv";
    CHECK_THROWS_WITH(assemble_simulation(setup, demand, options, parts), "not a simulation part of this version of matchfund");
  }
}

TEST_CASE("a simulation part out of range is refused", "[simulate]") {
  const simulation_setup setup = swept_setup();
  const demand_model demand = tenth_demand(setup);
  const simulation_options options{.runs = 3, .seed = 1, .threads = 1, .progress = {}};
  CHECK_THROWS_WITH(simulate_part(setup, demand, options, 3, 1, 1), "a simulation part's point is out of range");
  CHECK_THROWS_WITH(simulate_part(setup, demand, options, 1, 0, 1), "a simulation part's runs are out of range");
  CHECK_THROWS_WITH(simulate_part(setup, demand, options, 1, 2, 3), "a simulation part's runs are out of range");
  CHECK_THROWS_WITH(simulate_part(setup, demand, options, 1, 1, 0), "a simulation part's runs are out of range");
}
