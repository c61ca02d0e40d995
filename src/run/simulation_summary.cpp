// What the runs of one point of a simulation came to: quantiles over the runs (simulation_run.hpp).
#include <algorithm>
#include <numeric>

#include "matchfund/detail/int128.hpp"
#include "run/simulation_run.hpp"

namespace matchfund::detail {

namespace {

// The nearest-rank quantile: the smallest value with at least `percent` % of the values at or
// below it. `sorted` is not empty.
template <class T>
const T& nearest_rank(const std::vector<T>& sorted, std::uint64_t percent) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::max<std::uint64_t>(1, (percent * n + 99) / 100);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

money_quantiles quantiles_of(std::vector<money> values) {
  std::sort(values.begin(), values.end());
  return {nearest_rank(values, 5), nearest_rank(values, 50), nearest_rank(values, 95)};
}

// Nearest-rank quantiles of exhaustion times over the runs, a run where it did not happen
// counting as later than any time: empty where the quantile falls on such a run.
struct exhaustion_times {
  std::uint64_t count = 0;
  std::optional<timestamp> p5, p50, p95;
};

exhaustion_times exhaustion_of(const std::vector<std::optional<timestamp>>& times) {
  std::vector<std::pair<bool, std::int64_t>> sorted;  // (did not happen, time)
  exhaustion_times result;
  for (const auto& t : times) {
    sorted.emplace_back(!t, t ? t->epoch_ms() : 0);
    if (t) ++result.count;
  }
  std::sort(sorted.begin(), sorted.end());
  const auto time_at = [&](std::uint64_t percent) -> std::optional<timestamp> {
    const auto& [lasted, ms] = nearest_rank(sorted, percent);
    if (lasted) return std::nullopt;
    return timestamp::from_epoch_ms(ms);
  };
  result.p5 = time_at(5);
  result.p50 = time_at(50);
  result.p95 = time_at(95);
  return result;
}

void summarize_releases(const rule_set& rules, std::uint64_t point, const std::vector<run_trace>& traces,
                        simulation_result& result) {
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    const auto& releases = rules.funds()[f].releases;
    for (std::size_t k = 0; k < releases.size(); ++k) {
      std::vector<std::optional<timestamp>> times;
      for (const auto& trace : traces) times.push_back(trace.record.funds[f].release_exhausted.at(k));
      const exhaustion_times exhausted = exhaustion_of(times);
      result.releases.push_back({point, fund_index{static_cast<std::uint32_t>(f)}, k, releases[k].at,
                                 releases[k].amount, traces.size(), exhausted.count, exhausted.p5, exhausted.p50,
                                 exhausted.p95});
    }
  }
}

void summarize_funds(const rule_set& rules, std::uint64_t point, const std::vector<run_trace>& traces,
                     simulation_result& result) {
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    fund_summary summary;
    summary.point = point;
    summary.fund = fund_index{static_cast<std::uint32_t>(f)};
    summary.budget = rules.funds()[f].budget;
    summary.runs = traces.size();
    std::vector<money> drawn, left;
    std::vector<std::optional<timestamp>> times;
    for (const auto& trace : traces) {
      const fund_run& outcome = trace.record.funds[f];
      drawn.push_back(outcome.drawn);
      left.push_back(outcome.left);
      times.push_back(outcome.exhausted_at);
    }
    const exhaustion_times exhausted = exhaustion_of(times);
    summary.exhausted_runs = exhausted.count;
    summary.exhausted_p5 = exhausted.p5;
    summary.exhausted_p50 = exhausted.p50;
    summary.exhausted_p95 = exhausted.p95;
    summary.drawn = quantiles_of(std::move(drawn));
    summary.left = quantiles_of(std::move(left));
    result.funds.push_back(summary);
  }
}

void summarize_projects(const rule_set& rules, std::uint64_t point, const std::vector<run_trace>& traces,
                        simulation_result& result) {
  for (std::size_t p = 0; p < rules.projects().size(); ++p) {
    project_summary summary;
    summary.point = point;
    summary.project = project_index{static_cast<std::uint32_t>(p)};
    std::vector<money> matched, raised;
    int128 sum = 0;
    for (const auto& trace : traces) {
      matched.push_back(trace.project_matched[p]);
      raised.push_back(trace.project_raised[p]);
      sum += trace.project_matched[p].minor_units();
      summary.cap_bound_runs += trace.project_capped[p];
    }
    const int128 count = static_cast<std::int64_t>(traces.size());
    const int128 mean = sum >= 0 ? sum / count : -((-sum + count - 1) / count);  // rounded down
    summary.matched_mean = money::from_minor(static_cast<std::int64_t>(mean));
    summary.matched = quantiles_of(std::move(matched));
    std::sort(raised.begin(), raised.end());
    summary.raised_p50 = nearest_rank(raised, 50);
    result.projects.push_back(summary);
  }
}

// Each fund's available at each time of the grid. A row inside a stretch where no quantile moves
// is left out; the stretch's first and last rows stay, so a chart joining the rows draws steps
// where the fund moved and flat lines where it did not.
void summarize_curves(const rule_set& rules, std::uint64_t point, const std::vector<run_trace>& traces,
                      const curve_grid& grid, simulation_result& result) {
  const auto same = [](const money_quantiles& a, const money_quantiles& b) {
    return a.p5 == b.p5 && a.p50 == b.p50 && a.p95 == b.p95;
  };
  std::vector<money> values(traces.size());
  std::vector<money_quantiles> bands(grid.count);
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    for (std::size_t k = 0; k < grid.count; ++k) {
      for (std::size_t r = 0; r < traces.size(); ++r) values[r] = traces[r].available[f * grid.count + k];
      bands[k] = quantiles_of(values);
    }
    for (std::size_t k = 0; k < grid.count; ++k) {
      const bool inside_flat = k > 0 && k + 1 < grid.count && same(bands[k - 1], bands[k]) && same(bands[k], bands[k + 1]);
      if (inside_flat) continue;
      result.curves.push_back({point, fund_index{static_cast<std::uint32_t>(f)},
                               timestamp::from_epoch_ms(grid.time_ms(k)), bands[k]});
    }
  }
}

}  // namespace

void summarize_point(const rule_set& rules, std::uint64_t point, std::vector<run_trace>& traces,
                     const curve_grid& grid, simulation_result& result) {
  summarize_funds(rules, point, traces, result);
  summarize_releases(rules, point, traces, result);
  summarize_projects(rules, point, traces, result);
  summarize_curves(rules, point, traces, grid, result);
  for (auto& trace : traces) result.runs_table.push_back(std::move(trace.record));
}

}  // namespace matchfund::detail
