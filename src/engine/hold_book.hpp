// The holds as the engine keeps them (SPEC §12): each hold's donation record, the match lines and
// cap charges its evaluation made (kept in the donation book like a donation's, but written to
// the ledger only when it is confirmed), the limits of its partial matches, the rematch
// candidates it would add, and how it was resolved. Internal.
#ifndef MATCHFUND_SRC_ENGINE_HOLD_BOOK_HPP
#define MATCHFUND_SRC_ENGINE_HOLD_BOOK_HPP

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/records.hpp"
#include "support/string_maps.hpp"
#include "matchfund/engine.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

class id_registry;

struct hold_record {
  std::uint32_t donation = 0;  // its record in the donation book
  timestamp time;
  timestamp expires_at;
  // Its match lines and charges in the donation book, and in this book the limit written with
  // each line (limits[first_line_limit + k] for line first_line + k) and the rematch candidates
  // it adds when confirmed (candidates[first_candidate, +candidate_count)).
  std::uint32_t first_line = 0;
  std::uint32_t line_count = 0;
  std::uint32_t first_charge = 0;
  std::uint32_t charge_count = 0;
  std::uint32_t first_line_limit = 0;
  std::uint32_t first_candidate = 0;
  std::uint32_t candidate_count = 0;
  money held;  // what it reserved over all rules
  hold_status status = hold_status::open;
  std::optional<timestamp> resolved_at;
  std::string_view resolved_by;  // the confirm's or cancel's id; empty when it expired
};

class hold_book {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return holds_.size(); }
  hold_record& operator[](std::uint32_t h) noexcept { return holds_[h]; }
  const hold_record& operator[](std::uint32_t h) const noexcept { return holds_[h]; }

  // ---- while a hold is evaluated: what the evaluation would write, kept for its confirmation
  void keep_line_limit(std::string_view limit) { line_limits_.push_back(limit); }
  void keep_candidate(const rematch_candidate& candidate) { candidates_.push_back(candidate); }
  [[nodiscard]] std::uint32_t line_limit_count() const { return checked_u32(line_limits_.size(), "held lines"); }
  [[nodiscard]] std::uint32_t candidate_count() const { return checked_u32(candidates_.size(), "held rematch candidates"); }
  [[nodiscard]] std::string_view line_limit(std::uint32_t k) const noexcept { return line_limits_[k]; }
  [[nodiscard]] const rematch_candidate& candidate(std::uint32_t k) const noexcept { return candidates_[k]; }

  // A hold evaluated, open, with its id (a view that lives as long as the engine).
  void add(std::string_view id, const hold_record& hold) {
    by_id_.emplace(id, checked_u32(holds_.size(), "holds"));
    holds_.push_back(hold);
  }

  // The hold with this id, if one was accepted.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view id) const {
    const auto found = by_id_.find(id);
    return found == by_id_.end() ? std::nullopt : std::optional<std::uint32_t>(found->second);
  }

  // The open hold that expires first (ties: the one processed first), if any. Holds expire in
  // the order they were processed: they come in time order and all live for the same ttl.
  [[nodiscard]] std::optional<std::uint32_t> next_to_expire() {
    while (next_open_ < holds_.size() && holds_[next_open_].status != hold_status::open) ++next_open_;
    if (next_open_ == holds_.size()) return std::nullopt;
    return static_cast<std::uint32_t>(next_open_);
  }

  // ---- a quote's rollback (engine::quote)
  struct sizes {
    std::size_t holds, line_limits, candidates, next_open;
  };
  [[nodiscard]] sizes current_sizes() const { return {holds_.size(), line_limits_.size(), candidates_.size(), next_open_}; }
  void truncate(const sizes& kept) {
    line_limits_.resize(kept.line_limits);
    candidates_.resize(kept.candidates);
    next_open_ = kept.next_open;
  }
  // A hold the quote's time expired, open again.
  void reopen(std::uint32_t h) {
    holds_[h].status = hold_status::open;
    holds_[h].resolved_at.reset();
    holds_[h].resolved_by = {};
  }

  // A restored hold's id, indexed again (snapshot).
  void index_restored(std::string_view id, std::uint32_t h) {
    if (!by_id_.emplace(id, h).second) throw snapshot_error("the snapshot is damaged: a hold id given twice");
  }

  // Whether some hold may be open (false: none is, and next_to_expire() need not be asked).
  [[nodiscard]] bool may_have_open() const noexcept { return next_open_ < holds_.size(); }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in, id_registry& ids, const rule_set& rules);  // texts kept in the ids' arena

 private:
  std::vector<hold_record> holds_;
  boost::unordered_flat_map<std::string_view, std::uint32_t, detail::string_hash, detail::string_equal> by_id_;
  std::vector<std::string_view> line_limits_;
  std::vector<rematch_candidate> candidates_;
  std::size_t next_open_ = 0;  // holds before it are all resolved
};

}  // namespace matchfund::engine_detail

#endif
