// The matchfund command line: `matchfund validate RULES.yaml...`, `--help`, `--version`.
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "matchfund/embedded_tests.hpp"
#include "matchfund/generate.hpp"
#include "matchfund/history.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/version.hpp"
#include "matchfund/workload.hpp"
#include "cli/explain.hpp"
#include "cli/quote.hpp"
#include "cli/report.hpp"
#include "cli/simulate.hpp"
#include "cli/summary.hpp"

namespace po = boost::program_options;

namespace {

// Exit codes: 0 success; 1 a failed embedded test; 2 invalid input (rules, events, usage);
// 3 a broken invariant.
constexpr int exit_ok = 0;
constexpr int exit_test_failed = 1;
constexpr int exit_invalid = 2;
constexpr int exit_invariant = 3;

constexpr const char* usage_text = R"(matchfund - matching-fund allocations for charity campaigns

Usage:
  matchfund validate RULES.yaml [RULES.yaml...]
  matchfund replay RULES.yaml EVENTS... --out DIR [--trace] [--lenient]
                   [--stop-after N --save-state FILE] [--resume FILE]
  matchfund explain RULES.yaml EVENTS... --event ID
  matchfund quote RULES.yaml [EVENTS...] --donation id=..,time=..,donor=..,project=..,amount=..[,attr.NAME=..]
  matchfund test RULES.yaml
  matchfund generate RULES.yaml --donations N --seed S [--out FILE]
  matchfund generate --workload NAME --seed S --out DIR [--donations N]
  matchfund history [WORKLOAD...] [--seed S]
  matchfund simulate RULES.yaml --demand DEMAND.yaml --runs N --seed S --out DIR
                   [--threads T] [--set KEY=VALUE]... [--sweep KEY=FROM:TO:STEP]
  matchfund simulate RULES.yaml --from-events EVENTS... [--scale X] [--volume-sd X]
                   [--gift-sd X] --runs N --seed S --out DIR [...]
  matchfund report DIR [--rules RULES.yaml] [--out FILE]
  matchfund --help
  matchfund --version

Commands:
  validate   Load each rules file strictly. Print a summary of it (campaign,
             projects, funds with budgets and releases, rules in evaluation
             order with their caps, close-out steps), or every error as
             file:line:col: path: message [code] and exit with status 2.
  replay     Replay the event files (CSV or JSON Lines) against the rules,
             close the campaign (expiry, pending releases, settlement, then
             the close-out steps) and write ledger.csv, projects.csv,
             funds.csv and summary.json to DIR (--trace: also outcomes.csv;
             --lenient: bad events go to rejected.csv instead of stopping the
             run). Nothing is written when the run fails. --stop-after N
             --save-state FILE processes the first N events and saves the run's
             state to FILE (nothing goes to DIR); --resume FILE goes on from it,
             writing what one uninterrupted replay writes.
  explain    Replay the events and print the ordered trace of one donation or hold:
             each rule's outcome, the formula's want, each cap's remaining
             before and after, each fund drawn, and later reversals.
  quote      Replay the events (bad ones skipped) and print what the given
             donation would be matched if it came now, rule by rule, without
             processing it.
  test       Run the tests the rules file carries: print PASS id or FAIL id
             with one indented line per mismatch, then N passed, M failed;
             exit with status 1 when a test fails.
  generate   Write a synthetic donation stream for the campaign's projects
             (CSV, to FILE or standard output): intraday peaks, repeat donors,
             heavy-tailed amounts and project popularity; the same seed gives
             the same bytes on every machine.
             --workload NAME writes a calibrated campaign instead: rules.yaml,
             projects.csv and events.csv in DIR (matchfund history lists the
             names; docs/history.md what each models).
  history    Generate and replay each calibrated workload (all, or those
             named) and print its published outcomes next to the ones the
             engine computed, as a Markdown table; exit with status 1 when
             one is outside its tolerance.
  simulate   Run the campaign N times, each on a donation stream drawn from
             the demand model (docs/simulate.md) with its own uncertain
             volume, gift size and rush, and close it out; write runs.csv,
             funds.csv (how often and when each fund runs out), projects.csv,
             curves.csv, simulation.json and report.html to DIR. --set
             changes the rules (funds.ID.budget=5000万, docs/overrides.md);
             --sweep runs every point with the same streams. The same seed
             gives the same bytes whatever --threads is. --from-events
             resamples recorded donations instead of a model, moved onto the
             campaign's days: --scale X times as many, each run's volume
             and gifts ×N(1, --volume-sd) and ×N(1, --gift-sd).
  report     Write DIR/report.html (or --out FILE): one self-contained HTML
             page of a replay's output folder (key numbers, each fund's
             available amount over time, match by project, outcomes,
             close-out payouts; the rules are summary.json's or --rules, and
             must have the run's SHA-256), or of a simulation's folder (one
             with simulation.json).

Exit status: 0 success, 1 a failed test, 2 invalid rules, events or usage,
3 a broken invariant (a bug in matchfund).
)";

