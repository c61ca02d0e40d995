// One run of a simulation (simulate.hpp): a demand stream fed to an engine, with close-out, and
// what the summaries need of it. Internal to run/simulate.cpp and run/simulation_summary.cpp.
#ifndef MATCHFUND_SRC_SIMULATION_RUN_HPP
#define MATCHFUND_SRC_SIMULATION_RUN_HPP

#include <cstdint>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/simulate.hpp"

namespace matchfund::detail {

// The times at which every fund's available is taken: start + k * step for k = 0..count-1.
struct curve_grid {
  std::int64_t start_ms = 0;
  std::int64_t step_ms = 1000;
  std::size_t count = 1;

  [[nodiscard]] std::int64_t time_ms(std::size_t k) const noexcept {
    return start_ms + static_cast<std::int64_t>(k) * step_ms;
  }
};

// About 2,880 steps over the campaign (5 minutes over 10 days), whole seconds.
curve_grid grid_for(const rule_set& rules);

struct run_trace {
  run_record record;
  std::vector<money> project_matched;  // by project
  std::vector<money> project_raised;
  std::vector<std::uint8_t> project_capped;  // 1 where a cap limited some match of the project
  std::vector<money> available;             // fund-major: available[f * grid.count + k]
};

run_trace simulate_run(const rule_set& rules, const demand_model& demand, std::uint64_t seed, std::uint64_t point,
                       std::uint64_t run, const curve_grid& grid);

// Runs first_run .. first_run + count - 1 (1-based) of one point on options.threads threads;
// traces[i] is run first_run + i's. `done` counts runs for options.progress, of `total`.
std::vector<run_trace> run_point(const simulation_point& point, std::uint64_t point_number, const demand_model& demand,
                                 const simulation_options& options, const curve_grid& grid, std::uint64_t first_run,
                                 std::uint64_t count, std::uint64_t& done, std::uint64_t total);

// Throws matchfund::error for options out of range (no run, no point, points that differ in funds
// or projects, a model that expects no donation).
void check_simulation(const simulation_setup& setup, const demand_model& demand, const simulation_options& options);

// The point's rules, with the model's donors listed when it gives them attributes: as many as
// the largest run (of all options.runs) has.
rule_set rules_for_runs(const rule_set& rules, const demand_model& demand, const simulation_options& options);

// A result with what describes the simulation set and no table filled.
simulation_result empty_result(const simulation_setup& setup, const demand_model& demand,
                               const simulation_options& options);

// Appends the point's funds, projects and curves to `result`, then moves the runs' records into
// result.runs_table (in run order).
void summarize_point(const rule_set& rules, std::uint64_t point, std::vector<run_trace>& traces,
                     const curve_grid& grid, simulation_result& result);

}  // namespace matchfund::detail

#endif
