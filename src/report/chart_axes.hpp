// What every chart has: a plot area inside the canvas, linear scales from values to pixels, and
// axes with "nice" ticks (money in 1, 2, 5 x 10^k minor units, times on round local clock times).
#ifndef MATCHFUND_SRC_REPORT_CHART_AXES_HPP
#define MATCHFUND_SRC_REPORT_CHART_AXES_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/utc_offset.hpp"
#include "report/money_display.hpp"
#include "report/svg_canvas.hpp"

namespace matchfund::reporting {

// A chart is drawn twice: wide for a desktop page, narrow for a phone (the page's CSS shows one).
struct chart_size {
  double width = 0;
  double height = 0;
};
inline constexpr chart_size wide_chart{760, 330};
inline constexpr chart_size narrow_chart{380, 300};

inline constexpr double axis_font_size = 12;

// Estimated width of `text` at `font_size`: an ASCII character 0.6 em, any other 1 em (CJK).
double text_width(std::string_view text, double font_size = axis_font_size);

struct plot_area {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  [[nodiscard]] double right() const noexcept { return left + width; }
  [[nodiscard]] double bottom() const noexcept { return top + height; }
};

// value -> pixel, linear; a degenerate domain maps everything to the middle.
class linear_scale {
 public:
  linear_scale(double low, double high, double pixel_low, double pixel_high) noexcept
      : low_(low), high_(high), pixel_low_(pixel_low), pixel_high_(pixel_high) {}
  [[nodiscard]] double at(double value) const noexcept;
  [[nodiscard]] double at(std::int64_t value) const noexcept { return at(static_cast<double>(value)); }
  [[nodiscard]] double low() const noexcept { return low_; }
  [[nodiscard]] double high() const noexcept { return high_; }

 private:
  double low_, high_, pixel_low_, pixel_high_;
};

struct axis_tick {
  double value = 0;
  std::string label;
  std::string second_line;  // under a time label: the date where it changes
};

// Ticks from 0 to the first multiple of a 1-2-5 step at or above `high` (at most `max_ticks`
// steps); the last tick's value is the axis top.
std::vector<axis_tick> money_ticks(std::int64_t high_minor, int max_ticks, const money_display& display);
// The same from the last multiple of the step at or below `low_minor` (>= 0): a zoomed view.
std::vector<axis_tick> money_ticks_between(std::int64_t low_minor, std::int64_t high_minor, int max_ticks,
                                           const money_display& display);
std::vector<axis_tick> count_ticks(std::uint64_t high, int max_ticks);
// 0% to 100%, values in ten-thousandths.
std::vector<axis_tick> share_ticks();
// Round local times inside [from, to]: a step of seconds to weeks giving at most `max_ticks`.
// Labels are clock times with the date under the first of each day, or dates for steps of a day
// and more; `one_line` puts date and clock on one line ("09-07 10:00").
std::vector<axis_tick> time_ticks(std::int64_t from_ms, std::int64_t to_ms, utc_offset offset, int max_ticks,
                                  bool one_line = false);
// The step time_ticks would take for [from, to] (for bins that line up with the ticks).
std::int64_t time_step_ms(std::int64_t span_ms, int max_steps);

// A canvas with its plot area, scales and both axes drawn (grid lines at the y ticks).
struct chart_frame {
  svg_canvas canvas;
  plot_area area;
  linear_scale x;
  linear_scale y;
};

struct frame_axes {
  std::vector<axis_tick> x_ticks;
  double x_low = 0;
  double x_high = 1;
  std::vector<axis_tick> y_ticks;
  double y_low = 0;
  double y_high = 1;
  std::string y_title;  // above the y axis, e.g. "available"
  std::string x_title;  // under the x axis, at its right end
  double right_margin = 18;  // room right of the plot area (a histogram's "never" column)
};

chart_frame make_chart_frame(chart_size size, std::string_view label, const frame_axes& axes);

// Room for the widest of `labels` plus padding.
double label_margin(const std::vector<axis_tick>& ticks);

}  // namespace matchfund::reporting

#endif
