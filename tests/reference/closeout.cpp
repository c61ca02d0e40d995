// SPEC §7 and docs/semantics.md "Close-out": the close, then the close-out steps in file order,
// each taking its money from its funds (or from outside) and paying it out to projects.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "allocation.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/rounding.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

// `fixed` and `challenge` amounts, each at most the step's cap.
std::map<std::size_t, money> limit_by_cap(std::map<std::size_t, money> amounts, std::optional<money> cap) {
  if (cap) {
    for (auto& entry : amounts) entry.second = min(entry.second, *cap);
  }
  return amounts;
}

}  // namespace

// SPEC §12: the holds still open expire first; then SPEC §11.1: expiry and the pending
// releases, then settlement, then the close-out steps.
void model::close(timestamp t, const std::string& event_id) {
  expire_open_holds_at(t);
  closed_ = true;
  release_at_close(t);
  settle(t, event_id);
  run_closeout(t, event_id);
}

// The steps in file order, each on the state the earlier ones left.
void model::run_closeout(timestamp t, const std::string& event_id) {
  for (const closeout_spec& step : rules_.closeout()) {
    step_purse purse = take_money(step);
    if (step.kind == closeout_kind::rematch) {
      rematch(step, purse, t, event_id);
    } else {
      pay_step(step, purse, t, event_id);
    }
    record_step_money(purse);
  }
}

// A step of every kind but `rematch`: what each receiver gets, then the payouts.
void model::pay_step(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id) {
  const std::vector<std::size_t> order = receivers(step);
  const std::optional<money> cap = receiver_cap(step, purse.total);
  const auto pay_by_weight = [&](const std::map<std::size_t, cpp_int>& weights) {
    pay_all(purse, step, order, allocate_by_weight(purse.total, order, weights, cap), t, event_id);
  };
  switch (step.kind) {
    case closeout_kind::proportional: {
      std::map<std::size_t, cpp_int> weights;
      for (const std::size_t p : order) weights[p] = weight_of(step, p);
      pay_by_weight(weights);
      break;
    }
    case closeout_kind::equal: {
      std::map<std::size_t, cpp_int> weights;
      for (const std::size_t p : order) weights[p] = 1;
      pay_by_weight(weights);
      break;
    }
    case closeout_kind::quadratic:
      if (step.saturation == quadratic_saturation::normalize) {
        pay_by_weight(quadratic_weights(step, order, power_of_ten(24)));
      } else {
        pay_all(purse, step, order, gitcoin(step, order, purse.total), t, event_id);
      }
      break;
    case closeout_kind::fixed:
      pay_amounts_or_scale(purse, step, order, limit_by_cap(fixed_amounts(step, order), cap), t, event_id);
      break;
    case closeout_kind::challenge:
      pay_amounts_or_scale(purse, step, order, limit_by_cap(challenge_amounts(step, order), cap), t, event_id);
      break;
    case closeout_kind::rematch: break;
  }
}

// A step's funds are `from`, then every fund whose leftover names it (file order), each once;
// it takes all they have available, stopping at `budget` when one is given. With no funds,
// `budget` is money from outside.
step_purse model::take_money(const closeout_spec& step) const {
  step_purse purse;
  if (step.from) purse.funds.push_back(position(*step.from));
  for (const fund_index f : step.leftover_funds) {
    if (std::find(purse.funds.begin(), purse.funds.end(), position(f)) == purse.funds.end()) {
      purse.funds.push_back(position(f));
    }
  }
  if (purse.funds.empty()) {
    if (step.budget) {
      purse.outside = true;
      purse.outside_left = *step.budget;
      purse.total = *step.budget;
    }
    return purse;
  }
  for (const std::size_t f : purse.funds) {
    money take = max(money::zero(), funds_[f].available());
    if (step.budget) take = min(take, *step.budget - purse.total);
    purse.taken.push_back(take);
    purse.left.push_back(take);
    purse.total += take;
  }
  return purse;
}

