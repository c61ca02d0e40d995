// SPEC §11.14 (zero releases), §11.17 (missing text fields in conditions) and §11.19 (a fund's
// unallocated), with amounts worked out by hand. Each campaign is run by the engine (through
// replay, as the command line does) and by the reference model; both must give the bytes below.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "reference/reference_model.hpp"

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

using matchfund::testing::fresh_directory;
using matchfund::testing::read_file;

// Three days, 2024-01-01 to 2024-01-03 in +08:00.
const char* const campaign_head =
    "matchfund: 1\n"
    "campaign: { id: c, name: C, currency: CNY, timezone: \"+08:00\", start: 2024-01-01T00:00:00+08:00, "
    "end: 2024-01-04T00:00:00+08:00 }\n";

const char* const three_projects =
    "projects:\n"
    "  - { id: p1, organization: o1 }\n"
    "  - { id: p2, organization: o1 }\n"
    "  - { id: p3, organization: o2 }\n";

struct outputs {
  std::string ledger, funds, outcomes;
};

// The engine's and the model's outputs for `body` (everything after the campaign) and the
// events, after checking that they are the same bytes.
outputs run_both(const std::string& name, const std::string& body, const std::string& events_csv) {
  const rule_set rules = load_rules_text(std::string(campaign_head) + body, name + ".yaml", ".");
  const fs::path directory = fresh_directory("fine-points-" + name);
  fs::create_directories(directory);
  const fs::path events_file = directory / "events.csv";
  std::ofstream(events_file, std::ios::binary) << events_csv;

  std::vector<event> events;
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); },
      [](rejected_event&& bad) { FAIL("rejected " << bad.id << ": " << to_string(bad.reason)); });
  const auto model = reference::replay(rules, events);
  REQUIRE(model.rejected.empty());

  replay_options options;
  options.trace = true;
  const std::vector<fs::path> files{events_file};
  (void)replay(rules, files, directory / "out", options);
  outputs engine{read_file(directory / "out" / "ledger.csv"), read_file(directory / "out" / "funds.csv"),
                 read_file(directory / "out" / "outcomes.csv")};
  fs::remove_all(directory);
  CHECK(engine.ledger == model.ledger_csv);
  CHECK(engine.funds == model.funds_csv);
  CHECK(engine.outcomes == model.outcomes_csv);
  return engine;
}

