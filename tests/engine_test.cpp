// The engine on the SPEC's worked example (§10) and on single mechanics, with exact amounts.
#include <catch2/catch.hpp>

#include "bad_event_text.hpp"
#include "file_text.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;

namespace {

money yuan(const char* text) { return parse_money(text, 2).value(); }

// Events from CSV text, through the real reader.
std::vector<event> events_from_csv(const rule_set& rules, const std::string& csv) {
  std::vector<event> events;
  read_event_text(
      rules, csv, event_format::csv, "events.csv", 0, [&](event&& e) { events.push_back(std::move(e)); },
      [](rejected_event&& r) { FAIL("rejected " << r.id << ": " << to_string(r.reason)); });
  return events;
}

// An event_result kept past the next process() call: its evaluations copied.
struct kept_result {
  std::optional<bad_event_reason> rejected;
  std::vector<rule_evaluation> evaluations;
};

struct replay_result {
  std::vector<kept_result> results;
  engine finished;
};

replay_result replay(const rule_set& rules, const std::vector<event>& events) {
  engine e(rules);
  std::vector<kept_result> results;
  for (const auto& ev : events) {
    const auto result = e.process(ev);
    results.push_back({result.rejected, {result.evaluations.begin(), result.evaluations.end()}});
  }
  e.finish();
  return {std::move(results), std::move(e)};
}

// The 300 events of the bundled Tencent 2018 stream.
std::vector<event> tencent_2018_events(const rule_set& rules) {
  std::vector<event> events;
  read_event_file(
      rules, std::string(MATCHFUND_SOURCE_DIR) + "/rules/tencent-99-2018-events.csv", 0,
      [&](event&& e) { events.push_back(std::move(e)); }, [](rejected_event&&) {});
  REQUIRE(events.size() == 300);
  return events;
}

money paid_total(const kept_result& result) {
  money total;
  for (const auto& evaluation : result.evaluations) total += evaluation.paid;
  return total;
}

}  // namespace

TEST_CASE("the worked example of SPEC §10, exactly", "[engine]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const auto events = events_from_csv(rules,
                                      "kind,id,time,donor,project,amount,ref\n"
                                      "donation,d1,2021-09-07T09:59:00+08:00,A,p1,20.00,\n"
                                      "donation,d2,2021-09-07T10:00:00+08:00,A,p1,20.00,\n"
                                      "donation,d3,2021-09-07T10:05:00+08:00,A,p2,25.00,\n"
                                      "donation,d4,2021-09-07T11:00:00+08:00,B,p1,50.00,\n"
                                      "donation,d5,2021-09-07T12:00:00+08:00,C,p2,10.00,\n"
                                      "donation,d6,2021-09-08T10:30:00+08:00,A,p1,40.00,\n"
                                      "refund,r1,2021-09-08T11:00:00+08:00,,,50.00,d4\n"
                                      "donation,d7,2021-09-08T12:00:00+08:00,C,p2,10.00,\n");
  auto [results, engine] = replay(rules, events);
  REQUIRE(results.size() == 8);
  for (const auto& r : results) REQUIRE_FALSE(r.rejected.has_value());

  struct expected_row {
    std::size_t event;
    const char* match;
    outcome code;
    const char* limit;
  };
  const expected_row rows[] = {
      {0, "0.00", outcome::outside_window, ""},
      {1, "20.00", outcome::matched, ""},
      {2, "10.00", outcome::partial, "rules[0].caps[0]"},
      {3, "30.00", outcome::partial, "rules[0].caps[0]"},
      {4, "0.00", outcome::fund_empty, ""},
      {5, "30.00", outcome::partial, "rules[0].caps[0]"},
      {7, "10.00", outcome::matched, ""},
  };
  for (const auto& row : rows) {
    INFO("event " << events[row.event].id);
    const auto& evaluation = results[row.event].evaluations.at(0);
    CHECK(evaluation.paid == yuan(row.match));
    CHECK(evaluation.code == row.code);
    CHECK(evaluation.limit == row.limit);
  }

  const fund_totals& fund = engine.fund(fund_index{0});
  CHECK(fund.released == yuan("100.00"));
  CHECK(fund.drawn == yuan("100.00"));
  CHECK(fund.returned == yuan("30.00"));
  CHECK(fund.available() == yuan("30.00"));
  CHECK(fund.forfeited.is_zero());
  CHECK(fund.drawn - fund.returned == yuan("70.00"));  // net matched

  const project_totals& p1 = engine.project(project_index{0});
  CHECK(p1.raised == yuan("80.00"));
  CHECK(p1.refunded == yuan("50.00"));
  CHECK(p1.matched == yuan("50.00"));
  CHECK(p1.donations == 4);
  CHECK(p1.donors == 2);
  const project_totals& p2 = engine.project(project_index{1});
  CHECK(p2.raised == yuan("45.00"));
  CHECK(p2.matched == yuan("20.00"));

  // The ledger: five match lines (d2, d3, d4, d6, d7) and the reversal of d4's match.
  const auto ledger = engine.ledger();
  REQUIRE(ledger.size() == 6);
  CHECK(ledger[1].limited_by == "rules[0].caps[0]");
  CHECK(ledger[4].kind == ledger_kind::reversal);
  CHECK(ledger[4].seq == 5);
  CHECK(ledger[4].donation_id == "d4");
  CHECK(ledger[4].event_id == "r1");
  CHECK(ledger[4].amount == yuan("-30.00"));
  CHECK(ledger[4].disposition == refund_disposition::give_back);
  CHECK(ledger[5].donation_id == "d7");
  CHECK(ledger[5].amount == yuan("10.00"));
}

