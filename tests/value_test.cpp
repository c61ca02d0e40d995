// Value types of conditions and attributes (SPEC §3.1): the type a scalar's text has.
#include "matchfund/value.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/money.hpp"

using matchfund::classify_scalar_text;
using matchfund::value;
using matchfund::value_type;

TEST_CASE("classify_scalar_text gives the SPEC 3.1 type of a scalar text", "[value]") {
  struct classify_case {
    std::string_view text;
    value_type type;
  };
  static constexpr classify_case cases[] = {
      // Booleans: exactly the three YAML 1.2 core spellings of each.
      {"true", value_type::boolean},
      {"True", value_type::boolean},
      {"TRUE", value_type::boolean},
      {"false", value_type::boolean},
      {"False", value_type::boolean},
      {"FALSE", value_type::boolean},
      // YAML 1.1 spellings and near misses are plain strings here (the loader rejects them).
      {"yes", value_type::string},
      {"no", value_type::string},
      {"on", value_type::string},
      {"off", value_type::string},
      {"y", value_type::string},
      {"tRUE", value_type::string},
      {"true ", value_type::string},
      {" true", value_type::string},
      // Integers.
      {"100", value_type::integer},
      {"0", value_type::integer},
      {"-3", value_type::integer},
      {"-0", value_type::integer},
      {"007", value_type::integer},
      {"99999999999999999999999999", value_type::integer},
      // Money: a fraction or a 万/亿 multiplier.
      {"100.5", value_type::money},
      {"100.50", value_type::money},
      {"0.0", value_type::money},
      {"-3.25", value_type::money},
      {"1万", value_type::money},
      {"1.5万", value_type::money},
      {"2.9999亿", value_type::money},
      {"100万", value_type::money},
      {"-1亿", value_type::money},
      {"12.345", value_type::money},  // classified by shape; exactness is the money parser's job
      // Everything else is a string.
      {"abc", value_type::string},
      {"", value_type::string},
      {"1e5", value_type::string},
      {"1E5", value_type::string},
      {"+1", value_type::string},
      {"1.", value_type::string},
      {".5", value_type::string},
      {"-", value_type::string},
      {"1,000", value_type::string},
      {"1 000", value_type::string},
      {" 1", value_type::string},
      {"1 ", value_type::string},
      {"0x10", value_type::string},
      {"0o17", value_type::string},
      {"1:30", value_type::string},  // YAML 1.1 sexagesimal
      {"万", value_type::string},
      {"亿", value_type::string},
      {"1万万", value_type::string},
      {"1亿万", value_type::string},
      {"1 万", value_type::string},
      {"１２", value_type::string},
      {"50%", value_type::string},
      {"2021-09-07", value_type::string},
      {"10:00", value_type::string},
      {"null", value_type::string},
      {"~", value_type::string},
      {".inf", value_type::string},
      {".nan", value_type::string},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    CHECK(classify_scalar_text(c.text) == c.type);
  }
  static_assert(classify_scalar_text("1万") == value_type::money);
  static_assert(classify_scalar_text("TRUE") == value_type::boolean);
}

TEST_CASE("boolean texts and their values", "[value]") {
  using matchfund::boolean_text_value;
  using matchfund::is_boolean_text;
  for (std::string_view text : {"true", "True", "TRUE"}) {
    INFO("text \"" << text << "\"");
    CHECK(is_boolean_text(text));
    CHECK(boolean_text_value(text));
  }
  for (std::string_view text : {"false", "False", "FALSE"}) {
    INFO("text \"" << text << "\"");
    CHECK(is_boolean_text(text));
    CHECK_FALSE(boolean_text_value(text));
  }
  for (std::string_view text : {"yes", "no", "1", "0", "t", "f", "", "tRue", "FaLse"}) {
    INFO("text \"" << text << "\"");
    CHECK_FALSE(is_boolean_text(text));
  }
}

TEST_CASE("value alternatives follow value_type", "[value]") {
  using matchfund::type_of;
  CHECK(type_of(value{true}) == value_type::boolean);
  CHECK(type_of(value{std::int64_t{3}}) == value_type::integer);
  CHECK(type_of(value{matchfund::money::from_minor(5)}) == value_type::money);
  CHECK(type_of(value{std::string{"abc"}}) == value_type::string);
  CHECK(type_of(value{matchfund::local_date::from_days(1)}) == value_type::date);
  CHECK(type_of(value{matchfund::local_clock::from_seconds(60)}) == value_type::clock);

  struct name_case {
    value_type type;
    std::string_view name;
  };
  static constexpr name_case names[] = {
      {value_type::boolean, "boolean"}, {value_type::integer, "integer"},
      {value_type::money, "money"},     {value_type::string, "string"},
      {value_type::date, "date"},       {value_type::clock, "clock"},
      {value_type::tags, "tags"},
  };
  for (const auto& n : names) {
    INFO("name " << n.name);
    CHECK(matchfund::to_string(n.type) == n.name);
  }
}

#include "matchfund/outcome.hpp"

TEST_CASE("outcome codes are named as SPEC §5.2 spells them, in its precedence", "[outcome]") {
  using matchfund::outcome;
  const std::string_view expected[] = {"revoked",   "outside_campaign", "excluded",     "outside_window",
                                       "not_eligible", "below_minimum", "not_drawn",    "no_tier",
                                       "no_match",  "cap_reached",      "not_released", "fund_empty",
                                       "partial",   "matched"};
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    CHECK(matchfund::to_string(static_cast<outcome>(i)) == expected[i]);
  }
  CHECK(outcome::revoked < outcome::outside_campaign);
  CHECK(outcome::cap_reached < outcome::not_released);
  CHECK(matchfund::outcome_has_limit(outcome::cap_reached));
  CHECK(matchfund::outcome_has_limit(outcome::partial));
  CHECK_FALSE(matchfund::outcome_has_limit(outcome::matched));
}
