// The Lorenz curve: projects from the least to the most matched (x, share of projects) against
// the share of all match they hold together (y); the diagonal is an even split.
#include <algorithm>

#include "report/charts.hpp"

namespace matchfund::reporting {

namespace {

constexpr std::size_t most_points = 400;  // beyond that, a sample of the curve (it is convex)

}  // namespace

std::string lorenz_chart(chart_size size, const lorenz_chart_input& input) {
  std::vector<std::int64_t> amounts = input.amounts;
  for (std::int64_t& amount : amounts) amount = std::max<std::int64_t>(amount, 0);
  std::sort(amounts.begin(), amounts.end());
  std::vector<double> cumulative{0};  // doubles place the pixels only; the Gini is exact elsewhere
  for (const std::int64_t amount : amounts) cumulative.push_back(cumulative.back() + static_cast<double>(amount));
  frame_axes axes;
  axes.x_ticks = share_ticks();
  axes.x_high = 10'000;
  axes.y_ticks = share_ticks();
  axes.y_high = 10'000;
  axes.y_title = "share of match";
  axes.x_title = "share of projects, least matched first";
  chart_frame frame = make_chart_frame(size, input.label, axes);
  frame.canvas.line({frame.x.at(0.0), frame.y.at(0.0)}, {frame.x.at(10'000.0), frame.y.at(10'000.0)}, "equality");
  const double total = cumulative.back();
  const std::size_t count = amounts.size();
  if (count == 0 || total <= 0) return frame.canvas.finish();
  const std::size_t stride = std::max<std::size_t>(1, (count + most_points - 1) / most_points);
  std::vector<point> curve;
  for (std::size_t k = 0;; k = std::min(k + stride, count)) {
    curve.push_back({frame.x.at(10'000.0 * static_cast<double>(k) / static_cast<double>(count)),
                     frame.y.at(10'000.0 * cumulative[k] / total)});
    if (k == count) break;
  }
  std::vector<point> area = curve;
  area.push_back({frame.x.at(10'000.0), frame.y.at(10'000.0)});
  frame.canvas.polygon(area, "lorenz-area");
  frame.canvas.polyline(curve, "lorenz");
  return frame.canvas.finish();
}

}  // namespace matchfund::reporting
