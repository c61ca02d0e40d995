// Deterministic draws: the test vectors of SPEC §5.4, exactly.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>

#include "matchfund/random_draw.hpp"

using namespace matchfund;

TEST_CASE("the draw vectors of SPEC §5.4", "[random_draw]") {
  struct vector_case {
    std::int64_t seed;
    const char* rule;
    const char* donation;
    std::string_view purpose;
    std::uint64_t hash;
    std::uint64_t n;
    std::uint64_t draw;
  };
  const vector_case cases[] = {
      {20210907, "tencent", "d-0001", draw_for_probability, 0x49d1909220488728ULL, 1000000, 288353},
      {20210907, "tencent", "d-0001", draw_for_ratio, 0x06a4d858d926b347ULL, 96, 2},
      {20210907, "tencent", "捐赠-42", draw_for_amount, 0x58dd026cae7f1638ULL, 500, 173},
  };
  for (const auto& c : cases) {
    INFO(c.rule << " " << c.donation << " " << c.purpose);
    CHECK(draw_hash(c.seed, c.rule, c.donation, c.purpose) == c.hash);
    CHECK(uniform_below(c.hash, c.n) == c.draw);
    CHECK(uniform_draw(c.seed, c.rule, c.donation, c.purpose, c.n) == c.draw);
  }
}

TEST_CASE("draws depend on every input and stay below n", "[random_draw]") {
  const std::uint64_t base = draw_hash(1, "r", "d", "p");
  CHECK(draw_hash(2, "r", "d", "p") != base);
  CHECK(draw_hash(-1, "r", "d", "p") != base);
  CHECK(draw_hash(1, "r2", "d", "p") != base);
  CHECK(draw_hash(1, "r", "d2", "p") != base);
  CHECK(draw_hash(1, "r", "d", "r") != base);
  // The separator keeps ("ab", "c") apart from ("a", "bc").
  CHECK(draw_hash(1, "ab", "c", "p") != draw_hash(1, "a", "bc", "p"));
  CHECK(uniform_below(0, 10) == 0);
  CHECK(uniform_below(~std::uint64_t{0}, 10) == 9);
  CHECK(uniform_below(~std::uint64_t{0}, 1) == 0);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto draw = uniform_draw(20210907, "tencent", "d-" + std::to_string(i), draw_for_ratio, 20);
    REQUIRE(draw < 20);
    seen.insert(draw);
  }
  CHECK(seen.size() == 20);  // every choice of a 20-step random ratio occurs
}

TEST_CASE("the seed is hashed as its decimal text, extremes included", "[random_draw]") {
  // The decimal text of INT64_MIN needs the full width and a sign.
  CHECK(draw_hash(INT64_MIN, "r", "d", "p") != draw_hash(INT64_MAX, "r", "d", "p"));
  CHECK(draw_hash(0, "r", "d", "p") == draw_hash(-0, "r", "d", "p"));
}
