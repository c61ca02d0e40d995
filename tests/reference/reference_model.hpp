// The reference model of the matching semantics (SPEC §4–§7, §12): a deliberately plain and slow
// implementation, written straight from the contract, that the engine is tested against.
//
// It favours being obviously right over being fast: ordered maps, linear scans and
// recomputation everywhere, integers only (arbitrary precision where SPEC §1 asks for wider
// integers). At the close it expires, releases, settles, then runs the close-out steps of SPEC §7
// in file order, with its own allocation of a budget by weight.
//
//   std::vector<matchfund::event> events = ...;  // in input order: files in order, lines in order
//   auto out = matchfund::reference::replay(rules, std::move(events));
//   // out.ledger_csv, out.projects_csv, out.funds_csv, out.outcomes_csv, out.holds_csv, out.rejected
#ifndef MATCHFUND_TESTS_REFERENCE_MODEL_HPP
#define MATCHFUND_TESTS_REFERENCE_MODEL_HPP

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "matchfund/event.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::reference {

// A bad event as the model finds it. The reason is SPEC §3.3's text, spelled here apart from
// the library's bad_event_reason, so that a comparison with the engine checks the spelling too.
struct rejection {
  std::string file;
  std::uint64_t line = 0;
  std::string id;
  std::string reason;

  friend bool operator==(const rejection&, const rejection&) = default;
};

struct outputs {
  std::string ledger_csv;    // SPEC §8 ledger.csv, exact bytes
  std::string projects_csv;  // SPEC §8 projects.csv
  std::string funds_csv;     // SPEC §8 funds.csv
  std::string outcomes_csv;  // SPEC §8 outcomes.csv: event_id,rule,outcome,want,paid,limited_by
  std::string holds_csv;     // SPEC §12 holds.csv; empty when no hold was accepted (no file then)
  // Bad events found while processing (SPEC §3.3, the checks that need other events), in input
  // order. They were skipped, as in lenient mode.
  std::vector<rejection> rejected;
};

// Runs every event in time order (stable: equal times keep input order). `events` are in input
// order. `file_names[i]` names the file of events with file_index i in `rejected` (empty when
// not given).
outputs replay(const rule_set& rules, std::vector<event> events, std::span<const std::string> file_names = {});

}  // namespace matchfund::reference

#endif
