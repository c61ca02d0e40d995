// Settlement on the donor's later payments (`settle: {payments: {min, within_days?}}`,
// docs/semantics.md): GlobalGiving's recurring match keeps the match of a first instalment only
// if the donor pays four times in all. Exact amounts, the engine against the reference model,
// holds, a donation without a donor, snapshots, and the loader's diagnostics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine_and_model.hpp"
#include "engine_state_text.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"

using namespace matchfund;
using testing::load_errors;

namespace {

// A week of matching in September 2018, the campaign open to the end of January for the later
// instalments; 1:1 up to 200.00 per donor and project, kept only after four payments within
// 90 days; what settlement gives back is shared equally at the close.
std::string recurring_rules(const std::string& campaign_extra = "", const std::string& payments = "{ min: 4, within_days: 90 }") {
  return "matchfund: 1\n"
         "campaign: { id: r, name: Recurring, currency: USD, timezone: \"-04:00\", start: 2018-09-24T00:00:00-04:00,\n"
         "            end: 2019-02-01T00:00:00-04:00" +
         campaign_extra +
         " }\n"
         "projects: [ { id: p1, organization: o1 }, { id: p2, organization: o2 } ]\n"
         "funds: [ { id: pool, budget: \"400.00\" } ]\n"
         "rules:\n"
         "  - id: first\n"
         "    sources: [pool]\n"
         "    windows: [ { from: 2018-09-24T00:00:00-04:00, to: 2018-09-29T00:00:00-04:00 } ]\n"
         "    ratio: \"1\"\n"
         "    caps: [ { per: donor_project, measure: match, max: \"200.00\" } ]\n"
         "    settle: { payments: " +
         payments +
         " }\n"
         "closeout: [ { id: rest, kind: equal, from: pool } ]\n";
}

// The ledger's lines of one kind, without their seq numbers.
std::string lines_of_kind(const std::string& ledger, const std::string& kind) {
  std::istringstream in(ledger);
  std::string text;
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    if (line.compare(second + 1, kind.size() + 1, kind + ",") == 0) text += line.substr(first + 1) + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("settlement on later payments: kept after four, reversed short of four, the money back for the close-out",
          "[engine][settle]") {
  const std::string events =
      "kind,id,time,donor,project,amount,ref,scope\n"
      "donation,a1,2018-09-24T10:00:00-04:00,alice,p1,50.00,,\n"
      "donation,b1,2018-09-24T11:00:00-04:00,bob,p1,30.00,,\n"
      "donation,c1,2018-09-25T09:00:00-04:00,carol,p1,40.00,,\n"
      "donation,d1,2018-09-25T10:00:00-04:00,dave,p2,60.00,,\n"
      "donation,e1,2018-09-26T10:00:00-04:00,erin,p1,20.00,,\n"
      "donation,f1,2018-09-26T10:00:00-04:00,frank,p2,25.00,,\n"
      "donation,g1,2018-09-27T10:00:00-04:00,greg,p1,30.00,,\n"
      "donation,k1,2018-09-28T10:00:00-04:00,kim,p2,250.00,,\n"
      "donation,a2,2018-10-24T10:00:00-04:00,alice,p1,50.00,,\n"
      "donation,b2,2018-10-24T11:00:00-04:00,bob,p1,30.00,,\n"
      "donation,c2,2018-10-25T09:00:00-04:00,carol,p1,40.00,,\n"
      "donation,d2,2018-10-25T10:00:00-04:00,dave,p1,60.00,,\n"
      "donation,e2,2018-10-26T10:00:00-04:00,erin,p1,20.00,,\n"
      "donation,f2,2018-10-26T10:00:00-04:00,frank,p2,25.00,,\n"
      "donation,g2,2018-10-27T10:00:00-04:00,greg,p1,30.00,,\n"
      "donation,k2,2018-10-28T10:00:00-04:00,kim,p2,250.00,,\n"
      "donation,a3,2018-11-24T10:00:00-04:00,alice,p1,50.00,,\n"
      "refund,ra3,2018-11-24T12:00:00-04:00,,,5.00,a3,\n"
      "donation,c3,2018-11-25T09:00:00-04:00,carol,p1,40.00,,\n"
      "donation,d3,2018-11-25T10:00:00-04:00,dave,p1,60.00,,\n"
      "donation,e3,2018-11-25T10:00:00-04:00,erin,p1,20.00,,\n"
      "donation,f3,2018-11-25T10:00:00-04:00,frank,p2,25.00,,\n"
      "refund,rc3,2018-11-25T12:00:00-04:00,,,,c3,\n"
      "donation,g3,2018-11-27T10:00:00-04:00,greg,p1,30.00,,\n"
      "revoke,vg3,2018-11-28T10:00:00-04:00,,,,g3,donation\n"
      "donation,k3,2018-11-28T10:00:00-04:00,kim,p2,250.00,,\n"
      "donation,a4,2018-12-20T10:00:00-04:00,alice,p1,50.00,,\n"
      "donation,c4,2018-12-20T10:00:00-04:00,carol,p1,40.00,,\n"
      "donation,d4,2018-12-20T10:00:00-04:00,dave,p1,60.00,,\n"
      "donation,g4,2018-12-20T10:00:00-04:00,greg,p1,30.00,,\n"
      "donation,k4,2018-12-20T10:00:00-04:00,kim,p2,250.00,,\n"
      "donation,f4,2018-12-25T09:59:59.999-04:00,frank,p2,25.00,,\n"
      "donation,e4,2018-12-25T10:00:00-04:00,erin,p1,20.00,,\n"
      "close,end,2019-02-01T00:00:00-04:00,,,,,\n";
  const auto result = testing::replay_engine_and_model(recurring_rules(), events);
  // In the week: 50 + 30 + 40 + 60 + 20 + 25 + 30 = 255.00, and kim's 250.00 is capped at 200.00
  // by the cap but gets the 145.00 the pool has left. At the close: alice paid four times (a3
  // partly refunded still counts), frank four times (f4 a millisecond inside 90 days), kim four
  // times: 50 + 25 + 145 kept. Bob paid twice, carol three times (c3 refunded in full), dave once
  // to p2 (his later gifts went to p1), erin three times (e4 exactly 90 days later), greg three
  // times (g3 revoked): 30 + 40 + 60 + 20 + 30 = 180.00 back to the pool, shared 90.00 each.
  CHECK(lines_of_kind(result.ledger, "reversal") ==
        "2019-02-01T00:00:00.000-04:00,reversal,end,b1,bob,p1,first,pool,-30.00,,return\n"
        "2019-02-01T00:00:00.000-04:00,reversal,end,c1,carol,p1,first,pool,-40.00,,return\n"
        "2019-02-01T00:00:00.000-04:00,reversal,end,d1,dave,p2,first,pool,-60.00,,return\n"
        "2019-02-01T00:00:00.000-04:00,reversal,end,e1,erin,p1,first,pool,-20.00,,return\n"
        "2019-02-01T00:00:00.000-04:00,reversal,end,g1,greg,p1,first,pool,-30.00,,return\n");
  CHECK(lines_of_kind(result.ledger, "closeout") ==
        "2019-02-01T00:00:00.000-04:00,closeout,end,,,p1,rest,pool,90.00,,\n"
        "2019-02-01T00:00:00.000-04:00,closeout,end,,,p2,rest,pool,90.00,,\n");
  CHECK(result.funds ==
        "fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at\n"
        "pool,400.00,400.00,400.00,180.00,0.00,0.00,180.00,0.00,0.00,2018-09-28T10:00:00.000-04:00\n");
  testing::check_engine_and_model_agree(result);
}

TEST_CASE("settlement on later payments counts a confirmed hold from its confirm, and needs when too when given",
          "[engine][settle]") {
  // Ivy's hold at 12:00 is confirmed at 12:05; her donation at 12:03 comes before that. From
  // i0's time on she paid i0, the hold and two more: four, kept. From the hold's confirm on she
  // paid three times: its match goes back. Without within_days every payment before the close
  // counts, also those after the campaign's end (the close is at the end of input).
  std::string rules = recurring_rules(", holds: { ttl: 30m }", "{ min: 4 }");
  const std::string events = "kind,id,time,donor,project,amount,ref\n"
                             "hold,h1,2018-09-24T12:00:00-04:00,ivy,p1,10.00,\n"
                             "donation,i0,2018-09-24T12:03:00-04:00,ivy,p1,10.00,\n"
                             "confirm,h1c,2018-09-24T12:05:00-04:00,,,,h1\n"
                             "donation,i1,2018-12-24T12:00:00-04:00,ivy,p1,10.00,\n"
                             "donation,i2,2019-03-24T12:00:00-04:00,ivy,p1,10.00,\n";
  const auto result = testing::replay_engine_and_model(rules, events);
  CHECK(lines_of_kind(result.ledger, "reversal") ==
        "2019-03-24T12:00:00.000-04:00,reversal,,h1,ivy,p1,first,pool,-10.00,,return\n");
  testing::check_engine_and_model_agree(result);

  // With a `when` as well, both must hold: p1 raised 40.00 by the close, so a when asking for
  // 50.00 reverses i0 too (first: its match was drawn before the hold's confirm).
  const std::string both = "{ min: 4 }\n      when: { field: project.raised, op: \">=\", value: \"50.00\" }";
  rules = recurring_rules(", holds: { ttl: 30m }", "");
  rules.replace(rules.find("    settle: { payments:  }\n"), std::string("    settle: { payments:  }\n").size(),
                "    settle:\n      payments: " + both + "\n");
  const auto with_when = testing::replay_engine_and_model(rules, events);
  CHECK(lines_of_kind(with_when.ledger, "reversal") ==
        "2019-03-24T12:00:00.000-04:00,reversal,,i0,ivy,p1,first,pool,-10.00,,return\n"
        "2019-03-24T12:00:00.000-04:00,reversal,,h1,ivy,p1,first,pool,-10.00,,return\n");
  testing::check_engine_and_model_agree(with_when);
}

TEST_CASE("settlement on later payments: a donation without a donor id never settles", "[engine][settle]") {
  // Event files require a donor; a host calling the engine directly may leave it empty.
  const rule_set rules = load_rules_text(recurring_rules("", "{ min: 1 }"), "r.yaml", std::filesystem::temp_directory_path());
  engine e(rules);
  const auto at = [](const char* text) { return parse_rfc3339(text).value(); };
  const auto usd = [](const char* text) { return parse_money(text, 2).value(); };
  e.process(event{.id = "x1", .donor = "", .time = at("2018-09-24T10:00:00-04:00"), .amount = usd("10.00"),
                  .project = rules.find_project("p1"), .kind = event_kind::donation});
  e.process(event{.id = "y1", .donor = "yan", .time = at("2018-09-24T11:00:00-04:00"), .amount = usd("15.00"),
                  .project = rules.find_project("p1"), .kind = event_kind::donation});
  e.finish();
  const fund_totals& pool = e.fund(*rules.find_fund("pool"));
  CHECK(pool.drawn == usd("25.00"));
  CHECK(pool.returned == usd("10.00"));  // x1's; yan paid once, which min 1 asks
  std::vector<std::string> reversed;
  for (const ledger_line& line : e.ledger()) {
    if (line.kind == ledger_kind::reversal) reversed.emplace_back(line.donation_id);
  }
  CHECK(reversed == std::vector<std::string>{"x1"});
}

TEST_CASE("settlement on later payments after a snapshot: the donations' times are saved", "[engine][settle][snapshot]") {
  const rule_set rules = load_rules_text(recurring_rules(", holds: { ttl: 30m }"), "r.yaml", std::filesystem::temp_directory_path());
  const auto at = [](const char* text) { return parse_rfc3339(text).value(); };
  const auto usd = [](const char* text) { return parse_money(text, 2).value(); };
  const auto gift = [&](const char* id, const char* time, const char* donor, event_kind kind = event_kind::donation) {
    return event{.id = id, .donor = donor, .time = at(time), .amount = usd("20.00"), .project = rules.find_project("p1"),
                 .kind = kind};
  };
  // Before the cut: the matched gifts, a hold and part of the later payments; after it, the rest.
  const std::vector<event> events = {
      gift("a1", "2018-09-24T10:00:00-04:00", "ann"),
      gift("h1", "2018-09-24T10:30:00-04:00", "hal", event_kind::hold),
      event{.id = "h1c", .ref = "h1", .time = at("2018-09-24T10:40:00-04:00"), .kind = event_kind::confirm},
      gift("a2", "2018-10-24T10:00:00-04:00", "ann"),
      gift("h2", "2018-10-24T10:40:00-04:00", "hal"),
      gift("a3", "2018-11-24T10:00:00-04:00", "ann"),
      gift("h3", "2018-11-24T10:40:00-04:00", "hal"),
      gift("a4", "2018-12-22T10:00:00-04:00", "ann"),  // 89 days after a1
      gift("h4", "2018-12-23T10:40:00-04:00", "hal"),  // 90 days after h1's confirm: too late
  };
  engine whole(rules);
  for (const event& e : events) whole.process(e);
  whole.finish();
  engine first(rules);
  for (std::size_t i = 0; i < 4; ++i) first.process(events[i]);
  std::ostringstream out;
  first.save(out, 4);
  std::istringstream in(out.str());
  engine restored = engine::restore(rules, in);
  std::ostringstream again;
  restored.save(again, 4);
  CHECK(again.str() == out.str());
  for (std::size_t i = 4; i < events.size(); ++i) restored.process(events[i]);
  restored.finish();
  const fund_totals& pool = restored.fund(*rules.find_fund("pool"));
  CHECK(pool.drawn == usd("40.00"));
  CHECK(pool.returned == usd("20.00"));   // hal's: h4 came 90 days after the confirm, ann's a4 after 89
  CHECK(pool.closeout == usd("380.00"));  // 400.00 - 40.00 + 20.00, shared by p1 and p2
  CHECK(testing::state_text(restored, rules) == testing::state_text(whole, rules));
}

TEST_CASE("settle.payments: what the loader refuses", "[load][settle]") {
  const auto with = [](const std::string& payments) { return recurring_rules("", payments); };
  CHECK(load_errors(with("{ min: 0 }")) ==
        "r.yaml:12:32: rules[0].settle.payments.min: integer 0 is out of range (1 to 2147483648) [bad_integer]\n");
  CHECK(load_errors(with("{ min: 4, within_days: 0 }")) ==
        "r.yaml:12:48: rules[0].settle.payments.within_days: integer 0 is out of range (1 to 3652425) [bad_integer]\n");
  CHECK(load_errors(with("{ min: 4.5 }")) ==
        "r.yaml:12:32: rules[0].settle.payments.min: expected an integer, got \"4.5\" [bad_integer]\n");
  CHECK(load_errors(with("{ within_days: 90 }")) ==
        "r.yaml:12:25: rules[0].settle.payments: missing required key \"min\" [missing_key]\n");
  CHECK(load_errors(with("{ min: 4, days: 90 }")) ==
        "r.yaml:12:35: rules[0].settle.payments.days: unknown key \"days\" [unknown_key]\n");
  CHECK(load_errors(with("4")) ==
        "r.yaml:12:25: rules[0].settle.payments: expected a mapping, got \"4\" [wrong_type]\n");
  std::string empty = with("");
  empty.replace(empty.find("{ payments:  }"), std::string("{ payments:  }").size(), "{}");
  CHECK(load_errors(empty) == "r.yaml:12:13: rules[0].settle: settle needs when, payments or both [missing_key]\n");
}
