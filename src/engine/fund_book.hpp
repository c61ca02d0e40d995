// The funds as the engine keeps them (SPEC §4): each fund's totals, the tranches released so
// far, what each sub-budget entity has used, and the expiry and exhaustion the releases cause.
// Internal.
#ifndef MATCHFUND_SRC_ENGINE_FUND_BOOK_HPP
#define MATCHFUND_SRC_ENGINE_FUND_BOOK_HPP

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/ledger_book.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/engine.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

struct fund_state {
  fund_totals totals;
  std::size_t next_release = 0;
  boost::unordered_flat_map<std::uint64_t, money> pot_used;  // sub-budget entity -> drawn - returned
  // SPEC §11.19, over the close-out steps that took from this fund: the most that was ever out
  // of it (paid by earlier steps plus taken by one step), and what the steps paid from it.
  money closeout_peak;
  money closeout_given;

  // U = peak - given, limited to what is available (a later rematch on a rule's own sources may
  // have drawn what a step left); called whenever either moves after the close.
  void limit_unallocated() {
    totals.unallocated = max(money{}, min(closeout_peak - closeout_given, totals.available()));
  }
};

class fund_book {
 public:
  // Writes expiry lines to `ledger`; both must outlive the book.
  fund_book(const rule_set& rules, ledger_book& ledger) : rules_(rules), ledger_(ledger), funds_(rules.funds().size()) {}

  [[nodiscard]] std::size_t size() const noexcept { return funds_.size(); }
  fund_state& operator[](std::size_t f) noexcept { return funds_[f]; }
  const fund_state& operator[](std::size_t f) const noexcept { return funds_[f]; }
  const fund_state& at(std::size_t f) const { return funds_.at(f); }
  auto begin() noexcept { return funds_.begin(); }
  auto end() noexcept { return funds_.end(); }

  // Releases every tranche due by `t` (all of them when `everything`, at `t` when scheduled
  // later), in time order across funds (then fund order), each expiring what is available first
  // where asked. Cheap when nothing is due: the earliest pending tranche is remembered.
  void release_due(timestamp t, bool everything) {
    if (!everything && next_release_known_ && (!next_release_at_ || t < *next_release_at_)) return;
    release_all_due(t, everything);
    next_release_known_ = true;
    next_release_at_.reset();
    for (std::size_t f = 0; f < funds_.size(); ++f) {
      const auto& schedule = rules_.funds()[f].releases;
      if (funds_[f].next_release < schedule.size() &&
          (!next_release_at_ || schedule[funds_[f].next_release].at < *next_release_at_)) {
        next_release_at_ = schedule[funds_[f].next_release].at;
      }
    }
  }

  // What is available in fund `f` expires at `at`, as one expiry line.
  void expire(std::size_t f, timestamp at) {
    fund_state& fund = funds_[f];
    const money available = fund.totals.available();
    if (available <= money{}) return;
    fund.totals.expired += available;
    ledger_line& line = ledger_.add(at, ledger_kind::expiry);
    line.fund = index_at<fund_index>(f);
    line.amount = available;
  }

  [[nodiscard]] bool release_pending(std::size_t f) const {
    return funds_[f].next_release < rules_.funds()[f].releases.size();
  }

  // What sub-budget entity `pot` of fund `f` still allows when its amount is `size`.
  [[nodiscard]] money pot_left(std::size_t f, std::uint64_t pot, money size) const {
    const auto used = funds_[f].pot_used.find(pot);
    return max(size - (used == funds_[f].pot_used.end() ? money{} : used->second), money{});
  }

  // Draws `amount` from fund `f` (and its entity `pot`) at `t`: the first draw that leaves a fund
  // empty with no release pending is its exhaustion (SPEC §4).
  void draw(std::size_t f, money amount, const std::optional<std::uint64_t>& pot, timestamp t) {
    fund_state& fund = funds_[f];
    MATCHFUND_ASSERT(amount > money{} && amount <= fund.totals.available(), "a draw beyond what its fund has available");
    fund.totals.drawn += amount;
    if (pot) fund.pot_used[*pot] += amount;
    note_exhaustion(f, t);
  }

