// The reference model against the SPEC: the worked example of §10 exactly, then one focused case
// for each part of the matching semantics (§4–§6).
#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "reference/reference_model.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
using reference::replay;

namespace {

const std::filesystem::path source_dir = MATCHFUND_SOURCE_DIR;

using field_list = std::vector<std::pair<std::string, std::string>>;

// An event from field texts, checked as an event file's would be.
event make_event(const rule_set& rules, const field_list& fields) {
  auto result = event_from_fields(rules, fields);
  if (const auto* reason = std::get_if<bad_event_reason>(&result)) {
    throw std::runtime_error("bad test event: " + to_string(*reason));
  }
  return std::get<event>(std::move(result));
}

// Local time in +08:00: "2021-09-07T10:00" -> "2021-09-07T10:00:00+08:00".
std::string local(const std::string& date_time) { return date_time + ":00+08:00"; }

event donation(const rule_set& rules, const std::string& id, const std::string& when, const std::string& donor,
               const std::string& project, const std::string& amount, field_list extra = {}) {
  field_list fields{{"id", id}, {"time", local(when)}, {"donor", donor}, {"project", project}, {"amount", amount}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  return make_event(rules, fields);
}

event refund(const rule_set& rules, const std::string& id, const std::string& when, const std::string& ref,
             const std::string& amount = "", const std::string& disposition = "") {
  return make_event(rules, {{"kind", "refund"},
                            {"id", id},
                            {"time", local(when)},
                            {"ref", ref},
                            {"amount", amount},
                            {"disposition", disposition}});
}

event close_event(const rule_set& rules, const std::string& id, const std::string& when) {
  return make_event(rules, {{"kind", "close"}, {"id", id}, {"time", local(when)}});
}

// A campaign from 2021-09-07 to 2021-09-10 (+08:00) with the given projects, funds and rules.
rule_set rules_from(const std::string& body, const std::string& campaign_extra = "") {
  const std::string text = "matchfund: 1\n"
                           "campaign:\n"
                           "  id: c\n"
                           "  name: Test\n"
                           "  currency: CNY\n"
                           "  timezone: \"+08:00\"\n"
                           "  start: 2021-09-07T00:00:00+08:00\n"
                           "  end: 2021-09-10T00:00:00+08:00\n" +
                           campaign_extra + body;
  return load_rules_text(text, "test.yaml", source_dir / "rules");
}

const std::string two_projects =
    "projects:\n"
    "  - { id: p1, organization: o1 }\n"
    "  - { id: p2, organization: o2 }\n";

// "outcome,want,paid,limited_by" of one donation and rule in outcomes.csv ("" when absent).
std::string outcome_of(const reference::outputs& out, const std::string& event_id, const std::string& rule) {
  const std::string prefix = event_id + "," + rule + ",";
  std::size_t start = 0;
  while (start < out.outcomes_csv.size()) {
    const std::size_t end = out.outcomes_csv.find('\n', start);
    const std::string line = out.outcomes_csv.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    start = end + 1;
  }
  return "";
}

// The row of a table (funds.csv, projects.csv) whose first column is `id` ("" when absent).
std::string row_of(const std::string& csv, const std::string& id) {
  std::size_t start = 0;
  while (start < csv.size()) {
    const std::size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start);
    if (line.rfind(id + ",", 0) == 0) return line;
    start = end + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("reference model: the worked example of SPEC §10, exactly", "[reference]") {
  const rule_set rules = load_rules(source_dir / "rules" / "spec-worked-example.yaml");
  const std::vector<event> events = {
      donation(rules, "d1", "2021-09-07T09:59", "A", "p1", "20.00"),
      donation(rules, "d2", "2021-09-07T10:00", "A", "p1", "20.00"),
      donation(rules, "d3", "2021-09-07T10:05", "A", "p2", "25.00"),
      donation(rules, "d4", "2021-09-07T11:00", "B", "p1", "50.00"),
      donation(rules, "d5", "2021-09-07T12:00", "C", "p2", "10.00"),
      donation(rules, "d6", "2021-09-08T10:30", "A", "p1", "40.00"),
      refund(rules, "r1", "2021-09-08T11:00", "d4", "50.00"),
      donation(rules, "d7", "2021-09-08T12:00", "C", "p2", "10.00"),
  };
  const reference::outputs out = replay(rules, events);

  CHECK(out.outcomes_csv ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "d1,M,outside_window,0.00,0.00,\n"
        "d2,M,matched,20.00,20.00,\n"
        "d3,M,partial:rules[0].caps[0],25.00,10.00,rules[0].caps[0]\n"
        "d4,M,partial:rules[0].caps[0],50.00,30.00,rules[0].caps[0]\n"
        "d5,M,fund_empty,10.00,0.00,\n"
        "d6,M,partial:rules[0].caps[0],40.00,30.00,rules[0].caps[0]\n"
        "d7,M,matched,10.00,10.00,\n");
  CHECK(out.ledger_csv ==
        "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n"
        "1,2021-09-07T10:00:00.000+08:00,match,d2,d2,A,p1,M,F,20.00,,\n"
        "2,2021-09-07T10:05:00.000+08:00,match,d3,d3,A,p2,M,F,10.00,rules[0].caps[0],\n"
        "3,2021-09-07T11:00:00.000+08:00,match,d4,d4,B,p1,M,F,30.00,rules[0].caps[0],\n"
        "4,2021-09-08T10:30:00.000+08:00,match,d6,d6,A,p1,M,F,30.00,rules[0].caps[0],\n"
        "5,2021-09-08T11:00:00.000+08:00,reversal,r1,d4,B,p1,M,F,-30.00,,return\n"
        "6,2021-09-08T12:00:00.000+08:00,match,d7,d7,C,p2,M,F,10.00,,\n");
  // F drawn 100.00, returned 30.00, available_end 30.00 (net matched 70.00 = drawn - returned).
  CHECK(out.funds_csv ==
        "fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at\n"
        "F,100.00,100.00,100.00,30.00,0.00,0.00,0.00,0.00,30.00,\n");
  // p1 raised 80.00 (refunded 50.00), matched 50.00; p2 raised 45.00, matched 20.00.
  CHECK(out.projects_csv ==
        "project,organization,donations,donors,raised,refunded,matched,closeout,total\n"
        "p1,o1,4,2,80.00,50.00,50.00,0.00,130.00\n"
        "p2,o2,3,2,45.00,0.00,20.00,0.00,65.00\n"
        "p3,o3,0,0,0.00,0.00,0.00,0.00,0.00\n");
  CHECK(out.rejected.empty());
}

TEST_CASE("reference model: events are processed in time order, ties in input order", "[reference]") {
  const rule_set rules = load_rules(source_dir / "rules" / "spec-worked-example.yaml");
  // d4 is given first but happens after d2 and d3: A's cap is used by d2 and d3 first either way.
  const std::vector<event> events = {
      donation(rules, "d4", "2021-09-07T11:00", "A", "p1", "50.00"),
      donation(rules, "d2", "2021-09-07T10:00", "A", "p1", "20.00"),
      donation(rules, "d3", "2021-09-07T10:00", "A", "p2", "25.00"),
  };
  const reference::outputs out = replay(rules, events);
  CHECK(outcome_of(out, "d2", "M") == "matched,20.00,20.00,");
  CHECK(outcome_of(out, "d3", "M") == "partial:rules[0].caps[0],25.00,10.00,rules[0].caps[0]");
  CHECK(outcome_of(out, "d4", "M") == "cap_reached:rules[0].caps[0],50.00,0.00,rules[0].caps[0]");
}

TEST_CASE("reference model: random ratio, probability and random amount use the SPEC §5.4 vectors", "[reference]") {
  const auto with_probability = [](const std::string& chance) {
    return rules_from(two_projects +
                          "funds:\n"
                          "  - { id: T, funder: X, budget: \"10000.00\" }\n"
                          "rules:\n"
                          "  - id: tencent\n"
                          "    sources: [T]\n"
                          "    probability: \"" + chance + "\"\n"
                          "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.01\" } }\n",
                      "  seed: 20210907\n");
  };
  SECTION("drawn: U(10^6) = 288353 < 300000; ratio 0.05 + U(96) x 0.01 = 0.07") {
    const rule_set rules = with_probability("0.3");
    const reference::outputs out = replay(rules, {donation(rules, "d-0001", "2021-09-07T10:00", "A", "p1", "100.00")});
    CHECK(outcome_of(out, "d-0001", "tencent") == "matched,7.00,7.00,");
  }
  SECTION("not drawn: 288353 >= 288353") {
    const rule_set rules = with_probability("0.288353");
    const reference::outputs out = replay(rules, {donation(rules, "d-0001", "2021-09-07T10:00", "A", "p1", "100.00")});
    CHECK(outcome_of(out, "d-0001", "tencent") == "not_drawn,0.00,0.00,");
  }
  SECTION("random amount: 0.00 + U(500) = 1.73") {
    const rule_set rules = rules_from(two_projects +
                                          "funds:\n"
                                          "  - { id: T, funder: X, budget: \"10000.00\" }\n"
                                          "rules:\n"
                                          "  - id: tencent\n"
                                          "    sources: [T]\n"
                                          "    amount: { random: { min: \"0.00\", max: \"4.99\" } }\n",
                                      "  seed: 20210907\n");
    const reference::outputs out =
        replay(rules, {donation(rules, "\xE6\x8D\x90\xE8\xB5\xA0-42", "2021-09-07T10:00", "A", "p1", "1.00")});
    CHECK(outcome_of(out, "\xE6\x8D\x90\xE8\xB5\xA0-42", "tencent") == "matched,1.73,1.73,");
  }
}

TEST_CASE("reference model: a shared cap limits the base match and the bonus with one counter", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: T, funder: X, budget: \"100000.00\" }\n"
                                    "rules:\n"
                                    "  - { id: base, sources: [T], ratio: \"1\" }\n"
                                    "  - { id: bonus, sources: [T], ratio_of: { rule: base, ratio: \"0.3\" } }\n"
                                    "caps:\n"
                                    "  - { id: per-person-999, per: donor, period: day, measure: match, max: \"999.00\",\n"
                                    "      rules: [base, bonus] }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "a1", "2021-09-07T10:00", "A", "p1", "900.00"),
                                                   donation(rules, "a2", "2021-09-07T11:00", "A", "p2", "10.00"),
                                                   donation(rules, "a3", "2021-09-08T10:00", "A", "p1", "10.00"),
                                                   donation(rules, "b1", "2021-09-07T12:00", "B", "p1", "10.00"),
                                               });
  CHECK(outcome_of(out, "a1", "base") == "matched,900.00,900.00,");
  CHECK(outcome_of(out, "a1", "bonus") == "partial:per-person-999,270.00,99.00,per-person-999");
  CHECK(outcome_of(out, "a2", "base") == "cap_reached:per-person-999,10.00,0.00,per-person-999");
  CHECK(outcome_of(out, "a2", "bonus") == "no_match,0.00,0.00,");
  CHECK(outcome_of(out, "a3", "base") == "matched,10.00,10.00,");
  CHECK(outcome_of(out, "a3", "bonus") == "matched,3.00,3.00,");
  CHECK(outcome_of(out, "b1", "bonus") == "matched,3.00,3.00,");
}

TEST_CASE("reference model: an exclusive rule that paid makes later rules skip the donation", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: T, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: first\n"
                                    "    sources: [T]\n"
                                    "    ratio: \"1\"\n"
                                    "    exclusive: true\n"
                                    "    eligible: { field: project.id, op: ==, value: p1 }\n"
                                    "  - { id: second, sources: [T], ratio: \"0.5\" }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "10.00"),
                                                   donation(rules, "d2", "2021-09-07T10:00", "A", "p2", "10.00"),
                                               });
  CHECK(outcome_of(out, "d1", "first") == "matched,10.00,10.00,");
  CHECK(outcome_of(out, "d1", "second") == "excluded,0.00,0.00,");
  CHECK(outcome_of(out, "d2", "first") == "not_eligible,0.00,0.00,");
  CHECK(outcome_of(out, "d2", "second") == "matched,5.00,5.00,");
}

