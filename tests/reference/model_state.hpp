// The reference model's state and the steps that change it (internal to tests/reference/): SPEC
// §4–§7 and §12 written out as plainly as possible, in files that follow the SPEC's sections.
// Slow on purpose; every step follows the SPEC's wording so that a reader can check it line by
// line.
//
// Choices made here where neither SPEC nor docs/semantics.md settles the point (to be decided
// and documented by the project):
//
//  1. Outcome precedence is applied literally, also in the case of SPEC §11.4: when a donation
//     cap leaves a base whose match rounds to 0, the outcome is `not_released` or `fund_empty`
//     if those apply (they come first), else `partial:<cap>` with want 0 and paid 0. Caps are
//     charged only when the rule reaches the draw (partial with `clip`, or matched).
//  2. A donation cap counts as "the thing that cut" the match (the `partial` limit) only when it
//     made `want` smaller than `full`; a match cap only when it made `allowed` smaller than
//     `want`. A cap that clipped without changing the result is not named.
//  3. `fund.ID.drawn` in conditions is the gross drawn total (the funds.csv column), not net of
//     returns.
//  4. A project without a region or category, or a donation without a channel, compares as ""
//     in conditions (SPEC §11.17); as a cap scope (also `attr:donation.channel`,
//     `attr:project.region`) it is missing and the cap does not limit.
//  5. Duplicate ids are found in input order before anything is processed (SPEC §11.8): the
//     later is bad, also when the earlier is refused later on (only events rejected for their
//     fields do not count, and those never reach the model).
//  6. `missing_attribute` is checked for every donation, also those outside the campaign or after
//     the close; the leaves checked are the rules' `eligible` conditions and every tier's `when`
//     (ratio tiers and bonus tiers), in evaluation order, first missing reported.
//  7. A revocation names the donations it reverses in processing order; a revocation of a
//     donation id not seen yet is allowed and makes that donation `revoked` if it comes later.
//     Revocations after the close still reverse match lines (close-out lines are never touched).
//  8. After the close, a donation to a revoked project or by a revoked donor is `revoked` (the
//     outcome precedence puts `revoked` before `outside_campaign`).
//  9. At the close (SPEC §11.1): first every `expire_unused` fund expires what it has, in fund
//     order; then the pending tranches of all funds are released at the close time in order of
//     their scheduled time, then fund order (each after the fund's first release expiring what
//     is available before it); then settlement. The close without a `close` event is at
//     max(campaign end, time of the last accepted event).
// 10. Settlement evaluates every `settle.when` on the state at close (after expiry and the
//     pending releases) for every project first, and every `settle.payments` for every donation,
//     then reverses, in processing order of the donations, every payment of a rule whose project
//     fails or whose donation's donor paid too few times, disposition `return`. Settlement
//     reversals carry the close event's id (empty at the end of input), as close-out lines do.
// 11. A cap's `max_from` read from an integer attribute on a money cap is whole units; read from
//     a money attribute on a count cap it is the whole units of the amount.
// 12. A release at the very time of an event is made before the event (SPEC: released by t).
//     Releases are made only when an accepted event (or the close) reaches their time.
// 13. Close-out (SPEC §7, docs/semantics.md "Close-out"): a payout of 0 writes no ledger line.
//     A challenge `field` that is a missing attribute reads as 0 (like a missing weight).
//     A rematch step checks the rule's `settle` by the verdict settlement reached at the close
//     (the same verdict that decided which lines were reversed).
//     With `partial: skip`, a rematch pays a donation only if it gets all of `want - paid`: a
//     match cap that clips the aim makes it a partial, as a cap does in SPEC §5.2 step 5.
//
// Holds (SPEC §12; holds.cpp), where §12 leaves a point open:
//
// 14. A hold goes through the rules exactly as a donation at its time (choices 1, 2, 6 and 8
//     included), with its id as the donation id; each rule that reaches the draw keeps its lines
//     (rule order, then source order), its limit and its cap charges, and those lines are held:
//     the fund's `held` grows (so `available` shrinks), the sub-budget pot is used, caps are
//     charged, and `exhausted_at` is set as a draw sets it. `fund.ID.drawn` in conditions does
//     not count what is held (choice 3); `fund.ID.available` is net of it.
// 15. A confirm writes the held lines as `match` lines in that order, at the confirm's time with
//     the confirm's id, the hold's id as donation id and the limit decided at the hold; held
//     moves to drawn (`exhausted_at` is left as it is), the project totals change, and from
//     then on it is a donation that came at the confirm: in processing order for revocations,
//     settlement and rematch ("oldest first"), and quadratic funding counts it when the confirm's
//     time is inside [start, end).
// 16. A cancel or an expiry gives back every line's held amount and pot use and every cap charge
//     the hold made (a full reversal, SPEC §11.9, §11.4), and writes no ledger line.
// 17. Hold expiries, like releases (choice 12), are made only when an accepted event or the
//     close reaches them: all releases and expiries due by that time, in time order, expiries
//     first at one instant, expiries among themselves in processing order of the holds. A
//     confirm or cancel whose hold expires at or before its time is `hold_resolved` even though
//     the expiry itself has not been made (a bad event changes nothing).
// 18. At the close, after the releases and expiries due by its time, every open hold expires at
//     the close time, in processing order, before choice 9's expiry and releases. A hold after
//     the close holds nothing; if not resolved, it expires at its own expiry time, when a later
//     accepted event reaches it or at the end of input (whatever the end of input's time).
// 19. A refund, or a `scope: donation` revoke, naming a hold that is not confirmed (open,
//     cancelled or expired) is `unknown_donation`; a revoke naming an id not seen yet stays
//     allowed (choice 7), and a hold that comes later with that id is then `revoked`. A
//     revocation reverses match lines only: an open hold in its scope keeps what it holds, and
//     its confirm writes its lines (they are not reversed then).
//
// The parts: conditions.cpp (SPEC §5.1), funds.cpp (§4), caps.cpp (§5.3), evaluate_donation.cpp
// (§5.2), reversals.cpp (§6), closeout.cpp, closeout_amounts.cpp, allocation.cpp and rematch.cpp
// (§7), holds.cpp (§12), outputs.cpp and invariants.cpp (§8), and reference_model.cpp, which runs
// the events.
#ifndef MATCHFUND_TESTS_REFERENCE_MODEL_STATE_HPP
#define MATCHFUND_TESTS_REFERENCE_MODEL_STATE_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "matchfund/condition.hpp"
#include "matchfund/event.hpp"
#include "matchfund/field.hpp"
#include "matchfund/money.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"
#include "matchfund/value.hpp"
#include "model_records.hpp"
#include "reference_model.hpp"

