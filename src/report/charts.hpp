// The charts of the reports, each a function from plain values to an <svg> element, drawn at a
// given size (wide for a desktop page, narrow for a phone: report/chart_axes.hpp).
#ifndef MATCHFUND_SRC_REPORT_CHARTS_HPP
#define MATCHFUND_SRC_REPORT_CHARTS_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matchfund/utc_offset.hpp"
#include "report/chart_axes.hpp"
#include "report/money_display.hpp"

namespace matchfund::reporting {

// A vertical line at a moment, with a short label ("+9,999万", "exhausted 10:35").
struct time_mark {
  std::int64_t time_ms = 0;
  std::string label;
};

// A value that holds from `time_ms` until the next point's time.
struct step_point {
  std::int64_t time_ms = 0;
  std::int64_t minor = 0;
};

// One fund's available amount over the campaign (a step line), its releases and its exhaustion.
struct depletion_chart_input {
  std::string label;
  money_display display;
  utc_offset offset;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::vector<step_point> available;
  std::vector<time_mark> releases;
  std::optional<time_mark> exhausted;
  bool zero_based = true;  // false: the amount axis spans the values only (a zoomed view)
};
std::string depletion_chart(chart_size size, const depletion_chart_input& input);

// The same over many runs: the p5-p95 band and the median line.
struct fan_point {
  std::int64_t time_ms = 0;
  std::int64_t p5 = 0;
  std::int64_t p50 = 0;
  std::int64_t p95 = 0;
};
struct fan_chart_input {
  std::string label;
  money_display display;
  utc_offset offset;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::vector<fan_point> points;
  std::vector<time_mark> releases;
  std::optional<time_mark> median_exhausted;
  bool zero_based = true;
};
std::string fan_chart(chart_size size, const fan_chart_input& input);

// When runs ran a fund out: a column per time bin, and one for the runs that never did.
struct exhaustion_histogram_input {
  std::string label;
  utc_offset offset;
  std::vector<std::int64_t> exhausted_ms;  // one per run that ran the fund out
  std::uint64_t never = 0;                 // runs that did not
};
std::string exhaustion_histogram(chart_size size, const exhaustion_histogram_input& input);

// Horizontal bars, one row each, with an optional p5-p95 whisker; the chart is as tall as its
// rows need.
struct bar {
  std::string label;
  std::int64_t value = 0;  // minor units or a count
  std::string value_label;
  bool rest = false;  // drawn grey: "the other N projects"
  std::optional<std::int64_t> whisker_low;
  std::optional<std::int64_t> whisker_high;
};
struct bar_chart_input {
  std::string label;
  money_display display;
  bool money_values = true;  // else counts
  std::vector<bar> bars;
};
std::string bar_chart(double width, const bar_chart_input& input);

// The Lorenz curve of amounts (any order) with the line of equality.
struct lorenz_chart_input {
  std::string label;
  std::vector<std::int64_t> amounts;
};
std::string lorenz_chart(chart_size size, const lorenz_chart_input& input);

// Lines over the points of a sweep: x the swept value, y a share, a time or an amount.
enum class sweep_measure { share, time, amount };
struct sweep_series {
  std::string name;
  std::vector<std::optional<std::int64_t>> values;  // per x; nullopt: no value (e.g. not exhausted)
};
struct sweep_chart_input {
  std::string label;
  money_display display;
  utc_offset offset;
  sweep_measure measure = sweep_measure::share;
  std::vector<double> x;              // the swept values, for placing only
  std::vector<std::string> x_labels;  // as the page shows them
  std::vector<sweep_series> series;
};
std::string sweep_chart(chart_size size, const sweep_chart_input& input);

}  // namespace matchfund::reporting

#endif
