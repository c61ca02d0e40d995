// `matchfund simulate` end to end: the same bytes in every file whatever --threads is, the
// summary it prints, a sweep's tables, and the exact message of each usage or input mistake.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "file_text.hpp"
#include "random_campaign.hpp"

using matchfund::testing::fresh_directory;
using matchfund::testing::read_file;
using matchfund::testing::run_cli;
namespace fs = std::filesystem;

namespace {

const std::string small_run =
    "simulate rules/tencent-99-2018.yaml --demand tests/data/simulate/small-tencent-demand.yaml "
    "--set funds.tencent.budget=150万 --set funds.enterprise-a.budget=60万 --seed 9";

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("simulate writes the same bytes with --threads 1 and --threads 2", "[cli][simulate]") {
  const fs::path one = fresh_directory("cli-simulate-1");
  const fs::path two = fresh_directory("cli-simulate-2");
  const auto first = run_cli(small_run + " --runs 4 --threads 1 --out '" + one.string() + "'");
  const auto second = run_cli(small_run + " --runs 4 --threads 2 --out '" + two.string() + "'");
  INFO(first.output);
  REQUIRE(first.status == 0);
  REQUIRE(second.status == 0);
  std::size_t compared = 0;
  for (const char* name : {"runs.csv", "funds.csv", "releases.csv", "projects.csv", "curves.csv", "simulation.json",
                           "report.html"}) {
    INFO(name);
    const std::string text = read_file(one / name);
    CHECK(text.size() > 100);
    CHECK(text == read_file(two / name));
    ++compared;
  }
  CHECK(compared == 7);
  CHECK(line_count(read_file(one / "runs.csv")) == 5);  // a header and 4 runs
  CHECK(line_count(read_file(one / "funds.csv")) == 4);  // a header and 3 funds
  // The summary: one line per fund, the files, and (not a terminal) a progress line per run.
  CHECK(first.output.find("fund tencent: exhausted in ") == 0);
  CHECK(first.output.find("\nreport: " + (one / "report.html").generic_string() + "\n") != std::string::npos);
  CHECK(first.output.find("simulate: 4/4 runs\n") != std::string::npos);
  fs::remove_all(one);
  fs::remove_all(two);
}

TEST_CASE("simulate --sweep runs each point and labels every row with it", "[cli][simulate]") {
  const fs::path out = fresh_directory("cli-simulate-sweep");
  const auto result = run_cli(small_run + " --runs 2 --sweep funds.tencent.budget=100万:200万:50万 --out '" +
                              out.string() + "'");
  INFO(result.output);
  REQUIRE(result.status == 0);
  const std::string funds = read_file(out / "funds.csv");
  CHECK(funds.rfind("point,funds.tencent.budget,fund,budget,runs,", 0) == 0);
  CHECK(line_count(funds) == 1 + 3 * 3);
  CHECK(funds.find("\n1,1000000.00,tencent,1000000.00,2,") != std::string::npos);
  CHECK(funds.find("\n3,2000000.00,tencent,2000000.00,2,") != std::string::npos);
  CHECK(line_count(read_file(out / "runs.csv")) == 1 + 3 * 2);
  CHECK(result.output.find("funds.tencent.budget=1500000.00: fund tencent: exhausted in ") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("simulate names each usage mistake and writes nothing", "[cli][simulate]") {
  const fs::path out = fresh_directory("cli-simulate-usage");
  const std::string demand = " --demand tests/data/simulate/small-tencent-demand.yaml";
  struct mistake {
    std::string arguments;
    std::string message;
  };
  const mistake mistakes[] = {
      {"simulate --runs 2 --seed 1 --out X" + demand, "matchfund simulate: give one rules file\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 2 --seed 1 --out X",
       "matchfund simulate: give the demand model, --demand DEMAND.yaml, or past events, --from-events EVENTS...\n"},
      {"simulate rules/tencent-99-2018.yaml --from-events rules/tencent-99-2018-events.csv --runs 2 --seed 1 --out X" +
           demand,
       "matchfund simulate: give --demand or --from-events, not both\n"},
      {"simulate rules/tencent-99-2018.yaml --scale 2 --runs 2 --seed 1 --out X" + demand,
       "matchfund simulate: --scale, --volume-sd and --gift-sd go with --from-events\n"},
      {"simulate rules/tencent-99-2018.yaml --from-events rules/tencent-99-2018-events.csv --scale abc --runs 2 "
       "--seed 1 --out X",
       "matchfund simulate: --scale invalid ratio \"abc\": expected a non-negative decimal or a percent such as "
       "\"50%\"\n"},
      {"simulate rules/spec-worked-example.yaml --from-events rules/tencent-99-2018-events.csv --runs 2 --seed 1 "
       "--out X",
       "rules/tencent-99-2018-events.csv:2: event g-1: unknown_project (recorded events must be valid for the rules "
       "simulated)\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 0 --seed 1 --out X" + demand,
       "matchfund simulate: give the number of runs, --runs N (1 to 1000000)\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 2 --out X" + demand, "matchfund simulate: give the seed, --seed S\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 2 --seed 1" + demand,
       "matchfund simulate: give the output folder, --out DIR\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 2 --seed 1 --threads 0 --out X" + demand,
       "matchfund simulate: --threads is 1 to 256\n"},
      {"simulate rules/tencent-99-2018.yaml --runs 2 --seed 1 --set funds.tencent.budget --out X" + demand,
       "matchfund simulate: --set funds.tencent.budget: expected KEY=VALUE\n"},
      {"simulate rules/spec-worked-example.yaml --runs 2 --seed 1 --out '" + out.string() + "'" + demand,
       "tests/data/simulate/small-tencent-demand.yaml:5:11: campaign: the demand is for campaign \"tencent-99-2018\", "
       "the rules are for \"worked-example\" [campaign_mismatch]\n"},
  };
  std::size_t seen = 0;
  for (const auto& [arguments, message] : mistakes) {
    INFO(arguments);
    const auto result = run_cli(arguments);
    CHECK(result.status == 2);
    CHECK(result.output == message);
    ++seen;
  }
  CHECK(seen == 12);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("simulate --from-events resamples a recorded stream, the same bytes on any thread count", "[cli][simulate]") {
  const fs::path one = fresh_directory("cli-simulate-recorded-1");
  const fs::path two = fresh_directory("cli-simulate-recorded-2");
  const std::string run =
      "simulate rules/tencent-99-2018.yaml --from-events rules/tencent-99-2018-events.csv --scale 20 --volume-sd 0.15 "
      "--gift-sd 0.1 --set funds.tencent.budget=3万 --runs 10 --seed 1";
  const auto first = run_cli(run + " --threads 1 --out '" + one.string() + "'");
  const auto second = run_cli(run + " --threads 2 --out '" + two.string() + "'");
  INFO(first.output);
  REQUIRE(first.status == 0);
  REQUIRE(second.status == 0);
  const std::string runs = read_file(one / "runs.csv");
  CHECK(runs == read_file(two / "runs.csv"));
  CHECK(read_file(one / "funds.csv") == read_file(two / "funds.csv"));
  CHECK(line_count(runs) == 11);
  CHECK(runs.find(",param[donations.volume],param[amounts.scale]\n") != std::string::npos);
  const std::string json = read_file(one / "simulation.json");
  CHECK(json.find("rules/tencent-99-2018-events.csv") != std::string::npos);
  fs::remove_all(one);
  fs::remove_all(two);
}

namespace {

// funds.csv's "0.7500" as the report writes it: "75%".
std::string share_as_shown(const std::string& cell) {
  const int ten_thousandths = std::stoi(cell.substr(0, 1)) * 10'000 + std::stoi(cell.substr(2, 4));
  std::string text = std::to_string(ten_thousandths / 100);
  if (ten_thousandths % 100 != 0) {
    text += "." + std::to_string(ten_thousandths % 100 / 10) + (ten_thousandths % 10 != 0 ? std::to_string(ten_thousandths % 10) : "");
  }
  return text + "%";
}

// "2018-09-07T14:56:05.611+08:00" as the report writes it: "09-07 14:56"; empty: "not run out".
std::string time_as_shown(const std::string& cell) {
  return cell.empty() ? "not run out" : cell.substr(5, 5) + " " + cell.substr(11, 5);
}

}  // namespace

TEST_CASE("a simulation's report shows the numbers of its releases.csv and funds.csv", "[cli][simulate][report]") {
  const fs::path out = fresh_directory("cli-simulate-report");
  const auto result = run_cli(small_run + " --runs 4 --out '" + out.string() + "'");
  INFO(result.output);
  REQUIRE(result.status == 0);
  const std::string html = read_file(out / "report.html");
  const auto releases = matchfund::testing::csv_cells(read_file(out / "releases.csv"));
  REQUIRE(releases.size() == 1 + 5);  // tencent's three tranches, the enterprise funds' one each
  CHECK(releases[0] == std::vector<std::string>{"point", "fund", "release", "at", "amount", "runs", "exhausted_runs",
                                                "exhausted_share", "exhausted_p5", "exhausted_p50", "exhausted_p95"});
  std::size_t tranches = 0;
  for (std::size_t r = 1; r < releases.size(); ++r) {
    const auto& cells = releases[r];
    REQUIRE(cells.size() == 11);
    if (cells[1] != "tencent") continue;
    const std::string row_end = "<td class=\"num\">" + share_as_shown(cells[7]) + "</td><td class=\"num\">" +
                                time_as_shown(cells[8]) + "</td><td class=\"num\">" + time_as_shown(cells[9]) +
                                "</td><td class=\"num\">" + time_as_shown(cells[10]) + "</td></tr>";
    INFO(row_end);
    CHECK(html.find("<tr><td>tencent</td><td>" + time_as_shown(cells[3]) + "</td>") != std::string::npos);
    CHECK(html.find(row_end) != std::string::npos);
    ++tranches;
  }
  CHECK(tranches == 3);
  const auto funds = matchfund::testing::csv_cells(read_file(out / "funds.csv"));
  const auto& tencent = funds.at(1);
  REQUIRE(tencent[1] == "tencent");
  CHECK(html.find("<div class=\"label\">tencent runs out</div><div class=\"value\">" + share_as_shown(tencent[5]) +
                  "</div><div class=\"detail\">in " + tencent[4] + " of 4 runs</div>") != std::string::npos);
  fs::remove_all(out);
}
