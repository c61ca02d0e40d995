// Monte Carlo simulation (simulate.hpp): the tables do not depend on the thread count; each
// run's figures are what a plain engine makes of the same stream; sweep points share their
// streams; the summaries are the quantiles of the runs; the golden tables of a small campaign.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/rule_override.hpp"
#include "matchfund/simulate.hpp"
#include "matchfund/workload.hpp"
#include "bundled_campaigns.hpp"
#include "file_text.hpp"
#include "synth/demand_stream.hpp"
#include "synth/synthetic_donors.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

const fs::path source_dir(MATCHFUND_SOURCE_DIR);

rule_set tencent_rules() { return load_rules(source_dir / "rules" / "tencent-99-2018.yaml"); }

// The bundled 2018 demand at 1/140 of its volume (the tests cut the pools to match).
const fs::path small_tencent_demand = source_dir / "tests" / "data" / "simulate" / "small-tencent-demand.yaml";

simulation_setup one_point(const rule_set& rules) {
  simulation_setup setup;
  setup.points.push_back({"", rules});
  return setup;
}

rule_set small_pools(const rule_set& rules) {
  return apply_overrides(rules, std::vector<rule_override>{{"funds.tencent.budget", "150万"},
                                                           {"funds.enterprise-a.budget", "60万"}});
}

std::vector<std::string> table_texts(const fs::path& directory) {
  std::vector<std::string> texts;
  for (const char* name : {"runs.csv", "funds.csv", "projects.csv", "curves.csv", "simulation.json"}) {
    texts.push_back(testing::read_file(directory / name));
    INFO(name);
    CHECK(texts.back().size() > 100);
  }
  return texts;
}

}  // namespace

