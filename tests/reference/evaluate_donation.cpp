// SPEC §5.2: one donation through every rule in file order. Each rule is checked, its formula
// gives a want, its caps and sources limit what it pays, and what it pays is drawn and charged.
#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/assert.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"
#include "matchfund/timestamp.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

// SPEC §5.4: the rule's draw for this donation, for one purpose.
std::uint64_t rule_draw(const campaign_spec& campaign, const rule_spec& rule, const event& d, std::string_view purpose,
                        std::uint64_t n) {
  MATCHFUND_ASSERT(campaign.seed.has_value(), "a random draw needs campaign.seed");
  return uniform_draw(*campaign.seed, rule.id, d.id, purpose, n);
}

}  // namespace

void model::donation(const event& e) {
  const std::size_t project = position(*e.project);
  donation_record& record = donations_[e.id];
  record.donation = e;
  record.since = e.time;
  donation_order_.push_back(e.id);
  const money matched_now = run_rules(record);
  // After all rules, the project's totals (SPEC §5.2).
  project_state& totals = projects_[project];
  totals.donations += 1;
  totals.donors.insert(e.donor);
  totals.raised += *e.amount;
  raised_log_[project].push_back({e.time, *e.amount});
  totals.matched += matched_now;
}

// Every rule in file order on a donation (or a hold, SPEC §12), one outcome row each; returns
// what they paid (or hold) in all.
money model::run_rules(donation_record& record) {
  std::map<std::size_t, money> paid_by_rule;
  bool paid_by_exclusive = false;
  money matched_now;
  for (std::size_t r = 0; r < rules_.rules().size(); ++r) {
    outcome_row row = evaluate(r, record, paid_by_rule, paid_by_exclusive, matched_now);
    if (rules_.rules()[r].exclusive && row.paid > money::zero()) paid_by_exclusive = true;
    outcomes_.push_back(std::move(row));
  }
  return matched_now;
}

// One rule on the donation, in the SPEC's order: each step either ends it with an outcome or
// passes what it found to the next.
outcome_row model::evaluate(std::size_t r, donation_record& record, std::map<std::size_t, money>& paid_by_rule,
                            bool already_paid_by_exclusive, money& matched_now) {
  const rule_spec& rule = rules_.rules()[r];
  const event& d = record.donation;
  const context at{&d, position(*d.project), &paid_by_rule, &rule};
  outcome_row row{d.id, rule.id, "", money::zero(), money::zero(), ""};
  const auto outcome = [&](std::string code) {
    row.outcome = std::move(code);
    return row;
  };

  if (auto stopped = stop_before_formula(rule, at, already_paid_by_exclusive)) return outcome(std::move(*stopped));
  const std::optional<formula_shape> shape = shape_of(rule, at);
  if (!shape) return outcome("no_tier");

  // Steps 1 and 2: the base and the want.
  const std::vector<applied_cap> caps = caps_of(r, at);
  const match_aim aim = aim_of(rule, d, *shape, caps);
  if (aim.full.is_zero()) return outcome("no_match");
  row.want = aim.want;
  rematch_memory* memory = remember_for_rematch(r, record, aim, *shape, caps);

  // Step 3: the caps.
  if (auto reached = reached_cap(caps)) {
    row.limited_by = *reached;
    return outcome("cap_reached:" + *reached);
  }
  const allowance allowed = clip_by_match_caps(aim.want, caps);

  // Step 4: the sources.
  if (auto short_of = sources_short(rule, d)) return outcome(std::move(*short_of));
  const source_draws drawn = draw_from_sources(rule, d, allowed.amount);
  const money paid = drawn.paid;

  // Step 5: the limit.
  std::string limit;
  if (paid < aim.full) {
    limit = limit_of(rule, aim, allowed);
    row.limited_by = limit;
    if (rule.partial == partial_mode::skip) {
      paid_by_rule[r] = money::zero();
      return outcome("partial:" + limit);
    }
  }

  // Step 6: commit.
  rule_payment payment;
  payment.rule = r;
  payment.want = aim.want;
  payment.paid = paid;
  payment.base_used =
      paid == aim.want ? aim.base : floor_fraction(aim.base, paid.minor_units(), aim.want.minor_units());
  payment.limit = limit;
  write_match_lines(payment, record, drawn.draws);
  charge_caps(payment, caps, memory);
  if (memory != nullptr) memory->paid = paid;
  record.payments.push_back(std::move(payment));
  paid_by_rule[r] = paid;
  matched_now += paid;
  row.paid = paid;
  return outcome(paid < aim.full ? "partial:" + limit : "matched");
}

