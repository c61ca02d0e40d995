// A set of 64-bit keys (all but 2⁶⁴ − 1) that a caller can prefetch (probe_slots.hpp). The
// engine counts each project's distinct donors by inserting (project, donor) pairs, one random
// probe per donation: prefetching the slot a few donations ahead hides that miss. Internal.
#ifndef MATCHFUND_SRC_KEY_SET_HPP
#define MATCHFUND_SRC_KEY_SET_HPP

#include <cstdint>

#include "support/probe_slots.hpp"

namespace matchfund::detail {

class key_set {
 public:
  // Adds `key`; true when it was not there.
  bool insert(std::uint64_t key) {
    slots_.make_room(empty, is_free, spread);
    for (std::size_t i = slots_.slot_of(spread(key));; i = slots_.after(i)) {
      if (slots_[i] == key) return false;
      if (is_free(slots_[i])) {
        slots_[i] = key;
        slots_.count_one();
        return true;
      }
    }
  }

  // Starts loading the slot where `key` is or would go; changes nothing.
  void prefetch(std::uint64_t key) const noexcept {
    if (slots_.capacity() != 0) slots_.prefetch(slots_.slot_of(spread(key)));
  }

  // Room for `count` keys in all without growing.
  void reserve(std::size_t count) { slots_.reserve(count, empty, is_free, spread); }

  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

  // Every key, in slot order.
  template <class Visit>
  void for_each(Visit visit) const {
    for (std::size_t i = 0; i < slots_.capacity(); ++i) {
      if (!is_free(slots_[i])) visit(slots_[i]);
    }
  }

 private:
  static constexpr std::uint64_t empty = UINT64_MAX;
  static bool is_free(std::uint64_t slot) noexcept { return slot == empty; }
  static std::size_t spread(std::uint64_t key) noexcept {
    std::uint64_t x = key * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 32;
    return static_cast<std::size_t>(x);
  }

  probe_slots<std::uint64_t> slots_;
};

}  // namespace matchfund::detail

#endif
