// What the reference model keeps as it runs (internal to tests/reference/): each fund's and
// project's totals, the cap counters' keys, every donation with the match lines its rules drew,
// every hold with what it holds (SPEC §12), and the rows the outputs are written from.
#ifndef MATCHFUND_TESTS_REFERENCE_MODEL_RECORDS_HPP
#define MATCHFUND_TESTS_REFERENCE_MODEL_RECORDS_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "matchfund/event.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund::reference {

struct fund_state {
  money released;
  money expired;
  money drawn;
  money returned;
  money forfeited;
  money closeout;  // paid out by close-out steps (rematch included)
  money held;      // reserved by open holds (SPEC §12): neither available nor drawn
  // SPEC §11.19: for each step k that took from this fund, G<k + Tk (what earlier steps paid
  // from it plus what step k took); and G, what all steps paid from the money they took.
  std::vector<money> out_by_step;
  money paid_by_steps;
  std::size_t next_release = 0;  // releases before this one have been made
  std::optional<timestamp> exhausted_at;

  [[nodiscard]] money available() const { return released - expired - drawn + returned - closeout - held; }

  // SPEC §11.19: U = max over steps of (G<k + Tk) - G, at most available_end, never negative.
  [[nodiscard]] money unallocated() const {
    money most_out;
    for (const money out : out_by_step) most_out = max(most_out, out);
    return max(money::zero(), min(most_out - paid_by_steps, available()));
  }
};

struct project_state {
  std::int64_t donations = 0;
  std::set<std::string> donors;
  money raised;  // net of refunds
  money refunded;
  money matched;  // net of reversals
  money closeout;
};

// One counter of a cap: the cap, the period index and the scope value.
struct counter_key {
  std::size_t cap = 0;
  std::int64_t period = 0;
  std::string scope;

  friend bool operator<(const counter_key& a, const counter_key& b) {
    return std::tie(a.cap, a.period, a.scope) < std::tie(b.cap, b.period, b.scope);
  }
};

// What one donation holds on one cap counter (given back by refunds and reversals).
struct cap_charge {
  counter_key key;
  cap_measure measure = cap_measure::match;
  std::int64_t charged = 0;
};

struct match_line {
  std::size_t fund = 0;
  money amount;
  money reversed;
  std::optional<std::string> pot;  // the sub-budget entity charged, if the fund has sub-budgets
};

// A rule that reached the draw for a donation: its lines and cap charges.
struct rule_payment {
  std::size_t rule = 0;
  money want;
  money paid;
  money base_used;
  std::string limit;  // the limit of a partial match (ledger `limited_by`), else empty
  std::vector<match_line> lines;
  std::vector<cap_charge> charges;
};

// A cap as one evaluation applied it, remembered for a rematch at the close: its counter, its
// limit, and what this donation holds on it for the rule.
struct remembered_cap {
  std::size_t cap = 0;
  counter_key key;
  cap_measure measure = cap_measure::match;
  std::int64_t max = 0;
  std::int64_t own_charge = 0;
};

// What the evaluation of a rule named by a rematch step left for the close (the event itself is
// gone by then): the want, what is paid so far, base0, the ratio used (none for amount formulas
// and ratio_of bonuses) and the caps applied.
struct rematch_memory {
  money want;
  money paid;
  money base0;
  std::optional<ratio> used_ratio;
  std::vector<remembered_cap> caps;
};

struct donation_record {
  event donation;
  // A hold not confirmed (SPEC §12): its lines are held, not drawn, and it is no donation yet.
  bool hold = false;
  // When it became a donation: its own time, or its confirm's time for a hold (SPEC §12 fine
  // point 4: the time quadratic funding reads).
  timestamp since;
  money refunded;
  std::vector<rule_payment> payments;
  std::map<std::size_t, rematch_memory> remembered;  // by rule, for rules named by a rematch step
};

enum class hold_state { open, confirmed, cancelled, expired };

// A hold accepted (SPEC §12): the evaluation it made (its record, with the lines it holds and the
// caps it charged), when it expires and how it was resolved.
struct hold_record {
  donation_record record;
  timestamp expires_at;
  money held;  // the sum over all rules
  hold_state state = hold_state::open;
  std::optional<timestamp> resolved_at;
  std::string resolved_by;  // the confirm's or cancel's id; empty when it expired
};

struct ledger_row {
  timestamp time;
  std::string kind;
  std::string event_id;
  std::string donation_id;
  std::string donor;
  std::string project;
  std::string rule;
  std::string fund;
  money amount;
  std::string limited_by;
  std::string disposition;
};

struct outcome_row {
  std::string event_id;
  std::string rule;
  std::string outcome;
  money want;
  money paid;
  std::string limited_by;
};

}  // namespace matchfund::reference

#endif
