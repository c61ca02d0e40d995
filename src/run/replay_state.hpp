// The state file of `replay --stop-after N --save-state FILE`, which `replay --resume FILE`
// reads back to finish the run: the engine's snapshot (engine::save), what the replay itself
// counted and refused among the first N events of processing order, a digest of those events
// (to refuse a resume on other events), and ledger.csv and outputs.csv as written so far, so
// that the resumed run writes exactly what one uninterrupted replay writes. Internal.
//
//   "matchfund replay state\n"  u32 version  fields  u64 checksum64 of everything before it
#ifndef MATCHFUND_SRC_RUN_REPLAY_STATE_HPP
#define MATCHFUND_SRC_RUN_REPLAY_STATE_HPP

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "matchfund/event.hpp"
#include "matchfund/outcome.hpp"
#include "matchfund/read_events.hpp"

namespace matchfund::detail {

struct replay_state {
  std::uint64_t position = 0;     // events of processing order done (bad ones included)
  std::uint64_t events_digest = 0;  // of their ids and times, in that order (events_digest_step)
  std::uint64_t events_processed = 0;
  std::uint64_t donations = 0;
  std::uint64_t holds = 0;
  std::array<std::uint64_t, outcome_code_count> outcome_counts{};
  // The events among them the engine refused (lenient), with their file's position in the list
  // of event files, so that a resume naming the files otherwise still writes its own names.
  std::vector<std::pair<std::uint32_t, rejected_event>> refused;
  std::string ledger_csv;                   // as written so far, header included
  std::optional<std::string> outcomes_csv;  // likewise, with --trace
  std::string engine_snapshot;              // engine::save
};

// One more event into the digest of the events done.
std::uint64_t events_digest_step(std::uint64_t digest, const event& e) noexcept;

// Written whole to a temporary name and renamed into place. Throws error when it cannot.
void write_replay_state(const std::filesystem::path& file, const replay_state& state);

// Throws snapshot_error for a file that is not a replay state, of another version, cut short or
// damaged (the engine's snapshot inside is checked when it is restored).
replay_state read_replay_state(const std::filesystem::path& file);

}  // namespace matchfund::detail

#endif
