// Horizontal bars, one labelled row each (projects by match, outcomes by count), optionally
// with a p5-p95 whisker; the value is written at the end of each bar.
#include <algorithm>

#include "report/charts.hpp"

namespace matchfund::reporting {

namespace {

constexpr double row_height = 22;
constexpr double bar_thickness = 14;
constexpr double top_margin = 6;
constexpr double axis_room = 26;

// `text` cut to fit `width` (estimated), ending in "…" when cut.
std::string fit_label(const std::string& text, double width) {
  if (text_width(text) <= width) return text;
  std::string cut;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0xF0) length = 4;
    else if (byte >= 0xE0) length = 3;
    else if (byte >= 0xC0) length = 2;
    const std::string longer = cut + text.substr(i, length);
    if (text_width(longer + "\xE2\x80\xA6") > width) break;
    cut = longer;
    i += length;
  }
  return cut + "\xE2\x80\xA6";  // …
}

std::int64_t highest_value(const std::vector<bar>& bars) {
  std::int64_t highest = 0;
  for (const bar& b : bars) highest = std::max({highest, b.value, b.whisker_high.value_or(0)});
  return highest;
}

}  // namespace

std::string bar_chart(double width, const bar_chart_input& input) {
  double widest_label = 0;
  double widest_value = 0;
  for (const bar& b : input.bars) {
    widest_label = std::max(widest_label, text_width(b.label));
    widest_value = std::max(widest_value, text_width(b.value_label, 11));
  }
  const double label_column = std::min(widest_label + 10, width * 0.36);
  const double rows = static_cast<double>(input.bars.size());
  svg_canvas canvas(width, top_margin + rows * row_height + axis_room, input.label);
  const plot_area area{label_column, top_margin, width - label_column - widest_value - 12, rows * row_height};
  const std::int64_t highest = highest_value(input.bars);
  const int tick_budget = width > 500 ? 5 : 3;
  const std::vector<axis_tick> ticks = input.money_values
                                           ? money_ticks(highest, tick_budget, input.display)
                                           : count_ticks(static_cast<std::uint64_t>(highest), tick_budget);
  const linear_scale x(0, ticks.back().value, area.left, area.right());
  for (const axis_tick& tick : ticks) {
    const double at = x.at(tick.value);
    canvas.line({at, area.top}, {at, area.bottom()}, "grid");
    canvas.text({at, area.bottom() + 16}, tick.label, "tick", text_anchor::middle);
  }
  for (std::size_t i = 0; i < input.bars.size(); ++i) {
    const bar& b = input.bars[i];
    const double middle = area.top + (static_cast<double>(i) + 0.5) * row_height;
    canvas.text({area.left - 6, middle + 4}, fit_label(b.label, label_column - 8), "label", text_anchor::end);
    const double end = x.at(b.value);
    canvas.rect({area.left, middle - bar_thickness / 2}, std::max(end - area.left, 0.0), bar_thickness,
                b.rest ? "bar-rest" : "bar", b.label + ": " + b.value_label);
    double label_at = end;
    if (b.whisker_low && b.whisker_high) {
      const double low = x.at(*b.whisker_low);
      const double high = x.at(*b.whisker_high);
      canvas.line({low, middle}, {high, middle}, "whisker");
      canvas.line({low, middle - 4}, {low, middle + 4}, "whisker");
      canvas.line({high, middle - 4}, {high, middle + 4}, "whisker");
      label_at = std::max(label_at, high);
    }
    canvas.text({label_at + 4, middle + 4}, b.value_label, "value-label");
  }
  canvas.line({area.left, area.top}, {area.left, area.bottom()}, "axis");
  return canvas.finish();
}

}  // namespace matchfund::reporting