namespace matchfund::reference {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ---------------------------------------------------------------------------------------------
// What the steps read and pass on

// What a condition or scope sees: the donation (none at close), its project, and what the
// rules evaluated so far paid it.
struct context {
  const event* donation = nullptr;
  std::size_t project = 0;
  const std::map<std::size_t, money>* paid_by_rule = nullptr;
  const rule_spec* rule = nullptr;  // the rule evaluating: a day rank is as of its window's opening
};

struct field_reading {
  std::optional<value> scalar;  // nullopt: a missing attribute
  const std::vector<std::string>* tags = nullptr;
  // A region, category or channel the project or donation does not have: `scalar` is then ""
  // (SPEC §11.17: conditions compare it so), but as a cap's scope it is missing (SPEC §5.3).
  bool absent = false;
};

// A cap as it applies to one donation: its counter (nullopt: scope value missing, not limited)
// and its limit for this donation.
struct applied_cap {
  std::size_t cap = 0;
  std::optional<counter_key> key;
  std::int64_t max = 0;
};

// The shape of a rule's formula for one donation: a ratio on the base, a fixed amount, or a ratio
// on an earlier match. Exactly one is set.
struct formula_shape {
  std::optional<ratio> base_ratio;    // ratio formulas
  std::optional<money> fixed_amount;  // amount formulas
  std::optional<money> bonus_amount;  // ratio_of: the bonus, already rounded
  const stepped_ratio_formula* steps = nullptr;  // steps: with the rule's total before the donation
  money rule_total;
};

// SPEC §5.2 steps 1 and 2: the base and what the rule wants for it.
struct match_aim {
  money base0;  // min(amount, matchable_max)
  money base;   // base0 clipped by donation caps
  money want;   // from `base`
  money full;   // from `base0`: no limits
  std::optional<std::string> donation_cap_cut;  // the donation cap that made want smaller than full
};

// SPEC §5.2 step 3: the want clipped by the match caps, and the first that cut it.
struct allowance {
  money amount;
  std::optional<std::string> match_cap_cut;
};

// SPEC §5.2 step 4: (fund, amount) for each source that gives, and their sum.
struct source_draws {
  std::vector<std::pair<std::size_t, money>> draws;
  money paid;
};

// The money of one close-out step (docs/semantics.md "A step's money").
struct step_purse {
  std::vector<std::size_t> funds;  // `from`, then the funds whose leftover names the step, each once
  std::vector<money> taken;        // what the step took from each of them
  std::vector<money> left;         // of that, what it has not paid out yet
  bool outside = false;            // `budget` alone: money from outside (ledger fund empty)
  money outside_left;
  money total;  // M: what the step has
};

// One rematch payout: the funds it may draw on (the step's, else the rule's sources), and
// (position in `funds`, amount) for each that gives.
struct rematch_draws {
  std::vector<std::size_t> funds;
  std::vector<std::pair<std::size_t, money>> draws;
  money paid;
};

// ---------------------------------------------------------------------------------------------
// The model

class model {
 public:
  explicit model(const rule_set& rules)
      : rules_(rules),
        offset_(rules.campaign().timezone),
        digits_(rules.minor_digits()),
        funds_(rules.funds().size()),
        projects_(rules.projects().size()),
        raised_log_(rules.projects().size()) {
    for (const closeout_spec& step : rules.closeout()) {
      if (step.kind == closeout_kind::rematch && step.rule) rematched_rules_.insert(position(*step.rule));
    }
  }

