// The match engine: events in, decisions out. A donation goes through process_donation.cpp (SPEC
// §5.2); refunds, revocations (§6) and the close (§7, §11.1) are here.
#include "matchfund/engine.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/engine_state.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"

namespace matchfund {

using engine_detail::checked_u32;

void engine::state::reverse_line(const donation_record& donation, std::uint32_t line_index, money amount,
                                 refund_disposition disposition, timestamp t, std::string_view event_id) {
  const match_record& line = lines[line_index];
  reversed_amounts[line_index] += amount;
  fund_state& fund = funds[position(line.fund)];
  if (disposition == refund_disposition::give_back) {
    fund.totals.returned += amount;
    if (is_closed) fund.limit_unallocated();  // SPEC §11.19: at most what is available at the end
    if (const auto pot = line_pots.find(line_index); pot != line_pots.end()) {
      fund.pot_used[pot->second] -= amount;  // forfeits stay used
    }
  } else {
    fund.totals.forfeited += amount;
  }
  projects[position(donation.project)].matched -= amount;
  ledger_line& ledger_entry = add_line(t, ledger_kind::reversal);
  ledger_entry.event_id = event_id;
  ledger_entry.donation_id = id_of(donation);
  ledger_entry.donor = donor_name(donation.donor);
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
  const money refunded = refunded_of(donation_position);
  const refund_disposition how = disposition.value_or(rules.rule(rule).on_refund);
  money reversed_now;
  bool has_lines = false;
  bool all_reversed = true;
  const index_range own_lines = lines_of(donation);
  for (std::uint32_t l = own_lines.first; l < own_lines.first + own_lines.count; ++l) {
    const match_record& line = lines[l];
    if (line.rule != rule) continue;
    has_lines = true;
    const money target =
        in_full ? line.amount : floor_fraction(line.amount, refunded.minor_units(), donation.amount.minor_units());
    const money reversal = target - reversed_of(l);
    if (reversal > money{}) {
      reverse_line(donation, l, reversal, how, t, event_id);
      reversed_now += reversal;
    }
    if (reversed_of(l) < line.amount) all_reversed = false;
  }
  std::uint32_t charge_index = UINT32_MAX;
  const index_range own_charges = charges_of(donation);
  for (std::uint32_t c = own_charges.first; c < own_charges.first + own_charges.count; ++c) {
    if (charges[c].rule == rule) charge_index = c;
  }
  if (charge_index == UINT32_MAX) return;
  const rule_charge* charge = &charges[charge_index];
  engine_detail::charge_given_back& back = given_back[charge_index];
  const money base_target =
      in_full ? charge->base_used
              : floor_fraction(charge->base_used, refunded.minor_units(), donation.amount.minor_units());
  const money base_back = max(base_target - back.base, money{});
  back.base += base_back;
  const bool count_back = (in_full || (has_lines && all_reversed)) && charge->counted && !back.count;
  if (count_back) back.count = true;
  for (std::uint32_t k = charge->first_counter; k < charge->first_counter + charge->counter_count; ++k) {
    std::int64_t amount = 0;
    switch (charged[k].measure) {
      case cap_measure::match: amount = reversed_now.minor_units(); break;
      case cap_measure::donation: amount = base_back.minor_units(); break;
      case cap_measure::count: amount = count_back ? 1 : 0; break;
    }
    counters[charged[k].counter] -= amount;
  }
}

// Every rule that paid or charged a donation, in evaluation order, reversed in full or to the
// share refunded.
void engine::state::reverse_donation(std::uint32_t donation, bool in_full,
                                     std::optional<refund_disposition> disposition, timestamp t,
                                     std::string_view event_id, const std::vector<bool>* only_rules) {
  const index_range own_lines = lines_of(donations[donation]);
  const index_range own_charges = charges_of(donations[donation]);
  if (own_lines.count == 0 && own_charges.count == 0) return;
  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    if (only_rules != nullptr && !(*only_rules)[r]) continue;
    const auto rule = index_at<rule_index>(r);
    bool involved = false;
    for (std::uint32_t l = own_lines.first; l < own_lines.first + own_lines.count; ++l) {
      if (lines[l].rule == rule) involved = true;
    }
    for (std::uint32_t c = own_charges.first; c < own_charges.first + own_charges.count; ++c) {
      if (charges[c].rule == rule) involved = true;
    }
    if (involved) reverse_payment(donation, rule, in_full, disposition, t, event_id);
  }
}

