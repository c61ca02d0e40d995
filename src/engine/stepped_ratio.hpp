// The match of a stepped ratio (rules `ratio: {steps: [...]}`, docs/semantics.md "Stepped
// ratios"): the donation's base is matched at each step's ratio while the rule's total is below
// that step's `until`, and a base that straddles a boundary is split there exactly. The sum is
// kept exact (where a boundary falls inside a donation, the parts matched on either side need
// not be whole minor units) and rounded once, by the rule's rounding.
#ifndef MATCHFUND_ENGINE_STEPPED_RATIO_HPP
#define MATCHFUND_ENGINE_STEPPED_RATIO_HPP

#include <boost/multiprecision/cpp_int.hpp>

#include "matchfund/money.hpp"
#include "matchfund/rounding.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::engine_detail {

// `total`: the rule's total before this donation (its match lines net of reversals, plus what
// open holds hold). Throws overflow_error beyond the money limit.
inline money stepped_match(money base, money total, const stepped_ratio_formula& formula, rounding mode) {
  using rational = boost::multiprecision::cpp_rational;
  rational left(base.minor_units());  // the part of the base not matched at a step yet
  rational at(total.minor_units());   // the rule's total as the steps count it
  rational match(0);
  for (const ratio_step& step : formula.steps) {
    if (left == 0) break;
    const rational r(step.value.millionths(), ratio_denominator);
    if (!step.until) {
      match += left * r;
      break;
    }
    const rational until(step.until->minor_units());
    if (at >= until) continue;
    const rational room = until - at;  // what this step may still pay (its ratio is above 0)
    if (left * r <= room) {
      match += left * r;
      break;
    }
    match += room;
    left -= room / r;
    at = until;
  }
  const boost::multiprecision::cpp_int whole = numerator(match) / denominator(match);  // both >= 0: floor
  const boost::multiprecision::cpp_int twice_rest = 2 * (numerator(match) - whole * denominator(match));
  boost::multiprecision::cpp_int rounded = whole;
  if (mode != rounding::floor && twice_rest != 0) {
    const int side = twice_rest.compare(denominator(match));
    if (side > 0 || (side == 0 && (mode == rounding::half_up || whole % 2 != 0))) rounded += 1;
  }
  if (rounded > money_limit_minor) throw overflow_error("amount exceeds the money limit of 10^15 minor units");
  return money::from_minor(rounded.convert_to<std::int64_t>());
}

}  // namespace matchfund::engine_detail

#endif
