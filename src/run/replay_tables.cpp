// Replaying into tables held in memory (include/matchfund/replay_tables.hpp): the loading path of
// run/replay.cpp, with each ledger line and outcome kept as columns instead of written as text.
#include "matchfund/replay_tables.hpp"

#include <algorithm>
#include <utility>

#include "run/replay_checks.hpp"
#include "write/tables.hpp"

namespace matchfund {

namespace {

template <class Index>
std::int32_t index_or_none(const std::optional<Index>& index) {
  return index ? static_cast<std::int32_t>(position(*index)) : -1;
}

class table_run {
 public:
  table_run(const rule_set& rules, const replay_table_options& options, std::vector<std::string> source_names)
      : rules_(rules), options_(options), names_(std::move(source_names)), matcher_(rules) {}

  // A bad event: kept (lenient) or the run's error (strict).
  void reject(rejected_event&& bad) {
    ++tables_.events_read;
    if (!options_.lenient) throw bad_event_error(detail::rejection_message(bad));
    tables_.rejected.push_back(std::move(bad));
  }

  void prefetch(const event& e) noexcept { matcher_.prefetch(e); }

  // The events come from order_events, which refused every repeated id: each id left is new.
  void process(const event& e) {
    auto result = matcher_.process_unchecked_new_id(e);
    if (result.rejected) {
      reject({names_[e.file_index], e.line, e.id, std::move(*result.rejected)});
      return;
    }
    ++tables_.events_read;
    ++tables_.events_processed;
    keep_ledger();
    if (e.kind != event_kind::donation && e.kind != event_kind::hold) return;
    ++(e.kind == event_kind::donation ? tables_.donations : tables_.holds_accepted);
    for (const auto& evaluation : result.evaluations) {
      ++tables_.outcome_counts[position(evaluation.code)];
      if (options_.trace) append_outcome(tables_.outcomes, e.id, evaluation);
    }
  }

  replay_tables finish();

 private:
  void keep_ledger();
  void keep_totals();

  const rule_set& rules_;
  const replay_table_options& options_;
  std::vector<std::string> names_;
  engine matcher_;
  replay_tables tables_;
};

void table_run::keep_ledger() {
  append_ledger_lines(tables_.ledger, matcher_.ledger(), rules_);
  matcher_.discard_ledger();
}

void table_run::keep_totals() {
  tables_.projects = project_rows(matcher_);
  tables_.funds = fund_rows(matcher_);
  tables_.holds = hold_rows(matcher_);
  // As rejected.csv: by source in the order given, then line (SPEC §11.11).
  std::stable_sort(tables_.rejected.begin(), tables_.rejected.end(), [&](const rejected_event& a, const rejected_event& b) {
    const auto rank = [&](const std::string& name) { return std::find(names_.begin(), names_.end(), name) - names_.begin(); };
    return std::pair(rank(a.file), a.line) < std::pair(rank(b.file), b.line);
  });
}

replay_tables table_run::finish() {
  matcher_.finish();
  keep_ledger();
  keep_totals();
  tables_.events_rejected = tables_.rejected.size();
  tables_.invariants = matcher_.check_invariants();
  tables_.invariants.push_back(
      detail::every_event_accounted(tables_.events_read, tables_.events_processed, tables_.events_rejected));
  for (const auto& invariant : tables_.invariants) {
    if (!invariant.holds) throw invariant_error("invariant " + invariant.name + " does not hold: " + invariant.detail);
  }
  return std::move(tables_);
}

}  // namespace

std::vector<project_row> project_rows(const engine& matcher) {
  std::vector<project_row> rows;
  for (std::size_t p : detail::positions_by_id(matcher.rules().projects())) {
    const auto index = index_at<project_index>(p);
    rows.push_back({index, matcher.project(index)});
  }
  return rows;
}

std::vector<fund_row> fund_rows(const engine& matcher) {
  std::vector<fund_row> rows;
  for (std::size_t f : detail::positions_by_id(matcher.rules().funds())) {
    const auto index = index_at<fund_index>(f);
    rows.push_back({index, matcher.fund(index)});
  }
  return rows;
}

std::vector<hold_row> hold_rows(const engine& matcher) {
  std::vector<hold_info> holds = matcher.holds();
  std::sort(holds.begin(), holds.end(), [](const hold_info& a, const hold_info& b) { return a.id < b.id; });
  std::vector<hold_row> rows;
  for (const hold_info& hold : holds) {
    rows.push_back({std::string(hold.id), hold.time, std::string(hold.donor), hold.project, hold.amount, hold.held,
                    hold.status, hold.resolved_at, std::string(hold.resolved_by)});
  }
  return rows;
}

void append_ledger_lines(ledger_table& ledger, std::span<const ledger_line> lines, const rule_set& rules) {
  const auto rule_count = static_cast<std::int32_t>(rules.rules().size());
  for (const ledger_line& line : lines) {
    ledger.seq.push_back(line.seq);
    ledger.time_ms.push_back(line.time.epoch_ms());
    ledger.kind.push_back(line.kind);
    ledger.event_id.push_back(line.event_id);
    ledger.donation_id.push_back(line.donation_id);
    ledger.donor.push_back(line.donor);
    ledger.limited_by.push_back(line.limited_by);
    ledger.project.push_back(index_or_none(line.project));
    ledger.rule.push_back(line.step ? rule_count + index_or_none(line.step) : index_or_none(line.rule));
    ledger.fund.push_back(index_or_none(line.fund));
    ledger.amount.push_back(line.amount.minor_units());
    ledger.disposition.push_back(line.disposition ? static_cast<std::int8_t>(*line.disposition) : std::int8_t{-1});
  }
}

void append_outcome(outcome_table& outcomes, std::string_view event_id, const rule_evaluation& evaluation) {
  outcomes.event_id.push_back(event_id);
  outcomes.rule.push_back(static_cast<std::int32_t>(position(evaluation.rule)));
  outcomes.code.push_back(evaluation.code);
  outcomes.want.push_back(evaluation.want.minor_units());
  outcomes.paid.push_back(evaluation.paid.minor_units());
  outcomes.limited_by.push_back(evaluation.limit);
}

event_input read_event_input(const rule_set& rules, std::span<const std::filesystem::path> files) {
  event_input input;
  for (const auto& file : files) input.source_names.push_back(file.generic_string());
  read_event_files(
      rules, files, [&](event&& e) { input.events.push_back(std::move(e)); },
      [&](rejected_event&& bad) { input.rejected.push_back(std::move(bad)); });
  return input;
}

replay_tables replay_to_tables(const rule_set& rules, event_input input, const replay_table_options& options) {
  table_run run(rules, options, input.source_names);
  for (rejected_event& bad : input.rejected) run.reject(std::move(bad));
  const std::vector<event> events = order_events(std::move(input.events), input.source_names,
                                                 [&](rejected_event&& bad) { run.reject(std::move(bad)); });
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i + engine::prefetch_distance < events.size()) run.prefetch(events[i + engine::prefetch_distance]);
    run.process(events[i]);
  }
  return run.finish();
}

}  // namespace matchfund
