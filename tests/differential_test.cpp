// The fast engine (through replay) against the deliberately simple reference model of the test
// tree: the same rules and events must give byte-identical ledger, projects, funds, outcomes and
// holds (SPEC §12; holds.csv exactly when some hold was accepted).
#include <catch2/catch.hpp>

#include "bundled_campaigns.hpp"
#include "file_text.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "random_campaign.hpp"
#include "reference/reference_model.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

using matchfund::testing::read_file;

// Both sides' outputs for one campaign. `dump`: when not empty, they are also written there
// (engine-*.csv, model-*.csv).
struct agreement {
  bool agreed = false;  // every output file the same bytes
  std::string ledger;   // the model's ledger
  std::string holds;    // the model's holds.csv ("" when no hold was accepted)
  std::vector<reference::rejection> rejected;  // every bad event
};

agreement check_agreement(const rule_set& rules, const fs::path& events_file, const fs::path& dump = {}) {
  std::vector<event> events;
  // Rejected for their fields here (spelled as rejected.csv spells them), then by the model.
  std::vector<reference::rejection> all_rejected;
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); },
      [&](rejected_event&& bad) { all_rejected.push_back({bad.file, bad.line, bad.id, to_string(bad.reason)}); });
  const std::vector<std::string> names{events_file.generic_string()};
  const auto expected = reference::replay(rules, events, names);

  const fs::path out = fs::temp_directory_path() / ("matchfund-differential-" + std::to_string(::getpid()));
  const fs::path loaded_out = out.string() + "-loaded";
  fs::remove_all(out);
  fs::remove_all(loaded_out);
  const std::vector<fs::path> files{events_file};
  replay_options options;
  options.trace = true;
  options.lenient = true;
  (void)matchfund::replay(rules, files, out, options);
  // Streamed (events in time order) or not, the replay writes the same bytes.
  options.stream_in_time_order = false;
  (void)matchfund::replay(rules, files, loaded_out, options);
  bool agreed = true;
  const auto same = [&](const std::string& actual, const std::string& wanted) {
    CHECK(actual == wanted);
    agreed = agreed && actual == wanted;
  };
  for (const char* name :
       {"ledger.csv", "projects.csv", "funds.csv", "outcomes.csv", "holds.csv", "rejected.csv", "summary.json"}) {
    INFO(name);
    same(read_file(out / name), read_file(loaded_out / name));
  }
  // SPEC §12: holds.csv is written exactly when some hold was accepted.
  CHECK(fs::exists(out / "holds.csv") == !expected.holds_csv.empty());
  CHECK(fs::exists(loaded_out / "holds.csv") == !expected.holds_csv.empty());
  agreed = agreed && fs::exists(out / "holds.csv") == !expected.holds_csv.empty();
  fs::remove_all(loaded_out);
  std::string rejected_ids;  // every rejection, as rejected.csv lists them: in line order
  all_rejected.insert(all_rejected.end(), expected.rejected.begin(), expected.rejected.end());
  std::stable_sort(all_rejected.begin(), all_rejected.end(),
                   [](const reference::rejection& a, const reference::rejection& b) { return a.line < b.line; });
  for (const auto& bad : all_rejected) {
    rejected_ids += bad.file + "," + std::to_string(bad.line) + "," + bad.id + "," + bad.reason + "\n";
  }
  if (!dump.empty()) {
    for (const auto& [name, text] : {std::pair{"ledger.csv", expected.ledger_csv}, std::pair{"projects.csv", expected.projects_csv},
                                     std::pair{"funds.csv", expected.funds_csv}, std::pair{"outcomes.csv", expected.outcomes_csv},
                                     std::pair{"holds.csv", expected.holds_csv}}) {
      std::ofstream(dump / ("model-" + std::string(name)), std::ios::binary) << text;
      std::ofstream(dump / ("engine-" + std::string(name)), std::ios::binary) << read_file(out / name);
    }
  }
  same(read_file(out / "ledger.csv"), expected.ledger_csv);
  same(read_file(out / "projects.csv"), expected.projects_csv);
  same(read_file(out / "funds.csv"), expected.funds_csv);
  same(read_file(out / "outcomes.csv"), expected.outcomes_csv);
  same(read_file(out / "holds.csv"), expected.holds_csv);
  same(read_file(out / "rejected.csv"), "file,line,id,reason\n" + rejected_ids);
  fs::remove_all(out);
  return {agreed, expected.ledger_csv, expected.holds_csv, all_rejected};
}

}  // namespace

