#include "matchfund/replay.hpp"

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "write/csv_writer.hpp"
#include "matchfund/bad_event.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/read_events.hpp"
#include "write/output_files.hpp"
#include "support/huge_pages.hpp"
#include "write/ledger_writer.hpp"
#include "write/summary_json.hpp"
#include "write/tables.hpp"
#include "support/string_maps.hpp"
#include "run/replay_checks.hpp"
#include "run/replay_state.hpp"
#include "run/stream_replay.hpp"

namespace matchfund {

namespace {

using detail::csv_writer;
using detail::rejection_message;

// One run of the engine over events in processing order, writing the outputs as it goes.
class replay_run {
 public:
  // How a rejection of a processed event (a repeated id, or one the engine refuses) is met in
  // strict mode: at once, or kept until every event has been seen (see replay_in_time_order).
  enum class strict_errors { throw_at_once, throw_at_finish };

  // `resumed`: the state of a run stopped before (replay_options::resume), which this one goes on
  // from: its engine, counts, refusals and the ledger and outcomes it wrote.
  replay_run(const rule_set& rules, std::span<const std::filesystem::path> event_files,
             const std::filesystem::path& output_directory, const replay_options& options, strict_errors when,
             detail::replay_state* resumed = nullptr)
      : rules_(rules), options_(options), when_(when), outputs_(output_directory), matcher_(rules),
        ledger_file_(outputs_.create("ledger.csv")),
        ledger_(rules, ledger_file_, resumed != nullptr ? std::move(resumed->ledger_csv) : std::string()) {
    for (const auto& file : event_files) file_names_.push_back(file.generic_string());
    if (options.trace) {
      outcomes_file_ = &outputs_.create("outcomes.csv");
      if (resumed != nullptr && !resumed->outcomes_csv) throw error("the run resumed was not traced: give --trace to both or neither");
      if (resumed != nullptr) {
        outcomes_.emplace(csv_writer::continuing(std::move(*resumed->outcomes_csv), outcomes_file_));
      } else {
        outcomes_.emplace("event_id,rule,outcome,want,paid,limited_by", outcomes_file_);
      }
    }
    if (resumed != nullptr) adopt(*resumed);
  }

  // Where a stopped run stands, for the state file (replay_state.hpp).
  detail::replay_state stop_here(std::uint64_t position, std::uint64_t events_digest);

  [[nodiscard]] const std::vector<std::string>& file_names() const noexcept { return file_names_; }

  // A bad event that never reaches the engine: one that does not read, or repeats an id.
  void reject(rejected_event&& bad) {
    ++events_read_;
    keep(std::move(bad));
  }

  void read_rejected(std::vector<rejected_event>&& already_read) {
    for (auto& bad : already_read) reject(std::move(bad));
  }

  // Processes one event; false when the engine refused it (it is rejected then).
  bool process(const event& e, detail::id_check ids) {
    ++events_read_;
    auto result = ids == detail::id_check::done ? matcher_.process_unchecked_new_id(e) : matcher_.process(e);
    if (result.rejected) {
      rejected_event bad{file_names_[e.file_index], e.line, e.id, std::move(*result.rejected)};
      if (options_.stop_after) refused_.emplace_back(e.file_index, bad);
      keep(std::move(bad));
      return false;
    }
    ++events_processed_;
    if (!matcher_.ledger().empty()) write_ledger();
    if (e.kind != event_kind::donation && e.kind != event_kind::hold) return true;
    ++(e.kind == event_kind::donation ? donations_ : holds_);
    for (const auto& evaluation : result.evaluations) {
      ++outcome_count_[position(evaluation.code)];
      if (!outcomes_) continue;
      outcome_text_ = to_string(evaluation.code);
      if (outcome_has_limit(evaluation.code)) {  // SPEC §5.2 spelling: cap_reached:<cap id>
        outcome_text_ += ':';
        outcome_text_ += evaluation.limit;
      }
      outcomes_->field(e.id)
          .field(rules_.rule(evaluation.rule).id)
          .field(outcome_text_)
          .field(amount(evaluation.want))
          .field(amount(evaluation.paid))
          .field(evaluation.limit);
      outcomes_->end_row();
    }
    return true;
  }

