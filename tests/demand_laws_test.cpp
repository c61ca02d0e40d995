// The integer samplers of demand models (src/synth/laws.hpp, fixed_point.hpp) and the stream
// drawn from a model (demand_stream.hpp), with exact expectations where the arithmetic is exact
// and stated bands where it is statistical (a fixed seed, so a band is met or missed for good).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/load_rules.hpp"
#include "synth/demand_stream.hpp"
#include "synth/fixed_point.hpp"
#include "synth/laws.hpp"

namespace {

namespace fs = std::filesystem;
using matchfund::demand_law;
using matchfund::law_kind;
using matchfund::ratio;
using matchfund::detail::alias_table;
using matchfund::detail::splitmix64;
using matchfund::detail::uint128;

// How much of each column's draws each index gets, found through pick_at alone: a column keeps
// its own index for the draws below some `keep` and gives its alias for the rest, so `keep` is
// where pick_at first differs from the column (found by bisection, for totals too big to walk).
std::vector<uint128> masses(const alias_table& table) {
  std::vector<uint128> mass(table.size(), 0);
  const std::uint64_t total = table.total();
  for (std::uint32_t column = 0; column < table.size(); ++column) {
    std::uint64_t low = 0, high = total;  // keep is in [low, high]
    while (low < high) {
      const std::uint64_t middle = low + (high - low) / 2;
      if (table.pick_at(column, middle) == column) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    mass[column] += low;
    if (low < total) mass[table.pick_at(column, total - 1)] += total - low;
  }
  return mass;
}

// The same by going through every (column, draw) pair pick can make: for small totals.
std::vector<uint128> masses_by_every_draw(const alias_table& table) {
  std::vector<uint128> mass(table.size(), 0);
  for (std::uint32_t column = 0; column < table.size(); ++column) {
    for (std::uint64_t draw = 0; draw < table.total(); ++draw) ++mass[table.pick_at(column, draw)];
  }
  return mass;
}

// Each index's share of the n * total equally likely pairs is exactly weight / sum.
void check_exact(const std::vector<std::uint64_t>& weights, const std::vector<uint128>& mass) {
  REQUIRE(mass.size() == weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    INFO("index " << i << " of " << weights.size() << ", weight " << weights[i]);
    CHECK(mass[i] == uint128{weights[i]} * weights.size());
  }
}

const matchfund::rule_set& tencent_rules() {
  static const matchfund::rule_set rules =
      matchfund::load_rules(fs::path(MATCHFUND_SOURCE_DIR) / "rules" / "tencent-99-2018.yaml");
  return rules;
}

// The demand of 99公益日 2018 with 20,000 donations instead of 28 million, and more refunds, so
// that a whole run is quick and has refunds to order among the donations.
const matchfund::demand_model& small_tencent_demand() {
  static const matchfund::demand_model model = [] {
    const fs::path file = fs::path(MATCHFUND_SOURCE_DIR) / "rules" / "tencent-99-2018-demand.yaml";
    std::ifstream in(file, std::ios::binary);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto replace = [&](const std::string& from, const std::string& to) {
      const auto at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    };
    replace("expected: 28000000", "expected: 20000");
    replace("expected: 10000000", "expected: 8000");
    replace("rate: 0.002", "rate: 0.05");
    return matchfund::load_demand_text(text, "small-demand.yaml", tencent_rules());
  }();
  return model;
}

std::vector<matchfund::event> whole_stream(std::uint64_t seed, std::uint64_t run) {
  matchfund::detail::demand_stream stream(small_tencent_demand(), tencent_rules(), seed, run);
  std::vector<matchfund::event> events, batch(997);  // a batch size that divides nothing
  for (std::size_t n; (n = stream.next(batch)) > 0;) {
    events.insert(events.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return events;
}

}  // namespace

TEST_CASE("alias_table: every index has exactly its weight's share of the draws", "[laws]") {
  const std::vector<std::vector<std::uint64_t>> small_sets{
      {5}, {1, 2, 3}, {0, 7, 0, 1}, {3, 3, 3, 3}, {1, 1000, 1, 998}, {0, 0, 1}, {9, 1}, {2, 3, 5, 7, 11, 13, 17}};
  for (const auto& weights : small_sets) {
    const alias_table table(weights);
    const std::vector<uint128> every = masses_by_every_draw(table);
    check_exact(weights, every);
    CHECK(masses(table) == every);  // the bisection agrees with the walk, so it can stand for it
  }
  // Random sets whose sums are far too big to walk: up to 200 weights of up to 2^40, with zeros.
  splitmix64 random(7);
  std::size_t sets = 0;
  for (; sets < 200; ++sets) {
    std::vector<std::uint64_t> weights(1 + random.below(200));
    for (auto& w : weights) w = random.below(4) == 0 ? 0 : random.below(std::uint64_t{1} << (1 + random.below(40)));
    if (std::all_of(weights.begin(), weights.end(), [](std::uint64_t w) { return w == 0; })) weights[0] = 1;
    check_exact(weights, masses(alias_table(weights)));
  }
  CHECK(sets == 200);
}

TEST_CASE("alias_table: an index of weight 0 is never picked", "[laws]") {
  const std::vector<std::uint64_t> weights{0, 3, 0, 0, 1, 0};
  const alias_table table(weights);
  splitmix64 random(11);
  std::vector<std::uint64_t> counts(weights.size(), 0);
  for (int i = 0; i < 100'000; ++i) ++counts[table.pick(random)];
  CHECK(counts[0] + counts[2] + counts[3] + counts[5] == 0);
  // 3 : 1, within 1.5 % of the draws (about 11 standard deviations of 0.14 %).
  CHECK(counts[1] > 73'500);
  CHECK(counts[1] < 76'500);
}

TEST_CASE("zipf_weight: 2^32 at the first rank, halved at each doubling for exponent 1, never rising", "[laws]") {
  using matchfund::detail::zipf_weight;
  const std::uint64_t top = std::uint64_t{1} << 32;
  for (std::uint64_t offset : {1ULL, 7ULL, 1000ULL, 1ULL << 39}) CHECK(zipf_weight(0, offset, ratio::whole(1)) == top);
  // (rank + offset) / offset a power of two: log2 is exact, so the weights are too.
  CHECK(zipf_weight(1, 1, ratio::whole(1)) == top / 2);
  CHECK(zipf_weight(3, 1, ratio::whole(1)) == top / 4);
  CHECK(zipf_weight(1023, 1, ratio::whole(1)) == top / 1024);
  CHECK(zipf_weight(3, 1, ratio::whole(2)) == top / 16);
  CHECK(zipf_weight(3000, 1000, ratio::whole(1)) == top / 4);
  CHECK(zipf_weight(123456, 1, ratio::whole(0)) == top);
  CHECK(zipf_weight(1'000'000'000, 1, ratio::whole(4)) == 1);  // 2^32 / 10^36 is far below: at least 1
  for (const auto exponent : {ratio::from_millionths(500'000), ratio::whole(1), ratio::from_millionths(1'100'000)}) {
    std::uint64_t previous = top;
    std::size_t rising = 0;
    for (std::uint64_t rank = 1; rank <= 200'000; ++rank) {
      const std::uint64_t w = zipf_weight(rank, 1, exponent);
      rising += w > previous ? 1 : 0;
      previous = w;
    }
    CHECK(rising == 0);
  }
}

TEST_CASE("zipf_tiers: ranks in range, each rank its weight's share where tiers hold one rank", "[laws]") {
  using matchfund::detail::zipf_tiers;
  // With offset 1, each of the first 31 ranks gets a tier of its own: P(rank r) = (1/(r+1)) / H_8.
  const zipf_tiers eight(8, ratio::whole(1), 1);
  splitmix64 random(3);
  std::vector<std::uint64_t> counts(8, 0);
  constexpr int draws = 1'000'000;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t rank = eight.pick(random);
    REQUIRE(rank < 8);
    ++counts[rank];
  }
  double harmonic = 0;
  for (int r = 1; r <= 8; ++r) harmonic += 1.0 / r;
  for (std::size_t r = 0; r < 8; ++r) {
    INFO("rank " << r);
    // Within 0.25 % of the draws: at least 5 standard deviations (at most 0.048 %).
    CHECK(std::abs(static_cast<double>(counts[r]) / draws - 1.0 / static_cast<double>(r + 1) / harmonic) < 0.0025);
  }
  // A million ranks, offset 1000: the first thousand weigh ln(2000/1000) / ln(1001000/1000) of all
  // (the sums as integrals), about 0.1003; the tiers' 1/16 steps keep it within 0.005.
  const zipf_tiers million(1'000'000, ratio::whole(1), 1000);
  std::uint64_t first_thousand = 0;
  for (int i = 0; i < 200'000; ++i) {
    const std::uint64_t rank = million.pick(random);
    REQUIRE(rank < 1'000'000);
    first_thousand += rank < 1000 ? 1 : 0;
  }
  const double expected = std::log(2.0) / std::log(1001.0);
  CHECK(std::abs(static_cast<double>(first_thousand) / 200'000 - expected) < 0.005);
}

TEST_CASE("log2_q32 is log2 rounded down to a Q32 ulp, exactly at powers of two", "[laws][fixed_point]") {
  using matchfund::detail::log2_q32;
  using matchfund::detail::q32_one;
  for (int k = 0; k < 64; ++k) CHECK(log2_q32(std::uint64_t{1} << k) == k * q32_one);
  CHECK(log2_q32(3) == 6'807'362'105);      // floor(log2(3) * 2^32), to 80 digits
  CHECK(log2_q32(10) == 14'267'572'527);    // floor(log2(10) * 2^32)
  CHECK(log2_q32(~std::uint64_t{0}) == 64 * q32_one - 1);  // just below 64
  // Against the long double logarithm: 0 <= exact - computed < 1 ulp of Q32. The reference is good
  // to far less than 1/1024 ulp (log2 <= 64, so 2^38 ulps, with at least 53 bits), which is its slack.
  constexpr long double slack = 1.0L / 1024;
  splitmix64 random(5);
  std::size_t checked = 0, outside = 0;
  const auto check = [&](std::uint64_t x) {
    const long double exact = std::log2(static_cast<long double>(x)) * static_cast<long double>(q32_one);
    const long double error = exact - static_cast<long double>(log2_q32(x));
    outside += error < -slack || error >= 1 + slack ? 1 : 0;
    ++checked;
  };
  for (std::uint64_t x = 1; x <= 200'000; ++x) check(x);
  for (int i = 0; i < 200'000; ++i) check(std::max<std::uint64_t>(1, random.next() >> random.below(64)));
  CHECK(checked == 400'000);
  CHECK(outside == 0);
}

TEST_CASE("exp2_fraction_q62 is 2^f rounded down within 96 ulps of Q62", "[laws][fixed_point]") {
  using matchfund::detail::exp2_fraction_q62;
  using matchfund::detail::root_powers_of_two_q62;
  CHECK(exp2_fraction_q62(0) == std::uint64_t{1} << 62);
  CHECK(exp2_fraction_q62(0x80000000U) == 6'521'908'912'666'391'106ULL);  // floor(sqrt(2) * 2^62)
  for (int k = 0; k < 32; ++k) {
    CHECK(exp2_fraction_q62(std::uint32_t{1} << (31 - k)) == root_powers_of_two_q62[static_cast<std::size_t>(k)]);
  }
  // Each of at most 32 products is cut to Q62 (under 1 ulp) and each root is at most 1 ulp below
  // its value (under 2 ulps of a product below 2): under 96 ulps, always below. The reference's
  // own error is 2^(63 - digits) ulps (half an ulp with a 64-bit long double), added as slack.
  const long double slack = std::ldexp(1.0L, 63 - std::numeric_limits<long double>::digits);
  const long double q62 = std::ldexp(1.0L, 62);
  splitmix64 random(9);
  std::size_t checked = 0, outside = 0;
  for (int i = 0; i < 300'000; ++i) {
    const auto fraction = static_cast<std::uint32_t>(i < 65'536 ? static_cast<std::uint32_t>(i) << 16 : random.next() >> 32);
    const long double exact = std::exp2(static_cast<long double>(fraction) / std::ldexp(1.0L, 32)) * q62;
    const long double error = exact - static_cast<long double>(exp2_fraction_q62(fraction));
    outside += error < -slack || error >= 96 + slack ? 1 : 0;
    ++checked;
  }
  CHECK(checked == 300'000);
  CHECK(outside == 0);
}

TEST_CASE("scaling by powers of two: whole powers exact, limits kept", "[laws][fixed_point]") {
  using matchfund::detail::q32_one;
  using matchfund::detail::scale_by_power_of_two;
  using matchfund::detail::shrink_by_power_of_two;
  CHECK(scale_by_power_of_two(100, 0, 1'000'000) == 100);
  CHECK(scale_by_power_of_two(100, 3 * q32_one, 1'000'000) == 800);
  CHECK(scale_by_power_of_two(100, q32_one / 2, 1'000'000) == 141);  // 100 * sqrt(2), down
  CHECK(scale_by_power_of_two(100, 20 * q32_one, 1'000'000) == 1'000'000);
  CHECK(scale_by_power_of_two(1, 62 * q32_one, 5) == 5);
  CHECK(shrink_by_power_of_two(std::uint64_t{1} << 32, 0) == std::uint64_t{1} << 32);
  CHECK(shrink_by_power_of_two(std::uint64_t{1} << 32, 5 * q32_one) == std::uint64_t{1} << 27);
  CHECK(shrink_by_power_of_two(1000, q32_one / 2) == 707);  // 1000 / sqrt(2), down
  CHECK(shrink_by_power_of_two(~std::uint64_t{0}, 64 * q32_one) == 0);
}

TEST_CASE("draw_law: constants as given, uniforms inside [min, max] reaching both", "[laws]") {
  using matchfund::detail::draw_law;
  splitmix64 random(13);
  CHECK(draw_law(demand_law::constant_of(1'234'567), random) == 1'234'567);
  const demand_law uniform{law_kind::uniform, 3, 7};
  std::set<std::int64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t v = draw_law(uniform, random);
    REQUIRE(v >= 3);
    REQUIRE(v <= 7);
    seen.insert(v);
  }
  CHECK(seen == std::set<std::int64_t>{3, 4, 5, 6, 7});
  const demand_law wide{law_kind::uniform, 500'000, 1'500'000};
  for (int i = 0; i < 100'000; ++i) {
    const std::int64_t v = draw_law(wide, random);
    REQUIRE(v >= 500'000);
    REQUIRE(v <= 1'500'000);
  }
  const demand_law point{law_kind::uniform, 42, 42};
  CHECK(draw_law(point, random) == 42);
}

TEST_CASE("draw_law: a normal law within 6 sd, its sample mean and sd in tight bands, never below 0", "[laws]") {
  using matchfund::detail::draw_law;
  splitmix64 random(17);
  const demand_law normal{law_kind::normal, 1'000'000, 150'000};
  constexpr int draws = 200'000;
  double sum = 0, squares = 0;
  for (int i = 0; i < draws; ++i) {
    const std::int64_t v = draw_law(normal, random);
    REQUIRE(v >= 100'000);  // mean - 6 sd
    REQUIRE(v <= 1'900'000);
    sum += static_cast<double>(v);
    squares += static_cast<double>(v) * static_cast<double>(v);
  }
  const double mean = sum / draws;
  const double sd = std::sqrt(squares / draws - mean * mean);
  // The standard error of the mean is 150,000 / sqrt(200,000), about 335: a band of 1,700 is 5 of them.
  CHECK(std::abs(mean - 1'000'000) < 1'700);
  // Of the sd about 0.16 %: 1 % is 6 of them.
  CHECK(std::abs(sd - 150'000) < 1'500);
  // Mean 0.1, sd 1: almost half the draws would be negative and are 0 instead.
  const demand_law wide{law_kind::normal, 100'000, 1'000'000};
  int zeros = 0;
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t v = draw_law(wide, random);
    REQUIRE(v >= 0);
    zeros += v == 0 ? 1 : 0;
  }
  CHECK(zeros > 4'000);  // P(z < -0.1) is 46 %
  CHECK(zeros < 5'200);
  CHECK(draw_law(demand_law{law_kind::normal, 777, 0}, random) == 777);
}

TEST_CASE("scale_and_round: to the nearest unit, halves up, at least one unit", "[laws]") {
  using matchfund::detail::scale_and_round;
  CHECK(scale_and_round(1000, 1'500'000, 1) == 1500);
  CHECK(scale_and_round(990, 1'000'000, 100) == 1000);   // 9.90 to whole yuan: 10.00
  CHECK(scale_and_round(149, 1'000'000, 100) == 100);
  CHECK(scale_and_round(150, 1'000'000, 100) == 200);    // a half goes up
  CHECK(scale_and_round(1, 500'000, 1) == 1);            // half a minor unit: up
  CHECK(scale_and_round(1, 499'999, 1) == 1);            // less: 0, then at least one unit
  CHECK(scale_and_round(3, 499'999, 1) == 1);            // 1.499997: down
  CHECK(scale_and_round(10, 1'000'000, 100) == 100);     // at least one unit
  CHECK(scale_and_round(5000, 0, 50) == 50);             // a scale of 0: one unit
  CHECK(scale_and_round(333, 333'333, 1) == 111);        // 110.999889
  CHECK(scale_and_round(100'000'000'000'000, 2'000'000, 1) == 200'000'000'000'000);  // no overflow
}

TEST_CASE("pareto_quantiles: draws inside [min, max], the median where the law puts it", "[laws]") {
  const matchfund::pareto_law law{matchfund::money::from_minor(100), matchfund::money::from_minor(1'000'000),
                                  ratio::whole(1)};
  const matchfund::detail::pareto_quantiles quantiles(law);
  splitmix64 random(19);
  std::vector<std::int64_t> draws(100'001);
  for (auto& d : draws) {
    d = quantiles.pick(random);
    REQUIRE(d >= 100);
    REQUIRE(d <= 1'000'000);
  }
  std::nth_element(draws.begin(), draws.begin() + 50'000, draws.end());
  // P(X > x) = 100 / x (truncation at 10^6 moves it by 10^-4): the median is 200, within 2 %.
  CHECK(draws[50'000] >= 196);
  CHECK(draws[50'000] <= 204);
}

TEST_CASE("demand_stream: a run is fixed by (model, rules, seed, run) and differs from run to run", "[laws][stream]") {
  const auto first = whole_stream(42, 1);
  const auto again = whole_stream(42, 1);
  const auto other_run = whole_stream(42, 2);
  const auto other_seed = whole_stream(43, 1);
  REQUIRE_FALSE(first.empty());
  CHECK(first == again);
  CHECK(first != other_run);
  CHECK(first != other_seed);
  const auto p1 = matchfund::detail::draw_run_parameters(small_tencent_demand(), 42, 1);
  const auto p2 = matchfund::detail::draw_run_parameters(small_tencent_demand(), 42, 2);
  // The volume is a normal law: two runs draw two volumes.
  CHECK(p1.volume != p2.volume);
}

TEST_CASE("demand_stream: the drawn donations, each donor at least once, in time order inside the campaign", "[laws][stream]") {
  const auto& rules = tencent_rules();
  const auto& model = small_tencent_demand();
  for (std::uint64_t run = 1; run <= 3; ++run) {
    INFO("run " << run);
    const auto parameters = matchfund::detail::draw_run_parameters(model, 42, run);
    const auto per_second = matchfund::detail::donations_per_second(model, rules, parameters);
    std::uint64_t planned = 0;
    for (auto n : per_second) planned += n;
    CHECK(planned == parameters.donations);
    const auto events = whole_stream(42, run);
    std::uint64_t donations = 0, refunds = 0;
    std::set<std::string> donors, donation_ids;
    std::int64_t previous = rules.campaign().start.epoch_ms();
    bool in_order = true, inside = true, refunds_follow = true;
    for (const auto& e : events) {
      in_order = in_order && e.time.epoch_ms() >= previous;
      inside = inside && e.time >= rules.campaign().start && e.time < rules.campaign().end;
      previous = e.time.epoch_ms();
      if (e.kind == matchfund::event_kind::donation) {
        ++donations;
        donors.insert(e.donor);
        donation_ids.insert(e.id);
      } else {
        ++refunds;
        refunds_follow = refunds_follow && donation_ids.count(e.ref) == 1;
      }
    }
    CHECK(donations == parameters.donations);
    CHECK(donors.size() == parameters.donors);
    CHECK(donation_ids.size() == donations);
    CHECK(in_order);
    CHECK(inside);
    CHECK(refunds_follow);
    // A refund rate of 5 %: 1,000 of 20,000 give or take the volume and refunds too late to come.
    CHECK(refunds > donations / 40);
    CHECK(refunds < donations / 10);
  }
}
