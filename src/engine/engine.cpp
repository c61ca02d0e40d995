// The match engine. Per donation it follows SPEC §5.2 step by step; the comments name the step.
#include "matchfund/engine.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/engine_state.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"

namespace matchfund {

using engine_detail::checked_u32;

namespace {

money ratio_result(money base, ratio r, rounding mode) { return round_product(base, r, mode); }

}  // namespace

engine::event_result engine::state::process_donation(const event& e) {
  event_result result;
  const std::uint32_t donor = intern_donor(e.donor);
  const project_index project = *e.project;
  const project_totals before = projects[position(project)];
  std::fill(paid_by_rule.begin(), paid_by_rule.end(), money{});
  donation_context context{&e, donor, project, &before, &paid_by_rule};

  // SPEC §3.3: every attribute a condition needs without default, before anything happens.
  for (const auto& field : required_attributes) {
    if (std::holds_alternative<no_value>(read_field(field, context))) {
      result.rejected = "missing_attribute:" + field.name;
      return result;
    }
  }

  if (donations.size() >= other_event) throw error("more than 2,147,483,648 donations in one run");
  const std::uint32_t donation_position = static_cast<std::uint32_t>(donations.size());
  donation_record& donation = donations.emplace_back();
  donation.id = ids.store_counted(e.id);  // indexed in event_ids when an id is looked up next
  const std::string_view donation_id = id_of(donation);
  const std::string_view donor_id = donor_name(donor);
  donation.donor = donor;
  donation.project = project;
  donation.amount = *e.amount;
  const std::size_t first_line = lines.size();
  const std::size_t first_charge = charges.size();

  const campaign_spec& campaign = rules.campaign();
  const bool revoked = (!revoked_donations.empty() && revoked_donations.contains(e.id)) ||
                       (!revoked_donors.empty() && revoked_donors.contains(e.donor)) ||
                       revoked_projects.contains(static_cast<std::uint32_t>(position(project)));
  const bool outside = is_closed || e.time < campaign.start || e.time >= campaign.end;
  donation.inside_campaign = !outside;
  bool excluded = false;

  std::fill(window_verdicts.begin(), window_verdicts.end(), std::int8_t{-1});
  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    const rule_spec& rule = rules.rules()[r];
    rule_evaluation& evaluation = evaluations[r];
    evaluation.rule = index_at<rule_index>(r);
    evaluation.code = outcome::matched;
    evaluation.limit = {};
    evaluation.want = evaluation.paid = evaluation.full = money{};
    evaluation.caps.clear();
    evaluation.draws.clear();
    const auto decide = [&](outcome code) { evaluation.code = code; };
    if (revoked) { decide(outcome::revoked); continue; }
    if (outside) { decide(outcome::outside_campaign); continue; }
    if (excluded) { decide(outcome::excluded); continue; }
    if (!rule.windows.empty()) {
      // Rules with the same windows share one verdict per donation.
      std::int8_t& inside = window_verdicts[window_group[r]];
      if (inside < 0) {
        const std::int64_t ms_of_day = local_millisecond_of_day(e.time, campaign.timezone);
        inside = std::any_of(rule.windows.begin(), rule.windows.end(), [&](const window_spec& w) {
          return e.time >= w.from && e.time < w.to && (!w.daily || w.daily->contains_millisecond(ms_of_day));
        });
      }
      if (inside == 0) { decide(outcome::outside_window); continue; }
    }
    const bool eligible = eligible_by_project[r].empty() ? holds(rule.eligible, context)
                                                         : eligible_by_project[r][position(project)];
    if (!eligible) { decide(outcome::not_eligible); continue; }
    if (rule.min_donation && *e.amount < *rule.min_donation) { decide(outcome::below_minimum); continue; }
    const std::int64_t seed = campaign.seed.value_or(0);
    if (rule.chance) {
      const auto drawn = uniform_draw(seed, rule.id, e.id, draw_for_probability, probability::denominator);
      if (!rule.chance->is_drawn(drawn)) { decide(outcome::not_drawn); continue; }
    }

    // Step 1: the base, clipped by donation caps (the rule's own, then shared).
    const money base0 = rule.matchable_max ? min(*e.amount, *rule.matchable_max) : *e.amount;
    money base = base0;
    applied.clear();
    const auto collect = [&](std::span<const cap_index> indices) {
      for (cap_index c : indices) {
        const cap_spec& cap = rules.cap(c);
        const auto scope = scope_of(cap, context, donation_position);
        if (!scope) continue;  // the scope value is missing: not limited by this cap
        const auto cap_position = static_cast<std::uint32_t>(position(c));
        const cap_key key{*scope, period_of(cap_position, e.time), cap_position};
        const std::int64_t limit = limit_of(cap, context);
        const std::uint32_t counter = counter_if_any(key);
        const std::int64_t used = counter == no_counter ? 0 : counters[counter];
        applied.push_back({&cap, key, std::max<std::int64_t>(0, limit - used), limit, counter});
      }
    };
    collect(rule.own_caps);
    collect(rule.shared_caps);
    const applied_cap* base_limit = nullptr;
    for (const auto& cap : applied) {
      if (cap.spec->measure != cap_measure::donation) continue;
      if (cap.remaining < base.minor_units()) {
        base = money::from_minor(cap.remaining);
        if (base_limit == nullptr) base_limit = &cap;
      }
    }

    // Step 2: the formula gives want (from base) and full (from base0).
    money want, full;
    std::optional<ratio> used_ratio;  // a ratio formula's ratio (rematch recomputes want with it)
    bool tier_found = true;
    const auto pick_tier = [&](const tiered_ratio_formula& tiers) -> std::optional<ratio> {
      for (const auto& tier : tiers.tiers) {
        if (!tier.when || holds(*tier.when, context)) return tier.value;
      }
      return std::nullopt;
    };
    std::visit(
        [&](const auto& f) {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, fixed_ratio_formula>) {
            used_ratio = f.value;
            want = ratio_result(base, f.value, rule.round);
            full = ratio_result(base0, f.value, rule.round);
          } else if constexpr (std::is_same_v<F, random_ratio_formula>) {
            const auto k = uniform_draw(seed, rule.id, e.id, draw_for_ratio, f.choices);
            const ratio chosen = ratio::from_millionths(f.min.millionths() +
                                                        static_cast<std::int64_t>(k) * f.step.millionths());
            used_ratio = chosen;
            want = ratio_result(base, chosen, rule.round);
            full = ratio_result(base0, chosen, rule.round);
          } else if constexpr (std::is_same_v<F, tiered_ratio_formula>) {
            const auto chosen = pick_tier(f);
            if (!chosen) {
              tier_found = false;
              return;
            }
            used_ratio = chosen;
            want = ratio_result(base, *chosen, rule.round);
            full = ratio_result(base0, *chosen, rule.round);
          } else if constexpr (std::is_same_v<F, fixed_amount_formula>) {
            want = full = f.value;
          } else if constexpr (std::is_same_v<F, random_amount_formula>) {
            const auto span = static_cast<std::uint64_t>((f.max - f.min).minor_units()) + 1;
            const auto k = uniform_draw(seed, rule.id, e.id, draw_for_amount, span);
            want = full = f.min + money::from_minor(static_cast<std::int64_t>(k));
          } else {
            const money earlier = paid_by_rule[position(f.rule)];
            std::optional<ratio> chosen;
            if (const auto* scale = std::get_if<ratio>(&f.scale)) {
              chosen = *scale;
            } else {
              chosen = pick_tier(std::get<tiered_ratio_formula>(f.scale));
            }
            if (!chosen) {
              tier_found = false;
              return;
            }
            want = full = ratio_result(earlier, *chosen, rule.round);
          }
        },
        rule.match);
    if (!tier_found) { decide(outcome::no_tier); continue; }
    if (full.is_zero()) { decide(outcome::no_match); continue; }
    evaluation.want = want;
    evaluation.full = full;
    // A rule a rematch step names keeps what it paid short of want, for the close (SPEC §7).
    const auto keep_for_rematch = [&](money paid_now, money base_used_now) {
      if (!rematched[r] || paid_now >= want) return;
      rematch_candidate candidate;
      candidate.donation = donation_position;
      candidate.rule = evaluation.rule;
      candidate.first_cap = rematch_caps.size();
      candidate.base0 = base0;
      candidate.want = want;
      candidate.paid = paid_now;
      candidate.own_base = base_used_now;
      candidate.used_ratio = used_ratio;
      for (const auto& cap : applied) {
        rematch_caps.push_back({cap.key.cap, cap.key, cap.limit});
        ++candidate.cap_count;
      }
      rematch_candidates.push_back(candidate);
    };
    const auto explain_caps = [&](bool after_charging, money paid_now, money base_charged) {
      if (!explaining) return;
      for (const auto& cap : applied) {
        std::int64_t used = 0;
        if (after_charging) {
          switch (cap.spec->measure) {
            case cap_measure::match: used = paid_now.minor_units(); break;
            case cap_measure::donation: used = base_charged.minor_units(); break;
            case cap_measure::count: used = paid_now > money{} ? 1 : 0; break;
          }
        }
        evaluation.caps.push_back({index_at<cap_index>(cap.key.cap), cap.remaining, cap.remaining - used});
      }
    };

