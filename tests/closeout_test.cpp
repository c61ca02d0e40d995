// Close-out steps (SPEC §7) through the engine, with amounts worked out by hand.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"

using namespace matchfund;

namespace {

money yuan(const char* text) { return parse_money(text, 2).value(); }

const char* const campaign_head =
    "matchfund: 1\n"
    "campaign: { id: c, name: C, currency: CNY, timezone: \"+08:00\", start: 2024-01-01T00:00:00+08:00, "
    "end: 2024-01-02T00:00:00+08:00 }\n"
    "projects:\n"
    "  - { id: p1, organization: o1, region: r1, attr: { target: \"150.00\" } }\n"
    "  - { id: p2, organization: o1, region: r1, attr: { target: \"5.00\" } }\n"
    "  - { id: p3, organization: o2, region: r2 }\n";

// Runs `events_csv` through an engine for the rules `head + body` and closes it.
engine run(const std::string& body, const std::string& events_csv) {
  const rule_set rules = load_rules_text(std::string(campaign_head) + body, "closeout.yaml", ".");
  engine e(rules);
  read_event_text(
      rules, events_csv, event_format::csv, "events.csv", 0,
      [&](event&& ev) { REQUIRE_FALSE(e.process(ev).rejected.has_value()); },
      [](rejected_event&& bad) { FAIL("rejected " << bad.id << ": " << to_string(bad.reason)); });
  e.finish();
  return e;
}

// "step project fund amount" for every closeout line.
std::vector<std::string> closeout_lines(const engine& e) {
  std::vector<std::string> out;
  for (const auto& line : e.ledger()) {
    if (line.kind != ledger_kind::closeout) continue;
    out.push_back(e.rules().closeout()[position(*line.step)].id + " " + e.rules().project(*line.project).id + " " +
                  (line.fund ? e.rules().fund(*line.fund).id : std::string("-")) + " " +
                  format_money(line.amount, 2) + (line.donation_id.empty() ? "" : " " + std::string(line.donation_id)));
  }
  return out;
}

const char* const two_gifts =
    "kind,id,time,donor,project,amount\n"
    "donation,d1,2024-01-01T10:00:00+08:00,a,p1,30.00\n"
    "donation,d2,2024-01-01T11:00:00+08:00,b,p2,10.00\n";

}  // namespace

TEST_CASE("a step's money: from, then leftover funds, at most budget; outside money; caps", "[closeout]") {
  const engine e = run(
      "funds:\n"
      "  - { id: a, funder: A, budget: \"100.00\", leftover: by-raised }\n"
      "  - { id: b, funder: B, budget: \"50.00\" }\n"
      "rules: []\n"
      "closeout:\n"
      "  - { id: by-raised, kind: proportional, from: b, budget: \"120.00\", weight: project.raised, cap: \"80.00\" }\n"
      "  - { id: outside, kind: equal, budget: \"7.01\", eligible: { field: project.raised, op: \">\", value: 0 } }\n"
      "  - { id: shares, kind: equal, from: a, max_share: \"0.4\", eligible: { field: project.raised, op: \">\", value: 0 } }\n",
      two_gifts);
  // by-raised takes b's 50.00 then 70.00 of a; weights 3000 : 1000 give 90 : 30, p1 capped at
  // 80.00, so p2 gets the other 40.00. Payouts draw b before a.
  // outside: 7.01 of outside money, equal: 3.51 (the first id takes the odd fen) and 3.50.
  // shares: a has 30.00 left; max_share 0.4 caps each at 12.00; 6.00 stays unallocated.
  CHECK(closeout_lines(e) == std::vector<std::string>{
                                 "by-raised p1 b 50.00", "by-raised p1 a 30.00", "by-raised p2 a 40.00",
                                 "outside p1 - 3.51", "outside p2 - 3.50", "shares p1 a 12.00", "shares p2 a 12.00"});
  const fund_totals& a = e.fund(fund_index{0});
  CHECK(a.closeout == yuan("94.00"));
  CHECK(a.unallocated == yuan("6.00"));
  CHECK(a.available() == yuan("6.00"));
  const fund_totals& b = e.fund(fund_index{1});
  CHECK(b.closeout == yuan("50.00"));
  CHECK(b.unallocated.is_zero());
  CHECK(b.available().is_zero());
  CHECK(e.project(project_index{0}).closeout == yuan("95.51"));
  CHECK(e.project(project_index{1}).closeout == yuan("55.50"));
  CHECK(e.project(project_index{2}).closeout.is_zero());
}