// The rules of `file`, or nullopt after printing every problem of it to standard error.
std::optional<matchfund::rule_set> load_or_report(const std::string& file) {
  auto loaded = matchfund::try_load_rules(file);
  for (const auto& diagnostic : loaded.diagnostics) std::cerr << diagnostic.to_string() << '\n';
  return std::move(loaded.rules);
}

int validate(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "matchfund validate: give at least one rules file\n";
    return exit_invalid;
  }
  int status = exit_ok;
  bool first = true;
  for (const auto& file : files) {
    if (!first) std::cout << '\n';
    first = false;
    auto loaded = matchfund::try_load_rules(file);
    if (!loaded) {
      for (const auto& diagnostic : loaded.diagnostics) std::cerr << diagnostic.to_string() << '\n';
      std::cerr << fmt::format("{}: {} error{}\n", file, loaded.diagnostics.size(),
                               loaded.diagnostics.size() == 1 ? "" : "s");
      status = exit_invalid;
      continue;
    }
    std::cout << file << ": valid\n" << matchfund::cli::describe_rule_set(*loaded.rules);
  }
  return status;
}

// "national-2021, chongqing-2019, ...".
std::string workload_names() {
  std::string names;
  for (const auto& w : matchfund::workloads()) names += (names.empty() ? "" : ", ") + std::string(w.name);
  return names;
}

// `history [WORKLOAD...] [--seed S]`: published outcomes against the computed ones.
int history_command(const std::vector<std::string>& arguments, const po::variables_map& options) {
  std::vector<std::string> names = arguments;
  if (names.empty()) {
    for (const auto& w : matchfund::workloads()) names.emplace_back(w.name);
  }
  for (const auto& name : names) {
    if (matchfund::find_workload(name) == nullptr) {
      std::cerr << "matchfund history: no workload " << name << " (" << workload_names() << ")\n";
      return exit_invalid;
    }
  }
  matchfund::history_options history;
  if (options.count("seed")) history.seed = options["seed"].as<std::uint64_t>();
  std::vector<matchfund::history_figure> figures;
  for (const auto& name : names) {
    for (auto& figure : matchfund::reproduce_history(name, history)) figures.push_back(std::move(figure));
  }
  std::cout << matchfund::history_table(figures);
  const bool all_within = std::all_of(figures.begin(), figures.end(), [](const auto& f) { return f.within; });
  return all_within ? exit_ok : exit_test_failed;
}

// `generate --workload NAME --seed S --out DIR [--donations N]`: a whole synthetic campaign.
int generate_workload_command(const po::variables_map& options) {
  const auto name = options["workload"].as<std::string>();
  if (matchfund::find_workload(name) == nullptr || !options.count("seed") || !options.count("out")) {
    std::cerr << "matchfund generate: give --workload NAME (" << workload_names() << "), --seed S and --out DIR\n";
    return exit_invalid;
  }
  matchfund::workload_options workload;
  workload.name = name;
  workload.seed = options["seed"].as<std::uint64_t>();
  if (options.count("donations")) workload.donations = options["donations"].as<std::uint64_t>();
  const auto summary = matchfund::generate_workload(workload, options["out"].as<std::string>());
  std::cout << fmt::format("{} donations by {} donors to {} projects of {} organizations\nrules: {}\nevents: {}\n",
                           summary.donations, summary.donors, summary.projects, summary.organizations,
                           summary.rules_file.generic_string(), summary.events_file.generic_string());
  return exit_ok;
}

