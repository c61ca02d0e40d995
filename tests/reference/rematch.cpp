// docs/semantics.md, `rematch`: at the close, a step pays the donations that a rule evaluated up
// to a want and paid less than it what is left of the want, as far as their caps and its money
// allow, in processing order.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/assert.hpp"
#include "matchfund/rounding.hpp"
#include "model_state.hpp"

namespace matchfund::reference {

void model::rematch(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id) {
  const std::size_t r = position(*step.rule);
  const rule_spec& rule = rules_.rules()[r];
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    const auto found = record.remembered.find(r);
    if (found == record.remembered.end()) continue;
    rematch_memory& memory = found->second;
    if (!may_rematch(step, record, memory)) continue;
    const std::optional<money> base = rematch_base(memory);
    if (!base) continue;
    // want: recomputed from that base with the ratio the evaluation used, else as recorded.
    const money want = memory.used_ratio ? round_product(*base, *memory.used_ratio, rule.round) : memory.want;
    const money whole_aim = want - memory.paid;
    const std::optional<money> aim = rematch_aim(memory, whole_aim);
    if (!aim) continue;
    const rematch_draws drawn = draw_for_rematch(rule, purse, record.donation, *aim);
    if (rule.partial == partial_mode::skip && drawn.paid < whole_aim) continue;
    if (drawn.paid.is_zero()) continue;
    write_rematch_lines(step, purse, record.donation, drawn, t, event_id);
    charge_rematch(memory, *base, want, drawn.paid);
  }
}

// Evaluated up to a want and paid less than it. Skipped: any refund, any match line reversed,
// revoked, or the project fails the step's eligible or the rule's settle (its `when` or its donor's
// payments).
bool model::may_rematch(const closeout_spec& step, const donation_record& record,
                        const rematch_memory& memory) const {
  const std::size_t project = position(*record.donation.project);
  if (memory.paid >= memory.want) return false;
  if (record.refunded > money::zero()) return false;
  for (const rule_payment& payment : record.payments) {
    for (const match_line& line : payment.lines) {
      if (line.reversed > money::zero()) return false;
    }
  }
  if (is_revoked(record.donation)) return false;
  if (!holds(step.eligible, context{nullptr, project, nullptr})) return false;
  return !settle_fails_[position(*step.rule)][project] && !settle_payments_fail(record, position(*step.rule));
}

// Donation caps re-clip min(amount, matchable_max) to their limit minus their counter without
// this donation's own charge; one with nothing left blocks the donation (none).
std::optional<money> model::rematch_base(const rematch_memory& memory) const {
  money base = memory.base0;
  for (const remembered_cap& cap : memory.caps) {
    if (cap.measure != cap_measure::donation) continue;
    const std::int64_t left = cap.max - (count_of(cap.key) - cap.own_charge);
    if (left <= 0) return std::nullopt;
    base = min(base, money::from_minor(left));
  }
  return base;
}

// Match caps clip the aim; count caps with nothing left block a donation paid nothing. None when
// blocked or nothing is left to aim at.
std::optional<money> model::rematch_aim(const rematch_memory& memory, money whole_aim) const {
  money aim = whole_aim;
  bool blocked = false;
  for (const remembered_cap& cap : memory.caps) {
    if (cap.measure == cap_measure::match) {
      const std::int64_t left = std::max<std::int64_t>(0, cap.max - count_of(cap.key));
      aim = min(aim, money::from_minor(left));
    }
    if (cap.measure == cap_measure::count && memory.paid.is_zero() && count_of(cap.key) >= cap.max) blocked = true;
  }
  if (blocked || aim <= money::zero()) return std::nullopt;
  return aim;
}

// The draws: the step's funds (what it took, in order) or else the rule's sources (their
// available), each limited by the donation's pot.
rematch_draws model::draw_for_rematch(const rule_spec& rule, const step_purse& purse, const event& d,
                                      money aim) const {
  const bool step_funds = !purse.funds.empty();
  rematch_draws drawn;
  drawn.funds = purse.funds;
  if (!step_funds) {
    for (const fund_index source : rule.sources) drawn.funds.push_back(position(source));
  }
  money need = aim;
  for (std::size_t i = 0; i < drawn.funds.size(); ++i) {
    const std::size_t f = drawn.funds[i];
    const money has = step_funds ? purse.left[i] : funds_[f].available();
    const money give = min(need, min(has, pot_remaining(f, d)));
    if (give <= money::zero()) continue;
    drawn.draws.emplace_back(i, give);
    need -= give;
    drawn.paid += give;
  }
  return drawn;
}

// One close-out line per draw, naming the donation; the step's money or the source pays it.
void model::write_rematch_lines(const closeout_spec& step, step_purse& purse, const event& d,
                                const rematch_draws& drawn, timestamp t, const std::string& event_id) {
  const bool step_funds = !purse.funds.empty();
  const std::size_t project = position(*d.project);
  for (const auto& draw : drawn.draws) {
    const std::size_t i = draw.first;
    const money give = draw.second;
    const std::size_t f = drawn.funds[i];
    if (step_funds) purse.left[i] -= give;
    funds_[f].closeout += give;
    const auto entity = pot_entity(rules_.funds()[f], d);
    if (entity) pot_used_[{f, *entity}] += give;
    projects_[project].closeout += give;
    ledger_.push_back({t, "closeout", event_id, d.id, d.donor, project_id(project), step.id, rules_.funds()[f].id,
                       give, "", ""});
  }
}

// The caps are charged: match caps by the payout; donation caps so that the charge becomes
// base (the want is reached) or floor(base * paid / want); count caps 1 for a donation paid
// nothing before.
void model::charge_rematch(rematch_memory& memory, money base, money want, money paid_now) {
  const money paid_before = memory.paid;
  memory.paid += paid_now;
  for (remembered_cap& cap : memory.caps) {
    std::int64_t charge = cap.own_charge;
    switch (cap.measure) {
      case cap_measure::match: charge += paid_now.minor_units(); break;
      case cap_measure::donation:
        charge = (memory.paid == want ? base : floor_fraction(base, memory.paid.minor_units(), want.minor_units()))
                     .minor_units();
        break;
      case cap_measure::count:
        if (paid_before.is_zero()) charge = 1;
        break;
    }
    std::int64_t& value = counters_[cap.key];
    value += charge - cap.own_charge;
    MATCHFUND_ASSERT(value <= cap.max, "a rematch took a cap above its max");
    cap.own_charge = charge;
  }
}

}  // namespace matchfund::reference
