// The fast engine (through replay) against the deliberately simple reference model of the test
// tree: the same rules and events must give byte-identical ledger, projects, funds and outcomes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <fstream>
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

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_agreement(const rule_set& rules, const fs::path& events_file) {
  std::vector<event> events;
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); }, [](rejected_event&&) {});
  const std::vector<std::string> names{events_file.generic_string()};
  const auto expected = reference::replay(rules, events, names);

  const fs::path out = fs::temp_directory_path() / ("matchfund-differential-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const std::vector<fs::path> files{events_file};
  replay_options options;
  options.trace = true;
  options.lenient = true;
  (void)matchfund::replay(rules, files, out, options);
  CHECK(read_file(out / "ledger.csv") == expected.ledger_csv);
  CHECK(read_file(out / "projects.csv") == expected.projects_csv);
  CHECK(read_file(out / "funds.csv") == expected.funds_csv);
  CHECK(read_file(out / "outcomes.csv") == expected.outcomes_csv);
  fs::remove_all(out);
}

}  // namespace

TEST_CASE("engine and reference model agree on the bundled campaigns with events", "[differential]") {
  const fs::path rules_dir = fs::path(MATCHFUND_SOURCE_DIR) / "rules";
  for (const auto& entry : fs::directory_iterator(rules_dir)) {
    const std::string stem = entry.path().stem().string();
    const fs::path events = rules_dir / (stem + "-events.csv");
    if (entry.path().extension() != ".yaml" || !fs::exists(events)) continue;
    DYNAMIC_SECTION(stem) { check_agreement(load_rules(entry.path()), events); }
  }
}

namespace {

// A random small campaign: 1-3 funds, 1-4 rules with random mechanics, a few projects and donors,
// and 10-60 events over three days (donations, refunds, revocations). Written as YAML and CSV
// text, so the loader and the event reader are exercised too.
struct scenario {
  std::string rules_yaml;
  std::string events_csv;
};

scenario random_scenario(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto pick = [&](int low, int high) { return static_cast<int>(std::uniform_int_distribution<int>(low, high)(random)); };
  const auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  scenario s;
  std::string& y = s.rules_yaml;
  y = "matchfund: 1\n"
      "campaign: { id: c, name: Random, currency: CNY, timezone: \"+08:00\", seed: " + std::to_string(seed) + ",\n"
      "            start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00 }\n"
      "projects:\n";
  const int projects = pick(2, 4);
  for (int p = 0; p < projects; ++p) {
    y += "  - { id: p" + std::to_string(p) + ", organization: o" + std::to_string(p % 2) +
         (chance(60) ? ", region: r" + std::to_string(p % 2) : std::string()) +
         ", attr: { pot: \"" + std::to_string(pick(0, 80)) + ".00\", level: " + std::to_string(pick(0, 3)) + " } }\n";
  }
  y += "funds:\n";
  const int funds = pick(1, 3);
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
  }
  y += "rules:\n";
  const int rules = pick(1, 4);
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
    if (chance(60)) {
      y += "    caps:\n";
      const char* pers[] = {"donor", "project", "organization", "region", "donor_project", "campaign"};
      const int caps = pick(1, 2);
      for (int c = 0; c < caps; ++c) {
        const int measure = pick(0, 2);
        y += std::string("      - { per: ") + pers[pick(0, 5)] + (chance(50) ? ", period: day" : "") + ", measure: " +
             (measure == 0 ? "match" : measure == 1 ? "donation" : "count") + ", max: " +
             (measure == 2 ? std::to_string(pick(1, 3)) : "\"" + std::to_string(pick(5, 80)) + ".00\"") + " }\n";
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

  std::string& e = s.events_csv;
  e = "kind,id,time,donor,project,amount,ref,scope,disposition\n";
  const int count = pick(10, 60);
  std::vector<std::string> donations;
  int minute = 0;
  for (int i = 0; i < count; ++i) {
    minute += pick(0, 180);
    const int day = 7 + minute / 1440;
    if (day > 9) break;
    char time[64];
    std::snprintf(time, sizeof time, "2021-09-%02dT%02d:%02d:00+08:00", day, minute % 1440 / 60, minute % 60);
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
  return s;
}

}  // namespace

TEST_CASE("engine and reference model agree on random campaigns", "[differential][property]") {
  const fs::path directory = fs::temp_directory_path() / ("matchfund-differential-random-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    INFO("seed " << seed);
    const scenario s = random_scenario(seed);
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
    check_agreement(*loaded.rules, events);
    ++compared;
    if (const char* dump = std::getenv("MATCHFUND_DUMP_SCENARIO"); dump != nullptr && std::to_string(seed) == dump) {
      std::ofstream(directory.parent_path() / "scenario.yaml") << s.rules_yaml;
      std::ofstream(directory.parent_path() / "scenario.csv") << s.events_csv;
    }
  }
  CHECK(compared == 300);
  fs::remove_all(directory);
}