TEST_CASE("fixed: an organization's amount split in equal shares, a failed when, short money scaled", "[closeout]") {
  const engine e = run(
      "funds:\n"
      "  - { id: blocks, funder: F, budget: \"9.00\" }\n"
      "rules: []\n"
      "closeout:\n"
      "  - id: blocks\n"
      "    kind: fixed\n"
      "    from: blocks\n"
      "    amounts:\n"
      "      - { organization: o1, amount: \"10.01\" }\n"
      "      - { project: p3, amount: \"4.00\", when: { field: project.raised, op: \">=\", value: \"5.00\" } }\n",
      "kind,id,time,donor,project,amount\n"
      "donation,d1,2024-01-01T10:00:00+08:00,a,p3,3.00\n");
  // o1's 10.01 -> p1 5.01, p2 5.00; p3 raised 3.00 < 5.00: nothing. 10.01 > 9.00: scaled with
  // weight = cap = amount: floors 4.50 and 4.49, the fen left to p2 (remainder 551 > 450 of 1001).
  CHECK(closeout_lines(e) == std::vector<std::string>{"blocks p1 blocks 4.50", "blocks p2 blocks 4.50"});
  CHECK(e.fund(fund_index{0}).unallocated.is_zero());
}

TEST_CASE("challenge: pro rata pay is floored once, exactly; all or nothing pays only a met target",
          "[closeout]") {
  const engine e = run(
      "funds:\n"
      "  - { id: f, funder: F, budget: \"1000.00\" }\n"
      "rules: []\n"
      "closeout:\n"
      "  - { id: pro-rata, kind: challenge, from: f, target_from: project.attr.target, pay: { ratio: \"0.333333\" },\n"
      "      all_or_nothing: false }\n"
      "  - { id: all-or-nothing, kind: challenge, from: f, target_from: project.attr.target,\n"
      "      pay: { amount: \"50.00\", cap: \"20.00\" } }\n",
      "kind,id,time,donor,project,amount\n"
      "donation,d1,2024-01-01T10:00:00+08:00,a,p1,100.00\n"
      "donation,d2,2024-01-01T11:00:00+08:00,b,p2,5.00\n"
      "donation,d3,2024-01-01T12:00:00+08:00,c,p3,9.00\n");
  // p1: 10000 × 0.333333 = 3333.33 × (10000 / 15000) = 2222.22 minor units -> 22.22.
  // p2: target met: 500 × 0.333333 = 166.6665 -> 1.66. p3 has no target: skipped.
  // all-or-nothing: p1 short of 150.00: nothing; p2 met: min(50.00, 20.00).
  CHECK(closeout_lines(e) == std::vector<std::string>{"pro-rata p1 f 22.22", "pro-rata p2 f 1.66",
                                                      "all-or-nothing p2 f 20.00"});
}

TEST_CASE("quadratic: normalize and gitcoin saturation on a small round", "[closeout]") {
  const char* const gifts =
      "kind,id,time,donor,project,amount,ref\n"
      "donation,d1,2024-01-01T10:00:00+08:00,a,p1,1.00,\n"
      "donation,d2,2024-01-01T10:01:00+08:00,b,p1,1.00,\n"
      "donation,d3,2024-01-01T10:02:00+08:00,c,p1,0.99,\n"  // below min_contribution
      "donation,d4,2024-01-01T10:03:00+08:00,a,p2,3.00,\n"
      "donation,d5,2024-01-01T10:04:00+08:00,a,p2,1.00,\n"  // a's gifts to p2 add up: 4.00
      "donation,d6,2024-01-01T10:05:00+08:00,b,p2,2.00,\n"
      "donation,d7,2024-01-01T10:06:00+08:00,a,p3,50.00,\n"  // one donor: weight 0
      "refund,r1,2024-01-01T11:00:00+08:00,,,1.00,d6\n";     // b's net gift: 1.00
  SECTION("normalize") {
    const engine e = run(
        "funds:\n  - { id: f, funder: F, budget: \"3.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, from: f, min_contribution: \"1.00\" }\n",
        gifts);
    // p1: (√100 + √100)² − 200 = 200; p2: (√400 + √100)² − 500 = 400 (× 10²⁴): 1.00 and 2.00.
    CHECK(closeout_lines(e) == std::vector<std::string>{"qf p1 f 1.00", "qf p2 f 2.00"});
  }
  SECTION("gitcoin, the pool smaller than the weights, a cap") {
    const engine e = run(
        "funds:\n  - { id: f, funder: F, budget: \"3.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, from: f, min_contribution: \"1.00\", saturation: gitcoin,\n"
        "      cap: \"1.60\" }\n",
        gifts);
    // Weights 2·10¹⁴ and 4·10¹⁴ (units of 10⁻¹² fen) exceed the pool 3·10¹⁴: scaled to 1.00 and
    // 2.00; p2 is cut to 1.60 and its 0.40 goes to p1 (the only one below the cap): 1.40.
    CHECK(closeout_lines(e) == std::vector<std::string>{"qf p1 f 1.40", "qf p2 f 1.60"});
  }
}

