// The report of a simulation, for whoever plans the campaign: over many runs of the demand, how
// likely each fund is to run out and when, how its available amount spreads over time, and how
// the match spreads over projects; then the sweep, when the simulation swept a setting.
#include <algorithm>

#include <fmt/format.h>

#include "matchfund/report.hpp"
#include "report/charts.hpp"
#include "report/gini.hpp"
#include "report/local_time.hpp"
#include "report/simulation_sections.hpp"

namespace matchfund {

namespace {

using namespace reporting;

constexpr std::size_t projects_shown = 20;
constexpr std::size_t first_point = 0;  // the point whose distributions the page draws

std::string time_or_never(const std::optional<timestamp>& t, utc_offset offset) {
  return t ? format_local_day_minute(*t, offset) : "not run out";
}

void add_header(html_page& page, const simulation_context& context) {
  const simulation_setup& setup = context.outputs.setup;
  page.heading(1, setup.campaign_name.empty() ? setup.campaign_id : setup.campaign_name);
  page.paragraph(fmt::format("Simulation report · {} · {} · {} to {} ({})", setup.campaign_id, setup.currency,
                             format_local_minute(setup.start, setup.timezone),
                             format_local_minute(setup.end, setup.timezone), format_offset_name(setup.timezone)),
                 "meta");
  std::string overrides;
  for (const auto& [key, value] : setup.overrides) {
    overrides += fmt::format("{}<code>{}</code> = {}", overrides.empty() ? "; with " : ", ", escape_markup(key),
                             escape_markup(value));
  }
  page.paragraph_markup(
      fmt::format("{} runs with seed {} (matchfund {}) of the rules <code>{}</code> (sha256 <code>{}</code>) and {}{}. "
                  "Times are local to the campaign ({}).",
                  format_count(setup.runs), setup.seed, escape_markup(setup.version), escape_markup(setup.rules_file),
                  escape_markup(setup.rules_sha256), escape_markup(setup.demand), overrides,
                  format_offset_name(setup.timezone)),
      "meta");
  if (!setup.sweep_key.empty()) {
    page.paragraph_markup(
        fmt::format("Swept <code>{}</code> over {} points. The charts below are of point 1 ({}); the sweep section "
                    "compares all of them.",
                    escape_markup(setup.sweep_key), setup.sweep_points.size(),
                    escape_markup(sweep_value_label(context, first_point))),
        "meta");
  }
}

std::vector<const run_row*> runs_at(const simulation_context& context, std::size_t point) {
  std::vector<const run_row*> runs;
  for (const run_row& run : context.outputs.runs) {
    if (run.point == point) runs.push_back(&run);
  }
  return runs;
}

std::vector<const fund_outlook*> fund_outlooks_at(const simulation_context& context, std::size_t point) {
  std::vector<const fund_outlook*> outlooks;
  for (const fund_outlook& outlook : context.outputs.funds) {
    if (outlook.point == point) outlooks.push_back(&outlook);
  }
  return outlooks;
}

void add_key_numbers(html_page& page, const simulation_context& context) {
  const simulation_setup& setup = context.outputs.setup;
  std::vector<money> raised;
  std::vector<money> matched;
  for (const run_row* run : runs_at(context, first_point)) {
    raised.push_back(run->raised);
    matched.push_back(run->matched);
  }
  std::vector<key_number> numbers = {
      {"runs", format_count(setup.runs), fmt::format("seed {}", setup.seed)},
      {"median raised", format_amount(median_amount(raised), context.display), "runs.csv"},
      {"median matched", format_amount(median_amount(matched), context.display), "runs.csv"},
  };
  for (const fund_outlook* outlook : fund_outlooks_at(context, first_point)) {
    const std::string& fund = setup.funds[outlook->fund].id;
    numbers.push_back({fmt::format("{} runs out", fund), format_share(outlook->exhausted_share),
                       fmt::format("in {} of {} runs", format_count(outlook->exhausted_runs),
                                   format_count(outlook->runs))});
    numbers.push_back({fmt::format("{} runs out at (median)", fund),
                       time_or_never(outlook->exhausted_p50, setup.timezone),
                       fmt::format("p5 {}, p95 {}", time_or_never(outlook->exhausted_p5, setup.timezone),
                                   time_or_never(outlook->exhausted_p95, setup.timezone))});
  }
  page.key_numbers(numbers);
}

void add_funds_table(html_page& page, const simulation_context& context) {
  const auto amount = [&](money value) { return format_amount(value, context.display); };
  const utc_offset offset = context.outputs.setup.timezone;
  std::vector<std::vector<std::string>> rows;
  for (const fund_outlook* o : fund_outlooks_at(context, first_point)) {
    rows.push_back({context.outputs.setup.funds[o->fund].id, amount(o->budget), format_share(o->exhausted_share),
                    time_or_never(o->exhausted_p5, offset), time_or_never(o->exhausted_p50, offset),
                    time_or_never(o->exhausted_p95, offset), amount(o->drawn_p50), amount(o->left_p5),
                    amount(o->left_p50), amount(o->left_p95)});
  }
  page.table({{"fund", false}, {"budget", true}, {"runs out", true}, {"run out p5", true}, {"p50", true},
              {"p95", true}, {"drawn p50", true}, {"left p5", true}, {"left p50", true}, {"left p95", true}},
             rows);
}

// Each release of the funds that release in tranches: "will the 09:00 tranche be gone before noon?"
void add_releases_table(html_page& page, const simulation_context& context) {
  const simulation_setup& setup = context.outputs.setup;
  std::vector<std::vector<std::string>> rows;
  for (const release_outlook& r : context.outputs.releases) {
    if (r.point != first_point || setup.funds[r.fund].releases.size() < 2) continue;
    rows.push_back({setup.funds[r.fund].id, format_local_day_minute(r.at, setup.timezone),
                    format_amount(r.amount, context.display), format_share(r.exhausted_share),
                    time_or_never(r.exhausted_p5, setup.timezone), time_or_never(r.exhausted_p50, setup.timezone),
                    time_or_never(r.exhausted_p95, setup.timezone)});
  }
  if (rows.empty()) return;
  page.heading(3, "Tranches", "tranches");
  page.table({{"fund", false}, {"released", false}, {"amount", true}, {"runs out", true}, {"run out p5", true},
              {"p50", true}, {"p95", true}},
             rows);
  page.paragraph("Each release of money on its own (releases.csv): in how many runs it was used up before the next "
                 "release came, and when. What a tranche leaves rolls on with the next.",
                 "note");
}

// Where the median moves: from the sample before its first change (curves.csv leaves out rows
// where nothing changed, so at most one step before it) to its last change; nullopt when it
// never moves.
std::optional<std::pair<std::int64_t, std::int64_t>> median_window(const std::vector<fan_point>& points,
                                                                   std::int64_t step_ms) {
  std::optional<std::pair<std::int64_t, std::int64_t>> window;
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].p50 == points[i - 1].p50) continue;
    if (!window) window = {std::max(points[i - 1].time_ms, points[i].time_ms - step_ms), points[i].time_ms};
    window->second = points[i].time_ms;
  }
  return window;
}

