#include "report/chart_axes.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "matchfund/calendar.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund::reporting {

namespace {

// The smallest 1-2-5 x 10^k step that covers `high` in at most `max_ticks` steps.
std::int64_t nice_step(std::uint64_t high, int max_ticks) {
  const auto steps_allowed = static_cast<std::uint64_t>(std::max(1, max_ticks));
  std::uint64_t power = 1;
  for (;;) {
    for (const std::uint64_t factor : {1U, 2U, 5U}) {
      const std::uint64_t step = power * factor;
      if ((high + step - 1) / step <= steps_allowed) return static_cast<std::int64_t>(step);
    }
    power *= 10;
  }
}

constexpr std::int64_t second_ms = 1000;
constexpr std::int64_t minute_ms = 60 * second_ms;
constexpr std::int64_t hour_ms = 60 * minute_ms;
constexpr std::int64_t day_ms = 24 * hour_ms;

constexpr std::array<std::int64_t, 27> time_steps_ms = {
    second_ms,   2 * second_ms, 5 * second_ms,  10 * second_ms, 15 * second_ms, 30 * second_ms, minute_ms,
    2 * minute_ms, 5 * minute_ms, 10 * minute_ms, 15 * minute_ms, 30 * minute_ms, hour_ms,       2 * hour_ms,
    3 * hour_ms, 6 * hour_ms,   12 * hour_ms,   day_ms,         2 * day_ms,     7 * day_ms,     14 * day_ms,
    28 * day_ms, 56 * day_ms,   91 * day_ms,    182 * day_ms,   364 * day_ms,   728 * day_ms};

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return detail::floor_divide(a, b); }

std::string clock_label(timestamp t, utc_offset offset, bool seconds) {
  const std::string text = format_rfc3339(t, offset);
  return text.substr(11, seconds ? 8 : 5);
}

}  // namespace

double text_width(std::string_view text, double font_size) {
  double em = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      em += 0.6;
    } else if ((byte & 0xC0) != 0x80) {
      em += 1.0;  // the first byte of a multi-byte character: count it once
    }
  }
  return em * font_size;
}

double linear_scale::at(double value) const noexcept {
  if (high_ == low_) return (pixel_low_ + pixel_high_) / 2;
  return pixel_low_ + (value - low_) / (high_ - low_) * (pixel_high_ - pixel_low_);
}

std::vector<axis_tick> money_ticks(std::int64_t high_minor, int max_ticks, const money_display& display) {
  return money_ticks_between(0, high_minor, max_ticks, display);
}

std::vector<axis_tick> money_ticks_between(std::int64_t low_minor, std::int64_t high_minor, int max_ticks,
                                           const money_display& display) {
  const std::int64_t low = std::max<std::int64_t>(low_minor, 0);
  const std::int64_t high = std::max(high_minor, low + 1);
  // Rounding the low end down to the step can need one step more than allowed: widen and retry.
  std::int64_t span = high - low;
  std::int64_t step = 1;
  std::int64_t base = 0;
  for (;;) {
    step = nice_step(static_cast<std::uint64_t>(span), max_ticks);
    base = low / step * step;
    if ((high - base + step - 1) / step <= max_ticks) break;
    span = high - base;
  }
  std::vector<axis_tick> ticks;
  for (std::int64_t value = base;; value += step) {
    ticks.push_back({static_cast<double>(value), format_axis_amount(money::from_minor(value), display), {}});
    if (value >= high) break;
  }
  return ticks;
}

std::vector<axis_tick> count_ticks(std::uint64_t high, int max_ticks) {
  const std::int64_t step = nice_step(std::max<std::uint64_t>(high, 1), max_ticks);
  std::vector<axis_tick> ticks;
  for (std::int64_t value = 0;; value += step) {
    ticks.push_back({static_cast<double>(value), format_count(static_cast<std::uint64_t>(value)), {}});
    if (static_cast<std::uint64_t>(value) >= high) break;
  }
  return ticks;
}

std::vector<axis_tick> share_ticks() {
  std::vector<axis_tick> ticks;
  for (std::int64_t value = 0; value <= 10'000; value += 2'500) {
    ticks.push_back({static_cast<double>(value), format_share(value), {}});
  }
  return ticks;
}

