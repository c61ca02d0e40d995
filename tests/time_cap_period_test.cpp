// Cap periods (SPEC §5.3): the year start they read and the counter a donation charges.
#include "matchfund/cap_period.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"
#include "time_test_support.hpp"

using matchfund::cap_period;
using matchfund::format_month_day;
using matchfund::month_day;
using matchfund::parse_month_day;
using matchfund::period_kind;
using matchfund::timestamp;
using matchfund::utc_offset;
using matchfund::testing::at;
using matchfund::testing::invalid_text;
using matchfund::testing::offset_of;
using matchfund::testing::quoted;

TEST_CASE("parse_month_day reads a year start", "[time][cap_period]") {
  struct month_day_case {
    std::string_view text;
    month_day expected;
  };
  static constexpr month_day_case cases[] = {
      {"01-01", {1, 1}},  {"04-01", {4, 1}},  {"12-31", {12, 31}},
      {"02-28", {2, 28}}, {"07-31", {7, 31}},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_month_day(c.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == c.expected);
    CHECK(format_month_day(*parsed) == c.text);
  }
  const auto shape = [](std::string_view text) {
    return "invalid year start " + quoted(text) + ": expected MM-DD";
  };
  const auto no_day = [](std::string_view text) {
    return "invalid year start " + quoted(text) + ": no such day";
  };
  const invalid_text invalid[] = {
      {"02-29", "invalid year start \"02-29\": a year cannot start on a day that most years lack"},
      {"13-01", no_day("13-01")}, {"04-31", no_day("04-31")}, {"00-10", no_day("00-10")},
      {"01-00", no_day("01-00")}, {"02-30", no_day("02-30")}, {"4-01", shape("4-01")},
      {"04/01", shape("04/01")},  {"", shape("")},            {"04-01 ", shape("04-01 ")},
      {"2022-04-01", shape("2022-04-01")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_month_day(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
  CHECK(month_day{} == month_day{1, 1});
}

TEST_CASE("cap_period names the counter a donation charges", "[time][cap_period]") {
  const utc_offset beijing = offset_of("+08:00");
  const utc_offset utc = offset_of("+00:00");

  SECTION("kinds and their names") {
    CHECK(cap_period{}.kind() == period_kind::campaign);
    CHECK(cap_period{} == cap_period::whole_campaign());
    CHECK(cap_period::local_day().kind() == period_kind::day);
    CHECK(cap_period::year_from({4, 1}).kind() == period_kind::year);
    CHECK(cap_period::year_from({4, 1}).year_start() == month_day{4, 1});
    CHECK(matchfund::to_string(period_kind::campaign) == "campaign");
    CHECK(matchfund::to_string(period_kind::day) == "day");
    CHECK(matchfund::to_string(period_kind::year) == "year");
    CHECK(matchfund::period_kind_from_string("campaign") == period_kind::campaign);
    CHECK(matchfund::period_kind_from_string("day") == period_kind::day);
    CHECK(matchfund::period_kind_from_string("year") == period_kind::year);
    CHECK_FALSE(matchfund::period_kind_from_string("month").has_value());
    CHECK_FALSE(matchfund::period_kind_from_string("Day").has_value());
    CHECK(cap_period::year_from({4, 1}) != cap_period::year_from({1, 1}));
  }

  struct index_case {
    std::string_view time;
    std::string_view offset;
    cap_period period;
    std::int64_t index;
  };
  const cap_period calendar_year = cap_period::year_from({1, 1});
  const cap_period fiscal_april = cap_period::year_from(parse_month_day("04-01").value());
  const cap_period fiscal_march = cap_period::year_from({3, 1});
  const cap_period fiscal_december_31 = cap_period::year_from({12, 31});
  const index_case cases[] = {
      {"2021-09-07T10:00:00+08:00", "+08:00", cap_period::whole_campaign(), 0},
      {"1969-12-31T23:59:59Z", "+00:00", cap_period::whole_campaign(), 0},
      {"2021-09-07T00:00:00+08:00", "+08:00", cap_period::local_day(), 18'877},
      {"2021-09-06T23:59:59.999+08:00", "+08:00", cap_period::local_day(), 18'876},
      {"2021-09-07T00:00:00+08:00", "+00:00", cap_period::local_day(),
       18'876},  // 16:00 the day before
      {"1969-12-31T23:59:59.999Z", "+00:00", cap_period::local_day(), -1},
      // year_start 01-01 (the default): calendar years, in the campaign's offset.
      {"2021-12-31T23:59:59.999+08:00", "+08:00", calendar_year, 2021},
      {"2022-01-01T00:00:00+08:00", "+08:00", calendar_year, 2022},
      {"2022-01-01T00:00:00+08:00", "+00:00", calendar_year, 2021},
      {"2021-12-31T20:00:00-05:00", "-05:00", calendar_year, 2021},
      {"2021-12-31T20:00:00-05:00", "+08:00", calendar_year, 2022},
      {"1969-12-31T23:59:59.999Z", "+00:00", calendar_year, 1969},
      {"0001-01-01T00:00:00Z", "+00:00", calendar_year, 1},
      // Fiscal years named by the calendar year they start in.
      {"2022-03-31T00:00:00+08:00", "+08:00", fiscal_april, 2021},
      {"2022-03-31T23:59:59.999+08:00", "+08:00", fiscal_april, 2021},
      {"2022-04-01T00:00:00+08:00", "+08:00", fiscal_april, 2022},
      {"2022-04-01T00:00:00+08:00", "+00:00", fiscal_april, 2021},  // still 03-31 in UTC
      {"2022-12-31T23:59:59+08:00", "+08:00", fiscal_april, 2022},
      {"2023-01-01T00:00:00+08:00", "+08:00", fiscal_april, 2022},
      {"2024-02-29T12:00:00+08:00", "+08:00", fiscal_march, 2023},
      {"2024-03-01T00:00:00+08:00", "+08:00", fiscal_march, 2024},
      {"2022-12-30T12:00:00+08:00", "+08:00", fiscal_december_31, 2021},
      {"2022-12-31T00:00:00+08:00", "+08:00", fiscal_december_31, 2022},
      {"2023-01-01T00:00:00+08:00", "+08:00", fiscal_december_31, 2022},
  };
  for (const auto& c : cases) {
    INFO("time " << c.time << ", offset " << c.offset << ", period "
                 << matchfund::to_string(c.period.kind()) << " "
                 << format_month_day(c.period.year_start()));
    CHECK(c.period.index_of(at(c.time), offset_of(c.offset)) == c.index);
  }
  CHECK(cap_period::local_day().index_of(timestamp{}, beijing) == 0);
  CHECK(cap_period::local_day().index_of(timestamp{}, utc) == 0);
}
