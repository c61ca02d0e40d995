// Ids kept elsewhere, found by their text. The engine remembers every event id and every donor
// id (tens of millions in a national replay) as views in its arena plus a position in its
// tables; a map from view to position would hold 24 bytes a slot. Here a slot holds 8: 32 bits
// of the id's hash and the 32-bit position, and the text is compared by asking the owner for
// the id at a position (only when the hash bits agree). Internal.
//
//   id_index index([](const void* owner, std::uint32_t at) { return ...; }, this);
//   index.insert("d-1", 0);          // an id not in the index yet
//   index.find("d-1");               // 0
#ifndef MATCHFUND_SRC_ID_INDEX_HPP
#define MATCHFUND_SRC_ID_INDEX_HPP

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

#include "huge_pages.hpp"
#include "string_maps.hpp"

namespace matchfund::detail {

class id_index {
 public:
  // The id at a position, from the owner of the ids.
  using id_at_function = std::string_view (*)(const void* owner, std::uint32_t position);

  id_index(id_at_function id_at, const void* owner) : set_(0, hasher{}, equal{id_at, owner}) {}

  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id) const {
    const auto found = set_.find(id);
    if (found == set_.end()) return std::nullopt;
    return static_cast<std::uint32_t>(*found);
  }
  [[nodiscard]] bool contains(std::string_view id) const { return set_.contains(id); }

  // Adds an id that is not in the index (the caller has looked) at `position`.
  void insert(std::string_view id, std::uint32_t position) { set_.insert(entry_of(fingerprint(id), position)); }

  [[nodiscard]] std::size_t size() const noexcept { return set_.size(); }

 private:
  static std::uint32_t fingerprint(std::string_view id) noexcept {
    return static_cast<std::uint32_t>(hash_text(id) >> 32);
  }
  static std::uint64_t entry_of(std::uint32_t fingerprint, std::uint32_t position) noexcept {
    return std::uint64_t{fingerprint} << 32 | position;
  }
  // Spreads the 32 hash bits of an entry over a word, for the table's slot and metadata bits.
  static std::size_t spread(std::uint32_t fingerprint) noexcept {
    std::uint64_t x = fingerprint * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(x ^ (x >> 32));
  }

  struct hasher {
    using is_transparent = void;
    using is_avalanching = void;
    std::size_t operator()(std::uint64_t entry) const noexcept { return spread(static_cast<std::uint32_t>(entry >> 32)); }
    std::size_t operator()(std::string_view id) const noexcept { return spread(fingerprint(id)); }
  };
  struct equal {
    using is_transparent = void;
    id_at_function id_at;
    const void* owner;
    // Entries are inserted only for ids not in the index, so two entries are the same id only
    // when they are the same entry.
    bool operator()(std::uint64_t a, std::uint64_t b) const noexcept { return a == b; }
    bool operator()(std::string_view id, std::uint64_t entry) const noexcept {
      return static_cast<std::uint32_t>(entry >> 32) == fingerprint(id) &&
             id_at(owner, static_cast<std::uint32_t>(entry)) == id;
    }
    bool operator()(std::uint64_t entry, std::string_view id) const noexcept { return (*this)(id, entry); }
  };

  boost::unordered_flat_set<std::uint64_t, hasher, equal, huge_page_allocator<std::uint64_t>> set_;
};

}  // namespace matchfund::detail

#endif
