// The slot array under the engine's open-addressing tables (id_index, key_set, counter_table):
// a power-of-two array on huge pages, linear probing, at most 70 % full. Growing doubles it and
// places every occupied slot again from the slot's own contents, so a table that keeps hash bits
// in its slots never reads the ids they stand for. Internal.
#ifndef MATCHFUND_SRC_PROBE_SLOTS_HPP
#define MATCHFUND_SRC_PROBE_SLOTS_HPP

#include <cstddef>

#include "support/huge_pages.hpp"
#include "support/prefetch.hpp"

namespace matchfund::detail {

template <class Slot>
class probe_slots {
 public:
  probe_slots() = default;
  probe_slots(const probe_slots&) = delete;
  probe_slots& operator=(const probe_slots&) = delete;
  ~probe_slots() { release(slots_, capacity_); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }  // a power of two, or 0

  Slot& operator[](std::size_t i) noexcept { return slots_[i]; }
  const Slot& operator[](std::size_t i) const noexcept { return slots_[i]; }
  // A hash reduced to a slot, and the slot probed after `i`.
  [[nodiscard]] std::size_t slot_of(std::size_t hash) const noexcept { return hash & (capacity_ - 1); }
  [[nodiscard]] std::size_t after(std::size_t i) const noexcept { return (i + 1) & (capacity_ - 1); }

  // Starts loading slot `i` (of a non-empty array); changes nothing.
  void prefetch(std::size_t i) const noexcept { detail::prefetch_line(&slots_[i]); }

  // Stores `slot` in the first free slot from `hash` on; the array must have room (make_room).
  template <class IsFree>
  void place(std::size_t hash, const Slot& slot, IsFree is_free) noexcept {
    std::size_t i = slot_of(hash);
    while (!is_free(slots_[i])) i = after(i);
    slots_[i] = slot;
  }

  // Room for one more slot: doubles the array (from 1,024) when one more would pass 70 %, every
  // occupied slot placed again by `hash_of(slot)`. `free_slot` fills the new array.
  template <class IsFree, class HashOf>
  void make_room(const Slot& free_slot, IsFree is_free, HashOf hash_of) {
    if ((size_ + 1) * 10 <= capacity_ * 7) return;
    grow_to(capacity_ == 0 ? 1024 : 2 * capacity_, free_slot, is_free, hash_of);
  }

  // Room for `count` slots in all without growing: the array grows at once to the power of two
  // they fill to at most 70 % (a table that grows by doubling re-places every slot each time).
  template <class IsFree, class HashOf>
  void reserve(std::size_t count, const Slot& free_slot, IsFree is_free, HashOf hash_of) {
    std::size_t capacity = capacity_ == 0 ? 1024 : capacity_;
    while (count * 10 > capacity * 7) capacity *= 2;
    if (capacity != capacity_) grow_to(capacity, free_slot, is_free, hash_of);
  }

  void count_one() noexcept { ++size_; }  // a slot was filled

 private:
  // Out of line and cold: once per doubling, and kept out of the hot loops' instruction cache.
  template <class IsFree, class HashOf>
  [[gnu::noinline, gnu::cold]] void grow_to(std::size_t capacity, const Slot& free_slot, IsFree is_free, HashOf hash_of) {
    const std::size_t old_capacity = capacity_;
    Slot* const old_slots = slots_;
    slots_ = huge_page_allocator<Slot>().allocate(capacity);
    capacity_ = capacity;
    for (std::size_t i = 0; i < capacity; ++i) slots_[i] = free_slot;
    for (std::size_t i = 0; i < old_capacity; ++i) {
      if (!is_free(old_slots[i])) place(hash_of(old_slots[i]), old_slots[i], is_free);
    }
    release(old_slots, old_capacity);
  }

  static void release(Slot* slots, std::size_t capacity) noexcept {
    if (slots != nullptr) huge_page_allocator<Slot>().deallocate(slots, capacity);
  }

  Slot* slots_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

}  // namespace matchfund::detail

#endif
