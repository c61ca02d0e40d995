// The report of one replay, for an auditor: what the campaign raised and matched, how each fund
// ran down (rebuilt from the releases and the ledger, checked against funds.csv), where the
// match went, the outcomes of the rules, and the close-out payouts.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "matchfund/load_rules.hpp"
#include "matchfund/report.hpp"
#include "report/charts.hpp"
#include "report/html_page.hpp"
#include "report/local_time.hpp"
#include "report/money_display.hpp"
#include "report/replay_inputs.hpp"

namespace matchfund {

namespace {

using namespace reporting;

constexpr std::size_t projects_shown = 20;
constexpr std::size_t payouts_shown = 10;

struct replay_context {
  const rule_set& rules;
  const replay_outputs& outputs;
  money_display display;
  std::int64_t from_ms = 0;  // the charts' time range: campaign start to the later of its end
  std::int64_t to_ms = 0;    // and the last ledger line (the close)
};

std::string language_of(const money_display& display) { return display.currency == "CNY" ? "zh-CN" : "en"; }

void add_header(html_page& page, const replay_context& context, const std::filesystem::path& replay_dir) {
  const campaign_spec& campaign = context.rules.campaign();
  page.heading(1, campaign.name.empty() ? campaign.id : campaign.name);
  page.paragraph(fmt::format("Replay report · {} · {} · {} to {} ({})", campaign.id, campaign.currency,
                             format_local_minute(campaign.start, campaign.timezone),
                             format_local_minute(campaign.end, campaign.timezone),
                             format_offset_name(campaign.timezone)),
                 "meta");
  page.paragraph_markup(
      fmt::format("Outputs of <code>{}</code> written by matchfund {}; rules <code>{}</code>, sha256 <code>{}</code> "
                  "(the same as the run's). Times are local to the campaign ({}).",
                  escape_markup(replay_dir.generic_string()), escape_markup(context.outputs.summary.version),
                  escape_markup(context.rules.source_file()), escape_markup(context.outputs.summary.rules_sha256),
                  format_offset_name(campaign.timezone)),
      "meta");
}

std::string invariants_value(const replay_summary& summary, std::string& broken) {
  std::size_t holding = 0;
  for (const auto& [name, holds] : summary.invariants) {
    if (holds) {
      ++holding;
    } else {
      broken += (broken.empty() ? "broken: " : ", ") + name;
    }
  }
  if (holding == summary.invariants.size()) return fmt::format("all {} hold", holding);
  return fmt::format("{} of {} broken", summary.invariants.size() - holding, summary.invariants.size());
}

void add_key_numbers(html_page& page, const replay_context& context) {
  const replay_summary& summary = context.outputs.summary;
  const auto amount = [&](money value) { return format_amount(value, context.display); };
  std::size_t exhausted = 0;
  for (const fund_row& fund : context.outputs.funds) exhausted += fund.exhausted_at ? 1U : 0U;
  std::string broken;
  const std::string invariants = invariants_value(summary, broken);
  page.key_numbers({
      {"raised", amount(context.outputs.raised), "net of refunds"},
      {"matched", amount(context.outputs.matched), "net of reversals"},
      {"close-out", amount(context.outputs.closeout), "paid after the last donation"},
      {"donations", format_count(summary.donations),
       summary.holds ? fmt::format("and {} holds", format_count(*summary.holds)) : std::string()},
      {"events", format_count(summary.events_read),
       fmt::format("{} processed, {} rejected", format_count(summary.events_processed),
                   format_count(summary.events_rejected))},
      {"funds run out", fmt::format("{} of {}", exhausted, context.outputs.funds.size()), {}},
      {"invariants", invariants, broken},
  });
}

const fund_row& fund_row_of(const replay_context& context, const std::string& id) {
  for (const fund_row& row : context.outputs.funds) {
    if (row.id == id) return row;
  }
  throw error(fmt::format("funds.csv: no row for fund \"{}\" of the rules", id));
}

// A count and a noun, the noun plural unless the count is 1: "1 release", "3 releases".
std::string count_of(std::size_t count, std::string_view noun) {
  return fmt::format("{} {}{}", format_count(count), noun, count == 1 ? "" : "s");
}

// funds.csv as a table; of the columns that are often 0 (returned ... unallocated), those that
// are 0 for every fund are left out and named under the table.
void add_funds_table(html_page& page, const replay_context& context) {
  struct optional_column {
    const char* heading;
    money fund_row::*amount;
  };
  constexpr optional_column optional_columns[] = {{"returned", &fund_row::returned},
                                                  {"forfeited", &fund_row::forfeited},
                                                  {"expired", &fund_row::expired},
                                                  {"close-out", &fund_row::closeout},
                                                  {"unallocated", &fund_row::unallocated}};
  const auto amount = [&](money value) { return format_amount(value, context.display); };
  std::vector<table_column> columns = {{"fund", false}, {"budget", true}, {"released", true}, {"drawn", true}};
  std::vector<std::vector<std::string>> rows;
  for (const fund_row& fund : context.outputs.funds) rows.push_back({fund.id, amount(fund.budget), amount(fund.released), amount(fund.drawn)});
  std::string left_out;
  for (const optional_column& column : optional_columns) {
    const bool all_zero = std::all_of(context.outputs.funds.begin(), context.outputs.funds.end(),
                                      [&](const fund_row& fund) { return (fund.*column.amount).is_zero(); });
    if (all_zero) {
      left_out += (left_out.empty() ? "" : ", ") + std::string(column.heading);
      continue;
    }
    columns.push_back({column.heading, true});
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back(amount(context.outputs.funds[i].*column.amount));
  }
  columns.push_back({"available at the end", true});
  columns.push_back({"exhausted at", false});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const fund_row& fund = context.outputs.funds[i];
    rows[i].push_back(amount(fund.available_end));
    rows[i].push_back(fund.exhausted_at ? format_local_time(*fund.exhausted_at, context.rules.campaign().timezone)
                                        : "never");
  }
  page.table(columns, rows);
  if (!left_out.empty()) page.paragraph(fmt::format("0 for every fund: {}.", left_out), "note");
}

// "10:35" within one local day of the chart's start, else "09-08 10:35".
std::string mark_time(const replay_context& context, timestamp t) {
  const utc_offset offset = context.rules.campaign().timezone;
  const std::string day_minute = format_local_day_minute(t, offset);
  return context.to_ms - context.from_ms <= 86'400'000 ? day_minute.substr(6) : day_minute;
}

// A fund whose draws all fall in a short part of the campaign (a pool gone in an hour) gets a
// second chart of that part, with a tenth of it (at least a minute) on either side.
void add_zoomed_view(html_page& page, const replay_context& context, depletion_chart_input chart,
                     const fund_depletion& curve) {
  const std::vector<step_point>& points = curve.available;
  if (points.size() < 3) return;
  const std::int64_t first = points[1].time_ms;
  const std::int64_t last = points.back().time_ms;
  if ((last - first) * 4 > context.to_ms - context.from_ms) return;
  const std::int64_t pad = std::max<std::int64_t>((last - first) / 10, 60'000);
  chart.from_ms = std::max(context.from_ms, first - pad);
  chart.to_ms = std::min(context.to_ms, last + pad);
  chart.available.clear();
  for (const step_point& p : points) {
    if (p.time_ms <= chart.from_ms) {
      chart.available.assign(1, {chart.from_ms, p.minor});  // what the fund had when the view begins
    } else if (p.time_ms <= chart.to_ms) {
      chart.available.push_back(p);
    }
  }
  chart.label += " (zoomed)";
  chart.zero_based = false;
  const utc_offset offset = context.rules.campaign().timezone;
  page.figure(depletion_chart(wide_chart, chart), depletion_chart(narrow_chart, chart),
              fmt::format("The same, zoomed on {} to {}, where every change after the first happens; the amount axis spans "
                          "what the fund had then, not from 0.",
                          format_local_day_minute(timestamp::from_epoch_ms(chart.from_ms), offset),
                          format_local_day_minute(timestamp::from_epoch_ms(chart.to_ms), offset)));
}

// Whether the rebuilt curve ends where funds.csv says the fund ended.
void add_end_check(html_page& page, const replay_context& context, const fund_row& row, const fund_depletion& curve) {
  const std::string end = format_amount_exact(curve.end, context.display);
  if (curve.end == row.available_end) {
    page.paragraph_markup(fmt::format("<span class=\"ok\">&#10003;</span> The rebuilt curve ends at {}, funds.csv's "
                                      "available_end for {}.",
                                      escape_markup(end), escape_markup(row.id)),
                          "note");
  } else {
    page.paragraph(fmt::format("The rebuilt curve ends at {}, but funds.csv's available_end for {} is {}.", end,
                               row.id, format_amount_exact(row.available_end, context.display)),
                   "bad");
  }
}

void add_fund(html_page& page, const replay_context& context, const fund_spec& spec, const fund_depletion& curve) {
  const fund_row& row = fund_row_of(context, spec.id);
  page.heading(3, spec.funder.empty() ? spec.id : fmt::format("{} · {}", spec.id, spec.funder));
  depletion_chart_input chart{fmt::format("Available in fund {} over the campaign", spec.id), context.display,
                              context.rules.campaign().timezone, context.from_ms, context.to_ms, curve.available,
                              {}, std::nullopt};
  for (const release_spec& release : spec.releases) {
    chart.releases.push_back({release.at.epoch_ms(), "+" + format_amount(release.amount, context.display)});
  }
  if (row.exhausted_at) chart.exhausted = time_mark{row.exhausted_at->epoch_ms(), "exhausted " + mark_time(context, *row.exhausted_at)};
  page.figure(depletion_chart(wide_chart, chart), depletion_chart(narrow_chart, chart),
              fmt::format("Available in {} ({}): rises at its {} (dashed), falls with every draw ({} drawn in "
                          "all); rebuilt from the rules' releases and ledger.csv.",
                          spec.id, format_offset_name(context.rules.campaign().timezone),
                          count_of(spec.releases.size(), "release"), format_amount(row.drawn, context.display)));
  add_zoomed_view(page, context, chart, curve);
  add_end_check(page, context, row, curve);
}

void add_funds(html_page& page, const replay_context& context) {
  page.heading(2, "Funds", "funds");
  add_funds_table(page, context);
  for (std::size_t i = 0; i < context.rules.funds().size(); ++i) {
    add_fund(page, context, context.rules.funds()[i], context.outputs.depletion[i]);
  }
}

void add_match_by_project(html_page& page, const replay_context& context) {
  page.heading(2, "Match by project", "projects");
  std::vector<const project_row*> projects;
  for (const project_row& project : context.outputs.projects) projects.push_back(&project);
  std::stable_sort(projects.begin(), projects.end(),
                   [](const project_row* a, const project_row* b) { return a->matched > b->matched; });
  bar_chart_input chart{"Match by project", context.display, true, {}};
  money rest = money::zero();
  for (std::size_t i = 0; i < projects.size(); ++i) {
    if (i < projects_shown) {
      chart.bars.push_back({projects[i]->id, projects[i]->matched.minor_units(),
                            format_amount(projects[i]->matched, context.display), false, std::nullopt, std::nullopt});
    } else {
      rest += projects[i]->matched;
    }
  }
  const std::size_t others = projects.size() > projects_shown ? projects.size() - projects_shown : 0;
  if (others > 0) {
    chart.bars.push_back({fmt::format("the other {}", format_count(others)), rest.minor_units(),
                          format_amount(rest, context.display), true, std::nullopt, std::nullopt});
  }
  if (chart.bars.empty()) {
    page.paragraph("No project.", "note");
    return;
  }
  page.figure(bar_chart(wide_chart.width, chart), bar_chart(narrow_chart.width, chart),
              fmt::format("Match net of reversals (projects.csv), the {} most matched of {} projects{}; {} in all.",
                          std::min(projects.size(), projects_shown), format_count(projects.size()),
                          others > 0 ? ", then the others together" : "",
                          format_amount(context.outputs.matched, context.display)));
}

void add_outcomes(html_page& page, const replay_context& context) {
  page.heading(2, "Outcomes", "outcomes");
  bar_chart_input chart{"Outcomes of the rules", context.display, false, {}};
  std::uint64_t total = 0;
  for (const auto& [code, count] : context.outputs.summary.outcomes) {
    chart.bars.push_back({code, static_cast<std::int64_t>(count), format_count(count), false, std::nullopt,
                          std::nullopt});
    total += count;
  }
  if (chart.bars.empty()) {
    page.paragraph("No rule was evaluated.", "note");
    return;
  }
  page.figure(bar_chart(wide_chart.width, chart), bar_chart(narrow_chart.width, chart),
              fmt::format("What each rule decided for each donation and hold: {} outcomes in all (summary.json; "
                          "the codes are explained in docs/outcomes.md).",
                          format_count(total)));
}

struct step_payouts {
  std::string step;
  money total;
  std::map<std::string, money> by_project;  // ordered: the same page on every run
  std::vector<std::string> funds;           // as they appear; "" for outside money
};

std::vector<step_payouts> payouts_by_step(const std::vector<closeout_payout>& payouts) {
  std::vector<step_payouts> steps;
  for (const closeout_payout& payout : payouts) {
    auto step = std::find_if(steps.begin(), steps.end(), [&](const step_payouts& s) { return s.step == payout.step; });
    if (step == steps.end()) step = steps.insert(steps.end(), step_payouts{payout.step, money::zero(), {}, {}});
    step->total += payout.amount;
    step->by_project[payout.project] += payout.amount;
    if (std::find(step->funds.begin(), step->funds.end(), payout.fund) == step->funds.end()) {
      step->funds.push_back(payout.fund);
    }
  }
  return steps;
}

void add_closeout_step(html_page& page, const replay_context& context, const step_payouts& step) {
  std::string funds;
  for (const std::string& fund : step.funds) funds += (funds.empty() ? "" : ", ") + (fund.empty() ? "outside money" : fund);
  page.heading(3, fmt::format("Step {}", step.step));
  page.paragraph(fmt::format("{} paid to {}, from {}.", format_amount(step.total, context.display),
                             count_of(step.by_project.size(), "project"), funds),
                 "note");
  std::vector<std::pair<std::string, money>> projects(step.by_project.begin(), step.by_project.end());
  std::stable_sort(projects.begin(), projects.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::vector<std::string>> rows;
  money rest = money::zero();
  for (std::size_t i = 0; i < projects.size(); ++i) {
    if (i < payouts_shown) {
      rows.push_back({projects[i].first, format_amount(projects[i].second, context.display),
                      format_amount_exact(projects[i].second, context.display)});
    } else {
      rest += projects[i].second;
    }
  }
  if (projects.size() > payouts_shown) {
    rows.push_back({fmt::format("the other {}", format_count(projects.size() - payouts_shown)),
                    format_amount(rest, context.display), format_amount_exact(rest, context.display)});
  }
  page.table({{"project", false}, {"paid", true}, {"exactly", true}}, rows);
}

void add_closeout(html_page& page, const replay_context& context) {
  page.heading(2, "Close-out payouts", "closeout");
  const std::vector<step_payouts> steps = payouts_by_step(context.outputs.closeout_payouts);
  if (steps.empty()) {
    page.paragraph("No close-out payout: ledger.csv has no closeout line.", "note");
    return;
  }
  page.paragraph(fmt::format("{} paid at the close by {} (ledger.csv closeout lines, by the step in their rule "
                             "column), the largest payouts of each first.",
                             format_amount(context.outputs.closeout, context.display), count_of(steps.size(), "step")),
                 "note");
  for (const step_payouts& step : steps) add_closeout_step(page, context, step);
}

}  // namespace

rule_set load_rules_of_replay(const std::filesystem::path& replay_dir,
                              const std::optional<std::filesystem::path>& rules_file) {
  const replay_summary summary = read_replay_summary(replay_dir);
  rule_set rules = load_rules(rules_file ? *rules_file : std::filesystem::path(summary.rules_file));
  check_rules_of_run(replay_dir, summary, rules);
  return rules;
}

std::string replay_report_html(const std::filesystem::path& replay_dir, const rule_set& rules) {
  const replay_outputs outputs = read_replay_outputs(replay_dir, rules);
  replay_context context{rules, outputs, {rules.campaign().currency, rules.minor_digits()}};
  context.from_ms = rules.campaign().start.epoch_ms();
  context.to_ms = std::max(rules.campaign().end.epoch_ms(),
                           outputs.last_ledger_time ? outputs.last_ledger_time->epoch_ms() : context.from_ms);
  const campaign_spec& campaign = rules.campaign();
  html_page page(fmt::format("{}: replay report", campaign.name.empty() ? campaign.id : campaign.name),
                 language_of(context.display));
  add_header(page, context, replay_dir);
  add_key_numbers(page, context);
  add_funds(page, context);
  add_match_by_project(page, context);
  add_outcomes(page, context);
  add_closeout(page, context);
  return page.finish();
}

void write_replay_report(const std::filesystem::path& replay_dir, const rule_set& rules,
                         const std::filesystem::path& html_file) {
  write_page_file(html_file, replay_report_html(replay_dir, rules));
}

}  // namespace matchfund