  // A hint that `e` comes soon (engine::prefetch).
  void prefetch(const event& e) noexcept { matcher_.prefetch(e); }

  // Ends the run: the close at the end of input, the tables, the invariants, summary.json, and
  // every output renamed into place.
  replay_report finish();

 private:
  // A bad event for rejected.csv (lenient), else the run's error: at once, or (strict, in time
  // order) kept to the end, where the first repeated id beats the first refusal (SPEC §11.8 finds
  // repeated ids before anything is processed) and both wait for errors of reading.
  void keep(rejected_event&& bad) {
    if (options_.lenient) {
      rejected_.push_back(std::move(bad));
    } else if (when_ == strict_errors::throw_at_once) {
      throw bad_event_error(rejection_message(bad));
    } else {
      auto& first = bad.reason.code() == bad_event_code::duplicate_id ? first_repeated_ : first_refused_;
      if (!first) first = rejection_message(bad);
    }
  }
  [[nodiscard]] std::string amount(money value) const { return format_money(value, rules_.minor_digits()); }
  [[nodiscard]] std::string time(timestamp t) const { return format_rfc3339(t, rules_.campaign().timezone); }
  void write_ledger();
  void adopt(detail::replay_state& resumed);

  const rule_set& rules_;
  const replay_options& options_;
  strict_errors when_;
  std::vector<std::string> file_names_;
  detail::output_set outputs_;
  engine matcher_;
  detail::output_file& ledger_file_;
  detail::ledger_writer ledger_;
  detail::output_file* outcomes_file_ = nullptr;
  std::optional<csv_writer> outcomes_;
  std::string outcome_text_;

