// An instant as milliseconds since the Unix epoch, read from RFC 3339 text with an offset
// or from integer epoch milliseconds, and shown in the campaign's offset (SPEC §2).
//
// Meaningful arithmetic only: timestamp +/- duration, timestamp - timestamp = duration.
#ifndef MATCHFUND_TIMESTAMP_HPP
#define MATCHFUND_TIMESTAMP_HPP

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/parse_result.hpp"
#include "matchfund/utc_offset.hpp"

namespace matchfund {

using duration = std::chrono::milliseconds;

class timestamp {
 public:
  constexpr timestamp() noexcept = default;
  static constexpr timestamp from_epoch_ms(std::int64_t milliseconds) noexcept {
    timestamp t;
    t.milliseconds_ = milliseconds;
    return t;
  }
  [[nodiscard]] constexpr std::int64_t epoch_ms() const noexcept { return milliseconds_; }

  friend constexpr bool operator==(timestamp, timestamp) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(timestamp, timestamp) noexcept = default;

  friend constexpr timestamp operator+(timestamp t, duration d) noexcept {
    return from_epoch_ms(t.milliseconds_ + d.count());
  }
  friend constexpr timestamp operator-(timestamp t, duration d) noexcept {
    return from_epoch_ms(t.milliseconds_ - d.count());
  }
  friend constexpr duration operator-(timestamp a, timestamp b) noexcept {
    return duration{a.milliseconds_ - b.milliseconds_};
  }

 private:
  std::int64_t milliseconds_ = 0;
};

// A duration of the rules file (SPEC §12's campaign.holds.ttl): a whole number without sign or
// leading zero and one unit, s, m or h; more than 0 and at most 8760h (a year).
inline parse_result<duration> parse_duration(std::string_view text) {
  const auto failure = [&](std::string_view why) {
    return parse_failure{"invalid duration \"" + std::string(text) + "\": " + std::string(why)};
  };
  if (text.size() < 2) return failure("expected a whole number and a unit s, m or h, e.g. 30m");
  const char unit = text.back();
  const std::string_view digits = text.substr(0, text.size() - 1);
  const std::int64_t unit_ms = unit == 's' ? 1'000 : unit == 'm' ? 60'000 : unit == 'h' ? 3'600'000 : 0;
  if (unit_ms == 0) return failure("the unit must be s, m or h");
  if (digits.size() > 1 && digits.front() == '0') return failure("no leading zeros");
  std::int64_t count = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return failure("expected a whole number and a unit s, m or h, e.g. 30m");
    if (count > 8760LL * 3'600'000) break;  // far beyond the limit already; stops any overflow
    count = count * 10 + (c - '0');
  }
  if (count == 0) return failure("must be more than 0");
  if (count > 8760LL * 3'600'000 / unit_ms) return failure("must be at most 8760h");
  return duration{count * unit_ms};
}

namespace detail {

inline constexpr std::int64_t floor_divide(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t quotient = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? quotient - 1 : quotient;
}

}  // namespace detail

// The local day of SPEC §2: floor((t + offset) / 86,400,000).
inline constexpr local_date local_day_of(timestamp t, utc_offset offset) noexcept {
  return local_date::from_days(
      detail::floor_divide(t.epoch_ms() + offset.milliseconds(), milliseconds_per_day));
}

// Milliseconds since local midnight, 0 .. 86,399,999.
inline constexpr std::int64_t local_millisecond_of_day(timestamp t, utc_offset offset) noexcept {
  const std::int64_t local = t.epoch_ms() + offset.milliseconds();
  return local - detail::floor_divide(local, milliseconds_per_day) * milliseconds_per_day;
}

// The local clock at second precision (SPEC §11.5: milliseconds dropped).
inline constexpr local_clock local_clock_of(timestamp t, utc_offset offset) noexcept {
  return local_clock::from_seconds(local_millisecond_of_day(t, offset) / 1000);
}

// The instant at which a local date and clock occur in `offset`.
inline constexpr timestamp at_local(local_date date, local_clock clock, utc_offset offset) noexcept {
  return timestamp::from_epoch_ms(date.days_since_epoch() * milliseconds_per_day +
                                  clock.milliseconds_since_midnight() - offset.milliseconds());
}

// The instants RFC 3339 can write in UTC: years 0000 to 9999.
inline constexpr std::int64_t earliest_epoch_ms = -62'167'219'200'000;  // 0000-01-01T00:00:00Z
inline constexpr std::int64_t latest_epoch_ms = 253'402'300'799'999;    // 9999-12-31T23:59:59.999Z

