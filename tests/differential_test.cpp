// The fast engine (through replay) against the deliberately simple reference model of the test
// tree: the same rules and events must give byte-identical ledger, projects, funds and outcomes.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "reference/reference_model.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

using matchfund::testing::read_file;

// `dump`: when not empty, both sides' outputs are also written there (engine-*.csv, model-*.csv).
// Returns the model's ledger.
std::string check_agreement(const rule_set& rules, const fs::path& events_file, const fs::path& dump = {}) {
  std::vector<event> events;
  std::vector<rejected_event> all_rejected;  // for their fields here, then the model's
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); },
      [&](rejected_event&& bad) { all_rejected.push_back(std::move(bad)); });
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
  for (const char* name : {"ledger.csv", "projects.csv", "funds.csv", "outcomes.csv", "rejected.csv", "summary.json"}) {
    INFO(name);
    CHECK(read_file(out / name) == read_file(loaded_out / name));
  }
  fs::remove_all(loaded_out);
  std::string rejected_ids;  // every rejection, as rejected.csv lists them: in line order
  all_rejected.insert(all_rejected.end(), expected.rejected.begin(), expected.rejected.end());
  std::stable_sort(all_rejected.begin(), all_rejected.end(),
                   [](const rejected_event& a, const rejected_event& b) { return a.line < b.line; });
  for (const auto& bad : all_rejected) {
    rejected_ids += bad.file + "," + std::to_string(bad.line) + "," + bad.id + "," + bad.reason + "\n";
  }
  if (!dump.empty()) {
    for (const auto& [name, text] : {std::pair{"ledger.csv", expected.ledger_csv}, std::pair{"projects.csv", expected.projects_csv},
                                     std::pair{"funds.csv", expected.funds_csv}, std::pair{"outcomes.csv", expected.outcomes_csv}}) {
      std::ofstream(dump / ("model-" + std::string(name)), std::ios::binary) << text;
      std::ofstream(dump / ("engine-" + std::string(name)), std::ios::binary) << read_file(out / name);
    }
  }
  CHECK(read_file(out / "ledger.csv") == expected.ledger_csv);
  CHECK(read_file(out / "projects.csv") == expected.projects_csv);
  CHECK(read_file(out / "funds.csv") == expected.funds_csv);
  CHECK(read_file(out / "outcomes.csv") == expected.outcomes_csv);
  CHECK(read_file(out / "rejected.csv") == "file,line,id,reason\n" + rejected_ids);
  fs::remove_all(out);
  return expected.ledger_csv;
}

}  // namespace

TEST_CASE("engine and reference model agree on the bundled campaigns with events", "[differential]") {
  const fs::path rules_dir = fs::path(MATCHFUND_SOURCE_DIR) / "rules";
  for (const auto& entry : fs::directory_iterator(rules_dir)) {
    const std::string stem = entry.path().stem().string();
    const fs::path events = rules_dir / (stem + "-events.csv");
    if (entry.path().extension() != ".yaml" || !fs::exists(events)) continue;
    DYNAMIC_SECTION(stem) { (void)check_agreement(load_rules(entry.path()), events); }
  }
}

namespace {

// A random small campaign: 1-3 funds, 1-4 rules with random mechanics, a few projects and donors,
// and 10-60 events over three days (donations, refunds, revocations, sometimes a close). Most
// campaigns also have close-out steps of every kind. Written as YAML and CSV text, so the loader
// and the event reader are exercised too.
struct scenario {
  std::string rules_yaml;
  std::string events_csv;
  std::vector<std::pair<std::string, std::string>> files;  // other files the rules name: name, text
  std::vector<std::string> step_kinds;  // by step (s0, s1, ...): its kind, "quadratic/gitcoin" apart
  bool close_event = false;
};

// The kinds of the steps that wrote close-out lines into a ledger (the `rule` column of a
// close-out line is the step id, s0, s1, ...).
std::set<std::string> kinds_paid(const scenario& s, const std::string& ledger) {
  std::set<std::string> kinds;
  std::istringstream lines(ledger);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> columns;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) columns.push_back(field);
    if (columns.size() < 10 || columns[2] != "closeout" || columns[7].size() < 2) continue;
    const auto step = static_cast<std::size_t>(std::stoi(columns[7].substr(1)));
    if (step < s.step_kinds.size()) kinds.insert(s.step_kinds[step]);
  }
  return kinds;
}