TEST_CASE("discard_ledger forgets written lines; seq numbers and views go on", "[engine]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const auto events = events_from_csv(rules,
                                      "kind,id,time,donor,project,amount,ref\n"
                                      "donation,d2,2021-09-07T10:00:00+08:00,A,p1,20.00,\n"
                                      "donation,a-donation-id-longer-than-any-short-string,2021-09-07T11:00:00+08:00,"
                                      "a-donor-id-longer-than-any-short-string,p1,50.00,\n"
                                      "refund,r1,2021-09-07T11:30:00+08:00,,,10.00,a-donation-id-longer-than-any-short-string\n");
  engine e(rules);
  std::vector<std::string> written;
  for (const auto& ev : events) {
    REQUIRE_FALSE(e.process(ev).rejected.has_value());
    for (const auto& line : e.ledger()) {
      written.push_back(std::to_string(line.seq) + " " + std::string(line.event_id) + " " + std::string(line.donor));
    }
    e.discard_ledger();
    CHECK(e.ledger().empty());
  }
  CHECK(written == std::vector<std::string>{"1 d2 A", "2 a-donation-id-longer-than-any-short-string "
                                                      "a-donor-id-longer-than-any-short-string",
                                            "3 r1 a-donor-id-longer-than-any-short-string"});
  // Views stay valid after the events that carried the ids are gone.
  auto later = events_from_csv(rules,
                               "kind,id,time,donor,project,amount,ref\n"
                               "refund,r2-with-a-long-identifier-too,2021-09-07T12:00:00+08:00,,,5.00,"
                               "a-donation-id-longer-than-any-short-string\n");
  REQUIRE_FALSE(e.process(later.front()).rejected.has_value());
  later.clear();
  REQUIRE(e.ledger().size() == 1);
  CHECK(e.ledger()[0].seq == 4);
  CHECK(e.ledger()[0].event_id == "r2-with-a-long-identifier-too");
  CHECK(e.ledger()[0].donation_id == "a-donation-id-longer-than-any-short-string");
  CHECK(e.ledger()[0].amount == yuan("-3.00"));
}

