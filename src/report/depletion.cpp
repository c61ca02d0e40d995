#include "report/depletion.hpp"

#include <algorithm>

#include "matchfund/error.hpp"

namespace matchfund::reporting {

money available_change(std::string_view kind, money amount, std::string_view disposition) {
  if (kind == "match" || kind == "closeout" || kind == "expiry") return -amount;
  if (kind == "reversal") {
    if (disposition == "return") return -amount;  // amount is negative: the fund gets it back
    if (disposition == "forfeit") return money::zero();
    throw error("a reversal's disposition must be return or forfeit, not \"" + std::string(disposition) + "\"");
  }
  throw error("unknown ledger kind \"" + std::string(kind) + "\" (expected match, reversal, closeout or expiry)");
}

depletion_builder::depletion_builder(const rule_set& rules) {
  const std::int64_t start_ms = rules.campaign().start.epoch_ms();
  for (std::size_t fund = 0; fund < rules.funds().size(); ++fund) {
    const fund_spec& spec = rules.funds()[fund];
    funds_.push_back({spec.id, {{start_ms, 0}}, money::zero()});
    for (const release_spec& release : spec.releases) releases_.push_back({release.at.epoch_ms(), fund, release.amount});
  }
  std::stable_sort(releases_.begin(), releases_.end(),
                   [](const pending_release& a, const pending_release& b) { return a.time_ms < b.time_ms; });
}

void depletion_builder::record(std::size_t fund, std::int64_t time_ms, money change) {
  fund_depletion& depletion = funds_[fund];
  depletion.end += change;
  // One point per instant: what the fund had after everything that happened then.
  if (depletion.available.back().time_ms >= time_ms) {
    depletion.available.back().minor = depletion.end.minor_units();
  } else {
    depletion.available.push_back({time_ms, depletion.end.minor_units()});
  }
}

void depletion_builder::release_until(std::int64_t time_ms) {
  for (; next_release_ < releases_.size() && releases_[next_release_].time_ms <= time_ms; ++next_release_) {
    const pending_release& release = releases_[next_release_];
    record(release.fund, release.time_ms, release.amount);
  }
}

void depletion_builder::add(std::size_t fund, timestamp time, money change) {
  release_until(time.epoch_ms());
  if (!change.is_zero()) record(fund, time.epoch_ms(), change);  // a forfeit changes nothing here
}

std::vector<fund_depletion> depletion_builder::finish() {
  release_until(releases_.empty() ? 0 : releases_.back().time_ms);
  return std::move(funds_);
}

}  // namespace matchfund::reporting
