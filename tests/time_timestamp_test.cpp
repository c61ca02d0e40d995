// Instants as text (SPEC §2): RFC 3339 and epoch milliseconds read exactly and refused with an
// exact message, the years 0000 to 9999 they keep to, RFC 3339 written in the campaign offset,
// and timestamp arithmetic.
#include "matchfund/timestamp.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/utc_offset.hpp"
#include "time_test_support.hpp"

using matchfund::duration;
using matchfund::format_local_date;
using matchfund::format_rfc3339;
using matchfund::format_utc_offset;
using matchfund::local_day_of;
using matchfund::parse_epoch_milliseconds;
using matchfund::parse_event_time;
using matchfund::parse_rfc3339;
using matchfund::timestamp;
using matchfund::utc_offset;
using matchfund::testing::at;
using matchfund::testing::first_ms_of_year_1;
using matchfund::testing::invalid_text;
using matchfund::testing::last_ms_of_year_9999;
using matchfund::testing::offset_of;
using matchfund::testing::quoted;

namespace {

// The parsers' messages for refused instants, which the tests compare whole.
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

TEST_CASE("durations are a whole number and one unit, within a year", "[time][duration]") {
  using matchfund::parse_duration;
  CHECK(parse_duration("30m").value() == duration{30 * 60'000});
  CHECK(parse_duration("1s").value() == duration{1'000});
  CHECK(parse_duration("8760h").value() == duration{8760LL * 3'600'000});
  CHECK(parse_duration("525600m").value() == duration{8760LL * 3'600'000});
  const auto failure = [](std::string_view text) {
    const auto parsed = parse_duration(text);
    return parsed ? std::string() : parsed.error();
  };
  CHECK(failure("0m") == "invalid duration \"0m\": must be more than 0");
  CHECK(failure("030m") == "invalid duration \"030m\": no leading zeros");
  CHECK(failure("8761h") == "invalid duration \"8761h\": must be at most 8760h");
  CHECK(failure("31536001s") == "invalid duration \"31536001s\": must be at most 8760h");
  CHECK(failure("99999999999999999999999h") == "invalid duration \"99999999999999999999999h\": must be at most 8760h");
  CHECK(failure("30") == "invalid duration \"30\": the unit must be s, m or h");
  CHECK(failure("m") == "invalid duration \"m\": expected a whole number and a unit s, m or h, e.g. 30m");
  CHECK(failure("+5m") == "invalid duration \"+5m\": expected a whole number and a unit s, m or h, e.g. 30m");
  CHECK(failure("1.5h") == "invalid duration \"1.5h\": expected a whole number and a unit s, m or h, e.g. 30m");
  CHECK(failure("5 m") == "invalid duration \"5 m\": expected a whole number and a unit s, m or h, e.g. 30m");
  CHECK(failure("5d") == "invalid duration \"5d\": the unit must be s, m or h");
}
