// Replaying a campaign (SPEC §3.3, §8): events from files, sorted stably by time, fed to the
// engine, and the outputs written atomically with the results of every invariant.
//
//   matchfund::replay_options options;
//   options.trace = true;
//   matchfund::replay_report report = matchfund::replay(rules, files, "out", options);
#ifndef MATCHFUND_REPLAY_HPP
#define MATCHFUND_REPLAY_HPP

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "matchfund/error.hpp"
#include "matchfund/event.hpp"
#include "matchfund/invariant.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

struct replay_options {
  bool trace = false;    // write outcomes.csv
  bool lenient = false;  // bad events go to rejected.csv instead of stopping the run
  // Events whose times never decrease in input order are matched while a second thread reads
  // them, without holding them all; other input is loaded whole and sorted first. false: always
  // load first. The outputs are the same either way.
  bool stream_in_time_order = true;
  // Called now and then while events are processed (processed, total), e.g. for a progress line;
  // total is 0 while it is not known (events streamed). It cannot change any result.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
  // A run in parts (SPEC §9): with `stop_after`, only the events of processing order before that
  // position are processed (counted from the first, bad ones included); the state is then saved
  // to `save_state` and nothing is written to the output directory. With `resume`, the run goes
  // on from such a state: the events it covers are checked to be the same (by their ids and
  // times) and skipped. A run resumed and not stopped writes exactly what one uninterrupted
  // replay writes. Either makes the run load every event first (not stream them).
  std::optional<std::uint64_t> stop_after;
  std::filesystem::path save_state;
  std::filesystem::path resume;
};

struct fund_report {
  std::string id;
  money budget, released, drawn, returned, forfeited, available, closeout, unallocated;
  std::string exhausted_at;  // RFC 3339, or empty
};

struct replay_report {
  std::uint64_t events_read = 0;
  std::uint64_t events_processed = 0;
  std::uint64_t events_rejected = 0;
  std::uint64_t donations = 0;
  std::uint64_t holds = 0;  // accepted holds (SPEC §12)
  std::map<std::string, std::uint64_t> outcome_counts;  // by outcome code
  std::vector<fund_report> funds;
  std::vector<std::pair<std::string, money>> top_projects;  // by matched + closeout, most first
  std::vector<invariant_result> invariants;
  std::vector<std::pair<std::string, std::string>> digests;  // output file -> SHA-256
  std::optional<std::uint64_t> stopped_at;  // a run stopped by stop_after: the position saved
};

// A bad event in strict mode: "FILE:LINE: event ID: REASON". No output file is written.
class bad_event_error : public error {
 public:
  using error::error;
};

// An invariant that did not hold: a bug in matchfund. No output file is written.
class invariant_error : public error {
 public:
  using error::error;
};

// The events of `event_files` in processing order: read and checked, a repeated id refused (the
// later in input order, SPEC §11.8), sorted stably by time. Bad events go to `on_rejected`.
std::vector<event> load_events(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                               const std::function<void(rejected_event&&)>& on_rejected);

// The second half of load_events: `events` as read (in input order, each with the file_index of
// its source in `source_names`), a repeated id refused, sorted stably by time.
std::vector<event> order_events(std::vector<event> events, std::span<const std::string> source_names,
                                const std::function<void(rejected_event&&)>& on_rejected);

// Reads `event_files` (in order), replays them and writes ledger.csv, projects.csv, funds.csv,
// holds.csv (when some hold was accepted), outcomes.csv (trace), rejected.csv (lenient) and
// summary.json to `output_directory`.
// Throws event_file_error, bad_event_error, invariant_error or error; then nothing is written.
replay_report replay(const rule_set& rules, std::span<const std::filesystem::path> event_files,
                     const std::filesystem::path& output_directory, const replay_options& options);

}  // namespace matchfund

#endif
