// One run of a simulation: the demand stream through the engine (simulation_run.hpp).
#include "run/simulation_run.hpp"

#include <algorithm>
#include <array>

#include "matchfund/engine.hpp"
#include "matchfund/error.hpp"
#include "matchfund/replay.hpp"
#include "synth/demand_stream.hpp"

namespace matchfund::detail {

namespace {

constexpr std::size_t batch_size = 4096;

// Whether an evaluation's limit is a cap (the limit views the rule set's own id strings, so
// comparing addresses tells a cap's id from a fund's of the same spelling).
class cap_limits {
 public:
  explicit cap_limits(const rule_set& rules) {
    for (const auto& cap : rules.caps()) ids_.push_back(cap.id.data());
    std::sort(ids_.begin(), ids_.end());
  }
  [[nodiscard]] bool binds(const rule_evaluation& evaluation) const {
    if (evaluation.code != outcome::cap_reached && evaluation.code != outcome::partial) return false;
    return std::binary_search(ids_.begin(), ids_.end(), evaluation.limit.data());
  }

 private:
  std::vector<const char*> ids_;
};

// When each release's money ran out: after a match, a fund at 0 marks its current release.
class release_watch {
 public:
  explicit release_watch(const rule_set& rules) : rules_(rules), current_(rules.funds().size(), 0) {
    for (const auto& fund : rules.funds()) exhausted_.emplace_back(fund.releases.size());
  }

  void after_match(const engine& run, std::int64_t time_ms) {
    for (std::size_t f = 0; f < current_.size(); ++f) {
      const auto& releases = rules_.funds()[f].releases;
      std::size_t& k = current_[f];  // releases[0..k) have come
      while (k < releases.size() && releases[k].at.epoch_ms() <= time_ms) ++k;
      if (k == 0 || exhausted_[f][k - 1]) continue;
      if (run.fund(fund_index{static_cast<std::uint32_t>(f)}).available().is_zero()) {
        exhausted_[f][k - 1] = timestamp::from_epoch_ms(time_ms);
      }
    }
  }

  [[nodiscard]] std::vector<std::optional<timestamp>>& of(std::size_t f) { return exhausted_[f]; }

 private:
  const rule_set& rules_;
  std::vector<std::size_t> current_;
  std::vector<std::vector<std::optional<timestamp>>> exhausted_;
};

std::vector<std::pair<std::string, std::int64_t>> drawn_parameters(const demand_model& demand,
                                                                   const run_parameters& drawn) {
  std::vector<std::pair<std::string, std::int64_t>> parameters;
  if (demand.volume.uncertain()) parameters.emplace_back("donations.volume", drawn.volume);
  if (demand.amount_scale.uncertain()) parameters.emplace_back("amounts.scale", drawn.amount_scale);
  if (demand.rush && demand.rush->size.uncertain()) parameters.emplace_back("timing.rush.size", drawn.rush_size);
  if (demand.refunds && demand.refunds->rate.uncertain()) parameters.emplace_back("refunds.rate", drawn.refund_rate);
  return parameters;
}

void take_available(const engine& run, std::size_t funds, const curve_grid& grid, std::size_t k,
                    std::vector<money>& available) {
  for (std::size_t f = 0; f < funds; ++f) {
    available[f * grid.count + k] = run.fund(fund_index{static_cast<std::uint32_t>(f)}).available();
  }
}

// Fills the record's totals and the per-project tables from the closed engine.
void collect(const engine& run, const rule_set& rules, run_trace& trace) {
  auto& record = trace.record;
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    const auto& totals = run.fund(fund_index{static_cast<std::uint32_t>(f)});
    record.funds.push_back({totals.drawn - totals.returned, totals.available(), totals.exhausted_at, {}});
  }
  for (std::size_t p = 0; p < rules.projects().size(); ++p) {
    const auto& totals = run.project(project_index{static_cast<std::uint32_t>(p)});
    trace.project_matched[p] = totals.matched;
    trace.project_raised[p] = totals.raised;
    record.raised += totals.raised;
    record.refunded += totals.refunded;
    record.matched += totals.matched;
    record.closeout += totals.closeout;
  }
}

void check_invariants(const engine& run, std::uint64_t point, std::uint64_t index) {
  for (const auto& result : run.check_invariants()) {
    if (!result.holds) {
      throw invariant_error("run " + std::to_string(index) + " of point " + std::to_string(point) + " broke the invariant " +
                  result.name + ": " + result.detail + " (a bug in matchfund)");
    }
  }
}

}  // namespace

