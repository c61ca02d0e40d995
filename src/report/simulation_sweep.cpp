// The sweep section of the simulation report: the same outlook at every point of the swept
// setting, one line per fund, and the numbers in a table.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "report/charts.hpp"
#include "report/local_time.hpp"
#include "report/simulation_sections.hpp"

namespace matchfund::reporting {

namespace {

// Whether the swept key names an amount (funds.X.budget, a cap's max, ...) by its last part.
bool sweeps_an_amount(const simulation_context& context) {
  const std::string& key = context.outputs.setup.sweep_key;
  const std::string_view last = std::string_view(key).substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  constexpr std::string_view amount_words[] = {"budget", "amount",        "max",          "cap",
                                               "target", "min_donation", "matchable_max", "min_contribution"};
  if (std::find(std::begin(amount_words), std::end(amount_words), last) == std::end(amount_words)) return false;
  for (const std::string& value : context.outputs.setup.sweep_points) {
    if (!parse_money(value, context.outputs.setup.minor_digits)) return false;
  }
  return true;
}

// Where point `point` goes on the x axis (a double places a pixel, it decides nothing).
double sweep_position(const simulation_context& context, std::size_t point, bool amounts) {
  const std::string& value = context.outputs.setup.sweep_points[point];
  if (amounts) return static_cast<double>(parse_money(value, context.outputs.setup.minor_digits)->minor_units());
  double position = 0;
  const auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), position);
  return status == std::errc() && end == value.data() + value.size() ? position : static_cast<double>(point);
}

sweep_chart_input chart_of(const simulation_context& context, std::string label, sweep_measure measure) {
  const simulation_setup& setup = context.outputs.setup;
  const bool amounts = sweeps_an_amount(context);
  sweep_chart_input chart{std::move(label), context.display, setup.timezone, measure, {}, {}, {}};
  for (std::size_t point = 0; point < setup.sweep_points.size(); ++point) {
    chart.x.push_back(sweep_position(context, point, amounts));
    chart.x_labels.push_back(sweep_value_label(context, point));
  }
  for (const simulated_fund& fund : setup.funds) {
    chart.series.push_back({fund.id, std::vector<std::optional<std::int64_t>>(setup.sweep_points.size())});
  }
  return chart;
}

void add_sweep_table(html_page& page, const simulation_context& context) {
  const simulation_setup& setup = context.outputs.setup;
  std::vector<table_column> columns = {{"point", true}, {setup.sweep_key, true}, {"median matched", true}};
  for (const simulated_fund& fund : setup.funds) {
    columns.push_back({fund.id + " runs out", true});
    columns.push_back({"at (p50)", true});
    columns.push_back({"left p50", true});
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t point = 0; point < setup.sweep_points.size(); ++point) {
    std::vector<money> matched;
    for (const run_row& run : context.outputs.runs) {
      if (run.point == point) matched.push_back(run.matched);
    }
    std::vector<std::string> row = {std::to_string(point + 1), sweep_value_label(context, point),
                                    format_amount(median_amount(matched), context.display)};
    for (std::size_t f = 0; f < setup.funds.size(); ++f) {
      const auto outlook = std::find_if(context.outputs.funds.begin(), context.outputs.funds.end(),
                                        [&](const fund_outlook& o) { return o.point == point && o.fund == f; });
      if (outlook == context.outputs.funds.end()) {
        row.insert(row.end(), {"", "", ""});
        continue;
      }
      row.push_back(format_share(outlook->exhausted_share));
      row.push_back(outlook->exhausted_p50 ? format_local_day_minute(*outlook->exhausted_p50, setup.timezone) : "not run out");
      row.push_back(format_amount(outlook->left_p50, context.display));
    }
    rows.push_back(std::move(row));
  }
  page.table(columns, rows);
}

}  // namespace

money median_amount(std::vector<money> amounts) {
  if (amounts.empty()) return money::zero();
  std::sort(amounts.begin(), amounts.end());
  return amounts[(amounts.size() + 1) / 2 - 1];
}

std::string sweep_value_label(const simulation_context& context, std::size_t point) {
  const std::string& value = context.outputs.setup.sweep_points[point];
  if (!sweeps_an_amount(context)) return value;
  return format_amount(*parse_money(value, context.outputs.setup.minor_digits), context.display);
}

void add_sweep_section(html_page& page, const simulation_context& context) {
  const simulation_setup& setup = context.outputs.setup;
  page.heading(2, "Sweep", "sweep");
  page.paragraph(fmt::format("{} runs at each of {} values of {}; each line is a fund (funds.csv of every point).",
                             format_count(setup.runs), setup.sweep_points.size(), setup.sweep_key),
                 "note");
  sweep_chart_input chance = chart_of(context, "Share of runs that run each fund out", sweep_measure::share);
  sweep_chart_input when = chart_of(context, "Median time each fund runs out", sweep_measure::time);
  sweep_chart_input left = chart_of(context, "Median amount left in each fund", sweep_measure::amount);
  bool any_time = false;
  for (const fund_outlook& outlook : context.outputs.funds) {
    chance.series[outlook.fund].values[outlook.point] = outlook.exhausted_share;
    if (outlook.exhausted_p50) {
      when.series[outlook.fund].values[outlook.point] = outlook.exhausted_p50->epoch_ms();
      any_time = true;
    }
    left.series[outlook.fund].values[outlook.point] = outlook.left_p50.minor_units();
  }
  page.heading(3, "Chance of running out");
  page.figure(sweep_chart(wide_chart, chance), sweep_chart(narrow_chart, chance),
              fmt::format("Share of the runs that ran each fund out (exhausted_share), by {}.", setup.sweep_key));
  if (any_time) {
    page.heading(3, "When it runs out");
    page.figure(sweep_chart(wide_chart, when), sweep_chart(narrow_chart, when),
                fmt::format("Median time each fund runs out (exhausted_p50, {}); no point where the median run does "
                            "not run it out.",
                            format_offset_name(setup.timezone)));
  }
  page.heading(3, "What is left");
  page.figure(sweep_chart(wide_chart, left), sweep_chart(narrow_chart, left),
              "Median amount left in each fund at the end (left_p50).");
  add_sweep_table(page, context);
}

}  // namespace matchfund::reporting
