// One donation through the rules, in the steps of SPEC §5.2: each rule gives one outcome, the
// first that applies in the precedence of §5.2, and a rule that reaches the draw computes the
// base (step 1), the formula (2), the caps (3), the draws (4), the limit of a partial (5) and
// commits (6). The steps share this file so that the compiler inlines them into the loop.
#include <algorithm>
#include <string_view>
#include <utility>

#include "engine/engine_state.hpp"
#include "engine/stepped_ratio.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"

namespace matchfund {


// The donation being evaluated, as every rule sees it.
struct engine::state::donation_run {
  donation_run(const event& donation, const donation_context& reading) : e(donation), context(reading) {}
  const event& e;
  mutable donation_context context;  // its rank_opening is the evaluating rule's
  std::uint32_t position = 0;  // in `donations`
  std::string_view id, donor_id;
  bool revoked = false;
  bool outside = false;   // outside [start, end) or after the close
  bool excluded = false;  // an exclusive rule paid it
  bool holding = false;   // a hold (SPEC §12) or a quote: what it draws is held, not written
  bool quoting = false;   // a quote: its id is not kept
};

// One rule's evaluation of the donation, from the base to the payment.
struct engine::state::rule_run {
  rule_run(std::size_t position, const rule_spec& spec, rule_evaluation& result)
      : r(position), rule(spec), evaluation(result) {}
  std::size_t r;
  const rule_spec& rule;
  rule_evaluation& evaluation;
  money base0, base;                 // step 1: min(amount, matchable_max), then clipped by donation caps
  money want, full;                  // step 2: the formula on base and on base0
  std::optional<ratio> used_ratio;   // a ratio formula's ratio (a rematch recomputes want with it)
  money allowed;                     // step 3: want clipped by match caps
  money paid;                        // step 4
  const applied_cap* base_limit = nullptr;
  const applied_cap* match_limit = nullptr;
  std::size_t last_tried = 0;        // the last source fund tried
};

engine::event_result engine::state::process_donation(const event& e, donation_mode mode) {
  const bool holding = mode != donation_mode::donation;
  event_result result;
  const std::uint32_t donor = ids.intern_donor(e.donor);
  const project_index project = *e.project;
  const project_totals before = projects[position(project)];
  std::fill(paid_by_rule.begin(), paid_by_rule.end(), money{});
  donation_run d(e, donation_context{&e, donor, project, &before, &paid_by_rule});
  d.holding = holding;
  d.quoting = mode == donation_mode::quote;

  // SPEC §3.3: every attribute a condition needs without default, before anything happens.
  for (const auto& field : plan.required_attributes) {
    if (std::holds_alternative<no_value>(fields.read_field(field, d.context))) {
      result.rejected = bad_event_reason{bad_event_code::missing_attribute, field.name};
      return result;
    }
  }
  advance_to(e.time);  // a bad event changes nothing, so time moves only now
  record_donation(d);
  const std::uint32_t first_line = donations.line_count();
  const std::uint32_t first_charge = donations.charge_count();
  const std::uint32_t first_line_limit = holding ? holds.line_limit_count() : 0;
  const std::uint32_t first_candidate = holding ? holds.candidate_count() : 0;
  ++window_serial;  // every window verdict is undecided
  for (std::size_t r = 0; r < rules.rules().size(); ++r) evaluate_rule(r, d);
  result.evaluations = evaluations;
  if (mode == donation_mode::quote) [[unlikely]] return result;  // quote() takes it all back
  if (holding) [[unlikely]] {  // nothing of the project's totals changes until the hold is confirmed
    record_hold(d.position, d.id, e.time, {first_line, first_charge, first_line_limit, first_candidate});
    return result;
  }
  // After all rules: a payment record when some rule paid or charged, chained to the donor's
  // and the project's previous ones; the project's totals.
  if (donations.line_count() > first_line || donations.charge_count() > first_charge) {
    donations.record_payment(d.position, project, ids.donor(donor).last_payment, first_line, first_charge);
  }
  project_totals& totals = projects[position(project)];
  totals.donations += 1;
  totals.raised += *e.amount;
  if (ids.first_gift_to(donor, project)) totals.donors += 1;
  for (const money& paid : paid_by_rule) totals.matched += paid;
  return result;
}

void engine::state::record_donation(donation_run& d) {
  const event& e = d.e;
  d.position = donations.size();
  const char* id = d.quoting ? quote_id_text(e.id) : ids.keep_donation_id(d.position, e.id);
  donation_record& donation = donations.add();
  donation.id = id;
  d.id = engine_detail::id_of(donation);
  d.donor_id = ids.donor_name(d.context.donor);
  donation.donor = d.context.donor;
  donation.project = d.context.project;
  donation.amount = *e.amount;
  const campaign_spec& campaign = rules.campaign();
  d.revoked = revoked.cover(e.id, e.donor, d.context.project);
  d.outside = is_closed || e.time < campaign.start || e.time >= campaign.end;
  donation.inside_campaign = !d.outside && !d.holding;  // a hold is a donation once confirmed
  donation.pending_hold = d.holding;
}

void engine::state::evaluate_rule(std::size_t r, donation_run& d) {
  const rule_spec& rule = rules.rules()[r];
  rule_evaluation& evaluation = evaluations[r];
  evaluation.rule = index_at<rule_index>(r);
  evaluation.code = outcome::matched;
  evaluation.limit = {};
  evaluation.want = evaluation.paid = evaluation.full = money{};
  evaluation.caps.clear();
  evaluation.draws.clear();
  // Most rules stop here for most donations: the rule's run starts after.
  if (const outcome early = outcome_before_the_formula(r, rule, d); early != goes_on) {
    evaluation.code = early;
    if (early == outcome::outside_window && !marks.empty() && plan.outside_kind[r] >= 0) [[unlikely]] {
      marks.mark(static_cast<std::size_t>(plan.outside_kind[r]), d.position);
    }
    return;
  }
  if (!marks.empty() && plan.qualifying_kind[r] >= 0) [[unlikely]] {
    marks.mark(static_cast<std::size_t>(plan.qualifying_kind[r]), d.position);
  }
  rule_run run(r, rule, evaluation);
  clip_base(run, d);
  if (!apply_formula(run, d)) {
    evaluation.code = outcome::no_tier;
    return;
  }
  if (run.full.is_zero()) {
    evaluation.code = outcome::no_match;
    return;
  }
  evaluation.want = run.want;
  evaluation.full = run.full;
  if (const applied_cap* reached = cap_with_nothing_left()) {
    evaluation.code = outcome::cap_reached;
    evaluation.limit = reached->spec->id;
    return stop_before_drawing(run, d);
  }
  clip_by_match_caps(run);
  if (const auto unavailable = outcome_of_sources(run.rule, d.context)) {
    evaluation.code = *unavailable;
    return stop_before_drawing(run, d);
  }
  draw_from_sources(run, d.context);
  decide_partial(run);
  // SPEC §8's matches_within_formula: only a rule that drew can have paid anything.
  if (run.paid > run.want && !run.want.is_zero()) ++matches_above_formula;
  commit_draws(run, d);
  const money base_used = charge_caps(run);
  explain_caps(run, true, run.paid, base_used);
  if (explaining) {
    for (const auto& drawn : draws) evaluation.draws.emplace_back(index_at<fund_index>(drawn.fund), drawn.amount);
  }
  keep_for_rematch(run, d, run.paid, base_used);
  paid_by_rule[r] = run.paid;
  if (run.rule.exclusive && run.paid > money{}) d.excluded = true;
}

// SPEC §5.2's precedence up to the formula: revoked, outside_campaign, excluded, outside_window,
// not_eligible, below_minimum, not_drawn; or goes_on. Not an optional: this runs for every rule
// of every donation, and the sentinel keeps it a byte in a register.
outcome engine::state::outcome_before_the_formula(std::size_t r, const rule_spec& rule,
                                                                 const donation_run& d) {
  if (d.revoked) return outcome::revoked;
  if (d.outside) return outcome::outside_campaign;
  if (d.excluded) return outcome::excluded;
  if (!rule.windows.empty()) {
    // A rule that reads a day rank reads it as of the opening of the window the donation is in.
    if (!plan.rank_opening_of_window[r].empty()) [[unlikely]] note_rank_opening(r, rule, d);
    // Rules with the same windows share one verdict per donation.
    std::uint64_t& verdict = window_verdicts[plan.window_group[r]];
    if (verdict >> 1 != window_serial) {
      const std::int64_t ms_of_day = local_millisecond_of_day(d.e.time, rules.campaign().timezone);
      const bool inside = std::any_of(rule.windows.begin(), rule.windows.end(), [&](const window_spec& w) {
        return d.e.time >= w.from && d.e.time < w.to && (!w.daily || w.daily->contains_millisecond(ms_of_day));
      });
      verdict = window_serial << 1 | std::uint64_t{inside};
    }
    if ((verdict & 1) == 0) return outcome::outside_window;
  }
  const auto& by_project = plan.eligible_by_project[r];
  const bool eligible = by_project.empty() ? fields.holds(rule.eligible, d.context) : by_project[position(d.context.project)];
  if (!eligible) return outcome::not_eligible;
  if (rule.min_donation && *d.e.amount < *rule.min_donation) return outcome::below_minimum;
  if (rule.chance) {
    const auto drawn = uniform_below(draw_hash_after(plan.draw_prefix[r], d.e.id, draw_for_probability), probability::denominator);
    if (!rule.chance->is_drawn(drawn)) return outcome::not_drawn;
  }
  return goes_on;
}

// The first of the rule's windows the donation is in says which opening its day ranks are of.
void engine::state::note_rank_opening(std::size_t r, const rule_spec& rule, const donation_run& d) {
  const std::int64_t ms_of_day = local_millisecond_of_day(d.e.time, rules.campaign().timezone);
  for (std::size_t w = 0; w < rule.windows.size(); ++w) {
    const window_spec& window = rule.windows[w];
    if (d.e.time >= window.from && d.e.time < window.to && window.daily->contains_millisecond(ms_of_day)) {
      d.context.rank_opening = plan.rank_opening_of_window[r][w];
      return;
    }
  }
}

// Step 1: the base, clipped by donation caps (the rule's own, then shared). Every cap that
// applies is kept in `applied` with what it has left, for steps 3 and 6.
void engine::state::clip_base(rule_run& run, const donation_run& d) {
  run.base0 = run.rule.matchable_max ? min(*d.e.amount, *run.rule.matchable_max) : *d.e.amount;
  run.base = run.base0;
  applied.clear();
  const auto collect = [&](std::span<const cap_index> indices) {
    for (cap_index c : indices) {
      const cap_spec& cap = rules.cap(c);
      const auto scope = scope_of(cap, d.context, d.position);
      if (!scope) continue;  // the scope value is missing: not limited by this cap
      const auto cap_position = static_cast<std::uint32_t>(position(c));
      const cap_key key{*scope, caps.period_of(cap_position, d.e.time), cap_position};
      const std::int64_t limit = fields.limit_of(cap, d.context);
      const std::uint32_t counter = caps.counter_if_any(key);
      const std::int64_t used = counter == no_counter ? 0 : caps.used(counter);
      applied.push_back({&cap, key, std::max<std::int64_t>(0, limit - used), limit, counter});
    }
  };
  collect(run.rule.own_caps);
  collect(run.rule.shared_caps);
  for (const auto& cap : applied) {
    if (cap.spec->measure != cap_measure::donation || cap.remaining >= run.base.minor_units()) continue;
    run.base = money::from_minor(cap.remaining);
    if (run.base_limit == nullptr) run.base_limit = &cap;
  }
}

// Step 2: the formula gives want (from base) and full (from base0). False when tiers have no
// match and no default (no_tier).
bool engine::state::apply_formula(rule_run& run, const donation_run& d) {
  const rule_spec& rule = run.rule;
  const auto pick_tier = [&](const tiered_ratio_formula& tiers) -> std::optional<ratio> {
    for (const auto& tier : tiers.tiers) {
      if (!tier.when || fields.holds(*tier.when, d.context)) return tier.value;
    }
    return std::nullopt;
  };
  const auto by_ratio = [&](std::optional<ratio> chosen) {
    if (!chosen) return false;
    run.used_ratio = chosen;
    run.want = round_product(run.base, *chosen, rule.round);
    run.full = round_product(run.base0, *chosen, rule.round);
    return true;
  };
  return std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, fixed_ratio_formula>) {
          return by_ratio(f.value);
        } else if constexpr (std::is_same_v<F, random_ratio_formula>) {
          const auto k = uniform_below(draw_hash_after(plan.draw_prefix[run.r], d.e.id, draw_for_ratio), f.choices);
          return by_ratio(ratio::from_millionths(f.min.millionths() + static_cast<std::int64_t>(k) * f.step.millionths()));
        } else if constexpr (std::is_same_v<F, tiered_ratio_formula>) {
          return by_ratio(pick_tier(f));
        } else if constexpr (std::is_same_v<F, fixed_amount_formula>) {
          run.want = run.full = f.value;
          return true;
        } else if constexpr (std::is_same_v<F, random_amount_formula>) {
          const auto span = static_cast<std::uint64_t>((f.max - f.min).minor_units()) + 1;
          const auto k = uniform_below(draw_hash_after(plan.draw_prefix[run.r], d.e.id, draw_for_amount), span);
          run.want = run.full = f.min + money::from_minor(static_cast<std::int64_t>(k));
          return true;
        } else if constexpr (std::is_same_v<F, stepped_ratio_formula>) {
          const money total = rule_running_totals[run.r];
          run.want = engine_detail::stepped_match(run.base, total, f, rule.round);
          run.full = engine_detail::stepped_match(run.base0, total, f, rule.round);
          return true;
        } else if constexpr (std::is_same_v<F, recorded_ratio_formula>) {
          return by_ratio(fields.ratio_of(f.field, d.context));  // missing: 0, no_match
        } else if constexpr (std::is_same_v<F, recorded_amount_formula>) {
          run.want = run.full = fields.amount_of(f.field, d.context);
          return true;
        } else {
          const auto* scale = std::get_if<ratio>(&f.scale);
          const std::optional<ratio> chosen = scale ? std::optional<ratio>(*scale)
                                                    : pick_tier(std::get<tiered_ratio_formula>(f.scale));
          if (!chosen) return false;
          run.want = run.full = round_product(paid_by_rule[position(f.rule)], *chosen, rule.round);
          return true;
        }
      },
      rule.match);
}

