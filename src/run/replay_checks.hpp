// What every way of replaying says the same way: a bad event's message in strict mode, and the
// invariant that every event read was processed or rejected (SPEC §8). Internal to
// run/replay.cpp and run/replay_tables.cpp.
#ifndef MATCHFUND_SRC_REPLAY_CHECKS_HPP
#define MATCHFUND_SRC_REPLAY_CHECKS_HPP

#include <cstdint>
#include <string>

#include "matchfund/invariant.hpp"
#include "matchfund/read_events.hpp"

namespace matchfund::detail {

// "FILE:LINE: event ID: REASON".
inline std::string rejection_message(const rejected_event& bad) {
  return bad.file + ":" + std::to_string(bad.line) + ": event " + (bad.id.empty() ? std::string("without id") : bad.id) +
         ": " + to_string(bad.reason);
}

inline invariant_result every_event_accounted(std::uint64_t read, std::uint64_t processed, std::uint64_t rejected) {
  const bool accounted = read == processed + rejected;
  return {"every_event_accounted", accounted,
          accounted ? std::string()
                    : std::to_string(read) + " read, " + std::to_string(processed) + " processed, " +
                          std::to_string(rejected) + " rejected"};
}

}  // namespace matchfund::detail

#endif
