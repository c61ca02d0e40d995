// The matchfund program as a user runs it: output, error output and exit status.
// Golden files live in tests/golden/; run with MATCHFUND_APPROVE=1 to rewrite them from the
// current output (then read the diff before committing).
#include <catch2/catch.hpp>

#include "bundled_campaigns.hpp"
#include "cli_runner.hpp"
#include "file_text.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>
#include <sstream>
#include <string>

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
const fs::path source_dir = MATCHFUND_SOURCE_DIR;

using matchfund::testing::run_cli;
using matchfund::testing::run_result;
using matchfund::testing::read_file;

void check_golden(const run_result& result, const fs::path& golden) {
  const std::string actual =
      golden.extension() == ".txt" ? result.output + "[exit " + std::to_string(result.status) + "]\n" : result.output;
  if (const char* approve = std::getenv("MATCHFUND_APPROVE"); approve != nullptr && std::string(approve) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    WARN("approved " << golden.string());
    return;
  }
  INFO("golden file " << golden.string() << " (MATCHFUND_APPROVE=1 rewrites it)");
  REQUIRE(fs::exists(golden));
  CHECK(actual == read_file(golden));
}

}  // namespace

TEST_CASE("the embedded tests of every bundled rules file pass", "[cli]") {
  const auto names = matchfund::testing::bundled_rules_names(source_dir / "rules");
  CHECK(names.size() == matchfund::testing::bundled_rules_files);
  std::vector<std::string> without_tests;
  for (const std::string& stem : names) {
    INFO(stem);
    const auto result = run_cli("test rules/" + stem + ".yaml");
    CHECK(result.status == 0);
    CHECK(result.output.find("0 failed") != std::string::npos);
    if (result.output.find("PASS ") == std::string::npos) without_tests.push_back(stem);
  }
  // The campaigns bundled before embedded tests were asked of each file; this list only shrinks.
  CHECK(without_tests == std::vector<std::string>{"spec-worked-example"});
}

TEST_CASE("validate prints the summary of every bundled rules file", "[cli]") {
  const auto names = matchfund::testing::bundled_rules_names(source_dir / "rules");
  CHECK(names.size() == matchfund::testing::bundled_rules_files);
  for (const std::string& stem : names) {
    DYNAMIC_SECTION(stem) {
      const auto result = run_cli("validate rules/" + stem + ".yaml");
      CHECK(result.status == 0);
      check_golden(result, source_dir / "tests" / "golden" / "validate" / (stem + ".txt"));
    }
  }
}

TEST_CASE("replay writes the golden outputs of every bundled campaign with events", "[cli][replay]") {
  const auto names = matchfund::testing::bundled_campaign_names(source_dir / "rules");
  CHECK(names.size() == matchfund::testing::bundled_campaigns_with_events);
  for (const std::string& stem : names) {
    DYNAMIC_SECTION(stem) {
      const fs::path out = fs::temp_directory_path() / ("matchfund-replay-" + std::to_string(::getpid()) + "-" + stem);
      fs::remove_all(out);
      const auto result = run_cli("replay rules/" + stem + ".yaml rules/" + stem + "-events.csv --out '" +
                                  out.string() + "' --trace --lenient");
      CHECK(result.status == 0);
      const fs::path golden = source_dir / "tests" / "golden" / "replay" / stem;
      check_golden(result, golden / "stdout.txt");
      for (const char* name : {"ledger.csv", "projects.csv", "funds.csv", "outcomes.csv", "rejected.csv", "summary.json"}) {
        INFO(name);
        REQUIRE(fs::exists(out / name));
        check_golden({read_file(out / name), 0}, golden / name);
      }
      // holds.csv only where the events have holds (SPEC §12)
      if (fs::exists(out / "holds.csv")) {
        check_golden({read_file(out / "holds.csv"), 0}, golden / "holds.csv");
      } else {
        CHECK_FALSE(fs::exists(golden / "holds.csv"));
      }
      fs::remove_all(out);
    }
  }
}