TEST_CASE("reference model: partial skip draws nothing when the fund falls short", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"50.00\" }\n"
                                    "rules:\n"
                                    "  - { id: M, sources: [F], ratio: \"1\", partial: skip }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "80.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "A", "p1", "30.00"),
                                                   donation(rules, "d3", "2021-09-07T12:00", "B", "p2", "30.00"),
                                               });
  CHECK(outcome_of(out, "d1", "M") == "partial:F,80.00,0.00,F");
  CHECK(outcome_of(out, "d2", "M") == "matched,30.00,30.00,");
  CHECK(outcome_of(out, "d3", "M") == "partial:F,30.00,0.00,F");
  CHECK(row_of(out.funds_csv, "F") == "F,50.00,50.00,30.00,0.00,0.00,0.00,0.00,0.00,20.00,");
}

TEST_CASE("reference model: a donation cap clips the base, then is reached", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"2\"\n"
                                    "    caps: [ { id: first-100, per: donor, measure: donation, max: \"100.00\" } ]\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "60.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "A", "p2", "60.00"),
                                                   donation(rules, "d3", "2021-09-08T11:00", "A", "p1", "10.00"),
                                               });
  CHECK(outcome_of(out, "d1", "M") == "matched,120.00,120.00,");
  CHECK(outcome_of(out, "d2", "M") == "partial:first-100,80.00,80.00,first-100");
  CHECK(outcome_of(out, "d3", "M") == "cap_reached:first-100,0.00,0.00,first-100");
}