// Step 3: the first cap with nothing left, in order: donation caps, full count caps, match caps.
const engine::state::applied_cap* engine::state::cap_with_nothing_left() const {
  for (auto measure : {cap_measure::donation, cap_measure::count, cap_measure::match}) {
    for (const auto& cap : applied) {
      if (cap.spec->measure == measure && cap.remaining <= 0) return &cap;
    }
  }
  return nullptr;
}

// Step 3, then: match caps clip want, giving allowed.
void engine::state::clip_by_match_caps(rule_run& run) const {
  run.allowed = run.want;
  for (const auto& cap : applied) {
    if (cap.spec->measure != cap_measure::match || cap.remaining >= run.allowed.minor_units()) continue;
    run.allowed = money::from_minor(cap.remaining);
    if (run.match_limit == nullptr) run.match_limit = &cap;
  }
}

// not_released (no source has released anything) or fund_empty (none has anything available to
// this donation), judged over all sources before drawing.
std::optional<outcome> engine::state::outcome_of_sources(const rule_spec& rule, const donation_context& context) const {
  bool any_released = false;
  bool any_available = false;
  for (fund_index source : rule.sources) {
    const std::size_t f = position(source);
    if (funds[f].totals.released > money{}) any_released = true;
    money available = funds[f].totals.available();
    if (const auto pot = pot_of(rules.funds()[f], context)) available = min(available, pot_remaining(f, *pot, context));
    if (available > money{}) any_available = true;
  }
  if (!any_released) return outcome::not_released;
  if (!any_available) return outcome::fund_empty;
  return std::nullopt;
}