TEST_CASE("a strict replay stops at the first bad event and writes nothing", "[cli][replay]") {
  const fs::path out = fs::temp_directory_path() / ("matchfund-replay-strict-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const fs::path events = fs::temp_directory_path() / ("matchfund-replay-strict-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(events) << "id,time,donor,project,amount\n"
                           "d1,2021-09-07T10:00:00+08:00,A,p1,20.00\n"
                           "d2,2021-09-07T10:01:00+08:00,A,nowhere,20.00\n";
  const auto result = run_cli("replay rules/spec-worked-example.yaml '" + events.string() + "' --out '" + out.string() + "'");
  CHECK(result.status == 2);
  CHECK(result.output == "matchfund replay: " + events.string() + ":3: event d2: unknown_project\n");
  CHECK_FALSE(fs::exists(out / "ledger.csv"));
  fs::remove(events);
  fs::remove_all(out);
}

TEST_CASE("test runs the embedded tests and reports each mismatch", "[cli]") {
  const auto passing = run_cli("test rules/bigive-christmas-challenge.yaml");
  CHECK(passing.status == 0);
  CHECK(passing.output ==
        "PASS pledges-first-then-champion\nPASS an-expired-hold-frees-its-match-for-the-next-donor\n2 passed, 0 failed\n");
  const auto mixed = run_cli("test tests/data/embedded-tests/mixed.yaml");
  CHECK(mixed.status == 1);
  check_golden(mixed, source_dir / "tests" / "golden" / "test" / "mixed.txt");
}

TEST_CASE("generate writes the same stream for the same seed", "[cli][generate]") {
  const auto first = run_cli("generate rules/tencent-99-2018.yaml --donations 12 --seed 2018");
  const auto again = run_cli("generate rules/tencent-99-2018.yaml --donations 12 --seed 2018");
  const auto other = run_cli("generate rules/tencent-99-2018.yaml --donations 12 --seed 2019");
  CHECK(first.status == 0);
  CHECK(first.output == again.output);
  CHECK(first.output != other.output);
  check_golden({first.output, 0}, source_dir / "tests" / "golden" / "generate" / "tencent-99-2018-seed-2018.csv");
}

TEST_CASE("quote tells what a donation would get now, after the events so far", "[cli][quote]") {
  const auto capped = run_cli("quote rules/spec-worked-example.yaml rules/spec-worked-example-events.csv "
                              "--donation id=q1,time=2021-09-08T13:00:00+08:00,donor=A,project=p1,amount=20.00");
  CHECK(capped.status == 0);
  check_golden(capped, source_dir / "tests" / "golden" / "quote" / "spec-worked-example-A-day2.txt");
  const auto matched = run_cli("quote rules/spec-worked-example.yaml rules/spec-worked-example-events.csv "
                               "--donation id=q1,time=2021-09-08T13:00:00+08:00,donor=E,project=p2,amount=20.00");
  CHECK(matched.status == 0);
  check_golden(matched, source_dir / "tests" / "golden" / "quote" / "spec-worked-example-E-day2.txt");
  const auto unknown = run_cli("quote rules/spec-worked-example.yaml --donation id=q1,time=2021-09-08T13:00:00+08:00,"
                               "donor=E,project=p2,amount=20.00,colour=red");
  CHECK(unknown.status == 2);
  CHECK(unknown.output == "matchfund quote: --donation: unknown event field \"colour\" (the names are id, time, donor, "
                          "project, amount, channel and attr.NAME)\n");
  const auto bad = run_cli("quote rules/spec-worked-example.yaml --donation id=q1,time=2021-09-08T13:00:00+08:00,"
                           "donor=E,project=p9,amount=20.00");
  CHECK(bad.status == 0);
  CHECK(bad.output == "not quoted: unknown_project\n");
}

TEST_CASE("explain traces one donation rule by rule", "[cli][explain]") {
  const auto traced = run_cli("explain rules/spec-worked-example.yaml rules/spec-worked-example-events.csv --event d4");
  CHECK(traced.status == 0);
  check_golden(traced, source_dir / "tests" / "golden" / "explain" / "spec-worked-example-d4.txt");
  // A hold: what it held rule by rule, then how it ended (SPEC §12).
  const auto held = run_cli("explain rules/bigive-christmas-challenge.yaml rules/bigive-christmas-challenge-events.csv --event bg-h02");
  CHECK(held.status == 0);
  check_golden(held, source_dir / "tests" / "golden" / "explain" / "bigive-christmas-challenge-bg-h02.txt");
  const auto confirmed = run_cli("explain rules/bigive-christmas-challenge.yaml rules/bigive-christmas-challenge-events.csv --event bg-h01");
  CHECK(confirmed.status == 0);
  check_golden(confirmed, source_dir / "tests" / "golden" / "explain" / "bigive-christmas-challenge-bg-h01.txt");
  const auto missing = run_cli("explain rules/spec-worked-example.yaml rules/spec-worked-example-events.csv --event nope");
  CHECK(missing.status == 2);
  CHECK(missing.output == "matchfund explain: no donation with id \"nope\" in the event files\n");
}

TEST_CASE("validate prints every error of an invalid file and exits 2", "[cli]") {
  const auto result = run_cli("validate tests/data/bad-rules/multiple-errors.yaml");
  CHECK(result.status == 2);
  check_golden(result, source_dir / "tests" / "golden" / "validate" / "multiple-errors.txt");
}

TEST_CASE("validate checks every file and fails if any is invalid", "[cli]") {
  const auto result = run_cli("validate rules/spec-worked-example.yaml no-such-file.yaml");
  CHECK(result.status == 2);
  CHECK(result.output.find("rules/spec-worked-example.yaml: valid\n") != std::string::npos);
  CHECK(result.output.find("no-such-file.yaml: cannot read no-such-file.yaml: No such file or directory [file_unreadable]\n") !=
        std::string::npos);
}

TEST_CASE("help, version and usage errors", "[cli]") {
  const auto help = run_cli("--help");
  CHECK(help.status == 0);
  CHECK(help.output.rfind("matchfund - matching-fund allocations for charity campaigns\n", 0) == 0);
  CHECK(help.output.find("matchfund validate RULES.yaml [RULES.yaml...]") != std::string::npos);
  // replay runs the close-out steps, and the help says so.
  CHECK(help.output.find("the close-out steps) and write ledger.csv") != std::string::npos);
  CHECK(help.output.find("not run") == std::string::npos);

  const auto version = run_cli("--version");
  CHECK(version.status == 0);
  CHECK(version.output == "matchfund 0.1.0 (rules format 1)\n");

  const auto unknown = run_cli("frobnicate");
  CHECK(unknown.status == 2);
  CHECK(unknown.output.rfind("matchfund: unknown command \"frobnicate\"\n", 0) == 0);

  const auto nothing = run_cli("validate");
  CHECK(nothing.status == 2);
  CHECK(nothing.output == "matchfund validate: give at least one rules file\n");

  const auto bad_option = run_cli("--frobnicate");
  CHECK(bad_option.status == 2);
  CHECK(bad_option.output.rfind("matchfund: unrecognised option '--frobnicate'\n", 0) == 0);
}
