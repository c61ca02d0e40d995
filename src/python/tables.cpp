#include "python/tables.hpp"

#include <pybind11/stl.h>

#include <string>

#include "python/columns.hpp"

namespace matchfund::python {

namespace {

std::vector<std::string> ids_of(const auto& specs) {
  std::vector<std::string> ids;
  for (const auto& spec : specs) ids.push_back(spec.id);
  return ids;
}

// An optional time as epoch milliseconds and whether it is missing.
void push_time(std::vector<std::int64_t>& times, std::vector<bool>& missing, const std::optional<timestamp>& t) {
  times.push_back(t ? t->epoch_ms() : 0);
  missing.push_back(!t);
}

}  // namespace

py::dict ledger_columns(const rule_set& rules, ledger_table& ledger, const source_texts& inputs) {
  std::vector<std::string> rule_labels = ids_of(rules.rules());
  for (const closeout_spec& step : rules.closeout()) rule_labels.push_back(step.id);
  std::vector<std::string> dispositions;
  for (const auto& [name, disposition] : refund_disposition_spellings) dispositions.emplace_back(name);
  std::vector<std::int32_t> disposition(ledger.disposition.begin(), ledger.disposition.end());
  py::dict columns;
  columns["seq"] = owned_array(std::move(ledger.seq));
  columns["time"] = owned_array(std::move(ledger.time_ms));
  columns["kind"] = categorical_of_enum(ledger.kind, 4, [](ledger_kind k) { return to_string(k); });
  const py::array event_ids = text_array_reusing(ledger.event_id, ledger.source_row, inputs.ids);
  columns["event_id"] = event_ids;
  columns["donation_id"] = text_array_sharing(ledger.donation_id, ledger.event_id, event_ids);
  columns["donor"] = text_array_reusing(ledger.donor, ledger.source_row, inputs.donors);
  columns["project"] = categorical(std::move(ledger.project), ids_of(rules.projects()));
  columns["rule"] = categorical(std::move(ledger.rule), rule_labels);
  columns["fund"] = categorical(std::move(ledger.fund), ids_of(rules.funds()));
  columns["amount"] = owned_array(std::move(ledger.amount));
  columns["limited_by"] = categorical_of_texts(ledger.limited_by);
  columns["disposition"] = categorical(std::move(disposition), dispositions);
  return columns;
}

py::dict outcome_columns(const rule_set& rules, outcome_table& outcomes) {
  py::dict columns;
  columns["event_id"] = text_array(outcomes.event_id);
  columns["rule"] = categorical(std::move(outcomes.rule), ids_of(rules.rules()));
  columns["outcome"] = categorical_of_enum(outcomes.code, outcome_code_count, [](outcome o) { return to_string(o); });
  columns["want"] = owned_array(std::move(outcomes.want));
  columns["paid"] = owned_array(std::move(outcomes.paid));
  columns["limited_by"] = categorical_of_texts(outcomes.limited_by);
  return columns;
}

py::dict project_columns(const rule_set& rules, const std::vector<project_row>& rows) {
  text_column id, organization;
  std::vector<std::int64_t> donations, donors, raised, refunded, matched, closeout, total;
  for (const project_row& row : rows) {
    const project_spec& spec = rules.project(row.project);
    id.push_back(spec.id);
    organization.push_back(rules.organizations()[position(spec.organization)]);
    donations.push_back(row.totals.donations);
    donors.push_back(row.totals.donors);
    raised.push_back(row.totals.raised.minor_units());
    refunded.push_back(row.totals.refunded.minor_units());
    matched.push_back(row.totals.matched.minor_units());
    closeout.push_back(row.totals.closeout.minor_units());
    total.push_back((row.totals.raised + row.totals.matched + row.totals.closeout).minor_units());
  }
  py::dict columns;
  columns["project"] = text_array(id);
  columns["organization"] = text_array(organization);
  columns["donations"] = owned_array(std::move(donations));
  columns["donors"] = owned_array(std::move(donors));
  columns["raised"] = owned_array(std::move(raised));
  columns["refunded"] = owned_array(std::move(refunded));
  columns["matched"] = owned_array(std::move(matched));
  columns["closeout"] = owned_array(std::move(closeout));
  columns["total"] = owned_array(std::move(total));
  return columns;
}

py::dict fund_columns(const rule_set& rules, const std::vector<fund_row>& rows) {
  text_column id;
  std::vector<std::int64_t> budget, released, drawn, returned, forfeited, expired, closeout, unallocated, available, exhausted;
  std::vector<bool> never_exhausted;
  for (const fund_row& row : rows) {
    const fund_totals& t = row.totals;
    id.push_back(rules.fund(row.fund).id);
    budget.push_back(rules.fund(row.fund).budget.minor_units());
    released.push_back(t.released.minor_units());
    drawn.push_back(t.drawn.minor_units());
    returned.push_back(t.returned.minor_units());
    forfeited.push_back(t.forfeited.minor_units());
    expired.push_back(t.expired.minor_units());
    closeout.push_back(t.closeout.minor_units());
    unallocated.push_back(t.unallocated.minor_units());
    available.push_back(t.available().minor_units());
    push_time(exhausted, never_exhausted, t.exhausted_at);
  }
  py::dict columns;
  columns["fund"] = text_array(id);
  columns["budget"] = owned_array(std::move(budget));
  columns["released"] = owned_array(std::move(released));
  columns["drawn"] = owned_array(std::move(drawn));
  columns["returned"] = owned_array(std::move(returned));
  columns["forfeited"] = owned_array(std::move(forfeited));
  columns["expired"] = owned_array(std::move(expired));
  columns["closeout"] = owned_array(std::move(closeout));
  columns["unallocated"] = owned_array(std::move(unallocated));
  columns["available_end"] = owned_array(std::move(available));
  columns["exhausted_at"] = py::make_tuple(owned_array(std::move(exhausted)), bool_array(never_exhausted));
  return columns;
}

py::dict hold_columns(const rule_set& rules, const std::vector<hold_row>& rows) {
  text_column id, donor, project, resolved_by;
  std::vector<std::int64_t> time, amount, held, resolved_at;
  std::vector<bool> unresolved;
  std::vector<hold_status> status;
  for (const hold_row& row : rows) {
    id.push_back(row.id);
    time.push_back(row.time.epoch_ms());
    donor.push_back(row.donor);
    project.push_back(rules.project(row.project).id);
    amount.push_back(row.amount.minor_units());
    held.push_back(row.held.minor_units());
    status.push_back(row.status);
    push_time(resolved_at, unresolved, row.resolved_at);
    resolved_by.push_back(row.resolved_by);
  }
  py::dict columns;
  columns["hold"] = text_array(id);
  columns["time"] = owned_array(std::move(time));
  columns["donor"] = text_array(donor);
  columns["project"] = text_array(project);
  columns["amount"] = owned_array(std::move(amount));
  columns["held"] = owned_array(std::move(held));
  columns["status"] = categorical_of_enum(status, 4, [](hold_status s) { return to_string(s); });
  columns["resolved_at"] = py::make_tuple(owned_array(std::move(resolved_at)), bool_array(unresolved));
  columns["resolved_by"] = text_array(resolved_by);
  return columns;
}

py::dict rejected_columns(const std::vector<rejected_event>& rows) {
  text_column file, id, reason;
  std::vector<std::int64_t> line;
  for (const rejected_event& row : rows) {
    file.push_back(row.file);
    line.push_back(static_cast<std::int64_t>(row.line));
    id.push_back(row.id);
    reason.push_back(to_string(row.reason));
  }
  py::dict columns;
  columns["file"] = text_array(file);
  columns["line"] = owned_array(std::move(line));
  columns["id"] = text_array(id);
  columns["reason"] = text_array(reason);
  return columns;
}

py::list invariant_list(std::span<const invariant_result> invariants) {
  py::list list;
  for (const invariant_result& invariant : invariants) list.append(py::make_tuple(invariant.name, invariant.holds, invariant.detail));
  return list;
}

}  // namespace matchfund::python
