// Ratios, probabilities and the rounding of money x ratio (SPEC §1, §5.4).
#include "matchfund/ratio.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/error.hpp"
#include "matchfund/money.hpp"
#include "matchfund/probability.hpp"
#include "matchfund/rounding.hpp"

using matchfund::floor_fraction;
using matchfund::format_probability;
using matchfund::format_ratio;
using matchfund::money;
using matchfund::money_limit_minor;
using matchfund::overflow_error;
using matchfund::parse_probability;
using matchfund::parse_ratio;
using matchfund::probability;
using matchfund::ratio;
using matchfund::ratio_limit_millionths;
using matchfund::round_product;
using matchfund::rounding;

namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

const std::string limit_message = "amount exceeds the money limit of 10^15 minor units";

struct valid_millionths_text {
  std::string_view text;
  std::int64_t millionths;
};

struct invalid_text {
  std::string_view text;
  std::string message;
};

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string invalid_ratio(std::string_view text) {
  return "invalid ratio " + quoted(text) +
         ": expected a non-negative decimal or a percent such as \"50%\"";
}

std::string invalid_probability(std::string_view text) {
  return "invalid probability " + quoted(text) +
         ": expected a non-negative decimal or a percent such as \"50%\"";
}

}  // namespace

TEST_CASE("parse_ratio reads decimals and percents exactly", "[ratio][parse]") {
  static constexpr valid_millionths_text cases[] = {
      {"1", 1'000'000},
      {"2", 2'000'000},
      {"12", 12'000'000},
      {"0.5", 500'000},
      {"0.50", 500'000},
      {"0", 0},
      {"0.0", 0},
      {"0.000001", 1},
      {"0.123456", 123'456},
      {"1.123456", 1'123'456},
      {"1.000000", 1'000'000},
      {"00.5", 500'000},
      {"50%", 500'000},
      {"12.5%", 125'000},
      {"100%", 1'000'000},
      {"250%", 2'500'000},
      {"0%", 0},
      {"0.0001%", 1},
      {"12.3456%", 123'456},
      {"5%", 50'000},
      // The largest ratio, 10^9, in both spellings.
      {"1000000000", ratio_limit_millionths},
      {"1000000000.000000", ratio_limit_millionths},
      {"100000000000%", ratio_limit_millionths},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_ratio(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->millionths() == c.millionths);
  }
}

TEST_CASE("parse_ratio rejects invalid text with an exact message", "[ratio][parse]") {
  const invalid_text cases[] = {
      {"0.1234567", "ratio \"0.1234567\" has more than 6 fraction digits"},
      // Counted on the text, so even trailing zeros beyond six digits are refused.
      {"0.5000000", "ratio \"0.5000000\" has more than 6 fraction digits"},
      {"12.34567%", "ratio \"12.34567%\" has more than 4 fraction digits"},
      {"50.00000%", "ratio \"50.00000%\" has more than 4 fraction digits"},
      {"1000000000.000001", "ratio \"1000000000.000001\" is greater than the limit of 10^9"},
      {"1000000001", "ratio \"1000000001\" is greater than the limit of 10^9"},
      {"100000000000.0001%", "ratio \"100000000000.0001%\" is greater than the limit of 10^9"},
      {"99999999999999999999999999999999999999999",
       "ratio \"99999999999999999999999999999999999999999\" is greater than the limit of 10^9"},
      {"-1", invalid_ratio("-1")},
      {"-0", invalid_ratio("-0")},
      {"-0.5", invalid_ratio("-0.5")},
      {"-50%", invalid_ratio("-50%")},
      {"%", invalid_ratio("%")},
      {"1%%", invalid_ratio("1%%")},
      {"%50", invalid_ratio("%50")},
      {"50 %", invalid_ratio("50 %")},
      {"", invalid_ratio("")},
      {".5", invalid_ratio(".5")},
      {"1.", invalid_ratio("1.")},
      {"1.%", invalid_ratio("1.%")},
      {"1e5", invalid_ratio("1e5")},
      {"+1", invalid_ratio("+1")},
      {" 1", invalid_ratio(" 1")},
      {"1 ", invalid_ratio("1 ")},
      {"1/2", invalid_ratio("1/2")},
      {"1万", invalid_ratio("1万")},
      {"５0%", invalid_ratio("５0%")},
      {"50％", invalid_ratio("50％")},  // full-width percent sign
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_ratio(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("format_ratio gives the shortest exact decimal", "[ratio][format]") {
  struct format_case {
    std::int64_t millionths;
    std::string_view text;
  };
  static constexpr format_case cases[] = {
      {0, "0"},
      {1, "0.000001"},
      {10, "0.00001"},
      {1010, "0.00101"},
      {100'000, "0.1"},
      {123'456, "0.123456"},
      {500'000, "0.5"},
      {1'000'000, "1"},
      {1'230'000, "1.23"},
      {2'500'000, "2.5"},
      {12'000'000, "12"},
      {ratio_limit_millionths, "1000000000"},
      {ratio_limit_millionths - 1, "999999999.999999"},
  };
  for (const auto& c : cases) {
    INFO("millionths " << c.millionths);
    CHECK(format_ratio(ratio::from_millionths(c.millionths)) == c.text);
  }
}

TEST_CASE("ratio values and comparisons", "[ratio]") {
  CHECK(ratio{}.millionths() == 0);
  CHECK(ratio{}.is_zero());
  CHECK_FALSE(ratio::from_millionths(1).is_zero());
  CHECK(ratio::whole(2).millionths() == 2'000'000);
  CHECK(ratio::whole(0).is_zero());
  CHECK(ratio::from_millionths(499'999) < ratio::from_millionths(500'000));
  CHECK(parse_ratio("50%").value() == parse_ratio("0.5").value());
  CHECK(parse_ratio("1").value() == ratio::whole(1));
}

TEST_CASE("format_ratio and parse_ratio round-trip (property)", "[ratio][property]") {
  constexpr std::uint64_t seed = 7;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<int> magnitude_digits(0, 15);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::int64_t bound = 1;
    for (int i = magnitude_digits(engine); i > 0; --i) bound *= 10;
    const std::int64_t millionths = std::uniform_int_distribution<std::int64_t>(0, bound)(engine);
    INFO("seed " << seed << ", iteration " << iteration << ", millionths " << millionths);
    const std::string text = format_ratio(ratio::from_millionths(millionths));
    INFO("text " << text);
    REQUIRE(text.back() != '.');
    if (text.find('.') != std::string::npos) REQUIRE(text.back() != '0');  // shortest form
    const auto parsed = parse_ratio(text);
    REQUIRE(parsed.has_value());
    REQUIRE(parsed->millionths() == millionths);
  }
}

TEST_CASE("parse_probability accepts values from 0 to 1 exactly", "[probability][parse]") {
  static constexpr valid_millionths_text cases[] = {
      {"0", 0},
      {"1", 1'000'000},
      {"0.7", 700'000},
      {"0.000001", 1},
      {"0.999999", 999'999},
      {"1.0", 1'000'000},
      {"1.000000", 1'000'000},
      {"0%", 0},
      {"70%", 700'000},
      {"100%", 1'000'000},
      {"100.0000%", 1'000'000},
      {"0.0001%", 1},
      {"99.9999%", 999'999},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_probability(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->millionths() == c.millionths);
  }
}

TEST_CASE("parse_probability rejects values above 1 or malformed with an exact message",
          "[probability][parse]") {
  const invalid_text cases[] = {
      {"1.000001", "probability \"1.000001\" is greater than 1"},
      {"100.0001%", "probability \"100.0001%\" is greater than 1"},
      {"2", "probability \"2\" is greater than 1"},
      {"101%", "probability \"101%\" is greater than 1"},
      {"0.1234567", "probability \"0.1234567\" has more than 6 fraction digits"},
      {"12.34567%", "probability \"12.34567%\" has more than 4 fraction digits"},
      {"-0.5", invalid_probability("-0.5")},
      {"-0", invalid_probability("-0")},
      {"", invalid_probability("")},
      {"%", invalid_probability("%")},
      {"0.7 ", invalid_probability("0.7 ")},
      {"seventy", invalid_probability("seventy")},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_probability(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("a probability draws iff the uniform draw is below its millionths", "[probability]") {
  const probability seventy = parse_probability("0.7").value();
  CHECK(seventy.is_drawn(0));
  CHECK(seventy.is_drawn(699'999));
  CHECK_FALSE(seventy.is_drawn(700'000));
  CHECK_FALSE(seventy.is_drawn(999'999));
  const probability never = parse_probability("0").value();
  CHECK(never == probability{});
  CHECK_FALSE(never.is_drawn(0));
  const probability always = parse_probability("100%").value();
  CHECK(always == probability::certain());
  CHECK(always.millionths() == probability::denominator);
  CHECK(always.is_drawn(0));
  CHECK(always.is_drawn(999'999));
  CHECK(never < seventy);
  CHECK(seventy < always);
  CHECK(format_probability(seventy) == "0.7");
  CHECK(format_probability(always) == "1");
  CHECK(format_probability(never) == "0");
  CHECK(format_probability(probability::from_millionths(1)) == "0.000001");
}

TEST_CASE("rounding modes have stable names", "[rounding]") {
  using matchfund::rounding_from_string;
  CHECK(matchfund::to_string(rounding::floor) == "floor");
  CHECK(matchfund::to_string(rounding::half_up) == "half_up");
  CHECK(matchfund::to_string(rounding::half_even) == "half_even");
  CHECK(rounding_from_string("floor") == rounding::floor);
  CHECK(rounding_from_string("half_up") == rounding::half_up);
  CHECK(rounding_from_string("half_even") == rounding::half_even);
  CHECK_FALSE(rounding_from_string("Floor").has_value());
  CHECK_FALSE(rounding_from_string("half-up").has_value());
  CHECK_FALSE(rounding_from_string("").has_value());
  CHECK_FALSE(rounding_from_string("ceil").has_value());
}

TEST_CASE("round_product rounds amount x ratio by the rounding mode", "[rounding]") {
  // Negative amounts (reversals) follow the header's definitions: floor goes toward negative
  // infinity, half_up sends ties toward positive infinity (-1.5 -> -1), half_even to the even
  // neighbour (-1.5 -> -2, -2.5 -> -2).
  struct rounding_case {
    std::int64_t minor;
    std::int64_t millionths;
    std::int64_t floor;
    std::int64_t half_up;
    std::int64_t half_even;
  };
  static constexpr rounding_case cases[] = {
      // exact products
      {0, 1'000'000, 0, 0, 0},
      {7, 1'000'000, 7, 7, 7},
      {1234, 2'000'000, 2468, 2468, 2468},
      {12'345, 50'000, 617, 617, 617},  // 617.25
      // exact halves
      {1, 500'000, 0, 1, 0},                // 0.5
      {3, 500'000, 1, 2, 2},                // 1.5
      {5, 500'000, 2, 3, 2},                // 2.5
      {12'345, 100'000, 1234, 1235, 1234},  // 1234.5
      {12'355, 100'000, 1235, 1236, 1236},  // 1235.5
      {999'999'999'999'999, 500'000, 499'999'999'999'999, 500'000'000'000'000, 500'000'000'000'000},
      {999'999'999'999'997, 500'000, 499'999'999'999'998, 499'999'999'999'999, 499'999'999'999'998},
      // just below and just above a half
      {1, 499'999, 0, 0, 0},
      {1, 500'001, 0, 1, 1},
      {3, 499'999, 1, 1, 1},  // 1.499997
      {3, 500'001, 1, 2, 2},  // 1.500003
      {1, 999'999, 0, 1, 1},
      {1, 1, 0, 0, 0},
      // negative amounts
      {-1, 500'000, -1, 0, 0},    // -0.5
      {-3, 500'000, -2, -1, -2},  // -1.5
      {-5, 500'000, -3, -2, -2},  // -2.5
      {-1, 499'999, -1, 0, 0},
      {-1, 500'001, -1, -1, -1},
      {-1234, 2'000'000, -2468, -2468, -2468},
      {-12'345, 50'000, -618, -617, -617},  // -617.25
      // big values near the limit
      {money_limit_minor, 1'000'000, money_limit_minor, money_limit_minor, money_limit_minor},
      {money_limit_minor, 999'999, 999'999'000'000'000, 999'999'000'000'000, 999'999'000'000'000},
      {-money_limit_minor, 1'000'000, -money_limit_minor, -money_limit_minor, -money_limit_minor},
      {money_limit_minor, 0, 0, 0, 0},
      {1, ratio_limit_millionths, 1'000'000'000, 1'000'000'000, 1'000'000'000},
      {1'000'000, ratio_limit_millionths, money_limit_minor, money_limit_minor, money_limit_minor},
      {999'999'999'999, 1'000'000'000, 999'999'999'999'000, 999'999'999'999'000,
       999'999'999'999'000},
      // Products past 2^64 in the intermediate: 64-bit arithmetic would wrap to a tiny amount.
      {18'446'744'073'710, 1'000'000, 18'446'744'073'710, 18'446'744'073'710, 18'446'744'073'710},
      {7'378'697'629'484, 2'500'000, 18'446'744'073'710, 18'446'744'073'710, 18'446'744'073'710},
      // Exact halves next to the limit: 10^15 - 0.5 rounds up onto the limit (allowed).
      {18'348'623'853'211, 54'500'000, money_limit_minor - 1, money_limit_minor, money_limit_minor},
  };
  for (const auto& c : cases) {
    INFO("minor " << c.minor << ", millionths " << c.millionths);
    const money amount = money::from_minor(c.minor);
    const ratio r = ratio::from_millionths(c.millionths);
    CHECK(round_product(amount, r, rounding::floor).minor_units() == c.floor);
    CHECK(round_product(amount, r, rounding::half_up).minor_units() == c.half_up);
    CHECK(round_product(amount, r, rounding::half_even).minor_units() == c.half_even);
  }
}

TEST_CASE("round_product throws beyond the money limit instead of wrapping", "[rounding][limit]") {
  struct beyond_case {
    std::int64_t minor;
    std::int64_t millionths;
  };
  static constexpr beyond_case cases[] = {
      {money_limit_minor, 1'000'000'000},  // 10^15 x 1000: 10^24 in the intermediate
      {money_limit_minor, 1'000'001},      // one millionth above 1
      {-money_limit_minor, 1'000'001},
      {money_limit_minor, 2'000'000},
      {-money_limit_minor, 2'000'000},
      {money_limit_minor, ratio_limit_millionths},  // 10^30 in the intermediate
      {-money_limit_minor, ratio_limit_millionths},
      {1'000'001, ratio_limit_millionths},
      // A ratio built beyond the parser's limit still cannot wrap: 10^15 x (2^63 - 1).
      {money_limit_minor, int64_max},
      {money_limit_minor, int64_min},
  };
  for (const auto& c : cases) {
    INFO("minor " << c.minor << ", millionths " << c.millionths);
    for (rounding mode : {rounding::floor, rounding::half_up, rounding::half_even}) {
      INFO("mode " << matchfund::to_string(mode));
      REQUIRE_THROWS_MATCHES(
          round_product(money::from_minor(c.minor), ratio::from_millionths(c.millionths), mode),
          overflow_error, Catch::Matchers::Message(limit_message));
    }
  }
  // 5,249,343,832,021 x 190.5 = 10^15 + 0.5 exactly: floor and half_even stay on the limit,
  // half_up would cross it and is refused.
  const money amount = money::from_minor(5'249'343'832'021);
  const ratio r = ratio::from_millionths(190'500'000);
  CHECK(round_product(amount, r, rounding::floor).minor_units() == money_limit_minor);
  CHECK(round_product(amount, r, rounding::half_even).minor_units() == money_limit_minor);
  REQUIRE_THROWS_MATCHES(round_product(amount, r, rounding::half_up), overflow_error,
                         Catch::Matchers::Message(limit_message));
}

TEST_CASE("floor_fraction floors amount x numerator over denominator exactly", "[rounding]") {
  struct fraction_case {
    std::int64_t minor;
    std::int64_t numerator;
    std::int64_t denominator;
    std::int64_t expected;
  };
  static constexpr fraction_case cases[] = {
      {100, 1, 3, 33},
      {100, 2, 3, 66},
      {100, 3, 3, 100},
      {100, 0, 3, 0},
      {-100, 1, 3, -34},  // floor, not truncation
      {-100, 2, 3, -67},
      {100, -1, 3, -34},
      {7, 5, 7, 5},
      {1, 1, int64_max, 0},
      {money_limit_minor, money_limit_minor, money_limit_minor, money_limit_minor},  // 10^30 inside
      {money_limit_minor, int64_max, int64_max, money_limit_minor},
      {money_limit_minor, int64_max - 1, int64_max, 999'999'999'999'999},
      {-money_limit_minor, int64_max - 1, int64_max, -money_limit_minor},
      {999'999'999'999'999, 999'999'999'999'998, 999'999'999'999'999, 999'999'999'999'998},
  };
  for (const auto& c : cases) {
    INFO("minor " << c.minor << " x " << c.numerator << " / " << c.denominator);
    CHECK(floor_fraction(money::from_minor(c.minor), c.numerator, c.denominator).minor_units() ==
          c.expected);
  }
  REQUIRE_THROWS_MATCHES(floor_fraction(money::from_minor(money_limit_minor), 2, 1), overflow_error,
                         Catch::Matchers::Message(limit_message));
  REQUIRE_THROWS_MATCHES(floor_fraction(money::from_minor(money_limit_minor), int64_max, 1),
                         overflow_error, Catch::Matchers::Message(limit_message));
  REQUIRE_THROWS_MATCHES(floor_fraction(money::from_minor(1), money_limit_minor + 1, 1),
                         overflow_error, Catch::Matchers::Message(limit_message));
}

namespace {

// Decimal digits, least significant first: a schoolbook big integer that shares nothing with
// the 128-bit arithmetic under test.
using digits_le = std::vector<int>;

digits_le to_digits(std::uint64_t value) {
  digits_le digits;
  do {
    digits.push_back(static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  return digits;
}

digits_le multiply(const digits_le& a, const digits_le& b) {
  digits_le product(a.size() + b.size(), 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    int carry = 0;
    for (std::size_t j = 0; j < b.size(); ++j) {
      const int current = product[i + j] + a[i] * b[j] + carry;
      product[i + j] = current % 10;
      carry = current / 10;
    }
    std::size_t k = i + b.size();
    while (carry != 0) {
      const int current = product[k] + carry;
      product[k] = current % 10;
      carry = current / 10;
      ++k;
    }
  }
  while (product.size() > 1 && product.back() == 0) product.pop_back();
  return product;
}

digits_le add_one(digits_le digits) {
  for (std::size_t i = 0;; ++i) {
    if (i == digits.size()) digits.push_back(0);
    if (digits[i] < 9) {
      ++digits[i];
      return digits;
    }
    digits[i] = 0;
  }
}

// |amount| x millionths split at the decimal point: the whole part and the six fraction digits.
struct reference_product {
  bool negative = false;
  digits_le whole;  // floor(|amount| x millionths / 10^6)
  int fraction = 0;  // (|amount| x millionths) mod 10^6
};

reference_product multiply_by_millionths(std::int64_t minor, std::int64_t millionths) {
  reference_product result;
  result.negative = minor < 0;
  // |minor| <= 10^15 and millionths >= 0 here, so the magnitudes fit in uint64.
  const auto magnitude = static_cast<std::uint64_t>(minor < 0 ? -minor : minor);
  const digits_le product =
      multiply(to_digits(magnitude), to_digits(static_cast<std::uint64_t>(millionths)));
  int scale = 1;
  for (std::size_t i = 0; i < 6; ++i) {
    if (i < product.size()) result.fraction += product[i] * scale;
    scale *= 10;
  }
  if (product.size() > 6) {
    result.whole.assign(product.begin() + 6, product.end());
  } else {
    result.whole = {0};
  }
  return result;
}

// The rounded magnitude and its sign applied, or nullopt when it is beyond the money limit.
std::optional<std::int64_t> reference_round(std::int64_t minor, std::int64_t millionths,
                                            rounding mode) {
  const reference_product p = multiply_by_millionths(minor, millionths);
  constexpr int half = 500'000;
  const bool quotient_odd = p.whole.front() % 2 == 1;
  bool away_from_zero = false;  // whether the magnitude goes up by one
  if (p.fraction != 0) {
    if (mode == rounding::floor) {
      away_from_zero = p.negative;
    } else if (p.fraction != half) {
      away_from_zero = p.fraction > half;
    } else if (mode == rounding::half_up) {
      away_from_zero = !p.negative;  // ties toward positive infinity
    } else {
      away_from_zero = quotient_odd;  // ties to even
    }
  }
  const digits_le magnitude = away_from_zero ? add_one(p.whole) : p.whole;
  // Compare with the limit 10^15 by digit count and digits.
  if (magnitude.size() > 16) return std::nullopt;
  std::int64_t value = 0;
  for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) value = value * 10 + *it;
  if (value > money_limit_minor) return std::nullopt;
  return p.negative ? -value : value;
}

std::int64_t random_magnitude(std::mt19937_64& engine, int max_digits) {
  const int digits = std::uniform_int_distribution<int>(0, max_digits)(engine);
  std::int64_t bound = 1;
  for (int i = 0; i < digits; ++i) bound *= 10;
  return std::uniform_int_distribution<std::int64_t>(0, bound)(engine);
}

}  // namespace

TEST_CASE("round_product agrees with schoolbook decimal arithmetic (property)",
          "[rounding][property]") {
  constexpr std::uint64_t seed = 1630980000000;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<int> shape(0, 3);
  std::size_t overflows = 0;
  std::size_t ties = 0;
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::int64_t minor = random_magnitude(engine, 15);
    std::int64_t millionths = 0;
    switch (shape(engine)) {
      case 0: millionths = random_magnitude(engine, 7); break;     // everyday ratios up to 10
      case 1: millionths = random_magnitude(engine, 15); break;    // up to the ratio limit
      case 2: millionths = 500'000 * (random_magnitude(engine, 2) | 1); break;  // odd halves
      default: millionths = 50'000 * random_magnitude(engine, 3); break;       // 5% steps
    }
    if (std::uniform_int_distribution<int>(0, 1)(engine) == 1) minor = -minor;
    INFO("seed " << seed << ", iteration " << iteration << ", minor " << minor << ", millionths "
                 << millionths);
    for (rounding mode : {rounding::floor, rounding::half_up, rounding::half_even}) {
      INFO("mode " << matchfund::to_string(mode));
      const auto expected = reference_round(minor, millionths, mode);
      const money amount = money::from_minor(minor);
      const ratio r = ratio::from_millionths(millionths);
      if (expected) {
        REQUIRE(round_product(amount, r, mode).minor_units() == *expected);
      } else {
        REQUIRE_THROWS_AS(round_product(amount, r, mode), overflow_error);
      }
    }
    if (!reference_round(minor, millionths, rounding::floor)) ++overflows;
    if (multiply_by_millionths(minor, millionths).fraction == 500'000) ++ties;
  }
  // The generator must actually reach the limit and the exact halves.
  CHECK(overflows > 100);
  CHECK(ties > 100);
}

TEST_CASE("rounded division in 64 bits agrees with 128 bits on both sides of the switch (property)",
          "[rounding][property]") {
  using matchfund::detail::int128;
  constexpr std::int64_t limit = std::int64_t{1} << 62;
  std::mt19937_64 random(2024);  // std::mt19937_64's sequence is fixed by the standard
  const std::vector<std::int64_t> edges = {0, 1, -1, 999'999, 1'000'000, -1'000'000, limit - 1, -(limit - 1), limit, -limit};
  std::size_t compared = 0;
  for (int i = 0; i < 30'000; ++i) {
    int128 numerator = 0;
    switch (i % 3) {
      case 0: numerator = static_cast<std::int64_t>(random() % 2'000'000'001) - 1'000'000'000; break;
      case 1: numerator = edges[random() % edges.size()] + static_cast<std::int64_t>(random() % 7) - 3; break;
      default: numerator = int128{static_cast<std::int64_t>(random())} * static_cast<std::int64_t>(random() % 1'000'000); break;
    }
    const std::vector<int128> denominators = {1, 2, 3, 1'000'000, static_cast<std::int64_t>(random() % 1'000'000'000) + 1, limit - 1, limit, int128{limit} * 3};
    for (const int128 denominator : denominators) {
      for (const auto mode : {matchfund::rounding::floor, matchfund::rounding::half_up, matchfund::rounding::half_even}) {
        CHECK(matchfund::detail::divide_rounded(numerator, denominator, mode) ==
              matchfund::detail::divide_rounded_as<int128>(numerator, denominator, mode));
        ++compared;
      }
    }
  }
  CHECK(compared == 30'000 * 8 * 3);
  // Ties in both forms: 2.5 and -2.5 (in thousandths over 1000).
  CHECK(matchfund::detail::divide_rounded(2500, 1000, matchfund::rounding::half_even) == 2);
  CHECK(matchfund::detail::divide_rounded(-2500, 1000, matchfund::rounding::half_even) == -2);
  CHECK(matchfund::detail::divide_rounded(-2500, 1000, matchfund::rounding::half_up) == -2);
  CHECK(matchfund::detail::divide_rounded(3500, 1000, matchfund::rounding::half_even) == 4);
  CHECK(matchfund::detail::divide_rounded(-1, 1000, matchfund::rounding::floor) == -1);
}