  // SPEC §12: a hold reserves `amount` as a draw would (its pot charged, exhaustion counted), as
  // held; its confirmation moves it to drawn, its cancellation or expiry gives it back.
  void hold(std::size_t f, money amount, const std::optional<std::uint64_t>& pot, timestamp t) {
    fund_state& fund = funds_[f];
    MATCHFUND_ASSERT(amount > money{} && amount <= fund.totals.available(), "a hold beyond what its fund has available");
    fund.totals.held += amount;
    if (pot) fund.pot_used[*pot] += amount;
    note_exhaustion(f, t);
  }
  void confirm_held(std::size_t f, money amount) {
    fund_state& fund = funds_[f];
    MATCHFUND_ASSERT(amount <= fund.totals.held, "a confirmation of more than is held");
    fund.totals.held -= amount;
    fund.totals.drawn += amount;
  }
  void give_back_held(std::size_t f, money amount, const std::optional<std::uint64_t>& pot) {
    fund_state& fund = funds_[f];
    MATCHFUND_ASSERT(amount <= fund.totals.held, "a hold given back beyond what is held");
    fund.totals.held -= amount;
    if (pot) fund.pot_used[*pot] -= amount;
  }

  // What a quote may change of the funds apart from pots (which it gives back itself): every
  // fund's totals and next release, and the earliest pending tranche.
  struct saved_totals {
    std::vector<std::pair<fund_totals, std::size_t>> funds;
    std::optional<timestamp> next_release_at;
    bool next_release_known = false;
  };
  [[nodiscard]] saved_totals save_totals() const {
    saved_totals saved{{}, next_release_at_, next_release_known_};
    saved.funds.reserve(funds_.size());
    for (const fund_state& fund : funds_) saved.funds.emplace_back(fund.totals, fund.next_release);
    return saved;
  }
  void restore_totals(const saved_totals& saved) {
    for (std::size_t f = 0; f < funds_.size(); ++f) std::tie(funds_[f].totals, funds_[f].next_release) = saved.funds[f];
    next_release_at_ = saved.next_release_at;
    next_release_known_ = saved.next_release_known;
  }
  // A pot charged again by a hold that is reopened (totals are restored apart).
  void charge_pot_again(std::size_t f, money amount, const std::optional<std::uint64_t>& pot) {
    if (pot) funds_[f].pot_used[*pot] += amount;
  }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in);

 private:
  // The first draw or hold that leaves a fund empty with no release pending (SPEC §4, §12).
  void note_exhaustion(std::size_t f, timestamp t) {
    fund_totals& totals = funds_[f].totals;
    if (!totals.exhausted_at && totals.available().is_zero() && !release_pending(f)) totals.exhausted_at = t;
  }

  void release_all_due(timestamp t, bool everything) {
    struct due {
      timestamp scheduled;
      std::size_t fund;
    };
    std::vector<due> releases;
    for (std::size_t f = 0; f < funds_.size(); ++f) {
      const auto& schedule = rules_.funds()[f].releases;
      for (std::size_t k = funds_[f].next_release; k < schedule.size() && (everything || schedule[k].at <= t); ++k) {
        releases.push_back({schedule[k].at, f});
      }
    }
    if (releases.empty()) return;
    // By scheduled time, then fund, also at the close where every pending tranche happens at t:
    // the expiry lines before them come in that order (docs/semantics.md, "At the close").
    std::stable_sort(releases.begin(), releases.end(),
                     [](const due& a, const due& b) { return a.scheduled < b.scheduled; });
    for (const auto& release : releases) {
      const fund_spec& spec = rules_.funds()[release.fund];
      fund_state& fund = funds_[release.fund];
      if (spec.expire_unused && fund.next_release > 0) expire(release.fund, std::min(release.scheduled, t));
      fund.totals.released += spec.releases[fund.next_release].amount;
      ++fund.next_release;
    }
  }

  const rule_set& rules_;
  ledger_book& ledger_;
  std::vector<fund_state> funds_;
  std::optional<timestamp> next_release_at_;  // the earliest tranche not released yet
  bool next_release_known_ = false;
};

}  // namespace matchfund::engine_detail

#endif
