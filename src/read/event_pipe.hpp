// Events read on a thread of their own and handed over in batches, in file order, so that
// parsing one batch overlaps matching the previous one. Internal (run/replay.cpp).
//
// The reading thread also decides which events have an id that is new for sure (id_novelty.hpp):
// the engine need not look those up (engine::process_unchecked_new_id); the rest, repeats among them, are
// named by maybe_repeated() for an exact check.
//
//   detail::event_pipe pipe(rules, sources, expected_events, on_rejected);   // files or tables
//   for (auto batch = pipe.next(); !batch.empty(); batch = pipe.next()) {
//     for (const event& e : batch) ...   // pipe.maybe_repeated(): positions in batch
//   }
//
// `on_rejected` runs on the reading thread. What it throws (and any event_file_error) ends the
// reading: next() hands over the full batches read before it, then rethrows it. Destroying the
// pipe early stops the reading thread and waits for it.
#ifndef MATCHFUND_SRC_EVENT_PIPE_HPP
#define MATCHFUND_SRC_EVENT_PIPE_HPP

#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "matchfund/event.hpp"
#include "matchfund/read_events.hpp"
#include "support/huge_page_pool.hpp"
#include "read/id_novelty.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::detail {

class event_pipe {
 public:
  // `expected_events`: about how many events the sources hold (sizes a table of id hashes).
  // The sources (and the tables they name) must outlive the pipe.
  event_pipe(const rule_set& rules, std::span<const event_source> sources, std::size_t expected_events,
             rejected_event_handler on_rejected);
  ~event_pipe();
  event_pipe(const event_pipe&) = delete;
  event_pipe& operator=(const event_pipe&) = delete;

  // The next events in file order, valid until the next call; empty when every file is read.
  std::span<const event> next();
  // The positions, ascending, of the events of the last next() whose id might repeat the id of
  // an earlier event; every other event's id is new.
  [[nodiscard]] std::span<const std::uint32_t> maybe_repeated() const noexcept { return held_.maybe_repeated; }

 private:
  struct batch {
    std::vector<event> events;
    std::vector<std::uint32_t> maybe_repeated;
    std::exception_ptr error;  // set on the last batch when the reading failed
    bool last = false;
  };
  struct cancelled {};  // thrown inside the reading thread when the pipe is destroyed early

  void read(const rule_set& rules, std::span<const event_source> sources);
  void hand_over(batch&& full);
  void find_repeated_ids(batch& full);

  static constexpr std::size_t batch_size = 4096;
  static constexpr std::size_t batches_ahead = 16;  // how far reading may run ahead of matching
  static constexpr std::size_t pages_ahead = 8;     // huge pages kept touched for the engine

  rejected_event_handler on_rejected_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<batch> ready_;
  std::vector<std::vector<event>> spare_;  // batches matched, emptied and reused by the reader
  bool cancelled_ = false;
  batch held_;  // the batch next() returned last
  bool finished_ = false;
  id_novelty novelty_;  // of the ids read; the reading thread's own
  std::thread reader_;
};

}  // namespace matchfund::detail

#endif
