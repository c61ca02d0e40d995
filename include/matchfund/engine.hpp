// The streaming match engine (SPEC §4-§6): given a compiled rule set and events in time order,
// decides what each donation draws from which fund, keeps every fund, project and cap counter,
// reverses matches on refunds, revocations and settlement, runs the close-out steps (SPEC §7) at
// the close, and records each movement of money as a ledger line.
//
//   matchfund::engine engine(rules);
//   for (const matchfund::event& e : events) {
//     auto result = engine.process(e);          // time must not go backwards
//     if (result.rejected) ...                  // a bad event (SPEC §3.3 reason), not processed
//   }
//   engine.finish();                            // close at the end of input, unless a close came
//
// Quotes: engine.quote(donation) tells what process(donation) would decide now, changing nothing
// ("your gift will be matched ¥X").
//
// Holds (SPEC §12, rules with campaign.holds): a `hold` event is evaluated as a donation and
// reserves what it would pay (fund(f).held); a `confirm` makes it a donation with its match
// lines, a `cancel` gives everything back, and a hold not resolved within the ttl expires at the
// first event (or the close) at or after its expiry. Nothing reads the clock: a host that wants
// holds to expire sends events, as the events of a replay do.
#ifndef MATCHFUND_ENGINE_HPP
#define MATCHFUND_ENGINE_HPP

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/bad_event.hpp"
#include "matchfund/event.hpp"
#include "matchfund/hold.hpp"
#include "matchfund/ids.hpp"
#include "matchfund/invariant.hpp"
#include "matchfund/money.hpp"
#include "matchfund/outcome.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund {

enum class ledger_kind : std::uint8_t { match, reversal, closeout, expiry };

inline constexpr std::string_view to_string(ledger_kind kind) noexcept {
  switch (kind) {
    case ledger_kind::match: return "match";
    case ledger_kind::reversal: return "reversal";
    case ledger_kind::closeout: return "closeout";
    case ledger_kind::expiry: return "expiry";
  }
  return "match";
}

// One movement of money (SPEC §8 ledger.csv). Reversals carry a negative amount. The texts are
// views of strings the engine keeps: valid as long as the engine.
struct ledger_line {
  std::uint64_t seq = 0;  // 1, 2, ... in processing order
  timestamp time;
  ledger_kind kind = ledger_kind::match;
  std::string_view event_id;     // the event that caused it; empty for expiries and settlement
  std::string_view donation_id;  // empty for expiries
  std::string_view donor;
  std::optional<project_index> project;
  std::optional<rule_index> rule;       // match and reversal lines
  std::optional<closeout_index> step;   // closeout lines (the `rule` column of ledger.csv)
  std::optional<fund_index> fund;       // empty for a close-out paid from outside money
  money amount;
  std::string_view limited_by;  // the limit of a partial match
  std::optional<refund_disposition> disposition;  // reversals
};

// A cap as one evaluation saw it (kept only when the engine explains, see explain()).
struct cap_trace {
  cap_index cap{};
  std::int64_t remaining_before = 0;  // minor units, or a count
  std::int64_t remaining_after = 0;
};

// What one rule decided for one donation (SPEC §5.2; outcomes.csv).
struct rule_evaluation {
  rule_index rule{};
  outcome code = outcome::matched;
  std::string_view limit;  // cap id of cap_reached; cap or fund id of partial (a view of the rule set)
  money want;         // 0 where the formula was not reached
  money paid;
  // With explain(true): the match with no limits, every cap that applied, every fund drawn.
  money full;
  std::vector<cap_trace> caps;
  std::vector<std::pair<fund_index, money>> draws;
};

struct fund_totals {
  money released;
  money drawn;
  money returned;
  money forfeited;
  money expired;
  money closeout;
  money unallocated;
  money held;  // reserved by open holds (SPEC §12); 0 whenever no hold is open, so at the end
  std::optional<timestamp> exhausted_at;

  [[nodiscard]] money available() const { return released - expired - drawn + returned - closeout - held; }
};

