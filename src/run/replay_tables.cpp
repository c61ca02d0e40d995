// Replaying into tables held in memory (include/matchfund/replay_tables.hpp): the loading path of
// run/replay.cpp, with each ledger line and outcome kept as columns instead of written as text.
#include "matchfund/replay_tables.hpp"

#include <algorithm>
#include <utility>

#include "run/replay_checks.hpp"
#include "support/huge_pages.hpp"
#include "run/stream_replay.hpp"
#include "write/tables.hpp"

namespace matchfund {

namespace {

template <class Index>
std::int32_t index_or_none(const std::optional<Index>& index) {
  return index ? static_cast<std::int32_t>(position(*index)) : -1;
}

class table_run {
 public:
  // How a repeated id or a refusal by the engine is met in strict mode: at once (events loaded
  // and sorted first, every bad field already met), or kept until every event has been read (a
  // field that does not read, further on, must still win).
  enum class strict_errors { throw_at_once, throw_at_finish };

  // `expected_events`: about how many events come (a size, not a limit): the ledger is given room
  // for a line per event, which untouched costs address space only.
  table_run(const rule_set& rules, const replay_table_options& options, std::vector<std::string> source_names,
            strict_errors when, std::size_t expected_events)
      : rules_(rules), options_(options), when_(when), names_(std::move(source_names)), matcher_(rules) {
    tables_.ledger.reserve(expected_events, 16);
  }

  // An event that did not read: kept (lenient) or the run's error at once (strict).
  void reject_unread(rejected_event&& bad) {
    ++tables_.events_read;
    if (!options_.lenient) throw bad_event_error(detail::rejection_message(bad));
    tables_.rejected.push_back(std::move(bad));
  }

  // An event that read but repeats an id, or that the engine refused.
  void reject(rejected_event&& bad) {
    ++tables_.events_read;
    if (options_.lenient) {
      tables_.rejected.push_back(std::move(bad));
    } else if (when_ == strict_errors::throw_at_once) {
      throw bad_event_error(detail::rejection_message(bad));
    } else {
      auto& first = bad.reason.code() == bad_event_code::duplicate_id ? first_repeated_ : first_refused_;
      if (!first) first = detail::rejection_message(bad);
    }
  }

  void prefetch(const event& e) noexcept { matcher_.prefetch(e); }

  // Events that did not read, kept by a lenient run (the streaming path hands them over at the end).
  void read_rejected(std::vector<rejected_event>&& already_read) {
    for (auto& bad : already_read) reject_unread(std::move(bad));
  }

  // Processes one event; false when the engine refused it.
  bool process(const event& e, detail::id_check ids) {
    auto result = ids == detail::id_check::done ? matcher_.process_unchecked_new_id(e) : matcher_.process(e);
    if (result.rejected) {
      reject({names_[e.file_index], e.line, e.id, std::move(*result.rejected)});
      return false;
    }
    ++tables_.events_read;
    ++tables_.events_processed;
    keep_ledger(&e);
    if (e.kind != event_kind::donation && e.kind != event_kind::hold) return true;
    ++(e.kind == event_kind::donation ? tables_.donations : tables_.holds_accepted);
    for (const auto& evaluation : result.evaluations) {
      ++tables_.outcome_counts[position(evaluation.code)];
      if (options_.trace) append_outcome(tables_.outcomes, e.id, evaluation);
    }
    return true;
  }

  replay_tables finish();

 private:
  void keep_ledger(const event* cause = nullptr);
  void keep_totals();

  const rule_set& rules_;
  const replay_table_options& options_;
  strict_errors when_;
  std::vector<std::string> names_;
  engine matcher_;
  replay_tables tables_;
  std::optional<std::string> first_repeated_, first_refused_;  // strict errors kept to the end
};

void table_run::keep_ledger(const event* cause) {
  append_ledger_lines(tables_.ledger, matcher_.ledger(), rules_, cause);
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
  if (first_repeated_) throw bad_event_error(*first_repeated_);
  if (first_refused_) throw bad_event_error(*first_refused_);
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

std::vector<std::string> names_of(std::span<const event_source> sources) {
  std::vector<std::string> names;
  for (const event_source& source : sources) names.push_back(source.name);
  return names;
}

// The streaming path (run/stream_replay.hpp); nullopt at the first event out of time order.
std::optional<replay_tables> replay_in_time_order(const rule_set& rules, std::span<const event_source> sources,
                                                  const replay_table_options& options) {
  const std::size_t expected = detail::expected_events(sources);
  table_run run(rules, options, names_of(sources), table_run::strict_errors::throw_at_finish, expected);
  if (!detail::match_in_time_order(rules, sources, expected, options.lenient, {}, run)) {
    return std::nullopt;
  }
  return run.finish();
}

// The loading path: every event read, repeated ids refused, sorted (order_events), then matched.
replay_tables replay_loaded(const rule_set& rules, std::span<const event_source> sources,
                            const replay_table_options& options) {
  const std::vector<std::string> names = names_of(sources);
  table_run run(rules, options, names, table_run::strict_errors::throw_at_once, detail::expected_events(sources));
  std::vector<event> events;
  read_event_sources(
      rules, sources,
      [&](event&& e) {
        detail::grow_on_huge_pages(events);
        events.push_back(std::move(e));
      },
      [&](rejected_event&& bad) { run.reject_unread(std::move(bad)); });
  events = order_events(std::move(events), names, [&](rejected_event&& bad) { run.reject(std::move(bad)); });
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i + engine::prefetch_distance < events.size()) run.prefetch(events[i + engine::prefetch_distance]);
    run.process(events[i], detail::id_check::done);  // order_events refused every repeated id
  }
  return run.finish();
}

}  // namespace

void ledger_table::reserve(std::size_t lines, std::size_t id_bytes) {
  seq.reserve(lines);
  time_ms.reserve(lines);
  kind.reserve(lines);
  for (text_column* ids : {&event_id, &donation_id, &donor}) ids->reserve(lines, lines * id_bytes);
  limited_by.reserve(lines, lines * 8);
  project.reserve(lines);
  rule.reserve(lines);
  fund.reserve(lines);
  amount.reserve(lines);
  disposition.reserve(lines);
  source_row.reserve(lines);
}

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

void append_ledger_lines(ledger_table& ledger, std::span<const ledger_line> lines, const rule_set& rules,
                         const event* cause) {
  const auto rule_count = static_cast<std::int32_t>(rules.rules().size());
  const std::int64_t cause_row =
      cause != nullptr ? (static_cast<std::int64_t>(cause->file_index) << 40) + static_cast<std::int64_t>(cause->line) : -1;
  for (const ledger_line& line : lines) {
    ledger.source_row.push_back(cause != nullptr && line.event_id == cause->id ? cause_row : -1);
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

replay_tables replay_to_tables(const rule_set& rules, std::span<const event_source> sources,
                               const replay_table_options& options) {
  if (auto tables = replay_in_time_order(rules, sources, options)) return std::move(*tables);
  return replay_loaded(rules, sources, options);
}

}  // namespace matchfund
