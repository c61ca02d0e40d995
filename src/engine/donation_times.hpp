// When each donation became one: its time, or a confirmed hold's confirm (SPEC §12). Kept only
// when some rule settles on the donor's later payments (`settle.payments`): settlement counts a
// donor's payments to a project by their times at the close, and a donation record has no time
// (it is kept by the ten million at 32 bytes, records.hpp). Other campaigns keep and save
// nothing here. Internal.
#ifndef MATCHFUND_SRC_ENGINE_DONATION_TIMES_HPP
#define MATCHFUND_SRC_ENGINE_DONATION_TIMES_HPP

#include <cstdint>

#include "engine/records.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "support/binary_stream.hpp"

namespace matchfund::engine_detail {

class donation_times {
 public:
  explicit donation_times(const rule_set& rules) {
    for (const rule_spec& rule : rules.rules()) kept_ = kept_ || (rule.settle && rule.settle->payments);
  }

  [[nodiscard]] bool kept() const noexcept { return kept_; }
  // The donations recorded up to `donations` came at `t` (an accepted event adds at most one).
  // Cold and out of line: engine::process tests kept() for every event, and its code stays as
  // small as it was for the campaigns that keep nothing.
  [[gnu::cold, gnu::noinline]] void catch_up(std::uint32_t donations, timestamp t) {
    while (times_.size() < donations) times_.push_back(t);
  }
  // A hold confirmed at `t` is a donation from then on.
  void confirmed(std::uint32_t donation, timestamp t) { times_[donation] = t; }
  [[nodiscard]] timestamp of(std::uint32_t donation) const noexcept { return times_[donation]; }
  [[nodiscard]] std::size_t size() const noexcept { return times_.size(); }

  void save(detail::binary_writer& out) const {
    if (!kept_) return;
    out.u64(times_.size());
    for (std::size_t d = 0; d < times_.size(); ++d) out.time(times_[d]);
  }
  void restore(detail::binary_reader& in) {
    if (!kept_) return;
    const std::uint64_t n = in.count(8);
    for (std::uint64_t d = 0; d < n; ++d) times_.push_back(in.time());
  }

 private:
  bool kept_ = false;
  table_vector<timestamp> times_;  // by donation position
};

}  // namespace matchfund::engine_detail

#endif