TEST_CASE("engine and reference model agree on the bundled campaigns with events", "[differential]") {
  const fs::path rules_dir = fs::path(MATCHFUND_SOURCE_DIR) / "rules";
  const auto names = matchfund::testing::bundled_campaign_names(rules_dir);
  CHECK(names.size() == matchfund::testing::bundled_campaigns_with_events);
  std::size_t agreed = 0;
  for (const std::string& name : names) {
    INFO(name);
    if (check_agreement(load_rules(rules_dir / (name + ".yaml")), rules_dir / (name + "-events.csv")).agreed) ++agreed;
  }
  CHECK(agreed == names.size());
}

namespace {

// The second column (id) and third (time) of the data lines of a scenario's events.csv.
std::vector<std::pair<std::string, std::string>> ids_and_times(const std::string& csv) {
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    const std::size_t id = line.find(',') + 1;
    const std::size_t time = line.find(',', id) + 1;
    rows.emplace_back(line.substr(id, time - 1 - id), line.substr(time, line.find(',', time) - time));
  }
  return rows;
}

bool repeats_an_id(const std::string& csv) {
  std::set<std::string> ids;
  for (const auto& row : ids_and_times(csv)) {
    if (!ids.insert(row.first).second) return true;
  }
  return false;
}

// The statuses in a holds.csv of the holds that held money (SPEC §12).
std::set<std::string> statuses_holding_money(const std::string& holds_csv) {
  std::set<std::string> statuses;
  const auto rows = matchfund::testing::csv_cells(holds_csv);
  for (std::size_t r = 1; r < rows.size(); ++r) {  // after the header
    if (rows[r].size() >= 7 && rows[r][5] != "0.00") statuses.insert(rows[r][6]);
  }
  return statuses;
}

// Whether a confirm wrote match lines: a match line whose event is not its donation (SPEC §12).
bool confirm_wrote_lines(const std::string& ledger_csv) {
  for (const auto& columns : matchfund::testing::csv_cells(ledger_csv)) {
    if (columns.size() >= 5 && columns[2] == "match" && columns[3] != columns[4]) return true;
  }
  return false;
}

bool in_time_order(const std::string& csv) {  // times are written in one offset: text order is time order
  const auto rows = ids_and_times(csv);
  return std::is_sorted(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
}

}  // namespace

namespace {

// How many seeds show each thing the random campaigns are meant to exercise.
// Whether one of `rules` wrote a match line.
bool one_of_rules_paid(const std::set<std::string>& rules, const std::string& ledger) {
  for (const auto& cells : matchfund::testing::csv_cells(ledger)) {
    if (cells.size() > 7 && cells[2] == "match" && rules.count(cells[7]) > 0) return true;
  }
  return false;
}

// Whether a stepped rule paid past its first step: its match lines add up beyond 15.00.
bool stepped_rule_crossed(const std::set<std::string>& rules, const std::string& ledger) {
  std::map<std::string, std::int64_t> paid;
  for (const auto& cells : matchfund::testing::csv_cells(ledger)) {
    if (cells.size() > 9 && cells[2] == "match" && rules.count(cells[7]) > 0) {
      paid[cells[7]] += parse_money(cells[9], 2).value().minor_units();
    }
  }
  for (const auto& [rule, minor] : paid) {
    if (minor > 1500) return true;
  }
  return false;
}

// Match lines of rules settled on the donor's later payments alone: whether one stood at the
// close (no reversal of any kind for its donation and rule) and whether one was reversed by
// settlement (a reversal caused by the close: the event `c0`, or none at the end of input).
struct settled_by_payments {
  bool kept = false;
  bool reversed = false;
};

settled_by_payments settlement_by_payments(const std::set<std::string>& rules, const std::string& ledger) {
  std::set<std::pair<std::string, std::string>> matched, reversed;  // (donation, rule)
  settled_by_payments seen;
  for (const auto& cells : matchfund::testing::csv_cells(ledger)) {
    if (cells.size() < 10 || rules.count(cells[7]) == 0) continue;
    if (cells[2] == "match") matched.insert({cells[4], cells[7]});
    if (cells[2] != "reversal") continue;
    reversed.insert({cells[4], cells[7]});
    if (cells[3].empty() || cells[3] == "c0") seen.reversed = true;
  }
  for (const auto& line : matched) seen.kept = seen.kept || reversed.count(line) == 0;
  return seen;
}

struct seed_counts {
  int agreed = 0;
  int with_closeout = 0;
  int with_close_event = 0;
  int with_repeated_id = 0;
  int out_of_order = 0;
  int with_zero_release = 0;
  int with_empty_text_condition = 0;
  int with_shared_step_fund = 0;
  std::map<std::string, int> paid_by_kind;  // step kind -> seeds where a step of that kind paid
  int with_holds = 0;
  int with_confirm_lines = 0;
  int with_recorded_match = 0;  // a rule with ratio_from or amount_from wrote a match line
  int with_stepped_crossing = 0;  // a stepped rule paid past its first step
  int with_ranked_match = 0;      // a rule eligible by a day rank paid
  int with_payments_kept = 0;      // a line of a rule settled on payments alone stood at the close
  int with_payments_reversed = 0;  // and one was reversed by settlement
  std::map<std::string, int> holding_by_status;  // hold status -> seeds with such a hold that held money
  std::map<std::string, int> by_reason;          // reason -> seeds where an event of a hold scenario has it