// Step 4: draw from the sources in order, each up to what it and the donation's pot have.
void engine::state::draw_from_sources(rule_run& run, const donation_context& context) {
  draws.clear();
  run.last_tried = position(run.rule.sources.front());
  for (fund_index source : run.rule.sources) {
    if (run.paid >= run.allowed) break;
    const std::size_t f = position(source);
    run.last_tried = f;
    money give = min(run.allowed - run.paid, funds[f].totals.available());
    const auto pot = pot_of(rules.funds()[f], context);
    if (pot) give = min(give, pot_remaining(f, *pot, context));
    if (give <= money{}) continue;
    draws.push_back({f, give, pot});
    run.paid += give;
  }
}

// Step 5: below the unlimited match, the outcome is partial with the first thing that cut it;
// with `partial: skip` nothing is drawn.
void engine::state::decide_partial(rule_run& run) {
  rule_evaluation& evaluation = run.evaluation;
  if (run.paid >= run.full) {
    evaluation.code = outcome::matched;
  } else {
    evaluation.code = outcome::partial;
    if (run.base_limit != nullptr && run.want < run.full) {
      evaluation.limit = run.base_limit->spec->id;
    } else if (run.match_limit != nullptr) {
      evaluation.limit = run.match_limit->spec->id;
    } else {
      evaluation.limit = rules.funds()[run.last_tried].id;
    }
    if (run.rule.partial == partial_mode::skip) {
      draws.clear();
      run.paid = money{};
    }
  }
  evaluation.paid = run.paid;
}