curve_grid grid_for(const rule_set& rules) {
  const std::int64_t start = rules.campaign().start.epoch_ms();
  const std::int64_t span = rules.campaign().end.epoch_ms() - start;
  const std::int64_t step = std::max<std::int64_t>(1, span / 1000 / 2880) * 1000;
  return {start, step, static_cast<std::size_t>(span / step) + 1};
}

run_trace simulate_run(const rule_set& rules, const demand_model& demand, std::uint64_t seed, std::uint64_t point,
                       std::uint64_t run, const curve_grid& grid) {
  const std::size_t funds = rules.funds().size();
  const std::size_t projects = rules.projects().size();
  run_trace trace;
  trace.record.point = point;
  trace.record.run = run;
  trace.project_matched.resize(projects);
  trace.project_raised.resize(projects);
  trace.project_capped.assign(projects, 0);
  trace.available.resize(funds * grid.count);

  const auto source = stream_of_run(demand, rules, seed, run);
  event_stream& stream = *source;
  trace.record.parameters = drawn_parameters(demand, stream.parameters());
  trace.record.donations = stream.parameters().donations;
  trace.record.donors = stream.parameters().donors;
  const cap_limits caps(rules);
  release_watch releases(rules);
  std::vector<bool> matched_person(static_cast<std::size_t>(stream.parameters().donors));
  engine matcher(rules);
  matcher.reserve(0, static_cast<std::size_t>(stream.parameters().donors));
  std::vector<event> batch(batch_size);
  std::size_t k = 0;  // the next time of the grid
  while (const std::size_t count = stream.next(batch)) {
    for (std::size_t i = 0; i < count; ++i) {
      if (i + engine::prefetch_distance < count) matcher.prefetch(batch[i + engine::prefetch_distance]);
      const event& e = batch[i];
      while (k < grid.count && grid.time_ms(k) <= e.time.epoch_ms()) take_available(matcher, funds, grid, k++, trace.available);
      const bool donation = e.kind == event_kind::donation;
      // The stream's ids are new by construction (run-number), and a refund names the n-th
      // donation, which every run feeds the engine in order and none refused: no id is looked up.
      const auto result =
          donation ? matcher.process_unchecked_new_id(e)
                   : matcher.process_unchecked_refund_of(e, static_cast<std::uint32_t>(donation_number_of(e.ref) - 1));
      if (result.rejected) {
        throw error("the simulated event " + e.id + " was refused (" + std::string(to_string(result.rejected->code())) +
                    "): a bug in matchfund");
      }
      if (!donation) {
        ++trace.record.refunds;
        continue;
      }
      bool matched = false;
      for (const auto& evaluation : result.evaluations) {
        if (caps.binds(evaluation)) trace.project_capped[static_cast<std::size_t>(*e.project)] = 1;
        matched = matched || !evaluation.paid.is_zero();
      }
      if (matched) {
        releases.after_match(matcher, e.time.epoch_ms());
        const auto person = static_cast<std::size_t>(stream.person_of(e));
        if (!matched_person[person]) {
          matched_person[person] = true;
          ++trace.record.matched_donors;
        }
      }
    }
    matcher.discard_ledger();
  }
  while (k < grid.count) take_available(matcher, funds, grid, k++, trace.available);
  matcher.finish();
  matcher.discard_ledger();
  check_invariants(matcher, point, run);
  collect(matcher, rules, trace);
  for (std::size_t f = 0; f < funds; ++f) trace.record.funds[f].release_exhausted = std::move(releases.of(f));
  return trace;
}

}  // namespace matchfund::detail
