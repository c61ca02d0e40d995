// Close-out steps (SPEC §7): after settlement at the close, each step in file order takes its
// money, decides what every project gets, and pays it out as `closeout` ledger lines.
#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <numeric>

#include "engine/engine_state.hpp"
#include "matchfund/allocate.hpp"

namespace matchfund {

namespace {

using wide = boost::multiprecision::cpp_int;
using wide_rational = boost::multiprecision::cpp_rational;

wide floor_of(const wide_rational& r) {
  wide quotient, remainder;
  boost::multiprecision::divide_qr(numerator(r), denominator(r), quotient, remainder);
  if (remainder < 0) --quotient;  // divide_qr truncates toward zero
  return quotient;
}

money money_of(const wide& minor) {
  if (minor > wide(money_limit_minor) || minor < -wide(money_limit_minor)) {
    throw overflow_error("an amount exceeds the money limit of 10^15 minor units");
  }
  return money::from_minor(minor.convert_to<std::int64_t>());
}

// A field reading as an integer weight: money in minor units, counts as they are; anything else,
// missing or negative, 0 (SPEC §11.10).
wide weight_of(const field_reading& reading) {
  const auto* value_read = std::get_if<field_value>(&reading);
  if (value_read == nullptr) return 0;
  wide weight = 0;
  if (const auto* amount = std::get_if<money>(value_read)) weight = amount->minor_units();
  if (const auto* count = std::get_if<std::int64_t>(value_read)) weight = *count;
  return weight < 0 ? wide(0) : weight;
}

std::optional<money> money_in(const field_reading& reading) {
  const auto* value_read = std::get_if<field_value>(&reading);
  if (value_read == nullptr) return std::nullopt;
  if (const auto* amount = std::get_if<money>(value_read)) return *amount;
  return std::nullopt;
}

// Gitcoin's linear QF on weights in units of 10^-12 minor units (`unit`): each project has its
// share of the pool (all of its weight when the weights sum below it); what goes above the cap
// is spread over the projects below it in proportion to what they have, until none is above.
std::vector<money> gitcoin_amounts(const closeout_spec& step, const std::vector<wide>& weights, money budget, const wide& unit) {
  const wide pool = wide(budget.minor_units()) * unit;
  std::optional<wide> cap_units;
  if (step.cap) cap_units = wide(step.cap->minor_units()) * unit;
  if (step.max_share) {
    const wide share = pool * step.max_share->millionths() / ratio_denominator;  // floor: all >= 0
    cap_units = cap_units ? std::min(*cap_units, share) : share;
  }
  const wide total = std::accumulate(weights.begin(), weights.end(), wide(0));
  std::vector<wide> have(weights.size());
  for (std::size_t k = 0; k < weights.size(); ++k) {
    // T = 0 (no project with two donors) leaves every weight at 0, whatever the pool.
    have[k] = total < pool || total == 0 ? weights[k] : weights[k] * pool / total;
  }
  if (cap_units) {
    for (;;) {
      wide overflow = 0;
      for (wide& h : have) {
        if (h > *cap_units) {
          overflow += h - *cap_units;
          h = *cap_units;
        }
      }
      if (overflow == 0) break;
      wide below = 0;
      for (const wide& h : have) {
        if (h < *cap_units) below += h;
      }
      if (below == 0) break;
      // All shares computed from the same state, then added.
      std::vector<wide> extra(have.size());
      for (std::size_t k = 0; k < have.size(); ++k) {
        if (have[k] < *cap_units) extra[k] = have[k] * overflow / below;
      }
      for (std::size_t k = 0; k < have.size(); ++k) have[k] += extra[k];
    }
  }
  std::vector<money> amounts(weights.size());
  for (std::size_t k = 0; k < weights.size(); ++k) amounts[k] = money_of(have[k] / unit);
  return amounts;
}

}  // namespace

// The money of a step: what it takes from its funds (`from`, then every fund whose leftover
// names it, each once, in that order), at most `budget` of it; or `budget` alone, from outside.
struct engine::state::step_purse {
  struct part {
    std::size_t fund = 0;
    money taken;
    money given;
  };
  std::vector<part> parts;  // empty: outside money
  money total;              // M
  money given;
};

engine::state::step_purse engine::state::open_purse(const closeout_spec& step) {
  step_purse purse;
  std::vector<std::size_t> sources;
  if (step.from) sources.push_back(position(*step.from));
  for (fund_index f : step.leftover_funds) {
    if (std::find(sources.begin(), sources.end(), position(f)) == sources.end()) sources.push_back(position(f));
  }
  if (sources.empty()) {
    purse.total = step.budget.value_or(money{});
    return purse;
  }
  for (std::size_t f : sources) {
    money take = max(funds[f].totals.available(), money{});
    if (step.budget) take = min(take, *step.budget - purse.total);
    purse.parts.push_back({f, take, money{}});
    purse.total += take;  // beyond the money limit: overflow_error, named with the step (SPEC §11.13)
  }
  return purse;
}

// Pays `amount` to project `p` from the purse: its funds in order, one ledger line per fund.
void engine::state::pay_out(step_purse& purse, closeout_index step, project_index p, money amount, timestamp t,
                            std::string_view donation_id, std::string_view donor) {
  if (amount <= money{}) return;
  const auto line_for = [&](std::optional<fund_index> fund, money part) {
    ledger_line& line = ledger.add(t, ledger_kind::closeout);
    line.event_id = close_event_id;
    line.donation_id = donation_id;
    line.donor = donor;
    line.project = p;
    line.step = step;
    line.fund = fund;
    line.amount = part;
  };
  projects[position(p)].closeout += amount;
  purse.given += amount;
  if (purse.parts.empty()) {
    line_for(std::nullopt, amount);
    return;
  }
  money left = amount;
  for (auto& part : purse.parts) {
    const money give = min(left, part.taken - part.given);
    if (give <= money{}) continue;
    part.given += give;
    funds[part.fund].totals.closeout += give;
    line_for(index_at<fund_index>(part.fund), give);
    left -= give;
    if (left.is_zero()) break;
  }
  MATCHFUND_ASSERT(left.is_zero(), "a close-out payout beyond what its step took");
}

// What the step took and did not pay out stays available; SPEC §11.19 counts it once per fund
// over all steps.
void engine::state::close_purse(step_purse& purse) {
  for (const auto& part : purse.parts) {
    fund_state& fund = funds[part.fund];
    fund.closeout_peak = max(fund.closeout_peak, fund.closeout_given + part.taken);
    fund.closeout_given += part.given;
  }
}

bool engine::state::eligible_at_close(const condition& c, project_index p) const {
  const project_totals& totals = projects[position(p)];
  const auto holds_here = evaluate(c, [&](const field_ref& field) -> field_reading {
    if (field.kind == field_kind::fund_budget || field.kind == field_kind::fund_drawn ||
        field.kind == field_kind::fund_available) {
      return fields.read_fund_field(field);
    }
    return fields.read_project_field(field, p, totals);
  });
  return holds_here.value_or(false);
}

void engine::state::run_closeout(timestamp t) {
  // Projects take part in id byte order (SPEC §7): ties of the allocation go to the smaller id.
  std::vector<project_index> by_id(rules.projects().size());
  for (std::size_t p = 0; p < by_id.size(); ++p) by_id[p] = index_at<project_index>(p);
  std::sort(by_id.begin(), by_id.end(),
            [&](project_index a, project_index b) { return rules.project(a).id < rules.project(b).id; });

  for (std::size_t s = 0; s < rules.closeout().size(); ++s) {
    const closeout_spec& step = rules.closeout()[s];
    try {
      if (step.kind == closeout_kind::rematch) {
        run_rematch(step, index_at<closeout_index>(s), t);
        continue;
      }
      // The receivers: projects not revoked that pass the step's `eligible`, in id order.
      std::vector<project_index> receivers;
      for (project_index p : by_id) {
        if (revoked.cover_project(p)) continue;
        if (eligible_at_close(step.eligible, p)) receivers.push_back(p);
      }
      step_purse purse = open_purse(step);
      const std::vector<money> amounts = closeout_amounts(step, receivers, purse.total);
      for (std::size_t k = 0; k < receivers.size(); ++k) {
        pay_out(purse, index_at<closeout_index>(s), receivers[k], amounts[k], t, {}, {});
      }
      close_purse(purse);
    } catch (const overflow_error& problem) {
      throw overflow_error("close-out step " + step.id + ": " + problem.what());
    }
  }
  for (fund_state& fund : funds) fund.limit_unallocated();
}

// What a rematch aims at for one donation: the base re-clipped by its donation caps, the want
// recomputed from it, what is missing and what match caps allow of that.
struct engine::state::rematch_aim {
  money base, want, need, allowed;
};

// `rematch` (SPEC §7, §11.10): the rule's donations paid short of their want, oldest first, get
// another draw: donation caps re-clip the base without the donation's own charge (nothing left
// blocks it), want is recomputed from that base for ratio formulas, match caps clip, count caps
// block only donations paid nothing; pots and `partial` apply. The money comes from the step's
// funds when it has any, else from the rule's own sources.
void engine::state::run_rematch(const closeout_spec& step, closeout_index index, timestamp t) {
  const rule_index rule_id = *step.rule;
  const rule_spec& rule = rules.rule(rule_id);
  const bool own_sources = !step.from && step.leftover_funds.empty();
  step_purse purse = own_sources ? step_purse{} : open_purse(step);
  for (rematch_candidate& candidate : rematch_candidates) {
    if (candidate.rule != rule_id || !may_rematch(candidate, step)) continue;
    const auto aim = rematch_aim_of(candidate, rule);
    if (!aim) continue;
    const money got = draw_for_rematch(candidate, rule, own_sources ? nullptr : &purse, aim->allowed);
    if (got <= money{} || (rule.partial == partial_mode::skip && got < aim->need)) continue;
    write_rematch_lines(candidate, index, t, purse);
    charge_rematch(candidate, *aim, got);
  }
  if (!own_sources) close_purse(purse);
}

// Not refunded, none of its lines reversed, nothing of it revoked, its project eligible for the
// step and passing the rule's settle (the verdicts settlement reached at the close: the project's
// `when`, the donor's payments counted then).
bool engine::state::may_rematch(const rematch_candidate& candidate, const closeout_spec& step) const {
  const donation_record& donation = donations[candidate.donation];
  if (!donations.refunded_of(candidate.donation).is_zero()) return false;
  const index_range own_lines = donations.lines_of(donation);
  for (std::uint32_t l = own_lines.first; l < own_lines.first + own_lines.count; ++l) {
    if (donations.reversed_of(l) > money{}) return false;
  }
  if (revoked.cover(engine_detail::id_of(donation), ids.donor_name(donation.donor), donation.project)) return false;
  return eligible_at_close(step.eligible, donation.project) && !fails_settlement(candidate.rule, candidate.donation);
}

std::span<const engine_detail::rematch_cap> engine::state::caps_of(const rematch_candidate& candidate) const {
  return {rematch_caps.data() + candidate.first_cap, candidate.cap_count};
}

// nullopt when a cap blocks the donation, nothing is missing, or `partial: skip` cannot be met.
std::optional<engine::state::rematch_aim> engine::state::rematch_aim_of(const rematch_candidate& candidate,
                                                                        const rule_spec& rule) const {
  rematch_aim aim;
  aim.base = candidate.base0;
  money allowed_by_caps = money::from_minor(money_limit_minor);
  for (const rematch_cap& cap : caps_of(candidate)) {
    const std::int64_t counter = caps.charged_to(cap.key);
    switch (rules.caps()[cap.cap].measure) {
      case cap_measure::donation: {
        // Re-clipped without the donation's own charge (the evaluation's, or an earlier rematch's).
        const std::int64_t remaining = cap.limit - (counter - candidate.own_base.minor_units());
        if (remaining <= 0) return std::nullopt;
        aim.base = min(aim.base, money::from_minor(remaining));
        break;
      }
      case cap_measure::count:
        if (candidate.paid.is_zero() && cap.limit - counter <= 0) return std::nullopt;
        break;
      case cap_measure::match:
        allowed_by_caps = min(allowed_by_caps, money::from_minor(std::max<std::int64_t>(0, cap.limit - counter)));
        break;
    }
  }
  aim.want = candidate.used_ratio ? round_product(aim.base, *candidate.used_ratio, rule.round) : candidate.want;
  aim.need = aim.want - candidate.paid;
  if (aim.need <= money{}) return std::nullopt;
  aim.allowed = min(aim.need, allowed_by_caps);
  if (aim.allowed <= money{} || (rule.partial == partial_mode::skip && aim.allowed < aim.need)) return std::nullopt;
  return aim;
}

// The draws (into `draws`): the step's funds, what it took of each, or without a purse the
// rule's sources, what they have available; each within the donation's pot. Returns the total.
money engine::state::draw_for_rematch(const rematch_candidate& candidate, const rule_spec& rule,
                                      const step_purse* purse, money allowed) {
  const donation_record& donation = donations[candidate.donation];
  const donation_context context{nullptr, donation.donor, donation.project, &projects[position(donation.project)],
                                 nullptr};
  draws.clear();
  money got;
  const auto try_fund = [&](std::size_t f, money can_give) {
    if (got >= allowed) return;
    money give = min(allowed - got, can_give);
    const auto pot = pot_of(rules.funds()[f], context);
    if (pot) give = min(give, pot_remaining(f, *pot, context));
    if (give <= money{}) return;
    draws.push_back({f, give, pot});
    got += give;
  };
  if (purse == nullptr) {
    for (fund_index source : rule.sources) try_fund(position(source), funds[position(source)].totals.available());
  } else {
    for (const auto& part : purse->parts) try_fund(part.fund, part.taken - part.given);
  }
  return got;
}

// A close-out line per fund drawn, with the donation's id, donor and project.
void engine::state::write_rematch_lines(const rematch_candidate& candidate, closeout_index index, timestamp t,
                                        step_purse& purse) {
  const donation_record& donation = donations[candidate.donation];
  money got;
  for (const auto& d : draws) {
    ledger_line& line = ledger.add(t, ledger_kind::closeout);
    line.event_id = close_event_id;
    line.donation_id = engine_detail::id_of(donation);
    line.donor = ids.donor_name(donation.donor);
    line.project = donation.project;
    line.step = index;
    line.fund = index_at<fund_index>(d.fund);
    line.amount = d.amount;
    funds[d.fund].totals.closeout += d.amount;
    if (d.pot) funds[d.fund].pot_used[*d.pot] += d.amount;
    for (auto& part : purse.parts) {
      if (part.fund == d.fund) part.given += d.amount;
    }
    got += d.amount;
  }
  projects[position(donation.project)].closeout += got;
  purse.given += got;
}

// Charge the caps: match caps by what was paid now; donation caps hold the base now used in
// place of the donation's own charge; count caps 1 for a donation paid nothing before. The
// donation's stored charge for the rule is kept up to date: a later refund gives back what it says.
void engine::state::charge_rematch(rematch_candidate& candidate, const rematch_aim& aim, money got) {
  const money paid_total = candidate.paid + got;
  const money base_used =
      paid_total == aim.want ? aim.base : floor_fraction(aim.base, paid_total.minor_units(), aim.want.minor_units());
  for (const rematch_cap& cap : caps_of(candidate)) {
    const std::int64_t delta = engine_detail::cap_book::amount_for(rules.caps()[cap.cap].measure, got,
                                                                   base_used - candidate.own_base, candidate.paid.is_zero());
    if (delta != 0) caps.adjust(cap.key, delta);
  }
  const index_range own_charges = donations.charges_of(donations[candidate.donation]);
  for (std::uint32_t c = own_charges.first; c < own_charges.first + own_charges.count; ++c) {
    if (donations.charge(c).rule == candidate.rule) donations.charge(c).base_used = base_used;
  }
  candidate.paid = paid_total;
  candidate.own_base = base_used;
}

// The per-project cap of a step: `cap`, `floor(M × max_share)`, the smaller of the two.
std::optional<money> engine::state::step_cap(const closeout_spec& step, money budget) const {
  std::optional<money> cap = step.cap;
  if (step.max_share) {
    const money share = round_product(budget, *step.max_share, rounding::floor);
    cap = cap ? min(*cap, share) : share;
  }
  return cap;
}

std::vector<money> engine::state::closeout_amounts(const closeout_spec& step, std::span<const project_index> receivers,
                                                   money budget) {
  const std::optional<money> cap = step_cap(step, budget);
  const std::vector<std::optional<money>> limits(receivers.size(), cap);
  std::vector<wide> weights(receivers.size());
  switch (step.kind) {
    case closeout_kind::proportional: {
      const field_kind kind = step.weight->kind;
      const bool by_rule = is_rule_weight(kind);
      const auto rule = index_at<rule_index>(step.weight->index);
      const std::vector<money> rule_totals = kind == field_kind::rule_total ? net_paid_by_project(rule)
                                             : by_rule                     ? marked_money_by_project(rule, kind)
                                                                           : std::vector<money>();
      for (std::size_t k = 0; k < receivers.size(); ++k) {
        const std::size_t p = position(receivers[k]);
        weights[k] = by_rule ? wide(std::max<std::int64_t>(0, rule_totals[p].minor_units()))
                             : weight_of(fields.read_project_field(*step.weight, receivers[k], projects[p]));
      }
      return allocate(budget, weights, limits).amounts;
    }
    case closeout_kind::equal:
      std::fill(weights.begin(), weights.end(), wide(1));
      return allocate(budget, weights, limits).amounts;
    case closeout_kind::quadratic: return quadratic_amounts(step, receivers, budget, cap);
    case closeout_kind::fixed: return scale_when_short(fixed_amounts(step, receivers), budget, cap);
    case closeout_kind::challenge: return scale_when_short(challenge_amounts(step, receivers), budget, cap);
    case closeout_kind::rematch: break;
  }
  return std::vector<money>(receivers.size());
}

// Fixed and challenge amounts: paid as they are (within the cap) when the money suffices, else
// scaled by the allocation with weight = cap = amount (SPEC §7).
std::vector<money> engine::state::scale_when_short(std::vector<money> amounts, money budget,
                                                   const std::optional<money>& cap) {
  if (cap) {
    for (money& amount : amounts) amount = min(amount, *cap);
  }
  wide total = 0;
  for (const money& amount : amounts) total += amount.minor_units();
  if (total <= wide(budget.minor_units())) return amounts;
  std::vector<wide> weights;
  std::vector<std::optional<money>> limits;
  for (const money& amount : amounts) {
    weights.emplace_back(amount.minor_units());
    limits.emplace_back(amount);
  }
  return allocate(budget, weights, limits).amounts;
}

// `fixed`: each entry's amount to its project, or split over its organization's or region's
// receivers whose `when` holds, with weight 1 (SPEC §7). Several entries for one project add up.
std::vector<money> engine::state::fixed_amounts(const closeout_spec& step, std::span<const project_index> receivers) {
  std::vector<money> amounts(receivers.size());
  for (const fixed_allocation& entry : step.amounts) {
    std::vector<std::size_t> targets;  // positions in receivers
    for (std::size_t k = 0; k < receivers.size(); ++k) {
      const project_spec& project = rules.project(receivers[k]);
      bool in_target = false;
      switch (entry.target) {
        case fixed_target::project: in_target = position(receivers[k]) == entry.index; break;
        case fixed_target::organization: in_target = position(project.organization) == entry.index; break;
        case fixed_target::region: in_target = project.region && position(*project.region) == entry.index; break;
      }
      if (in_target && (!entry.when || eligible_at_close(*entry.when, receivers[k]))) targets.push_back(k);
    }
    if (targets.empty()) continue;  // nobody to receive it: it stays with the step's funds
    const std::vector<wide> ones(targets.size(), wide(1));
    const auto split = allocate(entry.amount, ones);
    for (std::size_t i = 0; i < targets.size(); ++i) amounts[targets[i]] += split.amounts[i];
  }
  return amounts;
}

// `challenge`: pay = min(pay.amount or pay.ratio × field, pay.cap), times min(1, field / target)
// unless all or nothing (then only when the target is met), floored once (SPEC §7).
std::vector<money> engine::state::challenge_amounts(const closeout_spec& step,
                                                    std::span<const project_index> receivers) {
  std::vector<money> amounts(receivers.size());
  for (std::size_t k = 0; k < receivers.size(); ++k) {
    const std::size_t p = position(receivers[k]);
    const auto field = money_in(fields.read_project_field(step.field, receivers[k], projects[p]));
    std::optional<money> target = step.target;
    if (step.target_from) target = money_in(fields.read_project_field(*step.target_from, receivers[k], projects[p]));
    if (!target) continue;  // no target: skipped
    const wide_rational field_value_now(field.value_or(money{}).minor_units());
    wide_rational pay = step.pay_amount ? wide_rational(step.pay_amount->minor_units())
                                        : field_value_now * wide_rational(step.pay_ratio->millionths(), ratio_denominator);
    if (step.pay_cap) pay = std::min(pay, wide_rational(step.pay_cap->minor_units()));
    if (target->minor_units() > 0) {
      const wide_rational reached = field_value_now / wide_rational(target->minor_units());
      if (step.all_or_nothing) {
        if (reached < 1) pay = 0;
      } else if (reached < 1) {
        pay *= reached;
      }
    }
    amounts[k] = pay > 0 ? money_of(floor_of(pay)) : money{};
  }
  return amounts;
}

// What each rule paid each project, net of reversals: the `rule.ID.total` weight.
std::vector<money> engine::state::net_paid_by_project(rule_index rule) const {
  std::vector<money> totals(rules.projects().size());
  for (const payment_record& payment : donations.payments()) {
    const std::size_t p = position(donations[payment.donation].project);
    for (std::uint32_t l = payment.first_line; l < payment.first_line + payment.line_count; ++l) {
      const match_record& line = donations.line(l);
      if (line.rule == rule) totals[p] += line.amount - donations.reversed_of(l);
    }
  }
  return totals;
}

// rule.ID.qualifying: per project, min(amount, matchable_max) of each donation the rule took up
// to its formula, less refunds in proportion; rule.ID.outside_windows: the net amount of each it
// found outside its windows. Holds count once confirmed; revoked donations, donors and projects
// count nothing.
std::vector<money> engine::state::marked_money_by_project(rule_index rule, field_kind kind) const {
  const rule_spec& spec = rules.rule(rule);
  const bool qualifying = kind == field_kind::rule_qualifying;
  const auto marked_kind =
      static_cast<std::size_t>(qualifying ? plan.qualifying_kind[position(rule)] : plan.outside_kind[position(rule)]);
  std::vector<money> totals(rules.projects().size());
  const std::uint32_t end = std::min(marks.end_of(marked_kind), donations.size());
  for (std::uint32_t d = 0; d < end; ++d) {
    if (!marks.marked(marked_kind, d)) continue;
    const donation_record& donation = donations[d];
    if (donation.pending_hold) continue;  // a hold cancelled or expired, or still open
    if (revoked.cover(engine_detail::id_of(donation), ids.donor_name(donation.donor), donation.project)) continue;
    const money net = donation.amount - donations.refunded_of(d);
    const money base0 = spec.matchable_max ? min(donation.amount, *spec.matchable_max) : donation.amount;
    totals[position(donation.project)] +=
        qualifying ? floor_fraction(base0, net.minor_units(), donation.amount.minor_units()) : net;
  }
  return totals;
}

// `quadratic`: each donor's counted net gifts per project c_ij; s_ij = isqrt(c_ij × 10^k);
// w_j = (Σ_i s_ij)² − Σ_i s_ij². normalize allocates M by w; gitcoin runs Gitcoin's linear QF in
// units of 10^-12 minor units (SPEC §7).
std::vector<money> engine::state::quadratic_amounts(const closeout_spec& step, std::span<const project_index> receivers,
                                                    money budget, const std::optional<money>& cap) {
  std::vector<std::int64_t> slot(rules.projects().size(), -1);  // project -> position in receivers
  for (std::size_t k = 0; k < receivers.size(); ++k) slot[position(receivers[k])] = static_cast<std::int64_t>(k);
  const bool gitcoin = step.saturation == quadratic_saturation::gitcoin;
  const wide scale = gitcoin ? wide("1000000000000") : wide("1000000000000000000000000");
  std::vector<wide> sum_s(receivers.size()), sum_s2(receivers.size());
  for (const auto& [key, c] : quadratic_contributions(step, slot)) {  // sums: the order of the map cannot matter
    const auto k = static_cast<std::size_t>(slot[key >> 32]);
    const wide s = boost::multiprecision::sqrt(wide(c.minor_units()) * scale);
    sum_s[k] += s;
    sum_s2[k] += s * s;
  }
  std::vector<wide> weights(receivers.size());
  for (std::size_t k = 0; k < receivers.size(); ++k) weights[k] = sum_s[k] * sum_s[k] - sum_s2[k];
  if (gitcoin) return gitcoin_amounts(step, weights, budget, scale);
  const std::vector<std::optional<money>> limits(receivers.size(), cap);
  return allocate(budget, weights, limits).amounts;
}

// c_ij, keyed project << 32 | donor: the net gifts made inside the campaign to the projects with
// a slot, not revoked, each at least the step's min_contribution.
boost::unordered_flat_map<std::uint64_t, money> engine::state::quadratic_contributions(
    const closeout_spec& step, const std::vector<std::int64_t>& slot) const {
  boost::unordered_flat_map<std::uint64_t, money> contributions;
  for (std::uint32_t k = 0; k < donations.size(); ++k) {
    const donation_record& donation = donations[k];
    if (!donation.inside_campaign || slot[position(donation.project)] < 0) continue;
    if (revoked.cover_donation_or_donor(engine_detail::id_of(donation), ids.donor_name(donation.donor))) continue;
    const money net = donation.amount - donations.refunded_of(k);
    if (step.min_contribution && net < *step.min_contribution) continue;
    if (net <= money{}) continue;
    contributions[static_cast<std::uint64_t>(position(donation.project)) << 32 | donation.donor] += net;
  }
  return contributions;
}

}  // namespace matchfund
