// The checks of an event's fields (SPEC §3.3, in the order of §11.8) and the reasons they give:
// typed attributes, times and the campaign's offset, projects resolved, and the same verdicts
// from field texts (embedded tests) as from files.
#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "read_events_test_support.hpp"

namespace fs = std::filesystem;
using matchfund::bad_event_code;
using matchfund::bad_event_reason;
using matchfund::event;
using matchfund::event_format;
using matchfund::refund_disposition;
using matchfund::rejected_event;
using matchfund::revoke_scope;
using matchfund::testing::read_events_test::attributes;
using matchfund::testing::read_events_test::bad_field;
using matchfund::testing::read_events_test::good_events;
using matchfund::testing::read_events_test::minor;
using matchfund::testing::read_events_test::missing;
using matchfund::testing::read_events_test::outcome;
using matchfund::testing::read_events_test::project;
using matchfund::testing::read_events_test::read_text;
using matchfund::testing::read_events_test::test_rules;

TEST_CASE("read_events: attributes are typed as the rules use them", "[read_events]") {
  const std::string header = "id,donor,project,amount,time,attr.source,attr.pledge,attr.flowers,attr.first_time,attr.other\n";
  const auto read_one = [&](const std::string& cells) {
    const auto outcomes = read_text(header + "d,a,p1,1,1630980000000," + cells + "\n", event_format::csv);
    REQUIRE(outcomes.size() == 1);
    return outcomes.front();
  };
  const auto attributes_of = [&](const std::string& cells) { return std::get<event>(read_one(cells)).attributes; };
  const auto reason_of = [&](const std::string& cells) { return std::get<rejected_event>(read_one(cells)).reason; };

  CHECK(attributes_of(",,,,") == attributes({}, {}, {}, {}));
  // A money attribute takes integer text as whole units, and 万/亿.
  CHECK(attributes_of("007,12,-3,True,x") == attributes(true, -3, minor(1200), "007"));
  CHECK(attributes_of("true,1.5万,1000000000000000,false,") ==
        attributes(false, 1'000'000'000'000'000, minor(1'500'000), "true"));
  CHECK(reason_of(",,1000000000000001,,") == bad_field("attr.flowers"));  // beyond 10^15
  CHECK(reason_of(",,01x,,") == bad_field("attr.flowers"));
  CHECK(reason_of(",0.001,,,") == bad_field("attr.pledge"));
  CHECK(reason_of(",abc,,,") == bad_field("attr.pledge"));
  CHECK(reason_of(",,,1,") == bad_field("attr.first_time"));
  CHECK(reason_of(",,,yes,") == bad_field("attr.first_time"));
  // Attributes no rule reads are not checked. Several bad ones: the first in name order, not
  // in column order, so that CSV and JSON Lines agree.
  CHECK(reason_of(",bad,bad,bad,whatever") == bad_field("attr.first_time"));
  CHECK(reason_of(",bad,bad,,") == bad_field("attr.flowers"));
}

TEST_CASE("read_events: times in RFC 3339 or epoch milliseconds", "[read_events]") {
  const auto time_of = [](const std::string& text) -> std::variant<std::int64_t, bad_event_reason> {
    const auto outcomes =
        read_text("kind,id,time\nclose,c," + text + "\n", event_format::csv);
    if (const auto* e = std::get_if<event>(&outcomes.at(0))) return e->time.epoch_ms();
    return std::get<rejected_event>(outcomes.at(0)).reason;
  };
  using result = std::variant<std::int64_t, bad_event_reason>;
  CHECK(time_of("1630980000000") == result{1630980000000});
  CHECK(time_of("-1") == result{-1});
  CHECK(time_of("0") == result{0});
  CHECK(time_of("2021-09-07T10:00:00+08:00") == result{1630980000000});
  CHECK(time_of("2021-09-07T02:00:00.123456Z") == result{1630980000123});
  CHECK(time_of("2021-09-07t02:00:00z") == result{1630980000000});
  CHECK(time_of("1630980000000.0") == result{bad_field("time")});
  CHECK(time_of("2021-09-07T10:00:00") == result{bad_field("time")});
  CHECK(time_of("2021-02-29T10:00:00Z") == result{bad_field("time")});
  CHECK(time_of(" 1630980000000") == result{bad_field("time")});  // nothing is trimmed
  CHECK(time_of("253402300800000") == result{bad_field("time")});  // after 9999
}

TEST_CASE("read_events: a time the campaign's offset cannot write is bad_field:time", "[read_events]") {
  // What a CSV file, a JSON Lines file and field texts (embedded tests) make of one time: its
  // epoch milliseconds, or the reason of the rejection; all three must agree.
  const auto time_in = [](const matchfund::rule_set& rules, const std::string& text) {
    using result = std::variant<std::int64_t, bad_event_reason>;
    const auto of = [](const std::vector<outcome>& outcomes) -> result {
      REQUIRE(outcomes.size() == 1);
      if (const auto* e = std::get_if<event>(&outcomes[0])) return e->time.epoch_ms();
      return std::get<rejected_event>(outcomes[0]).reason;
    };
    const auto read = [&](std::string_view file, event_format format) {
      std::vector<outcome> outcomes;
      matchfund::read_event_text(
          rules, file, format, "f", 0, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
          [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
      return outcomes;
    };
    const result csv = of(read("kind,id,time\nclose,c," + text + "\n", event_format::csv));
    const bool is_number = text.find_first_not_of("-0123456789") == std::string::npos;
    const std::string json_value = is_number ? text : "\"" + text + "\"";
    const result json = of(read("{\"kind\": \"close\", \"id\": \"c\", \"time\": " + json_value + "}\n",
                                event_format::json_lines));
    const std::vector<std::pair<std::string, std::string>> fields = {{"kind", "close"}, {"id", "c"}, {"time", text}};
    auto made = matchfund::event_from_fields(rules, fields);
    const result from_fields = std::holds_alternative<event>(made) ? result{std::get<event>(made).time.epoch_ms()}
                                                                   : result{std::get<bad_event_reason>(made)};
    CHECK(json == csv);
    CHECK(from_fields == csv);
    return csv;
  };
  using result = std::variant<std::int64_t, bad_event_reason>;
  const result bad{bad_field("time")};
  constexpr std::int64_t hour = 3'600'000;
  constexpr std::int64_t earliest = matchfund::earliest_epoch_ms;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t latest = matchfund::latest_epoch_ms;      // 9999-12-31T23:59:59.999Z

  SECTION("a campaign in +08:00: the last instant is 9999-12-31T23:59:59.999+08:00") {
    const matchfund::rule_set& rules = test_rules();
    REQUIRE(rules.campaign().timezone.minutes() == 480);
    // The cases of the issue: each would be written with the year 10000 or -1.
    CHECK(time_in(rules, "9999-12-31T23:59:59-23:59") == bad);  // after 9999 in UTC already
    CHECK(time_in(rules, "253402300799999") == bad);            // 10000-01-01T07:59:59.999+08:00
    CHECK(time_in(rules, "0000-01-01T00:00:00+23:59") == bad);  // before 0000 in UTC already
    // The upper end.
    CHECK(time_in(rules, "9999-12-31T23:59:59.999+08:00") == result{latest - 8 * hour});
    CHECK(time_in(rules, "253402271999999") == result{latest - 8 * hour});
    CHECK(time_in(rules, "253402272000000") == bad);
    CHECK(time_in(rules, "9999-12-31T16:00:00Z") == bad);
    CHECK(time_in(rules, "9999-12-31T23:59:59.999Z") == bad);
    // The lower end: the UTC range binds first (0000-01-01T00:00:00Z is 08:00 local).
    CHECK(time_in(rules, "0000-01-01T00:00:00Z") == result{earliest});
    CHECK(time_in(rules, "-62167219200000") == result{earliest});
    CHECK(time_in(rules, "0000-01-01T08:00:00+08:00") == result{earliest});
    CHECK(time_in(rules, "-62167219200001") == bad);
    CHECK(time_in(rules, "0000-01-01T07:59:59.999+08:00") == bad);
  }

  SECTION("a campaign in -05:00: the first instant is 0000-01-01T00:00:00-05:00") {
    const matchfund::rule_set rules = matchfund::load_rules_text(
        "matchfund: 1\n"
        "campaign: { id: c, name: C, currency: CNY, timezone: \"-05:00\", start: 2021-09-07T00:00:00-05:00, "
        "end: 2021-09-10T00:00:00-05:00 }\n"
        "projects: [ { id: p1, organization: o1 } ]\n"
        "funds: []\n"
        "rules: []\n",
        "c.yaml", ".");
    // The lower end.
    CHECK(time_in(rules, "0000-01-01T00:00:00-05:00") == result{earliest + 5 * hour});
    CHECK(time_in(rules, "-62167201200000") == result{earliest + 5 * hour});
    CHECK(time_in(rules, "-62167201200001") == bad);
    CHECK(time_in(rules, "0000-01-01T04:59:59.999Z") == bad);
    CHECK(time_in(rules, "0000-01-01T00:00:00Z") == bad);  // -0001-12-31T19:00:00-05:00
    CHECK(time_in(rules, "-62167219200000") == bad);
    // The upper end: the UTC range binds first.
    CHECK(time_in(rules, "9999-12-31T23:59:59.999Z") == result{latest});
    CHECK(time_in(rules, "253402300799999") == result{latest});
    CHECK(time_in(rules, "9999-12-31T18:59:59.999-05:00") == result{latest});
    CHECK(time_in(rules, "253402300800000") == bad);
    CHECK(time_in(rules, "9999-12-31T19:00:00-05:00") == bad);
  }
}

TEST_CASE("read_events: revocations of a project resolve it", "[read_events]") {
  const auto outcomes = read_text(
      "kind,id,time,ref,scope,disposition\n"
      "revoke,v1,1,p2,project,forfeit\n"
      "revoke,v2,1,p9,project,\n"
      "revoke,v3,1,never-seen,donor,\n"
      "revoke,v4,1,never-seen,donation,\n",
      event_format::csv);
  REQUIRE(outcomes.size() == 4);
  CHECK(std::get<event>(outcomes[0]).project == project(1));
  CHECK(std::get<event>(outcomes[0]).disposition == refund_disposition::forfeit);
  CHECK(std::get<rejected_event>(outcomes[1]).reason == bad_event_reason{bad_event_code::unknown_project});
  // Donor and donation ids are the engine's to check: they may come from other files.
  CHECK(std::get<event>(outcomes[2]).scope == revoke_scope::donor);
  CHECK_FALSE(std::get<event>(outcomes[2]).project.has_value());
  CHECK(std::get<event>(outcomes[3]).scope == revoke_scope::donation);
}

TEST_CASE("read_events: events from field texts", "[read_events]") {
  using fields = std::vector<std::pair<std::string, std::string>>;
  const auto made = matchfund::event_from_fields(
      test_rules(), fields{{"id", "d1"}, {"time", "2021-09-07T10:00:00+08:00"}, {"donor", "alice"},
                           {"project", "p1"}, {"amount", "100"}, {"channel", "app"}, {"attr.first_time", "true"},
                           {"attr.flowers", "39"}, {"attr.pledge", "12.5"}, {"attr.source", "web, mobile"},
                           {"attr.unused", "not read"}});
  CHECK(outcome{std::get<event>(made)} == good_events().front());
  CHECK(std::get<bad_event_reason>(matchfund::event_from_fields(
            test_rules(), fields{{"kind", "refund"}, {"id", "r"}, {"time", "1"}})) == missing("ref"));
  CHECK(std::get<bad_event_reason>(matchfund::event_from_fields(test_rules(), fields{{"id", ""}})) == missing("id"));
  CHECK_THROWS_AS(matchfund::event_from_fields(test_rules(), fields{{"amout", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(matchfund::event_from_fields(test_rules(), fields{{"attr.", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(matchfund::event_from_fields(test_rules(), fields{{"id", "a"}, {"id", "b"}}), std::invalid_argument);
}

TEST_CASE("read_events: events of rules without donation attributes", "[read_events]") {
  const auto rules = matchfund::load_rules(fs::path(MATCHFUND_SOURCE_DIR) / "rules" / "spec-worked-example.yaml");
  std::vector<outcome> outcomes;
  matchfund::read_event_text(
      rules, "id,time,donor,project,amount,attr.flowers\nd1,2021-09-07T10:00:00+08:00,a,p3,30,not read\n",
      event_format::csv, "f", 0, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
      [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
  REQUIRE(outcomes.size() == 1);
  const event& e = std::get<event>(outcomes[0]);
  CHECK(e.project == project(2));
  CHECK(e.amount == minor(3000));
  CHECK(e.attributes.empty());
}

TEST_CASE("read_events: holds read as donations, confirm and cancel name their hold", "[read_events][holds]") {
  const auto outcomes = read_text(
      "kind,id,time,donor,project,amount,ref\n"
      "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,5.00,\n"
      "confirm,c1,2021-09-07T10:01:00+08:00,anyone,nowhere,-1,h1\n"
      "cancel,x1,2021-09-07T10:02:00+08:00,,,,h1\n"
      "confirm,c2,2021-09-07T10:03:00+08:00,,,,\n"
      "cancel,x2,2021-09-07T10:04:00+08:00,,,abc,h1\n"
      "hold,h2,2021-09-07T10:05:00+08:00,u1,p1,0,\n",
      event_format::csv);
  REQUIRE(outcomes.size() == 6);
  const auto& hold = std::get<event>(outcomes[0]);
  CHECK(hold.kind == matchfund::event_kind::hold);
  CHECK(hold.donor == "u1");
  CHECK(hold.amount == minor(500));
  const auto& confirm = std::get<event>(outcomes[1]);
  CHECK(confirm.kind == matchfund::event_kind::confirm);
  CHECK(confirm.ref == "h1");
  CHECK(confirm.donor.empty());  // donor, project and amount of a confirm are ignored
  CHECK_FALSE(confirm.project);
  CHECK_FALSE(confirm.amount);
  CHECK(std::get<event>(outcomes[2]).kind == matchfund::event_kind::cancel);
  CHECK(std::get<rejected_event>(outcomes[3]).reason == missing("ref"));
  CHECK(std::get<rejected_event>(outcomes[4]).reason == bad_field("amount"));
  CHECK(std::get<rejected_event>(outcomes[5]).reason == bad_event_reason{bad_event_code::non_positive_amount});
}

TEST_CASE("read_events: without campaign.holds, hold, confirm and cancel are holds_not_enabled", "[read_events][holds]") {
  const matchfund::rule_set plain = matchfund::load_rules_text(R"(matchfund: 1
campaign: { id: c, name: C, currency: CNY, timezone: "+08:00", start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00 }
projects: [ { id: p1, organization: o1 } ]
funds: [ { id: F, funder: X, budget: "1.00" } ]
rules: [ { id: M, sources: [F], ratio: "1" } ]
)",
                                                                "plain.yaml", ".");
  std::vector<rejected_event> rejected;
  std::size_t accepted = 0;
  // The kind is checked first: a hold without an id is still holds_not_enabled.
  matchfund::read_event_text(
      plain,
      "kind,id,time,donor,project,amount,ref\n"
      "hold,,2021-09-07T10:00:00+08:00,u1,p1,5.00,\n"
      "confirm,c1,2021-09-07T10:01:00+08:00,,,,h1\n"
      "cancel,x1,,,,,h1\n"
      "donation,d1,2021-09-07T10:02:00+08:00,u1,p1,5.00,\n",
      event_format::csv, "f.csv", 0, [&](event&&) { ++accepted; }, [&](rejected_event&& r) { rejected.push_back(std::move(r)); });
  CHECK(accepted == 1);
  REQUIRE(rejected.size() == 3);
  for (const auto& r : rejected) CHECK(r.reason == bad_event_reason{bad_event_code::holds_not_enabled});
}