TEST_CASE("check_invariants holds mid-run and at the end, with the ledger kept or discarded", "[engine]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const auto events =
      events_from_csv(rules, testing::read_file(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example-events.csv"));
  const auto results = [](const engine& e) {
    std::string text;
    for (const invariant_result& r : e.check_invariants()) text += r.name + (r.holds ? " holds\n" : " broken: " + r.detail + "\n");
    return text;
  };
  const std::string all_hold =
      "fund_identity holds\ncaps_within_max holds\nledger_matches_tables holds\nmatches_within_formula holds\n";
  engine kept(rules);
  engine discarding(rules);
  std::size_t checked = 0;
  for (const auto& ev : events) {
    REQUIRE_FALSE(kept.process(ev).rejected.has_value());
    REQUIRE_FALSE(discarding.process(ev).rejected.has_value());
    if (checked % 2 == 0) discarding.discard_ledger();
    CHECK(results(kept) == all_hold);
    CHECK(results(discarding) == all_hold);
    ++checked;
  }
  CHECK(checked == events.size());
  CHECK(checked >= 8);
  kept.finish();
  discarding.finish();
  CHECK(results(kept) == all_hold);
  CHECK(results(discarding) == all_hold);
}

TEST_CASE("B's day-1 cap is given back by the refund of d4", "[engine]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const auto events = events_from_csv(rules,
                                      "kind,id,time,donor,project,amount,ref\n"
                                      "donation,d4,2021-09-07T11:00:00+08:00,B,p1,50.00,\n"
                                      "refund,r1,2021-09-07T11:30:00+08:00,,,50.00,d4\n"
                                      "donation,d8,2021-09-07T12:00:00+08:00,B,p1,50.00,\n");
  auto [results, engine] = replay(rules, events);
  CHECK(paid_total(results[0]) == yuan("30.00"));
  CHECK(paid_total(results[2]) == yuan("30.00"));  // the cap counter went back to 0
}

TEST_CASE("bad events are rejected and change nothing", "[engine]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const auto events = events_from_csv(rules,
                                      "kind,id,time,donor,project,amount,ref\n"
                                      "donation,d1,2021-09-07T11:00:00+08:00,A,p1,10.00,\n"
                                      "donation,d1,2021-09-07T11:01:00+08:00,A,p1,10.00,\n"
                                      "refund,r1,2021-09-07T11:02:00+08:00,,,20.00,d1\n"
                                      "refund,r2,2021-09-07T11:03:00+08:00,,,,nope\n"
                                      "close,c1,2021-09-07T11:04:00+08:00,,,,\n"
                                      "close,c2,2021-09-07T11:05:00+08:00,,,,\n"
                                      "donation,d0,2021-09-07T10:00:00+08:00,A,p1,10.00,\n");
  engine e(rules);
  std::vector<std::optional<bad_event_reason>> reasons;
  for (const auto& ev : events) reasons.push_back(e.process(ev).rejected);
  using code = bad_event_code;
  CHECK(reasons == std::vector<std::optional<bad_event_reason>>{
                       std::nullopt, bad_event_reason{code::duplicate_id}, bad_event_reason{code::refund_exceeds},
                       bad_event_reason{code::unknown_donation}, std::nullopt, bad_event_reason{code::second_close},
                       bad_event_reason{code::out_of_order}});
  CHECK(e.fund(fund_index{0}).drawn == yuan("10.00"));
}

TEST_CASE("batches of 1, 7 and 1000 events, with or without reserve, give identical ledgers and totals",
          "[engine][determinism]") {
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/tencent-99-2018.yaml");
  const std::vector<event> events = tencent_2018_events(rules);
  const auto run_in_batches = [&](std::size_t batch, std::size_t reserved = 0) {
    engine e(rules);
    if (reserved > 0) e.reserve(reserved, reserved / 3);
    std::vector<std::string> outcomes;
    for (std::size_t start = 0; start < events.size(); start += batch) {
      const std::size_t size = std::min(batch, events.size() - start);
      e.process(std::span<const event>(events).subspan(start, size), [&](const event& ev, engine::event_result&& r) {
        for (const auto& evaluation : r.evaluations) {
          outcomes.push_back(ev.id + " " + std::string(to_string(evaluation.code)) + " " +
                             std::to_string(evaluation.paid.minor_units()));
        }
      });
    }
    e.finish();
    std::vector<std::string> ledger;
    for (const auto& line : e.ledger()) {
      ledger.push_back(std::to_string(line.seq) + " " + std::string(line.donation_id) + " " +
                       std::to_string(line.amount.minor_units()));
    }
    return std::pair(outcomes, ledger);
  };
  const auto one = run_in_batches(1);
  CHECK(one.first.size() == 300 * rules.rules().size());
  CHECK_FALSE(one.second.empty());
  CHECK(run_in_batches(7) == one);
  CHECK(run_in_batches(1000) == one);
  CHECK(run_in_batches(7, 100) == one);        // reserved short: the tables still grow
  CHECK(run_in_batches(1, 1'000'000) == one);  // reserved long
}