// The data lines of a CSV text (its header dropped).
std::vector<std::string> rows(const std::string& csv) {
  std::vector<std::string> lines;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// §11.14: a release of 0 is a point in time.

TEST_CASE("a zero release loads; while a fund has released 0 a donation is not_released; a pending zero "
          "release keeps exhausted_at empty",
          "[fine-points][releases]") {
  const outputs out = run_both("zero-pending",
                               std::string(three_projects) +
                                   "funds:\n"
                                   "  - id: F\n"
                                   "    budget: \"100.00\"\n"
                                   "    releases:\n"
                                   "      - { at: 2024-01-01T00:00:00+08:00, amount: \"0.00\" }\n"
                                   "      - { at: 2024-01-02T10:00:00+08:00, amount: \"60.00\" }\n"
                                   "      - { at: 2024-01-03T10:00:00+08:00, amount: \"0\" }\n"
                                   "rules:\n"
                                   "  - { id: M, sources: [F], ratio: \"1\" }\n",
                               "kind,id,time,donor,project,amount\n"
                               "donation,d1,2024-01-01T09:00:00+08:00,a,p1,10.00\n"
                               "donation,d2,2024-01-02T11:00:00+08:00,b,p1,50.00\n"
                               "donation,d3,2024-01-02T12:00:00+08:00,c,p2,10.00\n"
                               "donation,d4,2024-01-03T11:00:00+08:00,d,p3,5.00\n");
  // d1: released 0.00 in all (one zero release made) -> not_released. d2, d3 draw all 60.00,
  // but the zero release of day 3 is still pending: not exhausted. d4: fund_empty; no draw
  // after the last release left available 0, so exhausted_at stays empty.
  CHECK(rows(out.outcomes) == std::vector<std::string>{"d1,M,not_released,10.00,0.00,", "d2,M,matched,50.00,50.00,",
                                                       "d3,M,matched,10.00,10.00,", "d4,M,fund_empty,5.00,0.00,"});
  CHECK(rows(out.funds) == std::vector<std::string>{"F,100.00,60.00,60.00,0.00,0.00,0.00,0.00,0.00,0.00,"});
}

TEST_CASE("under expire_unused a zero release expires what is available; the draw after the last release "
          "sets exhausted_at",
          "[fine-points][releases]") {
  const outputs out = run_both("zero-expiry",
                               std::string(three_projects) +
                                   "funds:\n"
                                   "  - id: F\n"
                                   "    budget: \"100.00\"\n"
                                   "    expire_unused: true\n"
                                   "    releases:\n"
                                   "      - { at: 2024-01-01T10:00:00+08:00, amount: \"40.00\" }\n"
                                   "      - { at: 2024-01-02T10:00:00+08:00, amount: \"0.00\" }\n"
                                   "      - { at: 2024-01-03T10:00:00+08:00, amount: \"60.00\" }\n"
                                   "rules:\n"
                                   "  - { id: M, sources: [F], ratio: \"1\" }\n",
                               "kind,id,time,donor,project,amount\n"
                               "donation,d1,2024-01-01T11:00:00+08:00,a,p1,15.00\n"
                               "donation,d2,2024-01-02T11:00:00+08:00,b,p1,5.00\n"
                               "donation,d3,2024-01-03T11:00:00+08:00,c,p2,60.00\n");
  // d1 draws 15.00 of 40.00; the zero release of day 2 expires the other 25.00 at 10:00; d2
  // finds nothing (fund_empty: something was released); d3 draws the whole last tranche, which
  // leaves 0 with no release pending.
  CHECK(rows(out.ledger) ==
        std::vector<std::string>{"1,2024-01-01T11:00:00.000+08:00,match,d1,d1,a,p1,M,F,15.00,,",
                                 "2,2024-01-02T10:00:00.000+08:00,expiry,,,,,,F,25.00,,",
                                 "3,2024-01-03T11:00:00.000+08:00,match,d3,d3,c,p2,M,F,60.00,,"});
  CHECK(rows(out.outcomes)[1] == "d2,M,fund_empty,5.00,0.00,");
  CHECK(rows(out.funds) ==
        std::vector<std::string>{"F,100.00,100.00,75.00,0.00,0.00,25.00,0.00,0.00,0.00,2024-01-03T11:00:00.000+08:00"});
}

TEST_CASE("at an early close the pending tranches of all funds come in scheduled order, each expiring what its fund "
          "has",
          "[fine-points][releases]") {
  const outputs out = run_both("close-order",
                               std::string(three_projects) +
                                   "funds:\n"
                                   "  - id: F\n"
                                   "    budget: \"30.00\"\n"
                                   "    expire_unused: true\n"
                                   "    releases:\n"
                                   "      - { at: 2024-01-01T00:00:00+08:00, amount: \"10.00\" }\n"
                                   "      - { at: 2024-01-02T10:00:00+08:00, amount: \"20.00\" }\n"
                                   "      - { at: 2024-01-03T10:00:00+08:00, amount: \"0.00\" }\n"
                                   "  - id: G\n"
                                   "    budget: \"13.00\"\n"
                                   "    expire_unused: true\n"
                                   "    releases:\n"
                                   "      - { at: 2024-01-01T00:00:00+08:00, amount: \"5.00\" }\n"
                                   "      - { at: 2024-01-02T12:00:00+08:00, amount: \"7.00\" }\n"
                                   "      - { at: 2024-01-03T09:00:00+08:00, amount: \"1.00\" }\n"
                                   "rules: []\n",
                               "kind,id,time,donor,project,amount\n"
                               "close,c,2024-01-01T12:00:00+08:00,,,\n");
  // SPEC §11.1 at 12:00: F and G expire what they have (10.00, 5.00); then F's day-2 tranche
  // (nothing to expire), G's day-2 tranche (nothing), G's day-3 tranche at 09:00 (expires G's
  // 7.00), F's day-3 zero tranche at 10:00 (expires F's 20.00).
  CHECK(rows(out.ledger) == std::vector<std::string>{"1,2024-01-01T12:00:00.000+08:00,expiry,,,,,,F,10.00,,",
                                                     "2,2024-01-01T12:00:00.000+08:00,expiry,,,,,,G,5.00,,",
                                                     "3,2024-01-01T12:00:00.000+08:00,expiry,,,,,,G,7.00,,",
                                                     "4,2024-01-01T12:00:00.000+08:00,expiry,,,,,,F,20.00,,"});
  CHECK(rows(out.funds) == std::vector<std::string>{"F,30.00,30.00,0.00,0.00,0.00,30.00,0.00,0.00,0.00,",
                                                    "G,13.00,13.00,0.00,0.00,0.00,12.00,0.00,0.00,1.00,"});
}

TEST_CASE("a fund whose only release is 0 (budget 0, released at the start) never matches", "[fine-points][releases]") {
  const outputs out = run_both("zero-budget",
                               std::string(three_projects) +
                                   "funds:\n"
                                   "  - { id: F, budget: \"0\" }\n"
                                   "  - { id: G, budget: \"5.00\", daily: { from: 2024-01-01, to: 2024-01-03, at: \"09:00\", amount: \"0.00\" } }\n"
                                   "rules:\n"
                                   "  - { id: M, sources: [F], ratio: \"1\" }\n"
                                   "  - { id: B, sources: [G], ratio: \"1\" }\n",
                               "kind,id,time,donor,project,amount\n"
                               "donation,d1,2024-01-02T11:00:00+08:00,a,p1,3.00\n");
  CHECK(rows(out.outcomes) == std::vector<std::string>{"d1,M,not_released,3.00,0.00,", "d1,B,not_released,3.00,0.00,"});
  CHECK(rows(out.funds) == std::vector<std::string>{"F,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,",
                                                    "G,5.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,"});
}

// ---------------------------------------------------------------------------------------------
// §11.17: a missing channel, region or category compares as "" in conditions, and stays a
// missing scope value for caps.

namespace {

// One condition on a text field, and whether it holds when the field is missing and when it has
// its present value (channel "app", region "r1", category "c1").
struct text_case {
  const char* field;
  const char* op;
  const char* value;  // YAML
  bool when_missing;
  bool when_present;
};

const text_case text_cases[] = {
    {"donation.channel", "==", "\"\"", true, false},       {"donation.channel", "==", "app", false, true},
    {"donation.channel", "!=", "\"\"", false, true},       {"donation.channel", "!=", "app", true, false},
    {"donation.channel", "in", "[\"\"]", true, false},     {"donation.channel", "in", "[web, app]", false, true},
    {"donation.channel", "not_in", "[\"\"]", false, true}, {"donation.channel", "not_in", "[app]", true, false},
    {"donation.channel", "contains", "\"\"", true, true},  {"donation.channel", "contains", "pp", false, true},
    {"project.region", "==", "\"\"", true, false},         {"project.region", "==", "r1", false, true},
    {"project.region", "!=", "\"\"", false, true},         {"project.region", "!=", "r1", true, false},
    {"project.region", "in", "[\"\", r2]", true, false},   {"project.region", "in", "[r1]", false, true},
    {"project.region", "not_in", "[\"\"]", false, true},   {"project.region", "not_in", "[r2, r1]", true, false},
    {"project.region", "contains", "\"\"", true, true},    {"project.region", "contains", "r", false, true},
    {"project.category", "==", "\"\"", true, false},       {"project.category", "==", "c1", false, true},
    {"project.category", "!=", "\"\"", false, true},       {"project.category", "!=", "c1", true, false},
    {"project.category", "in", "[\"\"]", true, false},     {"project.category", "in", "[c1, \"\"]", true, true},
    {"project.category", "not_in", "[\"\"]", false, true}, {"project.category", "not_in", "[c2]", true, true},
    {"project.category", "contains", "\"\"", true, true},  {"project.category", "contains", "c1x", false, false},
};

}  // namespace

TEST_CASE("conditions on a missing channel, region or category compare it as the empty string",
          "[fine-points][conditions]") {
  std::string body =
      "projects:\n"
      "  - { id: bare, organization: o1 }\n"
      "  - { id: full, organization: o1, region: r1, category: c1 }\n"
      "funds:\n"
      "  - { id: F, budget: \"1000.00\" }\n"
      "rules:\n";
  std::vector<std::string> expected;
  int rule_count = 0;
  for (const text_case& c : text_cases) {
    const std::string id = "t" + std::to_string(rule_count++);
    body += "  - { id: " + id + ", sources: [F], amount: \"1.00\", eligible: { field: " + c.field + ", op: \"" + c.op +
            "\", value: " + c.value + " } }\n";
  }
  // Every rule sees d-bare (no channel, project without region and category) and then d-full.
  for (const char* donation : {"d-bare", "d-full"}) {
    const bool present = std::string(donation) == "d-full";
    for (int r = 0; r < rule_count; ++r) {
      const text_case& c = text_cases[r];
      const bool holds = present ? c.when_present : c.when_missing;
      expected.push_back(std::string(donation) + ",t" + std::to_string(r) +
                         (holds ? ",matched,1.00,1.00," : ",not_eligible,0.00,0.00,"));
    }
  }
  CHECK(rule_count == 30);
  const outputs out = run_both("missing-text", body,
                               "kind,id,time,donor,project,amount,channel\n"
                               "donation,d-bare,2024-01-01T09:00:00+08:00,a,bare,10.00,\n"
                               "donation,d-full,2024-01-01T10:00:00+08:00,a,full,10.00,app\n");
  CHECK(rows(out.outcomes) == expected);
}

TEST_CASE("a cap per region, category or channel does not limit a donation that lacks it", "[fine-points][conditions]") {
  const outputs out = run_both("missing-scope",
                               "projects:\n"
                               "  - { id: bare, organization: o1 }\n"
                               "  - { id: full, organization: o1, region: r1, category: c1 }\n"
                               "funds:\n"
                               "  - { id: F, budget: \"1000.00\" }\n"
                               "rules:\n"
                               "  - id: R\n"
                               "    sources: [F]\n"
                               "    ratio: \"1\"\n"
                               "    caps:\n"
                               "      - { id: region, per: region, measure: match, max: \"4.00\" }\n"
                               "      - { id: category, per: category, measure: match, max: \"6.00\" }\n"
                               "      - { id: channel, per: \"attr:donation.channel\", measure: match, max: \"8.00\" }\n",
                               "kind,id,time,donor,project,amount,channel\n"
                               "donation,d1,2024-01-01T09:00:00+08:00,a,bare,10.00,\n"
                               "donation,d2,2024-01-01T09:01:00+08:00,b,bare,10.00,\n"
                               "donation,d3,2024-01-01T09:02:00+08:00,c,full,3.00,\n"
                               "donation,d4,2024-01-01T09:03:00+08:00,d,full,3.00,web\n");
  // d1, d2: no region, category or channel, so no cap applies: 10.00 each. d3: region r1 has
  // 4.00, so 3.00; d4: r1 has 1.00 left (the channel cap would allow 3.00).
  CHECK(rows(out.outcomes) == std::vector<std::string>{"d1,R,matched,10.00,10.00,", "d2,R,matched,10.00,10.00,",
                                                       "d3,R,matched,3.00,3.00,", "d4,R,partial:region,3.00,1.00,region"});
}

// ---------------------------------------------------------------------------------------------
// §11.19: U = max over steps k of (G<k + Tk) - G, at most available_end.

namespace {

// One donation of 10.00 to p1 (no rule matches it) and the close at the end of input; the
// close-out steps are the test's.
outputs close_out(const std::string& name, const std::string& funds_and_steps) {
  return run_both(name, std::string(three_projects) + funds_and_steps + "rules: []\n",
                  "kind,id,time,donor,project,amount\n"
                  "donation,d1,2024-01-01T09:00:00+08:00,a,p1,10.00\n");
}

const char* const pool = "funds:\n  - { id: P, budget: \"100.00\" }\n";

}  // namespace

TEST_CASE("unallocated: one step reports what it took and did not give", "[fine-points][unallocated]") {
  const outputs out = close_out("one-step", std::string(pool) +
                                                "closeout:\n"
                                                "  - { id: s, kind: equal, from: P, cap: \"30.00\", "
                                                "eligible: { field: project.raised, op: \">\", value: 0 } }\n");
  // s takes 100.00 and pays p1, its only receiver, its cap of 30.00.
  CHECK(rows(out.funds) == std::vector<std::string>{"P,100.00,100.00,0.00,0.00,0.00,0.00,30.00,70.00,70.00,"});
}

TEST_CASE("unallocated: two steps that take the same fund and give nothing count it once", "[fine-points][unallocated]") {
  const outputs out = close_out("twice-nothing", std::string(pool) +
                                                     "closeout:\n"
                                                     "  - { id: s1, kind: equal, from: P, "
                                                     "eligible: { field: project.raised, op: \">\", value: 1000 } }\n"
                                                     "  - { id: s2, kind: equal, from: P, "
                                                     "eligible: { field: project.donors, op: \">\", value: 5 } }\n");
  // Each step takes 100.00 and has no receiver: max(0 + 100, 0 + 100) - 0 = 100.00, not 200.00.
  CHECK(out.ledger == "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n");
  CHECK(rows(out.funds) == std::vector<std::string>{"P,100.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00,100.00,"});
}

TEST_CASE("unallocated: what a later step pays out of an earlier step's rest is not unallocated",
          "[fine-points][unallocated]") {
  const outputs out = close_out("paid-later", std::string(pool) +
                                                  "closeout:\n"
                                                  "  - { id: s1, kind: equal, from: P, cap: \"30.00\", "
                                                  "eligible: { field: project.raised, op: \">\", value: 0 } }\n"
                                                  "  - { id: s2, kind: equal, from: P }\n");
  // s1 takes 100.00 and pays p1 30.00; s2 takes the 70.00 left and pays 23.34 + 23.33 + 23.33.
  // max(0 + 100, 30 + 70) - 100 = 0.
  CHECK(rows(out.ledger) ==
        std::vector<std::string>{"1,2024-01-04T00:00:00.000+08:00,closeout,,,,p1,s1,P,30.00,,",
                                 "2,2024-01-04T00:00:00.000+08:00,closeout,,,,p1,s2,P,23.34,,",
                                 "3,2024-01-04T00:00:00.000+08:00,closeout,,,,p2,s2,P,23.33,,",
                                 "4,2024-01-04T00:00:00.000+08:00,closeout,,,,p3,s2,P,23.33,,"});
  CHECK(rows(out.funds) == std::vector<std::string>{"P,100.00,100.00,0.00,0.00,0.00,0.00,100.00,0.00,0.00,"});
}

TEST_CASE("unallocated: a step with a budget below the fund counts only what it took", "[fine-points][unallocated]") {
  const outputs out = close_out("budget-below", std::string(pool) +
                                                    "closeout:\n"
                                                    "  - { id: s1, kind: equal, from: P, budget: \"40.00\", cap: \"10.00\" }\n"
                                                    "  - { id: s2, kind: equal, from: P, budget: \"15.00\", "
                                                    "eligible: { field: project.id, op: \"==\", value: nobody } }\n");
  // s1 takes 40.00 and pays 10.00 to each of three projects: 10.00 back. s2 takes 15.00 and pays
  // nothing. max(0 + 40, 30 + 15) - 30 = 15.00; the 60.00 never taken is not unallocated.
  CHECK(rows(out.funds) == std::vector<std::string>{"P,100.00,100.00,0.00,0.00,0.00,0.00,30.00,15.00,70.00,"});
}

TEST_CASE("unallocated: a rematch from a fund counts like any step; one on the rule's own sources is outside "
          "the count but limits it to available_end",
          "[fine-points][unallocated]") {
  // F releases 10.00 at the start and 90.00 later the same day; the close event comes before the
  // second tranche, which is released at the close. M pays d1 10.00 of its 30.00 (partial: F) and
  // d2 nothing (fund_empty); R pays d1 from F too and leaves it 20.00 short.
  const std::string body = std::string(three_projects) +
                           "funds:\n"
                           "  - id: F\n"
                           "    budget: \"100.00\"\n"
                           "    releases:\n"
                           "      - { at: 2024-01-01T00:00:00+08:00, amount: \"10.00\" }\n"
                           "      - { at: 2024-01-01T20:00:00+08:00, amount: \"90.00\" }\n"
                           "  - { id: P, budget: \"50.00\" }\n"
                           "rules:\n"
                           "  - { id: M, sources: [F], ratio: \"1\" }\n"
                           "  - { id: B, sources: [P], ratio: \"0.5\", eligible: { field: project.id, op: \"==\", value: p3 } }\n"
                           "closeout:\n"
                           "  - { id: s1, kind: equal, from: F, cap: \"20.00\", eligible: { field: project.id, op: \"==\", value: p2 } }\n"
                           "  - { id: s2, kind: rematch, rule: M }\n"
                           "  - { id: s3, kind: equal, from: P, eligible: { field: project.id, op: \"==\", value: nobody } }\n"
                           "  - { id: s4, kind: rematch, rule: M, from: P }\n";
  const outputs out = run_both("rematch", body,
                               "kind,id,time,donor,project,amount\n"
                               "donation,d1,2024-01-01T09:00:00+08:00,a,p1,30.00\n"
                               "donation,d2,2024-01-01T09:30:00+08:00,b,p3,8.00\n"
                               "close,c,2024-01-01T12:00:00+08:00,,,\n");
  // At the close F releases 90.00. s1 takes 90.00 from F and pays p2 20.00. s2 (no step money)
  // draws on M's source F: d1 20.00, d2 8.00, so F has 42.00 left. s3 takes P's 46.00 (B paid d2
  // 4.00) and pays nothing; s4 takes the same 46.00 and finds nothing to rematch (d1 and d2 got
  // their want from s2).
  // F: max(0 + 90) - 20 = 70.00, limited to available_end 42.00. P: max(0 + 46, 0 + 46) - 0 = 46.00.
  CHECK(rows(out.ledger) ==
        std::vector<std::string>{"1,2024-01-01T09:00:00.000+08:00,match,d1,d1,a,p1,M,F,10.00,F,",
                                 "2,2024-01-01T09:30:00.000+08:00,match,d2,d2,b,p3,B,P,4.00,,",
                                 "3,2024-01-01T12:00:00.000+08:00,closeout,c,,,p2,s1,F,20.00,,",
                                 "4,2024-01-01T12:00:00.000+08:00,closeout,c,d1,a,p1,s2,F,20.00,,",
                                 "5,2024-01-01T12:00:00.000+08:00,closeout,c,d2,b,p3,s2,F,8.00,,"});
  CHECK(rows(out.funds) == std::vector<std::string>{"F,100.00,100.00,10.00,0.00,0.00,0.00,48.00,42.00,42.00,",
                                                    "P,50.00,50.00,4.00,0.00,0.00,0.00,0.00,46.00,46.00,"});
}
