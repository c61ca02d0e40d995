// SPEC §12: holds. A hold goes through the rules as a donation would at its time, but what it
// would pay is held; a confirm makes it a donation with its match lines, a cancel or its expiry
// gives everything back. Time moves on by releases and expiries in time order.
#include <optional>
#include <string>
#include <vector>

#include "matchfund/assert.hpp"
#include "model_state.hpp"

namespace matchfund::reference {

// The hold is evaluated exactly as a donation (evaluate_donation.cpp): its record says that its
// lines are held, not drawn. Project totals do not change.
void model::hold(const event& e) {
  const std::optional<duration>& ttl = rules_.campaign().hold_ttl;
  MATCHFUND_ASSERT(ttl.has_value(), "a hold reached the model without campaign.holds");
  hold_record& h = holds_[e.id];
  h.record.donation = e;
  h.record.hold = true;
  h.expires_at = e.time + *ttl;
  hold_order_.push_back(e.id);
  h.held = run_rules(h.record);
}

// The hold becomes a donation now: the held lines are drawn and written, in the order the hold
// made them, and the project counts it as a donation (SPEC §12 "Confirm").
void model::confirm(const event& e) {
  hold_record& h = holds_.at(e.ref);
  donation_record& record = donations_[e.ref];
  record = h.record;
  record.hold = false;
  record.since = e.time;
  donation_order_.push_back(e.ref);
  const event& d = record.donation;
  const std::string& project = project_id(position(*d.project));
  for (const rule_payment& payment : record.payments) {
    for (const match_line& line : payment.lines) {
      fund_state& fund = funds_[line.fund];
      fund.held -= line.amount;
      fund.drawn += line.amount;
      ledger_.push_back({e.time, "match", e.id, d.id, d.donor, project, rules_.rules()[payment.rule].id,
                         rules_.funds()[line.fund].id, line.amount, payment.limit, ""});
    }
  }
  project_state& totals = projects_[position(*d.project)];
  totals.donations += 1;
  totals.donors.insert(d.donor);
  totals.raised += *d.amount;
  raised_log_[position(*d.project)].push_back({e.time, *d.amount});
  totals.matched += h.held;
  h.state = hold_state::confirmed;
  h.resolved_at = e.time;
  h.resolved_by = e.id;
}

void model::cancel(const event& e) { give_back(holds_.at(e.ref), hold_state::cancelled, e.time, e.id); }

// Cancel or expiry: every line's held amount goes back to its fund and its pot, and every cap
// charge goes back in full, as a full reversal gives back (SPEC §11.9, and §11.4's charge of a
// rule that held nothing).
void model::give_back(hold_record& h, hold_state why, timestamp t, const std::string& resolved_by) {
  MATCHFUND_ASSERT(h.state == hold_state::open, "a hold resolved twice");
  for (rule_payment& payment : h.record.payments) {
    for (const match_line& line : payment.lines) {
      funds_[line.fund].held -= line.amount;
      if (line.pot) pot_used_[{line.fund, *line.pot}] -= line.amount;
    }
    for (cap_charge& charge : payment.charges) {
      counters_[charge.key] -= charge.charged;
      charge.charged = 0;
    }
  }
  h.state = why;
  h.resolved_at = t;
  h.resolved_by = resolved_by;
}

// The open hold that expires first: earliest expiry, then the first made. None when no hold is
// open.
hold_record* model::next_hold_to_expire() {
  hold_record* next = nullptr;
  for (const std::string& id : hold_order_) {
    hold_record& h = holds_.at(id);
    if (h.state != hold_state::open) continue;
    if (next == nullptr || h.expires_at < next->expires_at) next = &h;
  }
  return next;
}

// Everything due by t, in time order: the next hold expiry or the next release, whichever comes
// first; at one instant the hold expires first (SPEC §12 fine point 1), so that what it gives
// back is there when an `expire_unused` release expires what is available.
void model::advance_time(timestamp t) {
  for (;;) {
    hold_record* h = next_hold_to_expire();
    const std::optional<std::size_t> fund = next_pending_release();
    const bool hold_due = h != nullptr && h->expires_at <= t;
    const bool release_due = fund && pending_release_time(*fund) <= t;
    if (hold_due && (!release_due || h->expires_at <= pending_release_time(*fund))) {
      give_back(*h, hold_state::expired, h->expires_at, "");
    } else if (release_due) {
      release_next(*fund, pending_release_time(*fund));
    } else {
      return;
    }
  }
}

// At the close: every hold still open expires at the close time (SPEC §12 fine point 3).
void model::expire_open_holds_at(timestamp t) {
  for (const std::string& id : hold_order_) {
    hold_record& h = holds_.at(id);
    if (h.state == hold_state::open) give_back(h, hold_state::expired, t, "");
  }
}

// At the end of input, after the close: holds made after the close that nothing resolved expire
// at their own expiry time (they hold nothing).
void model::expire_open_holds_when_due() {
  while (hold_record* h = next_hold_to_expire()) give_back(*h, hold_state::expired, h->expires_at, "");
}

// A confirm or cancel needs an accepted hold processed before it that is still open at its time
// (SPEC §12 fine point 2).
std::optional<std::string> model::hold_resolution_problem(const event& e) const {
  const auto found = holds_.find(e.ref);
  if (found == holds_.end()) return "unknown_hold";
  if (found->second.state != hold_state::open || found->second.expires_at <= e.time) return "hold_resolved";
  return std::nullopt;
}

// Only a confirmed hold is a donation (SPEC §12 fine point 2).
bool model::names_unconfirmed_hold(const std::string& id) const {
  const auto found = holds_.find(id);
  return found != holds_.end() && found->second.state != hold_state::confirmed;
}

}  // namespace matchfund::reference
