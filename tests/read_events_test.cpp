#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <unistd.h>

#include "bad_event_text.hpp"
#include "write/csv_writer.hpp"
#include "matchfund/load_rules.hpp"

namespace fs = std::filesystem;
using matchfund::bad_event_code;
using matchfund::bad_event_reason;
using matchfund::event;
using matchfund::event_file_error;
using matchfund::event_format;
using matchfund::event_kind;
using matchfund::money;
using matchfund::project_index;
using matchfund::refund_disposition;
using matchfund::rejected_event;
using matchfund::revoke_scope;
using matchfund::timestamp;
using matchfund::value;

namespace {

const fs::path data_dir = fs::path(MATCHFUND_TEST_DATA_DIR) / "events";

const matchfund::rule_set& test_rules() {
  static const matchfund::rule_set rules = matchfund::load_rules(data_dir / "rules.yaml");
  return rules;
}

bad_event_reason bad_field(std::string name) { return {bad_event_code::bad_field, std::move(name)}; }
bad_event_reason missing(std::string name) { return {bad_event_code::missing, std::move(name)}; }

// Everything a read hands over, in order.
using outcome = std::variant<event, rejected_event>;

std::vector<outcome> read_file(const fs::path& file, std::uint32_t file_index = 0) {
  std::vector<outcome> outcomes;
  matchfund::read_event_file(
      test_rules(), file, file_index, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
      [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
  return outcomes;
}

std::vector<outcome> read_text(std::string_view text, event_format format, const std::string& name = "f") {
  // An exactly sized heap copy, so that a sanitizer build catches any read past the end.
  const std::unique_ptr<char[]> copy(new char[text.size() + (text.empty() ? 1 : 0)]);
  std::copy(text.begin(), text.end(), copy.get());
  std::vector<outcome> outcomes;
  matchfund::read_event_text(
      test_rules(), {copy.get(), text.size()}, format, name, 0, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
      [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
  return outcomes;
}

// The file-level error reading `text` gives, as what() says it; empty when there is none.
std::string file_error(std::string_view text, event_format format) {
  const std::string name = format == event_format::csv ? "f.csv" : "f.jsonl";
  try {
    read_text(text, format, name);
  } catch (const event_file_error& e) {
    return e.what();
  }
  return {};
}

timestamp at(std::string_view rfc3339) { return matchfund::parse_rfc3339(rfc3339).value(); }
money minor(std::int64_t units) { return money::from_minor(units); }
project_index project(std::uint32_t i) { return static_cast<project_index>(i); }

// The donation attribute slots of rules.yaml, in name order.
enum slot : std::size_t { first_time, flowers, pledge, source, slot_count };

matchfund::attribute_values attributes(std::optional<bool> is_first, std::optional<std::int64_t> flower_count,
                                       std::optional<money> pledged, std::optional<std::string> from) {
  matchfund::attribute_values values(slot_count);
  if (is_first) values[first_time] = value{*is_first};
  if (flower_count) values[flowers] = value{*flower_count};
  if (pledged) values[pledge] = value{*pledged};
  if (from) values[source] = value{*from};
  return values;
}

std::vector<outcome> without_places(std::vector<outcome> outcomes) {
  for (auto& o : outcomes) {
    if (auto* e = std::get_if<event>(&o)) {
      e->line = 0;
      e->file_index = 0;
    } else {
      auto& r = std::get<rejected_event>(o);
      r.line = 0;
      r.file.clear();
    }
  }
  return outcomes;
}

// The events of good.csv and good.jsonl, lines aside.
std::vector<outcome> good_events() {
  return {
      event{.id = "d1", .donor = "alice", .channel = "app",
            .attributes = attributes(true, 39, minor(1250), "web, mobile"),
            .time = at("2021-09-07T10:00:00+08:00"), .amount = minor(10000), .project = project(0),
            .kind = event_kind::donation},
      event{.id = "d2", .donor = "bob \"the builder\"", .attributes = attributes({}, {}, {}, {}),
            .time = timestamp::from_epoch_ms(1630980000000), .amount = minor(1), .project = project(2),
            .kind = event_kind::donation},
      event{.id = "d3", .donor = "carol", .channel = "mini\r\nprogram",
            .attributes = attributes(false, 0, minor(300), "line one\nline two"),
            .time = at("2021-09-07T10:00:00.250Z"), .amount = minor(29'999'000'000), .project = project(1),
            .kind = event_kind::donation},
      event{.id = "r1", .ref = "d1", .time = at("2021-09-08T09:00:00+08:00"), .amount = minor(500),
            .kind = event_kind::refund, .disposition = refund_disposition::forfeit},
      event{.id = "r2", .ref = "d2", .time = at("2021-09-08T09:30:00+08:00"), .kind = event_kind::refund},
      event{.id = "v1", .ref = "alice", .time = at("2021-09-08T10:00:00+08:00"), .kind = event_kind::revoke,
            .scope = revoke_scope::donor, .disposition = refund_disposition::give_back},
      event{.id = "v2", .ref = "项目三", .time = at("2021-09-08T10:00:00+08:00"), .project = project(2),
            .kind = event_kind::revoke, .scope = revoke_scope::project},
      event{.id = "c1", .time = at("2021-09-10T00:00:00+08:00"), .kind = event_kind::close},
  };
}

std::vector<std::uint64_t> lines_of(const std::vector<outcome>& outcomes) {
  std::vector<std::uint64_t> lines;
  for (const auto& o : outcomes) {
    lines.push_back(std::holds_alternative<event>(o) ? std::get<event>(o).line : std::get<rejected_event>(o).line);
  }
  return lines;
}

// (line, id, reason as rejected.csv spells it) of every rejection; good events as (line, id, "ok").
struct verdict {
  std::uint64_t line;
  std::string id;
  std::string reason;

  friend bool operator==(const verdict&, const verdict&) = default;
};

std::ostream& operator<<(std::ostream& out, const verdict& v) {
  return out << v.line << ' ' << v.id << ' ' << v.reason;
}

std::vector<verdict> verdicts(const std::vector<outcome>& outcomes) {
  std::vector<verdict> result;
  for (const auto& o : outcomes) {
    if (const auto* e = std::get_if<event>(&o)) {
      result.push_back({e->line, e->id, "ok"});
    } else {
      const auto& r = std::get<rejected_event>(o);
      result.push_back({r.line, r.id, to_string(r.reason)});
    }
  }
  return result;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<outcome> {
  static std::string convert(const outcome& o) {
    if (const auto* r = std::get_if<rejected_event>(&o)) {
      return "rejected{" + r->file + ":" + std::to_string(r->line) + " " + r->id + " " + to_string(r->reason) + "}";
    }
    const event& e = std::get<event>(o);
    std::string text = "event{" + std::string(matchfund::to_string(e.kind)) + " id=" + e.id +
                       " time=" + std::to_string(e.time.epoch_ms()) + " donor=" + e.donor + " ref=" + e.ref +
                       " channel=" + e.channel;
    if (e.project) text += " project=" + std::to_string(matchfund::position(*e.project));
    if (e.amount) text += " amount=" + std::to_string(e.amount->minor_units());
    if (e.scope) text += " scope=" + std::string(matchfund::to_string(*e.scope));
    if (e.disposition) text += e.disposition == refund_disposition::forfeit ? " forfeit" : " return";
    text += " attributes=" + std::to_string(e.attributes.size()) + " line=" + std::to_string(e.line) +
            " file=" + std::to_string(e.file_index) + "}";
    return text;
  }
};
}  // namespace Catch

TEST_CASE("read_events: CSV with BOM, CRLF, quoted fields and multi-line records", "[read_events]") {
  const auto outcomes = read_file(data_dir / "good.csv", 3);
  CHECK(without_places(outcomes) == good_events());
  // d3 spans lines 4 to 6 (line breaks inside quotes); the next record starts on line 7.
  CHECK(lines_of(outcomes) == std::vector<std::uint64_t>{2, 3, 4, 7, 8, 9, 10, 11});
  for (const auto& o : outcomes) CHECK(std::get<event>(o).file_index == 3);
}

TEST_CASE("read_events: JSON Lines give the same events as CSV", "[read_events]") {
  const auto outcomes = read_file(data_dir / "good.jsonl");
  CHECK(without_places(outcomes) == good_events());
  CHECK(lines_of(outcomes) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("read_events: every rejection reason of a CSV file, with its line", "[read_events]") {
  const auto outcomes = read_file(data_dir / "rejected.csv");
  const std::vector<verdict> expected = {
      {2, "x1", "bad_field:kind"},
      {3, "", "missing:id"},
      {4, "x3\t", "bad_field:id"},
      {5, "x4", "missing:time"},
      {6, "x5", "bad_field:time"},
      {7, "x6", "missing:donor"},
      {8, "x7", "bad_field:donor"},  // its record spans lines 8 and 9
      {10, "x8", "missing:project"},
      {11, "x9", "unknown_project"},
      {12, "x10", "missing:amount"},
      {13, "x11", "bad_field:amount"},
      {14, "x12", "bad_field:amount"},
      {15, "x13", "non_positive_amount"},
      {16, "x14", "non_positive_amount"},
      {17, "x15", "bad_field:attr.first_time"},
      {18, "x16", "bad_field:attr.flowers"},
      {19, "x17", "bad_field:attr.pledge"},
      {20, "x18", "missing:ref"},
      {21, "x19", "bad_field:amount"},
      {22, "x20", "non_positive_amount"},
      {23, "x21", "bad_field:disposition"},
      {24, "x22", "missing:ref"},
      {25, "x23", "missing:scope"},
      {26, "x24", "bad_field:scope"},
      {27, "x25", "unknown_project"},
      {28, "x26", "bad_field:disposition"},
      {29, "x27", "missing:time"},
      {30, "ok1", "ok"},
      // The first failure in the order kind, id, time, donor, project, amount, ref, scope,
      // disposition, attributes wins.
      {31, "", "bad_field:kind"},
      {32, "", "missing:id"},
      {33, "x30", "bad_field:time"},
      {34, "x31", "missing:donor"},
      {35, "x32", "unknown_project"},
      {36, "x33", "bad_field:amount"},
      {37, "x34", "bad_field:amount"},
      {38, "x35", "missing:ref"},
      {39, "x36", "bad_field:scope"},
      {40, "x37", "unknown_project"},
      {41, "x38", "bad_field:attr.first_time"},
      // Fields a kind does not use are not read, whatever they hold.
      {42, "ok2", "ok"},
      {43, "ok3", "ok"},
  };
  CHECK(verdicts(outcomes) == expected);
  for (const auto& o : outcomes) {
    if (const auto* r = std::get_if<rejected_event>(&o)) CHECK(r->file == (data_dir / "rejected.csv").string());
  }
  const event& close = std::get<event>(outcomes.back());
  CHECK(close == event{.id = "ok3", .time = at("2021-09-07T10:00:00+08:00"), .line = 43, .kind = event_kind::close});
}

TEST_CASE("read_events: rejections of a JSON Lines file", "[read_events]") {
  const auto outcomes = read_file(data_dir / "rejected.jsonl");
  const std::vector<verdict> expected = {
      {1, "j1", "bad_field:amount"},  // 12.345 is not a whole number of fen, never rounded
      {2, "j2", "bad_field:amount"},  // true
      {3, "", "missing:id"},          // null is absent
      {4, "j4", "missing:donor"},     // "" is absent, like an empty CSV cell
      {5, "j5", "bad_field:attr.flowers"},
      {6, "j6", "bad_field:attr.first_time"},
      {7, "j7", "non_positive_amount"},
      {8, "j8", "bad_field:kind"},
      {9, "j9", "bad_field:time"},
      {10, "j10", "bad_field:donor"},  // a control character, written as \u0001
      {11, "j11", "bad_field:scope"},
      {12, "", "missing:id"},
      {13, "ok", "ok"},
  };
  CHECK(verdicts(outcomes) == expected);
}

TEST_CASE("read_events: JSON numbers are kept exactly as written", "[read_events]") {
  const auto outcomes = read_file(data_dir / "numbers.ndjson");
  REQUIRE(outcomes.size() == 7);
  const auto amount_of = [&](std::size_t i) { return std::get<event>(outcomes.at(i)).amount->minor_units(); };
  CHECK(amount_of(0) == 1230);                  // 12.30
  CHECK(amount_of(1) == 123'456'789'012'345);   // 1234567890123.45
  CHECK(amount_of(2) == 29);                    // 0.29 (0.29 * 100 is 28.999... in a double)
  CHECK(std::get<event>(outcomes[2]).attributes[pledge] == std::optional<value>{minor(435)});  // 4.35
  CHECK(std::get<event>(outcomes[2]).attributes[flowers] == std::optional<value>{std::int64_t{12}});
  // Numbers stand for their text in any field: an id, a donor, epoch milliseconds as a string.
  const event& numeric = std::get<event>(outcomes[3]);
  CHECK(numeric.id == "12345");
  CHECK(numeric.donor == "678");
  CHECK(numeric.time == timestamp::from_epoch_ms(1630980000000));
  CHECK(numeric.amount == minor(999'999'999'999'999));
  CHECK(verdicts({outcomes.begin() + 4, outcomes.end()}) ==
        std::vector<verdict>{{5, "n5", "bad_field:amount"},           // 1e2: no exponents in money
                             {6, "n6", "bad_field:amount"},           // beyond 10^15 fen
                             {7, "n7", "bad_field:attr.flowers"}});   // 1E1 is not an integer text
}

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

TEST_CASE("read_events: a header alone, columns in any order, missing columns", "[read_events]") {
  CHECK(read_text("kind,id,time\n", event_format::csv).empty());
  CHECK(read_text("kind,id,time", event_format::csv).empty());
  CHECK(read_text("", event_format::json_lines).empty());
  CHECK(read_text("\n\n", event_format::json_lines).empty());
  // A file without an amount column: every donation in it misses its amount.
  CHECK(verdicts(read_text("project,donor,time,id\np1,a,1,d\n", event_format::csv)) ==
        std::vector<verdict>{{2, "d", "missing:amount"}});
  // A one-column file: a record of one empty field must be written "".
  CHECK(verdicts(read_text("id\n\"\"\nx\n", event_format::csv)) ==
        std::vector<verdict>{{2, "", "missing:id"}, {3, "x", "missing:time"}});
}

TEST_CASE("read_events: file-level errors in CSV", "[read_events]") {
  const auto csv = [](std::string_view text) { return file_error(text, event_format::csv); };
  const std::string columns = "(the columns are kind, id, time, donor, project, amount, ref, scope, disposition, "
                              "channel, and attr.NAME)";
  CHECK(csv("") == "f.csv:1:1: the file is empty: a header row is required");
  CHECK(csv("\xEF\xBB\xBF") == "f.csv:1:1: the file is empty: a header row is required");
  CHECK(csv("id,amout\n") == "f.csv:1:4: unknown column \"amout\" " + columns);
  CHECK(csv("\xEF\xBB\xBFid,金额\n") == "f.csv:1:4: unknown column \"金额\" " + columns);
  CHECK(csv("id,Amount\n") == "f.csv:1:4: unknown column \"Amount\" " + columns);
  CHECK(csv("id,attr\n") == "f.csv:1:4: unknown column \"attr\" " + columns);
  CHECK(csv("id,attr.\n") == "f.csv:1:4: column \"attr.\" has no attribute name");
  CHECK(csv("id,time,id\n") == "f.csv:1:9: duplicate header name");
  CHECK(csv("id,,time\n") == "f.csv:1:4: empty header name");
  CHECK(csv("id,time\nx,1,2\n") == "f.csv:2:5: expected 2 fields as in the header, found 3");
  CHECK(csv("id,time\nx\n") == "f.csv:2:2: expected 2 fields as in the header, found 1");
  CHECK(csv("id,time\nx") == "f.csv:2:2: expected 2 fields as in the header, found 1");
  CHECK(csv("id,time\r\nx\r\n") == "f.csv:2:2: expected 2 fields as in the header, found 1");
  CHECK(csv("id,time\n\"a\nb\",1,2\n") == "f.csv:3:6: expected 2 fields as in the header, found 3");
  CHECK(csv("id,time\nx,\xFF\n") == "f.csv:2:3: invalid UTF-8");
  CHECK(csv("id,time\nx,\xC0\xAF\n") == "f.csv:2:3: invalid UTF-8");
  CHECK(csv(std::string_view("id,time\nx,a\0b\n", 14)) == "f.csv:2:4: null byte");
  CHECK(csv("id,time\nx,a\"b\n") == "f.csv:2:4: quote inside unquoted field");
  CHECK(csv("id,time\nx,\"a\"b\n") == "f.csv:2:6: unexpected character after closing quote");
  CHECK(csv("id,time\nx,\"abc\n") == "f.csv:2:3: unterminated quoted field");
  CHECK(csv("id,time\nx,1\ry\n") == "f.csv:2:4: carriage return without line feed");
  CHECK(csv("id,time\n\nx,1\n") == "f.csv:2:1: empty line");
  CHECK(csv("id,time\nx,1\n\n") == "f.csv:3:1: empty line");
}

TEST_CASE("read_events: file-level errors in JSON Lines", "[read_events]") {
  const auto json = [](std::string_view text) { return file_error(text, event_format::json_lines); };
  const std::string keys =
      "(the keys are kind, id, time, donor, project, amount, ref, scope, disposition, channel, and attr)";
  const std::string scalar = " must be a string, number, boolean or null";
  CHECK(json("[1]\n") == "f.jsonl:1:1: a line must be one JSON object");
  CHECK(json("  \"x\"\n") == "f.jsonl:1:3: a line must be one JSON object");
  CHECK(json("id,time\n") == "f.jsonl:1:1: a line must be one JSON object");
  CHECK(json(R"({"id":"a","amout":1})") == "f.jsonl:1:11: unknown key \"amout\" " + keys);
  CHECK(json(R"({"id":"a","attr.x":1})") == "f.jsonl:1:11: unknown key \"attr.x\" " + keys);
  CHECK(json(R"({"attr":1})") == "f.jsonl:1:9: the value of \"attr\" must be an object");
  CHECK(json(R"({"attr":"x"})") == "f.jsonl:1:9: the value of \"attr\" must be an object");
  CHECK(json(R"({"amount":{"x":1}})") == "f.jsonl:1:11: the value of \"amount\"" + scalar);
  CHECK(json(R"({"amount":[1]})") == "f.jsonl:1:11: the value of \"amount\"" + scalar);
  CHECK(json(R"({"attr":{"a":{"b":1}}})") == "f.jsonl:1:14: the value of \"a\"" + scalar);
  CHECK(json(R"({"attr":{"a":[]}})") == "f.jsonl:1:14: the value of \"a\"" + scalar);
  CHECK(json(R"({"attr":{"":1}})") == "f.jsonl:1:10: empty attribute name");
  CHECK(json(R"({"id":"a","id":"b"})") == "f.jsonl:1:11: duplicate key \"id\"");
  CHECK(json(R"({"id":null,"\u0069d":"b"})") == "f.jsonl:1:12: duplicate key \"id\"");
  CHECK(json(R"({"attr":{"x":1,"x":2}})") == "f.jsonl:1:16: duplicate key \"x\"");
  CHECK(json(R"({"id" "a"})") == "f.jsonl:1:7: invalid JSON: expected ':' after the key");
  CHECK(json(R"({"id":"a",})") == "f.jsonl:1:11: invalid JSON: expected a key in double quotes");
  CHECK(json(R"({id:"a"})") == "f.jsonl:1:2: invalid JSON: expected a key in double quotes");
  CHECK(json(R"({"id":"a")") == "f.jsonl:1:10: invalid JSON: expected ',' or '}'");
  CHECK(json(R"({"id":"a" "time":1})") == "f.jsonl:1:11: invalid JSON: expected ',' or '}'");
  CHECK(json(R"({"amount":012})") == "f.jsonl:1:11: invalid JSON: invalid number");
  CHECK(json(R"({"amount":1.})") == "f.jsonl:1:11: invalid JSON: invalid number");
  CHECK(json(R"({"amount":-})") == "f.jsonl:1:11: invalid JSON: invalid number");
  CHECK(json(R"({"amount":1e})") == "f.jsonl:1:11: invalid JSON: invalid number");
  CHECK(json(R"({"amount":1x})") == "f.jsonl:1:11: invalid JSON: invalid number");
  CHECK(json(R"({"amount":.5})") == "f.jsonl:1:11: invalid JSON: expected a value");
  CHECK(json(R"({"amount":+5})") == "f.jsonl:1:11: invalid JSON: expected a value");
  CHECK(json(R"({"amount":})") == "f.jsonl:1:11: invalid JSON: expected a value");
  CHECK(json(R"({"amount":)") == "f.jsonl:1:11: invalid JSON: expected a value");
  CHECK(json(R"({"id":tru})") == "f.jsonl:1:7: invalid JSON: expected a value");
  CHECK(json(R"({"id":truex})") == "f.jsonl:1:7: invalid JSON: expected a value");
  CHECK(json(R"({"id":NULL})") == "f.jsonl:1:7: invalid JSON: expected a value");
  CHECK(json(R"({"id":'a'})") == "f.jsonl:1:7: invalid JSON: expected a value");
  CHECK(json(R"({"id":"abc})") == "f.jsonl:1:7: invalid JSON: unterminated string");
  CHECK(json("{\"id\":\"abc\n\"}\n") == "f.jsonl:1:7: invalid JSON: unterminated string");
  CHECK(json(R"({"id":"a\x"})") == "f.jsonl:1:9: invalid JSON: invalid escape sequence");
  CHECK(json(R"({"id":"a\'"})") == "f.jsonl:1:9: invalid JSON: invalid escape sequence");
  CHECK(json(R"({"id":"\ud800"})") == "f.jsonl:1:8: invalid JSON: unpaired surrogate in a \\u escape");
  CHECK(json(R"({"id":"\ud800\u0041"})") == "f.jsonl:1:8: invalid JSON: unpaired surrogate in a \\u escape");
  CHECK(json(R"({"id":"\udc00"})") == "f.jsonl:1:8: invalid JSON: unpaired surrogate in a \\u escape");
  CHECK(json(R"({"id":"\u12G4"})") == "f.jsonl:1:8: invalid JSON: invalid \\u escape");
  CHECK(json(R"({"id":"\u12"})") == "f.jsonl:1:8: invalid JSON: invalid \\u escape");
  CHECK(json("{\"id\":\"a\tb\"}") == "f.jsonl:1:9: invalid JSON: control character in a string (write it as an escape)");
  CHECK(json(R"({"id":"\u0000"})") == "f.jsonl:1:8: null character (\\u0000) in a string");
  CHECK(json(std::string_view("{\"id\":\"a\0\"}", 11)) == "f.jsonl:1:9: null byte");
  CHECK(json(std::string_view("{\"id\":\0}", 8)) == "f.jsonl:1:7: null byte");
  CHECK(json("{\"id\":\"\xFF\"}") == "f.jsonl:1:8: invalid UTF-8");
  CHECK(json("{\"id\":\"\xED\xA0\x80\"}") == "f.jsonl:1:8: invalid UTF-8");  // a surrogate in UTF-8
  CHECK(json("{\"id\":\xFF}") == "f.jsonl:1:7: invalid UTF-8");
  CHECK(json("{\"id\":万}") == "f.jsonl:1:7: invalid JSON: expected a value");
  CHECK(json(R"({"id":"a"} x)") == "f.jsonl:1:12: invalid JSON: unexpected text after the object");
  CHECK(json(R"({"id":"a"}{"id":"b"})") == "f.jsonl:1:11: invalid JSON: unexpected text after the object");
  // Columns count characters, not bytes; a BOM is not one.
  CHECK(json(R"({"id":"金额","x":1})") == "f.jsonl:1:12: unknown key \"x\" " + keys);
  CHECK(json("\xEF\xBB\xBF{\"x\":1}") == "f.jsonl:1:2: unknown key \"x\" " + keys);
  // Blank lines: allowed at the end only.
  CHECK(json("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n") == "f.jsonl:2:1: empty line");
  CHECK(json("{\"id\":\"a\"}\n \t\r\n{\"id\":\"b\"}\n") == "f.jsonl:2:1: empty line");
  CHECK(json("\n{\"id\":\"a\"}\n") == "f.jsonl:1:1: empty line");
  CHECK(json("{\"id\":\"a\"}\n\n \n\r\n") == "");
  CHECK(json("{\"id\":\"a\"}\r\n{\"id\":\"b\"}\r\n{\"x\":1}\r\n") == "f.jsonl:3:2: unknown key \"x\" " + keys);
}

TEST_CASE("read_events: JSON strings and whitespace", "[read_events]") {
  const auto good = read_text(
      "\xEF\xBB\xBF { \"id\" : \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u91D1\\ud83d\\ude00é\" , \"kind\":\"close\",\"time\":1 }\r\n",
      event_format::json_lines);
  REQUIRE(good.size() == 1);
  CHECK(std::get<rejected_event>(good[0]).id == "\"\\/\b\f\n\r\té金😀é");
  CHECK(std::get<rejected_event>(good[0]).reason == bad_field("id"));  // it holds control characters
  const auto clean = read_text(R"({"id":"\u00e9\u91D1\ud83d\ude00 a\"b","kind":"close","time":1})", event_format::json_lines);
  CHECK(std::get<event>(clean.at(0)).id == "é金😀 a\"b");
}

TEST_CASE("read_events: events before a file-level error are handed over", "[read_events]") {
  std::vector<std::string> seen;
  const auto collect = [&](std::string_view text, event_format format) {
    seen.clear();
    try {
      matchfund::read_event_text(
          test_rules(), text, format, "f", 0, [&](event&& e) { seen.push_back(e.id); },
          [&](rejected_event&& r) { seen.push_back("rejected " + r.id); });
    } catch (const event_file_error& e) {
      seen.push_back(e.what());
    }
    return seen;
  };
  CHECK(collect("kind,id,time\nclose,a,1\nclose,b\nclose,c,1\n", event_format::csv) ==
        std::vector<std::string>{"a", "f:3:8: expected 3 fields as in the header, found 2"});
  CHECK(collect("{\"kind\":\"close\",\"id\":\"a\",\"time\":1}\n{\"id\":\"b\"}\n{\"id\":\"c\",\"oops\":1}\n{}\n",
                event_format::json_lines) ==
        std::vector<std::string>{"a", "rejected b",
                                 "f:3:11: unknown key \"oops\" (the keys are kind, id, time, donor, project, amount, "
                                 "ref, scope, disposition, channel, and attr)"});
}

TEST_CASE("read_events: the error's parts", "[read_events]") {
  try {
    read_text("id,time\nx,1,2\n", event_format::csv, "dir/events.csv");
    FAIL("no error");
  } catch (const event_file_error& e) {
    CHECK(e.file() == "dir/events.csv");
    CHECK(e.line() == 2);
    CHECK(e.column() == 5);
    CHECK(e.message() == "expected 2 fields as in the header, found 3");
    CHECK(std::string(e.what()) == "dir/events.csv:2:5: expected 2 fields as in the header, found 3");
    const matchfund::error& base = e;  // an operating error like the others
    CHECK(std::string(base.what()) == e.what());
  }
}

TEST_CASE("read_events: unreadable files", "[read_events]") {
  const auto error_of = [](const fs::path& file) -> std::string {
    try {
      read_file(file);
    } catch (const event_file_error& e) {
      CHECK(e.line() == 0);
      CHECK(e.column() == 0);
      CHECK(e.file() == file.string());
      return e.what();
    }
    return {};
  };
  const fs::path missing = data_dir / "no-such-file.csv";
  CHECK(error_of(missing) == missing.string() + ": cannot read the file: No such file or directory");
  CHECK(error_of(data_dir) == data_dir.string() + ": cannot read the file: Is a directory");
}

TEST_CASE("read_events: the format follows the file name", "[read_events]") {
  using matchfund::event_format_of;
  CHECK(event_format_of("a.jsonl") == event_format::json_lines);
  CHECK(event_format_of("dir.csv/a.ndjson") == event_format::json_lines);
  CHECK(event_format_of("a.json") == event_format::json_lines);
  CHECK(event_format_of("A.JSONL") == event_format::json_lines);
  CHECK(event_format_of("a.csv") == event_format::csv);
  CHECK(event_format_of("a.json.csv") == event_format::csv);
  CHECK(event_format_of("a.txt") == event_format::csv);
  CHECK(event_format_of("jsonl") == event_format::csv);
  CHECK(event_format_of("events") == event_format::csv);
}

TEST_CASE("read_events: several files keep their order and index", "[read_events]") {
  const std::vector<fs::path> files = {data_dir / "good.jsonl", data_dir / "good.csv"};
  std::vector<std::pair<std::uint32_t, std::string>> seen;
  matchfund::read_event_files(
      test_rules(), files, [&](event&& e) { seen.emplace_back(e.file_index, e.id); },
      [&](rejected_event&&) { FAIL("no rejection expected"); });
  REQUIRE(seen.size() == 16);
  CHECK(seen[0] == std::pair<std::uint32_t, std::string>{0, "d1"});
  CHECK(seen[7] == std::pair<std::uint32_t, std::string>{0, "c1"});
  CHECK(seen[8] == std::pair<std::uint32_t, std::string>{1, "d1"});
  CHECK(seen[15] == std::pair<std::uint32_t, std::string>{1, "c1"});
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

TEST_CASE("read_events: damaged files fail cleanly", "[read_events]") {
  // Random bytes changed, removed or repeated: every read either succeeds or throws
  // event_file_error, never anything else, and never reads outside the text.
  for (const char* name : {"good.csv", "good.jsonl", "rejected.csv", "rejected.jsonl"}) {
    std::ifstream in(data_dir / name, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const event_format format = matchfund::event_format_of(name);
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
      INFO(name << " seed " << seed);
      std::mt19937_64 random(seed);
      std::string text = original;
      for (std::uint64_t edits = 1 + random() % 4; edits > 0 && !text.empty(); --edits) {
        const std::size_t at = random() % text.size();
        switch (random() % 4) {
          case 0: text[at] = static_cast<char>(random() % 256); break;
          case 1: text[at] = "\"\\{}[],:\n\r u"[random() % 12]; break;
          case 2: text.erase(at, 1 + random() % 8); break;
          default: text.insert(at, text.substr(at, 1 + random() % 8)); break;
        }
      }
      try {
        read_text(text, format);
      } catch (const event_file_error& e) {
        CHECK(e.line() >= 1);
        CHECK(e.column() >= 1);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Property: random events written as CSV and as JSON Lines read back as generated, in both
// formats, with the same rejections.

namespace {

class generator {
 public:
  explicit generator(std::uint64_t seed) : random_(seed) {}

  std::uint64_t below(std::uint64_t n) { return random_() % n; }
  bool chance(std::uint64_t percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& options) { return options[below(options.size())]; }

  // Text for ids: commas, quotes, backslashes, braces, non-ASCII (up to 4-byte) characters.
  std::string id_text() {
    static const std::vector<std::string> pieces = {"a", "b", "Z", "0", "9", " ", ",", "\"", "\\", "/", "'",
                                                    "金", "额", "😀", "é", "-", "_", "{", "}", ":", "\x7E"};
    std::string text;
    for (std::uint64_t n = 1 + below(6); n > 0; --n) text += pick(pieces);
    return text;
  }
  // Free text (channels, string attributes): line breaks and tabs too.
  std::string free_text() {
    static const std::vector<std::string> extra = {"\n", "\r\n", "\t", "12", "true"};
    std::string text = chance(30) ? pick(extra) : "";
    for (std::uint64_t n = below(4); n > 0; --n) text += chance(25) ? pick(extra) : id_text();
    return text;
  }

 private:
  std::mt19937_64 random_;
};

struct generated_event {
  std::vector<std::pair<std::string, std::string>> fields;  // present fields only
  std::variant<event, std::string> expected;                // the event, or the rejection reason
};

void set_field(generated_event& g, const std::string& name, std::string text) {
  for (auto& [key, existing] : g.fields) {
    if (key == name) {
      existing = std::move(text);
      return;
    }
  }
  g.fields.emplace_back(name, std::move(text));
}

void erase_field(generated_event& g, const std::string& name) {
  std::erase_if(g.fields, [&](const auto& field) { return field.first == name; });
}

std::string money_text(generator& random, std::int64_t minor_units) {
  const bool negative = minor_units < 0;
  const std::int64_t magnitude = negative ? -minor_units : minor_units;
  std::string text;
  if (magnitude % 1'000'000 == 0 && random.chance(30)) {
    text = std::to_string(magnitude / 1'000'000) + "万";
  } else if (magnitude % 100 == 0 && random.chance(50)) {
    text = std::to_string(magnitude / 100);
  } else {
    text = matchfund::format_money(money::from_minor(magnitude), 2);
    if (random.chance(20)) text += "0";
  }
  return negative ? "-" + text : text;
}

std::int64_t random_minor(generator& random) {
  switch (random.below(4)) {
    case 0: return static_cast<std::int64_t>(1 + random.below(1000));
    case 1: return static_cast<std::int64_t>(1 + random.below(1'000'000'000'000'000));
    case 2: return static_cast<std::int64_t>(1 + random.below(1000)) * 1'000'000;
    default: return static_cast<std::int64_t>(1 + random.below(100'000)) * 100;
  }
}

generated_event generate_event(generator& random, const std::vector<std::string>& project_ids) {
  generated_event g;
  event e;
  e.kind = static_cast<event_kind>(random.below(4));
  if (e.kind == event_kind::donation) {
    if (random.chance(50)) set_field(g, "kind", random.chance(50) ? "donation" : "");
  } else {
    set_field(g, "kind", std::string(matchfund::to_string(e.kind)));
  }
  e.id = random.id_text();
  set_field(g, "id", e.id);
  const auto epoch_ms = static_cast<std::int64_t>(random.below(4'000'000'000'000));
  e.time = timestamp::from_epoch_ms(epoch_ms);
  if (random.chance(50)) {
    set_field(g, "time", std::to_string(epoch_ms));
  } else {
    const auto offset = matchfund::utc_offset::from_minutes(static_cast<std::int32_t>(random.below(57)) * 30 - 840);
    set_field(g, "time", matchfund::format_rfc3339(e.time, offset));
  }
  const auto junk = [&] { return random.chance(50) ? random.id_text() : std::string("junk"); };
  std::vector<std::pair<std::string, std::string>> defects;  // (field to break, reason)

  switch (e.kind) {
    case event_kind::donation: {
      e.donor = random.id_text();
      set_field(g, "donor", e.donor);
      const auto p = random.below(project_ids.size());
      e.project = static_cast<project_index>(p);
      set_field(g, "project", project_ids[p]);
      e.amount = money::from_minor(random_minor(random));
      set_field(g, "amount", money_text(random, e.amount->minor_units()));
      if (random.chance(50)) {
        e.channel = random.free_text();
        set_field(g, "channel", e.channel);
      }
      e.attributes.resize(slot_count);
      if (random.chance(50)) {
        const std::string text = random.pick(std::vector<std::string>{"true", "True", "TRUE", "false", "False", "FALSE"});
        e.attributes[first_time] = value{text.front() == 't' || text.front() == 'T'};
        set_field(g, "attr.first_time", text);
      }
      if (random.chance(50)) {
        const auto count = static_cast<std::int64_t>(random.below(2'000'000'000'000'000)) - 1'000'000'000'000'000;
        e.attributes[flowers] = value{count};
        set_field(g, "attr.flowers", std::to_string(count));
      }
      if (random.chance(50)) {
        const auto amount = money::from_minor(static_cast<std::int64_t>(random.below(2'000'000'000'000)) - 1'000'000'000'000);
        e.attributes[pledge] = value{amount};
        set_field(g, "attr.pledge", money_text(random, amount.minor_units()));
      }
      if (random.chance(50)) {
        const std::string text = random.free_text();
        if (!text.empty()) {
          e.attributes[source] = value{text};
          set_field(g, "attr.source", text);
        }
      }
      if (random.chance(30)) set_field(g, "attr.unused", junk());
      if (random.chance(30)) set_field(g, "ref", junk());
      if (random.chance(30)) set_field(g, "scope", junk());
      if (random.chance(30)) set_field(g, "disposition", junk());
      defects = {{"donor", "missing:donor"},   {"project", "missing:project"},   {"project=P1", "unknown_project"},
                 {"amount", "missing:amount"}, {"amount=0.001", "bad_field:amount"}, {"amount=0", "non_positive_amount"},
                 {"amount=-3", "non_positive_amount"}, {"attr.flowers=1.5", "bad_field:attr.flowers"},
                 {"attr.pledge=1.234", "bad_field:attr.pledge"}, {"attr.first_time=yes", "bad_field:attr.first_time"}};
      break;
    }
    case event_kind::refund: {
      e.ref = random.id_text();
      set_field(g, "ref", e.ref);
      if (random.chance(50)) {
        e.amount = money::from_minor(random_minor(random));
        set_field(g, "amount", money_text(random, e.amount->minor_units()));
      }
      if (random.chance(50)) {
        e.disposition = random.chance(50) ? refund_disposition::give_back : refund_disposition::forfeit;
        set_field(g, "disposition", e.disposition == refund_disposition::forfeit ? "forfeit" : "return");
      }
      for (const char* name : {"donor", "project", "channel", "scope", "attr.flowers"}) {
        if (random.chance(30)) set_field(g, name, junk());
      }
      defects = {{"ref", "missing:ref"}, {"amount=-1", "non_positive_amount"}, {"amount=x", "bad_field:amount"},
                 {"disposition=keep", "bad_field:disposition"}};
      break;
    }
    case event_kind::revoke: {
      e.scope = static_cast<revoke_scope>(random.below(3));
      if (e.scope == revoke_scope::project) {
        const auto p = random.below(project_ids.size());
        e.project = static_cast<project_index>(p);
        e.ref = project_ids[p];
      } else {
        e.ref = random.id_text();
      }
      set_field(g, "ref", e.ref);
      set_field(g, "scope", std::string(matchfund::to_string(*e.scope)));
      if (random.chance(50)) {
        e.disposition = random.chance(50) ? refund_disposition::give_back : refund_disposition::forfeit;
        set_field(g, "disposition", e.disposition == refund_disposition::forfeit ? "forfeit" : "return");
      }
      for (const char* name : {"donor", "project", "amount", "channel", "attr.pledge"}) {
        if (random.chance(30)) set_field(g, name, junk());
      }
      defects = {{"ref", "missing:ref"}, {"scope", "missing:scope"}, {"scope=all", "bad_field:scope"},
                 {"disposition=Return", "bad_field:disposition"}};
      if (e.scope == revoke_scope::project) defects.emplace_back("ref=nope", "unknown_project");
      break;
    }
    case event_kind::close: {
      for (const char* name : {"donor", "project", "amount", "ref", "scope", "disposition", "channel", "attr.first_time"}) {
        if (random.chance(30)) set_field(g, name, junk());
      }
      break;
    }
  }
  defects.insert(defects.end(), {{"kind=Close", "bad_field:kind"}, {"id", "missing:id"}, {"id=a\x01", "bad_field:id"},
                                 {"time", "missing:time"}, {"time=2021-13-01T00:00:00Z", "bad_field:time"},
                                 {"time=12.5", "bad_field:time"}});
  if (random.chance(30)) {
    const auto& [what, reason] = random.pick(defects);
    const auto equals = what.find('=');
    if (equals == std::string::npos) {
      erase_field(g, what);
    } else {
      set_field(g, what.substr(0, equals), what.substr(equals + 1));
    }
    g.expected = reason;
  } else {
    g.expected = std::move(e);
  }
  return g;
}

bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  if (i == text.size()) return false;
  if (text[i] == '0') {
    ++i;
  } else if (text[i] >= '1' && text[i] <= '9') {
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    const std::size_t first = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == first) return false;
  }
  return i == text.size();
}

// The code point of the UTF-8 sequence at text[i], advancing i past it.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[k])); };
  const std::uint32_t lead = byte(i);
  if (lead < 0x80) return byte(i++);
  const std::size_t size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  std::uint32_t code_point = lead & (0xFFu >> (size + 1));
  for (std::size_t k = 1; k < size; ++k) code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
  i += size;
  return code_point;
}

std::string hex4(std::uint32_t unit, bool upper) {
  const std::string_view digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text = "\\u";
  for (const std::uint32_t shift : {12u, 8u, 4u, 0u}) text += digits[(unit >> shift) & 0xFu];
  return text;
}

std::string json_string(generator& random, std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const std::uint32_t c = next_code_point(text, i);
    const bool escape_anyway = random.chance(15);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n' && !escape_anyway) {
      out += "\\n";
    } else if (c == '\t' && !escape_anyway) {
      out += "\\t";
    } else if (c == '/' && escape_anyway) {
      out += "\\/";
    } else if (c < 0x20 || escape_anyway) {
      if (c >= 0x10000) {
        out += hex4(0xD800 + ((c - 0x10000) >> 10), random.chance(50));
        out += hex4(0xDC00 + ((c - 0x10000) & 0x3FF), random.chance(50));
      } else {
        out += hex4(c, random.chance(50));
      }
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out + "\"";
}

std::string json_value(generator& random, std::string_view text) {
  if ((is_json_number(text) || text == "true" || text == "false") && random.chance(60)) return std::string(text);
  return json_string(random, text);
}

const std::vector<std::string> csv_columns = {"kind", "id", "time", "donor", "project", "amount", "ref", "scope",
                                              "disposition", "channel", "attr.first_time", "attr.flowers",
                                              "attr.pledge", "attr.source", "attr.unused"};

std::string field_text(const generated_event& g, const std::string& name) {
  for (const auto& [key, text] : g.fields) {
    if (key == name) return text;
  }
  return {};
}

// Writes the events as CSV; returns the line each record starts on.
std::vector<std::uint64_t> write_csv(generator& random, const std::vector<generated_event>& events, std::string& out) {
  std::vector<std::string> columns = csv_columns;
  for (std::size_t i = columns.size(); i > 1; --i) std::swap(columns[i - 1], columns[random.below(i)]);
  const std::string line_break = random.chance(50) ? "\r\n" : "\n";
  if (random.chance(30)) out += "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i == 0 ? "" : ",") + columns[i];
  out += line_break;
  std::vector<std::uint64_t> lines;
  std::uint64_t line = 2;
  for (std::size_t e = 0; e < events.size(); ++e) {
    lines.push_back(line);
    std::string record;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) record += ',';
      const std::string text = field_text(events[e], columns[i]);
      if (random.chance(20)) {
        record += '"';
        for (char c : text) record += c == '"' ? std::string("\"\"") : std::string(1, c);
        record += '"';
      } else {
        matchfund::detail::csv_append_field(record, text);
      }
    }
    line += static_cast<std::uint64_t>(std::count(record.begin(), record.end(), '\n')) + 1;
    out += record;
    if (e + 1 < events.size() || random.chance(50)) out += line_break;
  }
  return lines;
}

std::string write_json_lines(generator& random, const std::vector<generated_event>& events) {
  std::string out;
  if (random.chance(30)) out += "\xEF\xBB\xBF";
  for (const auto& g : events) {
    std::vector<std::pair<std::string, std::string>> members;  // key, JSON value
    std::vector<std::pair<std::string, std::string>> attr_members;
    for (const auto& [name, text] : g.fields) {
      const std::string written = text.empty() && random.chance(50) ? "null" : json_value(random, text);
      if (name.starts_with("attr.")) {
        attr_members.emplace_back(name.substr(5), written);
      } else {
        members.emplace_back(name, written);
      }
    }
    if (random.chance(20)) members.emplace_back(random.pick(std::vector<std::string>{"channel", "ref"}), "null");
    if (!attr_members.empty() || random.chance(20)) {
      for (std::size_t i = attr_members.size(); i > 1; --i) std::swap(attr_members[i - 1], attr_members[random.below(i)]);
      std::string object = "{";
      for (std::size_t i = 0; i < attr_members.size(); ++i) {
        object += (i == 0 ? "" : ",") + json_string(random, attr_members[i].first) + ":" + attr_members[i].second;
      }
      members.emplace_back("attr", object + "}");
    }
    // A null member may duplicate a present one; drop such a null.
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& member : members) {
      const bool seen = std::any_of(unique.begin(), unique.end(), [&](const auto& u) { return u.first == member.first; });
      if (!seen) unique.push_back(std::move(member));
    }
    for (std::size_t i = unique.size(); i > 1; --i) std::swap(unique[i - 1], unique[random.below(i)]);
    const std::string space = random.chance(30) ? " " : "";
    out += space + "{";
    for (std::size_t i = 0; i < unique.size(); ++i) {
      out += (i == 0 ? "" : "," + space) + json_string(random, unique[i].first) + space + ":" + space + unique[i].second;
    }
    out += "}" + space + (random.chance(20) ? "\r\n" : "\n");
  }
  return out;
}

// The expected rejection, written in the defect tables as SPEC spells it.
bad_event_reason spelled_reason(const generated_event& g) {
  const auto reason = matchfund::parse_bad_event_reason(std::get<std::string>(g.expected));
  REQUIRE(reason.has_value());
  return *reason;
}

std::vector<outcome> expected_outcomes(const std::vector<generated_event>& events, const std::vector<std::uint64_t>& lines,
                                       const std::string& file, std::uint32_t file_index) {
  std::vector<outcome> outcomes;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (const auto* e = std::get_if<event>(&events[i].expected)) {
      event copy = *e;
      copy.line = lines[i];
      copy.file_index = file_index;
      outcomes.emplace_back(std::move(copy));
    } else {
      outcomes.emplace_back(rejected_event{file, lines[i], field_text(events[i], "id"), spelled_reason(events[i])});
    }
  }
  return outcomes;
}

// A directory for this process's files, removed at the end.
class scratch_directory {
 public:
  scratch_directory() : path_(fs::temp_directory_path() / ("matchfund-read-events-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~scratch_directory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("read_events: random events read back as written, in CSV and in JSON Lines", "[read_events][property]") {
  const scratch_directory directory;
  std::vector<std::string> project_ids;
  for (const auto& p : test_rules().projects()) project_ids.push_back(p.id);
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    INFO("seed " << seed);
    generator random(seed);
    std::vector<generated_event> events;
    for (std::uint64_t n = random.below(150); n > 0; --n) events.push_back(generate_event(random, project_ids));

    std::string csv_text;
    const auto csv_lines = write_csv(random, events, csv_text);
    const fs::path csv_file = directory.write("events-" + std::to_string(seed) + ".csv", csv_text);
    CHECK(read_file(csv_file, 0) == expected_outcomes(events, csv_lines, csv_file.string(), 0));

    const std::string json_text = write_json_lines(random, events);
    const fs::path json_file = directory.write("events-" + std::to_string(seed) + ".jsonl", json_text);
    std::vector<std::uint64_t> json_lines(events.size());
    for (std::size_t i = 0; i < json_lines.size(); ++i) json_lines[i] = i + 1;
    CHECK(read_file(json_file, 1) == expected_outcomes(events, json_lines, json_file.string(), 1));

    // The embedded-test path gives the same verdicts.
    for (const auto& g : events) {
      const auto made = matchfund::event_from_fields(test_rules(), g.fields);
      if (const auto* e = std::get_if<event>(&g.expected)) {
        CHECK(made == std::variant<event, bad_event_reason>{*e});
      } else {
        CHECK(made == std::variant<event, bad_event_reason>{spelled_reason(g)});
      }
    }
  }
}
