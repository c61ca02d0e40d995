// CSV event files (SPEC §3.2): BOM, CRLF, quoted and multi-line records, the line of every
// rejection, headers and their columns, and the file-level errors of the CSV syntax.
#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "read_events_test_support.hpp"

using matchfund::event;
using matchfund::event_format;
using matchfund::event_kind;
using matchfund::rejected_event;
using matchfund::testing::read_events_test::at;
using matchfund::testing::read_events_test::data_dir;
using matchfund::testing::read_events_test::file_error;
using matchfund::testing::read_events_test::good_events;
using matchfund::testing::read_events_test::lines_of;
using matchfund::testing::read_events_test::read_file;
using matchfund::testing::read_events_test::read_text;
using matchfund::testing::read_events_test::verdict;
using matchfund::testing::read_events_test::verdicts;
using matchfund::testing::read_events_test::without_places;

TEST_CASE("read_events: CSV with BOM, CRLF, quoted fields and multi-line records", "[read_events]") {
  const auto outcomes = read_file(data_dir / "good.csv", 3);
  CHECK(without_places(outcomes) == good_events());
  // d3 spans lines 4 to 6 (line breaks inside quotes); the next record starts on line 7.
  CHECK(lines_of(outcomes) == std::vector<std::uint64_t>{2, 3, 4, 7, 8, 9, 10, 11});
  for (const auto& o : outcomes) CHECK(std::get<event>(o).file_index == 3);
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
