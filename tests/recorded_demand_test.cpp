// Demand from the past (recorded_demand.hpp): what a resampled run is made of, how the recorded
// days are moved onto the campaign, and the exact refusals.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/recorded_demand.hpp"
#include "matchfund/simulate.hpp"
#include "file_text.hpp"
#include "synth/demand_stream.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

const fs::path rules_dir = fs::path(MATCHFUND_SOURCE_DIR) / "rules";
const fs::path tencent_events = rules_dir / "tencent-99-2018-events.csv";

rule_set tencent_rules() { return load_rules(rules_dir / "tencent-99-2018.yaml"); }

std::vector<event> whole_stream(const demand_model& demand, const rule_set& rules, std::uint64_t run) {
  auto stream = detail::stream_of_run(demand, rules, 5, run);
  std::vector<event> all, batch(64);
  while (const std::size_t count = stream->next(batch)) all.insert(all.end(), batch.begin(), batch.begin() + static_cast<long>(count));
  CHECK(all.size() == stream->parameters().donations);
  return all;
}

// The file's text with every "2018-09-" date moved back one year, to 2017-09-.
fs::path events_a_year_earlier() {
  std::string text = testing::read_file(tencent_events);
  std::size_t moved = 0;
  for (std::size_t at = text.find("2018-09-"); at != std::string::npos; at = text.find("2018-09-", at)) {
    text.replace(at, 4, "2017");
    ++moved;
  }
  CHECK(moved == 300);
  const fs::path file = testing::fresh_directory("recorded-2017") / "events-2017.csv";
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

}  // namespace

TEST_CASE("a resampled run is made of whole recorded donors, their donations unchanged", "[recorded]") {
  const rule_set rules = tencent_rules();
  const std::vector<fs::path> files{tencent_events};
  const demand_model demand = load_recorded_demand(files, rules, {});
  REQUIRE(demand.recorded);
  CHECK(demand.recorded->donations.size() == 300);
  CHECK(demand.recorded->shift_days == 0);
  CHECK(demand.donations == 300);
  CHECK(demand.donors == demand.recorded->donors.size());
  std::map<std::string, std::vector<std::string>> recorded_by_donor;  // donor -> "time project amount"
  read_event_files(rules, files, [&](event&& e) {
    recorded_by_donor[e.donor].push_back(format_rfc3339(e.time, rules.campaign().timezone) + " " +
                                         rules.project(*e.project).id + " " + format_money(*e.amount, 2));
  }, [](rejected_event&&) { FAIL("the bundled events are valid"); });
  const auto events = whole_stream(demand, rules, 1);
  std::map<std::string, std::vector<std::string>> drawn_by_donor;
  std::int64_t last_ms = 0;
  for (const auto& e : events) {
    CHECK(e.time.epoch_ms() >= last_ms);  // time order
    last_ms = e.time.epoch_ms();
    drawn_by_donor[e.donor].push_back(format_rfc3339(e.time, rules.campaign().timezone) + " " +
                                      rules.project(*e.project).id + " " + format_money(*e.amount, 2));
  }
  // Every drawn donor, ID or ID~k, gave exactly what ID gave in the record.
  std::size_t copies = 0;
  for (const auto& [donor, gifts] : drawn_by_donor) {
    const std::string original = donor.substr(0, donor.find('~'));
    INFO(donor);
    REQUIRE(recorded_by_donor.count(original) == 1);
    CHECK(gifts == recorded_by_donor[original]);
    if (donor != original) ++copies;
  }
  CHECK(drawn_by_donor.size() == demand.donors);  // scale 1, no volume deviation: as many donors
  CHECK(copies > 0);                                // drawn with replacement
}

TEST_CASE("recorded days are moved by whole days onto the campaign's", "[recorded]") {
  const rule_set rules = tencent_rules();
  const fs::path earlier = events_a_year_earlier();
  const demand_model moved = load_recorded_demand(std::vector<fs::path>{earlier}, rules, {});
  const demand_model same = load_recorded_demand(std::vector<fs::path>{tencent_events}, rules, {});
  CHECK(moved.recorded->shift_days == 365);
  CHECK(moved.recorded->outside == 0);
  const auto a = whole_stream(moved, rules, 3);
  const auto b = whole_stream(same, rules, 3);
  REQUIRE(a.size() == b.size());
  CHECK(a == b);
  fs::remove_all(earlier.parent_path());
}

TEST_CASE("scale and the run's drawn volume and gift size shape a resampled run", "[recorded]") {
  const rule_set rules = tencent_rules();
  recorded_demand_options options;
  options.scale = parse_ratio("3").value();
  options.gift_sd = parse_ratio("0.2").value();
  const demand_model demand = load_recorded_demand(std::vector<fs::path>{tencent_events}, rules, options);
  CHECK(demand.donations == 900);
  CHECK(demand.donors == 3 * demand.recorded->donors.size());
  CHECK_FALSE(demand.volume.uncertain());
  CHECK(demand.amount_scale.uncertain());
  simulation_setup setup;
  setup.points.push_back({"", rules});
  const auto result = simulate(setup, demand, {.runs = 12, .seed = 2, .threads = 2, .progress = {}});
  REQUIRE(result.runs_table.size() == 12);
  std::set<std::int64_t> gift_sizes;
  for (const auto& run : result.runs_table) {
    CHECK(run.donors == demand.donors);
    CHECK(run.matched_donors > 0);
    CHECK(run.matched_donors <= run.donors);
    REQUIRE(run.parameters.size() == 1);
    CHECK(run.parameters[0].first == "amounts.scale");
    gift_sizes.insert(run.parameters[0].second);
  }
  CHECK(gift_sizes.size() == 12);
}

TEST_CASE("recorded demand refuses what it cannot resample, with the reason", "[recorded]") {
  const rule_set rules = tencent_rules();
  const std::vector<fs::path> files{tencent_events};
  recorded_demand_options zero;
  zero.scale = ratio::from_millionths(0);
  CHECK_THROWS_WITH(load_recorded_demand(files, rules, zero), "--scale is above 0 and at most 1000, got 0");
  recorded_demand_options wide;
  wide.volume_sd = parse_ratio("1.5").value();
  CHECK_THROWS_WITH(load_recorded_demand(files, rules, wide),
                    "a standard deviation of a run's volume or gifts is 0 to 1, got 1.5");
  const rule_set other = load_rules(rules_dir / "spec-worked-example.yaml");
  try {
    (void)load_recorded_demand(files, other, {});
    FAIL("events for another campaign's projects were accepted");
  } catch (const event_file_error& e) {
    CHECK(e.line() == 2);
    CHECK(std::string(e.what()).find(tencent_events.generic_string() + ":2: event g-1: ") == 0);
  }
}