// The points inside [from, to], starting with the value that holds at `from`.
std::vector<fan_point> slice(const std::vector<fan_point>& points, std::int64_t from, std::int64_t to) {
  std::vector<fan_point> inside;
  std::optional<fan_point> holding;
  for (const fan_point& p : points) {
    if (p.time_ms <= from) {
      holding = p;
    } else if (p.time_ms <= to) {
      inside.push_back(p);
    }
  }
  if (holding) {
    holding->time_ms = from;
    inside.insert(inside.begin(), *holding);
  }
  return inside;
}

void add_fan_charts(html_page& page, const simulation_context& context, const fund_outlook& outlook,
                    const fund_curve& curve) {
  const simulation_setup& setup = context.outputs.setup;
  const simulated_fund& fund = setup.funds[outlook.fund];
  fan_chart_input chart{fmt::format("Available in fund {} over {} runs", fund.id, format_count(setup.runs)),
                        context.display, setup.timezone, context.from_ms, context.to_ms, curve.points, {},
                        std::nullopt};
  for (const release_spec& release : fund.releases) {
    chart.releases.push_back({release.at.epoch_ms(), "+" + format_amount(release.amount, context.display)});
  }
  if (outlook.exhausted_p50) {
    chart.median_exhausted =
        time_mark{outlook.exhausted_p50->epoch_ms(), "median " + format_local_day_minute(*outlook.exhausted_p50, setup.timezone)};
  }
  page.figure(fan_chart(wide_chart, chart), fan_chart(narrow_chart, chart),
              fmt::format("Available in {} over the campaign: the band holds the middle 90% of the runs at each "
                          "moment (p5 to p95), the line is their median (curves.csv, sampled every {} s); dashed "
                          "lines are releases, red the median time it runs out.",
                          fund.id, setup.curve_step_seconds));
  const auto step_ms = static_cast<std::int64_t>(setup.curve_step_seconds) * 1000;
  const auto window = median_window(curve.points, step_ms);
  const std::int64_t span = context.to_ms - context.from_ms;
  if (!window || (window->second - window->first) * 4 > span) return;
  // A fund that moves in a short window only: that window, with a tenth of it on either side.
  const std::int64_t pad = std::max<std::int64_t>((window->second - window->first) / 10, step_ms);
  chart.from_ms = std::max(context.from_ms, window->first - pad);
  chart.to_ms = std::min(context.to_ms, window->second + pad);
  chart.points = slice(curve.points, chart.from_ms, chart.to_ms);
  chart.label += " (zoomed)";
  chart.zero_based = false;
  page.figure(fan_chart(wide_chart, chart), fan_chart(narrow_chart, chart),
              fmt::format("The same, zoomed on {} to {}, where the median of {} moves; the amount axis spans the band, "
                          "not from 0.",
                          format_local_day_minute(timestamp::from_epoch_ms(chart.from_ms), setup.timezone),
                          format_local_day_minute(timestamp::from_epoch_ms(chart.to_ms), setup.timezone), fund.id));
}