TEST_CASE("reference model: a count cap allows one match per donor and project", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"1\"\n"
                                    "    caps: [ { id: once, per: donor_project, measure: count, max: 1 } ]\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "10.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "A", "p1", "10.00"),
                                                   donation(rules, "d3", "2021-09-07T12:00", "A", "p2", "10.00"),
                                                   donation(rules, "d4", "2021-09-07T13:00", "B", "p1", "10.00"),
                                               });
  CHECK(outcome_of(out, "d1", "M") == "matched,10.00,10.00,");
  CHECK(outcome_of(out, "d2", "M") == "cap_reached:once,10.00,0.00,once");
  CHECK(outcome_of(out, "d3", "M") == "matched,10.00,10.00,");
  CHECK(outcome_of(out, "d4", "M") == "matched,10.00,10.00,");
}

TEST_CASE("reference model: a sub-budget pot limits each project, and a return refills it", "[reference]") {
  const rule_set rules = rules_from(
      "projects:\n"
      "  - { id: p1, organization: o1, attr: { pledge: \"30.00\" } }\n"
      "  - { id: p2, organization: o2 }\n"
      "funds:\n"
      "  - { id: P, funder: X, budget: \"1000.00\", sub_budgets: { per: project, amount_from: project.attr.pledge } }\n"
      "rules:\n"
      "  - { id: M, sources: [P], ratio: \"1\" }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "50.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "B", "p1", "10.00"),
                                                   donation(rules, "d3", "2021-09-07T12:00", "C", "p2", "10.00"),
                                                   refund(rules, "r1", "2021-09-07T13:00", "d1", "25.00"),
                                                   donation(rules, "d4", "2021-09-07T14:00", "B", "p1", "20.00"),
                                               });
  CHECK(outcome_of(out, "d1", "M") == "partial:P,50.00,30.00,P");
  CHECK(outcome_of(out, "d2", "M") == "fund_empty,10.00,0.00,");
  CHECK(outcome_of(out, "d3", "M") == "fund_empty,10.00,0.00,");
  // The refund of half of d1 returns 15.00 to the fund and to p1's pot.
  CHECK(outcome_of(out, "d4", "M") == "partial:P,20.00,15.00,P");
  CHECK(row_of(out.funds_csv, "P") == "P,1000.00,1000.00,45.00,15.00,0.00,0.00,0.00,0.00,970.00,");
}

