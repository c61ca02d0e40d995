// The allocation of SPEC §7: its worked examples exactly, and on thousands of random inputs the
// guarantees of allocate.hpp checked against an exact-rational water-filling model.
#include "matchfund/allocate.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

namespace {

using matchfund::allocate;
// The close-out's weight type; allocate() takes any integer type wide enough.
using allocation_weight = boost::multiprecision::cpp_int;
using matchfund::money;
using rational = boost::multiprecision::cpp_rational;
using optional_cap = std::optional<money>;

money units(std::int64_t minor) { return money::from_minor(minor); }

std::vector<std::int64_t> minor_units_of(const std::vector<money>& amounts) {
  std::vector<std::int64_t> out;
  for (const money& m : amounts) out.push_back(m.minor_units());
  return out;
}

// The exact capped shares by water filling, found a different way than allocate() does: sort the
// receivers by cap/weight and raise one level λ until the budget is spent.
std::vector<rational> water_filling(std::int64_t budget, const std::vector<allocation_weight>& weights,
                                    const std::vector<optional_cap>& caps) {
  const std::size_t n = weights.size();
  std::vector<rational> share(n, rational(0));
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < n; ++j) {
    if (weights[j] > 0) order.push_back(j);
  }
  const auto threshold = [&](std::size_t j) -> std::optional<rational> {
    if (!caps[j]) return std::nullopt;
    return rational(caps[j]->minor_units(), weights[j]);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto ta = threshold(a), tb = threshold(b);
    if (!tb) return ta.has_value();
    return ta && *ta < *tb;
  });
  rational left(budget);
  allocation_weight open_weight = 0;
  for (std::size_t j : order) open_weight += weights[j];
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t j = order[k];
    const auto t = threshold(j);
    const rational level = left / rational(open_weight);  // λ if nobody else were capped
    if (t && *t <= level) {
      share[j] = rational(caps[j]->minor_units());
      left -= share[j];
      open_weight -= weights[j];
      continue;
    }
    for (std::size_t m = k; m < order.size(); ++m) share[order[m]] = level * rational(weights[order[m]]);
    break;
  }
  return share;
}

rational floor_of(const rational& r) {
  using boost::multiprecision::cpp_int;
  return rational(cpp_int(numerator(r) / denominator(r)));  // r >= 0
}

}  // namespace

TEST_CASE("SPEC §10: 100.00 over 5:3:2 capped at 40.00; 0.10 over three equal weights", "[allocate]") {
  const std::vector<allocation_weight> weights = {5, 3, 2};
  const std::vector<optional_cap> caps(3, units(4000));
  const auto capped = allocate(units(10000), weights, caps);
  CHECK(minor_units_of(capped.amounts) == std::vector<std::int64_t>{4000, 3600, 2400});
  CHECK(capped.unallocated.is_zero());

  const std::vector<allocation_weight> equal = {1, 1, 1};
  const auto ties = allocate(units(10), equal);
  CHECK(minor_units_of(ties.amounts) == std::vector<std::int64_t>{4, 3, 3});
}

