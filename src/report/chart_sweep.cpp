// A line per series across the points of a sweep: x the swept value (placed by its number,
// labelled as the page writes it), y a share, a local time or an amount.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "matchfund/timestamp.hpp"
#include "report/charts.hpp"

namespace matchfund::reporting {

namespace {

std::vector<axis_tick> x_ticks_of(const sweep_chart_input& input, double plot_width) {
  double widest = 0;
  for (const std::string& label : input.x_labels) widest = std::max(widest, text_width(label));
  const std::size_t count = input.x.size();
  const double spacing = count > 1 ? plot_width / static_cast<double>(count - 1) : plot_width;
  const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil((widest + 10) / std::max(spacing, 1.0))));
  std::vector<axis_tick> ticks;
  for (std::size_t i = 0; i < count; i += every) ticks.push_back({input.x[i], input.x_labels[i], {}});
  return ticks;
}

// The y ticks and range for the measure.
void y_axis_of(const sweep_chart_input& input, frame_axes& axes) {
  std::optional<std::int64_t> lowest;
  std::optional<std::int64_t> highest;
  for (const sweep_series& series : input.series) {
    for (const auto& value : series.values) {
      if (!value) continue;
      lowest = std::min(lowest.value_or(*value), *value);
      highest = std::max(highest.value_or(*value), *value);
    }
  }
  switch (input.measure) {
    case sweep_measure::share:
      axes.y_ticks = share_ticks();
      axes.y_high = 10'000;
      return;
    case sweep_measure::amount:
      axes.y_ticks = money_ticks(highest.value_or(0), 5, input.display);
      axes.y_high = axes.y_ticks.back().value;
      return;
    case sweep_measure::time: {
      // From a tick at or below the earliest to one at or above the latest, so both are labelled.
      const std::int64_t step = time_step_ms(highest.value_or(0) - lowest.value_or(0), 4);
      const std::int64_t shift = input.offset.milliseconds();
      const std::int64_t low = detail::floor_divide(lowest.value_or(0) + shift, step) * step - shift;
      const std::int64_t high = std::max(-detail::floor_divide(-(highest.value_or(0) + shift), step) * step - shift,
                                         low + step);
      axes.y_ticks = time_ticks(low, high, input.offset, 6, true);
      axes.y_low = static_cast<double>(low);
      axes.y_high = static_cast<double>(high);
      return;
    }
  }
}

// Swatch and name per series, in a row ending at the right edge.
void draw_legend(chart_frame& frame, const std::vector<sweep_series>& series) {
  double width = 0;
  for (const sweep_series& s : series) width += 14 + text_width(s.name) + 12;
  double left = frame.canvas.width() - 4 - width;
  for (std::size_t i = 0; i < series.size(); ++i) {
    frame.canvas.rect({left, 5}, 10, 10, fmt::format("swatch-{}", i % 4));
    frame.canvas.text({left + 14, 14}, series[i].name, "label");
    left += 14 + text_width(series[i].name) + 12;
  }
}

}  // namespace

std::string sweep_chart(chart_size size, const sweep_chart_input& input) {
  frame_axes axes;
  const auto [smallest, largest] = std::minmax_element(input.x.begin(), input.x.end());
  axes.x_low = input.x.empty() ? 0 : *smallest;
  axes.x_high = input.x.empty() ? 1 : *largest;
  if (axes.x_high == axes.x_low) {
    axes.x_low -= 1;
    axes.x_high += 1;
  }
  y_axis_of(input, axes);
  axes.x_ticks = x_ticks_of(input, size.width - label_margin(axes.y_ticks) - 18);
  chart_frame frame = make_chart_frame(size, input.label, axes);
  for (std::size_t s = 0; s < input.series.size(); ++s) {
    const sweep_series& series = input.series[s];
    std::vector<point> run;  // a line breaks where a point has no value
    const auto flush = [&] {
      frame.canvas.polyline(run, fmt::format("series-{}", s % 4));
      run.clear();
    };
    for (std::size_t i = 0; i < series.values.size() && i < input.x.size(); ++i) {
      if (!series.values[i]) {
        flush();
        continue;
      }
      const point at{frame.x.at(input.x[i]), frame.y.at(*series.values[i])};
      run.push_back(at);
      frame.canvas.circle(at, 3, fmt::format("point-{}", s % 4));
    }
    flush();
  }
  draw_legend(frame, input.series);
  return frame.canvas.finish();
}

}  // namespace matchfund::reporting
