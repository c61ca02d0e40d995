// One run's resample of a recorded stream (recorded_stream.hpp).
#include "synth/recorded_stream.hpp"

#include <charconv>

#include "matchfund/error.hpp"

namespace matchfund::detail {

recorded_stream::recorded_stream(const demand_model& model, const rule_set& rules, std::uint64_t seed,
                                 std::uint64_t run)
    : recorded_(*model.recorded),
      attribute_slots_(rules.attributes(attribute_owner::donation).size()),
      run_(run),
      parameters_(draw_run_parameters(model, seed, run)) {
  // Donors drawn uniformly with replacement, each draw bringing all the donor's donations: a
  // donor's habits (how often, how much, to whom) stay whole, so per-donor caps bind as they did.
  const std::size_t donors = recorded_.donors.size();
  if (parameters_.donors >= (std::uint64_t{1} << 31)) throw error("a run would draw more than 2^31 donors");
  donor_draws_.assign(donors, 0);
  auto random = part_random(seed, run, 'E');
  for (std::uint64_t n = 0; n < parameters_.donors; ++n) ++donor_draws_[random.below(donors)];
  first_person_.resize(donors);
  std::uint64_t persons = 0;
  for (std::size_t d = 0; d < donors; ++d) {
    first_person_[d] = persons;
    persons += donor_draws_[d];
  }
  parameters_.donations = 0;
  for (const auto& donation : recorded_.donations) parameters_.donations += donor_draws_[donation.donor];
}

std::size_t recorded_stream::next(std::span<event> out) {
  std::size_t written = 0;
  batch_first_line_ = donations_made_ + 1;
  batch_persons_.clear();
  while (written < out.size() && at_ < recorded_.donations.size()) {
    const recorded_donation& donation = recorded_.donations[at_];
    if (copy_ < donor_draws_[donation.donor]) {
      write_donation(out[written++], donation, ++copy_);
      batch_persons_.push_back(first_person_[donation.donor] + copy_ - 1);
    } else {
      ++at_;
      copy_ = 0;
    }
  }
  return written;
}

// The first copy of a donor keeps the recorded id; copy k > 1 is another donor, "ID~k".
void recorded_stream::write_donation(event& e, const recorded_donation& recorded, std::uint32_t copy) {
  const std::uint64_t number = ++donations_made_;
  char text[48];
  char* end = std::to_chars(text, text + 20, run_).ptr;
  *end++ = '-';
  end = std::to_chars(end, text + sizeof text, number).ptr;
  e.kind = event_kind::donation;
  e.id.assign(text, end);
  e.donor = recorded_.donors[recorded.donor];
  if (copy > 1) {
    end = std::to_chars(text, text + sizeof text, copy).ptr;
    e.donor.push_back('~');
    e.donor.append(text, end);
  }
  e.ref.clear();
  e.channel = recorded.channel;
  e.attributes = recorded.attributes;
  e.attributes.resize(attribute_slots_);
  e.time = timestamp::from_epoch_ms(recorded.time_ms);
  e.project = recorded.project;
  e.amount = money::from_minor(scale_and_round(recorded.amount.minor_units(), parameters_.amount_scale, 1));
  e.line = number;
  e.file_index = 0;
  e.scope.reset();
  e.disposition.reset();
}

}  // namespace matchfund::detail
