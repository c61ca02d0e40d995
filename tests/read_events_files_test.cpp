// Event files as a whole: the format a file name gives, several files in order, and file-level
// errors (their parts, unreadable and damaged files, the events handed over before one).
#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/error.hpp"
#include "read_events_test_support.hpp"

namespace fs = std::filesystem;
using matchfund::event;
using matchfund::event_file_error;
using matchfund::event_format;
using matchfund::rejected_event;
using matchfund::testing::read_events_test::data_dir;
using matchfund::testing::read_events_test::read_file;
using matchfund::testing::read_events_test::read_text;
using matchfund::testing::read_events_test::test_rules;

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
