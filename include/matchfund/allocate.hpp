// Dividing a budget over receivers by weight, with caps (SPEC §7): the allocation every
// close-out kind uses (proportional, equal, quadratic with normalize, fixed and challenge when
// funds are short). Exact: every share is compared and divided in integer arithmetic of the
// weights' own type, which the caller chooses wide enough for M·w and c·W (see allocate()):
// std::int64_t for small counts, boost::multiprecision::cpp_int for quadratic weights, which
// overflow 128 bits on national data (matchfund's close-out uses that). The header itself needs
// nothing beyond the standard library.
//
//   std::vector<std::int64_t> weights = {5, 3, 2};
//   std::vector<std::optional<matchfund::money>> caps(3, matchfund::money::from_minor(4000));
//   auto result = matchfund::allocate(matchfund::money::from_minor(10000), weights, caps);
//   // result.amounts: 40.00, 36.00, 24.00; result.unallocated: 0
//
// The algorithm (SPEC §7), over receivers given in id byte order:
//   1. A = receivers with weight > 0. With W = Σ_A w, share_j = M·w_j / W exactly; every j whose
//      share reaches its cap gets exactly its cap and leaves A, M shrinks by those caps; repeat.
//   2. Else each j in A gets floor(share_j), and the R units left go one each to the R receivers
//      with the largest remainders (M·w_j mod W), ties to the larger weight, then the earlier
//      receiver (the smaller id).
//   3. What no receiver can take (A empty: no positive weight, or everyone capped) is unallocated.
//
// Guarantees (tested on random inputs against an exact-rational model):
//   - amounts sum to the budget, unless every receiver with weight > 0 ended at its cap;
//   - nobody gets more than its cap, and nobody with weight 0 gets anything;
//   - each amount is within one minor unit of the exact capped share (water filling);
//   - more weight never receives less: w_a > w_b and cap_a >= cap_b (or a uncapped) give
//     amount_a >= amount_b; equal weights and caps differ by at most the unit a tie gives to
//     the earlier receiver;
//   - the result depends on the order of receivers only through ties of weight and remainder.
#ifndef MATCHFUND_ALLOCATE_HPP
#define MATCHFUND_ALLOCATE_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "matchfund/money.hpp"