TEST_CASE("reference model: a refund of half a donation reverses floor targets per line", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F1, funder: X, budget: \"1.01\" }\n"
                                    "  - { id: F2, funder: Z, budget: \"100.00\" }\n"
                                    "rules:\n"
                                    "  - { id: M, sources: [F1, F2], ratio: \"1\" }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "3.00"),
                                                   refund(rules, "r1", "2021-09-07T11:00", "d1", "1.50"),
                                                   refund(rules, "r2", "2021-09-07T12:00", "d1", "", "forfeit"),
                                               });
  // 1.01 x 150/300 = 0.505 -> 0.50; 1.99 x 150/300 = 0.995 -> 0.99; then the rest of each line.
  CHECK(out.ledger_csv ==
        "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n"
        "1,2021-09-07T10:00:00.000+08:00,match,d1,d1,A,p1,M,F1,1.01,,\n"
        "2,2021-09-07T10:00:00.000+08:00,match,d1,d1,A,p1,M,F2,1.99,,\n"
        "3,2021-09-07T11:00:00.000+08:00,reversal,r1,d1,A,p1,M,F1,-0.50,,return\n"
        "4,2021-09-07T11:00:00.000+08:00,reversal,r1,d1,A,p1,M,F2,-0.99,,return\n"
        "5,2021-09-07T12:00:00.000+08:00,reversal,r2,d1,A,p1,M,F1,-0.51,,forfeit\n"
        "6,2021-09-07T12:00:00.000+08:00,reversal,r2,d1,A,p1,M,F2,-1.00,,forfeit\n");
  // F1 was emptied by d1 with no release pending: exhausted at d1's time.
  CHECK(out.funds_csv ==
        "fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at\n"
        "F1,1.01,1.01,1.01,0.50,0.51,0.00,0.00,0.00,0.50,2021-09-07T10:00:00.000+08:00\n"
        "F2,100.00,100.00,1.99,0.99,1.00,0.00,0.00,0.00,99.00,\n");
  CHECK(row_of(out.projects_csv, "p1") == "p1,o1,1,1,0.00,3.00,0.00,0.00,0.00");
}