// What a fund gave the step and got no payout for stays available; SPEC §11.19 reports it as
// unallocated from what each step took and paid.
void model::record_step_money(const step_purse& purse) {
  for (std::size_t i = 0; i < purse.funds.size(); ++i) {
    fund_state& fund = funds_[purse.funds[i]];
    fund.out_by_step.push_back(fund.paid_by_steps + purse.taken[i]);
    fund.paid_by_steps += purse.taken[i] - purse.left[i];
  }
}

// Every project not revoked that passes the step's `eligible` now, in id byte order.
std::vector<std::size_t> model::receivers(const closeout_spec& step) const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t p = 0; p < projects_.size(); ++p) {
    if (revoked_projects_.contains(p)) continue;
    if (!holds(step.eligible, context{nullptr, p, nullptr})) continue;
    by_id[project_id(p)] = p;
  }
  std::vector<std::size_t> order;
  for (const auto& entry : by_id) order.push_back(entry.second);
  return order;
}

// `cap`, floor(M * max_share), or the smaller of the two; M is what the step has.
std::optional<money> model::receiver_cap(const closeout_spec& step, money budget) const {
  std::optional<money> cap = step.cap;
  if (step.max_share) {
    const money share = floor_fraction(budget, step.max_share->millionths(), ratio_denominator);
    cap = cap ? min(*cap, share) : share;
  }
  return cap;
}

// One payout: drawn from the step's funds in order, each up to what the step took from it (one
// ledger line per fund), or from outside money.
void model::pay(step_purse& purse, const closeout_spec& step, std::size_t project, money amount, timestamp t,
                const std::string& event_id) {
  if (amount <= money::zero()) return;
  projects_[project].closeout += amount;
  if (purse.outside) {
    MATCHFUND_ASSERT(amount <= purse.outside_left, "a close-out payout beyond the step's budget");
    purse.outside_left -= amount;
    ledger_.push_back({t, "closeout", event_id, "", "", project_id(project), step.id, "", amount, "", ""});
    return;
  }
  money need = amount;
  for (std::size_t i = 0; i < purse.funds.size(); ++i) {
    const money give = min(need, purse.left[i]);
    if (give <= money::zero()) continue;
    purse.left[i] -= give;
    funds_[purse.funds[i]].closeout += give;
    need -= give;
    ledger_.push_back({t, "closeout", event_id, "", "", project_id(project), step.id, rules_.funds()[purse.funds[i]].id,
                       give, "", ""});
  }
  MATCHFUND_ASSERT(need.is_zero(), "a close-out payout beyond what the step took");
}

void model::pay_all(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
                    const std::map<std::size_t, money>& amounts, timestamp t, const std::string& event_id) {
  for (const std::size_t p : order) {
    const auto found = amounts.find(p);
    if (found != amounts.end()) pay(purse, step, p, found->second, t, event_id);
  }
}

// `fixed` and `challenge`: each project its amount, or, when the step has less than the sum of
// all, the allocation with weight = cap = each project's amount.
void model::pay_amounts_or_scale(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
                                 std::map<std::size_t, money> amounts, timestamp t, const std::string& event_id) {
  cpp_int sum = 0;
  // Added as cpp_int: GCC 12 warns falsely (array-bounds) on adding an int64 to it here.
  for (const auto& entry : amounts) sum += cpp_int(entry.second.minor_units());
  if (cpp_int(purse.total.minor_units()) < sum) {
    std::vector<claim> claims;
    for (const std::size_t p : order) {
      const auto found = amounts.find(p);
      if (found == amounts.end()) continue;
      claims.push_back({p, cpp_int(found->second.minor_units()), cpp_int(found->second.minor_units())});
    }
    amounts.clear();
    for (const auto& entry : share_out(purse.total.minor_units(), claims)) amounts[entry.first] = money_of(entry.second);
  }
  pay_all(purse, step, order, amounts, t, event_id);
}

}  // namespace matchfund::reference
