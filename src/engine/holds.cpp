// Holds (SPEC §12): a hold is evaluated as a donation (process_donation.cpp) and what it would
// pay is held; here it is recorded, confirmed into a donation, cancelled or expired, and time
// is advanced so that holds expire and tranches are released in time order.
#include <string_view>

#include "engine/engine_state.hpp"

namespace matchfund {

// Every hold with expiry <= t, in order of (expiry, processing order); the releases due before
// each expiry come before it, those at the same instant after it (SPEC §12 fine point 1).
void engine::state::expire_holds_due(timestamp t) {
  while (const auto h = holds.next_to_expire()) {
    const timestamp due = holds[*h].expires_at;
    if (due > t) return;
    funds.release_due(due - duration{1}, false);
    release_hold(*h, hold_status::expired, due, {});
  }
}

// A hold's draw (process_donation.cpp's commit_draws): held, and the line and its limit kept for
// the confirmation.
void engine::state::hold_draw(const rule_evaluation& evaluation, std::size_t fund, money amount,
                              const std::optional<std::uint64_t>& pot, timestamp t) {
  funds.hold(fund, amount, pot, t);
  rule_running_totals[position(evaluation.rule)] += amount;
  holds.keep_line_limit(evaluation.code == outcome::partial ? evaluation.limit : std::string_view());
  donations.add_line({evaluation.rule, index_at<fund_index>(fund), amount}, pot);
}

void engine::state::keep_held_candidate(const rematch_candidate& candidate) { holds.keep_candidate(candidate); }

// A quote's donation id as the donation book keeps ids, but in a buffer the quote reuses.
const char* engine::state::quote_id_text(std::string_view id) { return detail::string_arena::counted_in(quote_id, id); }

// Every open hold expires: at `at` (the close), or each at its own expiry (nullopt: the input
// ended before holds made after the close were resolved).
void engine::state::expire_every_open_hold(std::optional<timestamp> at) {
  while (const auto h = holds.next_to_expire()) release_hold(*h, hold_status::expired, at.value_or(holds[*h].expires_at), {});
}

void engine::state::record_hold(std::uint32_t donation, std::string_view id, timestamp t, const hold_start& start) {
  engine_detail::hold_record hold;
  hold.donation = donation;
  hold.time = t;
  hold.expires_at = t + *rules.campaign().hold_ttl;
  hold.first_line = start.line;
  hold.line_count = donations.line_count() - start.line;
  hold.first_charge = start.charge;
  hold.charge_count = donations.charge_count() - start.charge;
  hold.first_line_limit = start.line_limit;
  hold.first_candidate = start.candidate;
  hold.candidate_count = holds.candidate_count() - start.candidate;
  for (const money& paid : paid_by_rule) hold.held += paid;
  holds.add(id, hold);
}

// confirm and cancel: bad when `ref` is no hold accepted before (unknown_hold), or one that is
// resolved already or expires by this event's time (hold_resolved).
engine::event_result engine::state::process_hold_resolution(const event& e) {
  const auto h = holds.find(e.ref);
  if (!h) return {bad_event_reason{bad_event_code::unknown_hold}, {}};
  if (holds[*h].status != hold_status::open || holds[*h].expires_at <= e.time) {
    return {bad_event_reason{bad_event_code::hold_resolved}, {}};
  }
  advance_to(e.time);
  const std::string_view id = ids.remember_event(e.id);
  if (e.kind == event_kind::confirm) {
    confirm_hold(*h, e.time, id);
  } else {
    release_hold(*h, hold_status::cancelled, e.time, id);
  }
  return {};
}

// The hold becomes a donation as of `t`: what it held is drawn, its match lines are written as
// caused by the confirm, and it counts for its project, for revocations, settlement and the
// close-out as a donation made now. Nothing is evaluated again.
void engine::state::confirm_hold(std::uint32_t h, timestamp t, std::string_view confirm_id) {
  engine_detail::hold_record& hold = holds[h];
  donation_record& donation = donations[hold.donation];
  const campaign_spec& campaign = rules.campaign();
  donation.pending_hold = false;
  donation.inside_campaign = !is_closed && t >= campaign.start && t < campaign.end;
  if (times.kept()) times.confirmed(hold.donation, t);  // a payment as of its confirm (settlement)
  const std::string_view hold_id = engine_detail::id_of(donation);
  const std::string_view donor = ids.donor_name(donation.donor);
  for (std::uint32_t k = 0; k < hold.line_count; ++k) {
    const match_record& line = donations.line(hold.first_line + k);
    funds.confirm_held(position(line.fund), line.amount);
    ledger_line& entry = ledger.add(t, ledger_kind::match);
    entry.event_id = confirm_id;
    entry.donation_id = hold_id;
    entry.donor = donor;
    entry.project = donation.project;
    entry.rule = line.rule;
    entry.fund = line.fund;
    entry.amount = line.amount;
    entry.limited_by = holds.line_limit(hold.first_line_limit + k);
  }
  if (hold.line_count > 0 || hold.charge_count > 0) {
    donations.record_payment(hold.donation, donation.project, ids.donor(donation.donor).last_payment,
                             {hold.first_line, hold.line_count}, {hold.first_charge, hold.charge_count});
  }
  project_totals& totals = projects[position(donation.project)];
  totals.donations += 1;
  totals.raised += donation.amount;
  if (ids.first_gift_to(donation.donor, donation.project)) totals.donors += 1;
  totals.matched += hold.held;
  for (std::uint32_t k = 0; k < hold.candidate_count; ++k) rematch_candidates.push_back(holds.candidate(hold.first_candidate + k));
  hold.status = hold_status::confirmed;
  hold.resolved_at = t;
  hold.resolved_by = confirm_id;
}

// Cancel or expiry: everything the hold charged goes back, as a full reversal would give it
// back (SPEC §11.9): funds and pots what was held, match caps what each rule held, donation caps
// each rule's base used (also of a rule that held nothing, §11.4), count caps 1.
void engine::state::release_hold(std::uint32_t h, hold_status status, timestamp t, std::string_view resolved_by) {
  engine_detail::hold_record& hold = holds[h];
  move_held({hold.first_line, hold.line_count}, {hold.first_charge, hold.charge_count}, held_move::give_back);
  hold.status = status;
  hold.resolved_at = t;
  hold.resolved_by = resolved_by;
}

void engine::state::move_held(index_range lines, index_range charges, held_move move) {
  const bool back = move == held_move::give_back;
  for (std::uint32_t l = lines.first; l < lines.first + lines.count; ++l) {
    const match_record& line = donations.line(l);
    const auto pot = donations.pot_of_line(l);
    if (back) {
      funds.give_back_held(position(line.fund), line.amount, pot);
      rule_running_totals[position(line.rule)] -= line.amount;
    } else {
      funds.charge_pot_again(position(line.fund), line.amount, pot);  // totals: restored whole by the quote
      rule_running_totals[position(line.rule)] += line.amount;
    }
  }
  for (std::uint32_t c = charges.first; c < charges.first + charges.count; ++c) {
    const rule_charge& charge = donations.charge(c);
    const money held = held_by_rule(lines, charge.rule);
    if (back) {
      caps.give_back(charge.first_counter, charge.counter_count, held, charge.base_used, charge.counted);
    } else {
      caps.charge_again(charge.first_counter, charge.counter_count, held, charge.base_used, charge.counted);
    }
  }
}

money engine::state::held_by_rule(index_range lines, rule_index rule) const {
  money held;
  for (std::uint32_t l = lines.first; l < lines.first + lines.count; ++l) {
    if (donations.line(l).rule == rule) held += donations.line(l).amount;
  }
  return held;
}

hold_info engine::state::info_of(const engine_detail::hold_record& hold) const {
  const donation_record& donation = donations[hold.donation];
  return {engine_detail::id_of(donation), hold.time,    hold.expires_at, ids.donor_name(donation.donor),
          donation.project,               donation.amount, hold.held,   hold.status,
          hold.resolved_at,               hold.resolved_by};
}

std::vector<hold_info> engine::holds() const {
  const state& s = *state_;
  std::vector<hold_info> all;
  all.reserve(s.holds.size());
  for (std::uint32_t h = 0; h < s.holds.size(); ++h) all.push_back(s.info_of(s.holds[h]));
  return all;
}

std::optional<hold_info> engine::find_hold(std::string_view id) const {
  const state& s = *state_;
  const auto h = s.holds.find(id);
  if (!h) return std::nullopt;
  return s.info_of(s.holds[*h]);
}

}  // namespace matchfund
