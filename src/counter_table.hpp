// The engine's cap counters by key (cap, scope value, period): the position of each counter in
// the engine's counter arrays, created when first charged: 24-byte slots (probe_slots.hpp) and
// prefetch(), since a donation's per-donor counters are known a few donations ahead. Internal.
#ifndef MATCHFUND_SRC_COUNTER_TABLE_HPP
#define MATCHFUND_SRC_COUNTER_TABLE_HPP

#include <cstdint>
#include <optional>

#include "probe_slots.hpp"
#include "matchfund/detail/int128.hpp"

namespace matchfund::detail {

// One counter of one cap: the scope value (a dense id), the period and the cap. 16 bytes: a
// period index is a day or a year number (cap_period.hpp), far inside 32 bits.
struct cap_key {
  std::uint64_t scope = 0;
  std::int32_t period = 0;
  std::uint32_t cap = 0;
  friend bool operator==(const cap_key&, const cap_key&) = default;
};

class counter_table {
 public:
  [[nodiscard]] std::optional<std::uint32_t> find(const cap_key& key) const noexcept {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = slots_.slot_of(spread(key));; i = slots_.after(i)) {
      const slot& s = slots_[i];
      if (is_free(s)) return std::nullopt;
      if (s.key == key) return s.counter;
    }
  }

  // Adds a key that is not in the table (the caller has looked) for `counter` (not 2³² − 1).
  void insert(const cap_key& key, std::uint32_t counter) {
    slots_.make_room(slot{cap_key{}, empty}, is_free, [](const slot& s) { return spread(s.key); });
    slots_.place(spread(key), slot{key, counter}, is_free);
    slots_.count_one();
  }

  // Starts loading the slot where `key` is or would go; changes nothing.
  void prefetch(const cap_key& key) const noexcept {
    if (slots_.capacity() != 0) slots_.prefetch(slots_.slot_of(spread(key)));
  }

 private:
  struct slot {
    cap_key key;
    std::uint32_t counter;
  };
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
