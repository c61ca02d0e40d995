// SPEC §7: what each kind of close-out step gives each project: the weights of `proportional`
// and `quadratic`, Gitcoin's saturation, and the amounts of `fixed` and `challenge`.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "allocation.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

// The largest s with s * s <= n (n >= 0), by bisection: slow and plainly right.
cpp_int integer_square_root(const cpp_int& n) {
  cpp_int low = 0;
  cpp_int high = 1;
  while (high * high <= n) high *= 2;
  // low * low <= n < high * high
  while (high - low > 1) {
    const cpp_int middle = (low + high) / 2;
    if (middle * middle <= n) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

// floor(x) of an exact non-negative rational.
cpp_int floor_of(const cpp_rational& x) {
  return boost::multiprecision::numerator(x) / boost::multiprecision::denominator(x);
}

}  // namespace

// What a rule's match lines paid the project, net of their reversals (close-out not counted).
money model::rule_total(std::size_t rule, std::size_t project) const {
  money total;
  for (const std::string& id : donation_order_) {
    const donation_record& record = donations_.at(id);
    if (position(*record.donation.project) != project) continue;
    for (const rule_payment& payment : record.payments) {
      if (payment.rule != rule) continue;
      for (const match_line& line : payment.lines) total += line.amount - line.reversed;
    }
  }
  return total;
}

// rule.ID.qualifying and rule.ID.outside_windows, read off the outcome rows: each donation of the
// project (a hold once confirmed) whose row for the rule is past the precedence before the
// formula (qualifying) or is outside_window, not revoked by now; min(amount, matchable_max) less
// refunds in proportion, or the amount less refunds.
money model::marked_money(std::size_t rule, std::size_t project, field_kind kind) const {
  static const std::set<std::string> before_formula{"revoked",      "outside_campaign", "excluded", "outside_window",
                                                    "not_eligible", "below_minimum",    "not_drawn"};
  const rule_spec& spec = rules_.rules()[rule];
  money total;
  for (const outcome_row& row : outcomes_) {
    if (row.rule != spec.id) continue;
    const bool counts = kind == field_kind::rule_qualifying ? !before_formula.contains(row.outcome)
                                                            : row.outcome == "outside_window";
    const auto found = donations_.find(row.event_id);
    if (!counts || found == donations_.end()) continue;  // not a donation: a hold never confirmed
    const donation_record& record = found->second;
    if (position(*record.donation.project) != project || is_revoked(record.donation)) continue;
    const money amount = *record.donation.amount;
    const money net = amount - record.refunded;
    if (kind == field_kind::rule_outside_windows) {
      total += net;
    } else {
      const money base0 = spec.matchable_max ? min(amount, *spec.matchable_max) : amount;
      total += floor_fraction(base0, net.minor_units(), amount.minor_units());
    }
  }
  return total;
}

// A proportional weight: money in minor units, counts as they are; missing or negative, 0.
cpp_int model::weight_of(const closeout_spec& step, std::size_t project) const {
  const field_ref& field = *step.weight;
  std::int64_t w = 0;
  if (field.kind == field_kind::rule_total) {
    w = rule_total(field.index, project).minor_units();
  } else if (field.kind == field_kind::rule_qualifying || field.kind == field_kind::rule_outside_windows) {
    w = marked_money(field.index, project, field.kind).minor_units();
  } else {
    const field_reading reading = read_field(field, context{nullptr, project, nullptr});
    if (reading.scalar) {
      if (const auto* amount = std::get_if<money>(&*reading.scalar)) w = amount->minor_units();
      if (const auto* count = std::get_if<std::int64_t>(&*reading.scalar)) w = *count;
    }
  }
  return w < 0 ? cpp_int(0) : cpp_int(w);
}

// SPEC §7 quadratic: c_ij summed per donor and project over the donations that count;
// s_ij = isqrt(c_ij * scale); w_j = (sum_i s_ij)^2 - sum_i s_ij^2.
std::map<std::size_t, cpp_int> model::quadratic_weights(const closeout_spec& step,
                                                        const std::vector<std::size_t>& order,
                                                        const cpp_int& scale) const {
  const std::set<std::size_t> receiving(order.begin(), order.end());
  const campaign_spec& campaign = rules_.campaign();
  std::map<std::size_t, std::map<std::string, cpp_int>> contributions;
  for (const std::string& id : donation_order_) {
    const donation_record& record = donations_.at(id);
    const event& d = record.donation;
    const std::size_t p = position(*d.project);
    if (!receiving.contains(p)) continue;
    // A confirmed hold counts as a donation made at its confirm (SPEC §12 fine point 4).
    if (record.since < campaign.start || record.since >= campaign.end) continue;
    if (is_revoked(d)) continue;
    const money net = *d.amount - record.refunded;
    if (net <= money::zero()) continue;
    if (step.min_contribution && net < *step.min_contribution) continue;
    contributions[p][d.donor] += net.minor_units();
  }
  std::map<std::size_t, cpp_int> weights;
  for (const std::size_t p : order) {
    cpp_int sum = 0;
    cpp_int sum_of_squares = 0;
    for (const auto& entry : contributions[p]) {
      const cpp_int s = integer_square_root(entry.second * scale);
      sum += s;
      sum_of_squares += s * s;
    }
    weights[p] = sum * sum - sum_of_squares;
  }
  return weights;
}

// SPEC §7 `saturation: gitcoin`: Gitcoin's linear QF in units of 10^-12 minor units.
std::map<std::size_t, money> model::gitcoin(const closeout_spec& step, const std::vector<std::size_t>& order,
                                            money budget) const {
  const cpp_int unit = power_of_ten(12);
  const std::map<std::size_t, cpp_int> weights = quadratic_weights(step, order, unit);
  const cpp_int pot = cpp_int(budget.minor_units()) * unit;
  std::optional<cpp_int> cap;
  if (step.cap) cap = cpp_int(step.cap->minor_units()) * unit;
  if (step.max_share) {
    const cpp_int share = pot * step.max_share->millionths() / ratio_denominator;
    cap = cap ? std::min(*cap, share) : share;
  }
  cpp_int total = 0;
  for (const auto& entry : weights) total += entry.second;
  std::map<std::size_t, cpp_int> have;
  for (const std::size_t p : order) {
    const cpp_int& w = weights.at(p);
    if (total < pot) {
      have[p] = w;
    } else {
      have[p] = total == 0 ? cpp_int(0) : cpp_int(w * pot / total);
    }
  }
  if (cap) {
    for (;;) {
      // Those above the cap are set to it; the overflow goes to those strictly below it, in
      // proportion to what they have.
      cpp_int overflow = 0;
      for (const std::size_t p : order) {
        if (have[p] > *cap) {
          overflow += have[p] - *cap;
          have[p] = *cap;
        }
      }
      if (overflow == 0) break;
      cpp_int below = 0;
      for (const std::size_t p : order) {
        if (have[p] < *cap) below += have[p];
      }
      if (below == 0) break;
      std::map<std::size_t, cpp_int> extra;
      for (const std::size_t p : order) {
        if (have[p] < *cap) extra[p] = have[p] * overflow / below;
      }
      for (const auto& entry : extra) have[entry.first] += entry.second;
    }
  }
  std::map<std::size_t, money> amounts;
  for (const std::size_t p : order) amounts[p] = money_of(have[p] / unit);
  return amounts;
}

// `fixed`: every entry to its receivers (eligible projects it names whose `when` holds); an
// organization's or region's amount split by the allocation with weight 1 and no cap.
std::map<std::size_t, money> model::fixed_amounts(const closeout_spec& step,
                                                  const std::vector<std::size_t>& order) const {
  std::map<std::size_t, money> sums;
  for (const fixed_allocation& entry : step.amounts) {
    std::vector<std::size_t> targets;
    for (const std::size_t p : order) {
      const project_spec& project = rules_.projects()[p];
      bool named = false;
      switch (entry.target) {
        case fixed_target::project: named = p == entry.index; break;
        case fixed_target::organization: named = position(project.organization) == entry.index; break;
        case fixed_target::region: named = project.region && position(*project.region) == entry.index; break;
      }
      if (!named) continue;
      if (entry.when && !holds(*entry.when, context{nullptr, p, nullptr})) continue;
      targets.push_back(p);
    }
    if (targets.empty()) continue;
    if (entry.target == fixed_target::project) {
      sums[targets.front()] += entry.amount;
      continue;
    }
    std::vector<claim> claims;
    for (const std::size_t p : targets) claims.push_back({p, cpp_int(1), std::nullopt});
    for (const auto& share : share_out(entry.amount.minor_units(), claims)) sums[share.first] += money_of(share.second);
  }
  return sums;
}

// `challenge`: floor(min(pay.amount or pay.ratio * field, pay.cap) * factor), exactly.
std::map<std::size_t, money> model::challenge_amounts(const closeout_spec& step,
                                                      const std::vector<std::size_t>& order) const {
  const auto minor_of = [&](const field_reading& reading) -> std::optional<cpp_rational> {
    if (!reading.scalar) return std::nullopt;
    if (const auto* amount = std::get_if<money>(&*reading.scalar)) return cpp_rational(amount->minor_units());
    if (const auto* units = std::get_if<std::int64_t>(&*reading.scalar)) {
      return cpp_rational(money::from_units(*units, digits_).minor_units());
    }
    return std::nullopt;
  };
  std::map<std::size_t, money> amounts;
  for (const std::size_t p : order) {
    const context at{nullptr, p, nullptr};
    const cpp_rational field = minor_of(read_field(step.field, at)).value_or(cpp_rational(0));
    std::optional<cpp_rational> target;
    if (step.target) {
      target = cpp_rational(step.target->minor_units());
    } else {
      target = minor_of(read_field(*step.target_from, at));
    }
    if (!target) continue;  // no target: skipped
    cpp_rational pay_out = step.pay_amount
                               ? cpp_rational(step.pay_amount->minor_units())
                               : field * cpp_rational(step.pay_ratio->millionths(), ratio_denominator);
    if (step.pay_cap && pay_out > cpp_rational(step.pay_cap->minor_units())) {
      pay_out = cpp_rational(step.pay_cap->minor_units());
    }
    const bool met = *target <= 0 || field >= *target;
    cpp_rational factor = met ? 1 : 0;
    if (!step.all_or_nothing && !met) factor = field / *target;
    const cpp_rational amount = pay_out * factor;
    amounts[p] = amount <= 0 ? money::zero() : money_of(floor_of(amount));
  }
  return amounts;
}

}  // namespace matchfund::reference
