// A donation stream drawn from a demand model (include/matchfund/demand.hpp) for one run of a
// simulation, generated in memory in time order, batch by batch, ready for the engine.
//
// A run depends only on (model, rules, seed, run): each part of the stream (the run's uncertain
// parameters, times, donors, projects, amounts, attributes, refunds) has a generator of its own
// seeded from those, so a run is the same whatever else runs, on any thread, and changing one
// part of a model (adding refunds, say) leaves the others' draws as they were.
#ifndef MATCHFUND_SRC_DEMAND_STREAM_HPP
#define MATCHFUND_SRC_DEMAND_STREAM_HPP

#include <cstdint>
#include <memory>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/event.hpp"
#include "matchfund/rule_set.hpp"
#include "synth/laws.hpp"

namespace matchfund::detail {

// What one run drew of the model's uncertain quantities (millionths), and the sizes they give.
struct run_parameters {
  std::int64_t volume = 1'000'000;
  std::int64_t amount_scale = 1'000'000;
  std::int64_t rush_size = 1'000'000;
  std::int64_t refund_rate = 0;
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
};

// A generator seeded for one part of one run.
splitmix64 part_random(std::uint64_t seed, std::uint64_t run, char part) noexcept;

// The run's parameters, drawn from (seed, run) alone.
run_parameters draw_run_parameters(const demand_model& model, std::uint64_t seed, std::uint64_t run);

// How many donations come in each second of the campaign (second 0 starts at campaign start).
std::vector<std::uint32_t> donations_per_second(const demand_model& model, const rule_set& rules,
                                                const run_parameters& parameters);

// The number n of the stream's donation id "RUN-n" (its n-th donation, from 1): a refund names
// its donation so, and a host that fed the donations in order finds it at position n - 1.
std::uint64_t donation_number_of(std::string_view id);

// The events of one run, batch by batch: drawn from a model's laws (demand_stream) or resampled
// from a recorded stream (recorded_stream.hpp).
class event_stream {
 public:
  virtual ~event_stream() = default;
  // Writes the next events (donations and refunds, in time order) over the first elements of
  // `out`, reusing their storage, and returns how many; 0 once the stream is over.
  virtual std::size_t next(std::span<event> out) = 0;
  [[nodiscard]] virtual const run_parameters& parameters() const noexcept = 0;
  // The person who gave `donation`, one of the last batch's donations: a number below
  // parameters().donors, the same for every gift of that person in the run.
  [[nodiscard]] virtual std::uint64_t person_of(const event& donation) const = 0;
};

// The stream of run `run` (from 1) of the model: resampled when the model has a recorded stream.
// The rules and model must outlive it.
std::unique_ptr<event_stream> stream_of_run(const demand_model& model, const rule_set& rules, std::uint64_t seed,
                                            std::uint64_t run);

class demand_stream final : public event_stream {
 public:
  // `run` counts from 1. The rules and model must outlive the stream.
  demand_stream(const demand_model& model, const rule_set& rules, std::uint64_t seed, std::uint64_t run);

  std::size_t next(std::span<event> out) override;
  [[nodiscard]] const run_parameters& parameters() const noexcept override { return parameters_; }
  // The donor's rank: the stream writes donation n's donor as "u" + (rank + 1) and its line as n.
  [[nodiscard]] std::uint64_t person_of(const event& donation) const override { return donor_of_[donation.line - 1]; }

 private:
  void build_donors();
  void build_projects();
  void build_amounts();
  bool refill_second();
  void write_donation(event& e, std::int64_t time_ms);
  void write_refund(event& e, std::int64_t time_ms, std::uint64_t donation);
  void donation_id(std::string& id, char kind, std::uint64_t number) const;

  const demand_model& model_;
  const rule_set& rules_;
  std::uint64_t run_;
  run_parameters parameters_;
  splitmix64 time_random_, donor_random_, project_random_, amount_random_, attribute_random_, refund_random_;

  std::vector<std::uint32_t> per_second_;
  std::size_t second_ = 0;
  std::vector<std::uint16_t> milliseconds_;  // of the current second, sorted
  std::size_t in_second_ = 0;

  std::vector<std::uint32_t> donor_of_;  // the donor rank of each donation, in order
  alias_table projects_;
  alias_table amount_table_;
  std::vector<std::int64_t> amounts_;  // the table's amounts, scaled for the run
  std::optional<pareto_quantiles> pareto_;
  std::vector<alias_table> attribute_tables_;

  std::uint64_t donations_made_ = 0;
  // Refunds due, earliest first: (time, donation number).
  std::priority_queue<std::pair<std::int64_t, std::uint64_t>, std::vector<std::pair<std::int64_t, std::uint64_t>>,
                      std::greater<>>
      refunds_;
  std::int64_t start_ms_ = 0;
  std::int64_t end_ms_ = 0;
};

}  // namespace matchfund::detail

#endif
