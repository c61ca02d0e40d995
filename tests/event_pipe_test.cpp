// The replay's reading thread: events handed over in file order and in batches, and every
// event whose id repeats an earlier one named by maybe_repeated(), across batches and files.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "read/event_pipe.hpp"
#include "matchfund/load_rules.hpp"

namespace fs = std::filesystem;
using matchfund::event;
using matchfund::rejected_event;
using matchfund::detail::event_pipe;
using matchfund::testing::fresh_directory;

TEST_CASE("the event pipe names every repeated id, across batches and files", "[replay][pipe]") {
  const matchfund::rule_set rules =
      matchfund::load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
  const fs::path directory = fresh_directory("event-pipe");
  fs::create_directories(directory);
  // 10,000 donations in two files (more than two batches); every 997th repeats the id of the
  // donation 5,000 rows before it, and one row is bad (it is rejected, its id never counted).
  std::set<std::string> expected_repeats;
  std::vector<std::string> expected_ids;
  std::ofstream first(directory / "a.csv", std::ios::binary);
  std::ofstream second(directory / "b.csv", std::ios::binary);
  first << "id,time,donor,project,amount\n";
  second << "id,time,donor,project,amount\n";
  for (int row = 0; row < 10'000; ++row) {
    std::string id = "d" + std::to_string(row);
    if (row >= 5'000 && row % 997 == 0) {
      id = "d" + std::to_string(row - 5'000);
      expected_repeats.insert(std::to_string(row) + ":" + id);
    }
    std::ofstream& out = row < 6'000 ? first : second;
    if (row == 123) {
      out << "bad-row,2021-09-07T10:00:00+08:00,A,p1,-1.00\n";
      continue;
    }
    out << id << ",2021-09-07T10:00:00+08:00,A,p1,1.00\n";
    expected_ids.push_back(id);
  }
  first.close();
  second.close();
  // A repeat of the bad row's id is new: a bad row counts for nothing.
  std::ofstream(directory / "b.csv", std::ios::app | std::ios::binary) << "bad-row,2021-09-07T10:00:00+08:00,A,p1,1.00\n";
  expected_ids.push_back("bad-row");

  const std::vector<matchfund::event_source> sources{{"a.csv", directory / "a.csv", nullptr},
                                                     {"b.csv", directory / "b.csv", nullptr}};
  std::vector<std::string> rejected;
  std::vector<std::string> ids;
  std::set<std::string> repeats;
  std::size_t batches = 0;
  {
    event_pipe pipe(rules, sources, 100, [&](rejected_event&& bad) { rejected.push_back(bad.id); });
    for (auto batch = pipe.next(); !batch.empty(); batch = pipe.next()) {
      ++batches;
      std::size_t previous = 0;
      for (const std::uint32_t at : pipe.maybe_repeated()) {
        REQUIRE(at < batch.size());
        CHECK((repeats.empty() || at >= previous));
        previous = at;
        repeats.insert(std::to_string(ids.size() + at + (ids.size() + at >= 123 ? 1 : 0)) + ":" + batch[at].id);
      }
      for (const event& e : batch) ids.push_back(e.id);
    }
  }
  CHECK(batches >= 3);
  CHECK(ids == expected_ids);
  CHECK(rejected == std::vector<std::string>{"bad-row"});
  CHECK(repeats == expected_repeats);
  CHECK(repeats.size() == 5);
  fs::remove_all(directory);
}
