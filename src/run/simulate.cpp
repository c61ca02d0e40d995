// Monte Carlo simulation (include/matchfund/simulate.hpp): the runs of each point spread over
// threads, each run on its own engine, then the point's summaries in run order.
#include "matchfund/simulate.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "matchfund/error.hpp"
#include "run/simulation_run.hpp"
#include "synth/demand_stream.hpp"
#include "synth/synthetic_donors.hpp"

namespace matchfund {

namespace detail {

// Runs first_run .. first_run + count - 1 of one point on `threads` threads; traces[i] is run
// first_run + i's, whichever thread ran it.
std::vector<run_trace> run_point(const simulation_point& point, std::uint64_t point_number, const demand_model& demand,
                                 const simulation_options& options, const curve_grid& grid, std::uint64_t first_run,
                                 std::uint64_t count, std::uint64_t& done, std::uint64_t total) {
  std::vector<run_trace> traces(count);
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex progress_mutex;
  const auto work = [&] {
    while (!failed) {
      const std::uint64_t index = next++;
      if (index >= count) return;
      try {
        traces[index] = simulate_run(point.rules, demand, options.seed, point_number, first_run + index, grid);
      } catch (...) {
        const std::lock_guard lock(progress_mutex);
        if (!failed.exchange(true)) failure = std::current_exception();
        return;
      }
      const std::lock_guard lock(progress_mutex);
      ++done;
      if (options.progress) options.progress(done, total);
    }
  };
  const auto threads = static_cast<unsigned>(std::min<std::uint64_t>(options.threads, count));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  return traces;
}

simulation_result empty_result(const simulation_setup& setup, const demand_model& demand,
                               const simulation_options& options) {
  simulation_result result;
  result.setup = setup;
  result.demand_file = demand.source_file;
  result.demand_sha256 = demand.source_sha256;
  result.runs = options.runs;
  result.seed = options.seed;
  result.curve_step_seconds = grid_for(setup.points.front().rules).step_ms / 1000;
  return result;
}

void check_simulation(const simulation_setup& setup, const demand_model& demand, const simulation_options& options) {
  if (setup.points.empty()) throw error("a simulation needs at least one point");
  if (options.runs == 0 || options.runs > 1'000'000) throw error("the number of runs is 1 to 1,000,000");
  if (options.threads == 0 || options.threads > 256) throw error("the number of threads is 1 to 256");
  for (const auto& point : setup.points) {
    if (point.rules.projects().size() != setup.points.front().rules.projects().size() ||
        point.rules.funds().size() != setup.points.front().rules.funds().size()) {
      throw error("every point of a simulation has the same funds and projects");
    }
  }
  if (demand.donations == 0) throw error("the demand model expects no donation");
}

rule_set rules_for_runs(const rule_set& rules, const demand_model& demand, const simulation_options& options) {
  if (demand.donor_attributes.empty() || demand.recorded) return rules;
  std::uint64_t donors = 0;
  for (std::uint64_t run = 1; run <= options.runs; ++run) {
    donors = std::max(donors, detail::draw_run_parameters(demand, options.seed, run).donors);
  }
  return detail::with_synthetic_donors(rules, demand, options.seed, donors);
}

}  // namespace detail

simulation_result simulate(const simulation_setup& setup, const demand_model& demand, const simulation_options& options) {
  detail::check_simulation(setup, demand, options);
  simulation_result result = detail::empty_result(setup, demand, options);
  const detail::curve_grid grid = detail::grid_for(setup.points.front().rules);
  std::uint64_t done = 0;
  const std::uint64_t total = options.runs * setup.points.size();
  for (std::size_t p = 0; p < setup.points.size(); ++p) {
    const simulation_point point{setup.points[p].value, detail::rules_for_runs(setup.points[p].rules, demand, options)};
    auto traces = detail::run_point(point, p + 1, demand, options, grid, 1, options.runs, done, total);
    detail::summarize_point(setup.points[p].rules, p + 1, traces, grid, result);
  }
  return result;
}

}  // namespace matchfund