// The outcomes that stop a rule before its formula, in the order of precedence: the first that
// applies, none when the rule goes on.
std::optional<std::string> model::stop_before_formula(const rule_spec& rule, const context& at,
                                                      bool already_paid_by_exclusive) const {
  const event& d = *at.donation;
  const campaign_spec& campaign = rules_.campaign();
  if (is_revoked(d)) return "revoked";
  if (closed_ || d.time < campaign.start || d.time >= campaign.end) return "outside_campaign";
  if (already_paid_by_exclusive) return "excluded";
  if (!rule.windows.empty() && !in_a_window(rule, d.time)) return "outside_window";
  if (!holds(rule.eligible, at)) return "not_eligible";
  if (rule.min_donation && *d.amount < *rule.min_donation) return "below_minimum";
  if (rule.chance && !rule.chance->is_drawn(rule_draw(campaign, rule, d, draw_for_probability, probability::denominator))) {
    return "not_drawn";
  }
  return std::nullopt;
}

bool model::in_a_window(const rule_spec& rule, timestamp t) const {
  for (const window_spec& window : rule.windows) {
    if (t < window.from || t >= window.to) continue;
    if (window.daily && !window.daily->contains_millisecond(local_millisecond_of_day(t, offset_))) continue;
    return true;
  }
  return false;
}

// The formula's shape for this donation: a ratio on the base, a fixed amount, or a ratio on an
// earlier match. None when a tiered formula has no tier that applies (`no_tier`).
std::optional<formula_shape> model::shape_of(const rule_spec& rule, const context& at) const {
  const event& d = *at.donation;
  const campaign_spec& campaign = rules_.campaign();
  formula_shape shape;
  if (const auto* fixed = std::get_if<fixed_ratio_formula>(&rule.match)) {
    shape.base_ratio = fixed->value;
  } else if (const auto* random = std::get_if<random_ratio_formula>(&rule.match)) {
    const std::uint64_t k = rule_draw(campaign, rule, d, draw_for_ratio, random->choices);
    shape.base_ratio = ratio::from_millionths(random->min.millionths() +
                                              static_cast<std::int64_t>(k) * random->step.millionths());
  } else if (const auto* tiered = std::get_if<tiered_ratio_formula>(&rule.match)) {
    shape.base_ratio = first_tier(*tiered, at);
    if (!shape.base_ratio) return std::nullopt;
  } else if (const auto* amount = std::get_if<fixed_amount_formula>(&rule.match)) {
    shape.fixed_amount = amount->value;
  } else if (const auto* random_amount = std::get_if<random_amount_formula>(&rule.match)) {
    const auto span = static_cast<std::uint64_t>((random_amount->max - random_amount->min).minor_units()) + 1;
    shape.fixed_amount =
        random_amount->min + money::from_minor(static_cast<std::int64_t>(rule_draw(campaign, rule, d, draw_for_amount, span)));
  } else if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
    shape.bonus_amount = bonus_of(rule, *bonus, at);
    if (!shape.bonus_amount) return std::nullopt;
  } else if (const auto* steps = std::get_if<stepped_ratio_formula>(&rule.match)) {
    shape.steps = steps;
    shape.rule_total = running_total(rule);
  } else if (const auto* recorded = std::get_if<recorded_ratio_formula>(&rule.match)) {
    shape.base_ratio = recorded_ratio(recorded->field, at);
  } else if (const auto* recorded_amount = std::get_if<recorded_amount_formula>(&rule.match)) {
    shape.fixed_amount = recorded_money(recorded_amount->field, at);
  }
  return shape;
}