  outputs run(std::vector<event> events, std::span<const std::string> file_names);

 private:
  // --- reading fields and conditions (SPEC §5.1; conditions.cpp)
  [[nodiscard]] field_reading read_field(const field_ref& field, const context& at) const;
  [[nodiscard]] bool holds(const condition& c, const context& at) const;
  [[nodiscard]] bool holds_leaf(const condition_leaf& leaf, const context& at) const;
  [[nodiscard]] std::optional<std::string> first_missing_attribute(const condition& c, const context& at) const;
  [[nodiscard]] std::optional<std::string> missing_attribute(const event& donation) const;

  // --- checks that need state (SPEC §3.3; reference_model.cpp)
  [[nodiscard]] std::optional<std::string> bad_event_reason(const event& e) const;

  // --- funds (SPEC §4; funds.cpp)
  [[nodiscard]] std::optional<std::size_t> next_pending_release() const;
  [[nodiscard]] timestamp pending_release_time(std::size_t fund) const;
  void release_next(std::size_t fund, timestamp at);
  void expire(std::size_t fund, timestamp at);
  void release_at_close(timestamp t);
  [[nodiscard]] money pot_value(const fund_spec& fund, const event& donation) const;
  [[nodiscard]] std::optional<std::string> pot_entity(const fund_spec& fund, const event& donation) const;
  [[nodiscard]] money pot_remaining(std::size_t fund, const event& donation) const;

  // --- caps (SPEC §5.3; caps.cpp)
  [[nodiscard]] std::vector<applied_cap> caps_of(std::size_t rule, const context& at) const;
  [[nodiscard]] std::optional<std::string> scope_of(const cap_spec& cap, const context& at) const;
  [[nodiscard]] std::int64_t max_of(const cap_spec& cap, const context& at) const;
  [[nodiscard]] std::int64_t used(const applied_cap& cap) const;
  [[nodiscard]] std::int64_t count_of(const counter_key& key) const;
  [[nodiscard]] cap_measure measure_of(const applied_cap& cap) const { return rules_.caps()[cap.cap].measure; }
  [[nodiscard]] const std::string& cap_id(const applied_cap& cap) const { return rules_.caps()[cap.cap].id; }

