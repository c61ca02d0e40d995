// Ids kept elsewhere, found by their text. The engine remembers every event id and every donor
// id (tens of millions in a national replay) as text in its arena plus a position in its
// tables; a map from view to position would hold 24 bytes a slot. Here a slot holds 8: 32 bits
// of the id's hash and the 32-bit position, and the text is compared by asking the owner for
// the id at a position (only when the hash bits agree); growing never reads an id
// (probe_slots.hpp). prefetch() lets a caller that knows the next ids start loading their slots
// early. Internal.
//
//   id_index index([](const void* owner, std::uint32_t at) { return ...; }, this);
//   index.insert("d-1", 0);          // an id not in the index yet
//   index.find("d-1");               // 0
#ifndef MATCHFUND_SRC_ID_INDEX_HPP
#define MATCHFUND_SRC_ID_INDEX_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "support/probe_slots.hpp"
#include "support/string_maps.hpp"

namespace matchfund::detail {

class id_index {
 public:
  // The id at a position, from the owner of the ids.
  using id_at_function = std::string_view (*)(const void* owner, std::uint32_t position);

  id_index(id_at_function id_at, const void* owner) : id_at_(id_at), owner_(owner) {}

  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t bits = hash_bits(id);
    for (std::size_t i = slots_.slot_of(spread(bits));; i = slots_.after(i)) {
      const slot& s = slots_[i];
      if (is_free(s)) return std::nullopt;
      if (s.bits == bits && id_at_(owner_, s.position) == id) return s.position;
    }
  }
  [[nodiscard]] bool contains(std::string_view id) const { return find(id).has_value(); }

  // Adds an id that is not in the index (the caller has looked) at `position` (not 2³² − 1).
  void insert(std::string_view id, std::uint32_t position) {
    slots_.make_room(free_slot, is_free, placed_by);
    const std::uint32_t bits = hash_bits(id);
    slots_.place(spread(bits), slot{bits, position}, is_free);
    slots_.count_one();
  }

  // Room for `count` ids in all without growing.
  void reserve(std::size_t count) {
    slots_.reserve(count, free_slot, is_free, placed_by);
  }

  // Starts loading the slot where `id` is or would go; returns its hash bits for a later
  // candidate() call. Changes nothing.
  std::uint32_t prefetch(std::string_view id) const noexcept {
    const std::uint32_t bits = hash_bits(id);
    if (slots_.capacity() != 0) slots_.prefetch(slots_.slot_of(spread(bits)));
    return bits;
  }

  // The position of the first id with these hash bits (perhaps another id with the same bits):
  // what to prefetch next once the slot is loaded. Changes nothing.
  [[nodiscard]] std::optional<std::uint32_t> candidate(std::uint32_t bits) const noexcept {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = slots_.slot_of(spread(bits));; i = slots_.after(i)) {
      const slot& s = slots_[i];
      if (is_free(s)) return std::nullopt;
      if (s.bits == bits) return s.position;
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

 private:
  struct slot {
    std::uint32_t bits;
    std::uint32_t position;
  };
  static constexpr std::uint32_t empty = UINT32_MAX;
  static constexpr slot free_slot{0, empty};
  static bool is_free(const slot& s) noexcept { return s.position == empty; }

  static std::uint32_t hash_bits(std::string_view id) noexcept { return static_cast<std::uint32_t>(hash_text(id) >> 32); }
  // The hash bits spread over a word, for the first slot to probe (a table of up to 2³² slots).
  static std::size_t spread(std::uint32_t bits) noexcept {
    return static_cast<std::size_t>((std::uint64_t{bits} * 0x9E3779B97F4A7C15ULL) >> 32);
  }
  // Where a slot goes when the array grows: from its own bits, without reading the id.
  static std::size_t placed_by(const slot& s) noexcept { return spread(s.bits); }

  id_at_function id_at_;
  const void* owner_;
  probe_slots<slot> slots_;
};

}  // namespace matchfund::detail

#endif