// Where a stepped ratio stands: the rule's match lines in the ledger net of their reversals, and
// what open holds hold for it.
money model::running_total(const rule_spec& rule) const {
  money total;
  for (const ledger_row& row : ledger_) {
    if (row.rule == rule.id && (row.kind == "match" || row.kind == "reversal")) total += row.amount;
  }
  for (const auto& [id, hold] : holds_) {
    if (hold.state != hold_state::open) continue;
    for (const rule_payment& payment : hold.record.payments) {
      if (&rules_.rules()[payment.rule] != &rule) continue;
      for (const match_line& line : payment.lines) total += line.amount;
    }
  }
  return total;
}

// ratio_from, amount_from: the attribute as recorded; missing -> 0 (like max_from, SPEC §5.3).
ratio model::recorded_ratio(const field_ref& field, const context& at) const {
  const field_reading reading = read_field(field, at);
  if (!reading.scalar) return ratio::from_millionths(0);
  const auto* recorded = std::get_if<ratio>(&*reading.scalar);
  MATCHFUND_ASSERT(recorded != nullptr, "ratio_from reads a ratio attribute");
  return *recorded;
}

money model::recorded_money(const field_ref& field, const context& at) const {
  const field_reading reading = read_field(field, at);
  if (!reading.scalar) return money::zero();
  if (const auto* amount = std::get_if<money>(&*reading.scalar)) return *amount;
  MATCHFUND_ASSERT(false, "amount_from reads a money attribute");
  return money::zero();
}

std::optional<ratio> model::first_tier(const tiered_ratio_formula& tiered, const context& at) const {
  for (const ratio_tier& tier : tiered.tiers) {
    if (!tier.when || holds(*tier.when, at)) return tier.value;
  }
  return std::nullopt;
}

// ratio_of: the scale (plain or tiered) on what the earlier rule paid this donation, rounded;
// none when no tier applies.
std::optional<money> model::bonus_of(const rule_spec& rule, const bonus_formula& bonus, const context& at) const {
  std::optional<ratio> scale;
  if (const auto* plain = std::get_if<ratio>(&bonus.scale)) scale = *plain;
  if (const auto* tiers = std::get_if<tiered_ratio_formula>(&bonus.scale)) scale = first_tier(*tiers, at);
  if (!scale) return std::nullopt;
  const auto earlier = at.paid_by_rule->find(position(bonus.rule));
  const money earlier_paid = earlier == at.paid_by_rule->end() ? money::zero() : earlier->second;
  return round_product(earlier_paid, *scale, rule.round);
}

// A stepped ratio's match, read off the money-to-total curve: G(T), the donation money that takes
// the rule's total from 0 to T, grows by (length of a step) / (its ratio) per step. A donation of
// `base` at total P moves the total to the P' with G(P') = G(P) + base, and is matched P' - P,
// rounded once. (The last step may have ratio 0: the total then stops at its start.)
namespace {

money stepped_match(const stepped_ratio_formula& steps, money total, money base, rounding mode) {
  using rational = boost::multiprecision::cpp_rational;
  const rational start(total.minor_units());
  rational reached = start;  // P', found step by step
  rational money_left(base.minor_units());
  rational step_start(0);
  for (const ratio_step& step : steps.steps) {
    const rational r(step.value.millionths(), ratio_denominator);
    const rational from = std::max(step_start, start);
    if (!step.until) {
      reached = from + money_left * r;
      break;
    }
    const rational step_end(step.until->minor_units());
    step_start = step_end;
    if (from >= step_end) continue;
    const rational money_to_end = (step_end - from) / r;
    if (money_left <= money_to_end) {
      reached = from + money_left * r;
      break;
    }
    money_left -= money_to_end;
    reached = step_end;
  }
  const rational match = reached - start;
  boost::multiprecision::cpp_int whole = numerator(match) / denominator(match);
  const rational rest = match - rational(whole);
  if (mode == rounding::half_up && rest >= rational(1, 2)) whole += 1;
  if (mode == rounding::half_even && (rest > rational(1, 2) || (rest == rational(1, 2) && whole % 2 == 1))) whole += 1;
  if (whole > money_limit_minor) throw overflow_error("amount exceeds the money limit of 10^15 minor units");
  return money::from_minor(whole.convert_to<std::int64_t>());
}

}  // namespace

