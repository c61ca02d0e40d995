// An inline SVG drawing: a viewBox of the chart's size (so it scales to any width), elements
// styled by CSS classes of the page (report/html_page.cpp), coordinates written with one decimal
// so that the same chart is the same text on every machine.
//
// The doubles here and in the chart code are pixel positions on the drawing only: no amount is
// computed from them. Every amount the page prints is formatted from the integer money of the
// output files (report/money_display.hpp).
#ifndef MATCHFUND_SRC_REPORT_SVG_CANVAS_HPP
#define MATCHFUND_SRC_REPORT_SVG_CANVAS_HPP

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace matchfund::reporting {

// Pixels on the drawing, not money (see above).
struct point {
  double x = 0;
  double y = 0;
};

enum class text_anchor { start, middle, end };

// `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes.
std::string escape_markup(std::string_view text);

// Sizes and positions in pixels of the drawing; no amount is computed from them.
class svg_canvas {
 public:
  // `label` is what a screen reader says of the whole chart.
  svg_canvas(double width, double height, std::string_view label);

  [[nodiscard]] double width() const noexcept { return width_; }
  [[nodiscard]] double height() const noexcept { return height_; }

  void line(point from, point to, std::string_view css_class);
  void rect(point corner, double width, double height, std::string_view css_class, std::string_view tooltip = {});
  void polyline(const std::vector<point>& points, std::string_view css_class);
  void polygon(const std::vector<point>& points, std::string_view css_class);
  void circle(point center, double radius, std::string_view css_class, std::string_view tooltip = {});
  void text(point at, std::string_view content, std::string_view css_class, text_anchor anchor = text_anchor::start);

  // The finished <svg> element.
  [[nodiscard]] std::string finish() const;

 private:
  double width_;
  double height_;
  std::string label_;
  std::string body_;
};

}  // namespace matchfund::reporting

#endif
