// project.day_rank and project.organization_day_rank (docs/semantics.md "Ranks by the day's
// raising"): Tencent 2017's 惊喜时刻 at 21:09 matched the projects of the day's top
// fundraisers. Exact outcomes, the engine against the reference model, and the loader's checks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "engine_and_model.hpp"
#include "matchfund/load_rules.hpp"

using namespace matchfund;
using testing::load_errors;

namespace {

const std::string head = R"(matchfund: 1
campaign: { id: r, name: Ranks, currency: CNY, timezone: "+08:00", start: 2017-09-07T00:00:00+08:00,
            end: 2017-09-09T00:00:00+08:00 }
projects:
  - { id: a1, organization: A }
  - { id: a2, organization: A }
  - { id: b1, organization: B }
  - { id: c1, organization: C }
funds: [ { id: surprise, budget: "1000.00" }, { id: leader, budget: "1000.00" } ]
)";


}  // namespace

TEST_CASE("day ranks are fixed at the window's daily opening, from the day's net raising", "[engine][rank]") {
  const std::string rules = head + R"(rules:
  - id: surprise-moment
    sources: [surprise]
    windows: [ { daily: "21:09-24:00" } ]
    eligible: { field: project.organization_day_rank, op: "<=", value: 2 }
    ratio: "1"
  - id: leading-project
    sources: [leader]
    windows: [ { daily: "21:09-24:00" } ]
    ratio: { tiers: [ { when: { field: project.day_rank, op: "==", value: 1 }, ratio: "0.5" }, { ratio: "0" } ] }
)";
  const std::string events = "kind,id,time,donor,project,amount,ref\n"
                             // Day 1 before 21:09: B 100 (then refunded), A 30 + 40, C 60.
                             "donation,d1,2017-09-07T09:00:00+08:00,u,b1,100.00,\n"
                             "donation,d2,2017-09-07T10:00:00+08:00,u,a1,30.00,\n"
                             "donation,d3,2017-09-07T11:00:00+08:00,u,a2,40.00,\n"
                             "donation,d4,2017-09-07T12:00:00+08:00,u,c1,60.00,\n"
                             "refund,r1,2017-09-07T20:00:00+08:00,,,,d1\n"
                             // At 21:09 the organizations stand A 70, C 60, B 0; the projects
                             // c1 60, a2 40, a1 30, b1 0. A gift at the opening is inside it.
                             "donation,d5,2017-09-07T21:09:00+08:00,v,c1,10.00,\n"
                             "donation,d6,2017-09-07T21:09:05+08:00,v,b1,1000.00,\n"
                             "donation,d7,2017-09-07T21:10:00+08:00,v,b1,10.00,\n"
                             "donation,d8,2017-09-07T21:11:00+08:00,v,a1,10.00,\n"
                             // Day 2: a new day, new ranks; B leads by 21:09.
                             "donation,d9,2017-09-08T10:00:00+08:00,w,b1,5.00,\n"
                             "donation,d10,2017-09-08T21:30:00+08:00,w,b1,20.00,\n"
                             "donation,d11,2017-09-08T21:31:00+08:00,w,c1,20.00,\n";
  const auto result = testing::replay_engine_and_model(rules, events);
  CHECK(result.outcomes ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "d1,surprise-moment,outside_window,0.00,0.00,\n"
        "d1,leading-project,outside_window,0.00,0.00,\n"
        "d2,surprise-moment,outside_window,0.00,0.00,\n"
        "d2,leading-project,outside_window,0.00,0.00,\n"
        "d3,surprise-moment,outside_window,0.00,0.00,\n"
        "d3,leading-project,outside_window,0.00,0.00,\n"
        "d4,surprise-moment,outside_window,0.00,0.00,\n"
        "d4,leading-project,outside_window,0.00,0.00,\n"
        "d5,surprise-moment,matched,10.00,10.00,\n"   // C is second
        "d5,leading-project,matched,5.00,5.00,\n"     // c1 leads the projects
        "d6,surprise-moment,not_eligible,0.00,0.00,\n"  // B is third, and 1,000 now changes nothing
        "d6,leading-project,no_match,0.00,0.00,\n"
        "d7,surprise-moment,not_eligible,0.00,0.00,\n"
        "d7,leading-project,no_match,0.00,0.00,\n"
        "d8,surprise-moment,matched,10.00,10.00,\n"   // A is first
        "d8,leading-project,no_match,0.00,0.00,\n"
        "d9,surprise-moment,outside_window,0.00,0.00,\n"
        "d9,leading-project,outside_window,0.00,0.00,\n"
        "d10,surprise-moment,matched,20.00,20.00,\n"  // day 2: B 5, then A and C 0 (A by name)
        "d10,leading-project,matched,10.00,10.00,\n"
        "d11,surprise-moment,not_eligible,0.00,0.00,\n"
        "d11,leading-project,no_match,0.00,0.00,\n");
  testing::check_engine_and_model_agree(result);
}

TEST_CASE("day ranks: what the loader refuses", "[load][rank]") {
  // Without daily windows there is no opening to rank at.
  CHECK(load_errors(head + "rules:\n  - { id: a, sources: [surprise], ratio: \"1\",\n"
                           "      eligible: { field: project.day_rank, op: \"<=\", value: 99 } }\n") ==
        "r.yaml:11:5: rules[0]: project.day_rank and project.organization_day_rank need every window of the rule to "
        "have daily (a rank is fixed at the window's daily opening) [field_not_allowed]\n");
  // Nor at the close.
  CHECK(load_errors(head + "rules:\n  - { id: a, sources: [surprise], ratio: \"1\", windows: [ { daily: \"21:09-24:00\" } ],\n"
                           "      settle: { when: { field: project.day_rank, op: \"<=\", value: 99 } } }\n") ==
        "r.yaml:12:32: rules[0].settle.when.field: project.day_rank is not known at close: only project and fund fields "
        "can be used here [field_not_allowed]\n");
}
