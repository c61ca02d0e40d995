// SPEC §7 "Allocation of budget M over integer weights w >= 0 with caps c", step by step, in
// integers of any size so that no product can overflow.
#include "allocation.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "matchfund/assert.hpp"

namespace matchfund::reference {
namespace {

using boost::multiprecision::cpp_int;

// Every claim of A whose share_j = M * w_j / W reaches its cap c_j gets exactly c_j and leaves A,
// M shrinking by what they got, until none does. Returns A as it is then.
std::vector<std::size_t> give_caps(cpp_int& budget, const std::vector<claim>& claims, std::vector<std::size_t> active,
                                   std::map<std::size_t, cpp_int>& given) {
  for (;;) {
    // 3. A is empty: the rest is unallocated.
    if (active.empty()) return active;
    cpp_int total_weight = 0;
    for (const std::size_t i : active) total_weight += claims[i].weight;
    // share_j = M * w_j / W; every j with share_j >= c_j gets exactly c_j and leaves A.
    std::vector<std::size_t> staying;
    cpp_int capped = 0;
    for (const std::size_t i : active) {
      const claim& c = claims[i];
      if (c.cap && budget * c.weight >= *c.cap * total_weight) {
        given[c.project] = *c.cap;
        capped += *c.cap;
      } else {
        staying.push_back(i);
      }
    }
    if (staying.size() == active.size()) return active;
    budget -= capped;
    active = staying;
  }
}

// 2. Each claim of A (not empty) gets floor(share_j); the R units left go one each to the largest
// remainders (M * w_j) mod W, ties to the larger w_j, then to the smaller id.
void give_shares(const cpp_int& budget, const std::vector<claim>& claims, const std::vector<std::size_t>& active,
                 std::map<std::size_t, cpp_int>& given) {
  cpp_int total_weight = 0;
  for (const std::size_t i : active) total_weight += claims[i].weight;
  struct remainder_of {
    cpp_int remainder;
    cpp_int weight;
    std::size_t order = 0;
    std::size_t project = 0;
  };
  std::vector<remainder_of> remainders;
  cpp_int handed = 0;
  for (const std::size_t i : active) {
    const claim& c = claims[i];
    const cpp_int product = budget * c.weight;
    given[c.project] = product / total_weight;
    handed += product / total_weight;
    remainders.push_back({product % total_weight, c.weight, i, c.project});
  }
  std::sort(remainders.begin(), remainders.end(), [](const remainder_of& a, const remainder_of& b) {
    if (a.remainder != b.remainder) return a.remainder > b.remainder;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.order < b.order;
  });
  cpp_int units = budget - handed;
  MATCHFUND_ASSERT(units >= 0 && units < static_cast<long long>(remainders.size()) + 1, "allocation remainder out of range");
  for (const remainder_of& r : remainders) {
    if (units <= 0) break;
    given[r.project] += 1;
    units -= 1;
  }
}

}  // namespace

std::map<std::size_t, cpp_int> share_out(cpp_int budget, const std::vector<claim>& claims) {
  std::map<std::size_t, cpp_int> given;
  // 1. A = the projects with w > 0.
  std::vector<std::size_t> active;  // positions in `claims`
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].weight > 0) active.push_back(i);
  }
  active = give_caps(budget, claims, std::move(active), given);
  if (!active.empty()) give_shares(budget, claims, active, given);
  return given;
}

std::map<std::size_t, money> allocate_by_weight(money budget, const std::vector<std::size_t>& order,
                                                const std::map<std::size_t, cpp_int>& weights,
                                                std::optional<money> cap) {
  std::vector<claim> claims;
  for (const std::size_t p : order) {
    std::optional<cpp_int> cap_claim;
    if (cap) cap_claim = cpp_int(cap->minor_units());
    claims.push_back({p, weights.at(p), cap_claim});
  }
  std::map<std::size_t, money> amounts;
  for (const auto& share : share_out(budget.minor_units(), claims)) amounts[share.first] = money_of(share.second);
  return amounts;
}

cpp_int power_of_ten(int exponent) {
  cpp_int result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

money money_of(const cpp_int& minor) { return money::from_minor(minor.convert_to<std::int64_t>()); }

}  // namespace matchfund::reference