  void add(const matchfund::testing::random_campaign& c, const agreement& result) {
    if (result.agreed) ++agreed;
    if (!c.step_kinds.empty()) ++with_closeout;
    if (c.close_event) ++with_close_event;
    if (repeats_an_id(c.events_csv)) ++with_repeated_id;
    if (!in_time_order(c.events_csv)) ++out_of_order;
    if (c.features.zero_release) ++with_zero_release;
    if (c.features.empty_text_condition) ++with_empty_text_condition;
    if (c.features.shared_step_fund) ++with_shared_step_fund;
    for (const std::string& kind : matchfund::testing::kinds_paid(c, result.ledger)) ++paid_by_kind[kind];
    if (c.features.holds) ++with_holds;
    if (one_of_rules_paid(c.features.recorded_rules, result.ledger)) ++with_recorded_match;
    if (stepped_rule_crossed(c.features.stepped_rules, result.ledger)) ++with_stepped_crossing;
    if (one_of_rules_paid(c.features.ranked_rules, result.ledger)) ++with_ranked_match;
    const settled_by_payments settled = settlement_by_payments(c.features.settled_by_payments, result.ledger);
    if (settled.kept) ++with_payments_kept;
    if (settled.reversed) ++with_payments_reversed;
    if (confirm_wrote_lines(result.ledger)) ++with_confirm_lines;
    for (const std::string& status : statuses_holding_money(result.holds)) ++holding_by_status[status];
    std::set<std::string> reasons;  // of the events the hold scenarios wrote (ids h0, h0c, ...)
    for (const auto& bad : result.rejected) {
      if (bad.id.starts_with("h")) reasons.insert(bad.reason);
    }
    for (const std::string& reason : reasons) ++by_reason[reason];
  }
};

// Writes the campaign's files, loads its rules and compares both sides on its events.
agreement compare_campaign(std::uint64_t seed, const matchfund::testing::random_campaign& c, const fs::path& directory) {
  for (const auto& [name, text] : c.files) std::ofstream(directory / name, std::ios::binary) << text;
  auto loaded = try_load_rules_text(c.rules_yaml, "random.yaml", directory);
  INFO(c.rules_yaml);
  if (!loaded) {
    std::string problems;
    for (const auto& d : loaded.diagnostics) problems += d.to_string() + "\n";
    FAIL_CHECK("the generator wrote invalid rules:\n" << problems);
    return {};
  }
  const fs::path events = directory / "events.csv";
  std::ofstream(events, std::ios::binary) << c.events_csv;
  INFO(c.events_csv);
  fs::path dump_directory;
  if (const char* dump = std::getenv("MATCHFUND_DUMP_SCENARIO"); dump != nullptr && std::to_string(seed) == dump) {
    // scenario.yaml, scenario.csv and the files the rules name, next to the run's directory,
    // with both sides' outputs.
    dump_directory = directory.parent_path();
    std::ofstream(dump_directory / "scenario.yaml") << c.rules_yaml;
    std::ofstream(dump_directory / "scenario.csv") << c.events_csv;
    for (const auto& [name, text] : c.files) std::ofstream(dump_directory / name, std::ios::binary) << text;
  }
  // An exception (in the engine or the model) fails this seed only, so that it hides no other.
  agreement result;
  CHECK_NOTHROW(result = check_agreement(*loaded.rules, events, dump_directory));
  return result;
}

}  // namespace

