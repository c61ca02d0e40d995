// Time (SPEC §2): RFC 3339 and epoch-millisecond instants, UTC offsets, local days and clocks,
// the proleptic Gregorian calendar, clock ranges, and cap periods.
#include "matchfund/timestamp.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/cap_period.hpp"
#include "matchfund/utc_offset.hpp"

using matchfund::at_local;
using matchfund::cap_period;
using matchfund::civil_date;
using matchfund::civil_from_days;
using matchfund::clock_range;
using matchfund::days_from_civil;
using matchfund::duration;
using matchfund::format_local_clock;
using matchfund::format_local_date;
using matchfund::format_month_day;
using matchfund::format_rfc3339;
using matchfund::format_utc_offset;
using matchfund::local_clock;
using matchfund::local_clock_of;
using matchfund::local_date;
using matchfund::local_day_of;
using matchfund::local_millisecond_of_day;
using matchfund::month_day;
using matchfund::parse_clock_range;
using matchfund::parse_epoch_milliseconds;
using matchfund::parse_event_time;
using matchfund::parse_local_clock;
using matchfund::parse_local_date;
using matchfund::parse_month_day;
using matchfund::parse_rfc3339;
using matchfund::parse_utc_offset;
using matchfund::period_kind;
using matchfund::timestamp;
using matchfund::utc_offset;

namespace {

struct invalid_text {
  std::string_view text;
  std::string message;
};

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string time_shape(std::string_view text) {
  return "invalid time " + quoted(text) + ": expected RFC 3339 such as 2021-09-07T10:00:00+08:00";
}
std::string time_no_such_day(std::string_view text) {
  return "invalid time " + quoted(text) + ": no such day";
}
std::string time_clock(std::string_view text) {
  return "invalid time " + quoted(text) + ": hours must be 00-23, minutes and seconds 00-59";
}
std::string epoch_invalid(std::string_view text) {
  return "invalid time " + quoted(text) + ": expected RFC 3339 or integer epoch milliseconds";
}

std::string out_of_years(std::string_view text) {
  return "invalid time " + quoted(text) + ": outside the years 0000 to 9999";
}
std::string out_of_utc_years(std::string_view text) {
  return "invalid time " + quoted(text) + ": outside the years 0000 to 9999 in UTC";
}


utc_offset offset_of(std::string_view text) { return parse_utc_offset(text).value(); }
timestamp at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }

constexpr std::int64_t first_ms_of_year_1 = -62'135'596'800'000;     // 0001-01-01T00:00:00Z
constexpr std::int64_t last_ms_of_year_9999 = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

}  // namespace

