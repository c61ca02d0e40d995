// Stepped ratios (`ratio: {steps: [...]}`, docs/semantics.md "Stepped ratios"): Facebook
// GivingTuesday 2020's 100 % on the first $2M, then 10 %, with a donation that straddles the
// boundary split there exactly. Exact amounts, the engine against the reference model, and the
// loader's diagnostics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "engine_and_model.hpp"
#include "matchfund/load_rules.hpp"

using namespace matchfund;
using testing::load_errors;

namespace {

std::string campaign_head(const std::string& extra = "") {
  return "matchfund: 1\n"
         "campaign: { id: s, name: Steps, currency: USD, timezone: \"-05:00\", start: 2020-12-01T08:00:00-05:00,\n"
         "            end: 2020-12-02T00:00:00-05:00" +
         extra +
         " }\n"
         "projects: [ { id: p1, organization: o1 } ]\n";
}


}  // namespace

TEST_CASE("a stepped ratio: 100 % up to the boundary, then 10 %, refunds and holds moving it", "[engine][steps]") {
  const std::string rules = campaign_head(", holds: { ttl: 10m }") +
                            "funds: [ { id: pool, budget: \"100.00\" } ]\n"
                            "rules:\n"
                            "  - id: match\n"
                            "    sources: [pool]\n"
                            "    ratio: { steps: [ { until: \"20.00\", ratio: \"1\" }, { ratio: \"0.1\" } ] }\n";
  const std::string events = "kind,id,time,donor,project,amount,ref\n"
                             "donation,d1,2020-12-01T08:00:00-05:00,a,p1,15.00,\n"
                             "donation,d2,2020-12-01T08:01:00-05:00,b,p1,10.00,\n"
                             "donation,d3,2020-12-01T08:02:00-05:00,c,p1,30.00,\n"
                             "refund,r1,2020-12-01T08:03:00-05:00,,,,d1\n"
                             "hold,h1,2020-12-01T08:04:00-05:00,e,p1,5.00,\n"
                             "donation,d4,2020-12-01T08:05:00-05:00,d,p1,12.00,\n"
                             "donation,d5,2020-12-01T08:20:00-05:00,f,p1,10.00,\n";
  const auto result = testing::replay_engine_and_model(rules, events);
  // d1: 15.00 at 100 % (total 15.00). d2 straddles: 5.00 at 100 % + 5.00 at 10 % = 5.50 (20.50).
  // d3: 30.00 at 10 % = 3.00 (23.50). The refund of d1 gives 15.00 back (8.50): the first step
  // has room again. The hold holds 5.00 of it (13.50); d4: 6.50 at 100 % + 5.50 at 10 % = 7.05
  // (20.55). The hold expires at 08:14 (15.55); d5: 4.45 + 5.55 x 10 % = 5.005, floor 5.00.
  CHECK(result.outcomes == "event_id,rule,outcome,want,paid,limited_by\n"
                           "d1,match,matched,15.00,15.00,\n"
                           "d2,match,matched,5.50,5.50,\n"
                           "d3,match,matched,3.00,3.00,\n"
                           "h1,match,matched,5.00,5.00,\n"
                           "d4,match,matched,7.05,7.05,\n"
                           "d5,match,matched,5.00,5.00,\n");
  testing::check_engine_and_model_agree(result);
}

TEST_CASE("a stepped ratio splits a donation at a boundary that is no whole amount, and rounds once",
          "[engine][steps]") {
  // 3.35 at total 0: 10.00 / 3 = 3.3333... of it fills the first step (10.00), the remaining
  // 0.01666... at 0.3 is 0.005: 10.005 exactly, a tie for half_up and half_even.
  std::string rules = campaign_head() + "funds: [ { id: f1, budget: \"100.00\" }, { id: f2, budget: \"100.00\" }, "
                                        "{ id: f3, budget: \"100.00\" } ]\nrules:\n";
  const char* modes[] = {"floor", "half_up", "half_even"};
  for (int k = 0; k < 3; ++k) {
    rules += std::string("  - { id: ") + modes[k] + ", sources: [f" + std::to_string(k + 1) + "], rounding: " + modes[k] +
             ", ratio: { steps: [ { until: \"10.00\", ratio: \"3\" }, { ratio: \"0.3\" } ] } }\n";
  }
  const auto result = testing::replay_engine_and_model(rules, "id,time,donor,project,amount\n"
                                                              "d1,2020-12-01T09:00:00-05:00,a,p1,3.35\n"
                                                              "d2,2020-12-01T09:01:00-05:00,a,p1,1.00\n");
  CHECK(result.outcomes == "event_id,rule,outcome,want,paid,limited_by\n"
                           "d1,floor,matched,10.00,10.00,\n"
                           "d1,half_up,matched,10.01,10.01,\n"
                           "d1,half_even,matched,10.00,10.00,\n"
                           "d2,floor,matched,0.30,0.30,\n"
                           "d2,half_up,matched,0.30,0.30,\n"
                           "d2,half_even,matched,0.30,0.30,\n");
  testing::check_engine_and_model_agree(result);
}

TEST_CASE("stepped ratios: what the loader refuses", "[load][steps]") {
  const std::string head = campaign_head() + "funds: [ { id: f, budget: 10 } ]\nrules:\n";
  const auto rule = [&](const std::string& steps) {
    return head + "  - { id: a, sources: [f], ratio: { steps: " + steps + " } }\n";
  };
  CHECK(load_errors(rule("[ { ratio: \"1\" }, { ratio: \"0.1\" } ]")) ==
        "r.yaml:7:46: rules[0].ratio.steps[0]: every step but the last needs until (the rule's total at which the next "
        "starts) [missing_key]\n");
  CHECK(load_errors(rule("[ { until: 10, ratio: \"1\" }, { until: 20, ratio: \"0.1\" } ]")) ==
        "r.yaml:7:82: rules[0].ratio.steps[1].until: the last step has no until (it applies to all the rule matches "
        "beyond) [tier_order]\n");
  CHECK(load_errors(rule("[ { until: 10, ratio: \"1\" }, { until: 10, ratio: \"0.5\" }, { ratio: \"0.1\" } ]")) ==
        "r.yaml:7:82: rules[0].ratio.steps[1].until: until must be above 0 and above the until of the step before "
        "[tier_order]\n");
  CHECK(load_errors(rule("[ { until: 10, ratio: \"0\" }, { ratio: \"0.1\" } ]")) ==
        "r.yaml:7:66: rules[0].ratio.steps[0].ratio: a step before the last needs a ratio above 0 (at 0 the rule's "
        "total never reaches its until) [bad_ratio]\n");
  CHECK(load_errors(head + "  - { id: a, sources: [f], ratio: { steps: [ { ratio: \"1\" } ], tiers: [ { ratio: \"1\" } ] } }\n") ==
        "r.yaml:7:35: rules[0].ratio: give one of random, tiers or steps [conflicting_keys]\n");
}