TEST_CASE("a simulation's files are the same bytes with one thread and with two", "[simulate]") {
  const rule_set rules = small_pools(tencent_rules());
  const demand_model demand = load_demand(small_tencent_demand, rules);
  simulation_options options{.runs = 6, .seed = 42, .threads = 1, .progress = {}};
  const auto one = simulate(one_point(rules), demand, options);
  options.threads = 2;
  const auto two = simulate(one_point(rules), demand, options);
  const fs::path a = testing::fresh_directory("simulate-threads-1");
  const fs::path b = testing::fresh_directory("simulate-threads-2");
  write_simulation(one, a);
  write_simulation(two, b);
  const auto texts_one = table_texts(a);
  const auto texts_two = table_texts(b);
  REQUIRE(texts_one.size() == 5);
  for (std::size_t i = 0; i < texts_one.size(); ++i) CHECK(texts_one[i] == texts_two[i]);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST_CASE("each run's figures are what a plain engine makes of the same stream", "[simulate]") {
  const rule_set rules = small_pools(tencent_rules());
  const demand_model demand = load_demand(small_tencent_demand, rules);
  const auto result = simulate(one_point(rules), demand, {.runs = 3, .seed = 7, .threads = 2, .progress = {}});
  REQUIRE(result.runs_table.size() == 3);
  std::size_t exhausted = 0, tranches_out = 0;
  for (const auto& record : result.runs_table) {
    INFO("run " << record.run);
    detail::demand_stream stream(demand, rules, 7, record.run);
    engine plain(rules);
    std::vector<event> batch(1000);
    std::uint64_t donations = 0, refunds = 0;
    std::set<std::string> matched_donors;
    while (const std::size_t count = stream.next(batch)) {
      for (std::size_t i = 0; i < count; ++i) {
        const auto processed = plain.process(batch[i]);
        REQUIRE_FALSE(processed.rejected);
        (batch[i].kind == event_kind::donation ? donations : refunds) += 1;
        for (const auto& evaluation : processed.evaluations) {
          if (!evaluation.paid.is_zero()) matched_donors.insert(batch[i].donor);
        }
      }
    }
    plain.finish();
    CHECK(record.donations == donations);
    CHECK(record.refunds == refunds);
    CHECK(record.matched_donors == matched_donors.size());
    CHECK(record.matched_donors < record.donors);
    CHECK(donations == stream.parameters().donations);
    REQUIRE(record.funds.size() == rules.funds().size());
    for (std::size_t f = 0; f < rules.funds().size(); ++f) {
      const auto& totals = plain.fund(fund_index{static_cast<std::uint32_t>(f)});
      CHECK(record.funds[f].drawn == totals.drawn - totals.returned);
      CHECK(record.funds[f].left == totals.available());
      CHECK(record.funds[f].exhausted_at == totals.exhausted_at);
      if (totals.exhausted_at) ++exhausted;
      // A tranche runs out between its release and the next; the last one's is the fund's (SPEC
      // §4: no release pending).
      const auto& releases = rules.funds()[f].releases;
      const auto& tranches = record.funds[f].release_exhausted;
      REQUIRE(tranches.size() == releases.size());
      CHECK(tranches.back() == totals.exhausted_at);
      for (std::size_t k = 0; k < tranches.size(); ++k) {
        if (!tranches[k]) continue;
        CHECK(releases[k].at <= *tranches[k]);
        if (k + 1 < releases.size()) CHECK(*tranches[k] < releases[k + 1].at);
        ++tranches_out;
      }
    }
    money matched, raised;
    for (std::size_t p = 0; p < rules.projects().size(); ++p) {
      matched += plain.project(project_index{static_cast<std::uint32_t>(p)}).matched;
      raised += plain.project(project_index{static_cast<std::uint32_t>(p)}).raised;
    }
    CHECK(record.matched == matched);
    CHECK(record.raised == raised);
  }
  CHECK(exhausted > 0);  // the small pools do run out: the check above saw exhaustion times
  CHECK(tranches_out > exhausted);  // and earlier tranches ran out too
}

TEST_CASE("the points of a sweep see the same streams: equal rules give equal runs", "[simulate]") {
  const rule_set rules = small_pools(tencent_rules());
  const demand_model demand = load_demand(small_tencent_demand, rules);
  simulation_setup setup;
  setup.sweep_key = "funds.tencent.budget";
  for (const char* budget : {"1500000.00", "3000000.00", "1500000.00"}) {
    setup.points.push_back({budget, apply_overrides(rules, std::vector<rule_override>{{setup.sweep_key, budget}})});
  }
  const auto result = simulate(setup, demand, {.runs = 4, .seed = 3, .threads = 2, .progress = {}});
  REQUIRE(result.runs_table.size() == 12);
  std::size_t compared = 0;
  for (std::size_t r = 0; r < 4; ++r) {
    const auto& first = result.runs_table[r];
    const auto& bigger = result.runs_table[4 + r];
    const auto& again = result.runs_table[8 + r];
    CHECK(first.point == 1);
    CHECK(again.point == 3);
    CHECK(first.raised == again.raised);
    CHECK(first.matched == again.matched);
    CHECK(first.funds[0].drawn == again.funds[0].drawn);
    CHECK(first.funds[0].exhausted_at == again.funds[0].exhausted_at);
    // The same donations: what donors gave does not depend on the pool; the bigger pool draws more.
    CHECK(first.donations == bigger.donations);
    CHECK(first.raised == bigger.raised);
    CHECK(first.funds[0].drawn <= bigger.funds[0].drawn);
    ++compared;
  }
  CHECK(compared == 4);
}

// The small demand at a tenth of its volume, with pools cut to match: for the tests of many runs.
demand_model tenth_demand(const rule_set& rules) {
  demand_model demand = load_demand(small_tencent_demand, rules);
  demand.donations /= 10;
  demand.donors /= 10;
  return demand;
}

rule_set tenth_pools(const rule_set& rules) {
  return apply_overrides(rules, std::vector<rule_override>{{"funds.tencent.budget", "15万"},
                                                           {"funds.enterprise-a.budget", "6万"}});
}

TEST_CASE("a fund's summary is the nearest-rank quantiles of its runs", "[simulate]") {
  const rule_set rules = tenth_pools(tencent_rules());
  const demand_model demand = tenth_demand(rules);
  const auto result = simulate(one_point(rules), demand, {.runs = 20, .seed = 11, .threads = 2, .progress = {}});
  REQUIRE(result.funds.size() == rules.funds().size());
  for (const auto& fund : result.funds) {
    const auto f = static_cast<std::size_t>(fund.fund);
    std::vector<money> drawn;
    std::vector<timestamp> times;
    for (const auto& run : result.runs_table) {
      drawn.push_back(run.funds[f].drawn);
      if (run.funds[f].exhausted_at) times.push_back(*run.funds[f].exhausted_at);
    }
    std::sort(drawn.begin(), drawn.end());
    std::sort(times.begin(), times.end());
    INFO("fund " << rules.fund(fund.fund).id);
    CHECK(fund.runs == 20);
    CHECK(fund.exhausted_runs == times.size());
    // Nearest rank over 20 runs: p5 is the 1st, p50 the 10th, p95 the 19th.
    CHECK(fund.drawn.p5 == drawn[0]);
    CHECK(fund.drawn.p50 == drawn[9]);
    CHECK(fund.drawn.p95 == drawn[18]);
    const auto time_at = [&](std::size_t rank) { return rank < times.size() ? std::optional(times[rank]) : std::nullopt; };
    CHECK(fund.exhausted_p5 == time_at(0));
    CHECK(fund.exhausted_p50 == time_at(9));
    CHECK(fund.exhausted_p95 == time_at(18));
  }
}

TEST_CASE("runs differ the way years differ: each draws its own volume and gift size", "[simulate]") {
  const rule_set rules = tenth_pools(tencent_rules());
  const demand_model demand = tenth_demand(rules);
  const auto result = simulate(one_point(rules), demand, {.runs = 40, .seed = 5, .threads = 2, .progress = {}});
  REQUIRE(result.runs_table.size() == 40);
  std::int64_t low = 0, high = 0;
  for (const auto& run : result.runs_table) {
    REQUIRE(run.parameters.size() == 3);
    CHECK(run.parameters[0].first == "donations.volume");
    CHECK(run.parameters[1].first == "amounts.scale");
    CHECK(run.parameters[2].first == "timing.rush.size");
    const std::int64_t volume = run.parameters[0].second;
    if (volume < 900'000) ++low;
    if (volume > 1'100'000) ++high;
    // The run's donation count follows its drawn volume (within rounding of the day shares).
    const auto expected = static_cast<std::int64_t>(20'000) * volume / 1'000'000;
    CHECK(std::abs(static_cast<std::int64_t>(run.donations) - expected) <= 3);
    const std::int64_t rush = run.parameters[2].second;
    CHECK((rush >= 500'000 && rush <= 1'500'000));
  }
  // N(1, 0.15): about a quarter of the runs on either side beyond ±0.1.
  CHECK(low >= 4);
  CHECK(high >= 4);
}

namespace {

// An employer's match for staff only: the rule reads donor.attr.class, which no file lists.
constexpr const char* staff_rules = R"(matchfund: 1
campaign:
  id: staff-match
  name: Staff match
  currency: CNY
  timezone: "+08:00"
  start: 2021-09-07T00:00:00+08:00
  end: 2021-09-08T00:00:00+08:00
projects:
  - { id: p1, organization: o1 }
  - { id: p2, organization: o2 }
funds:
  - { id: E, funder: Employer, budget: "1000000.00" }
rules:
  - id: staff
    sources: [E]
    ratio: "1"
    eligible: { field: donor.attr.class, op: "==", value: staff, default: public }
)";

constexpr const char* staff_demand = R"(matchfund_demand: 1
campaign: staff-match
donations: { expected: 20000 }
donors: { expected: 4000 }
amounts: { table: [ { amount: "10.00", weight: 1 } ] }
donor_attributes:
  class: [ { value: staff, weight: 1 }, { value: public, weight: 3 } ]
)";

}  // namespace

TEST_CASE("donor attribute tables give the simulated donors attributes the rules read", "[simulate]") {
  const rule_set rules = load_rules_text(staff_rules, "staff.yaml", ".");
  const demand_model demand = load_demand_text(staff_demand, "staff-demand.yaml", rules);
  REQUIRE(demand.donor_attributes.size() == 1);
  // The same person has the same attributes whatever the number of donors listed.
  const rule_set fewer = detail::with_synthetic_donors(rules, demand, 9, 100);
  const rule_set more = detail::with_synthetic_donors(rules, demand, 9, 4000);
  REQUIRE(fewer.donors().size() == 100);
  REQUIRE(more.donors().size() == 4000);
  std::size_t staff = 0;
  for (std::size_t d = 0; d < 4000; ++d) {
    const auto& donor = more.donors()[d];
    CHECK(donor.id == "u" + std::to_string(d + 1));
    if (d < 100) CHECK(donor.attributes == fewer.donors()[d].attributes);
    if (donor.attributes.at(0) == value(std::string("staff"))) ++staff;
  }
  CHECK((staff > 850 && staff < 1150));  // a quarter of 4,000, give or take 5 standard deviations
  // Only staff gifts are matched: every matched yuan is a staff yuan, and some gifts are not.
  simulation_setup setup;
  setup.points.push_back({"", rules});
  const auto result = simulate(setup, demand, {.runs = 2, .seed = 9, .threads = 2, .progress = {}});
  for (const auto& run : result.runs_table) {
    CHECK(run.matched.minor_units() > run.raised.minor_units() / 6);
    CHECK(run.matched.minor_units() < run.raised.minor_units() / 2);
  }
}

TEST_CASE("every bundled demand model loads against its campaign's rules", "[simulate]") {
  const fs::path rules_dir = source_dir / "rules";
  const fs::path workload_dir = testing::fresh_directory("demand-workload");
  std::size_t loaded = 0;
  for (const std::string& name : testing::bundled_yaml_names(rules_dir, true)) {
    INFO(name);
    fs::path rules_file = rules_dir / (name + ".yaml");
    if (!fs::exists(rules_file)) {
      // A workload's demand: its rules are generated (matchfund generate --workload NAME).
      REQUIRE(find_workload(name) != nullptr);
      rules_file = generate_workload({name, 1, 1000}, workload_dir / name).rules_file;
    }
    const rule_set rules = load_rules(rules_file);
    const demand_model demand = load_demand(rules_dir / (name + "-demand.yaml"), rules);
    CHECK(demand.donations > 0);
    CHECK(demand.source_sha256.size() == 64);
    ++loaded;
  }
  CHECK(loaded == testing::bundled_demand_files);
  fs::remove_all(workload_dir);
}

TEST_CASE("a refund named by its donation's position is the refund named by its id", "[simulate][engine]") {
  const rule_set rules = small_pools(tencent_rules());
  const demand_model demand = load_demand(small_tencent_demand, rules);
  detail::demand_stream stream(demand, rules, 13, 1);
  engine by_id(rules), by_position(rules);
  std::vector<event> batch(1000);
  std::size_t refunds = 0, lines = 0;
  const auto line_text = [](const ledger_line& l) {
    return std::to_string(l.seq) + " " + std::to_string(l.time.epoch_ms()) + " " + std::string(to_string(l.kind)) + " " +
           std::string(l.event_id) + " " + std::string(l.donation_id) + " " + std::string(l.donor) + " " +
           std::to_string(l.amount.minor_units());
  };
  while (const std::size_t count = stream.next(batch)) {
    for (std::size_t i = 0; i < count; ++i) {
      const event& e = batch[i];
      const auto expected = by_id.process(e);
      const auto actual = e.kind == event_kind::refund
                              ? by_position.process_unchecked_refund_of(
                                    e, static_cast<std::uint32_t>(detail::donation_number_of(e.ref) - 1))
                              : by_position.process_unchecked_new_id(e);
      REQUIRE_FALSE(expected.rejected);
      REQUIRE_FALSE(actual.rejected);
      if (e.kind == event_kind::refund) ++refunds;
    }
    REQUIRE(by_id.ledger().size() == by_position.ledger().size());
    for (std::size_t l = 0; l < by_id.ledger().size(); ++l) {
      REQUIRE(line_text(by_id.ledger()[l]) == line_text(by_position.ledger()[l]));
      ++lines;
    }
    by_id.discard_ledger();
    by_position.discard_ledger();
  }
  CHECK(refunds > 100);  // 0.2 % of about 200,000 donations, those due before the end
  CHECK(lines > 10000);
  // A position not reached yet is an unknown donation, and changes nothing.
  event late = batch[0];
  late.kind = event_kind::refund;
  late.id = "late-refund";
  late.time = rules.campaign().end - duration{1};
  const auto refused = by_position.process_unchecked_refund_of(late, 4'000'000'000U);
  REQUIRE(refused.rejected);
  CHECK(refused.rejected->code() == bad_event_code::unknown_donation);
}