TEST_CASE("reference model: revoking a donor reverses its lines and blocks later donations", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"100.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"1\"\n"
                                    "    caps: [ { id: once, per: donor, measure: count, max: 2 } ]\n");
  const reference::outputs out =
      replay(rules, {
                        donation(rules, "a1", "2021-09-07T10:00", "A", "p1", "10.00"),
                        donation(rules, "b1", "2021-09-07T10:30", "B", "p1", "5.00"),
                        donation(rules, "a2", "2021-09-07T11:00", "A", "p2", "20.00"),
                        make_event(rules, {{"kind", "revoke"},
                                           {"id", "v1"},
                                           {"time", local("2021-09-07T12:00")},
                                           {"scope", "donor"},
                                           {"ref", "A"},
                                           {"disposition", "forfeit"}}),
                        donation(rules, "a3", "2021-09-07T13:00", "A", "p1", "10.00"),
                    });
  CHECK(outcome_of(out, "a3", "M") == "revoked,0.00,0.00,");
  CHECK(out.ledger_csv ==
        "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n"
        "1,2021-09-07T10:00:00.000+08:00,match,a1,a1,A,p1,M,F,10.00,,\n"
        "2,2021-09-07T10:30:00.000+08:00,match,b1,b1,B,p1,M,F,5.00,,\n"
        "3,2021-09-07T11:00:00.000+08:00,match,a2,a2,A,p2,M,F,20.00,,\n"
        "4,2021-09-07T12:00:00.000+08:00,reversal,v1,a1,A,p1,M,F,-10.00,,forfeit\n"
        "5,2021-09-07T12:00:00.000+08:00,reversal,v1,a2,A,p2,M,F,-20.00,,forfeit\n");
  CHECK(row_of(out.funds_csv, "F") == "F,100.00,100.00,35.00,0.00,30.00,0.00,0.00,0.00,65.00,");
  CHECK(row_of(out.projects_csv, "p1") == "p1,o1,3,2,25.00,0.00,5.00,0.00,30.00");
}

TEST_CASE("reference model: settlement at close reverses the lines of projects that fail it", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"1\"\n"
                                    "    on_refund: forfeit\n"
                                    "    settle: { when: { field: project.raised, op: \">=\", value: \"100.00\" } }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "50.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "B", "p2", "150.00"),
                                                   close_event(rules, "c1", "2021-09-08T23:00"),
                                                   donation(rules, "d3", "2021-09-09T10:00", "B", "p1", "60.00"),
                                               });
  CHECK(out.ledger_csv ==
        "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n"
        "1,2021-09-07T10:00:00.000+08:00,match,d1,d1,A,p1,M,F,50.00,,\n"
        "2,2021-09-07T11:00:00.000+08:00,match,d2,d2,B,p2,M,F,150.00,,\n"
        "3,2021-09-08T23:00:00.000+08:00,reversal,c1,d1,A,p1,M,F,-50.00,,return\n");
  CHECK(outcome_of(out, "d3", "M") == "outside_campaign,0.00,0.00,");
  CHECK(row_of(out.funds_csv, "F") == "F,1000.00,1000.00,200.00,50.00,0.00,0.00,0.00,0.00,850.00,");
  CHECK(row_of(out.projects_csv, "p1") == "p1,o1,2,2,110.00,0.00,0.00,0.00,110.00");
}