    // Step 3: caps with nothing left, in order: donation caps, full count caps, match caps.
    const applied_cap* reached = nullptr;
    for (auto measure : {cap_measure::donation, cap_measure::count, cap_measure::match}) {
      for (const auto& cap : applied) {
        if (reached == nullptr && cap.spec->measure == measure && cap.remaining <= 0) reached = &cap;
      }
    }
    if (reached != nullptr) {
      evaluation.code = outcome::cap_reached;
      evaluation.limit = reached->spec->id;
      explain_caps(false, money{}, money{});
      keep_for_rematch(money{}, money{});
      continue;
    }
    money allowed = want;
    const applied_cap* match_limit = nullptr;
    for (const auto& cap : applied) {
      if (cap.spec->measure != cap_measure::match) continue;
      if (cap.remaining < allowed.minor_units()) {
        allowed = money::from_minor(cap.remaining);
        if (match_limit == nullptr) match_limit = &cap;
      }
    }

    // Not released / fund empty: judged over all sources before drawing.
    bool any_released = false;
    bool any_available = false;
    for (fund_index source : rule.sources) {
      const std::size_t f = position(source);
      if (funds[f].totals.released > money{}) any_released = true;
      money available = funds[f].totals.available();
      if (const auto pot = pot_of(rules.funds()[f], context)) available = min(available, pot_remaining(f, *pot, context));
      if (available > money{}) any_available = true;
    }
    if (!any_released) {
      decide(outcome::not_released);
      explain_caps(false, money{}, money{});
      keep_for_rematch(money{}, money{});
      continue;
    }
    if (!any_available) {
      decide(outcome::fund_empty);
      explain_caps(false, money{}, money{});
      keep_for_rematch(money{}, money{});
      continue;
    }

