// One self-contained HTML page: a viewport for phones, the CSS inline, no script, no font, no
// image and no address of anything outside it. Sections are appended in reading order.
#ifndef MATCHFUND_SRC_REPORT_HTML_PAGE_HPP
#define MATCHFUND_SRC_REPORT_HTML_PAGE_HPP

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace matchfund::reporting {

struct key_number {
  std::string label;
  std::string value;
  std::string detail;  // a smaller line under the value; may be empty
};

struct table_column {
  std::string heading;
  bool numeric = false;  // right-aligned, tabular figures
};

class html_page {
 public:
  // `language`: "zh-CN" for a CNY campaign, else "en" (it picks the fonts of the right script).
  html_page(std::string_view title, std::string_view language);

  void heading(int level, std::string_view text, std::string_view id = {});
  // Plain text, escaped.
  void paragraph(std::string_view text, std::string_view css_class = {});
  // Markup already escaped by the caller (e.g. with <code> or <strong>).
  void paragraph_markup(std::string_view markup, std::string_view css_class = {});
  void key_numbers(const std::vector<key_number>& numbers);
  // A chart drawn twice: `wide_svg` for a page of 600 px and more, `narrow_svg` below.
  // `css_class` "square" keeps a square chart from growing wider than 460 px.
  void figure(std::string_view wide_svg, std::string_view narrow_svg, std::string_view caption,
              std::string_view css_class = {});
  void table(const std::vector<table_column>& columns, const std::vector<std::vector<std::string>>& rows);
  void raw(std::string_view markup);

  [[nodiscard]] std::string finish() const;

 private:
  std::string title_;
  std::string language_;
  std::string body_;
};

// Writes `page` to `file` under a temporary name renamed into place: never half a page. Throws
// error "FILE: cannot write ..." on failure.
void write_page_file(const std::filesystem::path& file, std::string_view page);

}  // namespace matchfund::reporting

#endif