// Step 6: one ledger line per fund drawn; the first draw that leaves a fund empty with no
// release pending is its exhaustion (SPEC §4). A hold holds what it draws and keeps the line
// and its limit for its confirmation (SPEC §12).
void engine::state::commit_draws(const rule_run& run, const donation_run& d) {
  const rule_evaluation& evaluation = run.evaluation;
  for (const auto& drawn : draws) {
    if (d.holding) [[unlikely]] {
      hold_draw(evaluation, drawn.fund, drawn.amount, drawn.pot, d.e.time);
      continue;
    }
    funds.draw(drawn.fund, drawn.amount, drawn.pot, d.e.time);
    rule_running_totals[run.r] += drawn.amount;
    ledger_line& line = ledger.add(d.e.time, ledger_kind::match);
    line.event_id = d.id;
    line.donation_id = d.id;
    line.donor = d.donor_id;
    line.project = d.context.project;
    line.rule = evaluation.rule;
    line.fund = index_at<fund_index>(drawn.fund);
    line.amount = drawn.amount;
    line.limited_by = evaluation.code == outcome::partial ? evaluation.limit : std::string_view();
    donations.add_line({evaluation.rule, index_at<fund_index>(drawn.fund), drawn.amount}, drawn.pot);
  }
}

// Step 6, then: the caps are charged (match caps by paid, donation caps by the base used, count
// caps 1 when something was paid). Returns the base used.
money engine::state::charge_caps(const rule_run& run) {
  rule_charge charge;
  charge.rule = run.evaluation.rule;
  charge.first_counter = caps.next_charge();
  // All of the base when paid = want, else in proportion; a base clipped to a want of 0 is
  // charged whole with clip (SPEC §11.4).
  if (run.want.is_zero()) {
    charge.base_used = run.rule.partial == partial_mode::clip ? run.base : money{};
  } else {
    charge.base_used = run.paid == run.want ? run.base
                                            : floor_fraction(run.base, run.paid.minor_units(), run.want.minor_units());
  }
  charge.counted = run.paid > money{};
  for (const auto& cap : applied) {
    const std::int64_t amount =
        engine_detail::cap_book::amount_for(cap.spec->measure, run.paid, charge.base_used, charge.counted);
    // A counter charged nothing gets nothing back either (SPEC §6), so it is not kept.
    if (amount == 0) continue;
    caps.charge(cap.key, cap.counter, cap.spec->measure, amount);
    ++charge.counter_count;
  }
  if (charge.counter_count > 0) donations.add_charge(charge);
  return charge.base_used;
}