namespace matchfund {

struct allocation_result {
  std::vector<money> amounts;  // per receiver, in the order given
  money unallocated;           // budget − Σ amounts
};

namespace detail {

// Receiver j's cap; nullopt when nobody is capped (`caps` empty) or j is not.
inline const std::optional<money>& cap_of(std::span<const std::optional<money>> caps, std::size_t j) {
  static const std::optional<money> uncapped;
  return caps.empty() ? uncapped : caps[j];
}

inline void check_allocation_arguments(money budget, std::size_t receiver_count,
                                       std::span<const std::optional<money>> caps) {
  if (budget < money{}) throw std::invalid_argument("allocate: the budget is negative");
  if (!caps.empty() && caps.size() != receiver_count) {
    throw std::invalid_argument("allocate: caps and weights differ in number");
  }
  for (std::size_t j = 0; j < receiver_count; ++j) {
    if (cap_of(caps, j) && *cap_of(caps, j) < money{}) throw std::invalid_argument("allocate: a cap is negative");
  }
}

// W = Σ w_j over the receivers of `active`.
template <class Weight>
Weight total_weight(std::span<const Weight> weights, const std::vector<std::size_t>& active) {
  Weight total = 0;
  for (std::size_t j : active) total += weights[j];
  return total;
}

// Step 1: every receiver of `active` whose exact share of `left` reaches its cap gets exactly its
// cap and leaves `active`, and `left` shrinks by those caps; until no share reaches its cap.
template <class Weight>
void give_reached_caps(std::span<const Weight> weights, std::span<const std::optional<money>> caps,
                       std::vector<std::size_t>& active, std::int64_t& left, std::vector<money>& amounts) {
  using wide = Weight;
  std::vector<std::size_t> still;
  while (!active.empty()) {
    const wide total = total_weight(weights, active);
    still.clear();
    std::int64_t capped_sum = 0;
    for (std::size_t j : active) {
      const auto& cap = cap_of(caps, j);
      // share_j >= c_j  <=>  M·w_j >= c_j·W
      if (cap && wide(left) * weights[j] >= wide(cap->minor_units()) * total) {
        amounts[j] = *cap;
        capped_sum += cap->minor_units();
      } else {
        still.push_back(j);
      }
    }
    if (still.size() == active.size()) break;
    left -= capped_sum;  // the capped shares are each at most their part of `left`: no wrap
    active.swap(still);
  }
}

// Step 2: each receiver of `active` (not empty) gets the floor of its share of `left`, and the
// units left go one each to the largest remainders, ties to the larger weight, then the earlier
// receiver. Gives out all of `left`.
template <class Weight>
void give_floors_and_largest_remainders(std::span<const Weight> weights, const std::vector<std::size_t>& active,
                                        std::int64_t left, std::vector<money>& amounts) {
  using wide = Weight;
  const wide total = total_weight(weights, active);
  struct part {
    std::size_t receiver;
    wide remainder;
  };
  std::vector<part> parts;
  parts.reserve(active.size());
  std::int64_t given = 0;
  for (std::size_t j : active) {
    const wide share = wide(left) * weights[j];
    wide remainder = share % total;  // both >= 0: the quotient is the floor
    const auto floor_share = static_cast<std::int64_t>(wide(share / total));
    amounts[j] = money::from_minor(floor_share);
    given += floor_share;
    parts.push_back({j, std::move(remainder)});
  }
  const auto units_left = static_cast<std::size_t>(left - given);  // < |A|
  std::stable_sort(parts.begin(), parts.end(), [&](const part& a, const part& b) {
    if (a.remainder != b.remainder) return a.remainder > b.remainder;
    if (weights[a.receiver] != weights[b.receiver]) return weights[a.receiver] > weights[b.receiver];
    return a.receiver < b.receiver;
  });
  for (std::size_t k = 0; k < units_left; ++k) {
    amounts[parts[k].receiver] += money::from_minor(1);
  }
}

}  // namespace detail

// Divides `budget` (>= 0) over the receivers. `caps` is empty (nobody capped) or has one entry
// per receiver (nullopt: uncapped; caps are >= 0). Negative weights count as 0 (SPEC §11.10).
// Throws std::invalid_argument on a negative budget, a negative cap or mismatched sizes.
//
// Weight: an integer type, built in or a class (boost::multiprecision::cpp_int), constructible
// from std::int64_t, with + * / % and comparisons, and explicitly convertible to std::int64_t.
// The products budget × weight and cap × (sum of weights) must fit in it: an unbounded type
// always does; with std::int64_t keep weights small.
template <class Weight>
allocation_result allocate(money budget, std::span<const Weight> weights, std::span<const std::optional<money>> caps = {}) {
  detail::check_allocation_arguments(budget, weights.size(), caps);
  allocation_result result{std::vector<money>(weights.size()), money{}};
  std::vector<std::size_t> active;  // A, in receiver order
  for (std::size_t j = 0; j < weights.size(); ++j) {
    if (weights[j] > 0) active.push_back(j);
  }
  std::int64_t left = budget.minor_units();
  detail::give_reached_caps(weights, caps, active, left, result.amounts);
  if (!active.empty()) {
    detail::give_floors_and_largest_remainders(weights, active, left, result.amounts);
    left = 0;
  }
  // Step 3: what no receiver can take.
  result.unallocated = money::from_minor(left);
  return result;
}

// The same for weights in a vector (a span's element type is not deduced from one).
template <class Weight>
allocation_result allocate(money budget, const std::vector<Weight>& weights,
                           std::span<const std::optional<money>> caps = {}) {
  return allocate(budget, std::span<const Weight>(weights), caps);
}

}  // namespace matchfund

#endif
