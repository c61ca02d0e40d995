// The streaming path of a replay, shared by replay() (run/replay.cpp, outputs written as files)
// and replay_to_tables() (run/replay_tables.cpp, outputs kept as columns). Internal.
//
// For events whose times never decrease in input order (processing order is then input order,
// SPEC §3.3): a second thread reads the sources while the engine matches, and no event is held
// after it is processed. It decides exactly as loading every event first does. A repeated id is
// the engine's duplicate_id, or the id of an event the engine refused before; only events whose
// id the reading thread could not vouch for as new (id_novelty.hpp) are looked up.
#ifndef MATCHFUND_SRC_STREAM_REPLAY_HPP
#define MATCHFUND_SRC_STREAM_REPLAY_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "read/event_pipe.hpp"
#include "run/replay_checks.hpp"
#include "support/string_maps.hpp"

namespace matchfund::detail {

// About how many events the sources hold: a table's rows, and for a file an estimate from the
// length of the lines at its head (one read of 64 KiB per file). It sizes the table of id hashes
// once instead of doubling it as the replay goes: a wrong guess costs memory or a doubling, never
// a result.
std::size_t expected_events(std::span<const event_source> sources);

// Whether a replay has made sure an event's id is new (the engine then need not look it up).
enum class id_check { done, by_engine };

// Feeds `run` the events of `sources` as they are read. Run has:
//   void prefetch(const event&) noexcept;           a hint that the event comes soon
//   bool process(const event&, id_check);           false when the engine refused the event
//   void reject(rejected_event&&);                  a repeated id
//   void read_rejected(std::vector<rejected_event>&&);  the events that did not read (lenient)
// In strict mode an event that does not read throws bad_event_error from the reading thread (the
// run ranks its own errors). Returns false, having stopped, at the first event earlier than the
// one before it: the caller then replays from the start, loading every event first.
template <class Run>
bool match_in_time_order(const rule_set& rules, std::span<const event_source> sources, std::size_t expected_events,
                         bool lenient, const std::function<void(std::uint64_t, std::uint64_t)>& on_progress, Run& run) {
  std::vector<rejected_event> read_rejections;  // lenient; filled by the reading thread
  event_pipe pipe(rules, sources, expected_events, [&](rejected_event&& bad) {
    if (!lenient) throw bad_event_error(rejection_message(bad));
    read_rejections.push_back(std::move(bad));
  });
  string_set refused;  // ids of events the engine refused
  std::optional<timestamp> last;
  std::uint64_t done = 0;
  for (auto batch = pipe.next(); !batch.empty(); batch = pipe.next()) {
    const auto maybe_repeated = pipe.maybe_repeated();
    std::size_t next_doubt = 0;  // the next of maybe_repeated
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i + engine::prefetch_distance < batch.size()) run.prefetch(batch[i + engine::prefetch_distance]);
      const event& e = batch[i];
      if (last && e.time < *last) return false;
      last = e.time;
      if (on_progress && ++done % 65'536 == 0) on_progress(done, 0);
      const bool doubted = next_doubt < maybe_repeated.size() && maybe_repeated[next_doubt] == i;
      if (doubted) ++next_doubt;
      if (doubted && !refused.empty() && refused.contains(std::string_view(e.id))) {
        run.reject({sources[e.file_index].name, e.line, e.id, bad_event_reason{bad_event_code::duplicate_id}});
      } else if (!run.process(e, doubted ? id_check::by_engine : id_check::done)) {
        refused.insert(e.id);
      }
    }
  }
  run.read_rejected(std::move(read_rejections));  // the reading thread is done with them
  return true;
}

}  // namespace matchfund::detail

#endif