TEST_CASE("rematch: donations paid short get another draw from the step's money", "[closeout]") {
  const engine e = run(
      "funds:\n"
      "  - { id: f, funder: F, budget: \"10.00\" }\n"
      "  - { id: g, funder: G, budget: \"100.00\", leftover: again }\n"
      "rules:\n"
      "  - { id: m, sources: [f], ratio: \"1\" }\n"
      "closeout:\n"
      "  - { id: again, kind: rematch, rule: m }\n",
      "kind,id,time,donor,project,amount,ref\n"
      "donation,d1,2024-01-01T10:00:00+08:00,a,p1,20.00,\n"  // paid 10.00 of 20.00: partial
      "donation,d2,2024-01-01T11:00:00+08:00,b,p2,5.00,\n"   // fund_empty
      "donation,d3,2024-01-01T12:00:00+08:00,c,p3,7.00,\n"   // fund_empty, then refunded
      "refund,r1,2024-01-01T13:00:00+08:00,,,1.00,d3\n");
  CHECK(closeout_lines(e) == std::vector<std::string>{"again p1 g 10.00 d1", "again p2 g 5.00 d2"});
  CHECK(e.fund(fund_index{1}).closeout == yuan("15.00"));
  CHECK(e.fund(fund_index{1}).unallocated == yuan("85.00"));
  CHECK(e.project(project_index{0}).matched == yuan("10.00"));
  CHECK(e.project(project_index{0}).closeout == yuan("10.00"));
}

TEST_CASE("quadratic edge cases: every project capped, a one-unit budget, ties, no weight at all", "[closeout]") {
  // p1 and p2 get the same contributions (a tie); p3 one donor only.
  const char* const even =
      "kind,id,time,donor,project,amount\n"
      "donation,d1,2024-01-01T10:00:00+08:00,a,p1,1.00\n"
      "donation,d2,2024-01-01T10:01:00+08:00,b,p1,1.00\n"
      "donation,d3,2024-01-01T10:02:00+08:00,a,p2,1.00\n"
      "donation,d4,2024-01-01T10:03:00+08:00,b,p2,1.00\n"
      "donation,d5,2024-01-01T10:04:00+08:00,c,p3,9.00\n";
  SECTION("every project capped: the rest stays unallocated") {
    const engine e = run(
        "funds:\n  - { id: f, funder: F, budget: \"100.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, from: f, cap: \"0.40\" }\n",
        even);
    CHECK(closeout_lines(e) == std::vector<std::string>{"qf p1 f 0.40", "qf p2 f 0.40"});
    CHECK(e.fund(fund_index{0}).unallocated == yuan("99.20"));
  }
  SECTION("a one-unit budget goes to the tie's smaller id") {
    const engine e = run(
        "funds:\n  - { id: f, funder: F, budget: \"100.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, from: f, budget: \"0.01\" }\n",
        even);
    CHECK(closeout_lines(e) == std::vector<std::string>{"qf p1 f 0.01"});
    CHECK(e.fund(fund_index{0}).unallocated.is_zero());
  }
  SECTION("an odd budget over a tie: the smaller id takes the odd unit") {
    const engine e = run(
        "funds:\n  - { id: f, funder: F, budget: \"100.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, from: f, budget: \"0.03\" }\n",
        even);
    CHECK(closeout_lines(e) == std::vector<std::string>{"qf p1 f 0.02", "qf p2 f 0.01"});
  }
  SECTION("no project with two donors: nothing paid, normalize and gitcoin alike") {
    const char* const lonely =
        "kind,id,time,donor,project,amount\n"
        "donation,d1,2024-01-01T10:00:00+08:00,a,p1,5.00\n"
        "donation,d2,2024-01-01T10:01:00+08:00,a,p1,5.00\n"  // the same donor twice: still one
        "donation,d3,2024-01-01T10:02:00+08:00,b,p2,5.00\n";
    for (const char* saturation : {"normalize", "gitcoin"}) {
      INFO(saturation);
      const engine e = run(std::string("funds:\n  - { id: f, funder: F, budget: \"100.00\" }\nrules: []\n"
                                       "closeout:\n  - { id: qf, kind: quadratic, from: f, saturation: ") +
                               saturation + " }\n",
                           lonely);
      CHECK(closeout_lines(e).empty());
      CHECK(e.fund(fund_index{0}).unallocated == yuan("100.00"));
    }
    // A pool of 0 with every weight 0 (0 / 0 in SPEC's formula) pays nothing either.
    const engine empty = run(
        "funds:\n  - { id: f, funder: F, budget: \"100.00\" }\nrules: []\n"
        "closeout:\n  - { id: qf, kind: quadratic, budget: \"0.00\", saturation: gitcoin }\n",
        lonely);
    CHECK(closeout_lines(empty).empty());
  }
}

TEST_CASE("a step whose money passes the money limit stops the run with an error naming the step", "[closeout]") {
  const rule_set rules = load_rules_text(std::string(campaign_head) +
                                             "funds:\n"
                                             "  - { id: a, funder: A, budget: \"6000000000000.00\", leftover: all }\n"
                                             "  - { id: b, funder: B, budget: \"6000000000000.00\", leftover: all }\n"
                                             "rules: []\n"
                                             "closeout:\n"
                                             "  - { id: all, kind: equal }\n",
                                         "closeout.yaml", ".");
  engine e(rules);
  CHECK_THROWS_WITH(e.finish(), Catch::Matchers::StartsWith("close-out step all: "));
}
