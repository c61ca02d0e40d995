// The match engine: events in, decisions out. A donation goes through process_donation.cpp (SPEC
// §5.2); refunds, revocations (§6) and the close (§7, §11.1) are here.
#include "matchfund/engine.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/engine_state.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"
#include "support/prefetch.hpp"

namespace matchfund {

void engine::state::reverse_line(const donation_record& donation, std::uint32_t line_index, money amount,
                                 refund_disposition disposition, timestamp t, std::string_view event_id) {
  const match_record& line = donations.line(line_index);
  donations.reverse(line_index, amount);
  rule_running_totals[position(line.rule)] -= amount;
  fund_state& fund = funds[position(line.fund)];
  if (disposition == refund_disposition::give_back) {
    fund.totals.returned += amount;
    if (is_closed) fund.limit_unallocated();  // SPEC §11.19: at most what is available at the end
    if (const auto pot = donations.pot_of_line(line_index)) fund.pot_used[*pot] -= amount;  // forfeits stay used
  } else {
    fund.totals.forfeited += amount;
  }
  projects[position(donation.project)].matched -= amount;
  ledger_line& ledger_entry = ledger.add(t, ledger_kind::reversal);
  ledger_entry.event_id = event_id;
  ledger_entry.donation_id = engine_detail::id_of(donation);
  ledger_entry.donor = ids.donor_name(donation.donor);
  ledger_entry.project = donation.project;
  ledger_entry.rule = line.rule;
  ledger_entry.fund = line.fund;
  ledger_entry.amount = -amount;
  ledger_entry.disposition = disposition;
}

// Reverses what one rule paid a donation: in full (revocation, settlement) or down to the share
// refunded (refund: each line to floor(line × refunded / amount)); then its caps give back
// (SPEC §6, §11.9): match caps the reversal; donation caps down to floor(base_used × refunded /
// amount), all of it in full; count caps 1 in full or once the rule's lines are all reversed.
void engine::state::reverse_payment(std::uint32_t donation_position, rule_index rule, bool in_full,
                                    std::optional<refund_disposition> disposition, timestamp t,
                                    std::string_view event_id) {
  const donation_record& donation = donations[donation_position];
  const money refunded = donations.refunded_of(donation_position);
  const refund_disposition how = disposition.value_or(rules.rule(rule).on_refund);
  money reversed_now;
  bool has_lines = false;
  bool all_reversed = true;
  const index_range own_lines = donations.lines_of(donation);
  for (std::uint32_t l = own_lines.first; l < own_lines.first + own_lines.count; ++l) {
    const match_record& line = donations.line(l);
    if (line.rule != rule) continue;
    has_lines = true;
    const money target =
        in_full ? line.amount : floor_fraction(line.amount, refunded.minor_units(), donation.amount.minor_units());
    const money reversal = target - donations.reversed_of(l);
    if (reversal > money{}) {
      reverse_line(donation, l, reversal, how, t, event_id);
      reversed_now += reversal;
    }
    if (donations.reversed_of(l) < line.amount) all_reversed = false;
  }
  std::uint32_t charge_index = UINT32_MAX;
  const index_range own_charges = donations.charges_of(donation);
  for (std::uint32_t c = own_charges.first; c < own_charges.first + own_charges.count; ++c) {
    if (donations.charge(c).rule == rule) charge_index = c;
  }
  if (charge_index == UINT32_MAX) return;
  const rule_charge* charge = &donations.charge(charge_index);
  engine_detail::charge_given_back& back = donations.given_back(charge_index);
  const money base_target =
      in_full ? charge->base_used
              : floor_fraction(charge->base_used, refunded.minor_units(), donation.amount.minor_units());
  const money base_back = max(base_target - back.base, money{});
  back.base += base_back;
  const bool count_back = (in_full || (has_lines && all_reversed)) && charge->counted && !back.count;
  if (count_back) back.count = true;
  caps.give_back(charge->first_counter, charge->counter_count, reversed_now, base_back, count_back);
}

// Every rule that paid or charged a donation, in evaluation order, reversed in full or to the
// share refunded.
void engine::state::reverse_donation(std::uint32_t donation, bool in_full,
                                     std::optional<refund_disposition> disposition, timestamp t,
                                     std::string_view event_id, const std::vector<bool>* only_rules) {
  const index_range own_lines = donations.lines_of(donations[donation]);
  const index_range own_charges = donations.charges_of(donations[donation]);
  if (own_lines.count == 0 && own_charges.count == 0) return;
  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    if (only_rules != nullptr && !(*only_rules)[r]) continue;
    const auto rule = index_at<rule_index>(r);
    bool involved = false;
    for (std::uint32_t l = own_lines.first; l < own_lines.first + own_lines.count; ++l) {
      if (donations.line(l).rule == rule) involved = true;
    }
    for (std::uint32_t c = own_charges.first; c < own_charges.first + own_charges.count; ++c) {
      if (donations.charge(c).rule == rule) involved = true;
    }
    if (involved) reverse_payment(donation, rule, in_full, disposition, t, event_id);
  }
}

