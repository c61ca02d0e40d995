// A set of 64-bit keys (all but 2⁶⁴ − 1) that a caller can prefetch: open addressing with linear
// probing, at most 70% full, on huge pages. The engine counts each project's distinct donors by
// inserting (project, donor) pairs, one random probe per donation: prefetching the slot a few
// donations ahead hides that miss. Internal.
#ifndef MATCHFUND_SRC_KEY_SET_HPP
#define MATCHFUND_SRC_KEY_SET_HPP

#include <cstdint>

#include "huge_pages.hpp"

namespace matchfund::detail {

class key_set {
 public:
  key_set() = default;
  key_set(const key_set&) = delete;
  key_set& operator=(const key_set&) = delete;
  ~key_set() { release(slots_, capacity_); }

  // Adds `key`; true when it was not there.
  bool insert(std::uint64_t key) {
    if ((size_ + 1) * 10 > capacity_ * 7) grow();
    for (std::size_t i = start_of(key);; i = (i + 1) & (capacity_ - 1)) {
      if (slots_[i] == key) return false;
      if (slots_[i] == empty) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }

  // Starts loading the slot where `key` is or would go; changes nothing.
  void prefetch(std::uint64_t key) const noexcept {
    if (capacity_ != 0) __builtin_prefetch(&slots_[start_of(key)]);
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::uint64_t empty = UINT64_MAX;

  [[nodiscard]] std::size_t start_of(std::uint64_t key) const noexcept {
    std::uint64_t x = key * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 32;
    return static_cast<std::size_t>(x) & (capacity_ - 1);
  }
  void grow() {
    const std::size_t old_capacity = capacity_;
    std::uint64_t* const old_slots = slots_;
    capacity_ = old_capacity == 0 ? 1024 : 2 * old_capacity;
    slots_ = huge_page_allocator<std::uint64_t>().allocate(capacity_);
    for (std::size_t i = 0; i < capacity_; ++i) slots_[i] = empty;
    for (std::size_t k = 0; k < old_capacity; ++k) {
      if (old_slots[k] == empty) continue;
      std::size_t i = start_of(old_slots[k]);
      while (slots_[i] != empty) i = (i + 1) & (capacity_ - 1);
      slots_[i] = old_slots[k];
    }
    release(old_slots, old_capacity);
  }
  static void release(std::uint64_t* slots, std::size_t capacity) noexcept {
    if (slots != nullptr) huge_page_allocator<std::uint64_t>().deallocate(slots, capacity);
  }

  std::uint64_t* slots_ = nullptr;
  std::size_t capacity_ = 0;  // a power of two, or 0
  std::size_t size_ = 0;
};

}  // namespace matchfund::detail

#endif
