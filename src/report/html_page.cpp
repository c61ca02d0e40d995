#include "report/html_page.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "matchfund/error.hpp"

#include "report/svg_canvas.hpp"

namespace matchfund::reporting {

namespace {

// System fonts only: the page must not fetch a font. The CJK names give 万 and 亿 a face.
constexpr std::string_view style_sheet = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; font-size: 16px; line-height: 1.5;
  color: #1f2328; background: #fff; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.3rem; margin: 1.6em 0 0.4em; padding-bottom: 0.2em; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.1rem; margin: 1.2em 0 0.3em; }
p { margin: 0.4em 0; }
.meta { color: #57606a; font-size: 0.9rem; overflow-wrap: anywhere; }
.note { color: #57606a; font-size: 0.9rem; }
.ok { color: #1a7f37; }
.bad { color: #cf222e; font-weight: 600; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; overflow-wrap: anywhere; }
.numbers { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.number { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px; }
.number .label { color: #57606a; font-size: 0.85rem; }
.number .value { font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.number .detail { color: #57606a; font-size: 0.8rem; }
figure { margin: 12px 0 20px; }
figure svg { display: block; width: 100%; max-width: 100%; height: auto; }
figcaption { color: #57606a; font-size: 0.9rem; margin-top: 4px; }
figure.square svg { max-width: 460px; }
.narrow { display: none; }
@media (max-width: 600px) { .wide { display: none; } .narrow { display: block; } main { padding: 10px; }
  h1 { font-size: 1.35rem; } }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td:first-child { white-space: nowrap; }
svg text { font-family: inherit; fill: #1f2328; }
svg .tick { font-size: 12px; fill: #57606a; }
svg .axis-title { font-size: 12px; fill: #57606a; }
svg .label { font-size: 12px; }
svg .value-label { font-size: 11px; fill: #57606a; }
svg .mark-label { font-size: 11px; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .available { fill: none; stroke: #0969da; stroke-width: 2; stroke-linejoin: round; }
svg .area { fill: #0969da; opacity: 0.08; }
svg .band { fill: #54aeff; opacity: 0.35; }
svg .median { fill: none; stroke: #0550ae; stroke-width: 2; stroke-linejoin: round; }
svg .release { stroke: #1a7f37; stroke-width: 1.2; stroke-dasharray: 4 3; }
svg .release-label { font-size: 11px; fill: #1a7f37; }
svg .exhausted { stroke: #cf222e; stroke-width: 1.5; }
svg .exhausted-label { font-size: 11px; fill: #cf222e; }
svg .bar { fill: #54aeff; }
svg .bar-rest { fill: #afb8c1; }
svg .bar-never { fill: #afb8c1; }
svg .whisker { stroke: #0550ae; stroke-width: 1.5; }
svg .dot { fill: #0550ae; }
svg .equality { stroke: #8c959f; stroke-width: 1; stroke-dasharray: 4 3; }
svg .lorenz { fill: none; stroke: #8250df; stroke-width: 2; }
svg .lorenz-area { fill: #8250df; opacity: 0.12; }
svg .series-0 { fill: none; stroke: #0969da; stroke-width: 2; }
svg .series-1 { fill: none; stroke: #bf3989; stroke-width: 2; }
svg .series-2 { fill: none; stroke: #1a7f37; stroke-width: 2; }
svg .series-3 { fill: none; stroke: #9a6700; stroke-width: 2; }
svg .point-0 { fill: #0969da; } svg .point-1 { fill: #bf3989; } svg .point-2 { fill: #1a7f37; }
svg .point-3 { fill: #9a6700; }
svg .swatch-0 { fill: #0969da; } svg .swatch-1 { fill: #bf3989; } svg .swatch-2 { fill: #1a7f37; }
svg .swatch-3 { fill: #9a6700; }
@media print { .narrow { display: none; } .wide { display: block; } }
)";

}  // namespace

html_page::html_page(std::string_view title, std::string_view language) : title_(title), language_(language) {}

void html_page::heading(int level, std::string_view text, std::string_view id) {
  const std::string id_attribute = id.empty() ? std::string() : fmt::format(" id=\"{}\"", escape_markup(id));
  body_ += fmt::format("<h{0}{1}>{2}</h{0}>\n", level, id_attribute, escape_markup(text));
}

void html_page::paragraph(std::string_view text, std::string_view css_class) {
  paragraph_markup(escape_markup(text), css_class);
}

void html_page::paragraph_markup(std::string_view markup, std::string_view css_class) {
  const std::string class_attribute =
      css_class.empty() ? std::string() : fmt::format(" class=\"{}\"", escape_markup(css_class));
  body_ += fmt::format("<p{}>{}</p>\n", class_attribute, markup);
}

void html_page::key_numbers(const std::vector<key_number>& numbers) {
  body_ += "<div class=\"numbers\">\n";
  for (const key_number& number : numbers) {
    body_ += fmt::format("<div class=\"number\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
                         escape_markup(number.label), escape_markup(number.value));
    if (!number.detail.empty()) body_ += fmt::format("<div class=\"detail\">{}</div>", escape_markup(number.detail));
    body_ += "</div>\n";
  }
  body_ += "</div>\n";
}

void html_page::figure(std::string_view wide_svg, std::string_view narrow_svg, std::string_view caption,
                       std::string_view css_class) {
  body_ += css_class.empty() ? std::string("<figure>") : fmt::format("<figure class=\"{}\">", escape_markup(css_class));
  body_ += "\n<div class=\"wide\">\n";
  body_ += wide_svg;
  body_ += "</div>\n<div class=\"narrow\">\n";
  body_ += narrow_svg;
  body_ += "</div>\n";
  if (!caption.empty()) body_ += fmt::format("<figcaption>{}</figcaption>\n", escape_markup(caption));
  body_ += "</figure>\n";
}

void html_page::table(const std::vector<table_column>& columns, const std::vector<std::vector<std::string>>& rows) {
  body_ += "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const table_column& column : columns) {
    body_ += fmt::format("<th{}>{}</th>", column.numeric ? " class=\"num\"" : "", escape_markup(column.heading));
  }
  body_ += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    body_ += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i < columns.size() && columns[i].numeric;
      body_ += fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", escape_markup(row[i]));
    }
    body_ += "</tr>\n";
  }
  body_ += "</tbody>\n</table></div>\n";
}

void html_page::raw(std::string_view markup) { body_ += markup; }

std::string html_page::finish() const {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
      escape_markup(language_), escape_markup(title_), style_sheet, body_);
}

void write_page_file(const std::filesystem::path& file, std::string_view page) {
  const std::filesystem::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(page.data(), static_cast<std::streamsize>(page.size()));
    out.close();
    if (!out) {
      const int failure = errno;
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw error(fmt::format("{}: cannot write: {}", file.generic_string(), std::strerror(failure)));
    }
  }
  std::error_code failure;
  std::filesystem::rename(partial, file, failure);
  if (failure) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw error(fmt::format("{}: cannot write: {}", file.generic_string(), failure.message()));
  }
}

}  // namespace matchfund::reporting
