// UTC offsets (SPEC §2) read and written, and the local day and clock an instant has in one.
#include "matchfund/utc_offset.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/timestamp.hpp"
#include "time_test_support.hpp"

using matchfund::at_local;
using matchfund::format_utc_offset;
using matchfund::local_clock;
using matchfund::local_clock_of;
using matchfund::local_date;
using matchfund::local_day_of;
using matchfund::local_millisecond_of_day;
using matchfund::parse_local_clock;
using matchfund::parse_local_date;
using matchfund::parse_utc_offset;
using matchfund::timestamp;
using matchfund::utc_offset;
using matchfund::testing::at;
using matchfund::testing::first_ms_of_year_1;
using matchfund::testing::invalid_text;
using matchfund::testing::last_ms_of_year_9999;
using matchfund::testing::offset_of;
using matchfund::testing::quoted;

TEST_CASE("parse_utc_offset and format_utc_offset", "[time][offset]") {
  struct offset_case {
    std::string_view text;
    std::int32_t minutes;
    std::string_view formatted;
  };
  static constexpr offset_case cases[] = {
      {"+08:00", 480, "+08:00"},   {"-05:30", -330, "-05:30"}, {"+05:45", 345, "+05:45"},
      {"Z", 0, "+00:00"},          {"z", 0, "+00:00"},         {"+00:00", 0, "+00:00"},
      {"-00:00", 0, "+00:00"},     {"+23:59", 1439, "+23:59"}, {"-23:59", -1439, "-23:59"},
      {"-00:30", -30, "-00:30"},  // negative but under an hour: the sign is kept
      {"+00:01", 1, "+00:01"},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_utc_offset(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->minutes() == c.minutes);
    CHECK(parsed->milliseconds() == std::int64_t{c.minutes} * 60'000);
    CHECK(format_utc_offset(*parsed) == c.formatted);
  }
  const auto shape = [](std::string_view text) {
    return "invalid UTC offset " + quoted(text) + ": expected +HH:MM or -HH:MM";
  };
  const auto range = [](std::string_view text) {
    return "invalid UTC offset " + quoted(text) + ": hours must be 00-23 and minutes 00-59";
  };
  const invalid_text invalid[] = {
      {"+24:00", range("+24:00")}, {"-24:00", range("-24:00")}, {"+08:60", range("+08:60")},
      {"+99:99", range("+99:99")}, {"+0800", shape("+0800")},   {"08:00", shape("08:00")},
      {"+8:00", shape("+8:00")},   {"+08", shape("+08")},       {"", shape("")},
      {"UTC", shape("UTC")},       {"GMT+8", shape("GMT+8")},   {"+08:00 ", shape("+08:00 ")},
      {"Z ", shape("Z ")},         {"ZZ", shape("ZZ")},         {"*08:00", shape("*08:00")},
      {"+08-00", shape("+08-00")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_utc_offset(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
  CHECK(utc_offset{} == offset_of("Z"));
  CHECK(offset_of("-05:30") < offset_of("+08:00"));
}

TEST_CASE("local day and clock use floor division around midnight", "[time][local]") {
  struct local_case {
    std::int64_t epoch_ms;
    std::int32_t offset_minutes;
    std::int64_t day;
    std::int64_t millisecond_of_day;
    std::int64_t clock_seconds;
  };
  static constexpr local_case cases[] = {
      {1'630'944'000'000, 480, 18'877, 0, 0},  // 2021-09-07T00:00:00+08:00
      {1'630'943'999'999, 480, 18'876, 86'399'999, 86'399},
      {1'630'980'000'000, 480, 18'877, 36'000'000, 36'000},
      {1'630'980'000'000, 0, 18'877, 7'200'000, 7'200},
      {1'630'980'000'000, -330, 18'876, 73'800'000, 73'800},
      {1'630'990'800'000, -300, 18'877, 0, 0},  // 2021-09-07T00:00:00-05:00
      {1'630'990'799'999, -300, 18'876, 86'399'999, 86'399},
      {0, 0, 0, 0, 0},
      {999, 0, 0, 999, 0},  // milliseconds are dropped from the clock, not rounded
      {0, 480, 0, 28'800'000, 28'800},
      {0, -1, -1, 86'340'000, 86'340},
      {-1, 0, -1, 86'399'999, 86'399},
      {-999, 0, -1, 86'399'001, 86'399},
      {-1'000, 0, -1, 86'399'000, 86'399},
      {-1'001, 0, -1, 86'398'999, 86'398},
      {-1, 480, 0, 28'799'999, 28'799},
      {-1, -300, -1, 68'399'999, 68'399},
      {-28'800'000, 480, 0, 0, 0},
      {-28'800'001, 480, -1, 86'399'999, 86'399},
      {-86'400'000, 0, -1, 0, 0},
      {-86'400'001, 0, -2, 86'399'999, 86'399},
      {first_ms_of_year_1, 0, -719'162, 0, 0},
      {first_ms_of_year_1, -1, -719'163, 86'340'000, 86'340},
      {last_ms_of_year_9999, 0, 2'932'896, 86'399'999, 86'399},
  };
  for (const auto& c : cases) {
    INFO("epoch ms " << c.epoch_ms << ", offset minutes " << c.offset_minutes);
    const timestamp t = timestamp::from_epoch_ms(c.epoch_ms);
    const utc_offset offset = utc_offset::from_minutes(c.offset_minutes);
    CHECK(local_day_of(t, offset).days_since_epoch() == c.day);
    CHECK(local_millisecond_of_day(t, offset) == c.millisecond_of_day);
    CHECK(local_clock_of(t, offset).seconds_since_midnight() == c.clock_seconds);
    // Back from the local date and clock: the same instant, less the dropped milliseconds.
    CHECK(at_local(local_day_of(t, offset), local_clock_of(t, offset), offset).epoch_ms() ==
          c.epoch_ms - c.millisecond_of_day % 1000);
  }
  static_assert(local_day_of(timestamp::from_epoch_ms(-1), utc_offset{}).days_since_epoch() == -1);
}

TEST_CASE("at_local places a local date and clock in an offset", "[time][local]") {
  const local_date day = parse_local_date("2021-09-07").value();
  CHECK(at_local(day, parse_local_clock("10:00").value(), offset_of("+08:00")).epoch_ms() ==
        1'630'980'000'000);
  CHECK(at_local(day, parse_local_clock("10:00").value(), offset_of("-05:30")).epoch_ms() ==
        1'631'028'600'000);
  CHECK(at_local(day, parse_local_clock("24:00", true).value(), offset_of("+08:00")).epoch_ms() ==
        at("2021-09-08T00:00:00+08:00").epoch_ms());
  CHECK(at_local(local_date{}, local_clock{}, utc_offset{}).epoch_ms() == 0);
}