engine::event_result engine::state::process_refund(const event& e, std::optional<std::uint32_t> refunded) {
  event_result result;
  const auto found = refunded ? (*refunded < donations.size() ? refunded : std::nullopt) : ids.donation_named(e.ref);
  if (!found) {
    result.rejected = bad_event_reason{bad_event_code::unknown_donation};
    return result;
  }
  const donation_record& donation = donations[*found];
  if (donation.pending_hold) {  // only a confirmed hold is a donation (SPEC §12)
    result.rejected = bad_event_reason{bad_event_code::unknown_donation};
    return result;
  }
  const money left = donation.amount - donations.refunded_of(*found);
  const money amount = e.amount.value_or(left);
  if (amount > left || amount <= money{}) {
    result.rejected = bad_event_reason{bad_event_code::refund_exceeds};
    return result;
  }
  advance_to(e.time);
  const std::string_view id = ids.remember_event(e.id);
  donations.refund(*found, amount);
  project_totals& totals = projects[position(donation.project)];
  totals.raised -= amount;
  totals.refunded += amount;
  reverse_donation(*found, false, e.disposition, e.time, id, nullptr);
  return result;
}

engine::event_result engine::state::process_revoke(const event& e) {
  if (*e.scope == revoke_scope::donation) {  // a hold not confirmed is not a donation (SPEC §12)
    if (const auto found = ids.donation_named(e.ref); found && donations[*found].pending_hold) {
      return {bad_event_reason{bad_event_code::unknown_donation}, {}};
    }
  }
  advance_to(e.time);
  const std::string_view id = ids.remember_event(e.id);
  // What is revoked stays revoked: later donations in scope are not matched either.
  switch (*e.scope) {
    case revoke_scope::donation: {
      revoked.revoke_donation(e.ref);
      if (const auto found = ids.donation_named(e.ref)) {
        reverse_donation(*found, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
    case revoke_scope::donor: {
      revoked.revoke_donor(e.ref);
      const auto found = ids.find_donor(e.ref);
      if (!found) break;
      for (const std::uint32_t d : donations.paid_of_donor(ids.donor(*found).last_payment)) {
        reverse_donation(d, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
    case revoke_scope::project: {
      if (!e.project) break;
      revoked.revoke_project(*e.project);
      for (const std::uint32_t d : donations.paid_of_project(*e.project)) {
        reverse_donation(d, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
  }
  return {};
}

void engine::state::close(timestamp t) {
  if (is_closed) return;
  expire_every_open_hold(t);  // SPEC §12: before anything else of the close
  // SPEC §11.1: what is available expires first, then pending tranches are released.
  for (std::size_t f = 0; f < funds.size(); ++f) {
    if (rules.funds()[f].expire_unused) funds.expire(f, t);
  }
  funds.release_due(t, true);
  settle(t);  // settlement.cpp
  run_closeout(t);
  payments_at_close = {};  // read by settlement and rematch only: its memory goes back now
  is_closed = true;
}

// ---------------------------------------------------------------------------------------------

engine::engine(rule_set rules) : state_(std::make_unique<state>(std::move(rules))) {}
engine::~engine() = default;
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;

engine::event_result engine::process(const event& e) { return state_->process(e, true); }

engine::event_result engine::process_unchecked_new_id(const event& e) {
  state_->ids_vouched = true;
  return state_->process(e, e.kind != event_kind::donation);
}

engine::event_result engine::process_unchecked_refund_of(const event& e, std::uint32_t donation_position) {
  MATCHFUND_ASSERT(e.kind == event_kind::refund, "process_unchecked_refund_of() was given an event that is not a refund");
  state_->ids_vouched = true;
  return state_->process(e, false, donation_position);
}

engine::event_result engine::state::process(const event& e, bool check_id, std::optional<std::uint32_t> refunded) {
  if (last_time && e.time < *last_time) return {bad_event_reason{bad_event_code::out_of_order}, {}};
  const bool of_holds = e.kind == event_kind::hold || e.kind == event_kind::confirm || e.kind == event_kind::cancel;
  if (of_holds && !rules.campaign().hold_ttl) return {bad_event_reason{bad_event_code::holds_not_enabled}, {}};
  // A host feeding a stream has prefetched all this a few events ago.
  if ((e.kind == event_kind::donation || e.kind == event_kind::hold) && !fed_ahead) prefetch_for_one_call(e);
  if (check_id) {
    if (ids.seen(e.id)) return {bad_event_reason{bad_event_code::duplicate_id}, {}};
  } else {
#ifndef NDEBUG
    // The host's word checked, in debug builds only: it costs what process_unchecked_new_id() saves.
    MATCHFUND_ASSERT(!ids.seen(e.id), "process_unchecked_new_id() was given an id seen before");
#endif
  }
  if (e.kind == event_kind::close && is_closed) return {bad_event_reason{bad_event_code::second_close}, {}};
  event_result result = process_kind(e, refunded);
  if (!result.rejected) last_time = e.time;
  // The time of the donation just recorded, when settlement will count payments by time: a
  // single test per event otherwise, outside process_donation.
  if (times.kept()) [[unlikely]] times.catch_up(donations.size(), e.time);
  return result;
}

// Each kind checks what makes it bad first and then lets time reach it (advance_to): a bad
// event changes nothing, not even the releases and hold expiries due by its time.
engine::event_result engine::state::process_kind(const event& e, std::optional<std::uint32_t> refunded) {
  switch (e.kind) {
    case event_kind::donation: return process_donation(e, donation_mode::donation);
    case event_kind::hold: return process_donation(e, donation_mode::hold);
    case event_kind::refund: return process_refund(e, refunded);
    case event_kind::revoke: return process_revoke(e);
    case event_kind::confirm:
    case event_kind::cancel: return process_hold_resolution(e);
    case event_kind::close:
      advance_to(e.time);
      close_event_id = ids.remember_event(e.id);
      close(e.time);
      break;
  }
  return {};
}

void engine::prefetch(const event& e) noexcept {
  state& s = *state_;
  if (!s.fed_ahead) s.fed_ahead = true;
  if (!s.ids_vouched) s.ids.prefetch_event(e.id);
  if (e.kind != event_kind::donation && e.kind != event_kind::hold) return;
  // Two stages: the donor's index slot now, and the donor state of the donation prefetched a
  // few calls ago, whose slot has arrived by now.
  auto& ring = s.prefetched_donors;
  const auto earlier = ring[s.prefetch_next];
  ring[s.prefetch_next] = {s.ids.prefetch_donor(e.donor), e.project ? static_cast<std::uint32_t>(position(*e.project)) : 0,
                           e.time};
  s.prefetch_next = (s.prefetch_next + 1) % ring.size();
  s.prefetch_donor_state(earlier);
}

// The donor record of a donation whose donor slot is loaded (or loading), its (project, donor)
// pair and the counters of the caps per donor its rules may charge.
void engine::state::prefetch_donor_state(const prefetched_donation& donation) const noexcept {
  const std::uint32_t donor = ids.prefetch_donor_state(donation.donor_bits, donation.project);
  if (donor == engine_detail::id_registry::no_donor) return;
  if (donation.project >= projects.size()) return;
  detail::prefetch_line(&projects[donation.project]);  // ten thousand projects outgrow the caches too
  const campaign_spec& campaign = rules.campaign();
  if (donation.time < campaign.start || donation.time >= campaign.end) return;
  const std::uint32_t organization = plan.organization_of_project[donation.project];
  for (const std::uint32_t cap_position : plan.donor_caps_of(donation.project)) {
    const cap_spec& cap = rules.caps()[cap_position];
    const std::uint64_t scope = engine_detail::cap_book::donor_scope(cap.per, donor, donation.project, organization);
    caps.prefetch({scope, caps.period_of(cap_position, donation.time), cap_position});
  }
}

// A live host's call: every place the donation touches starts loading before any is needed,
// so their misses overlap instead of following each other (the event id's slot and the donor's
// slot together, then the donor state), about two memory latencies instead of five.
void engine::state::prefetch_for_one_call(const event& e) const noexcept {
  const std::uint32_t donor_bits = ids.prefetch_donor(e.donor);
  if (!ids_vouched) ids.prefetch_event(e.id);
  if (!e.project) return;
  prefetch_donor_state({donor_bits, static_cast<std::uint32_t>(position(*e.project)), e.time});
}

void engine::reserve(std::size_t events, std::size_t donors) {
  // No run holds more than 2³¹ of either (process() refuses the next one).
  constexpr std::size_t most = std::size_t{1} << 31;
  state_->ids.reserve(std::min(events, most), std::min(donors, most));
}

void engine::finish() {
  state& s = *state_;
  if (!s.is_closed) {
    const timestamp end = s.last_time ? std::max(*s.last_time, s.rules.campaign().end) : s.rules.campaign().end;
    s.advance_to(end);
    s.close(end);
  }
  // Holds made after the close hold nothing; the input ends before they were resolved, so each
  // expires at its own expiry (SPEC §12 fine point 3).
  s.expire_every_open_hold(std::nullopt);
}

void engine::explain(bool on) noexcept { state_->explaining = on; }

const rule_set& engine::rules() const noexcept { return state_->rules; }
std::span<const ledger_line> engine::ledger() const noexcept { return state_->ledger.lines(); }
void engine::discard_ledger() noexcept { state_->ledger.discard(); }
const fund_totals& engine::fund(fund_index index) const { return state_->funds.at(position(index)).totals; }
const project_totals& engine::project(project_index index) const { return state_->projects.at(position(index)); }
bool engine::closed() const noexcept { return state_->is_closed; }

std::vector<std::string> engine::cap_violations() const { return state_->caps.violations(); }

}  // namespace matchfund