TEST_CASE("reference model: expire_unused expires what is left at each later release and at close", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - id: F\n"
                                    "    funder: X\n"
                                    "    budget: \"100.00\"\n"
                                    "    expire_unused: true\n"
                                    "    releases:\n"
                                    "      - { at: 2021-09-07T10:00:00+08:00, amount: \"60.00\" }\n"
                                    "      - { at: 2021-09-08T10:00:00+08:00, amount: \"40.00\" }\n"
                                    "rules:\n"
                                    "  - { id: M, sources: [F], ratio: \"1\" }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T11:00", "A", "p1", "20.00"),
                                                   donation(rules, "d2", "2021-09-08T11:00", "A", "p1", "10.00"),
                                               });
  CHECK(out.ledger_csv ==
        "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n"
        "1,2021-09-07T11:00:00.000+08:00,match,d1,d1,A,p1,M,F,20.00,,\n"
        "2,2021-09-08T10:00:00.000+08:00,expiry,,,,,,F,40.00,,\n"
        "3,2021-09-08T11:00:00.000+08:00,match,d2,d2,A,p1,M,F,10.00,,\n"
        "4,2021-09-10T00:00:00.000+08:00,expiry,,,,,,F,30.00,,\n");
  CHECK(row_of(out.funds_csv, "F") == "F,100.00,100.00,30.00,0.00,0.00,70.00,0.00,0.00,0.00,");
}

TEST_CASE("reference model: a ratio_of bonus with tiers on an earlier rule's match", "[reference]") {
  const rule_set rules = rules_from(
      two_projects +
      "funds:\n"
      "  - { id: T, funder: X, budget: \"10000.00\" }\n"
      "rules:\n"
      "  - { id: base, sources: [T], ratio: \"1\", min_donation: \"1.00\" }\n"
      "  - id: flowers\n"
      "    sources: [T]\n"
      "    ratio_of:\n"
      "      rule: base\n"
      "      tiers:\n"
      "        - { when: { field: donation.attr.flowers, op: \">=\", value: 99, default: 0 }, ratio: \"0.10\" }\n"
      "        - { when: { field: donation.attr.flowers, op: \">=\", value: 39, default: 0 }, ratio: \"5%\" }\n");
  const reference::outputs out =
      replay(rules, {
                        donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "100.00", {{"attr.flowers", "120"}}),
                        donation(rules, "d2", "2021-09-07T10:00", "A", "p1", "100.00", {{"attr.flowers", "50"}}),
                        donation(rules, "d3", "2021-09-07T10:00", "A", "p1", "100.00", {{"attr.flowers", "10"}}),
                        donation(rules, "d4", "2021-09-07T10:00", "A", "p1", "100.00"),
                        donation(rules, "d5", "2021-09-07T10:00", "A", "p1", "0.50", {{"attr.flowers", "120"}}),
                    });
  CHECK(outcome_of(out, "d1", "flowers") == "matched,10.00,10.00,");
  CHECK(outcome_of(out, "d2", "flowers") == "matched,5.00,5.00,");
  CHECK(outcome_of(out, "d3", "flowers") == "no_tier,0.00,0.00,");
  CHECK(outcome_of(out, "d4", "flowers") == "no_tier,0.00,0.00,");
  CHECK(outcome_of(out, "d5", "base") == "below_minimum,0.00,0.00,");
  CHECK(outcome_of(out, "d5", "flowers") == "no_match,0.00,0.00,");
}