int generate_command(const std::vector<std::string>& arguments, const po::variables_map& options) {
  if (options.count("workload")) {
    if (!arguments.empty()) {
      std::cerr << "matchfund generate: --workload writes its own rules file; give no RULES.yaml\n";
      return exit_invalid;
    }
    return generate_workload_command(options);
  }
  if (arguments.size() != 1 || !options.count("donations") || !options.count("seed")) {
    std::cerr << "matchfund generate: give RULES.yaml, --donations N and --seed S\n";
    return exit_invalid;
  }
  auto loaded = load_or_report(arguments.front());
  if (!loaded) return exit_invalid;
  matchfund::generate_options generate_options;
  generate_options.donations = options["donations"].as<std::uint64_t>();
  generate_options.seed = options["seed"].as<std::uint64_t>();
  if (!options.count("out")) {
    matchfund::generate_donations(*loaded, generate_options, stdout);
    return exit_ok;
  }
  // Written under a temporary name and renamed: a failed run leaves no partial file.
  const std::filesystem::path target = options["out"].as<std::string>();
  const std::filesystem::path partial = target.string() + ".partial";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) {
    std::cerr << "matchfund generate: cannot write " << target.string() << '\n';
    return exit_invalid;
  }
  try {
    matchfund::generate_donations(*loaded, generate_options, file);
  } catch (...) {
    std::fclose(file);
    std::filesystem::remove(partial);
    throw;
  }
  if (std::fclose(file) != 0) {
    std::filesystem::remove(partial);
    std::cerr << "matchfund generate: cannot write " << target.string() << '\n';
    return exit_invalid;
  }
  std::filesystem::rename(partial, target);
  return exit_ok;
}

int explain_command(const std::vector<std::string>& arguments, const po::variables_map& options) {
  if (arguments.size() < 2 || !options.count("event")) {
    std::cerr << "matchfund explain: give RULES.yaml, at least one event file and --event ID\n";
    return exit_invalid;
  }
  auto loaded = load_or_report(arguments.front());
  if (!loaded) return exit_invalid;
  const std::vector<std::filesystem::path> events(arguments.begin() + 1, arguments.end());
  try {
    std::cout << matchfund::cli::explain_donation(*loaded, events, options["event"].as<std::string>());
  } catch (const matchfund::error& e) {
    std::cerr << "matchfund explain: " << e.what() << '\n';
    return exit_invalid;
  }
  return exit_ok;
}

int quote_command(const std::vector<std::string>& arguments, const po::variables_map& options) {
  if (arguments.empty() || !options.count("donation")) {
    std::cerr << "matchfund quote: give RULES.yaml, the event files so far and --donation id=..,time=..,...\n";
    return exit_invalid;
  }
  auto loaded = load_or_report(arguments.front());
  if (!loaded) return exit_invalid;
  const std::vector<std::filesystem::path> events(arguments.begin() + 1, arguments.end());
  try {
    std::cout << matchfund::cli::quote_donation(*loaded, events, options["donation"].as<std::string>());
  } catch (const matchfund::error& e) {
    std::cerr << "matchfund quote: " << e.what() << '\n';
    return exit_invalid;
  }
  return exit_ok;
}

