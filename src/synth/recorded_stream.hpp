// One run's resample of a recorded stream (include/matchfund/recorded_demand.hpp): how many
// times each recorded donor is drawn, then the copies of their donations in time order, batch by
// batch.
#ifndef MATCHFUND_SRC_RECORDED_STREAM_HPP
#define MATCHFUND_SRC_RECORDED_STREAM_HPP

#include <cstdint>
#include <span>
#include <vector>

#include "matchfund/recorded_demand.hpp"
#include "synth/demand_stream.hpp"

namespace matchfund::detail {

class recorded_stream final : public event_stream {
 public:
  // `model.recorded` must be set; the model must outlive the stream.
  recorded_stream(const demand_model& model, const rule_set& rules, std::uint64_t seed, std::uint64_t run);

  std::size_t next(std::span<event> out) override;
  [[nodiscard]] const run_parameters& parameters() const noexcept override { return parameters_; }
  // Draw k of recorded donor d is person first_person_[d] + k - 1.
  [[nodiscard]] std::uint64_t person_of(const event& donation) const override {
    return batch_persons_.at(donation.line - batch_first_line_);
  }

 private:
  void write_donation(event& e, const recorded_donation& recorded, std::uint32_t copy);

  const recorded_donations& recorded_;
  std::size_t attribute_slots_ = 0;
  std::uint64_t run_;
  run_parameters parameters_;
  std::vector<std::uint32_t> donor_draws_;  // how many times each recorded donor was drawn
  std::vector<std::uint64_t> first_person_;  // by recorded donor: the person of its first draw
  std::vector<std::uint64_t> batch_persons_;  // the persons of the last batch's donations
  std::uint64_t batch_first_line_ = 1;      // the line (donation number) of the batch's first
  std::size_t at_ = 0;                      // the recorded donation being copied
  std::uint32_t copy_ = 0;                  // its copy written last (1 is the first)
  std::uint64_t donations_made_ = 0;
};

}  // namespace matchfund::detail

#endif
