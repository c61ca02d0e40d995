// JSON Lines event files (SPEC §3.2): the same events as CSV, rejections, numbers kept as
// written, strings and escapes, and the file-level errors of the JSON syntax.
#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "read_events_test_support.hpp"

using matchfund::event;
using matchfund::event_format;
using matchfund::rejected_event;
using matchfund::timestamp;
using matchfund::value;
using matchfund::testing::read_events_test::bad_field;
using matchfund::testing::read_events_test::data_dir;
using matchfund::testing::read_events_test::file_error;
using matchfund::testing::read_events_test::flowers;
using matchfund::testing::read_events_test::good_events;
using matchfund::testing::read_events_test::lines_of;
using matchfund::testing::read_events_test::minor;
using matchfund::testing::read_events_test::pledge;
using matchfund::testing::read_events_test::read_file;
using matchfund::testing::read_events_test::read_text;
using matchfund::testing::read_events_test::verdict;
using matchfund::testing::read_events_test::verdicts;
using matchfund::testing::read_events_test::without_places;

TEST_CASE("read_events: JSON Lines give the same events as CSV", "[read_events]") {
  const auto outcomes = read_file(data_dir / "good.jsonl");
  CHECK(without_places(outcomes) == good_events());
  CHECK(lines_of(outcomes) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8});
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