void add_exhaustion_histogram(html_page& page, const simulation_context& context, const fund_outlook& outlook) {
  const simulation_setup& setup = context.outputs.setup;
  const std::string& fund = setup.funds[outlook.fund].id;
  exhaustion_histogram_input histogram{fmt::format("When the runs ran fund {} out", fund), setup.timezone, {}, 0};
  std::uint64_t runs = 0;
  for (const run_row* run : runs_at(context, first_point)) {
    ++runs;
    const auto& exhausted = run->exhausted_at[outlook.fund];
    if (exhausted) {
      histogram.exhausted_ms.push_back(exhausted->epoch_ms());
    } else {
      ++histogram.never;
    }
  }
  const std::string never = fmt::format("{} of {} runs ({}) never ran it out", format_count(histogram.never),
                                        format_count(runs), format_share(share_in_ten_thousandths(histogram.never, runs)));
  if (histogram.exhausted_ms.empty()) {
    page.paragraph(fmt::format("No run ran {} out: {}.", fund, never), "note");
    return;
  }
  page.figure(exhaustion_histogram(wide_chart, histogram), exhaustion_histogram(narrow_chart, histogram),
              fmt::format("When each run ran {} out (runs.csv exhausted_at[{}]), runs per time bin; {} (the grey "
                          "column).",
                          fund, fund, never));
}

void add_funds(html_page& page, const simulation_context& context) {
  page.heading(2, "Funds", "funds");
  add_funds_table(page, context);
  add_releases_table(page, context);
  for (const fund_outlook* outlook : fund_outlooks_at(context, first_point)) {
    const simulated_fund& fund = context.outputs.setup.funds[outlook->fund];
    page.heading(3, fund.funder.empty() ? fund.id : fmt::format("{} · {}", fund.id, fund.funder));
    for (const fund_curve& curve : context.outputs.curves) {
      if (curve.point == first_point && curve.fund == outlook->fund) add_fan_charts(page, context, *outlook, curve);
    }
    add_exhaustion_histogram(page, context, *outlook);
  }
}

