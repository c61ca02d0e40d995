// Civil dates and clocks: the proleptic Gregorian calendar as day counts since 1970-01-01
// (H. Hinnant's days_from_civil / civil_from_days), local dates "YYYY-MM-DD", clocks
// "HH:MM[:SS]" and clock ranges "HH:MM-HH:MM" (SPEC §2).
#ifndef MATCHFUND_CALENDAR_HPP
#define MATCHFUND_CALENDAR_HPP

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/parse_result.hpp"

namespace matchfund {

inline constexpr std::int64_t milliseconds_per_day = 86'400'000;
inline constexpr std::int64_t seconds_per_day = 86'400;

struct civil_date {
  std::int32_t year = 1970;
  std::int32_t month = 1;  // 1..12
  std::int32_t day = 1;    // 1..31
  friend constexpr bool operator==(const civil_date&, const civil_date&) = default;
};

inline constexpr bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

inline constexpr int days_in_month(std::int64_t year, int month) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

inline constexpr std::int64_t days_from_civil(std::int64_t year, std::int64_t month,
                                              std::int64_t day) noexcept {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

inline constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;
  const std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2);
  return {static_cast<std::int32_t>(year), static_cast<std::int32_t>(month), static_cast<std::int32_t>(day)};
}

// A calendar date in the campaign's local time, as days since 1970-01-01.
class local_date {
 public:
  constexpr local_date() noexcept = default;
  static constexpr local_date from_days(std::int64_t days) noexcept {
    local_date date;
    date.days_ = days;
    return date;
  }
  static constexpr local_date from_civil(civil_date date) noexcept {
    return from_days(days_from_civil(date.year, date.month, date.day));
  }
  [[nodiscard]] constexpr std::int64_t days_since_epoch() const noexcept { return days_; }
  [[nodiscard]] constexpr civil_date civil() const noexcept { return civil_from_days(days_); }

  friend constexpr bool operator==(local_date, local_date) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(local_date, local_date) noexcept = default;

 private:
  std::int64_t days_ = 0;
};

// A time of day in seconds since local midnight; 24:00 (86,400) exists only as a range end.
class local_clock {
 public:
  constexpr local_clock() noexcept = default;
  static constexpr local_clock from_seconds(std::int64_t seconds) noexcept {
    local_clock clock;
    clock.seconds_ = seconds;
    return clock;
  }
  [[nodiscard]] constexpr std::int64_t seconds_since_midnight() const noexcept { return seconds_; }
  [[nodiscard]] constexpr std::int64_t milliseconds_since_midnight() const noexcept {
    return seconds_ * 1000;
  }

  friend constexpr bool operator==(local_clock, local_clock) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(local_clock, local_clock) noexcept = default;

 private:
  std::int64_t seconds_ = 0;
};

// [start, end) within one local day, start < end (SPEC §2: cross midnight with two windows).
struct clock_range {
  local_clock start;
  local_clock end;
  [[nodiscard]] constexpr bool contains_millisecond(std::int64_t millisecond_of_day) const noexcept {
    return millisecond_of_day >= start.milliseconds_since_midnight() &&
           millisecond_of_day < end.milliseconds_since_midnight();
  }
  friend constexpr bool operator==(const clock_range&, const clock_range&) = default;
};

namespace detail {

// Reads exactly `count` ASCII digits at `position`; -1 when they are not all digits.
inline constexpr int read_fixed_digits(std::string_view text, std::size_t position,
                                       std::size_t count) noexcept {
  if (position + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = position; i < position + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

inline std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

inline std::string two_digits(std::int64_t number) {
  return number < 10 ? "0" + std::to_string(number) : std::to_string(number);
}

}  // namespace detail

// "YYYY-MM-DD", a real calendar date with a four-digit year.
inline parse_result<local_date> parse_local_date(std::string_view text) {
  const int year = detail::read_fixed_digits(text, 0, 4);
  const int month = detail::read_fixed_digits(text, 5, 2);
  const int day = detail::read_fixed_digits(text, 8, 2);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || year < 0 || month < 0 || day < 0) {
    return parse_failure{"invalid date " + detail::quote(text) + ": expected YYYY-MM-DD"};
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return parse_failure{"invalid date " + detail::quote(text) + ": no such day"};
  }
  return local_date::from_civil({year, month, day});
}

inline std::string format_local_date(local_date date) {
  const civil_date civil = date.civil();
  std::string year = std::to_string(civil.year);
  if (civil.year >= 0 && year.size() < 4) year.insert(0, 4 - year.size(), '0');
  return year + "-" + detail::two_digits(civil.month) + "-" + detail::two_digits(civil.day);
}

// "HH:MM" or "HH:MM:SS", 00:00 to 23:59:59; with allow_end_of_day also "24:00" (a range end).
inline parse_result<local_clock> parse_local_clock(std::string_view text, bool allow_end_of_day = false) {
  const int hours = detail::read_fixed_digits(text, 0, 2);
  const int minutes = detail::read_fixed_digits(text, 3, 2);
  int seconds = 0;
  bool shape_ok = (text.size() == 5 || text.size() == 8) && text[2] == ':' && hours >= 0 && minutes >= 0;
  if (shape_ok && text.size() == 8) {
    seconds = detail::read_fixed_digits(text, 6, 2);
    shape_ok = text[5] == ':' && seconds >= 0;
  }
  if (!shape_ok) {
    return parse_failure{"invalid clock " + detail::quote(text) + ": expected HH:MM or HH:MM:SS"};
  }
  const bool end_of_day = hours == 24 && minutes == 0 && seconds == 0;
  if (end_of_day && allow_end_of_day) return local_clock::from_seconds(seconds_per_day);
  if (hours > 23 || minutes > 59 || seconds > 59) {
    return parse_failure{"invalid clock " + detail::quote(text) +
                         (end_of_day ? ": 24:00 is only allowed as the end of a range"
                                     : ": hours must be 00-23, minutes and seconds 00-59")};
  }
  return local_clock::from_seconds(hours * 3600 + minutes * 60 + seconds);
}

// "HH:MM:SS", or "HH:MM" when the seconds are zero; "24:00" for the end of the day.
inline std::string format_local_clock(local_clock clock) {
  const std::int64_t total = clock.seconds_since_midnight();
  std::string text = detail::two_digits(total / 3600) + ":" + detail::two_digits(total / 60 % 60);
  if (total % 60 != 0) text += ":" + detail::two_digits(total % 60);
  return text;
}

// "HH:MM-HH:MM" (seconds allowed on either side), start < end, 24:00 allowed as the end.
inline parse_result<clock_range> parse_clock_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    return parse_failure{"invalid clock range " + detail::quote(text) + ": expected HH:MM-HH:MM"};
  }
  const auto start = parse_local_clock(text.substr(0, dash));
  if (!start) return parse_failure{"invalid clock range " + detail::quote(text) + ": " + start.error()};
  const auto end = parse_local_clock(text.substr(dash + 1), true);
  if (!end) return parse_failure{"invalid clock range " + detail::quote(text) + ": " + end.error()};
  if (!(*start < *end)) {
    return parse_failure{"invalid clock range " + detail::quote(text) +
                         ": the start must be before the end (use two windows to cross midnight)"};
  }
  return clock_range{*start, *end};
}

}  // namespace matchfund

#endif
