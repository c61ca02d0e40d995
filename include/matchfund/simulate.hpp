// Monte Carlo simulation of a campaign (docs/simulate.md): N runs, each drawing a donation stream
// from a demand model and running the engine on it with close-out, at one or more points of a
// what-if sweep; then the distribution of what each fund, project and run came to.
//
//   matchfund::simulation_setup setup;
//   setup.points.push_back({"", rules});                     // one point: no sweep
//   matchfund::simulation_options options{.runs = 100, .seed = 7, .threads = 2};
//   auto result = matchfund::simulate(setup, demand, options);
//   matchfund::write_simulation(result, "out/");            // runs.csv, funds.csv, ...
//
// Deterministic: a run depends only on (rules, demand, seed, run index), never on the thread
// that ran it or how many did, and every point of a sweep sees the same streams (common random
// numbers), so differences between points are the rules', not the noise's.
#ifndef MATCHFUND_SIMULATE_HPP
#define MATCHFUND_SIMULATE_HPP

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund {

// One point of a sweep: the value it sets (canonical text; empty without a sweep) and the rules
// with it applied.
struct simulation_point {
  std::string value;
  rule_set rules;
};

struct simulation_setup {
  std::vector<simulation_point> points;  // at least one
  std::string sweep_key;                 // e.g. "funds.tencent.budget"; empty without a sweep
  // The overrides applied to every point, as given (for simulation.json).
  std::vector<std::pair<std::string, std::string>> overrides;
};

// The points of a simulation as the command line's --set and --sweep make them: `rules` with
// every override ("KEY=VALUE") applied, then one point per value of `sweep` ("KEY=FROM:TO:STEP"
// or "KEY=V1,V2,...", rule_override.hpp), or one point without a sweep. Throws
// matchfund::error naming the argument as the caller calls it: "--set KEY=VALUE: ..." with the
// default names.
[[nodiscard]] simulation_setup simulation_points(const rule_set& rules, const std::vector<std::string>& overrides,
                                                 const std::optional<std::string>& sweep,
                                                 const std::string& set_name = "--set",
                                                 const std::string& sweep_name = "--sweep");

struct simulation_options {
  std::uint64_t runs = 100;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  // Called after each run (from the thread that ran it, one call at a time): runs done, of all.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// What one fund came to in one run.
struct fund_run {
  money drawn;  // drawn by matches, net of what refunds and revocations gave back
  money left;   // available at the end, after the close and close-out
  std::optional<timestamp> exhausted_at;
  // By release (a tranche): the first match that left the fund's available at 0 after that
  // release and before the next; none where the tranche was not used up before the next came
  // (what was left of it then rolls on with the next).
  std::vector<std::optional<timestamp>> release_exhausted;
};

// One run at one point (a row of runs.csv).
struct run_record {
  std::uint64_t point = 1;  // 1-based
  std::uint64_t run = 1;    // 1-based
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
  // Donors with at least one matched donation (a later refund does not take them off).
  std::uint64_t matched_donors = 0;
  std::uint64_t refunds = 0;
  money raised;  // net of refunds
  money refunded;
  money matched;  // net of reversals
  money closeout;
  std::vector<fund_run> funds;  // in the rules' fund order
  // The uncertain quantities the run drew, by name (e.g. "donations.volume"), in millionths.
  std::vector<std::pair<std::string, std::int64_t>> parameters;
};

// Quantiles (5th, 50th, 95th percentile, nearest rank over the runs) of an amount.
struct money_quantiles {
  money p5, p50, p95;
};

struct fund_summary {
  std::uint64_t point = 1;
  fund_index fund{};
  money budget;
  std::uint64_t runs = 0;
  std::uint64_t exhausted_runs = 0;
  // Nearest-rank quantiles of the exhaustion time, a run whose fund lasted counting as later
  // than any time: empty where the quantile falls on such a run.
  std::optional<timestamp> exhausted_p5, exhausted_p50, exhausted_p95;
  money_quantiles drawn, left;
};

// One release of a fund (a tranche, e.g. a day's 9,999万 at 09:00): how often and when it ran out.
struct release_summary {
  std::uint64_t point = 1;
  fund_index fund{};
  std::size_t release = 0;  // 0-based, in time order (as funds.ID.releases[K])
  timestamp at;
  money amount;
  std::uint64_t runs = 0;
  std::uint64_t exhausted_runs = 0;
  std::optional<timestamp> exhausted_p5, exhausted_p50, exhausted_p95;  // as fund_summary's
};

struct project_summary {
  std::uint64_t point = 1;
  project_index project{};
  money raised_p50;
  money_quantiles matched;
  money matched_mean;  // rounded down
  std::uint64_t cap_bound_runs = 0;  // runs where a cap limited some match of the project
};

// A fund's available over campaign time: quantiles over the runs at one time of the grid.
struct curve_point {
  std::uint64_t point = 1;
  fund_index fund{};
  timestamp time;
  money_quantiles available;
};

struct simulation_result {
  simulation_setup setup;
  std::string demand_file;
  std::string demand_sha256;
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::int64_t curve_step_seconds = 0;
  std::vector<run_record> runs_table;  // by point, then run
  std::vector<fund_summary> funds;     // by point, then fund
  std::vector<release_summary> releases;  // by point, fund, then release
  std::vector<project_summary> projects;
  std::vector<curve_point> curves;     // by point, fund, then time; unchanged rows left out
};

// Runs the simulation. Throws matchfund::error for options out of range (no run, no point) and
// when a run breaks an invariant of the engine (a bug in matchfund).
[[nodiscard]] simulation_result simulate(const simulation_setup& setup, const demand_model& demand,
                                         const simulation_options& options);

// A simulation in parts, for spreading its runs over processes or machines (the Python module's
// matchfund.dask): simulate_part() runs runs first_run .. first_run + count - 1 (1-based) of
// point `point` (1-based) and returns what the summaries need of them as bytes, a format for
// handing between processes of the same matchfund version; assemble_simulation() makes the result
// of the parts, which must cover every run of every point once, in any order. Every part and the
// assembly are given the same setup, demand and options (runs, seed). The result is the one
// simulate() gives, whatever the split. Throws matchfund::error for a part out of range, parts
// that overlap or leave a run out, and bytes that are not a part of this simulation.
[[nodiscard]] std::string simulate_part(const simulation_setup& setup, const demand_model& demand,
                                        const simulation_options& options, std::uint64_t point,
                                        std::uint64_t first_run, std::uint64_t count);
[[nodiscard]] simulation_result assemble_simulation(const simulation_setup& setup, const demand_model& demand,
                                                    const simulation_options& options,
                                                    const std::vector<std::string>& parts);

// Writes runs.csv, funds.csv, releases.csv, projects.csv, curves.csv and simulation.json into `directory`
// (created when missing), all or none.
void write_simulation(const simulation_result& result, const std::filesystem::path& directory);

}  // namespace matchfund

#endif