std::int64_t time_step_ms(std::int64_t span_ms, int max_steps) {
  for (const std::int64_t candidate : time_steps_ms) {
    if (std::max<std::int64_t>(span_ms, 1) / candidate + 1 <= max_steps) return candidate;
  }
  return time_steps_ms.back();
}

std::vector<axis_tick> time_ticks(std::int64_t from_ms, std::int64_t to_ms, utc_offset offset, int max_ticks,
                                  bool one_line) {
  const std::int64_t step = time_step_ms(to_ms - from_ms, max_ticks);
  // Round local clock times: multiples of the step counted from local midnight of 1970-01-01.
  const std::int64_t shift = offset.milliseconds();
  std::vector<axis_tick> ticks;
  std::optional<local_date> previous_day;
  for (std::int64_t local = (floor_div(from_ms + shift - 1, step) + 1) * step; local - shift <= to_ms; local += step) {
    const timestamp t = timestamp::from_epoch_ms(local - shift);
    const local_date day = local_day_of(t, offset);
    const std::string date = format_local_date(day).substr(5);
    axis_tick tick{static_cast<double>(t.epoch_ms()), {}, {}};
    if (step >= day_ms) {
      tick.label = date;
    } else if (one_line) {
      tick.label = date + " " + clock_label(t, offset, step < minute_ms);
    } else {
      tick.label = clock_label(t, offset, step < minute_ms);
      if (!previous_day || *previous_day != day) tick.second_line = date;
    }
    previous_day = day;
    ticks.push_back(std::move(tick));
  }
  return ticks;
}

double label_margin(const std::vector<axis_tick>& ticks) {
  double widest = 0;
  for (const axis_tick& tick : ticks) widest = std::max(widest, text_width(tick.label));
  return widest + 14;
}

chart_frame make_chart_frame(chart_size size, std::string_view label, const frame_axes& axes) {
  const bool two_line_x = std::any_of(axes.x_ticks.begin(), axes.x_ticks.end(),
                                      [](const axis_tick& tick) { return !tick.second_line.empty(); });
  plot_area area;
  area.left = std::max(label_margin(axes.y_ticks), 28.0);
  area.top = 24;
  area.width = size.width - area.left - axes.right_margin;
  area.height = size.height - area.top - (two_line_x ? 42 : 28) - (axes.x_title.empty() ? 0 : 16);
  chart_frame frame{svg_canvas(size.width, size.height, label), area,
                    linear_scale(axes.x_low, axes.x_high, area.left, area.right()),
                    linear_scale(axes.y_low, axes.y_high, area.bottom(), area.top)};
  svg_canvas& canvas = frame.canvas;
  for (const axis_tick& tick : axes.y_ticks) {
    const double y = frame.y.at(tick.value);
    canvas.line({area.left, y}, {area.right(), y}, "grid");
    canvas.text({area.left - 6, y + 4}, tick.label, "tick", text_anchor::end);
  }
  if (!axes.y_title.empty()) canvas.text({area.left, 14}, axes.y_title, "axis-title");
  canvas.line({area.left, area.bottom()}, {area.right(), area.bottom()}, "axis");
  for (const axis_tick& tick : axes.x_ticks) {
    const double x = frame.x.at(tick.value);
    canvas.line({x, area.bottom()}, {x, area.bottom() + 4}, "axis");
    // Keep a label inside the canvas at both ends.
    const double half = text_width(tick.label) / 2;
    const text_anchor anchor = x - half < 2 ? text_anchor::start : x + half > size.width - 2 ? text_anchor::end
                                                                                             : text_anchor::middle;
    canvas.text({x, area.bottom() + 17}, tick.label, "tick", anchor);
    if (!tick.second_line.empty()) canvas.text({x, area.bottom() + 31}, tick.second_line, "tick date", anchor);
  }
  if (!axes.x_title.empty()) {
    canvas.text({area.right(), area.bottom() + (two_line_x ? 47 : 33)}, axes.x_title, "axis-title", text_anchor::end);
  }
  return frame;
}

}  // namespace matchfund::reporting
