#include "write/tables.hpp"

#include <algorithm>
#include <cstddef>

#include "write/csv_writer.hpp"

namespace matchfund::detail {

projects_table write_projects_table(const rule_set& rules, const engine& matcher) {
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  csv_writer projects("project,organization,donations,donors,raised,refunded,matched,closeout,total");
  projects_table table;
  for (std::size_t p : positions_by_id(rules.projects())) {
    const project_spec& spec = rules.projects()[p];
    const project_totals& totals = matcher.project(index_at<project_index>(p));
    projects.field(spec.id)
        .field(rules.organizations()[position(spec.organization)])
        .field(std::to_string(totals.donations))
        .field(std::to_string(totals.donors))
        .field(amount(totals.raised))
        .field(amount(totals.refunded))
        .field(amount(totals.matched))
        .field(amount(totals.closeout))
        .field(amount(totals.raised + totals.matched + totals.closeout));
    projects.end_row();
    table.raised += totals.raised;
    table.matched += totals.matched;
    table.closeout += totals.closeout;
    table.top.emplace_back(spec.id, totals.matched + totals.closeout);
  }
  std::stable_sort(table.top.begin(), table.top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (table.top.size() > 10) table.top.resize(10);
  table.csv = projects.text();
  return table;
}

std::string write_funds_table(const rule_set& rules, const engine& matcher, std::vector<fund_report>& reports) {
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  csv_writer funds("fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at");
  for (std::size_t f : positions_by_id(rules.funds())) {
    const fund_spec& spec = rules.funds()[f];
    const fund_totals& totals = matcher.fund(index_at<fund_index>(f));
    const std::string exhausted =
        totals.exhausted_at ? format_rfc3339(*totals.exhausted_at, rules.campaign().timezone) : std::string();
    funds.field(spec.id)
        .field(amount(spec.budget))
        .field(amount(totals.released))
        .field(amount(totals.drawn))
        .field(amount(totals.returned))
        .field(amount(totals.forfeited))
        .field(amount(totals.expired))
        .field(amount(totals.closeout))
        .field(amount(totals.unallocated))
        .field(amount(totals.available()))
        .field(exhausted);
    funds.end_row();
    reports.push_back({spec.id, spec.budget, totals.released, totals.drawn, totals.returned, totals.forfeited,
                       totals.available(), totals.closeout, totals.unallocated, exhausted});
  }
  return funds.text();
}

std::string write_holds_table(const rule_set& rules, const engine& matcher) {
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  const auto time = [&](timestamp t) { return format_rfc3339(t, rules.campaign().timezone); };
  std::vector<hold_info> holds = matcher.holds();
  std::sort(holds.begin(), holds.end(), [](const hold_info& a, const hold_info& b) { return a.id < b.id; });
  csv_writer table("hold,time,donor,project,amount,held,status,resolved_at,resolved_by");
  for (const hold_info& hold : holds) {
    table.field(hold.id)
        .field(time(hold.time))
        .field(hold.donor)
        .field(rules.project(hold.project).id)
        .field(amount(hold.amount))
        .field(amount(hold.held))
        .field(to_string(hold.status))
        .field(hold.resolved_at ? time(*hold.resolved_at) : std::string())
        .field(hold.resolved_by);
    table.end_row();
  }
  return table.text();
}

std::string write_rejected_table(std::vector<rejected_event> rejected, std::span<const std::string> file_names) {
  std::stable_sort(rejected.begin(), rejected.end(), [&](const rejected_event& a, const rejected_event& b) {
    const auto rank = [&](const std::string& file) {
      return std::find(file_names.begin(), file_names.end(), file) - file_names.begin();
    };
    return std::pair(rank(a.file), a.line) < std::pair(rank(b.file), b.line);
  });
  csv_writer table("file,line,id,reason");
  for (const auto& bad : rejected) {
    table.field(bad.file).field(std::to_string(bad.line)).field(bad.id).field(to_string(bad.reason));
    table.end_row();
  }
  return table.text();
}

}  // namespace matchfund::detail
