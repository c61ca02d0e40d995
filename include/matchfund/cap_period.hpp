// The period a cap counts over (SPEC §2): the whole campaign, a local day, or a year that
// starts on a given month and day (fiscal years are named by the calendar year they start in).
#ifndef MATCHFUND_CAP_PERIOD_HPP
#define MATCHFUND_CAP_PERIOD_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "matchfund/calendar.hpp"
#include "matchfund/parse_result.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"

namespace matchfund {

enum class period_kind { campaign, day, year };

inline constexpr std::string_view to_string(period_kind kind) noexcept {
  switch (kind) {
    case period_kind::campaign: return "campaign";
    case period_kind::day: return "day";
    case period_kind::year: return "year";
  }
  return "campaign";
}

inline constexpr std::optional<period_kind> period_kind_from_string(std::string_view text) noexcept {
  if (text == "campaign") return period_kind::campaign;
  if (text == "day") return period_kind::day;
  if (text == "year") return period_kind::year;
  return std::nullopt;
}

// The first day of a (fiscal) year, "MM-DD". 02-29 is refused: it does not occur every year.
struct month_day {
  int month = 1;
  int day = 1;
  friend constexpr bool operator==(const month_day&, const month_day&) = default;
};

inline parse_result<month_day> parse_month_day(std::string_view text) {
  const int month = detail::read_fixed_digits(text, 0, 2);
  const int day = detail::read_fixed_digits(text, 3, 2);
  if (text.size() != 5 || text[2] != '-' || month < 0 || day < 0) {
    return parse_failure{"invalid year start " + detail::quote(text) + ": expected MM-DD"};
  }
  if (month == 2 && day == 29) {
    return parse_failure{"invalid year start \"02-29\": a year cannot start on a day that most years lack"};
  }
  // 2001 is not a leap year, so this also refuses 02-29 a second time; harmless.
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(2001, month)) {
    return parse_failure{"invalid year start " + detail::quote(text) + ": no such day"};
  }
  return month_day{month, day};
}

inline std::string format_month_day(month_day start) {
  return detail::two_digits(start.month) + "-" + detail::two_digits(start.day);
}

class cap_period {
 public:
  constexpr cap_period() noexcept = default;
  static constexpr cap_period whole_campaign() noexcept { return cap_period{}; }
  static constexpr cap_period local_day() noexcept {
    cap_period period;
    period.kind_ = period_kind::day;
    return period;
  }
  static constexpr cap_period year_from(month_day start) noexcept {
    cap_period period;
    period.kind_ = period_kind::year;
    period.year_start_ = start;
    return period;
  }

  [[nodiscard]] constexpr period_kind kind() const noexcept { return kind_; }
  [[nodiscard]] constexpr month_day year_start() const noexcept { return year_start_; }

  // The counter a donation at `t` charges: 0 for the campaign, the local day number for a day,
  // and for a year the calendar year in which the containing (fiscal) year starts.
  [[nodiscard]] constexpr std::int64_t index_of(timestamp t, utc_offset offset) const noexcept {
    switch (kind_) {
      case period_kind::campaign: return 0;
      case period_kind::day: return local_day_of(t, offset).days_since_epoch();
      case period_kind::year: {
        const civil_date date = local_day_of(t, offset).civil();
        const bool before_start = date.month < year_start_.month ||
                                  (date.month == year_start_.month && date.day < year_start_.day);
        return before_start ? date.year - 1 : date.year;
      }
    }
    return 0;
  }

  friend constexpr bool operator==(const cap_period&, const cap_period&) = default;

 private:
  period_kind kind_ = period_kind::campaign;
  month_day year_start_{};
};

}  // namespace matchfund

#endif
