// The engine's cap counters by key (cap, scope value, period): the position of each counter in
// the engine's counter arrays, created when first charged: 16-byte slots (probe_slots.hpp) and
// prefetch(), since a donation's per-donor counters are known a few donations ahead. Internal.
#ifndef MATCHFUND_SRC_COUNTER_TABLE_HPP
#define MATCHFUND_SRC_COUNTER_TABLE_HPP

#include <cstdint>
#include <optional>

#include "matchfund/assert.hpp"
#include "support/probe_slots.hpp"
#include "support/run_limits.hpp"
#include "matchfund/detail/int128.hpp"

namespace matchfund::detail {

// One counter of one cap: the scope value (a dense id), the period and the cap. The period is
// counted from the campaign's start (cap_period.hpp: days or years since the one the campaign
// starts in; 0 for the campaign): the table keeps it in 16 bits and the cap in 16 (fits()), so
// that a slot is 16 bytes. The engine refuses rule sets whose keys would not fit.
struct cap_key {
  std::uint64_t scope = 0;
  std::int32_t period = 0;
  std::uint32_t cap = 0;
  friend bool operator==(const cap_key&, const cap_key&) = default;

  static constexpr std::int32_t max_period = max_cap_period;
  static constexpr std::uint32_t max_cap = max_cap_number;
  [[nodiscard]] constexpr bool fits() const noexcept {
    return period >= INT16_MIN && period <= max_period && cap <= max_cap;
  }
};

class counter_table {
 public:
  [[nodiscard]] std::optional<std::uint32_t> find(const cap_key& key) const noexcept {
    if (slots_.empty() || !key.fits()) return std::nullopt;
    const slot wanted = packed(key, 0);
    for (std::size_t i = slots_.slot_of(spread(key));; i = slots_.after(i)) {
      const slot& s = slots_[i];
      if (is_free(s)) return std::nullopt;
      if (s.scope == wanted.scope && s.period == wanted.period && s.cap == wanted.cap) return s.counter;
    }
  }

  // Adds a key that is not in the table (the caller has looked) for `counter` (not 2³² − 1).
  void insert(const cap_key& key, std::uint32_t counter) {
    MATCHFUND_ASSERT(key.fits(), "a cap key outside the 16-bit period and cap the engine checked for");
    slots_.make_room(slot{0, 0, 0, empty}, is_free, [](const slot& s) { return spread(unpacked(s)); });
    slots_.place(spread(key), packed(key, counter), is_free);
    slots_.count_one();
  }

  // Room for `count` keys in all without growing (a restored snapshot knows how many).
  void reserve(std::size_t count) {
    slots_.reserve(count, slot{0, 0, 0, empty}, is_free, [](const slot& s) { return spread(unpacked(s)); });
  }

  // Every key with its counter, in slot order (a snapshot sorts them by counter).
  template <class Visit>
  void for_each(Visit visit) const {
    for (std::size_t i = 0; i < slots_.capacity(); ++i) {
      if (!is_free(slots_[i])) visit(unpacked(slots_[i]), slots_[i].counter);
    }
  }

  // Starts loading the slot where `key` is or would go; changes nothing.
  void prefetch(const cap_key& key) const noexcept {
    if (slots_.capacity() != 0) slots_.prefetch(slots_.slot_of(spread(key)));
  }

 private:
  struct slot {
    std::uint64_t scope;
    std::int16_t period;
    std::uint16_t cap;
    std::uint32_t counter;
  };
  static_assert(sizeof(slot) == 16);
  static slot packed(const cap_key& key, std::uint32_t counter) noexcept {
    return {key.scope, static_cast<std::int16_t>(key.period), static_cast<std::uint16_t>(key.cap), counter};
  }
  static cap_key unpacked(const slot& s) noexcept { return {s.scope, s.period, s.cap}; }
  static constexpr std::uint32_t empty = UINT32_MAX;
  static bool is_free(const slot& s) noexcept { return s.counter == empty; }

  static std::size_t spread(const cap_key& key) noexcept {
    const std::uint64_t rest = std::uint64_t{static_cast<std::uint32_t>(key.period)} << 32 | key.cap;
    const uint128 product = uint128{key.scope ^ 0x9E3779B97F4A7C15ULL} * (rest ^ 0xD6E8FEB86659FD93ULL);
    return static_cast<std::size_t>(static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64));
  }

  probe_slots<slot> slots_;
};

}  // namespace matchfund::detail

#endif