// Step 1: the base, clipped by donation caps (own, then shared); step 2: want (from the clipped
// base) and full (no limits).
match_aim model::aim_of(const rule_spec& rule, const event& d, const formula_shape& shape,
                        const std::vector<applied_cap>& caps) const {
  match_aim aim;
  aim.base0 = rule.matchable_max ? min(*d.amount, *rule.matchable_max) : *d.amount;
  aim.base = aim.base0;
  for (const applied_cap& cap : caps) {
    if (!cap.key || measure_of(cap) != cap_measure::donation) continue;
    const money remaining = money::from_minor(std::max<std::int64_t>(0, cap.max - used(cap)));
    if (aim.base > remaining) {
      aim.base = remaining;
      if (!aim.donation_cap_cut) aim.donation_cap_cut = cap_id(cap);
    }
  }
  if (shape.base_ratio) {
    aim.want = round_product(aim.base, *shape.base_ratio, rule.round);
    aim.full = round_product(aim.base0, *shape.base_ratio, rule.round);
  } else if (shape.steps != nullptr) {
    aim.want = stepped_match(*shape.steps, shape.rule_total, aim.base, rule.round);
    aim.full = stepped_match(*shape.steps, shape.rule_total, aim.base0, rule.round);
  } else if (shape.fixed_amount) {
    aim.want = aim.full = *shape.fixed_amount;
  } else {
    aim.want = aim.full = *shape.bonus_amount;
  }
  if (aim.want >= aim.full) aim.donation_cap_cut.reset();  // it clipped the base without changing the match
  return aim;
}

// What a rematch at the close will need (docs/semantics.md, `rematch`): from here on the rule
// evaluated the donation up to a want. None for a rule no rematch step names.
rematch_memory* model::remember_for_rematch(std::size_t rule, donation_record& record, const match_aim& aim,
                                            const formula_shape& shape, const std::vector<applied_cap>& caps) {
  if (!rematched_rules_.contains(rule)) return nullptr;
  rematch_memory* memory = &record.remembered[rule];
  *memory = rematch_memory{};
  memory->want = aim.want;
  memory->base0 = aim.base0;
  memory->used_ratio = shape.base_ratio;
  for (const applied_cap& cap : caps) {
    if (cap.key) memory->caps.push_back({cap.cap, *cap.key, measure_of(cap), cap.max, 0});
  }
  return memory;
}

// Step 3: cap_reached, in order: donation caps, count caps, match caps.
std::optional<std::string> model::reached_cap(const std::vector<applied_cap>& caps) const {
  for (const cap_measure measure : {cap_measure::donation, cap_measure::count, cap_measure::match}) {
    for (const applied_cap& cap : caps) {
      if (!cap.key || measure_of(cap) != measure) continue;
      if (used(cap) >= cap.max) return cap_id(cap);
    }
  }
  return std::nullopt;
}

// Step 3: the want, clipped by what each match cap has left.
allowance model::clip_by_match_caps(money want, const std::vector<applied_cap>& caps) const {
  allowance allowed{want, std::nullopt};
  for (const applied_cap& cap : caps) {
    if (!cap.key || measure_of(cap) != cap_measure::match) continue;
    const money remaining = money::from_minor(cap.max - used(cap));
    if (allowed.amount > remaining) {
      allowed.amount = remaining;
      if (!allowed.match_cap_cut) allowed.match_cap_cut = cap_id(cap);
    }
  }
  return allowed;
}