TEST_CASE("donor and donation ids of any length are kept exactly, through caps, ledger and revocation", "[engine]") {
  // Donor ids up to 15 bytes live inside the engine's donor record, longer ones in its arena:
  // both must be found again (the per-donor cap), written out, and revoked by id.
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const std::string fifteen = "donor-012345678";                       // 15 bytes: inside
  const std::string sixteen = "donor-0123456789";                      // 16 bytes: arena
  const std::string long_id = std::string(200, 'x') + "\xE6\x8D\x90";  // 203 bytes: a 2-byte length
  const std::string long_donation(300, 'd');
  const auto events = events_from_csv(
      rules, "kind,id,time,donor,project,amount,ref,scope\n"
             "donation," + long_donation + ",2021-09-07T10:00:00+08:00," + long_id + ",p1,10.00,,\n"
             "donation,b1,2021-09-07T10:01:00+08:00," + fifteen + ",p1,10.00,,\n"
             "donation,c1,2021-09-07T10:02:00+08:00," + sixteen + ",p1,10.00,,\n"
             "donation,a2,2021-09-07T10:03:00+08:00," + long_id + ",p2,25.00,,\n"
             "donation,b2,2021-09-07T10:04:00+08:00," + fifteen + ",p2,10.00,,\n"
             "donation,c2,2021-09-07T10:05:00+08:00," + sixteen + ",p2,10.00,,\n"
             "revoke,v1,2021-09-07T11:00:00+08:00,,,," + long_id + ",donor\n"
             "revoke,v2,2021-09-07T11:01:00+08:00,,,," + sixteen + ",donor\n"
             "refund,r1,2021-09-07T11:02:00+08:00,,,5.00," + long_donation + ",\n");
  engine e(rules);
  std::vector<std::string> lines;  // kind donor donation amount, copied out of each line
  for (const auto& ev : events) {
    const auto result = e.process(ev);
    REQUIRE_FALSE(result.rejected);
    for (const auto& line : e.ledger()) {
      lines.push_back(std::string(to_string(line.kind)) + " " + std::string(line.donor) + " " +
                      std::string(line.donation_id) + " " + format_money(line.amount, 2));
    }
    e.discard_ledger();
  }
  // The long donor's second gift is clipped by its own 30.00 cap (10.00 already matched): the
  // cap found the donor again by its 203-byte id. Revocations reverse exactly their donor's lines.
  CHECK(lines == std::vector<std::string>{
                     "match " + long_id + " " + long_donation + " 10.00",
                     "match " + fifteen + " b1 10.00",
                     "match " + sixteen + " c1 10.00",
                     "match " + long_id + " a2 20.00",
                     "match " + fifteen + " b2 10.00",
                     "reversal " + long_id + " " + long_donation + " -10.00",
                     "reversal " + long_id + " a2 -20.00",
                     "reversal " + sixteen + " c1 -10.00",
                 });
}

