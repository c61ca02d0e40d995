// Ids kept elsewhere, found by their text. The engine remembers every event id and every donor
// id (tens of millions in a national replay) as text in its arena plus a position in its
// tables; a map from view to position would hold 24 bytes a slot. Here a slot holds 8: 32 bits
// of the id's hash and the 32-bit position, and the text is compared by asking the owner for
// the id at a position (only when the hash bits agree). Open addressing with linear probing,
// at most 70% full; growing never reads an id (slots move by their hash bits). prefetch() lets
// a caller that knows the next ids start loading their slots early. Internal.
//
//   id_index index([](const void* owner, std::uint32_t at) { return ...; }, this);
//   index.insert("d-1", 0);          // an id not in the index yet
//   index.find("d-1");               // 0
#ifndef MATCHFUND_SRC_ID_INDEX_HPP
#define MATCHFUND_SRC_ID_INDEX_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "huge_pages.hpp"
#include "string_maps.hpp"

namespace matchfund::detail {

class id_index {
 public:
  // The id at a position, from the owner of the ids.
  using id_at_function = std::string_view (*)(const void* owner, std::uint32_t position);

  id_index(id_at_function id_at, const void* owner) : id_at_(id_at), owner_(owner) {}
  id_index(const id_index&) = delete;
  id_index& operator=(const id_index&) = delete;
  ~id_index() { release(slots_, capacity_); }

  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id) const {
    if (size_ == 0) return std::nullopt;
    const std::uint32_t bits = hash_bits(id);
    for (std::size_t i = start_of(bits);; i = (i + 1) & (capacity_ - 1)) {
      const slot& s = slots_[i];
      if (s.position == empty) return std::nullopt;
      if (s.bits == bits && id_at_(owner_, s.position) == id) return s.position;
    }
  }
  [[nodiscard]] bool contains(std::string_view id) const { return find(id).has_value(); }

  // Adds an id that is not in the index (the caller has looked) at `position` (not 2³² − 1).
  void insert(std::string_view id, std::uint32_t position) {
    if ((size_ + 1) * 10 > capacity_ * 7) grow();
    place(hash_bits(id), position);
    ++size_;
  }

  // Starts loading the slot where `id` is or would go; returns its hash bits for a later
  // candidate() call. Changes nothing.
  std::uint32_t prefetch(std::string_view id) const noexcept {
    const std::uint32_t bits = hash_bits(id);
    if (capacity_ != 0) __builtin_prefetch(&slots_[start_of(bits)]);
    return bits;
  }

  // The position of the first id with these hash bits (perhaps another id with the same bits):
  // what to prefetch next once the slot is loaded. Changes nothing.
  [[nodiscard]] std::optional<std::uint32_t> candidate(std::uint32_t bits) const noexcept {
    if (size_ == 0) return std::nullopt;
    for (std::size_t i = start_of(bits);; i = (i + 1) & (capacity_ - 1)) {
      const slot& s = slots_[i];
      if (s.position == empty) return std::nullopt;
      if (s.bits == bits) return s.position;
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  struct slot {
    std::uint32_t bits;
    std::uint32_t position;
  };
  static constexpr std::uint32_t empty = UINT32_MAX;

  static std::uint32_t hash_bits(std::string_view id) noexcept { return static_cast<std::uint32_t>(hash_text(id) >> 32); }
  // The first slot to probe, spread from the hash bits (a table of up to 2³² slots).
  [[nodiscard]] std::size_t start_of(std::uint32_t bits) const noexcept {
    return static_cast<std::size_t>((std::uint64_t{bits} * 0x9E3779B97F4A7C15ULL) >> 32) & (capacity_ - 1);
  }
  void place(std::uint32_t bits, std::uint32_t position) noexcept {
    std::size_t i = start_of(bits);
    while (slots_[i].position != empty) i = (i + 1) & (capacity_ - 1);
    slots_[i] = {bits, position};
  }
  void grow() {
    const std::size_t old_capacity = capacity_;
    slot* const old_slots = slots_;
    const std::size_t capacity = old_capacity == 0 ? 1024 : 2 * old_capacity;
    slots_ = huge_page_allocator<slot>().allocate(capacity);
    capacity_ = capacity;
    for (std::size_t i = 0; i < capacity; ++i) slots_[i] = {0, empty};
    for (std::size_t i = 0; i < old_capacity; ++i) {
      if (old_slots[i].position != empty) place(old_slots[i].bits, old_slots[i].position);
    }
    release(old_slots, old_capacity);
  }
  static void release(slot* slots, std::size_t capacity) noexcept {
    if (slots != nullptr) huge_page_allocator<slot>().deallocate(slots, capacity);
  }

  id_at_function id_at_;
  const void* owner_;
  slot* slots_ = nullptr;
  std::size_t capacity_ = 0;  // a power of two, or 0
  std::size_t size_ = 0;
};

}  // namespace matchfund::detail

#endif