// cap_reached, not_released, fund_empty: nothing is drawn or charged.
void engine::state::stop_before_drawing(rule_run& run, const donation_run& d) {
  explain_caps(run, false, money{}, money{});
  keep_for_rematch(run, d, money{}, money{});
}

// A rule a rematch step names keeps what it paid short of want, for the close (SPEC §7).
void engine::state::keep_for_rematch(const rule_run& run, const donation_run& d, money paid_now, money base_used_now) {
  if (!plan.rematched[run.r] || paid_now >= run.want) return;
  rematch_candidate candidate;
  candidate.donation = d.position;
  candidate.rule = run.evaluation.rule;
  candidate.first_cap = rematch_caps.size();
  candidate.base0 = run.base0;
  candidate.want = run.want;
  candidate.paid = paid_now;
  candidate.own_base = base_used_now;
  candidate.used_ratio = run.used_ratio;
  for (const auto& cap : applied) {
    rematch_caps.push_back({cap.key.cap, cap.key, cap.limit});
    ++candidate.cap_count;
  }
  if (d.holding) [[unlikely]] {
    keep_held_candidate(candidate);  // a candidate once confirmed, in the order of confirmation
  } else {
    rematch_candidates.push_back(candidate);
  }
}

// With explain(true): every cap that applied, what it had and what it has after this rule.
void engine::state::explain_caps(rule_run& run, bool after_charging, money paid_now, money base_charged) {
  if (!explaining) return;
  for (const auto& cap : applied) {
    const std::int64_t used =
        after_charging ? engine_detail::cap_book::amount_for(cap.spec->measure, paid_now, base_charged, paid_now > money{})
                       : 0;
    run.evaluation.caps.push_back({index_at<cap_index>(cap.key.cap), cap.remaining, cap.remaining - used});
  }
}

}  // namespace matchfund
