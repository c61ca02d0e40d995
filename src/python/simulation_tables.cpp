#include "python/simulation_tables.hpp"

#include <pybind11/stl.h>

#include <functional>
#include <string>
#include <vector>

#include "python/columns.hpp"

namespace matchfund::python {

namespace {

// Columns filled row by row, then handed over in the order they were first named.
class table_builder {
 public:
  void integer(const std::string& name, std::int64_t number) { integers_[slot(name, kind::integer)].push_back(number); }
  void amount(const std::string& name, money sum) { integer(name, sum.minor_units()); }
  void time(const std::string& name, const std::optional<timestamp>& t) {
    const std::size_t at = slot(name, kind::time);
    integers_[at].push_back(t ? t->epoch_ms() : 0);
    missing_[at].push_back(!t);
  }
  void share(const std::string& name, std::uint64_t count, std::uint64_t of) {
    reals_[slot(name, kind::real)].push_back(of == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(of));
  }
  void text(const std::string& name, std::string_view characters) { texts_[slot(name, kind::text)].push_back(characters); }

  py::dict take() {
    py::dict columns;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const py::str name(names_[i]);
      switch (kinds_[i]) {
        case kind::integer: columns[name] = owned_array(std::move(integers_[i])); break;
        case kind::time: columns[name] = py::make_tuple(owned_array(std::move(integers_[i])), bool_array(missing_[i])); break;
        case kind::real: columns[name] = owned_array(std::move(reals_[i])); break;
        case kind::text: columns[name] = text_array(texts_[i]); break;
      }
    }
    return columns;
  }

 private:
  enum class kind : std::uint8_t { integer, time, real, text };
  std::size_t slot(const std::string& name, kind k) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return i;
    }
    names_.push_back(name);
    kinds_.push_back(k);
    integers_.emplace_back();
    missing_.emplace_back();
    reals_.emplace_back();
    texts_.emplace_back();
    return names_.size() - 1;
  }

  std::vector<std::string> names_;
  std::vector<kind> kinds_;
  std::vector<std::vector<std::int64_t>> integers_;
  std::vector<std::vector<bool>> missing_;
  std::vector<std::vector<double>> reals_;
  std::vector<text_column> texts_;
};

// The columns every table starts with: point, and the sweep's value.
void leading(table_builder& table, const simulation_result& result, std::uint64_t point) {
  table.integer("point", static_cast<std::int64_t>(point));
  if (!result.setup.sweep_key.empty()) table.text(result.setup.sweep_key, result.setup.points[point - 1].value);
}

py::dict runs_columns(const simulation_result& result, const rule_set& rules) {
  table_builder table;
  for (const run_record& run : result.runs_table) {
    table.integer("point", static_cast<std::int64_t>(run.point));
    table.integer("run", static_cast<std::int64_t>(run.run));
    if (!result.setup.sweep_key.empty()) table.text(result.setup.sweep_key, result.setup.points[run.point - 1].value);
    table.integer("donations", static_cast<std::int64_t>(run.donations));
    table.integer("donors", static_cast<std::int64_t>(run.donors));
    table.integer("matched_donors", static_cast<std::int64_t>(run.matched_donors));
    table.amount("raised", run.raised);
    table.amount("refunded", run.refunded);
    table.amount("matched", run.matched);
    table.amount("closeout", run.closeout);
    for (std::size_t f = 0; f < run.funds.size(); ++f) {
      const std::string& id = rules.funds()[f].id;
      table.amount("drawn[" + id + "]", run.funds[f].drawn);
      table.amount("left[" + id + "]", run.funds[f].left);
      table.time("exhausted_at[" + id + "]", run.funds[f].exhausted_at);
    }
    for (const auto& [name, millionths] : run.parameters) table.integer("param[" + name + "]", millionths);
  }
  return table.take();
}

// The columns funds and releases share: in how many runs the money ran out, and when.
template <typename Summary>
void exhaustion(table_builder& table, const Summary& summary) {
  table.integer("runs", static_cast<std::int64_t>(summary.runs));
  table.integer("exhausted_runs", static_cast<std::int64_t>(summary.exhausted_runs));
  table.share("exhausted_share", summary.exhausted_runs, summary.runs);
  table.time("exhausted_p5", summary.exhausted_p5);
  table.time("exhausted_p50", summary.exhausted_p50);
  table.time("exhausted_p95", summary.exhausted_p95);
}

py::dict funds_columns(const simulation_result& result, const rule_set& rules) {
  table_builder table;
  for (const fund_summary& fund : result.funds) {
    leading(table, result, fund.point);
    table.text("fund", rules.fund(fund.fund).id);
    table.amount("budget", fund.budget);
    exhaustion(table, fund);
    for (const auto& [name, band] : {std::pair{"drawn", &fund.drawn}, std::pair{"left", &fund.left}}) {
      table.amount(std::string(name) + "_p5", band->p5);
      table.amount(std::string(name) + "_p50", band->p50);
      table.amount(std::string(name) + "_p95", band->p95);
    }
  }
  return table.take();
}

py::dict releases_columns(const simulation_result& result, const rule_set& rules) {
  table_builder table;
  for (const release_summary& release : result.releases) {
    leading(table, result, release.point);
    table.text("fund", rules.fund(release.fund).id);
    table.integer("release", static_cast<std::int64_t>(release.release));
    table.time("at", release.at);
    table.amount("amount", release.amount);
    exhaustion(table, release);
  }
  return table.take();
}

py::dict projects_columns(const simulation_result& result, const rule_set& rules) {
  table_builder table;
  for (const project_summary& project : result.projects) {
    const project_spec& spec = rules.project(project.project);
    leading(table, result, project.point);
    table.text("project", spec.id);
    table.text("organization", rules.organizations()[position(spec.organization)]);
    table.amount("raised_p50", project.raised_p50);
    table.amount("matched_p5", project.matched.p5);
    table.amount("matched_p50", project.matched.p50);
    table.amount("matched_p95", project.matched.p95);
    table.amount("matched_mean", project.matched_mean);
    table.integer("cap_bound_runs", static_cast<std::int64_t>(project.cap_bound_runs));
    table.share("cap_bound_share", project.cap_bound_runs, result.runs);
  }
  return table.take();
}

py::dict curves_columns(const simulation_result& result, const rule_set& rules) {
  table_builder table;
  for (const curve_point& row : result.curves) {
    leading(table, result, row.point);
    table.text("fund", rules.fund(row.fund).id);
    table.time("time", row.time);
    table.amount("available_p5", row.available.p5);
    table.amount("available_p50", row.available.p50);
    table.amount("available_p95", row.available.p95);
  }
  return table.take();
}

}  // namespace

py::dict simulation_columns(const simulation_result& result) {
  const rule_set& rules = result.setup.points.front().rules;
  py::dict tables;
  tables["runs"] = runs_columns(result, rules);
  tables["funds"] = funds_columns(result, rules);
  tables["releases"] = releases_columns(result, rules);
  tables["projects"] = projects_columns(result, rules);
  tables["curves"] = curves_columns(result, rules);
  return tables;
}

}  // namespace matchfund::python
