// A fixed offset from UTC, "+08:00" (SPEC §2: a campaign has one; no daylight saving).
#ifndef MATCHFUND_UTC_OFFSET_HPP
#define MATCHFUND_UTC_OFFSET_HPP

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/parse_result.hpp"

namespace matchfund {

class utc_offset {
 public:
  constexpr utc_offset() noexcept = default;
  // Precondition: |minutes| < 24 x 60.
  static constexpr utc_offset from_minutes(std::int32_t minutes) noexcept {
    utc_offset offset;
    offset.minutes_ = minutes;
    return offset;
  }
  [[nodiscard]] constexpr std::int32_t minutes() const noexcept { return minutes_; }
  [[nodiscard]] constexpr std::int64_t milliseconds() const noexcept {
    return std::int64_t{minutes_} * 60'000;
  }

  friend constexpr bool operator==(utc_offset, utc_offset) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(utc_offset, utc_offset) noexcept = default;

 private:
  std::int32_t minutes_ = 0;
};

// "+HH:MM" or "-HH:MM" with HH 00-23 and MM 00-59; "Z" is +00:00.
inline parse_result<utc_offset> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "z") return utc_offset{};
  const int hours = detail::read_fixed_digits(text, 1, 2);
  const int minutes = detail::read_fixed_digits(text, 4, 2);
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' || hours < 0 ||
      minutes < 0) {
    return parse_failure{"invalid UTC offset " + detail::quote(text) + ": expected +HH:MM or -HH:MM"};
  }
  if (hours > 23 || minutes > 59) {
    return parse_failure{"invalid UTC offset " + detail::quote(text) +
                         ": hours must be 00-23 and minutes 00-59"};
  }
  const int total = hours * 60 + minutes;
  return utc_offset::from_minutes(text[0] == '-' ? -total : total);
}

// "+08:00"; a zero offset is "+00:00" (SPEC §2).
inline std::string format_utc_offset(utc_offset offset) {
  const std::int32_t total = offset.minutes();
  const std::int32_t magnitude = total < 0 ? -total : total;
  return (total < 0 ? "-" : "+") + detail::two_digits(magnitude / 60) + ":" +
         detail::two_digits(magnitude % 60);
}

}  // namespace matchfund

#endif
