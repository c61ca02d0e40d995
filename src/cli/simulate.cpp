#include "cli/simulate.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <mutex>

#include "matchfund/demand.hpp"
#include "matchfund/diagnostic.hpp"
#include "matchfund/error.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/recorded_demand.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/report.hpp"
#include "matchfund/rule_override.hpp"
#include "matchfund/simulate.hpp"

namespace matchfund::cli {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_invalid = 2;
constexpr int exit_invariant = 3;

// The most runs one simulation may ask for (per sweep point): a typo of a few zeros should not
// start a job of days.
constexpr std::uint64_t max_runs = 1'000'000;

// The progress bar: on a terminal one line redrawn in place; elsewhere (a log file, CI) a line at
// each tenth, so that the log stays short.
class progress_bar {
 public:
  explicit progress_bar(std::uint64_t total) : total_(total), terminal_(isatty(STDERR_FILENO) == 1) {}

  void update(std::uint64_t done) {
    if (terminal_) {
      constexpr std::uint64_t width = 40;
      const std::uint64_t filled = done * width / total_;
      std::cerr << fmt::format("\rsimulate [{:#<{}}{:.<{}}] {}/{} runs", "", filled, "", width - filled, done, total_)
                << (done == total_ ? "\n" : "") << std::flush;
      return;
    }
    const std::uint64_t tenth = done * 10 / total_;
    if (tenth > last_tenth_ || done == total_) {
      last_tenth_ = tenth;
      std::cerr << fmt::format("simulate: {}/{} runs\n", done, total_);
    }
  }

 private:
  std::uint64_t total_;
  bool terminal_;
  std::uint64_t last_tenth_ = 0;
};

std::string usage_problem(const simulate_arguments& arguments) {
  if (arguments.rules_files.size() != 1) return "give one rules file";
  const bool recorded = !arguments.event_files.empty();
  if (!arguments.demand_file && !recorded) {
    return "give the demand model, --demand DEMAND.yaml, or past events, --from-events EVENTS...";
  }
  if (arguments.demand_file && recorded) return "give --demand or --from-events, not both";
  if (!recorded && (arguments.scale || arguments.volume_sd || arguments.gift_sd)) {
    return "--scale, --volume-sd and --gift-sd go with --from-events";
  }
  if (!arguments.runs || *arguments.runs == 0 || *arguments.runs > max_runs) {
    return fmt::format("give the number of runs, --runs N (1 to {})", max_runs);
  }
  if (!arguments.seed) return "give the seed, --seed S";
  if (!arguments.out_dir) return "give the output folder, --out DIR";
  if (arguments.threads == 0 || arguments.threads > 256) return "--threads is 1 to 256";
  return "";
}

// One line per fund and point: how often it ran out, and when.
void print_summary(const simulation_result& result) {
  const rule_set& rules = result.setup.points.front().rules;
  for (const auto& fund : result.funds) {
    const auto& point = result.setup.points[fund.point - 1];
    const std::string where = result.setup.sweep_key.empty() ? "" : result.setup.sweep_key + "=" + point.value + ": ";
    std::string when;
    if (fund.exhausted_p50) when = ", median at " + format_rfc3339(*fund.exhausted_p50, rules.campaign().timezone);
    std::cout << fmt::format("{}fund {}: exhausted in {} of {} runs{}; drawn median {}, left median {}\n", where,
                             rules.fund(fund.fund).id, fund.exhausted_runs, fund.runs, when,
                             format_money(fund.drawn.p50, rules.minor_digits()),
                             format_money(fund.left.p50, rules.minor_digits()));
  }
}

ratio ratio_option(const char* name, const std::optional<std::string>& text, ratio otherwise) {
  if (!text) return otherwise;
  auto parsed = parse_ratio(*text);
  if (!parsed) throw error(std::string(name) + " " + parsed.error());
  return *parsed;
}

demand_model demand_of(const simulate_arguments& arguments, const rule_set& rules) {
  if (arguments.demand_file) return load_demand(*arguments.demand_file, rules);
  recorded_demand_options options;
  options.scale = ratio_option("--scale", arguments.scale, options.scale);
  options.volume_sd = ratio_option("--volume-sd", arguments.volume_sd, options.volume_sd);
  options.gift_sd = ratio_option("--gift-sd", arguments.gift_sd, options.gift_sd);
  const std::vector<std::filesystem::path> files(arguments.event_files.begin(), arguments.event_files.end());
  return load_recorded_demand(files, rules, options);
}

}  // namespace

int simulate_command(const simulate_arguments& arguments) {
  if (const std::string problem = usage_problem(arguments); !problem.empty()) {
    std::cerr << "matchfund simulate: " << problem << '\n';
    return exit_invalid;
  }
  simulation_result result;
  try {
    const rule_set loaded = load_rules(arguments.rules_files.front());
    const simulation_setup setup = simulation_points(loaded, arguments.overrides, arguments.sweep);
    const demand_model demand = demand_of(arguments, setup.points.front().rules);
    simulation_options options;
    options.runs = *arguments.runs;
    options.seed = *arguments.seed;
    options.threads = arguments.threads;
    progress_bar bar(options.runs * setup.points.size());
    options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar.update(done); };
    result = simulate(setup, demand, options);
  } catch (const rules_error& e) {
    std::cerr << e.what() << '\n';
    return exit_invalid;
  } catch (const invariant_error& e) {
    std::cerr << "matchfund simulate: " << e.what() << '\n';
    return exit_invariant;
  } catch (const event_file_error& e) {
    std::cerr << e.what() << '\n';
    return exit_invalid;
  } catch (const error& e) {
    std::cerr << "matchfund simulate: " << e.what() << '\n';
    return exit_invalid;
  }
  const std::filesystem::path out = *arguments.out_dir;
  write_simulation(result, out);
  write_simulation_report(out, out / "report.html");
  print_summary(result);
  std::cout << "tables: " << (out / "runs.csv").generic_string() << ", funds.csv, releases.csv, projects.csv, curves.csv\n"
            << "report: " << (out / "report.html").generic_string() << '\n';
  return exit_ok;
}

}  // namespace matchfund::cli