// A close-out step planned before the funds and rules are written (funds name steps in
// `leftover`, and a rematched rule gets caps so that it leaves something to rematch).
struct planned_step {
  std::string kind;
  int rule = 0;  // rematch: the rule
};

scenario random_scenario(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto pick = [&](int low, int high) { return static_cast<int>(std::uniform_int_distribution<int>(low, high)(random)); };
  const auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  // Close-out choices (and the events' close) draw from a stream of their own, so that adding
  // them changes the rest of a campaign little. Random values are taken one per statement, so
  // that a seed gives the same campaign whatever order a compiler evaluates operands in.
  std::mt19937_64 closeout_random(seed ^ 0x9E3779B97F4A7C15ULL);
  const auto pick2 = [&](int low, int high) {
    return static_cast<int>(std::uniform_int_distribution<int>(low, high)(closeout_random));
  };
  const auto chance2 = [&](int percent) { return pick2(1, 100) <= percent; };
  const auto money_text = [](int units) { return "\"" + std::to_string(units) + ".00\""; };

  scenario s;
  std::string& y = s.rules_yaml;
  y = "matchfund: 1\n"
      "campaign: { id: c, name: Random, currency: CNY, timezone: \"+08:00\", seed: " + std::to_string(seed) + ",\n"
      "            start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00 }\n"
      "projects:\n";
  const int projects = pick(2, 4);
  std::vector<bool> has_region(2, false);
  for (int p = 0; p < projects; ++p) {
    const bool region = chance(60);
    if (region) has_region[static_cast<std::size_t>(p % 2)] = true;
    std::string extra;
    if (chance2(50)) extra += ", verified: " + std::string(chance2(50) ? "true" : "false");
    if (chance2(60)) extra += ", goal: " + money_text(pick2(0, 150));
    y += "  - { id: p" + std::to_string(p) + ", organization: o" + std::to_string(p % 2) +
         (region ? ", region: r" + std::to_string(p % 2) : std::string()) +
         ", attr: { pot: \"" + std::to_string(pick(0, 80)) + ".00\", level: " + std::to_string(pick(0, 3)) + extra + " } }\n";
  }
  const int funds = pick(1, 3);
  const int rules = pick(1, 4);

  // The close-out plan.
  std::vector<planned_step> steps;
  if (chance2(80)) {
    static const char* kinds[] = {"proportional", "equal", "quadratic", "fixed", "challenge", "rematch"};
    const int count = pick2(1, 4);
    for (int k = 0; k < count; ++k) {
      const int kind = pick2(0, 5);
      const int rule = pick2(0, rules - 1);
      steps.push_back({kinds[kind], rule});
    }
  }

  const auto rematched = [&](int rule) {
    for (const planned_step& step : steps) {
      if (step.kind == "rematch" && step.rule == rule) return true;
    }
    return false;
  };
  std::vector<std::string> fund_ids;
  for (int f = 0; f < funds; ++f) fund_ids.push_back("f" + std::to_string(f));
  // A fund no rule draws: close-out money only (always there for a rematch to draw on).
  bool pool = chance2(50);
  for (const planned_step& step : steps) {
    if (step.kind == "rematch") pool = true;
  }
  if (pool) fund_ids.push_back("pool");
  // Some funds hand their leftover to a step (or say `keep`).
  std::vector<std::vector<std::string>> leftover_of_step(steps.size());
  std::vector<std::string> leftover(fund_ids.size());
  for (std::size_t f = 0; f < fund_ids.size(); ++f) {
    if (!steps.empty() && chance2(30)) {
      const auto k = static_cast<std::size_t>(pick2(0, static_cast<int>(steps.size()) - 1));
      leftover[f] = "s" + std::to_string(k);
      leftover_of_step[k].push_back(fund_ids[f]);
    } else if (chance2(5)) {
      leftover[f] = "keep";
    }
  }

  y += "funds:\n";
  for (int f = 0; f < funds; ++f) {
    const int budget = pick(20, 300);
    y += "  - id: f" + std::to_string(f) + "\n    budget: \"" + std::to_string(budget) + ".00\"\n";
    if (chance(50)) {
      // Two tranches: part on day 1 (at midnight or 10:00), the rest on day 2 at 10:00.
      const int first = pick(1, budget);
      y += "    releases:\n      - { at: 2021-09-07T" + std::string(chance(50) ? "00" : "10") + ":00:00+08:00, amount: \"" +
           std::to_string(first) + ".00\" }\n";
      if (budget > first) {
        y += "      - { at: 2021-09-08T10:00:00+08:00, amount: \"" + std::to_string(budget - first) + ".00\" }\n";
      }
    }
    if (chance(25)) y += "    expire_unused: true\n";
    if (chance(20)) y += "    sub_budgets: { per: project, amount_from: project.attr.pot }\n";
    else if (chance2(10)) y += "    sub_budgets: { per: organization, amount_from: project.attr.pot }\n";
    if (!leftover[static_cast<std::size_t>(f)].empty()) y += "    leftover: " + leftover[static_cast<std::size_t>(f)] + "\n";
  }
  if (pool) {
    const int budget = pick2(10, 500);
    y += "  - id: pool\n    budget: " + money_text(budget) + "\n";
    if (chance2(40)) {
      // Half now, half on the last day: pending when an early close comes.
      y += "    releases:\n      - { at: 2021-09-07T00:00:00+08:00, amount: " + money_text(budget / 2 + 1) +
           " }\n      - { at: 2021-09-09T12:00:00+08:00, amount: " + money_text(budget - budget / 2 - 1) + " }\n";
    }
    if (!leftover.back().empty()) y += "    leftover: " + leftover.back() + "\n";
  }
  y += "rules:\n";
  for (int r = 0; r < rules; ++r) {
    y += "  - id: r" + std::to_string(r) + "\n";
    const int source = pick(0, funds - 1);
    y += "    sources: [f" + std::to_string(source);
    if (source + 1 < funds && chance(40)) y += ", f" + std::to_string(source + 1);
    y += "]\n";
    if (chance(40)) y += "    windows: [ { daily: \"" + std::string(chance(50) ? "10:00-24:00" : "08:00-20:00") + "\" } ]\n";
    if (chance(30)) y += "    eligible: { field: project.attr.level, op: \">=\", value: " + std::to_string(pick(0, 2)) + " }\n";
    else if (chance(20)) y += "    eligible: { field: project.region, op: " + std::string(chance(50) ? "\"!=\"" : "\"==\"") + ", value: r1 }\n";
    if (chance(30)) y += "    min_donation: \"" + std::to_string(pick(1, 20)) + ".00\"\n";
    if (chance(30)) y += "    matchable_max: \"" + std::to_string(pick(5, 60)) + ".00\"\n";
    if (chance(30)) y += "    probability: \"0." + std::to_string(pick(3, 9)) + "\"\n";
    const int formula = pick(0, r > 0 ? 5 : 4);
    switch (formula) {
      case 0: y += "    ratio: \"" + std::string(chance(50) ? "1" : "0.5") + "\"\n"; break;
      case 1: y += "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.05\" } }\n"; break;
      case 2: y += "    ratio: { tiers: [ { when: { field: donation.amount, op: \">=\", value: 50 }, ratio: \"2\" }, { ratio: \"0.3\" } ] }\n"; break;
      case 3: y += "    amount: \"" + std::to_string(pick(1, 15)) + ".00\"\n"; break;
      case 4: y += "    amount: { random: { min: \"0.50\", max: \"9.99\" } }\n"; break;
      default: y += "    ratio_of: { rule: r0, ratio: \"0.25\" }\n"; break;
    }
    const char* pers[] = {"donor", "project", "organization", "region", "donor_project", "campaign"};
    const auto cap_line = [&](int per, bool day, int measure, int max) {
      return std::string("      - { per: ") + pers[per] + (day ? ", period: day" : "") + ", measure: " +
             (measure == 0 ? "match" : measure == 1 ? "donation" : "count") + ", max: " +
             (measure == 2 ? std::to_string(max % 3 + 1) : "\"" + std::to_string(5 + max % 76) + ".00\"") + " }\n";
    };
    if (chance(60)) {
      y += "    caps:\n";
      const int caps = pick(1, 2);
      for (int c = 0; c < caps; ++c) {
        const int measure = pick(0, 2);
        const int per = pick(0, 5);
        const bool day = chance(50);
        y += cap_line(per, day, measure, measure == 2 ? pick(1, 3) - 1 : pick(5, 80) - 5);
      }
    } else if (rematched(r)) {
      // A rematched rule gets caps, so that it leaves donations short of their want.
      y += "    caps:\n";
      const int caps = pick2(1, 2);
      for (int c = 0; c < caps; ++c) {
        const int per = pick2(0, 5);
        const bool day = chance2(50);
        const int measure = pick2(0, 2);
        y += cap_line(per, day, measure, pick2(0, 75));
      }
    }
    if (chance(20)) y += "    partial: skip\n";
    if (chance(20)) y += "    rounding: " + std::string(chance(50) ? "half_up" : "half_even") + "\n";
    if (chance(15)) y += "    exclusive: true\n";
    if (chance(20)) y += "    on_refund: forfeit\n";
    if (chance(15)) y += "    settle: { when: { field: project.raised, op: \">=\", value: " + std::to_string(pick(10, 200)) + " } }\n";
  }
  if (rules > 1 && chance(40)) {
    y += "caps:\n  - { per: donor, period: day, measure: match, max: \"" + std::to_string(pick(10, 60)) +
         ".00\", rules: [r0, r1] }\n";
  }

  // Close-out conditions read project and fund fields; `verified` is missing on some projects,
  // so it needs a default.
  const auto project_condition = [&]() -> std::string {
    switch (pick2(0, 8)) {
      case 0: return "{ field: project.attr.level, op: \">=\", value: " + std::to_string(pick2(0, 2)) + " }";
      case 1: return "{ field: project.raised, op: \">=\", value: " + std::to_string(pick2(0, 150)) + " }";
      case 2: return "{ field: project.region, op: \"==\", value: r" + std::to_string(pick2(0, 1)) + " }";
      case 3: return "{ field: project.attr.verified, op: \"==\", value: true, default: " +
                     std::string(chance2(50) ? "true" : "false") + " }";
      case 4: return "{ field: project.donors, op: \">=\", value: " + std::to_string(pick2(1, 3)) + " }";
      case 5: return "{ field: fund.f0.available, op: \">\", value: " + std::to_string(pick2(0, 60)) + " }";
      case 6: return "{ not: { field: project.organization, op: \"==\", value: o1 } }";
      case 7: return "{ field: project.matched, op: \">\", value: " + std::to_string(pick2(0, 40)) + " }";
      default: return "{ any: [ { field: project.id, op: in, value: [p0, p2] }, { field: project.attr.goal, op: \">=\", value: \"50.00\", default: \"0.00\" } ] }";
    }
  };
  if (!steps.empty()) y += "closeout:\n";
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const planned_step& step = steps[k];
    y += "  - id: s" + std::to_string(k) + "\n    kind: " + step.kind + "\n";
    s.step_kinds.push_back(step.kind);
    const bool rematch_step = step.kind == "rematch";
    bool has_money = !leftover_of_step[k].empty();
    if (chance2(rematch_step ? 70 : 45)) {
      // A rematch most often draws on the pool, which no rule has emptied.
      const bool from_pool = pool && rematch_step && chance2(75);
      y += "    from: " + (from_pool ? std::string("pool") : fund_ids[static_cast<std::size_t>(pick2(0, static_cast<int>(fund_ids.size()) - 1))]) + "\n";
      has_money = true;
    }
    if (!rematch_step && (chance2(40) || !has_money)) y += "    budget: " + money_text(pick2(0, 400)) + "\n";
    if (chance2(45)) y += "    eligible: " + project_condition() + "\n";
    if (!rematch_step) {
      if (chance2(30)) y += "    cap: " + money_text(pick2(0, 100)) + "\n";
      static const char* shares[] = {"\"50%\"", "\"0.3\"", "\"1\"", "\"25%\"", "\"0.75\"", "\"10%\""};
      if (chance2(30)) y += std::string("    max_share: ") + shares[pick2(0, 5)] + "\n";
    }
    if (step.kind == "proportional") {
      static const char* weights[] = {"project.raised", "project.donors", "project.donations", "project.matched",
                                      "project.attr.pot", "project.attr.level"};
      const int which = pick2(0, 6);
      y += "    weight: " + (which == 6 ? "rule.r" + std::to_string(pick2(0, rules - 1)) + ".total" : std::string(weights[which])) + "\n";
    } else if (step.kind == "quadratic") {
      if (chance2(35)) y += "    min_contribution: " + money_text(pick2(1, 30)) + "\n";
      const int saturation = pick2(0, 2);
      if (saturation == 1) y += "    saturation: normalize\n";
      if (saturation == 2) y += "    saturation: gitcoin\n";
      if (saturation == 2) s.step_kinds.back() = "quadratic/gitcoin";
    } else if (step.kind == "fixed") {
      std::vector<std::string> entries;  // "TARGET,ID,AMOUNT": "project,p1,12.34", "region,r0,5.10"
      std::vector<std::string> whens;
      const int count = pick2(1, 4);
      for (int i = 0; i < count; ++i) {
        const int target = pick2(0, 2);
        std::string entry;
        if (target == 0 || (target == 2 && !has_region[0] && !has_region[1])) {
          entry = "project," + ("p" + std::to_string(pick2(0, projects - 1)));
        } else if (target == 1) {
          entry = "organization,o" + std::to_string(pick2(0, 1));
        } else {
          int region = pick2(0, 1);
          if (!has_region[static_cast<std::size_t>(region)]) region = 1 - region;
          entry = "region,r" + std::to_string(region);
        }
        const int units = pick2(0, 80);
        const int cents = pick2(10, 99);
        entries.push_back(entry + "," + std::to_string(units) + "." + std::to_string(cents));
        whens.push_back(chance2(25) ? project_condition() : std::string());
      }
      bool use_file = chance2(20);
      for (const std::string& when : whens) {
        if (!when.empty()) use_file = false;  // a file has no `when` column
      }
      if (use_file) {
        const std::string name = "blocks-s" + std::to_string(k) + ".csv";
        std::string text = "project,organization,region,amount\n";
        for (const std::string& entry : entries) {
          const auto comma = entry.find(',');
          const std::string target = entry.substr(0, comma);
          const std::string rest = entry.substr(comma + 1);
          const auto second = rest.find(',');
          const std::string id = rest.substr(0, second);
          const std::string amount = rest.substr(second + 1);
          text += (target == "project" ? id : "") + "," + (target == "organization" ? id : "") + "," +
                  (target == "region" ? id : "") + "," + amount + "\n";
        }
        s.files.emplace_back(name, text);
        y += "    file: " + name + "\n";
      } else {
        y += "    amounts:\n";
        for (std::size_t i = 0; i < entries.size(); ++i) {
          const std::string& entry = entries[i];
          const auto comma = entry.find(',');
          const std::string rest = entry.substr(comma + 1);
          const auto second = rest.find(',');
          y += "      - { " + entry.substr(0, comma) + ": " + rest.substr(0, second) + ", amount: \"" + rest.substr(second + 1) + "\"" +
               (whens[i].empty() ? std::string() : ", when: " + whens[i]) + " }\n";
        }
      }
    } else if (step.kind == "challenge") {
      const int field = pick2(0, 3);
      if (field == 1) y += "    field: project.raised\n";
      if (field == 2) y += "    field: project.matched\n";
      if (field == 3) y += "    field: project.attr.pot\n";
      if (chance2(50)) {
        y += "    target: " + money_text(pick2(0, 150)) + "\n";
      } else {
        y += "    target_from: project.attr." + std::string(chance2(70) ? "goal" : "pot") + "\n";
      }
      y += "    pay: { ";
      if (chance2(50)) {
        y += "amount: " + money_text(pick2(0, 60));
      } else {
        static const char* ratios[] = {"\"1\"", "\"0.5\"", "\"0.25\"", "\"33.3333%\"", "\"2\""};
        y += std::string("ratio: ") + ratios[pick2(0, 4)];
      }
      if (chance2(40)) y += ", cap: " + money_text(pick2(1, 80));
      y += " }\n";
      const int all = pick2(0, 2);
      if (all == 1) y += "    all_or_nothing: true\n";
      if (all == 2) y += "    all_or_nothing: false\n";
    } else if (rematch_step) {
      y += "    rule: r" + std::to_string(step.rule) + "\n";
    }
  }

  std::string& e = s.events_csv;
  e = "kind,id,time,donor,project,amount,ref,scope,disposition\n";
  const int count = pick(10, 60);
  // Sometimes a close event: after the count-th event (or at the end, also after the campaign).
  const int close_after = chance2(30) ? pick2(0, count) : -1;
  const bool second_close = close_after >= 0 && chance2(15);
  std::vector<std::string> donations;
  int minute = 0;
  std::string last_time = "2021-09-07T00:00:00+08:00";
  const auto add_close = [&](const std::string& id, const std::string& time) {
    e += "close," + id + "," + time + ",,,,,,\n";
    s.close_event = true;
  };
  for (int i = 0; i < count; ++i) {
    if (i == close_after) add_close("c0", last_time);
    minute += pick(0, 180);
    const int day = 7 + minute / 1440;
    if (day > 9) break;
    char time[64];
    std::snprintf(time, sizeof time, "2021-09-%02dT%02d:%02d:00+08:00", day, minute % 1440 / 60, minute % 60);
    last_time = time;
    const int kind = donations.empty() ? 0 : pick(0, 19);
    const std::string id = "e" + std::to_string(i);
    if (kind <= 15) {
      e += "donation," + id + "," + time + ",u" + std::to_string(pick(0, 5)) + ",p" + std::to_string(pick(0, projects - 1)) +
           "," + std::to_string(pick(1, 120)) + "." + std::to_string(pick(10, 99)) + ",,,\n";
      donations.push_back(id);
    } else if (kind <= 18) {
      const std::string& target = donations[static_cast<std::size_t>(pick(0, static_cast<int>(donations.size()) - 1))];
      e += "refund," + id + "," + time + ",,," + (chance(50) ? std::to_string(pick(1, 30)) + ".00" : "") + "," + target + ",," +
           (chance(30) ? "forfeit" : "") + "\n";
    } else {
      const int scope = pick(0, 2);
      const std::string target = scope == 0   ? "u" + std::to_string(pick(0, 5)) + ",donor"
                                 : scope == 1 ? "p" + std::to_string(pick(0, projects - 1)) + ",project"
                                              : donations.back() + ",donation";
      e += "revoke," + id + "," + time + ",,,," + target + "," + (chance(30) ? "forfeit" : "") + "\n";
    }
  }
  if (close_after >= 0 && !s.close_event) {
    add_close("c0", chance2(50) ? last_time : std::string("2021-09-10T06:00:00+08:00"));
  }
  if (second_close) add_close("c1", "2021-09-10T07:00:00+08:00");  // rejected: a second close

  // Sometimes events out of time order (two lines swapped) or a repeated id (a later event takes
  // an earlier one's id), from a stream of their own so the campaigns above stay as they were.
  std::mt19937_64 order_random(seed ^ 0xD1B54A32D192ED03ULL);
  const auto pick3 = [&](int low, int high) {
    return static_cast<int>(std::uniform_int_distribution<int>(low, high)(order_random));
  };
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < e.size();) {
    const std::size_t end = e.find('\n', at);
    lines.push_back(e.substr(at, end - at));
    at = end + 1;
  }
  const auto rows = static_cast<int>(lines.size()) - 1;  // lines[0] is the header
  if (rows >= 2 && pick3(1, 100) <= 15) {
    const int a = pick3(1, rows - 1);
    std::swap(lines[static_cast<std::size_t>(a)], lines[static_cast<std::size_t>(pick3(a + 1, rows))]);
  }
  if (rows >= 2 && pick3(1, 100) <= 15) {
    const auto id_of = [](const std::string& line) {
      const std::size_t from = line.find(',') + 1;
      return std::pair(from, line.find(',', from));
    };
    const int earlier = pick3(1, rows - 1);
    auto& later = lines[static_cast<std::size_t>(pick3(earlier + 1, rows))];
    const auto [from, to] = id_of(lines[static_cast<std::size_t>(earlier)]);
    const auto [later_from, later_to] = id_of(later);
    later.replace(later_from, later_to - later_from, lines[static_cast<std::size_t>(earlier)].substr(from, to - from));
  }
  e.clear();
  for (const auto& line : lines) e += line + "\n";
  return s;
}

}  // namespace

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