TEST_CASE("parse_rfc3339 reads instants exactly", "[time][rfc3339]") {
  struct rfc3339_case {
    std::string_view text;
    std::int64_t epoch_ms;
  };
  static constexpr rfc3339_case cases[] = {
      {"2021-09-07T10:00:00+08:00", 1'630'980'000'000},  // SPEC §10
      {"2021-09-07T02:00:00Z", 1'630'980'000'000},
      {"2021-09-07T02:00:00z", 1'630'980'000'000},
      {"2021-09-07t10:00:00+08:00", 1'630'980'000'000},
      {"2021-09-07T02:00:00+00:00", 1'630'980'000'000},
      {"2021-09-07T10:00:00-05:30", 1'631'028'600'000},
      {"2021-09-07T10:00:00+05:45", 1'630'988'100'000},
      {"2021-09-07T10:00:00-00:00", 1'631'008'800'000},
      {"2021-09-07T10:00:00+23:59", 1'630'922'460'000},
      {"2021-09-07T10:00:00-23:59", 1'631'095'140'000},
      // Fractions: padded to milliseconds, digits beyond them truncated, never rounded.
      {"2021-09-07T10:00:00.2Z", 1'631'008'800'200},
      {"2021-09-07T10:00:00.25Z", 1'631'008'800'250},
      {"2021-09-07T10:00:00.250Z", 1'631'008'800'250},
      {"2021-09-07T10:00:00.2509Z", 1'631'008'800'250},
      {"2021-09-07T10:00:00.0001Z", 1'631'008'800'000},
      {"2021-09-07T10:00:00.999999999Z", 1'631'008'800'999},
      {"2021-09-07T10:00:00.999999999999999999999999999999Z", 1'631'008'800'999},
      {"2021-09-07T10:00:00.000+08:00", 1'630'980'000'000},
      {"2021-09-07T10:00:00.5-05:30", 1'631'028'600'500},
      // Calendar edges.
      {"2024-02-29T12:00:00+08:00", 1'709'179'200'000},
      {"2000-02-29T00:00:00Z", 951'782'400'000},
      {"1900-03-01T00:00:00Z", -2'203'891'200'000},
      {"0001-01-01T00:00:00Z", first_ms_of_year_1},
      {"9999-12-31T23:59:59.999Z", last_ms_of_year_9999},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T08:00:00+08:00", 0},
      {"1970-01-01T00:00:00+08:00", -28'800'000},
      {"1969-12-31T23:59:59.999Z", -1},
      {"1969-12-31T23:59:59.9999Z", -1},  // truncation is toward the past before 1970 too
      {"2038-01-19T03:14:08Z", 2'147'483'648'000},  // past 32-bit seconds
      {"2021-12-31T23:59:59+08:00", 1'640'966'399'000},
      {"2022-01-01T00:00:00+08:00", 1'640'966'400'000},
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_rfc3339(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->epoch_ms() == c.epoch_ms);
    // parse_event_time hands RFC 3339 to the same parser.
    const auto event_time = parse_event_time(c.text);
    REQUIRE(event_time.has_value());
    CHECK(event_time->epoch_ms() == c.epoch_ms);
  }
}

TEST_CASE("parse_rfc3339 rejects invalid text with an exact message", "[time][rfc3339]") {
  const invalid_text cases[] = {
      {"2021-02-29T10:00:00+08:00", time_no_such_day("2021-02-29T10:00:00+08:00")},
      {"1900-02-29T10:00:00Z", time_no_such_day("1900-02-29T10:00:00Z")},
      {"2021-04-31T10:00:00Z", time_no_such_day("2021-04-31T10:00:00Z")},
      {"2021-13-01T10:00:00Z", time_no_such_day("2021-13-01T10:00:00Z")},
      {"2021-00-01T10:00:00Z", time_no_such_day("2021-00-01T10:00:00Z")},
      {"2021-09-00T10:00:00Z", time_no_such_day("2021-09-00T10:00:00Z")},
      {"2021-09-07T24:00:00+08:00", time_clock("2021-09-07T24:00:00+08:00")},
      {"2021-09-07T23:59:60Z", time_clock("2021-09-07T23:59:60Z")},  // leap seconds are refused
      {"2021-09-07T10:60:00Z", time_clock("2021-09-07T10:60:00Z")},
      {"2021-09-07T99:00:00Z", time_clock("2021-09-07T99:00:00Z")},
      {"2021-09-07T10:00:00", time_shape("2021-09-07T10:00:00")},  // no offset
      {"2021-09-07T10:00:00.250", time_shape("2021-09-07T10:00:00.250")},
      {"2021-09-07 10:00:00+08:00", time_shape("2021-09-07 10:00:00+08:00")},
      {"2021-09-07_10:00:00+08:00", time_shape("2021-09-07_10:00:00+08:00")},
      {"2021-09-07T10:00+08:00", time_shape("2021-09-07T10:00+08:00")},
      {"2021-09-07T10:00:00+0800", time_shape("2021-09-07T10:00:00+0800")},
      {"2021-09-07T10:00:00+08", time_shape("2021-09-07T10:00:00+08")},
      {"2021-09-07T10:00:00+24:00", time_shape("2021-09-07T10:00:00+24:00")},
      {"2021-09-07T10:00:00+08:60", time_shape("2021-09-07T10:00:00+08:60")},
      {"2021-09-07T10:00:00UTC", time_shape("2021-09-07T10:00:00UTC")},
      {"2021-09-07T10:00:00.Z", time_shape("2021-09-07T10:00:00.Z")},
      {"2021-09-07T10:00:00,5Z", time_shape("2021-09-07T10:00:00,5Z")},
      {"2021-09-07T10:00:00.12aZ", time_shape("2021-09-07T10:00:00.12aZ")},
      {"2021-09-07T10:00:00Z ", time_shape("2021-09-07T10:00:00Z ")},
      {" 2021-09-07T10:00:00Z", time_shape(" 2021-09-07T10:00:00Z")},
      {"2021-09-07T10:00:00ZZ", time_shape("2021-09-07T10:00:00ZZ")},
      {"2021-9-07T10:00:00+08:00", time_shape("2021-9-07T10:00:00+08:00")},
      {"2021-09-07T1:00:00+08:00", time_shape("2021-09-07T1:00:00+08:00")},
      {"21-09-07T10:00:00+08:00", time_shape("21-09-07T10:00:00+08:00")},
      {"+2021-09-07T10:00:00Z", time_shape("+2021-09-07T10:00:00Z")},
      {"2021-09-07", time_shape("2021-09-07")},
      {"", time_shape("")},
      {"Z", time_shape("Z")},
      {"1630980000000", time_shape("1630980000000")},  // epoch ms is not RFC 3339
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_rfc3339(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("parse_epoch_milliseconds reads integer epoch milliseconds", "[time][epoch]") {
  struct epoch_case {
    std::string_view text;
    std::int64_t epoch_ms;
  };
  static constexpr epoch_case cases[] = {
      {"1630980000000", 1'630'980'000'000},
      {"0", 0},
      {"-0", 0},
      {"-1", -1},
      {"1", 1},
      {"-62135596800000", first_ms_of_year_1},
      {"253402300799999", last_ms_of_year_9999},
      {"0001630980000000", 1'630'980'000'000},  // leading zeros are accepted
      {"-62167219200000", matchfund::earliest_epoch_ms},  // 0000-01-01T00:00:00Z: the first writable instant
  };
  for (const auto& c : cases) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_epoch_milliseconds(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->epoch_ms() == c.epoch_ms);
    const auto event_time = parse_event_time(c.text);
    REQUIRE(event_time.has_value());
    CHECK(event_time->epoch_ms() == c.epoch_ms);
  }
  const invalid_text invalid[] = {
      {"", epoch_invalid("")},
      {"-", epoch_invalid("-")},
      {"1.5", epoch_invalid("1.5")},
      {"1.0", epoch_invalid("1.0")},
      {"1e3", epoch_invalid("1e3")},
      {"+1", epoch_invalid("+1")},
      {" 1", epoch_invalid(" 1")},
      {"1 ", epoch_invalid("1 ")},
      {"1_000", epoch_invalid("1_000")},
      {"１", epoch_invalid("１")},
      {"253402300800000", out_of_years("253402300800000")},  // 10000-01-01T00:00:00Z
      {"-62167219200001", out_of_years("-62167219200001")},
      {"100000000000000000", out_of_years("100000000000000000")},
      {"9223372036854775808", out_of_years("9223372036854775808")},  // 2^63: must not wrap
      {"99999999999999999999999999999999999999999", out_of_years("99999999999999999999999999999999999999999")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_epoch_milliseconds(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("parse_event_time chooses the form by the text", "[time][epoch]") {
  const invalid_text invalid[] = {
      // Only -?[0-9]+ is epoch text; a bare date is an RFC 3339 time missing its clock.
      {"2021-09-07", time_shape("2021-09-07")},
      {"--1", time_shape("--1")},
      {"1-", time_shape("1-")},
      {"1.5", time_shape("1.5")},
      {"", time_shape("")},
      {"yesterday", time_shape("yesterday")},
      {"100000000000000001", out_of_years("100000000000000001")},
  };
  for (const auto& c : invalid) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_event_time(c.text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == c.message);
  }
}

TEST_CASE("parse_rfc3339 keeps to the years 0000 to 9999 in UTC, as epoch milliseconds do", "[time][rfc3339]") {
  struct edge_case {
    std::string_view text;
    std::int64_t epoch_ms;
  };
  // The first and the last instant of the range, however written.
  static constexpr edge_case accepted[] = {
      {"0000-01-01T00:00:00Z", matchfund::earliest_epoch_ms},
      {"0000-01-01T00:00:00.000+00:00", matchfund::earliest_epoch_ms},
      {"0000-01-01T00:00:00-00:01", matchfund::earliest_epoch_ms + 60'000},
      {"0000-01-01T23:59:00+23:59", matchfund::earliest_epoch_ms},
      {"9999-12-31T23:59:59.999Z", matchfund::latest_epoch_ms},
      {"9999-12-31T23:59:59.999+00:00", matchfund::latest_epoch_ms},
      {"9999-12-31T23:59:59.999+23:59", matchfund::latest_epoch_ms - 86'340'000},
      {"9999-12-31T00:00:59.999-23:59", matchfund::latest_epoch_ms},
  };
  for (const auto& c : accepted) {
    INFO("text \"" << c.text << "\"");
    const auto parsed = parse_rfc3339(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->epoch_ms() == c.epoch_ms);
    CHECK(parse_event_time(c.text).value() == *parsed);
  }
  // One millisecond, one minute or a whole offset beyond them.
  static constexpr std::string_view refused[] = {
      "9999-12-31T23:59:59-23:59",        // 10000-01-01T23:58:59Z
      "9999-12-31T00:01:00-23:59",        // 10000-01-01T00:00:00Z
      "9999-12-31T23:59:59.999-00:01",    // 10000-01-01T00:00:59.999Z
      "0000-01-01T00:00:00+23:59",        // -0001-12-31T00:01:00Z
      "0000-01-01T00:00:00+00:01",        // -0001-12-31T23:59:00Z
      "0000-01-01T23:58:59.999+23:59",    // -0001-12-31T23:59:59.999Z
  };
  for (const std::string_view text : refused) {
    INFO("text \"" << text << "\"");
    const auto parsed = parse_rfc3339(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error() == out_of_utc_years(text));
    CHECK(parse_event_time(text).error() == out_of_utc_years(text));
  }
}

TEST_CASE("writable_in_offset: the local time lies within the years 0000 to 9999", "[time][rfc3339]") {
  using matchfund::writable_in_offset;
  const auto writable = [](std::int64_t epoch_ms, std::string_view offset) {
    return writable_in_offset(timestamp::from_epoch_ms(epoch_ms), offset_of(offset));
  };
  constexpr std::int64_t earliest = matchfund::earliest_epoch_ms;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t latest = matchfund::latest_epoch_ms;      // 9999-12-31T23:59:59.999Z
  constexpr std::int64_t hour = 3'600'000;
  // UTC: exactly the range of the parsers.
  CHECK(writable(earliest, "Z"));
  CHECK_FALSE(writable(earliest - 1, "Z"));
  CHECK(writable(latest, "Z"));
  CHECK_FALSE(writable(latest + 1, "Z"));
  // Ahead of UTC the range ends earlier: 9999-12-31T23:59:59.999+08:00 is the last instant,
  // and the epoch text 253402300799999 (9999-12-31T23:59:59.999Z) is 10000-01-01T07:59:59.999 there.
  CHECK(writable(latest - 8 * hour, "+08:00"));
  CHECK_FALSE(writable(latest - 8 * hour + 1, "+08:00"));
  CHECK_FALSE(writable(latest, "+08:00"));
  CHECK(writable(earliest - 8 * hour, "+08:00"));  // 0000-01-01T00:00:00+08:00, before the UTC range
  CHECK_FALSE(writable(earliest - 8 * hour - 1, "+08:00"));
  // Behind UTC it starts later: 0000-01-01T00:00:00Z is -0001-12-31T19:00:00 in -05:00.
  CHECK(writable(earliest + 5 * hour, "-05:00"));
  CHECK_FALSE(writable(earliest + 5 * hour - 1, "-05:00"));
  CHECK_FALSE(writable(earliest, "-05:00"));
  CHECK(writable(latest + 5 * hour, "-05:00"));
  CHECK_FALSE(writable(latest + 5 * hour + 1, "-05:00"));
  // The widest offsets.
  CHECK(writable(latest - 1439 * 60'000, "+23:59"));
  CHECK_FALSE(writable(latest - 1439 * 60'000 + 1, "+23:59"));
  CHECK(writable(earliest + 1439 * 60'000, "-23:59"));
  CHECK_FALSE(writable(earliest + 1439 * 60'000 - 1, "-23:59"));
  // Any epoch_ms() at all, without overflow.
  CHECK_FALSE(writable(std::numeric_limits<std::int64_t>::max(), "+23:59"));
  CHECK_FALSE(writable(std::numeric_limits<std::int64_t>::min(), "-23:59"));
  static_assert(writable_in_offset(timestamp{}, utc_offset{}));

  // Whatever is writable is written with a four-digit year and reads back the same.
  struct written_case {
    std::int64_t epoch_ms;
    std::string_view offset;
    std::string_view text;
  };
  static constexpr written_case ends[] = {
      {earliest, "Z", "0000-01-01T00:00:00.000+00:00"},
      {latest, "Z", "9999-12-31T23:59:59.999+00:00"},
      {latest - 8 * hour, "+08:00", "9999-12-31T23:59:59.999+08:00"},
      {earliest, "+08:00", "0000-01-01T08:00:00.000+08:00"},
      {earliest + 5 * hour, "-05:00", "0000-01-01T00:00:00.000-05:00"},
      {latest, "-05:00", "9999-12-31T18:59:59.999-05:00"},
  };
  for (const auto& c : ends) {
    INFO("epoch ms " << c.epoch_ms << ", offset " << c.offset);
    REQUIRE(writable(c.epoch_ms, c.offset));
    const std::string text = format_rfc3339(timestamp::from_epoch_ms(c.epoch_ms), offset_of(c.offset));
    CHECK(text == c.text);
    CHECK(parse_rfc3339(text).value().epoch_ms() == c.epoch_ms);
  }
}

TEST_CASE("format_rfc3339 shows the campaign offset and milliseconds", "[time][rfc3339]") {
  struct format_case {
    std::int64_t epoch_ms;
    std::string_view offset;
    std::string_view text;
  };
  static constexpr format_case cases[] = {
      {1'630'980'000'000, "+08:00", "2021-09-07T10:00:00.000+08:00"},
      {1'630'980'000'000, "+00:00", "2021-09-07T02:00:00.000+00:00"},
      {1'630'980'000'000, "Z", "2021-09-07T02:00:00.000+00:00"},  // a zero offset is never "Z"
      {1'630'980'000'000, "-05:30", "2021-09-06T20:30:00.000-05:30"},
      {1'630'980'000'000, "+05:45", "2021-09-07T07:45:00.000+05:45"},
      {1'630'980'000'250, "+08:00", "2021-09-07T10:00:00.250+08:00"},
      {1'630'980'000'007, "+08:00", "2021-09-07T10:00:00.007+08:00"},
      {1'630'980'000'999, "+08:00", "2021-09-07T10:00:00.999+08:00"},
      {0, "+00:00", "1970-01-01T00:00:00.000+00:00"},
      {0, "+08:00", "1970-01-01T08:00:00.000+08:00"},
      {0, "-00:30", "1969-12-31T23:30:00.000-00:30"},
      {-1, "+00:00", "1969-12-31T23:59:59.999+00:00"},
      {-1, "+08:00", "1970-01-01T07:59:59.999+08:00"},
      {-1, "-05:00", "1969-12-31T18:59:59.999-05:00"},
      {-28'800'000, "+08:00", "1970-01-01T00:00:00.000+08:00"},
      {1'709'164'800'005, "+08:00", "2024-02-29T08:00:00.005+08:00"},
      {1'709'222'399'999, "+08:00", "2024-02-29T23:59:59.999+08:00"},
      {first_ms_of_year_1, "+00:00", "0001-01-01T00:00:00.000+00:00"},
      {last_ms_of_year_9999, "+00:00", "9999-12-31T23:59:59.999+00:00"},
      {1'640'966'399'999, "+08:00", "2021-12-31T23:59:59.999+08:00"},
      {1'640'966'399'999, "+23:59", "2022-01-01T15:58:59.999+23:59"},
      {1'640'966'399'999, "-23:59", "2021-12-30T16:00:59.999-23:59"},
  };
  for (const auto& c : cases) {
    INFO("epoch ms " << c.epoch_ms << ", offset " << c.offset);
    const std::string text =
        format_rfc3339(timestamp::from_epoch_ms(c.epoch_ms), offset_of(c.offset));
    CHECK(text == c.text);
    const auto parsed = parse_rfc3339(text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->epoch_ms() == c.epoch_ms);
  }
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

TEST_CASE("timestamp arithmetic", "[time]") {
  const timestamp t = at("2021-09-07T10:00:00+08:00");
  CHECK((t + duration{250}).epoch_ms() == 1'630'980'000'250);
  CHECK((t - duration{1}).epoch_ms() == 1'630'979'999'999);
  CHECK((t + std::chrono::hours{14}) == at("2021-09-08T00:00:00+08:00"));
  CHECK(at("2021-09-08T00:00:00+08:00") - t == duration{50'400'000});
  CHECK(t - at("2021-09-08T00:00:00+08:00") == duration{-50'400'000});
  CHECK(t < t + duration{1});
  CHECK(timestamp{}.epoch_ms() == 0);
  CHECK(t == at("2021-09-07T02:00:00Z"));
}

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

TEST_CASE("format_rfc3339 and parse_rfc3339 round-trip (property)", "[time][rfc3339][property]") {
  constexpr std::uint64_t seed = 1630980000000;
  std::mt19937_64 engine(seed);
  // A day inside years 1..9999 so that the local date stays four digits in any offset.
  std::uniform_int_distribution<std::int64_t> milliseconds(
      first_ms_of_year_1 + matchfund::milliseconds_per_day,
      last_ms_of_year_9999 - matchfund::milliseconds_per_day);
  std::uniform_int_distribution<std::int64_t> near_epoch(-4'000'000'000'000, 4'000'000'000'000);
  std::uniform_int_distribution<std::int32_t> offset_minutes(-1439, 1439);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    const std::int64_t ms = iteration % 2 == 0 ? milliseconds(engine) : near_epoch(engine);
    const utc_offset offset = utc_offset::from_minutes(offset_minutes(engine));
    INFO("seed " << seed << ", iteration " << iteration << ", epoch ms " << ms
                 << ", offset minutes " << offset.minutes());
    const timestamp t = timestamp::from_epoch_ms(ms);
    const std::string text = format_rfc3339(t, offset);
    INFO("text " << text);
    REQUIRE(text.size() == 29);
    REQUIRE(text.substr(23) == format_utc_offset(offset));
    REQUIRE(text.substr(0, 10) == format_local_date(local_day_of(t, offset)));
    const auto parsed = parse_rfc3339(text);
    REQUIRE(parsed.has_value());
    REQUIRE(parsed->epoch_ms() == ms);
    // The same instant written in UTC reads back the same.
    REQUIRE(parse_rfc3339(format_rfc3339(t, utc_offset{})).value() == t);
  }
}

TEST_CASE("epoch millisecond text round-trips (property)", "[time][epoch][property]") {
  constexpr std::uint64_t seed = 42;
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::int64_t> milliseconds(matchfund::earliest_epoch_ms, matchfund::latest_epoch_ms);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const std::int64_t ms = milliseconds(engine);
    INFO("seed " << seed << ", iteration " << iteration << ", epoch ms " << ms);
    REQUIRE(parse_epoch_milliseconds(std::to_string(ms)).value().epoch_ms() == ms);
    REQUIRE(parse_event_time(std::to_string(ms)).value().epoch_ms() == ms);
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
