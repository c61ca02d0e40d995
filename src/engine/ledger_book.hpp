// The ledger as the engine writes it, line by line (SPEC §8's ledger.csv), and what the lines a
// host has discarded added up to, so the invariants still see every line. Internal.
#ifndef MATCHFUND_SRC_ENGINE_LEDGER_BOOK_HPP
#define MATCHFUND_SRC_ENGINE_LEDGER_BOOK_HPP

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "matchfund/engine.hpp"
#include "support/huge_pages.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

class id_registry;

// Fund and project totals as a run of ledger lines adds them up (check_invariants compares
// them with the totals the engine keeps). A project's matched and close-out sums are apart:
// discard() adds a match line per matched donation, and the array it touches for that stays
// small enough to live in the cache beside the engine's own tables (ten thousand projects).
struct ledger_sums {
  std::vector<fund_totals> funds;   // drawn, returned, forfeited, expired, closeout
  std::vector<money> project_matched;   // match and reversal lines, by project
  std::vector<money> project_closeout;  // close-out lines, by project

  ledger_sums(std::size_t fund_count, std::size_t project_count)
      : funds(fund_count), project_matched(project_count), project_closeout(project_count) {}
  void add(std::span<const ledger_line> made);
};

inline void ledger_sums::add(std::span<const ledger_line> made) {
  for (const ledger_line& line : made) {
    if (line.project) {
      const std::size_t p = position(*line.project);
      if (line.kind == ledger_kind::match || line.kind == ledger_kind::reversal) project_matched[p] += line.amount;
      if (line.kind == ledger_kind::closeout) project_closeout[p] += line.amount;
    }
    if (!line.fund) continue;
    fund_totals& fund = funds[position(*line.fund)];
    switch (line.kind) {
      case ledger_kind::match: fund.drawn += line.amount; break;
      case ledger_kind::closeout: fund.closeout += line.amount; break;
      case ledger_kind::expiry: fund.expired += line.amount; break;
      case ledger_kind::reversal:  // a negative amount
        (*line.disposition == refund_disposition::give_back ? fund.returned : fund.forfeited) -= line.amount;
        break;
    }
  }
}

class ledger_book {
 public:
  ledger_book(std::size_t fund_count, std::size_t project_count) : discarded_sums_(fund_count, project_count) {}

  // A new line at the end, numbered after every line written so far (kept or discarded).
  ledger_line& add(timestamp t, ledger_kind kind) {
    ledger_line& line = lines_.emplace_back();
    line.seq = discarded_ + lines_.size();
    line.time = t;
    line.kind = kind;
    return line;
  }

  // The lines since the last discard(), contiguous: engine::ledger() hands them out as a span.
  [[nodiscard]] std::span<const ledger_line> lines() const noexcept { return lines_; }

  // How many lines are kept, and dropping the last ones again (a quote's rollback: seq numbers
  // follow the kept lines, so nothing remembers the dropped ones).
  [[nodiscard]] std::size_t kept() const noexcept { return lines_.size(); }
  void truncate(std::size_t kept_lines) { lines_.resize(std::min(kept_lines, lines_.size())); }

  // Forgets the kept lines, keeping what they added up to. A host may call it after every event.
  void discard() {
    if (lines_.empty()) return;
    discarded_sums_.add(lines_);
    discarded_ += lines_.size();
    lines_.clear();
  }

  // What every line written so far adds up to.
  [[nodiscard]] ledger_sums sums() const {
    ledger_sums all = discarded_sums_;
    all.add(lines_);
    return all;
  }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in, id_registry& ids, const rule_set& rules);  // texts kept in the ids' arena

 private:
  std::vector<ledger_line, detail::huge_page_allocator<ledger_line>> lines_;
  std::uint64_t discarded_ = 0;  // lines forgotten by discard()
  ledger_sums discarded_sums_;
};

}  // namespace matchfund::engine_detail

#endif
