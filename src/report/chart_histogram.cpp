// When the runs ran a fund out: runs per time bin (bins on round local times, as the axis
// ticks), and beside them a grey column for the runs that never did.
#include <algorithm>

#include "matchfund/timestamp.hpp"
#include "report/charts.hpp"

namespace matchfund::reporting {

namespace {

struct time_bins {
  std::int64_t first_ms = 0;  // start of the first bin
  std::int64_t width_ms = 1;
  std::vector<std::uint64_t> counts;
};

// Bins of a round width (one of the axis steps) giving at most `max_bins` over the times.
time_bins bin_times(const std::vector<std::int64_t>& times, utc_offset offset, int max_bins) {
  const auto [earliest, latest] = std::minmax_element(times.begin(), times.end());
  time_bins bins;
  bins.width_ms = time_step_ms(*latest - *earliest + 1, max_bins);
  const std::int64_t shift = offset.milliseconds();
  bins.first_ms = detail::floor_divide(*earliest + shift, bins.width_ms) * bins.width_ms - shift;
  bins.counts.assign(static_cast<std::size_t>((*latest - bins.first_ms) / bins.width_ms + 1), 0);
  for (const std::int64_t t : times) ++bins.counts[static_cast<std::size_t>((t - bins.first_ms) / bins.width_ms)];
  return bins;
}

}  // namespace

std::string exhaustion_histogram(chart_size size, const exhaustion_histogram_input& input) {
  constexpr double never_column = 46;
  if (input.exhausted_ms.empty()) return {};
  const int max_bins = size.width > 500 ? 30 : 14;
  const time_bins bins = bin_times(input.exhausted_ms, input.offset, max_bins);
  const std::int64_t bins_end = bins.first_ms + bins.width_ms * static_cast<std::int64_t>(bins.counts.size());
  const std::uint64_t tallest = std::max(*std::max_element(bins.counts.begin(), bins.counts.end()), input.never);
  frame_axes axes;
  axes.x_ticks = time_ticks(bins.first_ms, bins_end, input.offset, std::max(2, static_cast<int>(size.width / 110)));
  axes.x_low = static_cast<double>(bins.first_ms);
  axes.x_high = static_cast<double>(bins_end);
  axes.y_ticks = count_ticks(tallest, 4);
  axes.y_high = axes.y_ticks.back().value;
  axes.y_title = "runs";
  // Room for the last tick's label (centred on the axis's end) before the never column.
  constexpr double never_gap = 30;
  axes.right_margin = never_column + never_gap + 4;
  chart_frame frame = make_chart_frame(size, input.label, axes);
  for (std::size_t i = 0; i < bins.counts.size(); ++i) {
    if (bins.counts[i] == 0) continue;
    const std::int64_t from = bins.first_ms + bins.width_ms * static_cast<std::int64_t>(i);
    const double left = frame.x.at(from);
    const double right = frame.x.at(from + bins.width_ms);
    const double top = frame.y.at(static_cast<double>(bins.counts[i]));
    const double gap = right - left > 4 ? 1 : 0;
    frame.canvas.rect({left + gap / 2, top}, std::max(right - left - gap, 0.8), frame.area.bottom() - top, "bar",
                      format_count(bins.counts[i]) + " runs");
  }
  // The runs that never ran the fund out, right of the time axis.
  const double never_left = frame.area.right() + never_gap;
  const double never_top = frame.y.at(static_cast<double>(input.never));
  if (input.never > 0) {
    frame.canvas.rect({never_left, never_top}, never_column - 14, frame.area.bottom() - never_top, "bar-never",
                      format_count(input.never) + " runs never ran it out");
  }
  frame.canvas.line({never_left - 4, frame.area.bottom()}, {never_left + never_column - 10, frame.area.bottom()},
                    "axis");
  frame.canvas.text({never_left + (never_column - 14) / 2, frame.area.bottom() + 17}, "never", "tick",
                    text_anchor::middle);
  return frame.canvas.finish();
}

}  // namespace matchfund::reporting
