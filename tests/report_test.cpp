// The HTML reports (include/matchfund/report.hpp, src/report/): money as a reader reads it, the
// fund curves rebuilt from every bundled campaign's golden replay, the numbers of the pages
// against the files they come from, self-containment, determinism and the errors on bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bundled_campaigns.hpp"
#include "cli_runner.hpp"
#include "file_text.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/report.hpp"
#include "report/gini.hpp"
#include "report/money_display.hpp"
#include "report/replay_inputs.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif
#ifndef MATCHFUND_TEST_DATA_DIR
#define MATCHFUND_TEST_DATA_DIR "tests/data"
#endif

namespace {

namespace fs = std::filesystem;
using namespace matchfund;
using namespace matchfund::reporting;

const fs::path source_dir = MATCHFUND_SOURCE_DIR;
const fs::path golden_dir = source_dir / "tests" / "golden" / "replay";
const fs::path simulation_fixtures = fs::path(MATCHFUND_TEST_DATA_DIR) / "simulation-output";

std::string amount(std::string_view text, std::string_view currency, minor_digits_t digits = 2) {
  return format_amount(parse_money(text, digits).value(), {std::string(currency), digits});
}

rule_set bundled_rules(const std::string& name) { return load_rules(source_dir / "rules" / (name + ".yaml")); }

// A page names nothing outside itself: no address, no script, no stylesheet or font to fetch.
void check_self_contained(const std::string& html) {
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") != std::string::npos);
}

bool contains(const std::string& html, const std::string& text) { return html.find(text) != std::string::npos; }

// The message of the error `action` throws, or "" when it throws none.
template <class Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const matchfund::error& e) {
    return e.what();
  }
  return {};
}

void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("CNY amounts read in 万 and 亿, small ones to the fen", "[report]") {
  CHECK(amount("1612.86", "CNY") == "1,612.86");
  CHECK(amount("0.00", "CNY") == "0.00");
  CHECK(amount("9999.99", "CNY") == "9,999.99");
  CHECK(amount("-416.66", "CNY") == "-416.66");
  CHECK(amount("10000.00", "CNY") == "1万");
  CHECK(amount("88130000.00", "CNY") == "8,813万");
  CHECK(amount("4999608.00", "CNY") == "499.96万");
  CHECK(amount("4999650.00", "CNY") == "499.97万");  // half away from zero
  CHECK(amount("-4999650.00", "CNY") == "-499.97万");
  CHECK(amount("99999999.99", "CNY") == "1亿");  // 10,000.00万 rounds up into 亿
  CHECK(amount("299990000.00", "CNY") == "2.9999亿");
  CHECK(amount("299968387.14", "CNY") == "2.9997亿");
  CHECK(amount("502000000.00", "CNY") == "5.02亿");
  CHECK(amount("10000000000000.00", "CNY") == "100,000亿");
}

