// ratio_from and amount_from: a match ratio or amount recorded with the donation, its donor or its
// project (docs/semantics.md "Recorded ratios and amounts"), so that a replay of real data
// reproduces each recorded random match. Exact amounts, the engine against the reference model,
// and the loader's diagnostics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "engine_and_model.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"

using namespace matchfund;
using testing::load_errors;
namespace fs = std::filesystem;

namespace {

const std::string recorded_rules = R"(matchfund: 1
campaign: { id: recorded, name: Recorded, currency: CNY, timezone: "+08:00",
            start: 2021-09-07T00:00:00+08:00, end: 2021-09-08T00:00:00+08:00 }
projects:
  - { id: p1, organization: o1, attr: { share: "10%" } }
  - { id: p2, organization: o1 }
donors:
  - { id: ann, attr: { credit: "3.00" } }
funds:
  - { id: tencent, budget: "100.00" }
  - { id: credits, budget: "50.00" }
  - { id: partner, budget: "100.00" }
rules:
  - id: recorded-random
    sources: [tencent]
    eligible: { field: donation.attr.rate, op: ">", value: "0.001", default: 1 }
    ratio_from: donation.attr.rate
    caps:
      - { per: donor, measure: match, max: "30.00" }
  - id: personal-credit
    sources: [credits]
    amount_from: donor.attr.credit
  - id: partner-share
    sources: [partner]
    ratio_from: project.attr.share
    rounding: half_up
)";

// The events: a recorded ratio with floor rounding, a percent, a missing value (the condition's
// default makes it eligible; the formula reads 0), a ratio the donor cap clips, a ratio of 0,
// and donors with and without a credit.
const std::string recorded_events = "kind,id,time,donor,project,amount,attr.rate\n"
                                    "donation,d1,2021-09-07T10:00:00+08:00,ann,p1,10.01,0.35\n"
                                    "donation,d2,2021-09-07T10:01:00+08:00,bo,p2,100.00,12.5%\n"
                                    "donation,d3,2021-09-07T10:02:00+08:00,bo,p1,20.00,\n"
                                    "donation,d4,2021-09-07T10:03:00+08:00,bo,p2,40.00,1\n"
                                    "donation,d5,2021-09-07T10:04:00+08:00,ann,p2,5.00,0\n";


}  // namespace

TEST_CASE("ratio_from and amount_from read what was recorded", "[engine][recorded]") {
  const auto result = testing::replay_engine_and_model(recorded_rules, recorded_events);
  // d1: 10.01 x 0.35 = 3.5035 -> 3.50 (floor); ann's credit 3.00; p1's share 10% of 10.01 =
  //     1.001 -> 1.00 (half_up).
  // d2: 100.00 x 12.5% = 12.50; bo has no credit (missing -> 0: no_match); p2 has no share.
  // d3: no rate: the condition's default 1 makes it eligible, the formula reads 0: no_match.
  // d4: 40.00 x 1, clipped by the donor cap: 30.00 - 12.50 = 17.50 left.
  // d5: rate 0 is not eligible (0 > 0.001 fails).
  CHECK(result.outcomes ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "d1,recorded-random,matched,3.50,3.50,\n"
        "d1,personal-credit,matched,3.00,3.00,\n"
        "d1,partner-share,matched,1.00,1.00,\n"
        "d2,recorded-random,matched,12.50,12.50,\n"
        "d2,personal-credit,no_match,0.00,0.00,\n"
        "d2,partner-share,no_match,0.00,0.00,\n"
        "d3,recorded-random,no_match,0.00,0.00,\n"
        "d3,personal-credit,no_match,0.00,0.00,\n"
        "d3,partner-share,matched,2.00,2.00,\n"
        "d4,recorded-random,partial:rules[0].caps[0],40.00,17.50,rules[0].caps[0]\n"
        "d4,personal-credit,no_match,0.00,0.00,\n"
        "d4,partner-share,no_match,0.00,0.00,\n"
        "d5,recorded-random,not_eligible,0.00,0.00,\n"
        "d5,personal-credit,matched,3.00,3.00,\n"
        "d5,partner-share,no_match,0.00,0.00,\n");
  testing::check_engine_and_model_agree(result);
}