struct project_totals {
  std::int64_t donations = 0;
  std::int64_t donors = 0;
  money raised;  // net of refunds
  money refunded;
  money matched;  // net of reversals
  money closeout;
};

// Threads. Engines are independent: several may run on different threads at the same time,
// also sharing one rule_set (a rule set is immutable once loaded; its copies share it). One
// engine is not synchronised: calls on it must not overlap, except calls of its const members
// (the readers: rules, ledger, fund, project, closed, holds, find_hold, cap_violations,
// check_invariants, save), which may
// overlap each other while no other member runs. A host serving many request threads gives the
// engine one thread of its own and feeds it through a queue: the engine thread takes each
// event, stamps its time (events must not go back in time), processes it and answers with a
// copy of what it needs of the result (event_result views the engine's buffer until the next
// call). The order in which the engine thread took the events is the run: processed again in
// that order on one thread, they give the same decisions (tests/engine_threads_test.cpp runs
// this pattern).
class engine {
 public:
  // What process() decided. `evaluations` views the engine's own buffer (no allocation per
  // event): valid until the next call of process(), so a host that keeps it copies it.
  struct event_result {
    std::optional<bad_event_reason> rejected;         // SPEC §3.3 reason when the event is bad
    std::span<const rule_evaluation> evaluations;     // a donation's outcome for every rule
  };

  // Throws matchfund::error for a rule set past a limit of one run (docs/semantics.md): more
  // than 65,536 caps, or a campaign spanning more than 32,768 periods of a cap (which only a
  // rule set built without the loader can hold: the loader refuses them as cap_limit and
  // period_limit).
  explicit engine(rule_set rules);
  ~engine();
  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;

  // Processes one event. A bad event is rejected (and changes nothing); an event earlier than
  // the previous one is rejected as out_of_order. After the first few thousand donations (when
  // the engine's buffers and tables have grown) a call allocates nothing unless it meets a new
  // donor, a new cap counter or a new id-arena chunk; a rejection allocates at most the name of
  // the field it blames (missing_attribute).
  [[gnu::hot]] event_result process(const event& e);

  // process() for a host that has made sure no event before had e.id, as a replay does when it
  // checks ids while reading them: a donation then skips the engine's look-up of its id (a
  // random access into a table of every id so far, the costliest single step of a national
  // replay). Its id is indexed when a refund, a revocation or a process() call looks ids up.
  // Unchecked: given an id seen before, the run's results are wrong (only debug builds stop; the
  // check would cost what the call saves), so the name says so at every call site. When unsure,
  // call process(). Results are identical to process() for ids that are new.
  [[gnu::hot]] event_result process_unchecked_new_id(const event& e);

  // process() of a refund for a host that numbers its donations itself, as a simulation that
  // generates them does: the refunded donation is the one at `donation_position` (0-based, in the
  // order donations and holds were given to this engine, refused ones not counted) and e.ref is
  // not read; e.id, like process_unchecked_new_id's, must be new. No id is looked up, so the
  // engine never indexes the ids of the donations before it (a table of every id, which a
  // process() refund builds). A position not yet reached is refused as unknown_donation.
  // Results are identical to process() with e.ref naming that donation.
  event_result process_unchecked_refund_of(const event& e, std::uint32_t donation_position);

  // What process(e) would decide now for donation `e`, rule by rule (outcome, want, what it
  // would pay, the limit), changing nothing: the releases and hold expiries due by its time are
  // taken into account and taken back with the rest. The same refusals as process() (a
  // duplicate id, a time before the last event's, a missing attribute). `e` is a donation (a
  // hold is quoted as the donation it would be); anything else throws matchfund::error. With
  // explain(true) the evaluations carry their caps and draws. The result views the engine's
  // buffer until the next call. A writer under the thread contract below: it changes the state
  // and restores it. A donor id never seen before stays registered (no result depends on it).
  event_result quote(const event& e);

