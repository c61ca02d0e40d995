#include "read/event_pipe.hpp"

#include <utility>

namespace matchfund::detail {

event_pipe::event_pipe(const rule_set& rules, std::span<const event_source> sources, std::size_t expected_events,
                       rejected_event_handler on_rejected)
    : on_rejected_(std::move(on_rejected)), novelty_(expected_events) {
  reader_ = std::thread([this, &rules, sources] { read(rules, sources); });
}

event_pipe::~event_pipe() {
  {
    const std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
  reader_.join();
  huge_page_pool::instance().drain();  // what the reading thread faulted in for the engine
}

void event_pipe::read(const rule_set& rules, std::span<const event_source> sources) {
  batch current;
  current.events.reserve(batch_size);
  try {
    read_event_sources(
        rules, sources,
        [&](event&& e) {
          current.events.push_back(std::move(e));
          if (current.events.size() == batch_size) {
            find_repeated_ids(current);
            hand_over(std::move(current));
            // Time to spare here: fault in the pages the matching thread will grow into.
            huge_page_pool::instance().fill(pages_ahead);
            current = batch{};
            {
              const std::lock_guard lock(mutex_);
              if (!spare_.empty()) {
                current.events = std::move(spare_.back());
                spare_.pop_back();
              }
            }
            // The events matched meanwhile are destroyed here, on the thread that allocated
            // their attributes, not on the matching thread.
            current.events.clear();
          }
        },
        [&](rejected_event&& bad) { on_rejected_(std::move(bad)); });
    current.last = true;
    find_repeated_ids(current);
    hand_over(std::move(current));
  } catch (const cancelled&) {
    // The pipe is being destroyed: nobody waits for more.
  } catch (...) {
    current.error = std::current_exception();
    current.last = true;
    try {
      hand_over(std::move(current));
    } catch (const cancelled&) {
    }
  }
}

void event_pipe::find_repeated_ids(batch& full) {
  for (std::size_t i = 0; i < full.events.size(); ++i) {
    if (!novelty_.is_new(full.events[i].id)) full.maybe_repeated.push_back(static_cast<std::uint32_t>(i));
  }
}

void event_pipe::hand_over(batch&& full) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || ready_.size() < batches_ahead; });
  if (cancelled_) throw cancelled{};
  ready_.push_back(std::move(full));
  lock.unlock();
  changed_.notify_all();
}

std::span<const event> event_pipe::next() {
  if (finished_) return {};
  std::unique_lock lock(mutex_);
  if (!held_.events.empty()) spare_.push_back(std::move(held_.events));  // emptied by the reader
  changed_.wait(lock, [&] { return !ready_.empty(); });
  held_ = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  changed_.notify_all();
  if (held_.last) {
    finished_ = true;
    if (held_.error) std::rethrow_exception(held_.error);
  }
  // A last batch may be empty; a batch before it never is.
  return held_.events;
}

}  // namespace matchfund::detail