TEST_CASE("a recorded ratio is typed by the rules and checked in events", "[load][recorded]") {
  const rule_set rules = load_rules_text(recorded_rules, "r.yaml", fs::temp_directory_path());
  REQUIRE(std::holds_alternative<recorded_ratio_formula>(rules.rules()[0].match));
  REQUIRE(std::holds_alternative<recorded_amount_formula>(rules.rules()[1].match));
  CHECK(std::get<recorded_ratio_formula>(rules.rules()[0].match).field.name == "donation.attr.rate");
  CHECK(std::get<recorded_amount_formula>(rules.rules()[1].match).field.name == "donor.attr.credit");
  const auto& donation_attributes = rules.attributes(attribute_owner::donation);
  REQUIRE(donation_attributes.size() == 1);
  CHECK(donation_attributes[0].type == value_type::ratio);
  CHECK(std::get<ratio>(*rules.projects()[0].attributes[0]) == ratio::from_millionths(100'000));

  std::vector<std::string> reasons;
  read_event_text(
      rules,
      "id,time,donor,project,amount,attr.rate\n"
      "a,2021-09-07T10:00:00+08:00,x,p1,1.00,-0.5\n"
      "b,2021-09-07T10:00:00+08:00,x,p1,1.00,0.1234567\n"
      "c,2021-09-07T10:00:00+08:00,x,p1,1.00,half\n"
      "d,2021-09-07T10:00:00+08:00,x,p1,1.00,2000000000\n",
      event_format::csv, "e.csv", 0, [](event&&) { FAIL("a bad ratio was accepted"); },
      [&](rejected_event&& bad) { reasons.push_back(bad.id + " " + to_string(bad.reason)); });
  CHECK(reasons == std::vector<std::string>{"a bad_field:attr.rate", "b bad_field:attr.rate", "c bad_field:attr.rate",
                                            "d bad_field:attr.rate"});
}

TEST_CASE("ratio_from and amount_from: what the loader refuses", "[load][recorded]") {
  const std::string head = R"(matchfund: 1
campaign: { id: c, name: C, currency: CNY, timezone: "+08:00", start: 2021-09-07T00:00:00+08:00, end: 2021-09-08T00:00:00+08:00 }
projects: [ { id: p1, organization: o1, attr: { r: "0.5" } } ]
)";
  // Not an attribute.
  CHECK(load_errors(head + "funds: [ { id: f, budget: 10 } ]\nrules: [ { id: a, sources: [f], ratio_from: donation.amount } ]\n") ==
        "r.yaml:5:45: rules[0].ratio_from: ratio_from must be an attribute field (donation.attr.NAME or donor.attr.NAME or "
        "project.attr.NAME), not donation.amount [bad_field]\n");
  // Two formulas.
  CHECK(load_errors(head + "funds: [ { id: f, budget: 10 } ]\nrules: [ { id: a, sources: [f], ratio: \"1\", amount_from: project.attr.r } ]\n") ==
        "r.yaml:5:58: rules[0].amount_from: give only one of ratio, amount, ratio_of, ratio_from or amount_from "
        "[conflicting_keys]\n");
  // One attribute read as a ratio and as an amount.
  CHECK(load_errors(head +
                    "funds: [ { id: f, budget: 10, sub_budgets: { per: project, amount_from: project.attr.r } } ]\n"
                    "rules: [ { id: a, sources: [f], ratio_from: project.attr.r } ]\n") ==
        "r.yaml:5:45: rules[0].ratio_from: project.attr.r is used as a ratio here but as an amount at line 4 "
        "[attribute_type_conflict]\n");
}