// Whether `t` can be written as RFC 3339 in `offset` (format_rfc3339): its local time, t + offset,
// lies within 0000-01-01T00:00:00.000 and 9999-12-31T23:59:59.999. Every time a run may print
// must be: a time that is not would be written with a year of five digits or below zero.
inline constexpr bool writable_in_offset(timestamp t, utc_offset offset) noexcept {
  // Compared without adding, so that no epoch_ms() can overflow.
  return t.epoch_ms() >= earliest_epoch_ms - offset.milliseconds() &&
         t.epoch_ms() <= latest_epoch_ms - offset.milliseconds();
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); 'T' and 'Z' may be lower case.
// Fraction digits beyond milliseconds are truncated. Seconds 60 (leap) are rejected.
// The instant must lie within the years 0000 to 9999 in UTC, as for parse_epoch_milliseconds.
inline parse_result<timestamp> parse_rfc3339(std::string_view text) {
  const auto fail = [&](std::string_view why) {
    return parse_failure{"invalid time " + detail::quote(text) + ": " + std::string(why)};
  };
  constexpr std::string_view shape = "expected RFC 3339 such as 2021-09-07T10:00:00+08:00";
  if (text.size() < 20) return fail(shape);
  const auto date = parse_local_date(text.substr(0, 10));
  if (text[10] != 'T' && text[10] != 't') return fail(shape);
  const int hours = detail::read_fixed_digits(text, 11, 2);
  const int minutes = detail::read_fixed_digits(text, 14, 2);
  const int seconds = detail::read_fixed_digits(text, 17, 2);
  if (text[13] != ':' || text[16] != ':' || hours < 0 || minutes < 0 || seconds < 0) return fail(shape);
  std::size_t position = 19;
  std::int64_t milliseconds = 0;
  if (position < text.size() && text[position] == '.') {
    ++position;
    const std::size_t first_digit = position;
    while (position < text.size() && detail::is_ascii_digit(text[position])) {
      if (position - first_digit < 3) milliseconds = milliseconds * 10 + (text[position] - '0');
      ++position;
    }
    if (position == first_digit) return fail(shape);
    for (std::size_t digits = position - first_digit; digits < 3; ++digits) milliseconds *= 10;
  }
  const auto offset = parse_utc_offset(text.substr(position));
  if (!offset) return fail(shape);
  if (!date) return fail("no such day");
  if (hours > 23 || minutes > 59 || seconds > 59) {
    return fail("hours must be 00-23, minutes and seconds 00-59");
  }
  const local_clock clock = local_clock::from_seconds(hours * 3600 + minutes * 60 + seconds);
  const timestamp result = at_local(*date, clock, *offset) + duration{milliseconds};
  if (!writable_in_offset(result, utc_offset{})) return fail("outside the years 0000 to 9999 in UTC");
  return result;
}

// Integer epoch milliseconds ("1630980000000", optionally negative), as event files may give,
// within the years 0000 to 9999 in UTC. Whether a time can be written back in the campaign's
// offset is writable_in_offset's question: readers of times ask it as well.
inline parse_result<timestamp> parse_epoch_milliseconds(std::string_view text) {
  const auto parts = detail::split_decimal(text);
  if (!parts || !parts->fraction_digits.empty()) {
    return parse_failure{"invalid time " + detail::quote(text) +
                         ": expected RFC 3339 or integer epoch milliseconds"};
  }
  detail::int128 milliseconds = 0;
  const auto status = detail::scale_decimal(*parts, 0, latest_epoch_ms + 1, milliseconds);
  if (status != detail::scale_status::ok || milliseconds < earliest_epoch_ms || milliseconds > latest_epoch_ms) {
    return parse_failure{"invalid time " + detail::quote(text) + ": outside the years 0000 to 9999"};
  }
  return timestamp::from_epoch_ms(static_cast<std::int64_t>(milliseconds));
}

// Either form of an event time (SPEC §2): integer text is epoch milliseconds.
inline parse_result<timestamp> parse_event_time(std::string_view text) {
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (!digits.empty() && detail::all_digits(digits)) return parse_epoch_milliseconds(text);
  return parse_rfc3339(text);
}

// "2021-09-07T10:00:00.000+08:00": always milliseconds, always the offset (SPEC §2).
inline std::string format_rfc3339(timestamp t, utc_offset offset) {
  const local_date date = local_day_of(t, offset);
  const std::int64_t millisecond = local_millisecond_of_day(t, offset);
  const std::int64_t second = millisecond / 1000;
  std::string fraction = std::to_string(millisecond % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return format_local_date(date) + "T" + detail::two_digits(second / 3600) + ":" +
         detail::two_digits(second / 60 % 60) + ":" + detail::two_digits(second % 60) + "." +
         fraction + format_utc_offset(offset);
}

}  // namespace matchfund

#endif
