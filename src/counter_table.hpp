// The engine's cap counters by key (cap, scope value, period): the position of each counter in
// the engine's counter arrays, created when first charged. Open addressing with linear probing,
// at most 70% full, 24-byte slots on huge pages, and prefetch(): a donation's per-donor counters
// are known a few donations ahead, so their slots can be loaded early. Internal.
#ifndef MATCHFUND_SRC_COUNTER_TABLE_HPP
#define MATCHFUND_SRC_COUNTER_TABLE_HPP

#include <cstdint>
#include <optional>

#include "huge_pages.hpp"
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
  counter_table() = default;
  counter_table(const counter_table&) = delete;
  counter_table& operator=(const counter_table&) = delete;
  ~counter_table() { release(slots_, capacity_); }

  [[nodiscard]] std::optional<std::uint32_t> find(const cap_key& key) const noexcept {
    if (size_ == 0) return std::nullopt;
    for (std::size_t i = start_of(key);; i = (i + 1) & (capacity_ - 1)) {
      const slot& s = slots_[i];
      if (s.counter == empty) return std::nullopt;
      if (s.key == key) return s.counter;
    }
  }

  // Adds a key that is not in the table (the caller has looked) for `counter` (not 2³² − 1).
  void insert(const cap_key& key, std::uint32_t counter) {
    if ((size_ + 1) * 10 > capacity_ * 7) grow();
    place(key, counter);
    ++size_;
  }

  // Starts loading the slot where `key` is or would go; changes nothing.
  void prefetch(const cap_key& key) const noexcept {
    if (capacity_ != 0) __builtin_prefetch(&slots_[start_of(key)]);
  }

 private:
  struct slot {
    cap_key key;
    std::uint32_t counter;
  };
  static constexpr std::uint32_t empty = UINT32_MAX;

  [[nodiscard]] std::size_t start_of(const cap_key& key) const noexcept {
    const std::uint64_t rest = std::uint64_t{static_cast<std::uint32_t>(key.period)} << 32 | key.cap;
    const uint128 product = uint128{key.scope ^ 0x9E3779B97F4A7C15ULL} * (rest ^ 0xD6E8FEB86659FD93ULL);
    return static_cast<std::size_t>(static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64)) &
           (capacity_ - 1);
  }
  void place(const cap_key& key, std::uint32_t counter) noexcept {
    std::size_t i = start_of(key);
    while (slots_[i].counter != empty) i = (i + 1) & (capacity_ - 1);
    slots_[i] = {key, counter};
  }
  void grow() {
    const std::size_t old_capacity = capacity_;
    slot* const old_slots = slots_;
    capacity_ = old_capacity == 0 ? 1024 : 2 * old_capacity;
    slots_ = huge_page_allocator<slot>().allocate(capacity_);
    for (std::size_t i = 0; i < capacity_; ++i) slots_[i] = {cap_key{}, empty};
    for (std::size_t i = 0; i < old_capacity; ++i) {
      if (old_slots[i].counter != empty) place(old_slots[i].key, old_slots[i].counter);
    }
    release(old_slots, old_capacity);
  }
  static void release(slot* slots, std::size_t capacity) noexcept {
    if (slots != nullptr) huge_page_allocator<slot>().deallocate(slots, capacity);
  }

  slot* slots_ = nullptr;
  std::size_t capacity_ = 0;  // a power of two, or 0
  std::size_t size_ = 0;
};

}  // namespace matchfund::detail

#endif
