// The proleptic Gregorian calendar (SPEC §2), local dates and clocks, and the daily clock ranges
// of rule windows.
#include "matchfund/calendar.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "time_test_support.hpp"

using matchfund::civil_date;
using matchfund::civil_from_days;
using matchfund::clock_range;
using matchfund::days_from_civil;
using matchfund::format_local_clock;
using matchfund::format_local_date;
using matchfund::local_clock;
using matchfund::local_date;
using matchfund::parse_clock_range;
using matchfund::parse_local_clock;
using matchfund::parse_local_date;
using matchfund::testing::invalid_text;
using matchfund::testing::quoted;

TEST_CASE("the proleptic Gregorian calendar", "[time][calendar]") {
  using matchfund::days_in_month;
  using matchfund::is_leap_year;
  CHECK(is_leap_year(2024));
  CHECK(is_leap_year(2000));
  CHECK(is_leap_year(2400));
  CHECK(is_leap_year(0));
  CHECK_FALSE(is_leap_year(2021));
  CHECK_FALSE(is_leap_year(1900));
  CHECK_FALSE(is_leap_year(2100));
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2021, 2) == 28);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2021, 1) == 31);
  CHECK(days_in_month(2021, 4) == 30);
  CHECK(days_in_month(2021, 12) == 31);

  struct civil_case {
    civil_date date;
    std::int64_t days;
  };
  static constexpr civil_case cases[] = {
      {{1970, 1, 1}, 0},          {{1969, 12, 31}, -1},      {{2021, 9, 7}, 18'877},
      {{2024, 2, 29}, 19'782},    {{2000, 2, 29}, 11'016},   {{1, 1, 1}, -719'162},
      {{9999, 12, 31}, 2'932'896}, {{0, 1, 1}, -719'528},    {{2000, 3, 1}, 11'017},
  };
  for (const auto& c : cases) {
    INFO(c.date.year << "-" << c.date.month << "-" << c.date.day);
    CHECK(days_from_civil(c.date.year, c.date.month, c.date.day) == c.days);
    CHECK(civil_from_days(c.days) == c.date);
    CHECK(local_date::from_civil(c.date).days_since_epoch() == c.days);
    CHECK(local_date::from_days(c.days).civil() == c.date);
  }
}

TEST_CASE("every day from 0001-01-01 to 9999-12-31 follows the one before",
          "[time][calendar][property]") {
  // Walks the calendar one day at a time with days_in_month and compares both conversions,
  // so the arithmetic algorithms are checked against a plain count.
  civil_date expected{1, 1, 1};
  std::int64_t mismatches = 0;
  std::int64_t first_mismatch = 0;
  const std::int64_t first_day = days_from_civil(1, 1, 1);
  const std::int64_t last_day = days_from_civil(9999, 12, 31);
  REQUIRE(first_day == -719'162);
  REQUIRE(last_day == 2'932'896);
  for (std::int64_t day = first_day; day <= last_day; ++day) {
    if (civil_from_days(day) != expected ||
        days_from_civil(expected.year, expected.month, expected.day) != day) {
      if (mismatches++ == 0) first_mismatch = day;
    }
    if (expected.day < matchfund::days_in_month(expected.year, expected.month)) {
      ++expected.day;
    } else if (expected.month < 12) {
      ++expected.month;
      expected.day = 1;
    } else {
      ++expected.year;
      expected.month = 1;
      expected.day = 1;
    }
  }
  INFO("first mismatch at day " << first_mismatch);
  CHECK(mismatches == 0);
  CHECK(expected == civil_date{10000, 1, 1});
}

TEST_CASE("civil_from_days and days_from_civil round-trip over a wide range (property)",
          "[time][calendar][property]") {
  constexpr std::uint64_t seed = 18877;
  std::mt19937_64 engine(seed);
  // About +-2.7 million years, well inside the int32 year of civil_date.
  std::uniform_int_distribution<std::int64_t> days(-1'000'000'000, 1'000'000'000);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    const std::int64_t day = days(engine);
    INFO("seed " << seed << ", iteration " << iteration << ", day " << day);
    const civil_date date = civil_from_days(day);
    INFO(date.year << "-" << date.month << "-" << date.day);
    REQUIRE(date.month >= 1);
    REQUIRE(date.month <= 12);
    REQUIRE(date.day >= 1);
    REQUIRE(date.day <= matchfund::days_in_month(date.year, date.month));
    REQUIRE(days_from_civil(date.year, date.month, date.day) == day);
    // The next day is the next date.
    const civil_date next = civil_from_days(day + 1);
    if (date.day < matchfund::days_in_month(date.year, date.month)) {
      REQUIRE(next == civil_date{date.year, date.month, date.day + 1});
    } else if (date.month < 12) {
      REQUIRE(next == civil_date{date.year, date.month + 1, 1});
    } else {
      REQUIRE(next == civil_date{date.year + 1, 1, 1});
    }
  }
}

TEST_CASE("parse_local_date reads real calendar dates", "[time][calendar]") {
  struct date_case {
    std::string_view text;
    std::int64_t days;
  };
  static constexpr date_case cases[] = {
      {"1970-01-01", 0},         {"1969-12-31", -1},        {"2021-09-07", 18'877},
      {"2024-02-29", 19'782},    {"2000-02-29", 11'016},    {"0001-01-01", -719'162},
      {"9999-12-31", 2'932'896}, {"0000-01-01", -719'528},  {"2021-12-31", 18'992},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_local_date(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->days_since_epoch() == c.days);
    CHECK(format_local_date(*parsed) == c.text);
  }
  const auto shape = [](std::string_view text) {
    return "invalid date " + quoted(text) + ": expected YYYY-MM-DD";
  };
  const auto no_day = [](std::string_view text) {
    return "invalid date " + quoted(text) + ": no such day";
  };
  const invalid_text invalid[] = {
      {"2021-02-29", no_day("2021-02-29")}, {"1900-02-29", no_day("1900-02-29")},
      {"2100-02-29", no_day("2100-02-29")}, {"2021-13-01", no_day("2021-13-01")},
      {"2021-00-10", no_day("2021-00-10")}, {"2021-04-31", no_day("2021-04-31")},
      {"2021-09-00", no_day("2021-09-00")}, {"2021-09-32", no_day("2021-09-32")},
      {"2021-9-07", shape("2021-9-07")},    {"21-09-07", shape("21-09-07")},
      {"2021/09/07", shape("2021/09/07")},  {"2021-09-07 ", shape("2021-09-07 ")},
      {"2021-09-07T", shape("2021-09-07T")}, {"", shape("")},
      {"２０２１-09-07", shape("２０２１-09-07")}, {"+2021-09-07", shape("+2021-09-07")},
      {"-001-01-01", shape("-001-01-01")},  {"20210907", shape("20210907")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_local_date(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("parse_local_clock reads clocks and 24:00 only as a range end", "[time][clock]") {
  struct clock_case {
    std::string_view text;
    bool allow_end_of_day;
    std::int64_t seconds;
    std::string_view formatted;
  };
  static constexpr clock_case cases[] = {
      {"00:00", false, 0, "00:00"},
      {"10:00", false, 36'000, "10:00"},
      {"10:00:30", false, 36'030, "10:00:30"},
      {"10:00:00", false, 36'000, "10:00"},
      {"23:59", false, 86'340, "23:59"},
      {"23:59:59", false, 86'399, "23:59:59"},
      {"23:59:59", true, 86'399, "23:59:59"},
      {"24:00", true, 86'400, "24:00"},
      {"24:00:00", true, 86'400, "24:00"},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\", end of day allowed " << c.allow_end_of_day);
    const auto parsed = parse_local_clock(c.text, c.allow_end_of_day);
    REQUIRE(parsed.has_value());
    CHECK(parsed->seconds_since_midnight() == c.seconds);
    CHECK(parsed->milliseconds_since_midnight() == c.seconds * 1000);
    CHECK(format_local_clock(*parsed) == c.formatted);
  }
  struct invalid_clock {
    std::string_view text;
    bool allow_end_of_day;
    std::string message;
  };
  const auto shape = [](std::string_view text) {
    return "invalid clock " + quoted(text) + ": expected HH:MM or HH:MM:SS";
  };
  const auto range = [](std::string_view text) {
    return "invalid clock " + quoted(text) + ": hours must be 00-23, minutes and seconds 00-59";
  };
  const invalid_clock invalid[] = {
      {"24:00", false, "invalid clock \"24:00\": 24:00 is only allowed as the end of a range"},
      {"24:00:00", false,
       "invalid clock \"24:00:00\": 24:00 is only allowed as the end of a range"},
      {"24:01", true, range("24:01")},
      {"24:00:01", true, range("24:00:01")},
      {"25:00", true, range("25:00")},
      {"23:60", false, range("23:60")},
      {"23:59:60", false, range("23:59:60")},
      {"9:00", false, shape("9:00")},
      {"09:00:0", false, shape("09:00:0")},
      {"0900", false, shape("0900")},
      {"09-00", false, shape("09-00")},
      {"09:00 ", false, shape("09:00 ")},
      {"", false, shape("")},
      {"09:00:00.5", false, shape("09:00:00.5")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\", end of day allowed " << c.allow_end_of_day);
    const auto parsed = parse_local_clock(c.text, c.allow_end_of_day);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("parse_clock_range reads half-open ranges with start before end", "[time][clock]") {
  struct range_case {
    std::string_view text;
    std::int64_t start_seconds;
    std::int64_t end_seconds;
  };
  static constexpr range_case cases[] = {
      {"10:00-24:00", 36'000, 86'400},
      {"00:00-24:00", 0, 86'400},
      {"09:30:15-10:00", 34'215, 36'000},
      {"10:00-10:00:01", 36'000, 36'001},
      {"00:00-00:01", 0, 60},
      {"23:59:59-24:00:00", 86'399, 86'400},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_clock_range(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->start.seconds_since_midnight() == c.start_seconds);
    CHECK(parsed->end.seconds_since_midnight() == c.end_seconds);
  }
  const auto prefix = [](std::string_view text) {
    return "invalid clock range " + quoted(text) + ": ";
  };
  const std::string order = "the start must be before the end (use two windows to cross midnight)";
  const invalid_text invalid[] = {
      {"10:00-10:00", prefix("10:00-10:00") + order},
      {"22:00-02:00", prefix("22:00-02:00") + order},
      {"10:00:01-10:00", prefix("10:00:01-10:00") + order},
      {"24:00-24:00", prefix("24:00-24:00") +
                          "invalid clock \"24:00\": 24:00 is only allowed as the end of a range"},
      {"10:00", prefix("10:00") + "expected HH:MM-HH:MM"},
      {"", prefix("") + "expected HH:MM-HH:MM"},
      {"10:00-", prefix("10:00-") + "invalid clock \"\": expected HH:MM or HH:MM:SS"},
      {"-10:00", prefix("-10:00") + "invalid clock \"\": expected HH:MM or HH:MM:SS"},
      {"10:00 - 12:00",
       prefix("10:00 - 12:00") + "invalid clock \"10:00 \": expected HH:MM or HH:MM:SS"},
      {"10:00-12:00-13:00",
       prefix("10:00-12:00-13:00") + "invalid clock \"12:00-13:00\": expected HH:MM or HH:MM:SS"},
      {"10:00-24:01",
       prefix("10:00-24:01") +
           "invalid clock \"24:01\": hours must be 00-23, minutes and seconds 00-59"},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_clock_range(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }

  const clock_range evening = parse_clock_range("10:00-24:00").value();
  CHECK_FALSE(evening.contains_millisecond(35'999'999));
  CHECK(evening.contains_millisecond(36'000'000));
  CHECK(evening.contains_millisecond(86'399'999));
  CHECK_FALSE(evening.contains_millisecond(86'400'000));
  CHECK(evening ==
        clock_range{local_clock::from_seconds(36'000), local_clock::from_seconds(86'400)});
}
