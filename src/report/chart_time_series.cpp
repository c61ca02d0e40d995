// Amounts over campaign time: one run's step line (depletion_chart) and many runs' fan
// (fan_chart), with the moments of releases and of exhaustion marked.
#include <algorithm>
#include <cmath>

#include "report/charts.hpp"

namespace matchfund::reporting {

namespace {

// Ticks across a chart of this width: about one per 95 px.
int time_tick_budget(chart_size size) { return std::max(2, static_cast<int>(size.width / 95)); }

// The polyline of a step function, at most a few points per pixel column: within a column it
// visits the first value, the lowest and highest in the order they came, and the last, so no
// dip or spike is lost when thousands of changes share a pixel.
template <class ValueOf>
std::vector<point> step_path(const std::vector<step_point>& steps, ValueOf value_of, const linear_scale& x,
                             const linear_scale& y, double x_end) {
  std::vector<point> path;
  const auto add = [&path](point p) {
    if (path.empty() || path.back().x != p.x || path.back().y != p.y) path.push_back(p);
  };
  std::size_t i = 0;
  while (i < steps.size()) {
    const double column_x = x.at(steps[i].time_ms);
    const double column = std::floor(column_x);
    std::size_t lowest = i;
    std::size_t highest = i;
    std::size_t last = i;
    for (; last + 1 < steps.size() && std::floor(x.at(steps[last + 1].time_ms)) == column; ++last) {
      if (value_of(steps[last + 1]) < value_of(steps[lowest])) lowest = last + 1;
      if (value_of(steps[last + 1]) > value_of(steps[highest])) highest = last + 1;
    }
    if (!path.empty()) add({column_x, path.back().y});  // the level held until this column
    add({column_x, y.at(value_of(steps[i]))});
    const std::size_t first_extreme = std::min(lowest, highest);
    const std::size_t second_extreme = std::max(lowest, highest);
    add({column_x, y.at(value_of(steps[first_extreme]))});
    add({column_x, y.at(value_of(steps[second_extreme]))});
    add({column_x, y.at(value_of(steps[last]))});
    i = last + 1;
  }
  if (!path.empty()) add({x_end, path.back().y});
  return path;
}

// Dashed lines at the releases, labelled near the top while the labels do not collide.
void draw_releases(chart_frame& frame, const std::vector<time_mark>& releases) {
  double free_from = -1e9;
  for (const time_mark& release : releases) {
    const double x = frame.x.at(release.time_ms);
    if (x < frame.area.left - 0.5 || x > frame.area.right() + 0.5) continue;
    frame.canvas.line({x, frame.area.top}, {x, frame.area.bottom()}, "release");
    const double width = text_width(release.label, 11);
    const bool fits_right = x + 3 + width <= frame.canvas.width() - 2;
    const double start = fits_right ? x + 3 : x - 3 - width;
    if (start < free_from) continue;
    frame.canvas.text({fits_right ? x + 3 : x - 3, frame.area.top + 11}, release.label, "release-label",
                      fits_right ? text_anchor::start : text_anchor::end);
    free_from = start + width + 6;
  }
}

void draw_exhausted(chart_frame& frame, const std::optional<time_mark>& exhausted) {
  if (!exhausted) return;
  const double x = frame.x.at(exhausted->time_ms);
  frame.canvas.line({x, frame.area.top}, {x, frame.area.bottom()}, "exhausted");
  const bool fits_right = x + 3 + text_width(exhausted->label, 11) <= frame.canvas.width() - 2;
  frame.canvas.text({fits_right ? x + 3 : x - 3, frame.area.bottom() - 6}, exhausted->label, "exhausted-label",
                    fits_right ? text_anchor::start : text_anchor::end);
}

std::int64_t top_of(const std::vector<step_point>& steps) {
  std::int64_t top = 0;
  for (const step_point& step : steps) top = std::max(top, step.minor);
  return top;
}

std::int64_t bottom_of(const std::vector<step_point>& steps) {
  std::int64_t bottom = top_of(steps);
  for (const step_point& step : steps) bottom = std::min(bottom, step.minor);
  return bottom;
}

// The amount axis: from 0, or around the values only.
void amount_axis(frame_axes& axes, std::int64_t low, std::int64_t high, bool zero_based, const money_display& display) {
  axes.y_ticks = money_ticks_between(zero_based ? 0 : low, high, 5, display);
  axes.y_low = axes.y_ticks.front().value;
  axes.y_high = axes.y_ticks.back().value;
}

}  // namespace

std::string depletion_chart(chart_size size, const depletion_chart_input& input) {
  frame_axes axes;
  axes.x_ticks = time_ticks(input.from_ms, input.to_ms, input.offset, time_tick_budget(size));
  axes.x_low = static_cast<double>(input.from_ms);
  axes.x_high = static_cast<double>(input.to_ms);
  amount_axis(axes, bottom_of(input.available), top_of(input.available), input.zero_based, input.display);
  axes.y_title = "available";
  chart_frame frame = make_chart_frame(size, input.label, axes);
  const auto minor_of = [](const step_point& step) { return step.minor; };
  std::vector<point> line = step_path(input.available, minor_of, frame.x, frame.y, frame.area.right());
  if (!line.empty()) {
    std::vector<point> area = line;
    area.push_back({line.back().x, frame.area.bottom()});
    area.push_back({line.front().x, frame.area.bottom()});
    frame.canvas.polygon(area, "area");
  }
  draw_releases(frame, input.releases);
  frame.canvas.polyline(line, "available");
  draw_exhausted(frame, input.exhausted);
  return frame.canvas.finish();
}

std::string fan_chart(chart_size size, const fan_chart_input& input) {
  std::vector<step_point> low;
  std::vector<step_point> median;
  std::vector<step_point> high;
  for (const fan_point& p : input.points) {
    low.push_back({p.time_ms, p.p5});
    median.push_back({p.time_ms, p.p50});
    high.push_back({p.time_ms, p.p95});
  }
  frame_axes axes;
  axes.x_ticks = time_ticks(input.from_ms, input.to_ms, input.offset, time_tick_budget(size));
  axes.x_low = static_cast<double>(input.from_ms);
  axes.x_high = static_cast<double>(input.to_ms);
  amount_axis(axes, bottom_of(low), top_of(high), input.zero_based, input.display);
  axes.y_title = "available (band p5-p95, line median)";
  chart_frame frame = make_chart_frame(size, input.label, axes);
  const auto minor_of = [](const step_point& step) { return step.minor; };
  const double x_end = frame.x.at(input.to_ms);
  std::vector<point> band = step_path(high, minor_of, frame.x, frame.y, x_end);
  const std::vector<point> lower = step_path(low, minor_of, frame.x, frame.y, x_end);
  band.insert(band.end(), lower.rbegin(), lower.rend());
  frame.canvas.polygon(band, "band");
  draw_releases(frame, input.releases);
  frame.canvas.polyline(step_path(median, minor_of, frame.x, frame.y, x_end), "median");
  draw_exhausted(frame, input.median_exhausted);
  return frame.canvas.finish();
}

}  // namespace matchfund::reporting
