// Settlement at the close (SPEC §6, docs/semantics.md "Settlement on the donor's later
// payments"): after expiry and the pending releases, every rule's `settle` is decided, then the
// match lines of the donations that fail it are reversed with return, in processing order, as
// caused by the close event. `settle.when` is decided per project on the state at close;
// `settle.payments` per donation, by the donor's payments to its project up to the close.
#include <algorithm>
#include <vector>

#include "engine/engine_state.hpp"
#include "matchfund/calendar.hpp"

namespace matchfund {

void engine::state::settle(timestamp t) {
  // Every verdict on the state at close first (they also decide rematch, SPEC §7), then the
  // reversals: a reversal changes project fields a `when` may read.
  settles.assign(rules.rules().size(), {});
  bool any_settle = false;
  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    const rule_spec& rule = rules.rules()[r];
    any_settle = any_settle || rule.settle.has_value();
    if (!rule.settle || !rule.settle->when) continue;
    settles[r].resize(rules.projects().size());
    for (std::size_t p = 0; p < rules.projects().size(); ++p) {
      settles[r][p] = eligible_at_close(*rule.settle->when, index_at<project_index>(p));
    }
  }
  if (!any_settle) return;
  if (times.kept()) count_payments_at_close();
  std::vector<bool> failing(rules.rules().size());
  for (const payment_record& payment : donations.payments()) {  // the donations that have anything to reverse
    bool any = false;
    for (std::size_t r = 0; r < rules.rules().size(); ++r) {
      failing[r] = fails_settlement(index_at<rule_index>(r), payment.donation);
      any = any || failing[r];
    }
    if (any) reverse_donation(payment.donation, true, refund_disposition::give_back, t, close_event_id, &failing);
  }
}

// The payments that count, by donor and project: every donation recorded before the close (a
// hold once confirmed, at its confirm), whatever its rules decided, except those refunded in
// full and those whose id, donor or project is revoked.
void engine::state::count_payments_at_close() {
  payments_at_close.clear();
  for (std::uint32_t d = 0; d < donations.size(); ++d) {
    const donation_record& donation = donations[d];
    if (donation.pending_hold) continue;  // a hold cancelled, expired or open is no payment
    if (donations.refunded_of(d) == donation.amount) continue;
    if (revoked.cover(engine_detail::id_of(donation), ids.donor_name(donation.donor), donation.project)) continue;
    payments_at_close[static_cast<std::uint64_t>(position(donation.project)) << 32 | donation.donor].push_back(times.of(d));
  }
  // A confirmed hold comes in at its confirm, after donations recorded later: times in order.
  for (auto& [pair, at] : payments_at_close) std::sort(at.begin(), at.end());
}

bool engine::state::fails_settlement(rule_index rule, std::uint32_t donation) const {
  const auto& verdicts = settles[position(rule)];
  if (!verdicts.empty() && !verdicts[position(donations[donation].project)]) return true;
  const std::optional<settle_spec>& settle = rules.rule(rule).settle;
  return settle && settle->payments && payments_fall_short(*settle->payments, donation);
}

// The donor's payments to the donation's project at or after its time (and before within_days
// had passed), the donation itself included, against `min`. A donation without a donor id has
// no donor to have paid again.
bool engine::state::payments_fall_short(const payments_requirement& required, std::uint32_t donation) const {
  const donation_record& record = donations[donation];
  if (ids.donor_name(record.donor).empty()) return true;
  const auto found = payments_at_close.find(static_cast<std::uint64_t>(position(record.project)) << 32 | record.donor);
  if (found == payments_at_close.end()) return true;
  const std::vector<timestamp>& at = found->second;
  const timestamp from = times.of(donation);
  const auto first = std::lower_bound(at.begin(), at.end(), from);
  auto last = at.end();
  if (required.within_days) {
    last = std::lower_bound(first, at.end(), from + duration{*required.within_days * milliseconds_per_day});
  }
  return last - first < required.min;
}

}  // namespace matchfund
