// replay() reads event files two ways: streamed while a second thread reads (events in time
// order) and loaded whole then sorted (any order). Both must decide everything alike: the
// outputs, the rejections and, in strict mode, which bad event stops the run.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

using matchfund::testing::read_file;

const rule_set& worked_example() {
  static const rule_set rules = load_rules(fs::path(MATCHFUND_SOURCE_DIR) / "rules" / "spec-worked-example.yaml");
  return rules;
}

// A scratch directory with event files written into it, removed at the end.
struct scratch {
  fs::path directory = fs::temp_directory_path() / ("matchfund-replay-test-" + std::to_string(::getpid()));
  scratch() {
    fs::remove_all(directory);
    fs::create_directories(directory);
  }
  ~scratch() { fs::remove_all(directory); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(directory / name, std::ios::binary) << text;
    return directory / name;
  }
};

// The message of the error a strict replay stops with, by each path ("" when none), after
// checking that neither path left an output file.
std::string strict_error(const scratch& s, const std::vector<fs::path>& files, bool streamed) {
  replay_options options;
  options.stream_in_time_order = streamed;
  const fs::path out = s.directory / (streamed ? "out-streamed" : "out-loaded");
  std::string message;
  try {
    (void)replay(worked_example(), files, out, options);
  } catch (const error& e) {
    message = e.what();
    CHECK(fs::is_empty(out));
  }
  return message;
}

// Every output of a lenient, traced replay by each path, checked equal; returns rejected.csv.
std::string lenient_rejections(const scratch& s, const std::vector<fs::path>& files) {
  replay_options options;
  options.lenient = true;
  options.trace = true;
  (void)replay(worked_example(), files, s.directory / "streamed", options);
  options.stream_in_time_order = false;
  (void)replay(worked_example(), files, s.directory / "loaded", options);
  for (const char* name : {"ledger.csv", "projects.csv", "funds.csv", "outcomes.csv", "rejected.csv", "summary.json"}) {
    INFO(name);
    CHECK(read_file(s.directory / "streamed" / name) == read_file(s.directory / "loaded" / name));
  }
  return read_file(s.directory / "streamed" / "rejected.csv");
}

constexpr const char* header = "kind,id,time,donor,project,amount,ref\n";

}  // namespace

TEST_CASE("a repeated id stops a strict replay before an earlier refusal, by either path", "[replay]") {
  const scratch s;
  const auto file = s.write("events.csv", std::string(header) +
                                              "donation,d1,2021-09-07T10:00:00+08:00,A,p1,20.00,\n"
                                              "refund,r1,2021-09-07T10:01:00+08:00,,,,nowhere\n"
                                              "donation,d1,2021-09-07T10:02:00+08:00,B,p1,20.00,\n");
  const std::string expected = file.generic_string() + ":4: event d1: duplicate_id";
  CHECK(strict_error(s, {file}, true) == expected);
  CHECK(strict_error(s, {file}, false) == expected);
  CHECK(lenient_rejections(s, {file}) == "file,line,id,reason\n" + file.generic_string() +
                                             ",3,r1,unknown_donation\n" + file.generic_string() +
                                             ",4,d1,duplicate_id\n");
}

TEST_CASE("a bad field stops a strict replay before a repeated id or a refusal, by either path", "[replay]") {
  const scratch s;
  const auto file = s.write("events.csv", std::string(header) +
                                              "refund,r1,2021-09-07T10:00:00+08:00,,,,nowhere\n"
                                              "donation,d1,2021-09-07T10:01:00+08:00,A,p1,20.00,\n"
                                              "donation,d1,2021-09-07T10:02:00+08:00,A,p1,20.00,\n"
                                              "donation,d2,2021-09-07T10:03:00+08:00,A,p1,twenty,\n");
  const std::string expected = file.generic_string() + ":5: event d2: bad_field:amount";
  CHECK(strict_error(s, {file}, true) == expected);
  CHECK(strict_error(s, {file}, false) == expected);
}

TEST_CASE("the id of a refused event counts for repeated ids; a field-rejected one does not", "[replay]") {
  const scratch s;
  const auto file = s.write("events.csv", std::string(header) +
                                              "refund,r1,2021-09-07T10:00:00+08:00,,,,nowhere\n"
                                              "donation,r1,2021-09-07T10:01:00+08:00,A,p1,20.00,\n"
                                              "donation,d2,2021-09-07T10:02:00+08:00,A,nowhere,20.00,\n"
                                              "donation,d2,2021-09-07T10:03:00+08:00,A,p1,20.00,\n");
  const std::string name = file.generic_string();
  CHECK(strict_error(s, {file}, true) == name + ":4: event d2: unknown_project");  // a field comes first
  CHECK(strict_error(s, {file}, false) == name + ":4: event d2: unknown_project");
  CHECK(lenient_rejections(s, {file}) == "file,line,id,reason\n" + name + ",2,r1,unknown_donation\n" + name +
                                             ",3,r1,duplicate_id\n" + name + ",4,d2,unknown_project\n");
  CHECK(read_file(s.directory / "streamed" / "projects.csv").find("p1,o1,1,1,20.00,") != std::string::npos);
}

TEST_CASE("events out of time order are sorted: the streamed attempt gives way to loading", "[replay]") {
  const scratch s;
  // The second file starts earlier than the first ends; the later of two equal times in input
  // order comes second; a repeated id is the later in input order even when earlier in time.
  const auto first = s.write("a.csv", std::string(header) +
                                          "donation,d1,2021-09-07T10:00:00+08:00,A,p1,20.00,\n"
                                          "donation,d2,2021-09-07T11:00:00+08:00,B,p2,20.00,\n"
                                          "refund,r1,2021-09-07T11:00:00+08:00,,,5.00,d2\n");
  const auto second = s.write("b.csv", std::string(header) +
                                           "donation,d3,2021-09-07T10:30:00+08:00,C,p1,50.00,\n"
                                           "donation,d1,2021-09-07T09:00:00+08:00,D,p3,20.00,\n");
  CHECK(lenient_rejections(s, {first, second}) == "file,line,id,reason\n" + second.generic_string() + ",3,d1,duplicate_id\n");
  const std::string ledger = read_file(s.directory / "streamed" / "ledger.csv");
  CHECK(ledger.find(",d3,d3,C,p1,") < ledger.find(",d2,d2,B,p2,"));
  CHECK(ledger.find(",d2,d2,B,p2,") < ledger.find(",reversal,r1,d2,"));
  CHECK(strict_error(s, {first, second}, true) == second.generic_string() + ":3: event d1: duplicate_id");
}

TEST_CASE("streamed and loaded replays of a bundled campaign write the same bytes", "[replay]") {
  const scratch s;
  const fs::path events = fs::path(MATCHFUND_SOURCE_DIR) / "rules" / "spec-worked-example-events.csv";
  CHECK(lenient_rejections(s, {events}) == "file,line,id,reason\n");
  CHECK(read_file(s.directory / "streamed" / "ledger.csv").size() > 200);
}
