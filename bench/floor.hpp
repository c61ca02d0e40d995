// The floor under the engine: the per-donation state work any engine of these rules must do,
// and nothing else. Per donation: the donor found by id in an index of 8-byte slots (interned
// when new, its id text compared), a per-donor-per-day counter found in a counter table and
// added to, the (project, donor) pair inserted into a key set, and the project's total added to.
// The structures are the engine's own (support/id_index.hpp, engine/counter_table.hpp,
// support/key_set.hpp), so the floor's misses are the engine's misses.
//
// Two ways through the same work, which must end in the same state (check()):
//   - one_at_a_time: each donation's lookups one after the other, the next waiting on the last
//     (donor slot -> donor text -> counter slot -> counter), the form a plain loop takes;
//   - pipelined: the lookups of donation i + 3d, i + 2d and i + d started before donation i is
//     done (its donor slot; then, from that slot, its id text, counter slot and pair slot; then
//     its counter), so that many misses are in flight, as a host feeding a stream allows.
#ifndef MATCHFUND_BENCH_FLOOR_HPP
#define MATCHFUND_BENCH_FLOOR_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/counter_table.hpp"
#include "matchfund/event.hpp"
#include "support/id_index.hpp"
#include "support/key_set.hpp"
#include "support/prefetch.hpp"

namespace matchfund_bench {

class floor_state {
 public:
  explicit floor_state(std::size_t projects) : donors_(&id_at, this), project_totals_(projects) {}
  floor_state(const floor_state&) = delete;
  floor_state& operator=(const floor_state&) = delete;

  // The whole work of one donation.
  void take(const matchfund::event& e) {
    const std::string_view id(e.donor);
    std::optional<std::uint32_t> donor = donors_.find(id);
    if (!donor) {
      donor = static_cast<std::uint32_t>(texts_.size());
      texts_.emplace_back(id);
      donors_.insert(id, *donor);
    }
    const matchfund::detail::cap_key key = counter_key(*donor, e);
    std::optional<std::uint32_t> counter = counters_.find(key);
    if (!counter) {
      counter = static_cast<std::uint32_t>(counter_totals_.size());
      counter_totals_.push_back(0);
      counters_.insert(key, *counter);
    }
    const std::int64_t amount = e.amount->minor_units();
    counter_totals_[*counter] += amount;
    pairs_.insert(std::uint64_t{project_of(e)} << 32 | *donor);
    project_totals_[project_of(e)] += amount;
  }

  // Stage 1: starts loading the donor's index slot; the hash bits are for stage 2.
  [[nodiscard]] std::uint32_t start_donor(const matchfund::event& e) const noexcept { return donors_.prefetch(e.donor); }

  // Stage 2 (the slot loaded): the donor's id text, counter slot and pair slot, and the project.
  void start_donor_state(std::uint32_t bits, const matchfund::event& e) const noexcept {
    matchfund::detail::prefetch_line(&project_totals_[project_of(e)]);
    const std::optional<std::uint32_t> donor = donors_.candidate(bits);
    if (!donor || *donor >= texts_.size()) return;
    matchfund::detail::prefetch_line(&texts_[*donor]);
    counters_.prefetch(counter_key(*donor, e));
    pairs_.prefetch(std::uint64_t{project_of(e)} << 32 | *donor);
  }

  // Stage 3 (the slots loaded): the counter itself.
  void start_counter(std::uint32_t bits, const matchfund::event& e) const noexcept {
    const std::optional<std::uint32_t> donor = donors_.candidate(bits);
    if (!donor || *donor >= texts_.size()) return;
    const std::optional<std::uint32_t> counter = counters_.find(counter_key(*donor, e));
    if (counter) matchfund::detail::prefetch_line(&counter_totals_[*counter]);
  }

  // A digest of the state, equal whichever way the donations went through.
  [[nodiscard]] std::uint64_t check() const {
    std::uint64_t sum = texts_.size() * 1'000'003 + counter_totals_.size() * 1009 + pairs_.size();
    for (const std::int64_t total : counter_totals_) sum = sum * 31 + static_cast<std::uint64_t>(total);
    for (const std::int64_t total : project_totals_) sum = sum * 31 + static_cast<std::uint64_t>(total);
    return sum;
  }

 private:
  static std::string_view id_at(const void* owner, std::uint32_t position) {
    return static_cast<const floor_state*>(owner)->texts_[position];
  }
  static std::uint32_t project_of(const matchfund::event& e) noexcept {
    return static_cast<std::uint32_t>(matchfund::position(*e.project));
  }
  // The donor's counter of the UTC day (the floor needs a day, not the campaign's calendar).
  static matchfund::detail::cap_key counter_key(std::uint32_t donor, const matchfund::event& e) noexcept {
    return {donor, static_cast<std::int32_t>(e.time.epoch_ms() / 86'400'000 % 16'384), 0};
  }

  matchfund::detail::id_index donors_;
  std::vector<std::string> texts_;
  matchfund::detail::counter_table counters_;
  std::vector<std::int64_t> counter_totals_;
  matchfund::detail::key_set pairs_;
  std::vector<std::int64_t> project_totals_;
};

inline bool is_donation(const matchfund::event& e) noexcept {
  return e.kind == matchfund::event_kind::donation && e.project && e.amount;
}

// Each donation's work before the next's starts.
inline std::uint64_t floor_one_at_a_time(const std::vector<matchfund::event>& events, std::size_t projects) {
  floor_state state(projects);
  for (const matchfund::event& e : events) {
    if (is_donation(e)) state.take(e);
  }
  return state.check();
}

// Donation i's work with the lookups of donations i + d, i + 2d and i + 3d under way.
inline std::uint64_t floor_pipelined(const std::vector<matchfund::event>& events, std::size_t projects, std::size_t d) {
  floor_state state(projects);
  const std::size_t n = events.size();
  std::vector<std::uint32_t> bits(n);  // stage 1's hash bits, by event
  const auto stage_1 = [&](std::size_t j) {
    if (j < n && is_donation(events[j])) bits[j] = state.start_donor(events[j]);
  };
  for (std::size_t j = 0; j < 3 * d; ++j) stage_1(j);
  for (std::size_t j = d; j < 2 * d && j < n; ++j) {
    if (is_donation(events[j])) state.start_donor_state(bits[j], events[j]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    stage_1(i + 3 * d);
    if (i + 2 * d < n && is_donation(events[i + 2 * d])) state.start_donor_state(bits[i + 2 * d], events[i + 2 * d]);
    if (i + d < n && is_donation(events[i + d])) state.start_counter(bits[i + d], events[i + d]);
    if (is_donation(events[i])) state.take(events[i]);
  }
  return state.check();
}

}  // namespace matchfund_bench

#endif
