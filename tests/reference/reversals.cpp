// SPEC §6: refunds, revocations and settlement take back match lines (a refund its share, the
// others in full) and give back what the donations held on the caps.
#include <algorithm>
#include <cstdint>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/assert.hpp"
#include "matchfund/rounding.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

std::string_view disposition_text(refund_disposition how) {
  return how == refund_disposition::give_back ? "return" : "forfeit";
}

}  // namespace

// Reverses one rule's lines of a donation: in full (revocation, settlement) or up to the
// refunded share (refunds), and gives back the caps.
void model::reverse(donation_record& record, rule_payment& payment, bool in_full,
                    std::optional<refund_disposition> disposition, const std::string& event_id, timestamp t) {
  const rule_spec& rule = rules_.rules()[payment.rule];
  const event& d = record.donation;
  const std::size_t project = position(*d.project);
  const refund_disposition how = disposition.value_or(rule.on_refund);
  const std::int64_t refunded = record.refunded.minor_units();
  const std::int64_t amount = d.amount->minor_units();
  money reversed_now;
  for (match_line& line : payment.lines) {
    const money target = in_full ? line.amount : floor_fraction(line.amount, refunded, amount);
    const money reversal = target - line.reversed;
    if (reversal <= money::zero()) continue;
    line.reversed += reversal;
    reversed_now += reversal;
    fund_state& fund = funds_[line.fund];
    if (how == refund_disposition::give_back) {
      fund.returned += reversal;
      if (line.pot) pot_used_[{line.fund, *line.pot}] -= reversal;  // forfeits stay used
    } else {
      fund.forfeited += reversal;
    }
    projects_[project].matched -= reversal;
    ledger_.push_back({t, "reversal", event_id, d.id, d.donor, project_id(project), rule.id,
                       rules_.funds()[line.fund].id, -reversal, "", std::string(disposition_text(how))});
  }
  bool all_reversed = !payment.lines.empty();
  for (const match_line& line : payment.lines) {
    if (line.reversed != line.amount) all_reversed = false;
  }
  for (cap_charge& charge : payment.charges) {
    std::int64_t keep = charge.charged;
    switch (charge.measure) {
      case cap_measure::match: keep = charge.charged - reversed_now.minor_units(); break;
      case cap_measure::donation: {
        const std::int64_t base_used = payment.base_used.minor_units();
        keep = in_full ? 0 : base_used - floor_fraction(payment.base_used, refunded, amount).minor_units();
        keep = std::min(keep, charge.charged);
        break;
      }
      case cap_measure::count: keep = (in_full || all_reversed) ? 0 : charge.charged; break;
    }
    MATCHFUND_ASSERT(keep >= 0 && keep <= charge.charged, "a cap give-back out of range");
    counters_[charge.key] -= charge.charged - keep;
    charge.charged = keep;
  }
}

void model::refund(const event& e) {
  donation_record& record = donations_.at(e.ref);
  const money left = *record.donation.amount - record.refunded;
  const money amount = e.amount.value_or(left);
  record.refunded += amount;
  project_state& totals = projects_[position(*record.donation.project)];
  totals.raised -= amount;
  raised_log_[position(*record.donation.project)].push_back({e.time, money::zero() - amount});
  totals.refunded += amount;
  for (rule_payment& payment : record.payments) reverse(record, payment, false, e.disposition, e.id, e.time);
}

void model::revoke(const event& e) {
  const auto in_scope = [&](const donation_record& record) {
    switch (*e.scope) {
      case revoke_scope::donation: return record.donation.id == e.ref;
      case revoke_scope::donor: return record.donation.donor == e.ref;
      case revoke_scope::project: return record.donation.project == e.project;
    }
    return false;
  };
  switch (*e.scope) {
    case revoke_scope::donation: revoked_donations_.insert(e.ref); break;
    case revoke_scope::donor: revoked_donors_.insert(e.ref); break;
    case revoke_scope::project: revoked_projects_.insert(position(*e.project)); break;
  }
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    if (!in_scope(record)) continue;
    for (rule_payment& payment : record.payments) reverse(record, payment, true, e.disposition, e.id, e.time);
  }
}

bool model::is_revoked(const event& donation) const {
  return revoked_donations_.contains(donation.id) || revoked_donors_.contains(donation.donor) ||
         revoked_projects_.contains(position(*donation.project));
}

// Settlement (SPEC §6): every condition on the state at close first, then the reversals. A
// payment of a rule with `settle.payments` also needs its donor's payments (settle_payments_fail).
void model::settle(timestamp t, const std::string& event_id) {
  settle_fails_.assign(rules_.rules().size(), std::vector<bool>(projects_.size(), false));
  std::vector<std::vector<bool>>& fails = settle_fails_;
  for (std::size_t r = 0; r < rules_.rules().size(); ++r) {
    const rule_spec& rule = rules_.rules()[r];
    if (!rule.settle || !rule.settle->when) continue;
    for (std::size_t p = 0; p < projects_.size(); ++p) fails[r][p] = !holds(*rule.settle->when, context{nullptr, p, nullptr});
  }
  std::set<std::pair<std::string, std::size_t>> short_of_payments;  // (donation id, rule), decided before any reversal
  for (const std::string& id : donation_order_) {
    for (std::size_t r = 0; r < rules_.rules().size(); ++r) {
      if (settle_payments_fail(donations_.at(id), r)) short_of_payments.insert({id, r});
    }
  }
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    for (rule_payment& payment : record.payments) {
      if (!fails[payment.rule][position(*record.donation.project)] && !short_of_payments.contains({id, payment.rule})) continue;
      reverse(record, payment, true, refund_disposition::give_back, event_id, t);
    }
  }
}

// docs/semantics.md, "Settlement on the donor's later payments": the donations of the same donor
// to the same project that count as payments, from the donation's own time (included) to
// within_days later (excluded), must be at least `min`. A payment is a donation the model took
// (a hold from its confirm on), not refunded in full and not revoked. No donor id: it fails.
bool model::settle_payments_fail(const donation_record& record, std::size_t rule) const {
  const std::optional<settle_spec>& settle = rules_.rules()[rule].settle;
  if (!settle || !settle->payments) return false;
  const event& d = record.donation;
  if (d.donor.empty()) return true;
  std::optional<timestamp> until;
  if (settle->payments->within_days) until = record.since + std::chrono::days(*settle->payments->within_days);
  std::int64_t payments = 0;
  for (const std::string& id : donation_order_) {
    const donation_record& other = donations_.at(id);
    const event& o = other.donation;
    if (o.donor != d.donor || o.project != d.project) continue;
    if (other.since < record.since || (until && other.since >= *until)) continue;
    if (other.refunded == *o.amount || is_revoked(o)) continue;
    ++payments;
  }
  return payments < settle->payments->min;
}

}  // namespace matchfund::reference