  // A batch: the same as process() for each event in order, handing each result on. Splitting a
  // stream into batches of any size changes nothing (SPEC §9); within a batch the state of the
  // events a few places ahead is prefetched.
  template <class OnResult>
  void process(std::span<const event> events, OnResult&& on_result) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i + prefetch_distance < events.size()) prefetch(events[i + prefetch_distance]);
      on_result(events[i], process(events[i]));
    }
  }

  // A hint that `e` will be processed soon: starts loading what the engine keeps of its ids
  // into the cache. Changes no result; a host feeding a stream calls it `prefetch_distance`
  // events ahead. A host that never calls it loses nothing: then each process() call starts
  // loading all it will touch at once before deciding. Not const: it keeps the last few hints,
  // so it is a writer under the thread contract above.
  [[gnu::hot]] void prefetch(const event& e) noexcept;
  static constexpr std::size_t prefetch_distance = 8;

  // Sizes the engine's id tables for about `events` events and `donors` donors in all (a hint:
  // more still work). A table that grows doubles, placing every id again: at tens of millions
  // that is a pause a live host notices, which one that knows its volume avoids. (Ids given to
  // process_unchecked_new_id are indexed only when some id is looked up: a host that vouches
  // for all its ids passes 0 events.) The cap counters and the (project, donor) pairs still grow by
  // doubling, as their number depends on the rules and the donors' habits (bench/RESULTS.md
  // measures the longest call they cause). Changes no result.
  void reserve(std::size_t events, std::size_t donors);

  // Snapshots (SPEC §9): the whole state, saved to a versioned, checksummed binary stream that
  // records the rules file's SHA-256 (rule_set::source_sha256) and `position`, the host's place
  // in its input (e.g. how many events it has fed), and restored into an engine that goes on
  // exactly as this one would have: the same decisions, lines (seq numbers go on) and outputs.
  // What a host has not discarded of the ledger is saved with it. restore() throws
  // matchfund::snapshot_error for a stream that is not a snapshot, of another format version,
  // saved with other rules, cut short or damaged; it never reads past the data. The size of a
  // snapshot and the time to save and restore it at national scale are in bench/RESULTS.md.
  void save(std::ostream& out, std::uint64_t position = 0) const;
  static engine restore(rule_set rules, std::istream& in, std::uint64_t* position = nullptr);

  // Keep the details of every evaluation (caps before and after, draws) for explaining a
  // donation; off by default, as it costs allocations per donation.
  void explain(bool on) noexcept;

  // Closes the campaign at max(campaign end, last event time) unless a close event came:
  // holds due expire, then the open ones at the close, expiry, pending releases, settlement
  // (SPEC §7, §11.1, §12). Holds made after the close expire at their own expiry. Idempotent.
  void finish();

  [[nodiscard]] const rule_set& rules() const noexcept;

  // The ledger lines kept since the start or the last discard_ledger(), in seq order.
  [[nodiscard]] std::span<const ledger_line> ledger() const noexcept;
  // Forgets the ledger lines kept so far (a host that has written them out keeps memory flat over
  // a long stream); seq numbers go on. Nothing else depends on them.
  void discard_ledger() noexcept;
  [[nodiscard]] const fund_totals& fund(fund_index index) const;
  [[nodiscard]] const project_totals& project(project_index index) const;
  [[nodiscard]] bool closed() const noexcept;

  // Every hold accepted so far, in processing order, and one by id (SPEC §12).
  [[nodiscard]] std::vector<hold_info> holds() const;
  [[nodiscard]] std::optional<hold_info> find_hold(std::string_view id) const;

  // Cap counters that broke their limit (below 0, or above a fixed `max`); empty when none did.
  [[nodiscard]] std::vector<std::string> cap_violations() const;

  // The invariants of SPEC §8 the engine answers for, each with its result, in this order:
  // fund_identity (SPEC §4, for every fund at this moment), caps_within_max, ledger_matches_tables
  // (every ledger line made so far, discarded or not, adds up to the fund and project totals),
  // matches_within_formula (no rule paid a donation more than its formula wanted). A host may
  // call it at any time; a replay calls it at the end and adds every_event_accounted.
  [[nodiscard]] std::vector<invariant_result> check_invariants() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace matchfund

#endif