  std::vector<rejected_event> rejected_;
  std::vector<std::pair<std::uint32_t, rejected_event>> refused_;  // by the engine, kept when a stop may come
  std::optional<std::string> first_repeated_, first_refused_;  // strict errors kept to the end
  std::uint64_t events_read_ = 0;
  std::uint64_t events_processed_ = 0;
  std::uint64_t donations_ = 0;
  std::uint64_t holds_ = 0;  // accepted
  std::array<std::uint64_t, outcome_code_count> outcome_count_{};
};

// The lines go to the writing thread; the engine keeps what they add up to for its invariants.
void replay_run::write_ledger() {
  ledger_.add_kept(matcher_.ledger());  // their texts are the engine's, which outlives the writer
  matcher_.discard_ledger();
}

void replay_run::adopt(detail::replay_state& resumed) {
  std::istringstream snapshot(resumed.engine_snapshot);
  std::uint64_t engine_position = 0;
  matcher_ = engine::restore(rules_, snapshot, &engine_position);
  if (engine_position != resumed.position) throw snapshot_error("the state's engine is not at the state's position");
  events_read_ += resumed.position;
  events_processed_ = resumed.events_processed;
  donations_ = resumed.donations;
  holds_ = resumed.holds;
  outcome_count_ = resumed.outcome_counts;
  for (auto& [file_index, bad] : resumed.refused) {
    if (file_index >= file_names_.size()) throw snapshot_error("the state names more event files than are given");
    bad.file = file_names_[file_index];
    if (options_.stop_after) refused_.emplace_back(file_index, bad);
    keep(std::move(bad));
  }
}

detail::replay_state replay_run::stop_here(std::uint64_t position, std::uint64_t events_digest) {
  write_ledger();
  ledger_.finish();
  if (outcomes_) outcomes_->flush();
  detail::replay_state state;
  state.position = position;
  state.events_digest = events_digest;
  state.events_processed = events_processed_;
  state.donations = donations_;
  state.holds = holds_;
  state.outcome_counts = outcome_count_;
  state.refused = refused_;
  state.ledger_csv = ledger_file_.content_so_far();
  if (outcomes_file_ != nullptr) state.outcomes_csv = outcomes_file_->content_so_far();
  std::ostringstream snapshot;
  matcher_.save(snapshot, position);
  state.engine_snapshot = snapshot.str();
  return state;
}

}  // namespace

std::vector<event> load_events(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                               const std::function<void(rejected_event&&)>& on_rejected) {
  std::vector<event> events;
  read_event_files(
      rules, event_files,
      [&](event&& e) {
        detail::grow_on_huge_pages(events);
        events.push_back(std::move(e));
      },
      [&](rejected_event&& bad) { on_rejected(std::move(bad)); });

  std::vector<std::string> names;
  for (const auto& file : event_files) names.push_back(file.generic_string());
  return order_events(std::move(events), std::span<const std::string>(names), on_rejected);
}

std::vector<event> order_events(std::vector<event> events, std::span<const std::string> source_names,
                                const std::function<void(rejected_event&&)>& on_rejected) {
  // Duplicate ids: the later in input order is bad (SPEC §11.8), whatever the times say. The
  // set holds views of the events' ids, which stay put until the events are compacted below.
  std::vector<bool> repeated(events.size());
  {
    boost::unordered_flat_set<std::string_view, detail::string_hash, detail::string_equal> seen;
    seen.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (seen.insert(std::string_view(events[i].id)).second) continue;
      repeated[i] = true;
      on_rejected({source_names[events[i].file_index], events[i].line, events[i].id,
                   bad_event_reason{bad_event_code::duplicate_id}});
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (repeated[i]) continue;
    if (kept != i) events[kept] = std::move(events[i]);
    ++kept;
  }
  events.resize(kept);

  // Processing order: by time; equal times keep input order (files, then lines). The order is
  // found on (time, position) keys and applied by following its cycles, moving each event once.
  const auto by_time = [](const event& a, const event& b) { return a.time < b.time; };
  if (std::is_sorted(events.begin(), events.end(), by_time)) return events;
  std::vector<std::pair<timestamp, std::uint32_t>> order(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) order[i] = {events[i].time, static_cast<std::uint32_t>(i)};
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<bool> placed(events.size());
  for (std::size_t start = 0; start < events.size(); ++start) {
    if (placed[start]) continue;
    // Position i receives the event order[i] names: walk the cycle through start.
    event held = std::move(events[start]);
    std::size_t i = start;
    while (order[i].second != start) {
      events[i] = std::move(events[order[i].second]);
      placed[i] = true;
      i = order[i].second;
    }
    events[i] = std::move(held);
    placed[i] = true;
  }
  return events;
}

replay_report replay_run::finish() {
  if (first_repeated_) throw bad_event_error(*first_repeated_);
  if (first_refused_) throw bad_event_error(*first_refused_);
  matcher_.finish();
  write_ledger();
  ledger_.finish();
  if (outcomes_) outcomes_->flush();
  replay_report report;
  report.events_read = events_read_;
  report.events_processed = events_processed_;
  report.donations = donations_;
  report.holds = holds_;
  report.events_rejected = rejected_.size();
  for (std::size_t code = 0; code < outcome_count_.size(); ++code) {
    if (outcome_count_[code] > 0) report.outcome_counts[std::string(to_string(static_cast<outcome>(code)))] = outcome_count_[code];
  }
  const detail::projects_table projects = detail::write_projects_table(rules_, matcher_);
  report.top_projects = projects.top;
  const std::string funds = detail::write_funds_table(rules_, matcher_, report.funds);

  // SPEC §8: the engine's invariants, and every input event accounted for.
  report.invariants = matcher_.check_invariants();
  report.invariants.push_back(
      detail::every_event_accounted(report.events_read, report.events_processed, report.events_rejected));
  for (const auto& invariant : report.invariants) {
    if (!invariant.holds) throw invariant_error("invariant " + invariant.name + " does not hold: " + invariant.detail);
  }

  // The tables, then summary.json with the digest of every output.
  detail::output_file& projects_file = outputs_.create("projects.csv");
  projects_file.write(projects.csv);
  detail::output_file& funds_file = outputs_.create("funds.csv");
  funds_file.write(funds);
  report.digests = {{"ledger.csv", ledger_file_.complete()},
                    {"projects.csv", projects_file.complete()},
                    {"funds.csv", funds_file.complete()}};
  if (outcomes_file_ != nullptr) report.digests.emplace_back("outcomes.csv", outcomes_file_->complete());
  if (holds_ > 0) {  // SPEC §12: written when at least one hold was accepted
    detail::output_file& holds_file = outputs_.create("holds.csv");
    holds_file.write(detail::write_holds_table(rules_, matcher_));
    report.digests.emplace_back("holds.csv", holds_file.complete());
  }
  if (options_.lenient) {
    detail::output_file& rejected_file = outputs_.create("rejected.csv");
    rejected_file.write(detail::write_rejected_table(std::move(rejected_), file_names_));
    report.digests.emplace_back("rejected.csv", rejected_file.complete());
  }
  outputs_.create("summary.json").write(detail::write_summary_json(rules_, report, projects));
  outputs_.commit();
  return report;
}

namespace {

// The streaming path (run/stream_replay.hpp); nullopt at the first event out of time order.
std::optional<replay_report> replay_in_time_order(const rule_set& rules,
                                                  std::span<const std::filesystem::path> event_files,
                                                  const std::filesystem::path& output_directory,
                                                  const replay_options& options) {
  replay_run run(rules, event_files, output_directory, options, replay_run::strict_errors::throw_at_finish);
  std::vector<event_source> sources;
  for (const auto& file : event_files) sources.push_back({file.generic_string(), file, nullptr});
  if (!detail::match_in_time_order(rules, sources, detail::expected_events(sources), options.lenient, options.on_progress,
                                   run)) {
    return std::nullopt;
  }
  return run.finish();
}

// The loading path: every event read, repeated ids refused, sorted (load_events), then matched.
replay_report replay_loaded(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                            const std::filesystem::path& output_directory, const replay_options& options) {
  replay_run run(rules, event_files, output_directory, options, replay_run::strict_errors::throw_at_once);
  // load_events has refused every repeated id: each id left is new.
  const std::vector<event> events =
      load_events(rules, event_files, [&](rejected_event&& bad) { run.reject(std::move(bad)); });
  std::uint64_t done = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (options.on_progress && ++done % 65'536 == 0) options.on_progress(done, events.size());
    if (i + engine::prefetch_distance < events.size()) run.prefetch(events[i + engine::prefetch_distance]);
    run.process(events[i], detail::id_check::done);
  }
  return run.finish();
}

}  // namespace

namespace {

// A run in parts (replay_options::stop_after, resume): every event loaded, those a resumed state
// covers checked and skipped, and the run stopped and saved, or finished.
replay_report replay_in_parts(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                              const std::filesystem::path& output_directory, const replay_options& options) {
  std::optional<detail::replay_state> resumed;
  if (!options.resume.empty()) resumed = detail::read_replay_state(options.resume);
  replay_run run(rules, event_files, output_directory, options, replay_run::strict_errors::throw_at_once,
                 resumed ? &*resumed : nullptr);
  const std::vector<event> events =
      load_events(rules, event_files, [&](rejected_event&& bad) { run.reject(std::move(bad)); });
  std::uint64_t digest = 0;
  std::size_t i = 0;
  if (resumed) {
    if (resumed->position > events.size()) throw snapshot_error("the events end before the state's position");
    for (; i < resumed->position; ++i) digest = detail::events_digest_step(digest, events[i]);
    if (digest != resumed->events_digest) {
      throw snapshot_error("the first " + std::to_string(i) + " events are not those the state was saved after");
    }
  }
  const std::size_t end = options.stop_after ? static_cast<std::size_t>(std::min<std::uint64_t>(*options.stop_after, events.size()))
                                             : events.size();
  if (end < i) throw error("--stop-after " + std::to_string(end) + " is before the resumed state's position " + std::to_string(i));
  for (; i < end; ++i) {
    if (i + engine::prefetch_distance < end) run.prefetch(events[i + engine::prefetch_distance]);
    run.process(events[i], detail::id_check::done);
    if (options.stop_after) digest = detail::events_digest_step(digest, events[i]);
  }
  if (!options.stop_after) return run.finish();
  detail::write_replay_state(options.save_state, run.stop_here(end, digest));
  replay_report report;
  report.stopped_at = end;
  return report;
}

}  // namespace

replay_report replay(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                     const std::filesystem::path& output_directory, const replay_options& options) {
  if (options.stop_after && options.save_state.empty()) throw error("stop_after needs save_state: where to save the run");
  if (options.stop_after || !options.resume.empty()) return replay_in_parts(rules, event_files, output_directory, options);
  if (options.stream_in_time_order) {
    if (auto report = replay_in_time_order(rules, event_files, output_directory, options)) return std::move(*report);
  }
  return replay_loaded(rules, event_files, output_directory, options);
}

}  // namespace matchfund