TEST_CASE("engine and reference model agree on random campaigns", "[differential][property]") {
  const fs::path directory = fs::temp_directory_path() / ("matchfund-differential-random-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  // MATCHFUND_DIFFERENTIAL_SEEDS=N compares N campaigns instead of 300 (seeds 1 to N).
  int seeds = 300;
  if (const char* count = std::getenv("MATCHFUND_DIFFERENTIAL_SEEDS"); count != nullptr) seeds = std::atoi(count);
  REQUIRE(seeds >= 30);
  seed_counts counts;
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(seeds); ++seed) {
    INFO("seed " << seed);
    const auto campaign = matchfund::testing::make_random_campaign(seed);
    counts.add(campaign, compare_campaign(seed, campaign, directory));
  }
  CHECK(counts.agreed == seeds);
  // Most campaigns run close-out steps, some close with an event, and every kind of step pays
  // out in a good number of them (out of 300: 10 each at the very least).
  INFO(counts.with_closeout << " campaigns with close-out steps, " << counts.with_close_event << " with a close event");
  CHECK(counts.with_closeout >= seeds * 2 / 3);
  // Both replay paths run: streamed (in time order) and loaded (out of order), with repeated ids.
  INFO(counts.out_of_order << " campaigns out of time order, " << counts.with_repeated_id << " with a repeated id");
  CHECK(counts.out_of_order >= seeds / 20);
  CHECK(counts.with_repeated_id >= seeds / 20);
  CHECK(counts.with_close_event >= seeds / 6);
  for (const char* kind : {"proportional", "equal", "quadratic", "quadratic/gitcoin", "fixed", "challenge", "rematch"}) {
    INFO("close-out kind " << kind << " paid in " << counts.paid_by_kind[kind] << " seeds");
    CHECK(counts.paid_by_kind[kind] >= seeds / 30);
  }
  // The weights of qualifying and outside-window money pay more rarely (the step must pay at all,
  // and outside-window money needs a rule with windows and gifts outside them): out of 300, 3 each
  // at the least (13 and 4 are seen).
  for (const char* kind : {"proportional/qualifying", "proportional/outside_windows"}) {
    INFO("close-out kind " << kind << " paid in " << counts.paid_by_kind[kind] << " seeds");
    CHECK(counts.paid_by_kind[kind] >= seeds / 100);
  }
  // SPEC §11.14, §11.17, §11.19 (out of 300: 20 each at the very least).
  INFO(counts.with_zero_release << " campaigns with a zero release, " << counts.with_empty_text_condition
                                << " with a condition against \"\" on a missing field, " << counts.with_shared_step_fund
                                << " with close-out steps sharing a fund");
  CHECK(counts.with_zero_release >= seeds / 15);
  CHECK(counts.with_empty_text_condition >= seeds / 15);
  CHECK(counts.with_shared_step_fund >= seeds / 15);
  // Rules that read their match from an attribute (ratio_from, amount_from) pay in a good number.
  INFO(counts.with_recorded_match << " campaigns where a ratio_from or amount_from rule paid");
  CHECK(counts.with_recorded_match >= seeds / 15);
  INFO(counts.with_stepped_crossing << " campaigns where a stepped ratio paid past its first step");
  CHECK(counts.with_stepped_crossing >= seeds / 30);
  INFO(counts.with_ranked_match << " campaigns where a rule for the day's leaders paid");
  CHECK(counts.with_ranked_match >= seeds / 30);
  // Settlement on the donor's later payments: lines that stood and lines reversed at the close
  // (out of 300: 30 each at the very least; about 90 and 75 are seen).
  INFO(counts.with_payments_kept << " campaigns where a line settled on payments stood, " << counts.with_payments_reversed
                                 << " where one was reversed");
  CHECK(counts.with_payments_kept >= seeds / 10);
  CHECK(counts.with_payments_reversed >= seeds / 10);
  // SPEC §12: holds in about 40 % of campaigns, holding money and then confirmed (writing match
  // lines), cancelled and expired, and confirms and cancels that are bad.
  INFO(counts.with_holds << " campaigns with holds, " << counts.with_confirm_lines << " where a confirm wrote lines");
  CHECK(counts.with_holds >= seeds / 4);
  CHECK(counts.with_confirm_lines >= seeds / 10);
  for (const char* status : {"confirmed", "cancelled", "expired"}) {
    INFO("a hold that held money was " << status << " in " << counts.holding_by_status[status] << " seeds");
    CHECK(counts.holding_by_status[status] >= seeds / 12);
  }
  for (const char* reason : {"unknown_hold", "hold_resolved", "unknown_donation"}) {
    INFO(reason << " among the hold scenarios' bad events in " << counts.by_reason[reason] << " seeds");
    CHECK(counts.by_reason[reason] >= seeds / 10);
  }
  fs::remove_all(directory);
}