void add_projects(html_page& page, const simulation_context& context) {
  page.heading(2, "Match by project", "projects");
  std::vector<const project_outlook*> projects;
  for (const project_outlook& project : context.outputs.projects) {
    if (project.point == first_point) projects.push_back(&project);
  }
  if (projects.empty()) {
    page.paragraph("No project.", "note");
    return;
  }
  std::stable_sort(projects.begin(), projects.end(), [](const project_outlook* a, const project_outlook* b) {
    return a->matched_p50 > b->matched_p50;
  });
  const auto amount = [&](money value) { return format_amount(value, context.display); };
  bar_chart_input bars{"Median match by project, with p5 to p95", context.display, true, {}};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < projects.size() && i < projects_shown; ++i) {
    const project_outlook& p = *projects[i];
    bars.bars.push_back({p.project, p.matched_p50.minor_units(), amount(p.matched_p50), false,
                         p.matched_p5.minor_units(), p.matched_p95.minor_units()});
    rows.push_back({p.project, p.organization, amount(p.raised_p50), amount(p.matched_p5), amount(p.matched_p50),
                    amount(p.matched_p95), amount(p.matched_mean), format_share(p.cap_bound_share)});
  }
  page.figure(bar_chart(wide_chart.width, bars), bar_chart(narrow_chart.width, bars),
              fmt::format("The {} projects with the highest median match of {} (projects.csv matched_p50), the "
                          "whisker from p5 to p95 over the runs.",
                          std::min(projects.size(), projects_shown), format_count(projects.size())));
  page.table({{"project", false}, {"organization", false}, {"raised p50", true}, {"matched p5", true},
              {"p50", true}, {"p95", true}, {"mean", true}, {"held by a cap in", true}},
             rows);
  lorenz_chart_input lorenz{"Lorenz curve of the median match over projects", {}};
  for (const project_outlook* p : projects) lorenz.amounts.push_back(p->matched_p50.minor_units());
  const auto gini = gini_coefficient(lorenz.amounts);
  page.heading(3, "How evenly the match is spread");
  page.figure(lorenz_chart({420, 380}, lorenz), lorenz_chart({360, 340}, lorenz),
              gini ? fmt::format("Lorenz curve of matched_p50 over the {} projects: Gini coefficient {} (0 is an even "
                                 "split, 1 all to one project).",
                                 format_count(projects.size()), format_two_decimals(*gini))
                   : "No project has a median match above 0: no Gini coefficient.",
              "square");
}

}  // namespace

std::string simulation_report_html(const std::filesystem::path& simulation_dir) {
  const simulation_outputs outputs = read_simulation_outputs(simulation_dir);
  const simulation_setup& setup = outputs.setup;
  simulation_context context{outputs, {setup.currency, setup.minor_digits}};
  context.from_ms = setup.start.epoch_ms();
  context.to_ms = setup.end.epoch_ms();
  for (const fund_curve& curve : outputs.curves) {
    if (!curve.points.empty()) context.to_ms = std::max(context.to_ms, curve.points.back().time_ms);
  }
  html_page page(fmt::format("{}: simulation report", setup.campaign_name.empty() ? setup.campaign_id : setup.campaign_name),
                 setup.currency == "CNY" ? "zh-CN" : "en");
  add_header(page, context);
  add_key_numbers(page, context);
  add_funds(page, context);
  add_projects(page, context);
  if (!setup.sweep_key.empty()) add_sweep_section(page, context);
  return page.finish();
}

void write_simulation_report(const std::filesystem::path& simulation_dir, const std::filesystem::path& html_file) {
  write_page_file(html_file, simulation_report_html(simulation_dir));
}

}  // namespace matchfund