engine::event_result engine::state::process_refund(const event& e) {
  event_result result;
  const auto found = donation_named(e.ref);
  if (!found) {
    result.rejected = "unknown_donation";
    return result;
  }
  const donation_record& donation = donations[*found];
  const money left = donation.amount - refunded_of(*found);
  const money amount = e.amount.value_or(left);
  if (amount > left || amount <= money{}) {
    result.rejected = "refund_exceeds";
    return result;
  }
  const std::string_view id = remember_event(e.id);
  refunded_amounts[*found] += amount;
  project_totals& totals = projects[position(donation.project)];
  totals.raised -= amount;
  totals.refunded += amount;
  reverse_donation(*found, false, e.disposition, e.time, id, nullptr);
  return result;
}

engine::event_result engine::state::process_revoke(const event& e) {
  const std::string_view id = remember_event(e.id);
  // What is revoked stays revoked: later donations in scope are not matched either.
  switch (*e.scope) {
    case revoke_scope::donation: {
      revoked_donations.insert(e.ref);
      if (const auto found = donation_named(e.ref)) {
        reverse_donation(*found, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
    case revoke_scope::donor: {
      revoked_donors.insert(e.ref);
      const auto found = donor_ids.find(e.ref);
      if (!found) break;
      for (const std::uint32_t d : donations_paid_from(donors[*found].last_payment, &payment_record::previous_of_donor)) {
        reverse_donation(d, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
    case revoke_scope::project: {
      if (!e.project) break;
      revoked_projects.insert(static_cast<std::uint32_t>(position(*e.project)));
      const std::uint32_t last = project_last_payment[position(*e.project)];
      for (const std::uint32_t d : donations_paid_from(last, &payment_record::previous_of_project)) {
        reverse_donation(d, true, e.disposition, e.time, id, nullptr);
      }
      break;
    }
  }
  return {};
}

void engine::state::close(timestamp t) {
  if (is_closed) return;
  // SPEC §11.1: what is available expires first, then pending tranches are released.
  for (std::size_t f = 0; f < funds.size(); ++f) {
    if (rules.funds()[f].expire_unused) expire(f, t);
  }
  release_due(t, true);
  // Settlement: every settle condition is decided for every project on the state at close (the
  // verdicts also decide rematch, SPEC §7), then the lines of rules whose project fails it are
  // reversed with return, in processing order, as caused by the close event.
  settles.assign(rules.rules().size(), {});
  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    const rule_spec& rule = rules.rules()[r];
    if (!rule.settle) continue;
    settles[r].resize(rules.projects().size());
    for (std::size_t p = 0; p < rules.projects().size(); ++p) {
      settles[r][p] = eligible_at_close(*rule.settle, index_at<project_index>(p));
    }
  }
  std::vector<bool> failing(rules.rules().size());
  for (const payment_record& payment : payments) {  // the donations that have anything to reverse
    const project_index project = donations[payment.donation].project;
    bool any = false;
    for (std::size_t r = 0; r < rules.rules().size(); ++r) {
      failing[r] = fails_settlement(index_at<rule_index>(r), project);
      any = any || failing[r];
    }
    if (any) reverse_donation(payment.donation, true, refund_disposition::give_back, t, close_event_id, &failing);
  }
  run_closeout(t);
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

engine::event_result engine::state::process(const event& e, bool check_id) {
  if (last_time && e.time < *last_time) return {"out_of_order", {}};
  // A host feeding a stream has prefetched all this a few events ago.
  if (e.kind == event_kind::donation && !fed_ahead) prefetch_for_one_call(e);
  if (check_id) {
    index_donations();
    if (event_ids.contains(std::string_view(e.id))) return {"duplicate_id", {}};
  } else {
#ifndef NDEBUG
    // The host's word checked, in debug builds only: it costs what process_unchecked_new_id() saves.
    index_donations();
    MATCHFUND_ASSERT(!event_ids.contains(std::string_view(e.id)),
                     "process_unchecked_new_id() was given an id seen before");
#endif
  }
  release_due(e.time, false);
  event_result result;
  switch (e.kind) {
    case event_kind::donation: result = process_donation(e); break;
    case event_kind::refund: result = process_refund(e); break;
    case event_kind::revoke: result = process_revoke(e); break;
    case event_kind::close:
      if (is_closed) return {"second_close", {}};
      close_event_id = remember_event(e.id);
      close(e.time);
      break;
  }
  if (!result.rejected) last_time = e.time;
  return result;
}

void engine::prefetch(const event& e) const noexcept {
  state& s = *state_;
  if (!s.fed_ahead) s.fed_ahead = true;
  if (!s.ids_vouched) (void)s.event_ids.prefetch(e.id);
  if (e.kind != event_kind::donation) return;
  // Two stages: the donor's index slot now, and the donor state of the donation prefetched a
  // few calls ago, whose slot has arrived by now.
  auto& ring = s.prefetched_donors;
  const auto earlier = ring[s.prefetch_next];
  ring[s.prefetch_next] = {s.donor_ids.prefetch(e.donor), e.project ? static_cast<std::uint32_t>(position(*e.project)) : 0,
                           e.time};
  s.prefetch_next = (s.prefetch_next + 1) % ring.size();
  s.prefetch_donor_state(earlier);
}

// The donor record of a donation whose donor slot is loaded (or loading), its (project, donor)
// pair and the counters of the caps per donor its rules may charge.
void engine::state::prefetch_donor_state(const prefetched_donation& donation) const noexcept {
  const auto donor = donor_ids.candidate(donation.donor_bits);
  if (!donor || *donor >= donors.size()) return;
  __builtin_prefetch(&donors[*donor]);
  project_donors.prefetch(std::uint64_t{donation.project} << 32 | *donor);
  if (donation.project >= organization_of_project.size()) return;
  __builtin_prefetch(&projects[donation.project]);  // ten thousand projects outgrow the caches too
  const campaign_spec& campaign = rules.campaign();
  if (donation.time < campaign.start || donation.time >= campaign.end) return;
  const std::uint32_t organization = organization_of_project[donation.project];
  for (std::uint32_t k = donor_caps_first[donation.project]; k < donor_caps_first[donation.project + 1]; ++k) {
    const std::uint32_t cap_position = donor_caps[k];
    const cap_spec& cap = rules.caps()[cap_position];
    const std::uint64_t scope = donor_scope(cap.per, *donor, donation.project, organization);
    counter_of.prefetch({scope, period_of(cap_position, donation.time), cap_position});
  }
}

// A live host's call: every place the donation touches starts loading before any is needed,
// so their misses overlap instead of following each other (the event id's slot and the donor's
// slot together, then the donor state), about two memory latencies instead of five.
void engine::state::prefetch_for_one_call(const event& e) const noexcept {
  const std::uint32_t donor_bits = donor_ids.prefetch(e.donor);
  if (!ids_vouched) (void)event_ids.prefetch(e.id);
  if (!e.project) return;
  prefetch_donor_state({donor_bits, static_cast<std::uint32_t>(position(*e.project)), e.time});
}

void engine::reserve(std::size_t events, std::size_t donors) {
  // No run holds more than 2³¹ of either (process() refuses the next one).
  constexpr std::size_t most = std::size_t{1} << 31;
  state_->event_ids.reserve(std::min(events, most));
  state_->donor_ids.reserve(std::min(donors, most));
}

void engine::finish() {
  state& s = *state_;
  if (s.is_closed) return;
  const timestamp end = s.last_time ? std::max(*s.last_time, s.rules.campaign().end) : s.rules.campaign().end;
  s.release_due(end, false);
  s.close(end);
}

void engine::explain(bool on) noexcept { state_->explaining = on; }

const rule_set& engine::rules() const noexcept { return state_->rules; }
std::span<const ledger_line> engine::ledger() const noexcept { return state_->ledger; }
void engine::discard_ledger() noexcept {
  state_->discarded_sums.add(state_->ledger);
  state_->ledger_discarded += state_->ledger.size();
  state_->ledger.clear();
}
const fund_totals& engine::fund(fund_index index) const { return state_->funds.at(position(index)).totals; }
const project_totals& engine::project(project_index index) const { return state_->projects.at(position(index)); }
bool engine::closed() const noexcept { return state_->is_closed; }

std::vector<std::string> engine::cap_violations() const {
  std::vector<std::string> violations;
  for (std::size_t k = 0; k < state_->counters.size(); ++k) {
    const std::int64_t used = state_->counters[k];
    const cap_spec& cap = state_->rules.caps()[state_->counter_caps[k]];
    if (used < 0 || (cap.max && used > *cap.max)) {
      violations.push_back(cap.id + " counter at " + std::to_string(used));
    }
  }
  std::sort(violations.begin(), violations.end());
  return violations;
}

}  // namespace matchfund