bool in_time_order(const std::string& csv) {  // times are written in one offset: text order is time order
  const auto rows = ids_and_times(csv);
  return std::is_sorted(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
}

}  // namespace

TEST_CASE("engine and reference model agree on random campaigns", "[differential][property]") {
  const fs::path directory = fs::temp_directory_path() / ("matchfund-differential-random-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  // MATCHFUND_DIFFERENTIAL_SEEDS=N compares N campaigns instead of 300 (seeds 1 to N).
  int seeds = 300;
  if (const char* count = std::getenv("MATCHFUND_DIFFERENTIAL_SEEDS"); count != nullptr) seeds = std::atoi(count);
  int compared = 0;
  int with_closeout = 0;
  int with_close_event = 0;
  int with_repeated_id = 0;
  int out_of_order = 0;
  std::map<std::string, int> seeds_paid;  // step kind -> seeds where a step of that kind paid
  for (std::uint64_t seed = 1; seed <= static_cast<std::uint64_t>(seeds); ++seed) {
    INFO("seed " << seed);
    const scenario s = random_scenario(seed);
    for (const auto& [name, text] : s.files) std::ofstream(directory / name, std::ios::binary) << text;
    auto loaded = try_load_rules_text(s.rules_yaml, "random.yaml", directory);
    INFO(s.rules_yaml);
    if (!loaded) {
      std::string problems;
      for (const auto& d : loaded.diagnostics) problems += d.to_string() + "\n";
      FAIL("the generator wrote invalid rules:\n" << problems);
    }
    const fs::path events = directory / "events.csv";
    std::ofstream(events, std::ios::binary) << s.events_csv;
    INFO(s.events_csv);
    fs::path dump_directory;
    if (const char* dump = std::getenv("MATCHFUND_DUMP_SCENARIO"); dump != nullptr && std::to_string(seed) == dump) {
      // scenario.yaml, scenario.csv and the files the rules name, next to the run's directory,
      // with both sides' outputs.
      dump_directory = directory.parent_path();
      std::ofstream(dump_directory / "scenario.yaml") << s.rules_yaml;
      std::ofstream(dump_directory / "scenario.csv") << s.events_csv;
      for (const auto& [name, text] : s.files) std::ofstream(dump_directory / name, std::ios::binary) << text;
    }
    // An exception (in the engine or the model) fails this seed only, so that it hides no other.
    std::string ledger;
    CHECK_NOTHROW(ledger = check_agreement(*loaded.rules, events, dump_directory));
    if (repeats_an_id(s.events_csv)) ++with_repeated_id;
    if (!in_time_order(s.events_csv)) ++out_of_order;
    ++compared;
    if (!s.step_kinds.empty()) ++with_closeout;
    if (s.close_event) ++with_close_event;
    for (const std::string& kind : kinds_paid(s, ledger)) ++seeds_paid[kind];
  }
  CHECK(compared == seeds);
  // Most campaigns run close-out steps, some close with an event, and every kind of step pays
  // out in a good number of them (out of 300: 10 each at the very least).
  INFO(with_closeout << " campaigns with close-out steps, " << with_close_event << " with a close event");
  CHECK(with_closeout >= seeds * 2 / 3);
  // Both replay paths run: streamed (in time order) and loaded (out of order), with repeated ids.
  INFO(out_of_order << " campaigns out of time order, " << with_repeated_id << " with a repeated id");
  CHECK(out_of_order >= seeds / 20);
  CHECK(with_repeated_id >= seeds / 20);
  CHECK(with_close_event >= seeds / 6);
  for (const char* kind : {"proportional", "equal", "quadratic", "quadratic/gitcoin", "fixed", "challenge", "rematch"}) {
    INFO("close-out kind " << kind << " paid in " << seeds_paid[kind] << " seeds");
    CHECK(seeds_paid[kind] >= seeds / 30);
  }
  fs::remove_all(directory);
}