// Step 4: `not_released` when no source has released anything, else `fund_empty` when none has
// money this donation may use (its sub-budget counted); none when some source can give.
std::optional<std::string> model::sources_short(const rule_spec& rule, const event& d) const {
  bool any_released = false;
  bool any_available = false;
  for (const fund_index source : rule.sources) {
    const std::size_t f = position(source);
    if (funds_[f].released > money::zero()) any_released = true;
    if (min(funds_[f].available(), pot_remaining(f, d)) > money::zero()) any_available = true;
  }
  if (!any_released) return "not_released";
  if (!any_available) return "fund_empty";
  return std::nullopt;
}

// Step 4: the sources in order, each giving what it has (within the donation's sub-budget) until
// `allowed` is met.
source_draws model::draw_from_sources(const rule_spec& rule, const event& d, money allowed) const {
  source_draws drawn;
  money need = allowed;
  for (const fund_index source : rule.sources) {
    const std::size_t f = position(source);
    const money give = min(need, min(funds_[f].available(), pot_remaining(f, d)));
    if (give > money::zero()) drawn.draws.emplace_back(f, give);
    need -= give;
    drawn.paid += give;
  }
  return drawn;
}

// Step 5: what kept the match below full: the donation cap that cut the want, else the match cap
// that cut what was allowed, else the last source.
std::string model::limit_of(const rule_spec& rule, const match_aim& aim, const allowance& allowed) const {
  if (aim.donation_cap_cut) return *aim.donation_cap_cut;
  if (allowed.match_cap_cut) return *allowed.match_cap_cut;
  return rules_.funds()[position(rule.sources.back())].id;
}

// Step 6: one match line per draw, charged to the sub-budget of the donation's entity when the
// fund has sub-budgets; a donation's line is drawn and written to the ledger, a hold's is held
// (SPEC §12: no ledger line until its confirm).
void model::write_match_lines(rule_payment& payment, const donation_record& record,
                              const std::vector<std::pair<std::size_t, money>>& draws) {
  const rule_spec& rule = rules_.rules()[payment.rule];
  const event& d = record.donation;
  const std::size_t project = position(*d.project);
  for (const auto& [f, give] : draws) {
    fund_state& fund = funds_[f];
    (record.hold ? fund.held : fund.drawn) += give;
    const auto entity = pot_entity(rules_.funds()[f], d);
    if (entity) pot_used_[{f, *entity}] += give;
    payment.lines.push_back({f, give, money::zero(), entity});
    if (!record.hold) {
      ledger_.push_back({d.time, "match", d.id, d.id, d.donor, project_id(project), rule.id, rules_.funds()[f].id,
                         give, payment.limit, ""});
    }
    // SPEC §4, §12: the first draw or hold that leaves nothing available with no release pending.
    if (!fund.exhausted_at && fund.available().is_zero() &&
        fund.next_release >= rules_.funds()[f].releases.size()) {
      fund.exhausted_at = d.time;
    }
  }
}

// Step 6: every cap with a counter is charged by its measure: the match paid, the base used, or
// one donation; a rematch remembers what this donation holds on each.
void model::charge_caps(rule_payment& payment, const std::vector<applied_cap>& caps, rematch_memory* memory) {
  for (const applied_cap& cap : caps) {
    if (!cap.key) continue;
    std::int64_t charge = 0;
    switch (measure_of(cap)) {
      case cap_measure::match: charge = payment.paid.minor_units(); break;
      case cap_measure::donation: charge = payment.base_used.minor_units(); break;
      case cap_measure::count: charge = payment.paid > money::zero() ? 1 : 0; break;
    }
    if (charge == 0) continue;
    std::int64_t& counter = counters_[*cap.key];
    counter += charge;
    MATCHFUND_ASSERT(counter <= cap.max, "a cap went above its max");
    payment.charges.push_back({*cap.key, measure_of(cap), charge});
    if (memory != nullptr) {
      for (remembered_cap& remembered : memory->caps) {
        if (remembered.cap == cap.cap) remembered.own_charge = charge;
      }
    }
  }
}

}  // namespace matchfund::reference