TEST_CASE("built-in weights allocate exactly as unbounded ones where their products fit", "[allocate]") {
  std::mt19937_64 random(20241203);
  int compared = 0;
  for (int round = 0; round < 2000; ++round) {
    const auto n = static_cast<std::size_t>(std::uniform_int_distribution<int>(1, 6)(random));
    std::vector<std::int64_t> small(n);
    std::vector<allocation_weight> unbounded(n);
    std::vector<optional_cap> caps(n);
    for (std::size_t j = 0; j < n; ++j) {
      small[j] = std::uniform_int_distribution<std::int64_t>(-2, 1'000'000)(random);
      unbounded[j] = small[j];
      if (random() % 2 == 0) caps[j] = units(std::uniform_int_distribution<std::int64_t>(0, 50'000)(random));
    }
    const auto budget = units(std::uniform_int_distribution<std::int64_t>(0, 1'000'000)(random));
    const auto built_in = allocate(budget, small, caps);
    const auto wide = allocate(budget, unbounded, caps);
    CHECK(minor_units_of(built_in.amounts) == minor_units_of(wide.amounts));
    CHECK(built_in.unallocated == wide.unallocated);
    ++compared;
  }
  CHECK(compared == 2000);
}

TEST_CASE("allocation edge cases", "[allocate]") {
  SECTION("no positive weight: everything unallocated") {
    const std::vector<allocation_weight> weights = {0, -4, 0};
    const auto result = allocate(units(999), weights);
    CHECK(minor_units_of(result.amounts) == std::vector<std::int64_t>{0, 0, 0});
    CHECK(result.unallocated == units(999));
  }
  SECTION("everyone capped: the rest is unallocated") {
    const std::vector<allocation_weight> weights = {1, 2};
    const std::vector<optional_cap> caps = {units(10), units(15)};
    const auto result = allocate(units(100), weights, caps);
    CHECK(minor_units_of(result.amounts) == std::vector<std::int64_t>{10, 15});
    CHECK(result.unallocated == units(75));
  }
  SECTION("a cap of 0 takes nothing, the rest goes to the others") {
    const std::vector<allocation_weight> weights = {10, 1};
    const std::vector<optional_cap> caps = {units(0), std::nullopt};
    const auto result = allocate(units(7), weights, caps);
    CHECK(minor_units_of(result.amounts) == std::vector<std::int64_t>{0, 7});
  }
  SECTION("one unit: to the largest remainder, then the larger weight, then the first") {
    const std::vector<allocation_weight> weights = {2, 3, 3};
    CHECK(minor_units_of(allocate(units(1), weights).amounts) == std::vector<std::int64_t>{0, 1, 0});
  }
  SECTION("capping cascades: a cap frees money that pushes another over its cap") {
    const std::vector<allocation_weight> weights = {1, 1, 1, 1};
    const std::vector<optional_cap> caps = {units(1), units(30), std::nullopt, std::nullopt};
    // Round 1: shares 25 each: receiver 0 capped at 1. Round 2: 99 over 3 = 33 > 30: receiver 1
    // capped. Round 3: 69 over 2.
    const auto result = allocate(units(100), weights, caps);
    CHECK(minor_units_of(result.amounts) == std::vector<std::int64_t>{1, 30, 35, 34});
  }
  SECTION("weights far beyond 128 bits") {
    const allocation_weight big = allocation_weight(1) << 300;
    const std::vector<allocation_weight> weights = {big * 3, big * 1, big + 1};
    const auto result = allocate(units(1'000'000'000'000'000), weights);
    const auto sum = std::accumulate(result.amounts.begin(), result.amounts.end(), money{});
    CHECK(sum == units(1'000'000'000'000'000));
    // Floors 599,999,999,999,999 + 199,999,999,999,999 + 200,000,000,000,000: the two units left
    // go to the first two, whose shares fall just short of whole numbers.
    CHECK(minor_units_of(result.amounts) == std::vector<std::int64_t>{600'000'000'000'000, 200'000'000'000'000,
                                                                       200'000'000'000'000});
  }
  SECTION("bad arguments") {
    const std::vector<allocation_weight> weights = {1};
    const std::vector<optional_cap> two_caps(2);
    const std::vector<optional_cap> negative_cap = {units(-1)};
    CHECK_THROWS_AS(allocate(units(-1), weights), std::invalid_argument);
    CHECK_THROWS_AS(allocate(units(1), weights, two_caps), std::invalid_argument);
    CHECK_THROWS_AS(allocate(units(1), weights, negative_cap), std::invalid_argument);
  }
}

TEST_CASE("allocation guarantees on random inputs against exact water filling", "[allocate][property]") {
  std::mt19937_64 random(20261130);
  const auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(random);
  };
  for (int trial = 0; trial < 4000; ++trial) {
    const auto n = static_cast<std::size_t>(pick(1, 9));
    const bool huge_weights = trial % 5 == 0;
    const std::int64_t budget = trial % 7 == 0 ? pick(0, 1'000'000'000'000'000) : pick(0, trial % 3 == 0 ? 20 : 100'000);
    std::vector<allocation_weight> weights(n);
    std::vector<optional_cap> caps(n);
    for (std::size_t j = 0; j < n; ++j) {
      weights[j] = pick(0, 4) == 0 ? 0 : pick(1, trial % 2 == 0 ? 5 : 1000);
      if (huge_weights) weights[j] *= allocation_weight(pick(1, 1'000'000'000)) << 200;
      const std::int64_t cap_range = std::min<std::int64_t>(matchfund::money_limit_minor,
                                                            std::max<std::int64_t>(1, budget / static_cast<std::int64_t>(n) * 2));
      if (pick(0, 2) == 0) caps[j] = units(pick(0, cap_range));
    }
    INFO("trial " << trial);
    const auto result = allocate(units(budget), weights, caps);
    const auto exact = water_filling(budget, weights, caps);

    std::int64_t sum = 0;
    bool all_capped = true;
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t x = result.amounts[j].minor_units();
      sum += x;
      INFO("receiver " << j << " weight " << weights[j] << " gets " << x << ", exact " << exact[j]);
      REQUIRE(x >= 0);
      if (caps[j]) REQUIRE(x <= caps[j]->minor_units());
      if (weights[j] <= 0) REQUIRE(x == 0);
      // Within one unit of the exact share: floor or ceiling of it.
      const rational low = floor_of(exact[j]);
      REQUIRE((rational(x) == low || (rational(x) == low + 1 && exact[j] != low)));
      if (weights[j] > 0 && !(caps[j] && exact[j] == rational(caps[j]->minor_units()))) all_capped = false;
    }
    REQUIRE(sum + result.unallocated.minor_units() == budget);
    if (!all_capped) REQUIRE(result.unallocated.is_zero());

    // The units above the floor went to the largest fractional parts (then weight, then order).
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = 0; b < n; ++b) {
        const rational fa = exact[a] - floor_of(exact[a]), fb = exact[b] - floor_of(exact[b]);
        const bool a_up = rational(result.amounts[a].minor_units()) > exact[a];
        const bool b_up = rational(result.amounts[b].minor_units()) > exact[b];
        if (!a_up || b_up || fb == 0) continue;
        // a was rounded up and b (not integral) down: a must rank first.
        const bool a_first = fa > fb || (fa == fb && (weights[a] > weights[b] || (weights[a] == weights[b] && a < b)));
        INFO("receivers " << a << " and " << b);
        REQUIRE(a_first);
      }
    }

    // More weight (and a cap at least as large) never receives less.
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = 0; b < n; ++b) {
        const bool cap_at_least = !caps[a] || (caps[b] && *caps[a] >= *caps[b]);
        if (!(weights[a] >= weights[b] && cap_at_least)) continue;
        INFO("receivers " << a << " (weight " << weights[a] << ", gets " << result.amounts[a].minor_units() << ") and "
                          << b << " (weight " << weights[b] << ", gets " << result.amounts[b].minor_units() << ")");
        // Equal weights may differ by the one unit a tie gives to the earlier receiver.
        const std::int64_t tie_unit = weights[a] == weights[b] && a > b ? 1 : 0;
        REQUIRE(result.amounts[a].minor_units() + tie_unit >= result.amounts[b].minor_units());
      }
    }

    // With distinct weights, the order of the receivers changes nothing.
    std::vector<allocation_weight> sorted = weights;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) {
      std::vector<std::size_t> permutation(n);
      std::iota(permutation.begin(), permutation.end(), std::size_t{0});
      std::shuffle(permutation.begin(), permutation.end(), random);
      std::vector<allocation_weight> permuted_weights;
      std::vector<optional_cap> permuted_caps;
      for (std::size_t k : permutation) {
        permuted_weights.push_back(weights[k]);
        permuted_caps.push_back(caps[k]);
      }
      const auto permuted = allocate(units(budget), permuted_weights, permuted_caps);
      for (std::size_t k = 0; k < n; ++k) REQUIRE(permuted.amounts[k] == result.amounts[permutation[k]]);
    }
  }
}