TEST_CASE("process_unchecked_new_id decides as process() does; later look-ups find the ids it skipped", "[engine]") {
  // The Tencent 2018 stream (300 events, donations only) through process_unchecked_new_id, against
  // process(): identical outcomes and ledger. Then the ids it never looked up are found by a
  // repeat (duplicate_id), a refund and a revocation.
  const rule_set rules = load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/tencent-99-2018.yaml");
  const std::vector<event> events = tencent_2018_events(rules);
  const timestamp after = events.back().time;
  const auto later = [&](event e, std::int64_t seconds) {
    e.time = timestamp::from_epoch_ms(after.epoch_ms() + seconds * 1000);
    return e;
  };
  std::vector<event> tail{
      later(events[3], 1),  // a repeat of an id processed without look-up
      later(event{.id = "r-1", .ref = events[10].id, .kind = event_kind::refund}, 2),
      later(event{.id = "v-1", .ref = events[20].id, .kind = event_kind::revoke, .scope = revoke_scope::donation}, 3),
      later(event{.id = "r-2", .ref = "never-seen", .kind = event_kind::refund}, 4),
      later(event{.id = events[299].id, .ref = events[30].id, .kind = event_kind::refund}, 5),
  };
  const auto run = [&](bool vouch) {
    engine e(rules);
    std::vector<std::string> outcomes;
    const auto keep = [&](const event& ev, const engine::event_result& r) {
      outcomes.push_back(ev.id + " " + (r.rejected ? to_string(*r.rejected) : "ok"));
      for (const auto& evaluation : r.evaluations) {
        outcomes.push_back(std::string(to_string(evaluation.code)) + " " + std::to_string(evaluation.paid.minor_units()));
      }
    };
    for (const auto& ev : events) keep(ev, vouch ? e.process_unchecked_new_id(ev) : e.process(ev));
    for (const auto& ev : tail) keep(ev, e.process(ev));
    e.finish();
    std::vector<std::string> ledger;
    for (const auto& line : e.ledger()) {
      ledger.push_back(std::string(to_string(line.kind)) + " " + std::string(line.donation_id) + " " +
                       std::to_string(line.amount.minor_units()));
    }
    return std::tuple(outcomes, ledger, e.project(*events[10].project).refunded);
  };
  const auto checked = run(false);
  const auto vouched = run(true);
  CHECK(vouched == checked);
  const auto& outcomes = std::get<0>(vouched);
  const auto at = [&](std::string_view id) {
    return *std::find_if(outcomes.rbegin(), outcomes.rend(), [&](const std::string& o) { return o.starts_with(std::string(id) + " "); });
  };
  CHECK(at(events[3].id) == events[3].id + " duplicate_id");
  CHECK(at("r-1") == "r-1 ok");
  CHECK(at("v-1") == "v-1 ok");
  CHECK(at("r-2") == "r-2 unknown_donation");
  CHECK(at(events[299].id) == events[299].id + " duplicate_id");
  CHECK(std::get<2>(vouched) == *events[10].amount);  // r-1 refunds all of it
}

TEST_CASE("cap periods are counted from the campaign's start; a campaign longer than 32,768 of them is refused",
          "[engine]") {
  // The engine keeps a cap's period in 16 bits, counted from the period the campaign starts in.
  const auto campaign_of = [](const char* start, const char* end) {
    return std::string("matchfund: 1\n"
                       "campaign: { id: c, name: C, currency: CNY, timezone: \"+08:00\", start: ") +
           start + ", end: " + end +
           " }\n"
           "projects: [ { id: p1, organization: o1 } ]\n"
           "funds: [ { id: F, funder: X, budget: \"1000000.00\" } ]\n"
           "rules:\n"
           "  - id: M\n"
           "    sources: [F]\n"
           "    ratio: \"1\"\n"
           "    caps: [ { id: daily, per: donor, period: day, measure: match, max: \"30.00\" } ]\n";
  };
  // Day 32,767 after the first (2059-09-18) is the last that fits.
  const rule_set longest = load_rules_text(campaign_of("1970-01-01T00:00:00+08:00", "2059-09-19T00:00:00+08:00"), "c.yaml", ".");
  engine e(longest);
  const auto events = events_from_csv(longest,
                                      "id,time,donor,project,amount\n"
                                      "d1,1970-01-01T10:00:00+08:00,A,p1,20.00\n"
                                      "d2,1970-01-01T11:00:00+08:00,A,p1,20.00\n"
                                      "d3,2059-09-18T10:00:00+08:00,A,p1,20.00\n"
                                      "d4,2059-09-18T11:00:00+08:00,A,p1,20.00\n");
  std::vector<std::int64_t> paid;
  for (const auto& ev : events) paid.push_back(e.process(ev).evaluations.front().paid.minor_units());
  CHECK(paid == std::vector<std::int64_t>{2000, 1000, 2000, 1000});  // 30.00 a day, on the first and the last day

  // One day more is refused by the loader (period_limit), so that the engine never sees it...
  const load_result too_long =
      try_load_rules_text(campaign_of("1970-01-01T00:00:00+08:00", "2059-09-20T00:00:00+08:00"), "c.yaml", ".");
  REQUIRE(too_long.diagnostics.size() == 1);
  CHECK(too_long.diagnostics[0].code == diagnostic_code::period_limit);
  // ...but a rule set built without the loader can still ask it: the engine refuses it too.
  rule_set_parts parts;
  parts.campaign = longest.campaign();
  parts.campaign.end = parts.campaign.end + std::chrono::hours{24};
  parts.caps.assign(longest.caps().begin(), longest.caps().end());
  CHECK_THROWS_WITH(engine(rule_set(std::move(parts))), "cap daily: the campaign spans more than 32,768 of its periods");
}