  // --- one donation through the rules (SPEC §5.2; evaluate_donation.cpp)
  void donation(const event& e);
  money run_rules(donation_record& record);
  outcome_row evaluate(std::size_t rule, donation_record& record, std::map<std::size_t, money>& paid_by_rule,
                       bool already_paid_by_exclusive, money& matched_now);
  [[nodiscard]] std::optional<std::string> stop_before_formula(const rule_spec& rule, const context& at,
                                                               bool already_paid_by_exclusive) const;
  [[nodiscard]] bool in_a_window(const rule_spec& rule, timestamp t) const;
  [[nodiscard]] std::optional<formula_shape> shape_of(const rule_spec& rule, const context& at) const;
  [[nodiscard]] std::optional<ratio> first_tier(const tiered_ratio_formula& tiered, const context& at) const;
  [[nodiscard]] ratio recorded_ratio(const field_ref& field, const context& at) const;
  [[nodiscard]] money running_total(const rule_spec& rule) const;
  [[nodiscard]] std::int64_t day_rank(const context& at, bool of_organization) const;
  [[nodiscard]] money recorded_money(const field_ref& field, const context& at) const;
  [[nodiscard]] std::optional<money> bonus_of(const rule_spec& rule, const bonus_formula& bonus,
                                              const context& at) const;
  [[nodiscard]] match_aim aim_of(const rule_spec& rule, const event& d, const formula_shape& shape,
                                 const std::vector<applied_cap>& caps) const;
  rematch_memory* remember_for_rematch(std::size_t rule, donation_record& record, const match_aim& aim,
                                       const formula_shape& shape, const std::vector<applied_cap>& caps);
  [[nodiscard]] std::optional<std::string> reached_cap(const std::vector<applied_cap>& caps) const;
  [[nodiscard]] allowance clip_by_match_caps(money want, const std::vector<applied_cap>& caps) const;
  [[nodiscard]] std::optional<std::string> sources_short(const rule_spec& rule, const event& d) const;
  [[nodiscard]] source_draws draw_from_sources(const rule_spec& rule, const event& d, money allowed) const;
  [[nodiscard]] std::string limit_of(const rule_spec& rule, const match_aim& aim, const allowance& allowed) const;
  void write_match_lines(rule_payment& payment, const donation_record& record,
                         const std::vector<std::pair<std::size_t, money>>& draws);
  void charge_caps(rule_payment& payment, const std::vector<applied_cap>& caps, rematch_memory* memory);

  // --- refunds, revocations, settlement (SPEC §6; reversals.cpp)
  void refund(const event& e);
  void revoke(const event& e);
  [[nodiscard]] bool is_revoked(const event& donation) const;
  void settle(timestamp t, const std::string& event_id);
  [[nodiscard]] bool settle_payments_fail(const donation_record& record, std::size_t rule) const;
  void reverse(donation_record& record, rule_payment& payment, bool in_full,
               std::optional<refund_disposition> disposition, const std::string& event_id, timestamp t);

  // --- holds (SPEC §12; holds.cpp)
  void hold(const event& e);
  void confirm(const event& e);
  void cancel(const event& e);
  void give_back(hold_record& h, hold_state why, timestamp t, const std::string& resolved_by);
  void advance_time(timestamp t);
  [[nodiscard]] hold_record* next_hold_to_expire();
  void expire_open_holds_at(timestamp t);
  void expire_open_holds_when_due();
  [[nodiscard]] std::optional<std::string> hold_resolution_problem(const event& e) const;
  [[nodiscard]] bool names_unconfirmed_hold(const std::string& id) const;

  // --- the close and its steps (SPEC §7; closeout.cpp)
  void close(timestamp t, const std::string& event_id);
  void run_closeout(timestamp t, const std::string& event_id);
  void pay_step(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id);
  [[nodiscard]] step_purse take_money(const closeout_spec& step) const;
  void record_step_money(const step_purse& purse);
  [[nodiscard]] std::vector<std::size_t> receivers(const closeout_spec& step) const;
  [[nodiscard]] std::optional<money> receiver_cap(const closeout_spec& step, money budget) const;
  void pay(step_purse& purse, const closeout_spec& step, std::size_t project, money amount, timestamp t,
           const std::string& event_id);
  void pay_all(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
               const std::map<std::size_t, money>& amounts, timestamp t, const std::string& event_id);
  void pay_amounts_or_scale(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
                            std::map<std::size_t, money> amounts, timestamp t, const std::string& event_id);