TEST_CASE("reference model: bad events that need state are rejected in input order", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "donors:\n"
                                    "  - { id: A, attr: { flagged: false } }\n"
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"100.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"1\"\n"
                                    "    eligible: { field: donor.attr.flagged, op: \"!=\", value: true }\n");
  std::vector<event> events = {
      donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "10.00"),
      donation(rules, "d1", "2021-09-07T10:01", "A", "p1", "10.00"),
      donation(rules, "d2", "2021-09-07T10:02", "B", "p1", "10.00"),
      refund(rules, "r1", "2021-09-07T10:03", "d9"),
      refund(rules, "r2", "2021-09-07T10:04", "d1", "20.00"),
      refund(rules, "r3", "2021-09-07T10:05", "d1"),
      refund(rules, "r4", "2021-09-07T10:06", "d1"),
      close_event(rules, "c1", "2021-09-08T00:00"),
      close_event(rules, "c2", "2021-09-08T01:00"),
      // Earlier than everything but given last: still rejected after the others in input order.
      donation(rules, "d3", "2021-09-07T09:00", "B", "p2", "10.00"),
  };
  for (std::size_t i = 0; i < events.size(); ++i) events[i].line = i + 2;
  const std::vector<std::string> files = {"events.csv"};
  const reference::outputs out = replay(rules, events, files);
  const std::vector<reference::rejection> expected = {
      {"events.csv", 3, "d1", "duplicate_id"},
      {"events.csv", 4, "d2", "missing_attribute:donor.attr.flagged"},
      {"events.csv", 5, "r1", "unknown_donation"},
      {"events.csv", 6, "r2", "refund_exceeds"},
      {"events.csv", 8, "r4", "refund_exceeds"},
      {"events.csv", 10, "c2", "second_close"},
      {"events.csv", 11, "d3", "missing_attribute:donor.attr.flagged"},
  };
  CHECK(out.rejected == expected);
  CHECK(outcome_of(out, "d1", "M") == "matched,10.00,10.00,");
  CHECK(row_of(out.funds_csv, "F") == "F,100.00,100.00,10.00,10.00,0.00,0.00,0.00,0.00,100.00,");
}

TEST_CASE("reference model: refunds give back donation caps by share and count caps once reversed", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"1\"\n"
                                    "    caps:\n"
                                    "      - { id: base-100, per: donor, measure: donation, max: \"100.00\" }\n"
                                    "      - { id: twice, per: donor, measure: count, max: 2 }\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "100.00"),
                                                   refund(rules, "r1", "2021-09-07T11:00", "d1", "50.00"),
                                                   donation(rules, "d2", "2021-09-07T12:00", "A", "p1", "80.00"),
                                                   donation(rules, "d3", "2021-09-07T13:00", "A", "p1", "10.00"),
                                                   refund(rules, "r2", "2021-09-07T14:00", "d2"),
                                                   donation(rules, "d4", "2021-09-07T15:00", "A", "p1", "10.00"),
                                               });
  // r1 gives back floor(100.00 x 50/100) = 50.00 of the base: d2 is matched on 50.00.
  CHECK(outcome_of(out, "d2", "M") == "partial:base-100,50.00,50.00,base-100");
  // The base is used up (donation caps are checked before count caps)...
  CHECK(outcome_of(out, "d3", "M") == "cap_reached:base-100,0.00,0.00,base-100");
  // ...until d2 is refunded in full: its 50.00 of base and its count come back (else d1 and d2
  // would hold both counts of `twice`).
  CHECK(outcome_of(out, "d4", "M") == "matched,10.00,10.00,");
}

TEST_CASE("reference model: a donation cap that leaves a base matching to 0 (SPEC §11.4)", "[reference]") {
  const rule_set rules = rules_from(two_projects +
                                    "funds:\n"
                                    "  - { id: F, funder: X, budget: \"1000.00\" }\n"
                                    "rules:\n"
                                    "  - id: M\n"
                                    "    sources: [F]\n"
                                    "    ratio: \"0.5\"\n"
                                    "    caps: [ { id: base-cap, per: donor, measure: donation, max: \"100.01\" } ]\n");
  const reference::outputs out = replay(rules, {
                                                   donation(rules, "d1", "2021-09-07T10:00", "A", "p1", "100.00"),
                                                   donation(rules, "d2", "2021-09-07T11:00", "A", "p1", "10.00"),
                                                   donation(rules, "d3", "2021-09-07T12:00", "A", "p1", "10.00"),
                                               });
  CHECK(outcome_of(out, "d1", "M") == "matched,50.00,50.00,");
  // 0.01 x 0.5 floors to 0: partial with want 0; with clip the cap is charged by the base 0.01.
  CHECK(outcome_of(out, "d2", "M") == "partial:base-cap,0.00,0.00,base-cap");
  CHECK(outcome_of(out, "d3", "M") == "cap_reached:base-cap,0.00,0.00,base-cap");
}