TEST_CASE("other currencies read with their symbol and three significant digits", "[report]") {
  CHECK(amount("7000000.00", "USD") == "$7.00M");
  CHECK(amount("20000000.00", "GBP") == "\xC2\xA3" "20.0M");
  CHECK(amount("250000.00", "USD") == "$250K");
  CHECK(amount("20000.00", "USD") == "$20.0K");
  CHECK(amount("9999.99", "USD") == "$9,999.99");
  CHECK(amount("10000.00", "USD") == "$10.0K");
  CHECK(amount("999999.99", "USD") == "$1.00M");  // 1000K is 1.00M
  CHECK(amount("1234567.00", "EUR") == "\xE2\x82\xAC" "1.23M");
  CHECK(amount("2500000000.00", "USD") == "$2.50B");
  CHECK(amount("-416.66", "USD") == "-$416.66");
  CHECK(amount("7000000", "JPY", 0) == "JPY 7.00M");
  CHECK(amount("1234.5", "CHF", 1) == "CHF 1,234.5");
  CHECK(format_amount_exact(money::from_minor(700'000'000), {"USD", 2}) == "$7,000,000.00");
  CHECK(format_amount_exact(money::from_minor(29'996'838'714), {"CNY", 2}) == "299,968,387.14");
  CHECK(format_axis_amount(money::from_minor(700'000'000), {"USD", 2}) == "$7M");
  CHECK(format_axis_amount(money::from_minor(250'000'000), {"USD", 2}) == "$2.5M");
  CHECK(format_axis_amount(money::from_minor(2'000'000'000), {"CNY", 2}) == "2,000万");
  CHECK(format_axis_amount(money::zero(), {"CNY", 2}) == "0");
}

TEST_CASE("shares and counts read exactly", "[report]") {
  CHECK(format_share(8300) == "83%");
  CHECK(format_share(8350) == "83.5%");
  CHECK(format_share(12) == "0.12%");
  CHECK(format_share(10'000) == "100%");
  CHECK(format_share(0) == "0%");
  CHECK(parse_share("0.8300") == 8300);
  CHECK(parse_share("1") == 10'000);
  CHECK_THROWS_AS(parse_share("1.5"), parse_error);
  CHECK_THROWS_AS(parse_share("0.12345"), parse_error);
  CHECK(share_in_ten_thousandths(7, 10) == 7000);
  CHECK(share_in_ten_thousandths(1, 3) == 3333);
  CHECK(share_in_ten_thousandths(2, 3) == 6667);
  CHECK(format_count(68'700'000) == "68,700,000");
  CHECK(group_thousands("123") == "123");
}

TEST_CASE("the Gini coefficient is a fraction of integers, shown to two decimals", "[report]") {
  CHECK_FALSE(gini_coefficient({0, 0, 0}));
  CHECK(format_two_decimals(*gini_coefficient({5, 5, 5, 5})) == "0.00");
  CHECK(format_two_decimals(*gini_coefficient({0, 0, 0, 1})) == "0.75");  // (2*4 - 5) / 4
  const auto gini = gini_coefficient({3, 1, 2});                        // (2*14 - 4*6) / 18 = 2/9
  REQUIRE(gini);
  CHECK(gini->numerator * 9 == gini->denominator * 2);
  CHECK(format_two_decimals(*gini) == "0.22");
  CHECK(format_two_decimals({1, 8}) == "0.13");  // 0.125: halves go up
}

TEST_CASE("each fund's curve rebuilt from releases and ledger ends at funds.csv's available_end", "[report]") {
  std::size_t campaigns = 0;
  std::size_t funds = 0;
  for (const auto& entry : fs::directory_iterator(golden_dir)) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    const rule_set rules = bundled_rules(name);
    const replay_outputs outputs = read_replay_outputs(entry.path(), rules);
    REQUIRE(outputs.depletion.size() == rules.funds().size());
    REQUIRE(outputs.funds.size() == rules.funds().size());
    for (const fund_depletion& curve : outputs.depletion) {
      INFO(curve.fund);
      const auto row = std::find_if(outputs.funds.begin(), outputs.funds.end(),
                                    [&](const fund_row& r) { return r.id == curve.fund; });
      REQUIRE(row != outputs.funds.end());
      CHECK(curve.end == row->available_end);
      CHECK(curve.available.back().minor == row->available_end.minor_units());
      CHECK(std::is_sorted(curve.available.begin(), curve.available.end(),
                           [](const step_point& a, const step_point& b) { return a.time_ms < b.time_ms; }));
      ++funds;
    }
    ++campaigns;
  }
  CHECK(campaigns == testing::bundled_campaigns_with_events);
  CHECK(funds == 36);  // the rows of the twenty-three funds.csv files
}

TEST_CASE("expired and forfeited money leave the rebuilt curve as they leave the fund", "[report]") {
  // Expiry at the second release, a refund forfeited and one returned: the lines of the ledger
  // the bundled campaigns do not have.
  const std::string yaml = R"(matchfund: 1
campaign: { id: lapse, name: Lapse, currency: CNY, timezone: "+08:00",
            start: 2021-09-07T00:00:00+08:00, end: 2021-09-09T00:00:00+08:00 }
projects: [ { id: p1, organization: o1 } ]
funds:
  - id: F
    budget: "100.00"
    expire_unused: true
    releases:
      - { at: 2021-09-07T10:00:00+08:00, amount: "60.00" }
      - { at: 2021-09-08T10:00:00+08:00, amount: "40.00" }
rules:
  - { id: M, sources: [F], ratio: "1", on_refund: forfeit }
)";
  const fs::path folder = testing::fresh_directory("report-lapse");
  fs::create_directories(folder / "out");
  write_text(folder / "rules.yaml", yaml);
  write_text(folder / "events.csv",
             "kind,id,time,donor,project,amount,ref,disposition\n"
             "donation,d1,2021-09-07T11:00:00+08:00,A,p1,20.00,,\n"
             "donation,d2,2021-09-07T12:00:00+08:00,B,p1,10.00,,\n"
             "refund,r1,2021-09-07T13:00:00+08:00,,,20.00,d1,\n"
             "refund,r2,2021-09-07T14:00:00+08:00,,,5.00,d2,return\n"
             "donation,d3,2021-09-08T11:00:00+08:00,C,p1,15.00,,\n");
  const rule_set rules = load_rules(folder / "rules.yaml");
  const std::vector<fs::path> events = {folder / "events.csv"};
  (void)replay(rules, events, folder / "out", replay_options{});
  const std::string ledger = testing::read_file(folder / "out" / "ledger.csv");
  REQUIRE(contains(ledger, ",expiry,"));
  REQUIRE(contains(ledger, ",forfeit"));
  REQUIRE(contains(ledger, ",return"));
  const replay_outputs outputs = read_replay_outputs(folder / "out", rules);
  REQUIRE(outputs.depletion.size() == 1);
  CHECK(outputs.depletion[0].end == outputs.funds[0].available_end);
  // 60 - 20 - 10 + 5 (returned; the 20 forfeited are not), 35 expire at the second release, 40 - 15
  // expire at the close.
  CHECK(format_amount_exact(outputs.depletion[0].end, {"CNY", 2}) == "0.00");
  const std::vector<step_point>& curve = outputs.depletion[0].available;
  REQUIRE(curve.size() == 8);
  CHECK(curve[4].minor == 35'00);  // after the refunds: 30.00 + 5.00 returned
  CHECK(curve[5].minor == 40'00);  // 35.00 expired, 40.00 released at the same instant
  CHECK(curve[6].minor == 25'00);
  fs::remove_all(folder);
}

TEST_CASE("the replay report shows the numbers of the replay's files", "[report]") {
  const fs::path replay_dir = golden_dir / "tencent-99-2018";
  const rule_set rules = bundled_rules("tencent-99-2018");
  const std::string html = replay_report_html(replay_dir, rules);
  check_self_contained(html);
  CHECK(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
  // summary.json totals and counts
  CHECK(contains(html, "<div class=\"label\">raised</div><div class=\"value\">6,310.00</div>"));
  CHECK(contains(html, "<div class=\"label\">matched</div><div class=\"value\">2,607.86</div>"));
  CHECK(contains(html, "<div class=\"label\">donations</div><div class=\"value\">300</div>"));
  CHECK(contains(html, "<div class=\"value\">all 5 hold</div>"));
  // funds.csv: tencent's budget 299990000.00, released 299970000.00, drawn 1612.86,
  // available_end 299968387.14; enterprise-a's budget 5000000.00 and available_end 4999608.00
  CHECK(contains(html, "<tr><td>tencent</td><td class=\"num\">2.9999亿</td><td class=\"num\">2.9997亿</td>"
                       "<td class=\"num\">1,612.86</td>"));
  CHECK(contains(html, "<tr><td>enterprise-a</td><td class=\"num\">500万</td>"));
  CHECK(contains(html, "<td class=\"num\">499.96万</td><td>never</td></tr>"));
  CHECK(contains(html, "The rebuilt curve ends at 299,968,387.14, funds.csv's available_end for tencent."));
  CHECK(contains(html, ">+9,999万</text>"));  // a release mark
  // projects.csv: proj-009 is the most matched (394.05), then 20 bars and the rest together
  CHECK(contains(html, "<text class=\"value-label\" x="));
  CHECK(contains(html, ">394.05</text>"));
  CHECK(contains(html, "the other 20"));
  // outcomes of summary.json
  CHECK(contains(html, ">not_eligible</text>"));
  CHECK(contains(html, ">365</text>"));
  CHECK(contains(html, "No close-out payout"));
  CHECK(html == replay_report_html(replay_dir, rules));  // byte for byte, every time
}

TEST_CASE("the replay report lists close-out payouts by step and marks an exhausted fund", "[report]") {
  const std::string html = replay_report_html(golden_dir / "bigive-christmas-challenge",
                                              bundled_rules("bigive-christmas-challenge"));
  check_self_contained(html);
  CHECK(contains(html, "<html lang=\"en\">"));
  CHECK(contains(html, "<h3>Step retrospective</h3>"));
  CHECK(contains(html, "<tr><td>food-larder</td><td class=\"num\">\xC2\xA3" "99.99</td><td class=\"num\">\xC2\xA3"
                       "99.99</td></tr>"));
  CHECK(contains(html, ">exhausted 12-03 09:30</text>"));
  CHECK(contains(html, "<td>2025-12-03 09:30:00</td>"));
  CHECK(contains(html, "<div class=\"label\">donations</div><div class=\"value\">13</div><div class=\"detail\">and 4 "
                       "holds</div>"));
}

TEST_CASE("a replay report needs the rules of the run", "[report]") {
  const fs::path replay_dir = golden_dir / "tencent-99-2018";
  const std::string message = error_of([&] { (void)replay_report_html(replay_dir, bundled_rules("spec-worked-example")); });
  CHECK(message == (replay_dir / "summary.json").generic_string() + ": the rules file " +
                       (source_dir / "rules" / "spec-worked-example.yaml").string() +
                       " does not match the rules of the run (sha256 "
                       "b6dbf780a1dda03f5a71d917b2ec7a2023e5cdb01c1384e2159fc9c1cabd9360, the run's "
                       "b29b173c6f824b0ae66a82154e20cfc2001b927b4c6239f5b91c8831b696179f)");
  const rule_set rules =
      load_rules_of_replay(replay_dir, source_dir / "rules" / "tencent-99-2018.yaml");
  CHECK(rules.campaign().id == bundled_rules("tencent-99-2018").campaign().id);
}

TEST_CASE("a malformed replay output is an error naming file, line and column", "[report]") {
  const fs::path folder = testing::fresh_directory("report-malformed");
  copy_folder(golden_dir / "tencent-99-2018", folder);
  const rule_set rules = bundled_rules("tencent-99-2018");
  std::string funds = testing::read_file(folder / "funds.csv");
  funds.replace(funds.find("5000000.00"), 10, "5000000.001");
  write_text(folder / "funds.csv", funds);
  CHECK(error_of([&] { (void)replay_report_html(folder, rules); }) ==
        (folder / "funds.csv").generic_string() +
            ":2: column budget: money \"5000000.001\" is not a whole number of minor units (at most 2 fraction "
            "digits)");
  funds.replace(funds.find("5000000.001"), 11, "5000000.00,1");
  write_text(folder / "funds.csv", funds);
  CHECK(error_of([&] { (void)replay_report_html(folder, rules); }) ==
        (folder / "funds.csv").generic_string() + ":2:81: too many fields");
  copy_folder(golden_dir / "tencent-99-2018", folder);
  write_text(folder / "ledger.csv", "seq,time,kind\n1,2018-09-07T09:00:30.689+08:00,match\n");
  CHECK(error_of([&] { (void)replay_report_html(folder, rules); }) ==
        (folder / "ledger.csv").generic_string() + ": no column project");
  fs::remove_all(folder);
}

TEST_CASE("the simulation report shows the numbers of the simulation's files", "[report]") {
  const fs::path folder = simulation_fixtures / "basic";
  const std::string html = simulation_report_html(folder);
  check_self_contained(html);
  CHECK(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
  // funds.csv: tencent runs out in 0.7000 of the runs, at 2021-09-09T20:35 (p50), budget
  // 30000000.00, left_p95 4080000.00; enterprise in 1.0000, budget 2000000.00
  CHECK(contains(html, "<div class=\"label\">tencent runs out</div><div class=\"value\">70%</div>"
                       "<div class=\"detail\">in 7 of 10 runs</div>"));
  CHECK(contains(html, "<div class=\"label\">tencent runs out at (median)</div><div class=\"value\">09-09 20:35</div>"
                       "<div class=\"detail\">p5 09-09 18:54, p95 not run out</div>"));
  CHECK(contains(html, "<div class=\"label\">enterprise runs out</div><div class=\"value\">100%</div>"));
  CHECK(contains(html, "<tr><td>tencent</td><td class=\"num\">3,000万</td><td class=\"num\">70%</td>"));
  CHECK(contains(html, "<td class=\"num\">408万</td></tr>"));
  CHECK(contains(html, "<tr><td>enterprise</td><td class=\"num\">200万</td><td class=\"num\">100%</td>"));
  // releases.csv: the tencent tranches (enterprise has one release: no row of its own)
  CHECK(contains(html, "<h3 id=\"tranches\">Tranches</h3>"));
  CHECK(contains(html, "<tr><td>tencent</td><td>09-07 10:00</td><td class=\"num\">1,000万</td><td class=\"num\">100%</td>"
                       "<td class=\"num\">09-07 11:02</td><td class=\"num\">09-07 11:48</td><td class=\"num\">09-07 13:15</td></tr>"));
  CHECK(contains(html, "<tr><td>tencent</td><td>09-08 10:00</td><td class=\"num\">1,000万</td><td class=\"num\">90%</td>"
                       "<td class=\"num\">09-08 11:03</td><td class=\"num\">09-08 11:47</td><td class=\"num\">not run out</td></tr>"));
  CHECK_FALSE(contains(html, "<tr><td>enterprise</td><td>09-07 09:00</td>"));
  // runs.csv: the medians (5th of 10) of raised and matched
  CHECK(contains(html, "<div class=\"label\">median raised</div><div class=\"value\">9,600.01万</div>"));
  CHECK(contains(html, "<div class=\"label\">median matched</div><div class=\"value\">3,200万</div>"));
  // the histogram's never column: 3 of 10 runs never ran tencent out
  CHECK(contains(html, "3 of 10 runs (30%) never ran it out"));
  // enterprise moves between 09:00 and 09:30 of three days: a zoomed view
  CHECK(contains(html, "The same, zoomed on 09-07 08:40 to 09-07 09:40, where the median of enterprise moves; the amount axis spans the band, "
                       "not from 0."));
  CHECK_FALSE(contains(html, "where the median of tencent moves"));
  // projects.csv: matched_p50 with whiskers, the Gini coefficient of matched_p50 (0.3097)
  CHECK(contains(html, "<tr><td>p01-water</td><td>org-a</td><td class=\"num\">3,772.1万</td>"
                       "<td class=\"num\">1,097.05万</td><td class=\"num\">1,257.37万</td>"));
  CHECK(contains(html, "<td class=\"num\">40%</td></tr>"));
  CHECK(contains(html, "Gini coefficient 0.31 "));
  CHECK(contains(html, "class=\"whisker\""));
  CHECK_FALSE(contains(html, "<h2 id=\"sweep\">"));
  CHECK(html == simulation_report_html(folder));
}

TEST_CASE("the simulation report of a sweep compares its points", "[report]") {
  const std::string html = simulation_report_html(simulation_fixtures / "sweep");
  check_self_contained(html);
  CHECK(contains(html, "<h2 id=\"sweep\">Sweep</h2>"));
  CHECK(contains(html, "The charts below are of point 1 (2,400万)"));
  CHECK(contains(html, ">3,600万</text>"));  // an x label of the sweep charts
  // funds.csv of each point: point 1 runs tencent out in every run, point 3 in 0.3000 of them,
  // the median run not (exhausted_p50 empty), left_p50 1980000.00
  CHECK(contains(html, "<tr><td class=\"num\">1</td><td class=\"num\">2,400万</td>"));
  CHECK(contains(html, "<td class=\"num\">100%</td><td class=\"num\">09-09 18:28</td><td class=\"num\">0.00</td>"));
  CHECK(contains(html, "<tr><td class=\"num\">3</td><td class=\"num\">3,600万</td>"));
  CHECK(contains(html, "<td class=\"num\">30%</td><td class=\"num\">not run out</td><td class=\"num\">198万</td>"));
}

TEST_CASE("a simulation's tables must be the bytes simulation.json describes", "[report]") {
  const fs::path folder = testing::fresh_directory("report-simulation");
  copy_folder(simulation_fixtures / "basic", folder);
  std::string runs = testing::read_file(folder / "runs.csv");
  runs.replace(runs.find("16000"), 5, "16001");
  write_text(folder / "runs.csv", runs);
  const std::string message = error_of([&] { (void)simulation_report_html(folder); });
  CHECK(message.starts_with((folder / "simulation.json").generic_string() +
                            ": \"outputs\".\"runs.csv\": runs.csv does not match its sha256 (the file's is "));
  write_text(folder / "simulation.json", "{\"matchfund\": \"0.1.0\",}");
  CHECK(error_of([&] { (void)simulation_report_html(folder); })
            .starts_with((folder / "simulation.json").generic_string() + ": invalid JSON: "));
  fs::remove_all(folder);
}

TEST_CASE("matchfund report writes the page of a replay or a simulation", "[report][cli]") {
  const fs::path folder = testing::fresh_directory("report-cli");
  fs::create_directories(folder);
  const fs::path replay_page = folder / "replay.html";
  auto result = testing::run_cli("report tests/golden/replay/tencent-99-2018 --out '" + replay_page.string() + "'");
  CHECK(result.status == 0);
  CHECK(result.output == "report: " + replay_page.generic_string() + "\n");
  const std::string page = testing::read_file(replay_page);
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(contains(page, "rules <code>rules/tencent-99-2018.yaml</code>, sha256 "
                       "<code>b29b173c6f824b0ae66a82154e20cfc2001b927b4c6239f5b91c8831b696179f</code>"));
  CHECK(contains(page, "<div class=\"label\">matched</div><div class=\"value\">2,607.86</div>"));
  const fs::path simulation_page = folder / "simulation.html";
  result = testing::run_cli("report tests/data/simulation-output/basic --out '" + simulation_page.string() + "'");
  CHECK(result.status == 0);
  CHECK(testing::read_file(simulation_page) == simulation_report_html(simulation_fixtures / "basic"));
  result = testing::run_cli("report tests/golden/replay/tencent-99-2018 --rules rules/spec-worked-example.yaml --out '" +
                            replay_page.string() + "'");
  CHECK(result.status == 2);
  CHECK(result.output.starts_with("matchfund report: tests/golden/replay/tencent-99-2018/summary.json: the rules file "
                                  "rules/spec-worked-example.yaml does not match the rules of the run (sha256 "));
  result = testing::run_cli("report");
  CHECK(result.status == 2);
  fs::remove_all(folder);
}