int test_command(const std::vector<std::string>& arguments) {
  if (arguments.size() != 1) {
    std::cerr << "matchfund test: give one rules file\n";
    return exit_invalid;
  }
  auto loaded = load_or_report(arguments.front());
  if (!loaded) return exit_invalid;
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (const auto& result : matchfund::run_embedded_tests(*loaded)) {
    std::cout << (result.passed() ? "PASS " : "FAIL ") << result.id << '\n';
    for (const auto& mismatch : result.mismatches) std::cout << "  " << mismatch << '\n';
    (result.passed() ? passed : failed) += 1;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? exit_ok : exit_test_failed;
}

int replay_command(const std::vector<std::string>& arguments, const po::variables_map& options) {
  if (arguments.size() < 2 || !options.count("out")) {
    std::cerr << "matchfund replay: give RULES.yaml, at least one event file and --out DIR\n";
    return exit_invalid;
  }
  auto loaded = load_or_report(arguments.front());
  if (!loaded) return exit_invalid;
  const std::vector<std::filesystem::path> events(arguments.begin() + 1, arguments.end());
  matchfund::replay_options replay_options;
  replay_options.trace = options.count("trace") > 0;
  replay_options.lenient = options.count("lenient") > 0;
  if (options.count("stop-after") != options.count("save-state")) {
    std::cerr << "matchfund replay: --stop-after N and --save-state FILE go together\n";
    return exit_invalid;
  }
  if (options.count("stop-after")) {
    replay_options.stop_after = options["stop-after"].as<std::uint64_t>();
    replay_options.save_state = options["save-state"].as<std::string>();
  }
  if (options.count("resume")) replay_options.resume = options["resume"].as<std::string>();
  // A progress line on a terminal only: redirected output stays exactly the summary.
  bool progress_shown = false;
  if (::isatty(STDERR_FILENO) != 0) {
    replay_options.on_progress = [&progress_shown](std::uint64_t processed, std::uint64_t total) {
      if (total == 0) {  // streamed: the total is not known yet
        std::fprintf(stderr, "\rmatchfund replay: %llu events", static_cast<unsigned long long>(processed));
      } else {
        std::fprintf(stderr, "\rmatchfund replay: %llu of %llu events", static_cast<unsigned long long>(processed),
                     static_cast<unsigned long long>(total));
      }
      progress_shown = true;
    };
  }
  const auto end_progress = [&progress_shown] {
    if (progress_shown) std::fputc('\n', stderr);
  };
  matchfund::replay_report report;
  try {
    report = matchfund::replay(*loaded, events, options["out"].as<std::string>(), replay_options);
    end_progress();
  } catch (const matchfund::invariant_error& e) {
    end_progress();
    std::cerr << "matchfund replay: " << e.what() << "\n";
    return exit_invariant;
  } catch (const matchfund::error& e) {
    end_progress();
    std::cerr << "matchfund replay: " << e.what() << "\n";
    return exit_invalid;
  }
  const auto& rules = *loaded;
  if (report.stopped_at) {
    std::cout << "stopped after " << *report.stopped_at << " events; state saved to "
              << options["save-state"].as<std::string>() << "\n";
    return exit_ok;
  }
  const auto amount = [&](matchfund::money value) { return matchfund::format_money(value, rules.minor_digits()); };
  std::cout << fmt::format("events: {} read, {} processed, {} rejected; {} donations{}\n", report.events_read,
                           report.events_processed, report.events_rejected, report.donations,
                           report.holds > 0 ? fmt::format(", {} holds", report.holds) : std::string());
  for (const auto& fund : report.funds) {
    const bool closed_out = !fund.closeout.is_zero() || !fund.unallocated.is_zero();
    std::cout << fmt::format("fund {}: budget {}, released {}, drawn {}, returned {}, {}available {}{}\n", fund.id,
                             amount(fund.budget), amount(fund.released), amount(fund.drawn), amount(fund.returned),
                             closed_out ? fmt::format("close-out {}, unallocated {}, ", amount(fund.closeout),
                                                      amount(fund.unallocated))
                                        : std::string(),
                             amount(fund.available),
                             fund.exhausted_at.empty() ? "" : ", exhausted at " + fund.exhausted_at);
  }
  std::cout << "outcomes:";
  for (const auto& [code, count] : report.outcome_counts) std::cout << ' ' << code << ' ' << count;
  std::cout << '\n';
  std::cout << (rules.closeout().empty() ? "top projects by match:" : "top projects by match + close-out:");
  for (std::size_t i = 0; i < report.top_projects.size() && i < 5; ++i) {
    std::cout << ' ' << report.top_projects[i].first << ' ' << amount(report.top_projects[i].second);
  }
  std::cout << "\ninvariants:";
  for (const auto& invariant : report.invariants) std::cout << ' ' << invariant.name << (invariant.holds ? " ok" : " FAILED");
  std::cout << '\n';
  return exit_ok;
}

int simulate_command(const std::vector<std::string>& rules_files, const po::variables_map& options) {
  matchfund::cli::simulate_arguments arguments;
  arguments.rules_files = rules_files;
  if (options.count("demand")) arguments.demand_file = options["demand"].as<std::string>();
  if (options.count("from-events")) arguments.event_files = options["from-events"].as<std::vector<std::string>>();
  for (const char* name : {"scale", "volume-sd", "gift-sd"}) {
    if (!options.count(name)) continue;
    auto& target = name[0] == 's' ? arguments.scale : name[0] == 'v' ? arguments.volume_sd : arguments.gift_sd;
    target = options[name].as<std::string>();
  }
  if (options.count("runs")) arguments.runs = options["runs"].as<std::uint64_t>();
  if (options.count("seed")) arguments.seed = options["seed"].as<std::uint64_t>();
  if (options.count("out")) arguments.out_dir = options["out"].as<std::string>();
  if (options.count("threads")) arguments.threads = options["threads"].as<unsigned>();
  if (options.count("set")) arguments.overrides = options["set"].as<std::vector<std::string>>();
  if (options.count("sweep")) arguments.sweep = options["sweep"].as<std::string>();
  return matchfund::cli::simulate_command(arguments);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")("version", "print the version")(
      "out", po::value<std::string>(), "replay: the output directory; generate: the file")("trace", "replay: write outcomes.csv")(
      "lenient", "replay: bad events go to rejected.csv")("donations", po::value<std::uint64_t>(),
                                                          "generate: how many donations")(
      "seed", po::value<std::uint64_t>(), "generate: the seed")(
      "workload", po::value<std::string>(), "generate: a calibrated workload (rules, projects and events)")(
      "event", po::value<std::string>(),
                                                                  "explain: the donation id")(
      "donation", po::value<std::string>(), "quote: the donation, NAME=VALUE pairs separated by commas")(
      "stop-after", po::value<std::uint64_t>(), "replay: process the first N events, then save the state")(
      "save-state", po::value<std::string>(), "replay: where --stop-after saves the state")(
      "resume", po::value<std::string>(), "replay: go on from a saved state")(
      "rules", po::value<std::string>(), "report: the rules file of the replay")(
      "demand", po::value<std::string>(), "simulate: the demand model")(
      "from-events", po::value<std::vector<std::string>>()->multitoken(), "simulate: recorded events to resample")(
      "scale", po::value<std::string>(), "simulate --from-events: how many times the recorded volume")(
      "volume-sd", po::value<std::string>(), "simulate --from-events: the deviation of a run's volume")(
      "gift-sd", po::value<std::string>(), "simulate --from-events: the deviation of a run's gifts")(
      "runs", po::value<std::uint64_t>(), "simulate: how many runs")(
      "threads", po::value<unsigned>(), "simulate: how many threads")(
      "set", po::value<std::vector<std::string>>()->composing(), "simulate: KEY=VALUE, an override of the rules")(
      "sweep", po::value<std::string>(), "simulate: KEY=FROM:TO:STEP or KEY=V1,V2,...")(
      "command", po::value<std::string>(), "the command")("arguments", po::value<std::vector<std::string>>(),
                                                          "its arguments");
  po::positional_options_description positional;
  positional.add("command", 1).add("arguments", -1);
  po::variables_map arguments;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), arguments);
    po::notify(arguments);
  } catch (const po::error& e) {
    std::cerr << "matchfund: " << e.what() << "\n\n" << usage_text;
    return exit_invalid;
  }
  if (arguments.count("help")) {
    std::cout << usage_text;
    return exit_ok;
  }
  if (arguments.count("version")) {
    std::cout << "matchfund " << matchfund::version_string << " (rules format " << matchfund::rules_format_version
              << ")\n";
    return exit_ok;
  }
  if (!arguments.count("command")) {
    std::cerr << usage_text;
    return exit_invalid;
  }
  const auto command = arguments["command"].as<std::string>();
  const auto rest = arguments.count("arguments") ? arguments["arguments"].as<std::vector<std::string>>()
                                                 : std::vector<std::string>{};
  try {
    if (command == "validate") return validate(rest);
    if (command == "replay") return replay_command(rest, arguments);
    if (command == "test") return test_command(rest);
    if (command == "explain") return explain_command(rest, arguments);
    if (command == "quote") return quote_command(rest, arguments);
    if (command == "generate") return generate_command(rest, arguments);
    if (command == "simulate") return simulate_command(rest, arguments);
    if (command == "history") return history_command(rest, arguments);
    if (command == "report") {
      return matchfund::cli::report_command(
          {rest, arguments.count("rules") ? std::optional(arguments["rules"].as<std::string>()) : std::nullopt,
           arguments.count("out") ? std::optional(arguments["out"].as<std::string>()) : std::nullopt});
    }
  } catch (const std::exception& e) {
    std::cerr << "matchfund: " << e.what() << '\n';
    return exit_invalid;
  }
  std::cerr << "matchfund: unknown command \"" << command << "\"\n\n" << usage_text;
  return exit_invalid;
}