    // Step 4: draw from the sources in order.
    draws.clear();
    money paid;
    std::size_t last_tried = position(rule.sources.front());
    for (fund_index source : rule.sources) {
      if (paid >= allowed) break;
      const std::size_t f = position(source);
      last_tried = f;
      money give = min(allowed - paid, funds[f].totals.available());
      const auto pot = pot_of(rules.funds()[f], context);
      if (pot) give = min(give, pot_remaining(f, *pot, context));
      if (give <= money{}) continue;
      draws.push_back({f, give, pot});
      paid += give;
    }

    // Step 5: the limit of a partial match.
    if (paid < full) {
      evaluation.code = outcome::partial;
      if (base_limit != nullptr && want < full) {
        evaluation.limit = base_limit->spec->id;
      } else if (match_limit != nullptr) {
        evaluation.limit = match_limit->spec->id;
      } else {
        evaluation.limit = rules.funds()[last_tried].id;
      }
      if (rule.partial == partial_mode::skip) {
        draws.clear();
        paid = money{};
      }
    } else {
      evaluation.code = outcome::matched;
    }
    evaluation.paid = paid;

    // Step 6: commit the draws and charge the caps.
    for (const auto& d : draws) {
      fund_state& fund = funds[d.fund];
      fund.totals.drawn += d.amount;
      if (d.pot) fund.pot_used[*d.pot] += d.amount;
      ledger_line& line = add_line(e.time, ledger_kind::match);
      line.event_id = donation_id;
      line.donation_id = donation_id;
      line.donor = donor_id;
      line.project = project;
      line.rule = evaluation.rule;
      line.fund = index_at<fund_index>(d.fund);
      line.amount = d.amount;
      line.limited_by = evaluation.code == outcome::partial ? evaluation.limit : std::string_view();
      if (d.pot) line_pots.emplace(checked_u32(lines.size(), "match lines"), *d.pot);
      lines.push_back({evaluation.rule, index_at<fund_index>(d.fund), d.amount});
      if (!fund.totals.exhausted_at && fund.totals.available().is_zero() && !release_pending(d.fund)) {
        fund.totals.exhausted_at = e.time;
      }
    }
    rule_charge charge;
    charge.rule = evaluation.rule;
    charge.first_counter = checked_u32(charged.size(), "cap charges");
    // Donation caps are charged by the base used: all of it when paid = want, else in proportion
    // (SPEC §5.2 step 6); a base clipped to a want of 0 is charged whole with clip (§11.4).
    if (want.is_zero()) {
      charge.base_used = rule.partial == partial_mode::clip ? base : money{};
    } else {
      charge.base_used = paid == want ? base : floor_fraction(base, paid.minor_units(), want.minor_units());
    }
    charge.counted = paid > money{};
    for (const auto& cap : applied) {
      std::int64_t amount = 0;
      switch (cap.spec->measure) {
        case cap_measure::match: amount = paid.minor_units(); break;
        case cap_measure::donation: amount = charge.base_used.minor_units(); break;
        case cap_measure::count: amount = charge.counted ? 1 : 0; break;
      }
      // A counter charged nothing gets nothing back either (SPEC §6), so it is not kept.
      if (amount == 0) continue;
      const std::uint32_t counter = cap.counter != no_counter ? cap.counter : counter_for(cap.key);
      counters[counter] += amount;
      charged.push_back({counter, cap.spec->measure});
      ++charge.counter_count;
    }
    explain_caps(true, paid, charge.base_used);
    if (explaining) {
      for (const auto& d : draws) evaluation.draws.emplace_back(index_at<fund_index>(d.fund), d.amount);
    }
    if (charge.counter_count > 0) charges.push_back(charge);
    keep_for_rematch(paid, charge.base_used);
    paid_by_rule[r] = paid;
    if (rule.exclusive && paid > money{}) excluded = true;
  }

  // After all rules: a payment record when some rule paid or charged, chained to the donor's
  // and the project's previous ones; the project's totals.
  if (lines.size() > first_line || charges.size() > first_charge) {
    donation.payment = checked_u32(payments.size(), "paid donations");
    payment_record& payment = payments.emplace_back();
    payment.donation = donation_position;
    payment.first_line = checked_u32(first_line, "match lines");
    payment.line_count = static_cast<std::uint32_t>(lines.size() - first_line);
    payment.first_charge = checked_u32(first_charge, "cap charges");
    payment.charge_count = static_cast<std::uint32_t>(charges.size() - first_charge);
    payment.previous_of_donor = std::exchange(donors[donor].last_payment, donation.payment);
    payment.previous_of_project = std::exchange(project_last_payment[position(project)], donation.payment);
  }
  project_totals& totals = projects[position(project)];
  totals.donations += 1;
  totals.raised += *e.amount;
  if (first_gift_to(donor, project)) totals.donors += 1;
  for (const money& paid : paid_by_rule) totals.matched += paid;
  for (const rule_evaluation& evaluation : evaluations) {
    if (evaluation.paid > evaluation.want && !evaluation.want.is_zero()) ++matches_above_formula;
  }
  result.evaluations = evaluations;
  return result;
}

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
