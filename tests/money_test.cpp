// Money (SPEC §1): the text grammar, exactness, the 10^15 minor-unit limit, formatting,
// checked arithmetic, and the currencies with known minor digits.
#include "matchfund/money.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "matchfund/currency.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "matchfund/parse_result.hpp"

using matchfund::format_money;
using matchfund::minor_digits_t;
using matchfund::money;
using matchfund::money_limit_minor;
using matchfund::overflow_error;
using matchfund::parse_error;
using matchfund::parse_money;

namespace {

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

const std::string limit_message = "amount exceeds the money limit of 10^15 minor units";

struct valid_money_text {
  std::string_view text;
  minor_digits_t digits;
  std::int64_t minor;
};

struct invalid_money_text {
  std::string_view text;
  minor_digits_t digits;
  std::string message;  // owns the text: the helpers below build it
};

std::string shape_message(std::string_view text) {
  return "invalid money \"" + std::string(text) +
         "\": expected digits with an optional fraction, then optionally 万 or 亿";
}

// The message names how many fraction digits the text may have: the currency's, plus 4 with 万
// and 8 with 亿.
std::string inexact_message(std::string_view text, minor_digits_t digits) {
  std::string allowed = std::to_string(digits) + " fraction digits";
  if (text.ends_with("万")) allowed = std::to_string(digits + 4) + " fraction digits with 万";
  if (text.ends_with("亿")) allowed = std::to_string(digits + 8) + " fraction digits with 亿";
  return "money \"" + std::string(text) + "\" is not a whole number of minor units (at most " + allowed + ")";
}

std::string too_large_message(std::string_view text) {
  return "money \"" + std::string(text) + "\" exceeds the limit of 10^15 minor units";
}

}  // namespace

