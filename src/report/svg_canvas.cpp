#include "report/svg_canvas.hpp"

#include <fmt/format.h>

namespace matchfund::reporting {

namespace {

// One decimal: enough for a pixel, and the same text for the same double everywhere.
std::string coordinate(double value) {
  std::string text = fmt::format("{:.1f}", value);
  if (text == "-0.0") text = "0.0";
  return text;
}

std::string points_attribute(const std::vector<point>& points) {
  std::string text;
  for (const point& p : points) {
    if (!text.empty()) text += ' ';
    text += coordinate(p.x) + "," + coordinate(p.y);
  }
  return text;
}

std::string tooltip_element(std::string_view tooltip) {
  return tooltip.empty() ? std::string() : "<title>" + escape_markup(tooltip) + "</title>";
}

}  // namespace

std::string escape_markup(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

svg_canvas::svg_canvas(double width, double height, std::string_view label)
    : width_(width), height_(height), label_(label) {}

void svg_canvas::line(point from, point to, std::string_view css_class) {
  body_ += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", css_class, coordinate(from.x),
                       coordinate(from.y), coordinate(to.x), coordinate(to.y));
}

void svg_canvas::rect(point corner, double width, double height, std::string_view css_class,
                      std::string_view tooltip) {
  const std::string attributes = fmt::format("class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", css_class,
                                             coordinate(corner.x), coordinate(corner.y), coordinate(width),
                                             coordinate(height));
  body_ += tooltip.empty() ? "<rect " + attributes + "/>\n"
                           : "<rect " + attributes + ">" + tooltip_element(tooltip) + "</rect>\n";
}

void svg_canvas::polyline(const std::vector<point>& points, std::string_view css_class) {
  if (points.empty()) return;
  body_ += fmt::format("<polyline class=\"{}\" points=\"{}\"/>\n", css_class, points_attribute(points));
}

void svg_canvas::polygon(const std::vector<point>& points, std::string_view css_class) {
  if (points.empty()) return;
  body_ += fmt::format("<polygon class=\"{}\" points=\"{}\"/>\n", css_class, points_attribute(points));
}

void svg_canvas::circle(point center, double radius, std::string_view css_class, std::string_view tooltip) {
  const std::string attributes = fmt::format("class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"", css_class,
                                             coordinate(center.x), coordinate(center.y), coordinate(radius));
  body_ += tooltip.empty() ? "<circle " + attributes + "/>\n"
                           : "<circle " + attributes + ">" + tooltip_element(tooltip) + "</circle>\n";
}

void svg_canvas::text(point at, std::string_view content, std::string_view css_class, text_anchor anchor) {
  const char* anchor_name = anchor == text_anchor::start ? "start" : anchor == text_anchor::middle ? "middle" : "end";
  body_ += fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n", css_class,
                       coordinate(at.x), coordinate(at.y), anchor_name, escape_markup(content));
}

// No xmlns: inline SVG in HTML needs none, and the page names no address at all.
std::string svg_canvas::finish() const {
  return fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "preserveAspectRatio=\"xMidYMid meet\">\n{}</svg>\n",
      coordinate(width_), coordinate(height_), escape_markup(label_), body_);
}

}  // namespace matchfund::reporting