  // --- what each kind of step gives each project (SPEC §7; closeout_amounts.cpp)
  [[nodiscard]] cpp_int weight_of(const closeout_spec& step, std::size_t project) const;
  [[nodiscard]] money rule_total(std::size_t rule, std::size_t project) const;
  [[nodiscard]] money marked_money(std::size_t rule, std::size_t project, field_kind kind) const;
  [[nodiscard]] std::map<std::size_t, cpp_int> quadratic_weights(const closeout_spec& step,
                                                                 const std::vector<std::size_t>& order,
                                                                 const cpp_int& scale) const;
  [[nodiscard]] std::map<std::size_t, money> gitcoin(const closeout_spec& step, const std::vector<std::size_t>& order,
                                                     money budget) const;
  [[nodiscard]] std::map<std::size_t, money> fixed_amounts(const closeout_spec& step,
                                                           const std::vector<std::size_t>& order) const;
  [[nodiscard]] std::map<std::size_t, money> challenge_amounts(const closeout_spec& step,
                                                               const std::vector<std::size_t>& order) const;

  // --- rematch (docs/semantics.md, `rematch`; rematch.cpp)
  void rematch(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id);
  [[nodiscard]] bool may_rematch(const closeout_spec& step, const donation_record& record,
                                 const rematch_memory& memory) const;
  [[nodiscard]] std::optional<money> rematch_base(const rematch_memory& memory) const;
  [[nodiscard]] std::optional<money> rematch_aim(const rematch_memory& memory, money whole_aim) const;
  [[nodiscard]] rematch_draws draw_for_rematch(const rule_spec& rule, const step_purse& purse, const event& d,
                                               money aim) const;
  void write_rematch_lines(const closeout_spec& step, step_purse& purse, const event& d, const rematch_draws& drawn,
                           timestamp t, const std::string& event_id);
  void charge_rematch(rematch_memory& memory, money base, money want, money paid_now);

  // --- outputs (SPEC §8; outputs.cpp, invariants.cpp)
  [[nodiscard]] std::string ledger_csv() const;
  [[nodiscard]] std::string projects_csv() const;
  [[nodiscard]] std::string funds_csv() const;
  [[nodiscard]] std::string outcomes_csv() const;
  [[nodiscard]] std::string holds_csv() const;
  void check_invariants() const;

  [[nodiscard]] std::string money_text(money amount) const { return format_money(amount, digits_); }
  [[nodiscard]] const std::string& project_id(std::size_t project) const { return rules_.projects()[project].id; }

  const rule_set& rules_;
  utc_offset offset_;
  minor_digits_t digits_;

  std::vector<fund_state> funds_;
  std::vector<project_state> projects_;
  // Per project, every change of its raised total (a donation, a confirmed hold, a refund) with
  // its time: the day ranks add up what changed between the day's start and a window's opening.
  std::vector<std::vector<std::pair<timestamp, money>>> raised_log_;
  std::map<counter_key, std::int64_t> counters_;
  std::map<std::pair<std::size_t, std::string>, money> pot_used_;  // (fund, entity) -> drawn - returned
  std::map<std::string, donation_record> donations_;               // by donation id
  std::vector<std::string> donation_order_;                         // processing order (a hold: its confirm's)
  std::map<std::string, hold_record> holds_;                        // accepted holds, by id
  std::vector<std::string> hold_order_;                             // processing order of the holds
  std::set<std::string> accepted_ids_;
  std::set<std::string> revoked_donations_;
  std::set<std::string> revoked_donors_;
  std::set<std::size_t> revoked_projects_;
  bool closed_ = false;
  std::set<std::size_t> rematched_rules_;             // rules some rematch step names
  std::vector<std::vector<bool>> settle_fails_;       // [rule][project], decided at the close

  std::vector<ledger_row> ledger_;
  std::vector<outcome_row> outcomes_;
};

}  // namespace matchfund::reference

#endif