TEST_CASE("parse_money reads valid money text exactly", "[money][parse]") {
  static constexpr valid_money_text cases[] = {
      {"12.34", 2, 1234},
      {"12.340", 2, 1234},  // trailing zeros beyond the minor digits are exact
      {"12.3400000000000000000000", 2, 1234},
      {"12", 2, 1200},
      {"12.3", 2, 1230},
      {"0", 2, 0},
      {"0.00", 2, 0},
      {"0.01", 2, 1},
      {"-0", 2, 0},
      {"-0.00", 2, 0},
      {"-12.30", 2, -1230},
      {"-0.05", 2, -5},
      {"007.50", 2, 750},  // leading zeros are allowed by the grammar
      {"0000000000000000000000000000000001", 2, 100},
      {"2.9999亿", 2, 29'999'000'000},  // 299,990,000.00 (SPEC §1)
      {"1亿", 2, 10'000'000'000},
      {"9999万", 2, 9'999'000'000},
      {"1万", 2, 1'000'000},
      {"0.5万", 2, 500'000},
      {"1.234567万", 2, 1'234'567},
      {"1.2345670万", 2, 1'234'567},
      {"-1万", 2, -1'000'000},
      {"0.0000000001亿", 2, 1},
      {"100000亿", 2, money_limit_minor},
      // The limit itself is allowed, in either sign.
      {"10000000000000", 2, money_limit_minor},
      {"10000000000000.00", 2, money_limit_minor},
      {"-10000000000000.00", 2, -money_limit_minor},
      {"00000000000000000010000000000000.00", 2, money_limit_minor},
      // JPY, KRW: no minor digits.
      {"1", 0, 1},
      {"1.0", 0, 1},
      {"1.000", 0, 1},
      {"1万", 0, 10'000},
      {"1.2345万", 0, 12'345},
      {"1000000000000000", 0, money_limit_minor},
      {"-1000000000000000", 0, -money_limit_minor},
      {"10000000亿", 0, money_limit_minor},
      // The most minor digits campaign.minor_digits allows.
      {"0.000000001", 9, 1},
      {"1", 9, 1'000'000'000},
      {"1000000", 9, money_limit_minor},
      {"1000000.000000000", 9, money_limit_minor},
      {"1万", 9, 10'000'000'000'000},
      {"100万", 9, money_limit_minor},
      {"0.01亿", 9, money_limit_minor},
      // Other digit counts.
      {"12.3", 1, 123},
      {"12.345", 3, 12'345},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\", digits " << c.digits);
    const auto parsed = parse_money(c.text, c.digits);
    REQUIRE(parsed.has_value());
    REQUIRE(parsed.error().empty());
    CHECK(parsed->minor_units() == c.minor);
  }
}

TEST_CASE("parse_money rejects invalid money text with an exact message", "[money][parse]") {
  const invalid_money_text cases[] = {
      // Not a whole number of minor units: an error, never rounded (SPEC §1).
      {"12.345", 2, inexact_message("12.345", 2)},
      {"12.3401", 2, inexact_message("12.3401", 2)},
      {"0.001", 2, inexact_message("0.001", 2)},
      {"-0.001", 2, inexact_message("-0.001", 2)},
      {"1.5", 0, inexact_message("1.5", 0)},
      {"1.00001万", 0, inexact_message("1.00001万", 0)},
      {"1.2345678万", 2, inexact_message("1.2345678万", 2)},
      {"0.00000000001亿", 2, inexact_message("0.00000000001亿", 2)},
      {"0.0000000001", 9, inexact_message("0.0000000001", 9)},
      // One minor unit above the limit, in either sign and at every scale.
      {"10000000000000.01", 2, too_large_message("10000000000000.01")},
      {"-10000000000000.01", 2, too_large_message("-10000000000000.01")},
      {"10000000000001", 2, too_large_message("10000000000001")},
      {"1000000000000001", 0, too_large_message("1000000000000001")},
      {"-1000000000000001", 0, too_large_message("-1000000000000001")},
      {"1000000.000000001", 9, too_large_message("1000000.000000001")},
      {"100000.00000001亿", 2, too_large_message("100000.00000001亿")},
      {"1亿", 9, too_large_message("1亿")},
      {"10000000亿", 2, too_large_message("10000000亿")},
      // Far beyond 64 and 128 bits: rejected, not wrapped.
      {"9223372036854775807", 0, too_large_message("9223372036854775807")},
      {"18446744073709551616", 0, too_large_message("18446744073709551616")},
      {"340282366920938463463374607431768211457", 2,
       too_large_message("340282366920938463463374607431768211457")},
      {"99999999999999999999999999999999999999999999999999999999999999999999999999999999", 2,
       too_large_message(
           "99999999999999999999999999999999999999999999999999999999999999999999999999999999")},
      // Text outside the grammar -?[0-9]+(\.[0-9]+)?(万|亿)?
      {"", 2, shape_message("")},
      {".", 2, shape_message(".")},
      {"1.", 2, shape_message("1.")},
      {".5", 2, shape_message(".5")},
      {"-.5", 2, shape_message("-.5")},
      {"-", 2, shape_message("-")},
      {"--1", 2, shape_message("--1")},
      {"+1", 2, shape_message("+1")},
      {"1e5", 2, shape_message("1e5")},
      {"1E5", 2, shape_message("1E5")},
      {" 1", 2, shape_message(" 1")},
      {"1 ", 2, shape_message("1 ")},
      {"1\t", 2, shape_message("1\t")},
      {"1,000", 2, shape_message("1,000")},
      {"1_000", 2, shape_message("1_000")},
      {"1.2.3", 2, shape_message("1.2.3")},
      {"1.-5", 2, shape_message("1.-5")},
      {"0x10", 2, shape_message("0x10")},
      {"NaN", 2, shape_message("NaN")},
      {"inf", 2, shape_message("inf")},
      {"１２", 2, shape_message("１２")},  // full-width digits
      {"万", 2, shape_message("万")},
      {"亿", 2, shape_message("亿")},
      {"-万", 2, shape_message("-万")},
      {"1万万", 2, shape_message("1万万")},
      {"1亿万", 2, shape_message("1亿万")},
      {"1万亿", 2, shape_message("1万亿")},
      {"1 万", 2, shape_message("1 万")},
      {"1万 ", 2, shape_message("1万 ")},
      {"万1", 2, shape_message("万1")},
      {"一万", 2, shape_message("一万")},
      {"1千", 2, shape_message("1千")},
      {"¥1", 2, shape_message("¥1")},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\", digits " << c.digits);
    const auto parsed = parse_money(c.text, c.digits);
    REQUIRE_FALSE(parsed.has_value());
    REQUIRE_FALSE(static_cast<bool>(parsed));
    CHECK(parsed.error() == c.message);
    REQUIRE_THROWS_MATCHES(parsed.value(), parse_error, Catch::Matchers::Message(c.message));
  }
}

TEST_CASE("parse_money rejects an embedded NUL", "[money][parse]") {
  using namespace std::string_view_literals;
  const auto parsed = parse_money("1\0"sv, 2);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error() == shape_message("1\0"sv));
}

TEST_CASE("format_money gives exactly the minor digits", "[money][format]") {
  struct format_case {
    std::int64_t minor;
    minor_digits_t digits;
    std::string_view text;
  };
  static constexpr format_case cases[] = {
      {1234, 2, "12.34"},
      {1230, 2, "12.30"},
      {100, 2, "1.00"},
      {5, 2, "0.05"},
      {0, 2, "0.00"},
      {-5, 2, "-0.05"},
      {-100, 2, "-1.00"},
      {-1230, 2, "-12.30"},
      {29'999'000'000, 2, "299990000.00"},
      {money_limit_minor, 2, "10000000000000.00"},
      {-money_limit_minor, 2, "-10000000000000.00"},
      {0, 0, "0"},
      {12, 0, "12"},
      {-12, 0, "-12"},
      {money_limit_minor, 0, "1000000000000000"},
      {5, 1, "0.5"},
      {-5, 1, "-0.5"},
      {1, 9, "0.000000001"},
      {-1, 9, "-0.000000001"},
      {0, 9, "0.000000000"},
      {money_limit_minor, 9, "1000000.000000000"},
      {123'456'789, 9, "0.123456789"},
      {1'123'456'789, 9, "1.123456789"},
  };
  for (const auto& c : cases) {
    INFO("minor " << c.minor << ", digits " << c.digits);
    CHECK(format_money(money::from_minor(c.minor), c.digits) == c.text);
  }
}

TEST_CASE("money construction checks the limit", "[money][limit]") {
  CHECK(money{}.minor_units() == 0);
  CHECK(money::zero().minor_units() == 0);
  CHECK(money::zero().is_zero());
  CHECK_FALSE(money::zero().is_negative());
  CHECK(money::from_minor(money_limit_minor).minor_units() == money_limit_minor);
  CHECK(money::from_minor(-money_limit_minor).minor_units() == -money_limit_minor);
  CHECK(money::from_minor(-1).is_negative());
  CHECK_FALSE(money::from_minor(1).is_negative());
  CHECK_FALSE(money::from_minor(1).is_zero());
  for (std::int64_t beyond :
       {money_limit_minor + 1, -money_limit_minor - 1, int64_max, int64_min}) {
    INFO("minor " << beyond);
    REQUIRE_THROWS_MATCHES(money::from_minor(beyond), overflow_error,
                           Catch::Matchers::Message(limit_message));
  }
}

TEST_CASE("money::from_units scales whole units by the minor digits", "[money][limit]") {
  struct units_case {
    std::int64_t units;
    minor_digits_t digits;
    std::int64_t minor;
  };
  static constexpr units_case cases[] = {
      {12, 2, 1200},
      {-3, 2, -300},
      {0, 9, 0},
      {12, 0, 12},
      {1, 9, 1'000'000'000},
      {10'000'000'000'000, 2, money_limit_minor},
      {-10'000'000'000'000, 2, -money_limit_minor},
      {1'000'000, 9, money_limit_minor},
      {money_limit_minor, 0, money_limit_minor},
  };
  for (const auto& c : cases) {
    INFO("units " << c.units << ", digits " << c.digits);
    CHECK(money::from_units(c.units, c.digits).minor_units() == c.minor);
  }
  struct beyond_case {
    std::int64_t units;
    minor_digits_t digits;
  };
  static constexpr beyond_case beyond[] = {
      {10'000'000'000'001, 2}, {-10'000'000'000'001, 2}, {1'000'001, 9},
      {int64_max, 9},  // 9.2 x 10^27 in the intermediate: must not wrap into range
      {int64_min, 9},  {int64_max, 0}, {int64_min, 2},
  };
  for (const auto& c : beyond) {
    INFO("units " << c.units << ", digits " << c.digits);
    REQUIRE_THROWS_MATCHES(money::from_units(c.units, c.digits), overflow_error,
                           Catch::Matchers::Message(limit_message));
  }
}

TEST_CASE("money arithmetic is exact and throws at the limit instead of wrapping",
          "[money][limit]") {
  const money top = money::from_minor(money_limit_minor);
  const money bottom = money::from_minor(-money_limit_minor);
  const money one = money::from_minor(1);

  SECTION("sums and differences within the limit") {
    CHECK((money::from_minor(1234) + money::from_minor(66)).minor_units() == 1300);
    CHECK((money::from_minor(1234) - money::from_minor(1300)).minor_units() == -66);
    CHECK((top + money::zero()).minor_units() == money_limit_minor);
    CHECK((top - one + one).minor_units() == money_limit_minor);
    CHECK((top + bottom).minor_units() == 0);
    CHECK((bottom - money::zero()).minor_units() == -money_limit_minor);
    CHECK((-top).minor_units() == -money_limit_minor);
    CHECK((-bottom).minor_units() == money_limit_minor);
    CHECK((-money::zero()).minor_units() == 0);
    money running = money::from_minor(10);
    running += money::from_minor(5);
    CHECK(running.minor_units() == 15);
    running -= money::from_minor(20);
    CHECK(running.minor_units() == -5);
  }

  SECTION("one minor unit beyond the limit throws") {
    REQUIRE_THROWS_MATCHES(top + one, overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(one + top, overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(bottom - one, overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top - (-one), overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(bottom + (-one), overflow_error,
                           Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top + top, overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(bottom + bottom, overflow_error,
                           Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top - bottom, overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(bottom - top, overflow_error, Catch::Matchers::Message(limit_message));
  }

  SECTION("a compound assignment that throws leaves the total unchanged") {
    money total = top;
    REQUIRE_THROWS_AS(total += one, overflow_error);
    CHECK(total.minor_units() == money_limit_minor);
    money debt = bottom;
    REQUIRE_THROWS_AS(debt -= one, overflow_error);
    CHECK(debt.minor_units() == -money_limit_minor);
  }

  SECTION("times multiplies by a count") {
    CHECK(money::from_minor(3).times(-4).minor_units() == -12);
    CHECK(money::from_minor(999'900).times(3).minor_units() == 2'999'700);
    CHECK(top.times(0).minor_units() == 0);
    CHECK(top.times(1).minor_units() == money_limit_minor);
    CHECK(top.times(-1).minor_units() == -money_limit_minor);
    CHECK(one.times(money_limit_minor).minor_units() == money_limit_minor);
    CHECK(money::from_minor(-1).times(money_limit_minor).minor_units() == -money_limit_minor);
    CHECK(money::zero().times(int64_max).minor_units() == 0);
    CHECK(money::zero().times(int64_min).minor_units() == 0);
  }

  SECTION("times throws beyond the limit, including products beyond 64 bits") {
    REQUIRE_THROWS_MATCHES(top.times(2), overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top.times(-2), overflow_error, Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(one.times(money_limit_minor + 1), overflow_error,
                           Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top.times(int64_max), overflow_error,
                           Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(top.times(int64_min), overflow_error,
                           Catch::Matchers::Message(limit_message));
    REQUIRE_THROWS_MATCHES(bottom.times(int64_min), overflow_error,
                           Catch::Matchers::Message(limit_message));
    // 2^63 x 2 = 2^64 wraps to 0 in 64 bits; it must be refused, not read as zero.
    REQUIRE_THROWS_MATCHES(money::from_minor(2).times(int64_min), overflow_error,
                           Catch::Matchers::Message(limit_message));
    // 10^15 x (2^64 / 10^15 rounded) lands near a multiple of 2^64: still refused.
    REQUIRE_THROWS_MATCHES(money::from_minor(4).times(4'611'686'018'427'387'904), overflow_error,
                           Catch::Matchers::Message(limit_message));
  }
}

TEST_CASE("money compares by amount", "[money]") {
  const money a = money::from_minor(-5);
  const money b = money::from_minor(7);
  CHECK(a < b);
  CHECK(b > a);
  CHECK(a <= a);
  CHECK(a != b);
  CHECK(a == money::from_minor(-5));
  CHECK((a <=> b) == std::strong_ordering::less);
  CHECK((b <=> b) == std::strong_ordering::equal);
  CHECK(min(a, b).minor_units() == -5);
  CHECK(max(a, b).minor_units() == 7);
  CHECK(min(b, a).minor_units() == -5);
  CHECK(max(b, a).minor_units() == 7);
  // "-0" and "0" are the same amount.
  CHECK(parse_money("-0", 2).value() == parse_money("0", 2).value());
}

TEST_CASE("parse_result gives the value or the failure", "[money][parse]") {
  const auto good = parse_money("1.50", 2);
  REQUIRE(good);
  CHECK(good.value().minor_units() == 150);
  CHECK((*good).minor_units() == 150);
  CHECK(good.error().empty());
  const auto bad = parse_money("1.505", 2);
  REQUIRE_FALSE(bad);
  REQUIRE_THROWS_MATCHES(*bad, parse_error, Catch::Matchers::Message(inexact_message("1.505", 2)));
  REQUIRE_THROWS_MATCHES(bad->minor_units(), parse_error,
                         Catch::Matchers::Message(inexact_message("1.505", 2)));
}

TEST_CASE("currencies with known minor digits", "[money][currency]") {
  using matchfund::is_currency_code;
  using matchfund::known_minor_digits;
  struct currency_case {
    std::string_view code;
    std::optional<minor_digits_t> digits;
  };
  const currency_case cases[] = {
      {"CNY", 2}, {"USD", 2}, {"GBP", 2}, {"EUR", 2}, {"HKD", 2}, {"JPY", 0}, {"KRW", 0},
      {"CHF", std::nullopt},  // a real currency SPEC does not list: minor_digits is required
      {"XYZ", std::nullopt}, {"cny", std::nullopt}, {"", std::nullopt}, {"CNYX", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("code \"" << c.code << "\"");
    CHECK(known_minor_digits(c.code) == c.digits);
  }
  CHECK(is_currency_code("CNY"));
  CHECK(is_currency_code("XYZ"));
  CHECK_FALSE(is_currency_code("cny"));
  CHECK_FALSE(is_currency_code("CN"));
  CHECK_FALSE(is_currency_code("CNYY"));
  CHECK_FALSE(is_currency_code("C1Y"));
  CHECK_FALSE(is_currency_code(""));
  static_assert(is_currency_code("JPY"));
  static_assert(known_minor_digits("JPY") == 0);
}

namespace {

// An amount in [-limit, limit], spread over every magnitude so short and long texts both occur.
std::int64_t random_amount(std::mt19937_64& engine) {
  std::uniform_int_distribution<int> magnitude_digits(0, 15);
  const int digits = magnitude_digits(engine);
  std::int64_t bound = 1;
  for (int i = 0; i < digits; ++i) bound *= 10;
  std::uniform_int_distribution<std::int64_t> amount(-bound, bound);
  return amount(engine);
}

}  // namespace

TEST_CASE("format_money and parse_money round-trip (property)", "[money][property]") {
  constexpr std::uint64_t seed = 20210907;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<minor_digits_t> digit_count(0, matchfund::max_minor_digits);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    const std::int64_t minor = random_amount(engine);
    const minor_digits_t digits = digit_count(engine);
    INFO("seed " << seed << ", iteration " << iteration << ", minor " << minor << ", digits "
                 << digits);
    const std::string text = format_money(money::from_minor(minor), digits);
    INFO("text " << text);
    // Shape: an optional sign, then exactly `digits` fraction digits.
    const auto point = text.find('.');
    if (digits == 0) {
      REQUIRE(point == std::string::npos);
    } else {
      REQUIRE(point != std::string::npos);
      REQUIRE(text.size() - point - 1 == static_cast<std::size_t>(digits));
    }
    REQUIRE((text.front() == '-') == (minor < 0));
    const auto parsed = parse_money(text, digits);
    REQUIRE(parsed.has_value());
    REQUIRE(parsed->minor_units() == minor);
  }
}

TEST_CASE("parse_money of random decimal text matches an exact reference (property)",
          "[money][property]") {
  constexpr std::uint64_t seed = 99;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> length(0, 18);
  std::uniform_int_distribution<int> minor_digit_count(0, matchfund::max_minor_digits);
  std::uniform_int_distribution<int> multiplier(0, 2);  // none, 万, 亿
  std::uniform_int_distribution<int> coin(0, 1);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    const minor_digits_t digits = minor_digit_count(engine);
    const int multiplier_digits = multiplier(engine) * 4;
    const bool negative = coin(engine) == 1;
    std::string integer_part;
    const int integer_length = length(engine) + 1;
    for (int i = 0; i < integer_length; ++i) integer_part += static_cast<char>('0' + digit(engine));
    std::string fraction_part;
    const int fraction_length = length(engine) % 12;
    for (int i = 0; i < fraction_length; ++i)
      fraction_part += static_cast<char>('0' + digit(engine));
    std::string text = (negative ? "-" : "") + integer_part;
    if (!fraction_part.empty()) text += "." + fraction_part;
    if (multiplier_digits == 4) text += "万";
    if (multiplier_digits == 8) text += "亿";
    INFO("seed " << seed << ", iteration " << iteration << ", text " << text << ", digits "
                 << digits);

    // Reference: value x 10^(digits + multiplier) computed digit by digit in 128 bits, stopping
    // once the magnitude is past the limit (it only grows from there).
    const int shift = digits + multiplier_digits;
    matchfund::detail::int128 magnitude = 0;
    bool too_large = false;
    bool inexact = false;
    const auto push = [&](char c) {
      if (!too_large) {
        magnitude = magnitude * 10 + (c - '0');
        too_large = magnitude > money_limit_minor;
      }
    };
    for (char c : integer_part) push(c);
    for (std::size_t i = 0; i < fraction_part.size(); ++i) {
      if (static_cast<int>(i) < shift) {
        push(fraction_part[i]);
      } else if (fraction_part[i] != '0') {
        inexact = true;
      }
    }
    for (int i = static_cast<int>(fraction_part.size()); i < shift; ++i) push('0');

    const auto parsed = parse_money(text, digits);
    if (too_large) {
      // Digits that are kept all come before digits that are cut off, so the limit is met
      // before any inexact digit: too large wins.
      REQUIRE_FALSE(parsed.has_value());
      CHECK(parsed.error() == too_large_message(text));
    } else if (inexact) {
      REQUIRE_FALSE(parsed.has_value());
      CHECK(parsed.error() == inexact_message(text, digits));
    } else {
      REQUIRE(parsed.has_value());
      const auto expected = static_cast<std::int64_t>(magnitude);
      CHECK(parsed->minor_units() == (negative ? -expected : expected));
    }
  }
}
