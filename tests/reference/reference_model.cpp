// The reference model: SPEC §4–§7 written out as plainly as possible. Slow on purpose; every
// step follows the SPEC's wording so that a reader can check it line by line.
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
//     pending releases) for every project first, then reverses, in processing order of the
//     donations, every payment of a rule whose project fails, disposition `return`. Settlement
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
#include "reference_model.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "matchfund/assert.hpp"
#include "matchfund/cap_period.hpp"
#include "matchfund/condition.hpp"
#include "matchfund/field.hpp"
#include "matchfund/money.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/value.hpp"

namespace matchfund::reference {
namespace {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string row;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row += ',';
    row += csv_field(fields[i]);
  }
  return row + "\n";
}

value string_value(std::string_view text) { return value{std::in_place_type<std::string>, std::string(text)}; }

std::string_view disposition_text(refund_disposition how) {
  return how == refund_disposition::give_back ? "return" : "forfeit";
}

// ---------------------------------------------------------------------------------------------
// State

struct fund_state {
  money released;
  money expired;
  money drawn;
  money returned;
  money forfeited;
  money closeout;  // paid out by close-out steps (rematch included)
  // SPEC §11.19: for each step k that took from this fund, G<k + Tk (what earlier steps paid
  // from it plus what step k took); and G, what all steps paid from the money they took.
  std::vector<money> out_by_step;
  money paid_by_steps;
  std::size_t next_release = 0;  // releases before this one have been made
  std::optional<timestamp> exhausted_at;

  [[nodiscard]] money available() const { return released - expired - drawn + returned - closeout; }

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
  money refunded;
  std::vector<rule_payment> payments;
  std::map<std::size_t, rematch_memory> remembered;  // by rule, for rules named by a rematch step
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

// What a condition or scope sees: the donation (none at close), its project, and what the
// rules evaluated so far paid it.
struct context {
  const event* donation = nullptr;
  std::size_t project = 0;
  const std::map<std::size_t, money>* paid_by_rule = nullptr;
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

// The money of one close-out step (docs/semantics.md "A step's money").
struct step_purse {
  std::vector<std::size_t> funds;  // `from`, then the funds whose leftover names the step, each once
  std::vector<money> taken;        // what the step took from each of them
  std::vector<money> left;         // of that, what it has not paid out yet
  bool outside = false;            // `budget` alone: money from outside (ledger fund empty)
  money outside_left;
  money total;  // M: what the step has
};

// One project's claim in an allocation (SPEC §7 "Allocation of budget M"): weight and cap.
struct claim {
  std::size_t project = 0;
  cpp_int weight;
  std::optional<cpp_int> cap;  // none: no cap
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
        projects_(rules.projects().size()) {
    for (const closeout_spec& step : rules.closeout()) {
      if (step.kind == closeout_kind::rematch && step.rule) rematched_rules_.insert(position(*step.rule));
    }
  }

  outputs run(std::vector<event> events, std::span<const std::string> file_names);

 private:
  // --- reading fields and conditions (SPEC §5.1)
  [[nodiscard]] field_reading read_field(const field_ref& field, const context& at) const;
  [[nodiscard]] bool holds(const condition& c, const context& at) const;
  [[nodiscard]] bool holds_leaf(const condition_leaf& leaf, const context& at) const;
  [[nodiscard]] std::optional<std::string> first_missing_attribute(const condition& c, const context& at) const;
  [[nodiscard]] std::optional<std::string> missing_attribute(const event& donation) const;

  // --- checks that need state (SPEC §3.3)
  [[nodiscard]] std::optional<std::string> bad_event_reason(const event& e) const;

  // --- funds (SPEC §4)
  void advance_releases(timestamp t);
  void release_next(std::size_t fund, timestamp at);
  void expire(std::size_t fund, timestamp at);
  [[nodiscard]] money pot_value(const fund_spec& fund, const event& donation) const;
  [[nodiscard]] std::optional<std::string> pot_entity(const fund_spec& fund, const event& donation) const;
  [[nodiscard]] money pot_remaining(std::size_t fund, const event& donation) const;

  // --- caps (SPEC §5.3)
  [[nodiscard]] std::vector<applied_cap> caps_of(std::size_t rule, const context& at) const;
  [[nodiscard]] std::int64_t used(const applied_cap& cap) const;

  // --- events
  void donation(const event& e);
  outcome_row evaluate(std::size_t rule, donation_record& record, std::map<std::size_t, money>& paid_by_rule,
                       bool already_paid_by_exclusive, money& matched_now);
  void refund(const event& e);
  void revoke(const event& e);
  void close(timestamp t, const std::string& event_id);
  void reverse(donation_record& record, rule_payment& payment, bool in_full,
               std::optional<refund_disposition> disposition, const std::string& event_id, timestamp t);

  // --- close-out (SPEC §7)
  void run_closeout(timestamp t, const std::string& event_id);
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
  [[nodiscard]] cpp_int weight_of(const closeout_spec& step, std::size_t project) const;
  [[nodiscard]] money rule_total(std::size_t rule, std::size_t project) const;
  [[nodiscard]] std::map<std::size_t, cpp_int> quadratic_weights(const closeout_spec& step,
                                                                 const std::vector<std::size_t>& order,
                                                                 const cpp_int& scale) const;
  [[nodiscard]] std::map<std::size_t, money> gitcoin(const closeout_spec& step, const std::vector<std::size_t>& order,
                                                     money budget) const;
  [[nodiscard]] std::map<std::size_t, money> fixed_amounts(const closeout_spec& step,
                                                           const std::vector<std::size_t>& order) const;
  [[nodiscard]] std::map<std::size_t, money> challenge_amounts(const closeout_spec& step,
                                                               const std::vector<std::size_t>& order) const;
  void rematch(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id);

  // --- outputs (SPEC §8)
  [[nodiscard]] std::string ledger_csv() const;
  [[nodiscard]] std::string projects_csv() const;
  [[nodiscard]] std::string funds_csv() const;
  [[nodiscard]] std::string outcomes_csv() const;
  void check_invariants() const;

  [[nodiscard]] std::string money_text(money amount) const { return format_money(amount, digits_); }
  [[nodiscard]] const std::string& project_id(std::size_t project) const { return rules_.projects()[project].id; }

  const rule_set& rules_;
  utc_offset offset_;
  minor_digits_t digits_;

  std::vector<fund_state> funds_;
  std::vector<project_state> projects_;
  std::map<counter_key, std::int64_t> counters_;
  std::map<std::pair<std::size_t, std::string>, money> pot_used_;  // (fund, entity) -> drawn - returned
  std::map<std::string, donation_record> donations_;               // by donation id
  std::vector<std::string> donation_order_;                         // processing order
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

// ---------------------------------------------------------------------------------------------
// Fields and conditions

field_reading model::read_field(const field_ref& field, const context& at) const {
  const project_spec& project = rules_.projects()[at.project];
  const project_state& totals = projects_[at.project];
  const event* d = at.donation;
  const auto donation_needed = [&] { MATCHFUND_ASSERT(d != nullptr, "a donation field read without a donation"); };
  const auto slot_of = [&](const attribute_values& values) -> std::optional<value> {
    return field.index < values.size() ? values[field.index] : std::nullopt;
  };
  field_reading reading;
  switch (field.kind) {
    case field_kind::donation_id: donation_needed(); reading.scalar = string_value(d->id); break;
    case field_kind::donation_amount: donation_needed(); reading.scalar = value{*d->amount}; break;
    case field_kind::donation_channel:
      donation_needed();
      reading.scalar = string_value(d->channel);
      reading.absent = d->channel.empty();
      break;
    case field_kind::donation_local_date: donation_needed(); reading.scalar = value{local_day_of(d->time, offset_)}; break;
    case field_kind::donation_local_clock: donation_needed(); reading.scalar = value{local_clock_of(d->time, offset_)}; break;
    case field_kind::donation_attribute: donation_needed(); reading.scalar = slot_of(d->attributes); break;
    case field_kind::donor_id: donation_needed(); reading.scalar = string_value(d->donor); break;
    case field_kind::donor_attribute: {
      donation_needed();
      const auto donor = rules_.find_donor(d->donor);
      if (donor) reading.scalar = slot_of(rules_.donors()[position(*donor)].attributes);
      break;
    }
    case field_kind::project_id: reading.scalar = string_value(project.id); break;
    case field_kind::project_organization:
      reading.scalar = string_value(rules_.organizations()[position(project.organization)]);
      break;
    case field_kind::project_region:
      reading.scalar = string_value(project.region ? rules_.regions()[position(*project.region)] : std::string());
      reading.absent = !project.region;
      break;
    case field_kind::project_category:
      reading.scalar =
          string_value(project.category ? rules_.categories()[position(*project.category)] : std::string());
      reading.absent = !project.category;
      break;
    case field_kind::project_tags: reading.tags = &project.tags; break;
    case field_kind::project_attribute: reading.scalar = slot_of(project.attributes); break;
    case field_kind::project_raised: reading.scalar = value{totals.raised}; break;
    case field_kind::project_donors: reading.scalar = value{static_cast<std::int64_t>(totals.donors.size())}; break;
    case field_kind::project_donations: reading.scalar = value{totals.donations}; break;
    case field_kind::project_matched: reading.scalar = value{totals.matched}; break;
    case field_kind::fund_budget: reading.scalar = value{rules_.funds()[field.index].budget}; break;
    case field_kind::fund_drawn: reading.scalar = value{funds_[field.index].drawn}; break;
    case field_kind::fund_available: reading.scalar = value{funds_[field.index].available()}; break;
    case field_kind::rule_matched: {
      MATCHFUND_ASSERT(at.paid_by_rule != nullptr, "rule.ID.matched read without a donation");
      const auto found = at.paid_by_rule->find(field.index);
      reading.scalar = value{found == at.paid_by_rule->end() ? money::zero() : found->second};
      break;
    }
    case field_kind::rule_total:
      MATCHFUND_ASSERT(false, "rule.ID.total is a close-out weight, not a condition field");
      break;
  }
  return reading;
}

// An integer compared with money is whole units (SPEC §11.7); the loader normally settles it.
void make_comparable(value& a, value& b, minor_digits_t digits) {
  if (std::holds_alternative<money>(a) && std::holds_alternative<std::int64_t>(b)) {
    b = money::from_units(std::get<std::int64_t>(b), digits);
  } else if (std::holds_alternative<std::int64_t>(a) && std::holds_alternative<money>(b)) {
    a = money::from_units(std::get<std::int64_t>(a), digits);
  }
  MATCHFUND_ASSERT(a.index() == b.index(), "a condition compares values of different types");
}

bool compare(value a, value b, compare_op op, minor_digits_t digits) {
  make_comparable(a, b, digits);
  switch (op) {
    case compare_op::equal: return a == b;
    case compare_op::not_equal: return a != b;
    case compare_op::less: return a < b;
    case compare_op::less_equal: return a <= b;
    case compare_op::greater: return a > b;
    case compare_op::greater_equal: return a >= b;
    case compare_op::contains:
      return std::get<std::string>(a).find(std::get<std::string>(b)) != std::string::npos;
    case compare_op::in:
    case compare_op::not_in: break;
  }
  MATCHFUND_ASSERT(false, "in / not_in are compared operand by operand");
  return false;
}

bool model::holds_leaf(const condition_leaf& leaf, const context& at) const {
  const field_reading reading = read_field(leaf.field, at);
  if (reading.tags != nullptr) {
    MATCHFUND_ASSERT(leaf.op == compare_op::contains, "project.tags only supports contains");
    const std::string& wanted = std::get<std::string>(leaf.operands.at(0));
    return std::find(reading.tags->begin(), reading.tags->end(), wanted) != reading.tags->end();
  }
  // SPEC §11.17: a missing channel, region or category is read as "" (reading.scalar) here.
  std::optional<value> actual = reading.scalar;
  if (!actual) actual = leaf.fallback;
  MATCHFUND_ASSERT(actual.has_value(), "a missing attribute without default reached evaluation");
  if (leaf.op == compare_op::in || leaf.op == compare_op::not_in) {
    bool found = false;
    for (const value& operand : leaf.operands) {
      if (compare(*actual, operand, compare_op::equal, digits_)) found = true;
    }
    return leaf.op == compare_op::in ? found : !found;
  }
  return compare(*actual, leaf.operands.at(0), leaf.op, digits_);
}

bool model::holds(const condition& c, const context& at) const {
  switch (c.type) {
    case condition::kind::always: return true;
    case condition::kind::all:
      for (const condition& child : c.children) {
        if (!holds(child, at)) return false;
      }
      return true;
    case condition::kind::any:
      for (const condition& child : c.children) {
        if (holds(child, at)) return true;
      }
      return false;
    case condition::kind::negation: return !holds(c.children.at(0), at);
    case condition::kind::leaf: return holds_leaf(c.leaf, at);
  }
  return false;
}

std::optional<std::string> model::first_missing_attribute(const condition& c, const context& at) const {
  if (c.type == condition::kind::leaf) {
    if (is_attribute(c.leaf.field.kind) && !c.leaf.fallback && !read_field(c.leaf.field, at).scalar) {
      return c.leaf.field.name;
    }
    return std::nullopt;
  }
  for (const condition& child : c.children) {
    if (auto missing = first_missing_attribute(child, at)) return missing;
  }
  return std::nullopt;
}

std::optional<std::string> model::missing_attribute(const event& donation) const {
  const std::map<std::size_t, money> nothing_paid;
  const context at{&donation, position(*donation.project), &nothing_paid};
  for (const rule_spec& rule : rules_.rules()) {
    std::vector<const condition*> conditions{&rule.eligible};
    const auto add_tiers = [&](const tiered_ratio_formula& tiered) {
      for (const ratio_tier& tier : tiered.tiers) {
        if (tier.when) conditions.push_back(&*tier.when);
      }
    };
    if (const auto* tiered = std::get_if<tiered_ratio_formula>(&rule.match)) add_tiers(*tiered);
    if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
      if (const auto* tiered = std::get_if<tiered_ratio_formula>(&bonus->scale)) add_tiers(*tiered);
    }
    for (const condition* c : conditions) {
      if (auto missing = first_missing_attribute(*c, at)) return "missing_attribute:" + *missing;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Bad events that need state (SPEC §3.3, §11.8)

std::optional<std::string> model::bad_event_reason(const event& e) const {
  if (accepted_ids_.contains(e.id)) return "duplicate_id";
  switch (e.kind) {
    case event_kind::donation: return missing_attribute(e);
    case event_kind::refund: {
      const auto found = donations_.find(e.ref);
      if (found == donations_.end()) return "unknown_donation";
      const money left = *found->second.donation.amount - found->second.refunded;
      if (e.amount ? *e.amount > left : left.is_zero()) return "refund_exceeds";
      return std::nullopt;
    }
    case event_kind::revoke: return std::nullopt;
    case event_kind::close: return closed_ ? std::optional<std::string>("second_close") : std::nullopt;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Funds

void model::expire(std::size_t fund, timestamp at) {
  const money available = funds_[fund].available();
  if (available <= money::zero()) return;
  funds_[fund].expired += available;
  ledger_.push_back({at, "expiry", "", "", "", "", "", rules_.funds()[fund].id, available, "", ""});
}

void model::release_next(std::size_t fund, timestamp at) {
  const fund_spec& spec = rules_.funds()[fund];
  fund_state& state = funds_[fund];
  MATCHFUND_ASSERT(state.next_release < spec.releases.size(), "no release left to make");
  // SPEC §4: at each release after the first, everything then available expires first.
  if (spec.expire_unused && state.next_release > 0) expire(fund, at);
  state.released += spec.releases[state.next_release].amount;
  ++state.next_release;
}

// Makes every release scheduled at or before t, earliest first (equal times: fund order).
void model::advance_releases(timestamp t) {
  for (;;) {
    std::optional<std::size_t> next;
    for (std::size_t f = 0; f < funds_.size(); ++f) {
      const fund_spec& spec = rules_.funds()[f];
      if (funds_[f].next_release >= spec.releases.size()) continue;
      const timestamp at = spec.releases[funds_[f].next_release].at;
      if (at > t) continue;
      if (!next || at < rules_.funds()[*next].releases[funds_[*next].next_release].at) next = f;
    }
    if (!next) return;
    release_next(*next, rules_.funds()[*next].releases[funds_[*next].next_release].at);
  }
}

// The value of a fund's sub-budget for this donation's entity; missing -> 0 (SPEC §4).
money model::pot_value(const fund_spec& fund, const event& donation) const {
  const std::map<std::size_t, money> nothing_paid;
  const context at{&donation, position(*donation.project), &nothing_paid};
  const field_reading reading = read_field(fund.sub_budgets->amount_from, at);
  if (!reading.scalar) return money::zero();
  if (const auto* amount = std::get_if<money>(&*reading.scalar)) return *amount;
  if (const auto* units = std::get_if<std::int64_t>(&*reading.scalar)) return money::from_units(*units, digits_);
  MATCHFUND_ASSERT(false, "a sub-budget amount must be money");
  return money::zero();
}

std::optional<std::string> model::pot_entity(const fund_spec& fund, const event& donation) const {
  if (!fund.sub_budgets) return std::nullopt;
  const project_spec& project = rules_.projects()[position(*donation.project)];
  switch (fund.sub_budgets->per) {
    case sub_budget_scope::project: return "project\x1F" + project.id;
    case sub_budget_scope::organization:
      return "organization\x1F" + rules_.organizations()[position(project.organization)];
    case sub_budget_scope::donor: return "donor\x1F" + donation.donor;
  }
  return std::nullopt;
}

// What the fund's sub-budget still allows this donation (no sub-budgets: no limit).
money model::pot_remaining(std::size_t fund, const event& donation) const {
  const fund_spec& spec = rules_.funds()[fund];
  const auto entity = pot_entity(spec, donation);
  if (!entity) return money::from_minor(money_limit_minor);
  const auto found = pot_used_.find({fund, *entity});
  const money used_so_far = found == pot_used_.end() ? money::zero() : found->second;
  return max(money::zero(), pot_value(spec, donation) - used_so_far);
}

// ---------------------------------------------------------------------------------------------
// Caps

std::string scope_text(const value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<type, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<type, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<type, money>) {
          return std::to_string(x.minor_units());
        } else if constexpr (std::is_same_v<type, std::string>) {
          return x;
        } else if constexpr (std::is_same_v<type, local_date>) {
          return std::to_string(x.days_since_epoch());
        } else {
          return std::to_string(x.seconds_since_midnight());
        }
      },
      v);
}

std::vector<applied_cap> model::caps_of(std::size_t rule, const context& at) const {
  const rule_spec& spec = rules_.rules()[rule];
  const event& d = *at.donation;
  const project_spec& project = rules_.projects()[at.project];
  const std::string& organization = rules_.organizations()[position(project.organization)];
  std::vector<cap_index> indices = spec.own_caps;
  indices.insert(indices.end(), spec.shared_caps.begin(), spec.shared_caps.end());
  std::vector<applied_cap> applied;
  for (const cap_index index : indices) {
    const cap_spec& cap = rules_.cap(index);
    std::optional<std::string> scope;
    switch (cap.per) {
      case cap_scope::donation: scope = d.id; break;
      case cap_scope::donor: scope = d.donor; break;
      case cap_scope::project: scope = project.id; break;
      case cap_scope::organization: scope = organization; break;
      case cap_scope::region:
        if (project.region) scope = rules_.regions()[position(*project.region)];
        break;
      case cap_scope::category:
        if (project.category) scope = rules_.categories()[position(*project.category)];
        break;
      case cap_scope::donor_project: scope = d.donor + "\x1F" + project.id; break;
      case cap_scope::donor_organization: scope = d.donor + "\x1F" + organization; break;
      case cap_scope::campaign: scope = ""; break;
      case cap_scope::field: {
        const field_reading reading = read_field(*cap.scope_field, at);
        if (reading.scalar && !reading.absent) scope = scope_text(*reading.scalar);
        break;
      }
    }
    applied_cap a;
    a.cap = position(index);
    if (scope) a.key = counter_key{position(index), cap.period.index_of(d.time, offset_), *scope};
    if (cap.max) {
      a.max = *cap.max;
    } else {
      // max_from: missing -> 0 (SPEC §5.3).
      const field_reading reading = read_field(*cap.max_from, at);
      if (reading.scalar) {
        if (const auto* amount = std::get_if<money>(&*reading.scalar)) {
          std::int64_t minor = amount->minor_units();
          if (cap.measure == cap_measure::count) {
            for (int i = 0; i < digits_; ++i) minor /= 10;
          }
          a.max = minor;
        } else if (const auto* count = std::get_if<std::int64_t>(&*reading.scalar)) {
          a.max = cap.measure == cap_measure::count ? *count : money::from_units(*count, digits_).minor_units();
        }
      }
    }
    applied.push_back(std::move(a));
  }
  return applied;
}

std::int64_t model::used(const applied_cap& cap) const {
  const auto found = counters_.find(*cap.key);
  return found == counters_.end() ? 0 : found->second;
}

// ---------------------------------------------------------------------------------------------
// Donations (SPEC §5.2)

void model::donation(const event& e) {
  const std::size_t project = position(*e.project);
  donation_record& record = donations_[e.id];
  record.donation = e;
  donation_order_.push_back(e.id);

  std::map<std::size_t, money> paid_by_rule;
  bool paid_by_exclusive = false;
  money matched_now;
  for (std::size_t r = 0; r < rules_.rules().size(); ++r) {
    outcome_row row = evaluate(r, record, paid_by_rule, paid_by_exclusive, matched_now);
    if (rules_.rules()[r].exclusive && row.paid > money::zero()) paid_by_exclusive = true;
    outcomes_.push_back(std::move(row));
  }
  // After all rules, the project's totals (SPEC §5.2).
  project_state& totals = projects_[project];
  totals.donations += 1;
  totals.donors.insert(e.donor);
  totals.raised += *e.amount;
  totals.matched += matched_now;
}

outcome_row model::evaluate(std::size_t r, donation_record& record, std::map<std::size_t, money>& paid_by_rule,
                            bool already_paid_by_exclusive, money& matched_now) {
  const rule_spec& rule = rules_.rules()[r];
  const event& d = record.donation;
  const std::size_t project = position(*d.project);
  const campaign_spec& campaign = rules_.campaign();
  const context at{&d, project, &paid_by_rule};
  outcome_row row{d.id, rule.id, "", money::zero(), money::zero(), ""};
  const auto outcome = [&](std::string code) {
    row.outcome = std::move(code);
    return row;
  };

  if (revoked_donations_.contains(d.id) || revoked_donors_.contains(d.donor) || revoked_projects_.contains(project)) {
    return outcome("revoked");
  }
  if (closed_ || d.time < campaign.start || d.time >= campaign.end) return outcome("outside_campaign");
  if (already_paid_by_exclusive) return outcome("excluded");
  if (!rule.windows.empty()) {
    bool inside = false;
    for (const window_spec& window : rule.windows) {
      if (d.time < window.from || d.time >= window.to) continue;
      if (window.daily && !window.daily->contains_millisecond(local_millisecond_of_day(d.time, offset_))) continue;
      inside = true;
    }
    if (!inside) return outcome("outside_window");
  }
  if (!holds(rule.eligible, at)) return outcome("not_eligible");
  if (rule.min_donation && *d.amount < *rule.min_donation) return outcome("below_minimum");
  const auto draw = [&](std::string_view purpose, std::uint64_t n) {
    MATCHFUND_ASSERT(campaign.seed.has_value(), "a random draw needs campaign.seed");
    return uniform_draw(*campaign.seed, rule.id, d.id, purpose, n);
  };
  if (rule.chance && !rule.chance->is_drawn(draw(draw_for_probability, probability::denominator))) {
    return outcome("not_drawn");
  }

  // The formula's shape: a ratio on the base, a fixed amount, or a ratio on an earlier match.
  const auto first_tier = [&](const tiered_ratio_formula& tiered) -> std::optional<ratio> {
    for (const ratio_tier& tier : tiered.tiers) {
      if (!tier.when || holds(*tier.when, at)) return tier.value;
    }
    return std::nullopt;
  };
  std::optional<ratio> base_ratio;     // ratio formulas
  std::optional<money> fixed_amount;   // amount formulas
  std::optional<money> bonus_amount;   // ratio_of: the bonus, already rounded
  if (const auto* fixed = std::get_if<fixed_ratio_formula>(&rule.match)) {
    base_ratio = fixed->value;
  } else if (const auto* random = std::get_if<random_ratio_formula>(&rule.match)) {
    const std::uint64_t k = draw(draw_for_ratio, random->choices);
    base_ratio = ratio::from_millionths(random->min.millionths() +
                                        static_cast<std::int64_t>(k) * random->step.millionths());
  } else if (const auto* tiered = std::get_if<tiered_ratio_formula>(&rule.match)) {
    base_ratio = first_tier(*tiered);
    if (!base_ratio) return outcome("no_tier");
  } else if (const auto* amount = std::get_if<fixed_amount_formula>(&rule.match)) {
    fixed_amount = amount->value;
  } else if (const auto* random_amount = std::get_if<random_amount_formula>(&rule.match)) {
    const auto span = static_cast<std::uint64_t>((random_amount->max - random_amount->min).minor_units()) + 1;
    fixed_amount = random_amount->min + money::from_minor(static_cast<std::int64_t>(draw(draw_for_amount, span)));
  } else if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
    std::optional<ratio> scale;
    if (const auto* plain = std::get_if<ratio>(&bonus->scale)) scale = *plain;
    if (const auto* tiers = std::get_if<tiered_ratio_formula>(&bonus->scale)) scale = first_tier(*tiers);
    if (!scale) return outcome("no_tier");
    const auto earlier = paid_by_rule.find(position(bonus->rule));
    const money earlier_paid = earlier == paid_by_rule.end() ? money::zero() : earlier->second;
    bonus_amount = round_product(earlier_paid, *scale, rule.round);
  }

  // Step 1: the base, clipped by donation caps (own, then shared).
  const std::vector<applied_cap> caps = caps_of(r, at);
  const auto measure_of = [&](const applied_cap& cap) { return rules_.caps()[cap.cap].measure; };
  const auto cap_id = [&](const applied_cap& cap) { return rules_.caps()[cap.cap].id; };
  const money base0 = rule.matchable_max ? min(*d.amount, *rule.matchable_max) : *d.amount;
  money base = base0;
  std::optional<std::string> donation_cap_cut;
  for (const applied_cap& cap : caps) {
    if (!cap.key || measure_of(cap) != cap_measure::donation) continue;
    const money remaining = money::from_minor(std::max<std::int64_t>(0, cap.max - used(cap)));
    if (base > remaining) {
      base = remaining;
      if (!donation_cap_cut) donation_cap_cut = cap_id(cap);
    }
  }

  // Step 2: want (from the clipped base) and full (no limits).
  money want;
  money full;
  if (base_ratio) {
    want = round_product(base, *base_ratio, rule.round);
    full = round_product(base0, *base_ratio, rule.round);
  } else if (fixed_amount) {
    want = full = *fixed_amount;
  } else {
    want = full = *bonus_amount;
  }
  if (want >= full) donation_cap_cut.reset();  // it clipped the base without changing the match
  if (full.is_zero()) return outcome("no_match");
  row.want = want;

  // What a rematch at the close will need (docs/semantics.md, `rematch`): from here on the rule
  // evaluated the donation up to a want.
  rematch_memory* memory = nullptr;
  if (rematched_rules_.contains(r)) {
    memory = &record.remembered[r];
    *memory = rematch_memory{};
    memory->want = want;
    memory->base0 = base0;
    memory->used_ratio = base_ratio;
    for (const applied_cap& cap : caps) {
      if (cap.key) memory->caps.push_back({cap.cap, *cap.key, measure_of(cap), cap.max, 0});
    }
  }

  // Step 3: cap_reached, in order: donation caps, count caps, match caps.
  for (const cap_measure measure : {cap_measure::donation, cap_measure::count, cap_measure::match}) {
    for (const applied_cap& cap : caps) {
      if (!cap.key || measure_of(cap) != measure) continue;
      if (used(cap) >= cap.max) {
        row.limited_by = cap_id(cap);
        return outcome("cap_reached:" + cap_id(cap));
      }
    }
  }
  money allowed = want;
  std::optional<std::string> match_cap_cut;
  for (const applied_cap& cap : caps) {
    if (!cap.key || measure_of(cap) != cap_measure::match) continue;
    const money remaining = money::from_minor(cap.max - used(cap));
    if (allowed > remaining) {
      allowed = remaining;
      if (!match_cap_cut) match_cap_cut = cap_id(cap);
    }
  }

  // Step 4: the sources.
  bool any_released = false;
  bool any_available = false;
  for (const fund_index source : rule.sources) {
    const std::size_t f = position(source);
    if (funds_[f].released > money::zero()) any_released = true;
    if (min(funds_[f].available(), pot_remaining(f, d)) > money::zero()) any_available = true;
  }
  if (!any_released) return outcome("not_released");
  if (!any_available) return outcome("fund_empty");
  std::vector<std::pair<std::size_t, money>> draws;
  money need = allowed;
  money paid;
  for (const fund_index source : rule.sources) {
    const std::size_t f = position(source);
    const money give = min(need, min(funds_[f].available(), pot_remaining(f, d)));
    if (give > money::zero()) draws.emplace_back(f, give);
    need -= give;
    paid += give;
  }

  // Step 5: the limit.
  std::string limit;
  if (paid < full) {
    if (donation_cap_cut) {
      limit = *donation_cap_cut;
    } else if (match_cap_cut) {
      limit = *match_cap_cut;
    } else {
      limit = rules_.funds()[position(rule.sources.back())].id;
    }
    row.limited_by = limit;
    if (rule.partial == partial_mode::skip) {
      paid_by_rule[r] = money::zero();
      return outcome("partial:" + limit);
    }
  }

  // Step 6: commit.
  rule_payment payment;
  payment.rule = r;
  payment.want = want;
  payment.paid = paid;
  payment.base_used = paid == want ? base : floor_fraction(base, paid.minor_units(), want.minor_units());
  for (const auto& [f, give] : draws) {
    fund_state& fund = funds_[f];
    fund.drawn += give;
    const auto entity = pot_entity(rules_.funds()[f], d);
    if (entity) pot_used_[{f, *entity}] += give;
    payment.lines.push_back({f, give, money::zero(), entity});
    ledger_.push_back({d.time, "match", d.id, d.id, d.donor, project_id(project), rule.id, rules_.funds()[f].id, give,
                       limit, ""});
    // SPEC §4: the first draw that leaves nothing available with no release pending.
    if (!fund.exhausted_at && fund.available().is_zero() &&
        fund.next_release >= rules_.funds()[f].releases.size()) {
      fund.exhausted_at = d.time;
    }
  }
  for (const applied_cap& cap : caps) {
    if (!cap.key) continue;
    std::int64_t charge = 0;
    switch (measure_of(cap)) {
      case cap_measure::match: charge = paid.minor_units(); break;
      case cap_measure::donation: charge = payment.base_used.minor_units(); break;
      case cap_measure::count: charge = paid > money::zero() ? 1 : 0; break;
    }
    if (charge == 0) continue;
    std::int64_t& counter = counters_[*cap.key];
    counter += charge;
    MATCHFUND_ASSERT(counter <= cap.max, "a cap went above its max");
    payment.charges.push_back({*cap.key, measure_of(cap), charge});
    if (memory != nullptr) {
      for (remembered_cap& remembered : memory->caps) {
        if (remembered.cap == cap.cap) remembered.own_charge = charge;
      }
    }
  }
  if (memory != nullptr) memory->paid = paid;
  record.payments.push_back(std::move(payment));
  paid_by_rule[r] = paid;
  matched_now += paid;
  row.paid = paid;
  return outcome(paid < full ? "partial:" + limit : "matched");
}

// ---------------------------------------------------------------------------------------------
// Refunds, revocations, settlement (SPEC §6)

// Reverses one rule's lines of a donation: in full (revocation, settlement) or up to the
// refunded share (refunds), and gives back the caps.
void model::reverse(donation_record& record, rule_payment& payment, bool in_full,
                    std::optional<refund_disposition> disposition, const std::string& event_id, timestamp t) {
  const rule_spec& rule = rules_.rules()[payment.rule];
  const event& d = record.donation;
  const std::size_t project = position(*d.project);
  const refund_disposition how = disposition.value_or(rule.on_refund);
  const std::int64_t refunded = record.refunded.minor_units();
  const std::int64_t amount = d.amount->minor_units();
  money reversed_now;
  for (match_line& line : payment.lines) {
    const money target = in_full ? line.amount : floor_fraction(line.amount, refunded, amount);
    const money reversal = target - line.reversed;
    if (reversal <= money::zero()) continue;
    line.reversed += reversal;
    reversed_now += reversal;
    fund_state& fund = funds_[line.fund];
    if (how == refund_disposition::give_back) {
      fund.returned += reversal;
      if (line.pot) pot_used_[{line.fund, *line.pot}] -= reversal;  // forfeits stay used
    } else {
      fund.forfeited += reversal;
    }
    projects_[project].matched -= reversal;
    ledger_.push_back({t, "reversal", event_id, d.id, d.donor, project_id(project), rule.id,
                       rules_.funds()[line.fund].id, -reversal, "", std::string(disposition_text(how))});
  }
  bool all_reversed = !payment.lines.empty();
  for (const match_line& line : payment.lines) {
    if (line.reversed != line.amount) all_reversed = false;
  }
  for (cap_charge& charge : payment.charges) {
    std::int64_t keep = charge.charged;
    switch (charge.measure) {
      case cap_measure::match: keep = charge.charged - reversed_now.minor_units(); break;
      case cap_measure::donation: {
        const std::int64_t base_used = payment.base_used.minor_units();
        keep = in_full ? 0 : base_used - floor_fraction(payment.base_used, refunded, amount).minor_units();
        keep = std::min(keep, charge.charged);
        break;
      }
      case cap_measure::count: keep = (in_full || all_reversed) ? 0 : charge.charged; break;
    }
    MATCHFUND_ASSERT(keep >= 0 && keep <= charge.charged, "a cap give-back out of range");
    counters_[charge.key] -= charge.charged - keep;
    charge.charged = keep;
  }
}

void model::refund(const event& e) {
  donation_record& record = donations_.at(e.ref);
  const money left = *record.donation.amount - record.refunded;
  const money amount = e.amount.value_or(left);
  record.refunded += amount;
  project_state& totals = projects_[position(*record.donation.project)];
  totals.raised -= amount;
  totals.refunded += amount;
  for (rule_payment& payment : record.payments) reverse(record, payment, false, e.disposition, e.id, e.time);
}

void model::revoke(const event& e) {
  const auto in_scope = [&](const donation_record& record) {
    switch (*e.scope) {
      case revoke_scope::donation: return record.donation.id == e.ref;
      case revoke_scope::donor: return record.donation.donor == e.ref;
      case revoke_scope::project: return record.donation.project == e.project;
    }
    return false;
  };
  switch (*e.scope) {
    case revoke_scope::donation: revoked_donations_.insert(e.ref); break;
    case revoke_scope::donor: revoked_donors_.insert(e.ref); break;
    case revoke_scope::project: revoked_projects_.insert(position(*e.project)); break;
  }
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    if (!in_scope(record)) continue;
    for (rule_payment& payment : record.payments) reverse(record, payment, true, e.disposition, e.id, e.time);
  }
}

void model::close(timestamp t, const std::string& event_id) {
  closed_ = true;
  // SPEC §11.1: expire_unused funds expire what they have, then pending tranches are released.
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    if (rules_.funds()[f].expire_unused) expire(f, t);
  }
  for (;;) {
    std::optional<std::size_t> next;
    for (std::size_t f = 0; f < funds_.size(); ++f) {
      const fund_spec& spec = rules_.funds()[f];
      if (funds_[f].next_release >= spec.releases.size()) continue;
      if (!next || spec.releases[funds_[f].next_release].at <
                       rules_.funds()[*next].releases[funds_[*next].next_release].at) {
        next = f;
      }
    }
    if (!next) break;
    release_next(*next, t);
  }

  // Settlement (SPEC §6): every condition on the state at close first, then the reversals.
  settle_fails_.assign(rules_.rules().size(), std::vector<bool>(projects_.size(), false));
  std::vector<std::vector<bool>>& fails = settle_fails_;
  for (std::size_t r = 0; r < rules_.rules().size(); ++r) {
    const rule_spec& rule = rules_.rules()[r];
    if (!rule.settle) continue;
    for (std::size_t p = 0; p < projects_.size(); ++p) fails[r][p] = !holds(*rule.settle, context{nullptr, p, nullptr});
  }
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    for (rule_payment& payment : record.payments) {
      if (!fails[payment.rule][position(*record.donation.project)]) continue;
      reverse(record, payment, true, refund_disposition::give_back, event_id, t);
    }
  }
  run_closeout(t, event_id);
}

// ---------------------------------------------------------------------------------------------
// Close-out (SPEC §7, docs/semantics.md "Close-out")

cpp_int power_of_ten(int exponent) {
  cpp_int result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// The largest s with s * s <= n (n >= 0), by bisection: slow and plainly right.
cpp_int integer_square_root(const cpp_int& n) {
  cpp_int low = 0;
  cpp_int high = 1;
  while (high * high <= n) high *= 2;
  // low * low <= n < high * high
  while (high - low > 1) {
    const cpp_int middle = (low + high) / 2;
    if (middle * middle <= n) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

money money_of(const cpp_int& minor) { return money::from_minor(minor.convert_to<std::int64_t>()); }

// floor(x) of an exact non-negative rational.
cpp_int floor_of(const cpp_rational& x) {
  return boost::multiprecision::numerator(x) / boost::multiprecision::denominator(x);
}

// SPEC §7 "Allocation of budget M over integer weights w >= 0 with caps c". `claims` come in
// project id byte order, so that the last tie-break (the smaller id) is the earlier claim.
// Returns what each project gets; the rest of M is unallocated.
std::map<std::size_t, cpp_int> share_out(cpp_int budget, const std::vector<claim>& claims) {
  std::map<std::size_t, cpp_int> given;
  // 1. A = the projects with w > 0.
  std::vector<std::size_t> active;  // positions in `claims`
  for (std::size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].weight > 0) active.push_back(i);
  }
  for (;;) {
    // 3. A is empty: the rest is unallocated.
    if (active.empty()) return given;
    cpp_int total_weight = 0;
    for (const std::size_t i : active) total_weight += claims[i].weight;
    // share_j = M * w_j / W; every j with share_j >= c_j gets exactly c_j and leaves A.
    std::vector<std::size_t> staying;
    cpp_int capped = 0;
    for (const std::size_t i : active) {
      const claim& c = claims[i];
      if (c.cap && budget * c.weight >= *c.cap * total_weight) {
        given[c.project] = *c.cap;
        capped += *c.cap;
      } else {
        staying.push_back(i);
      }
    }
    if (staying.size() == active.size()) break;
    budget -= capped;
    active = staying;
  }
  // 2. Each gets floor(share_j); the R units left go one each to the largest remainders
  // (M * w_j) mod W, ties to the larger w_j, then to the smaller id.
  cpp_int total_weight = 0;
  for (const std::size_t i : active) total_weight += claims[i].weight;
  struct remainder_of {
    cpp_int remainder;
    cpp_int weight;
    std::size_t order = 0;
    std::size_t project = 0;
  };
  std::vector<remainder_of> remainders;
  cpp_int handed = 0;
  for (const std::size_t i : active) {
    const claim& c = claims[i];
    const cpp_int product = budget * c.weight;
    given[c.project] = product / total_weight;
    handed += product / total_weight;
    remainders.push_back({product % total_weight, c.weight, i, c.project});
  }
  std::sort(remainders.begin(), remainders.end(), [](const remainder_of& a, const remainder_of& b) {
    if (a.remainder != b.remainder) return a.remainder > b.remainder;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.order < b.order;
  });
  cpp_int units = budget - handed;
  MATCHFUND_ASSERT(units >= 0 && units < static_cast<long long>(remainders.size()) + 1, "allocation remainder out of range");
  for (const remainder_of& r : remainders) {
    if (units <= 0) break;
    given[r.project] += 1;
    units -= 1;
  }
  return given;
}

// A step's funds are `from`, then every fund whose leftover names it (file order), each once;
// it takes all they have available, stopping at `budget` when one is given. With no funds,
// `budget` is money from outside.
step_purse model::take_money(const closeout_spec& step) const {
  step_purse purse;
  if (step.from) purse.funds.push_back(position(*step.from));
  for (const fund_index f : step.leftover_funds) {
    if (std::find(purse.funds.begin(), purse.funds.end(), position(f)) == purse.funds.end()) {
      purse.funds.push_back(position(f));
    }
  }
  if (purse.funds.empty()) {
    if (step.budget) {
      purse.outside = true;
      purse.outside_left = *step.budget;
      purse.total = *step.budget;
    }
    return purse;
  }
  for (const std::size_t f : purse.funds) {
    money take = max(money::zero(), funds_[f].available());
    if (step.budget) take = min(take, *step.budget - purse.total);
    purse.taken.push_back(take);
    purse.left.push_back(take);
    purse.total += take;
  }
  return purse;
}

// What a fund gave the step and got no payout for stays available; SPEC §11.19 reports it as
// unallocated from what each step took and paid.
void model::record_step_money(const step_purse& purse) {
  for (std::size_t i = 0; i < purse.funds.size(); ++i) {
    fund_state& fund = funds_[purse.funds[i]];
    fund.out_by_step.push_back(fund.paid_by_steps + purse.taken[i]);
    fund.paid_by_steps += purse.taken[i] - purse.left[i];
  }
}

// Every project not revoked that passes the step's `eligible` now, in id byte order.
std::vector<std::size_t> model::receivers(const closeout_spec& step) const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t p = 0; p < projects_.size(); ++p) {
    if (revoked_projects_.contains(p)) continue;
    if (!holds(step.eligible, context{nullptr, p, nullptr})) continue;
    by_id[project_id(p)] = p;
  }
  std::vector<std::size_t> order;
  for (const auto& entry : by_id) order.push_back(entry.second);
  return order;
}

// `cap`, floor(M * max_share), or the smaller of the two; M is what the step has.
std::optional<money> model::receiver_cap(const closeout_spec& step, money budget) const {
  std::optional<money> cap = step.cap;
  if (step.max_share) {
    const money share = floor_fraction(budget, step.max_share->millionths(), ratio_denominator);
    cap = cap ? min(*cap, share) : share;
  }
  return cap;
}

// One payout: drawn from the step's funds in order, each up to what the step took from it (one
// ledger line per fund), or from outside money.
void model::pay(step_purse& purse, const closeout_spec& step, std::size_t project, money amount, timestamp t,
                const std::string& event_id) {
  if (amount <= money::zero()) return;
  projects_[project].closeout += amount;
  if (purse.outside) {
    MATCHFUND_ASSERT(amount <= purse.outside_left, "a close-out payout beyond the step's budget");
    purse.outside_left -= amount;
    ledger_.push_back({t, "closeout", event_id, "", "", project_id(project), step.id, "", amount, "", ""});
    return;
  }
  money need = amount;
  for (std::size_t i = 0; i < purse.funds.size(); ++i) {
    const money give = min(need, purse.left[i]);
    if (give <= money::zero()) continue;
    purse.left[i] -= give;
    funds_[purse.funds[i]].closeout += give;
    need -= give;
    ledger_.push_back({t, "closeout", event_id, "", "", project_id(project), step.id, rules_.funds()[purse.funds[i]].id,
                       give, "", ""});
  }
  MATCHFUND_ASSERT(need.is_zero(), "a close-out payout beyond what the step took");
}

void model::pay_all(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
                    const std::map<std::size_t, money>& amounts, timestamp t, const std::string& event_id) {
  for (const std::size_t p : order) {
    const auto found = amounts.find(p);
    if (found != amounts.end()) pay(purse, step, p, found->second, t, event_id);
  }
}

// `fixed` and `challenge`: each project its amount, or, when the step has less than the sum of
// all, the allocation with weight = cap = each project's amount.
void model::pay_amounts_or_scale(step_purse& purse, const closeout_spec& step, const std::vector<std::size_t>& order,
                                 std::map<std::size_t, money> amounts, timestamp t, const std::string& event_id) {
  cpp_int sum = 0;
  for (const auto& entry : amounts) sum += entry.second.minor_units();
  if (cpp_int(purse.total.minor_units()) < sum) {
    std::vector<claim> claims;
    for (const std::size_t p : order) {
      const auto found = amounts.find(p);
      if (found == amounts.end()) continue;
      claims.push_back({p, cpp_int(found->second.minor_units()), cpp_int(found->second.minor_units())});
    }
    amounts.clear();
    for (const auto& entry : share_out(purse.total.minor_units(), claims)) amounts[entry.first] = money_of(entry.second);
  }
  pay_all(purse, step, order, amounts, t, event_id);
}

// What a rule's match lines paid the project, net of their reversals (close-out not counted).
money model::rule_total(std::size_t rule, std::size_t project) const {
  money total;
  for (const std::string& id : donation_order_) {
    const donation_record& record = donations_.at(id);
    if (position(*record.donation.project) != project) continue;
    for (const rule_payment& payment : record.payments) {
      if (payment.rule != rule) continue;
      for (const match_line& line : payment.lines) total += line.amount - line.reversed;
    }
  }
  return total;
}

// A proportional weight: money in minor units, counts as they are; missing or negative, 0.
cpp_int model::weight_of(const closeout_spec& step, std::size_t project) const {
  const field_ref& field = *step.weight;
  std::int64_t w = 0;
  if (field.kind == field_kind::rule_total) {
    w = rule_total(field.index, project).minor_units();
  } else {
    const field_reading reading = read_field(field, context{nullptr, project, nullptr});
    if (reading.scalar) {
      if (const auto* amount = std::get_if<money>(&*reading.scalar)) w = amount->minor_units();
      if (const auto* count = std::get_if<std::int64_t>(&*reading.scalar)) w = *count;
    }
  }
  return w < 0 ? cpp_int(0) : cpp_int(w);
}

// SPEC §7 quadratic: c_ij summed per donor and project over the donations that count;
// s_ij = isqrt(c_ij * scale); w_j = (sum_i s_ij)^2 - sum_i s_ij^2.
std::map<std::size_t, cpp_int> model::quadratic_weights(const closeout_spec& step,
                                                        const std::vector<std::size_t>& order,
                                                        const cpp_int& scale) const {
  const std::set<std::size_t> receiving(order.begin(), order.end());
  const campaign_spec& campaign = rules_.campaign();
  std::map<std::size_t, std::map<std::string, cpp_int>> contributions;
  for (const std::string& id : donation_order_) {
    const donation_record& record = donations_.at(id);
    const event& d = record.donation;
    const std::size_t p = position(*d.project);
    if (!receiving.contains(p)) continue;
    if (d.time < campaign.start || d.time >= campaign.end) continue;
    if (revoked_donations_.contains(d.id) || revoked_donors_.contains(d.donor) || revoked_projects_.contains(p)) {
      continue;
    }
    const money net = *d.amount - record.refunded;
    if (net <= money::zero()) continue;
    if (step.min_contribution && net < *step.min_contribution) continue;
    contributions[p][d.donor] += net.minor_units();
  }
  std::map<std::size_t, cpp_int> weights;
  for (const std::size_t p : order) {
    cpp_int sum = 0;
    cpp_int sum_of_squares = 0;
    for (const auto& entry : contributions[p]) {
      const cpp_int s = integer_square_root(entry.second * scale);
      sum += s;
      sum_of_squares += s * s;
    }
    weights[p] = sum * sum - sum_of_squares;
  }
  return weights;
}

// SPEC §7 `saturation: gitcoin`: Gitcoin's linear QF in units of 10^-12 minor units.
std::map<std::size_t, money> model::gitcoin(const closeout_spec& step, const std::vector<std::size_t>& order,
                                            money budget) const {
  const cpp_int unit = power_of_ten(12);
  const std::map<std::size_t, cpp_int> weights = quadratic_weights(step, order, unit);
  const cpp_int pot = cpp_int(budget.minor_units()) * unit;
  std::optional<cpp_int> cap;
  if (step.cap) cap = cpp_int(step.cap->minor_units()) * unit;
  if (step.max_share) {
    const cpp_int share = pot * step.max_share->millionths() / ratio_denominator;
    cap = cap ? std::min(*cap, share) : share;
  }
  cpp_int total = 0;
  for (const auto& entry : weights) total += entry.second;
  std::map<std::size_t, cpp_int> have;
  for (const std::size_t p : order) {
    const cpp_int& w = weights.at(p);
    if (total < pot) {
      have[p] = w;
    } else {
      have[p] = total == 0 ? cpp_int(0) : cpp_int(w * pot / total);
    }
  }
  if (cap) {
    for (;;) {
      // Those above the cap are set to it; the overflow goes to those strictly below it, in
      // proportion to what they have.
      cpp_int overflow = 0;
      for (const std::size_t p : order) {
        if (have[p] > *cap) {
          overflow += have[p] - *cap;
          have[p] = *cap;
        }
      }
      if (overflow == 0) break;
      cpp_int below = 0;
      for (const std::size_t p : order) {
        if (have[p] < *cap) below += have[p];
      }
      if (below == 0) break;
      std::map<std::size_t, cpp_int> extra;
      for (const std::size_t p : order) {
        if (have[p] < *cap) extra[p] = have[p] * overflow / below;
      }
      for (const auto& entry : extra) have[entry.first] += entry.second;
    }
  }
  std::map<std::size_t, money> amounts;
  for (const std::size_t p : order) amounts[p] = money_of(have[p] / unit);
  return amounts;
}

// `fixed`: every entry to its receivers (eligible projects it names whose `when` holds); an
// organization's or region's amount split by the allocation with weight 1 and no cap.
std::map<std::size_t, money> model::fixed_amounts(const closeout_spec& step,
                                                  const std::vector<std::size_t>& order) const {
  std::map<std::size_t, money> sums;
  for (const fixed_allocation& entry : step.amounts) {
    std::vector<std::size_t> targets;
    for (const std::size_t p : order) {
      const project_spec& project = rules_.projects()[p];
      bool named = false;
      switch (entry.target) {
        case fixed_target::project: named = p == entry.index; break;
        case fixed_target::organization: named = position(project.organization) == entry.index; break;
        case fixed_target::region: named = project.region && position(*project.region) == entry.index; break;
      }
      if (!named) continue;
      if (entry.when && !holds(*entry.when, context{nullptr, p, nullptr})) continue;
      targets.push_back(p);
    }
    if (targets.empty()) continue;
    if (entry.target == fixed_target::project) {
      sums[targets.front()] += entry.amount;
      continue;
    }
    std::vector<claim> claims;
    for (const std::size_t p : targets) claims.push_back({p, cpp_int(1), std::nullopt});
    for (const auto& share : share_out(entry.amount.minor_units(), claims)) sums[share.first] += money_of(share.second);
  }
  return sums;
}

// `challenge`: floor(min(pay.amount or pay.ratio * field, pay.cap) * factor), exactly.
std::map<std::size_t, money> model::challenge_amounts(const closeout_spec& step,
                                                      const std::vector<std::size_t>& order) const {
  const auto minor_of = [&](const field_reading& reading) -> std::optional<cpp_rational> {
    if (!reading.scalar) return std::nullopt;
    if (const auto* amount = std::get_if<money>(&*reading.scalar)) return cpp_rational(amount->minor_units());
    if (const auto* units = std::get_if<std::int64_t>(&*reading.scalar)) {
      return cpp_rational(money::from_units(*units, digits_).minor_units());
    }
    return std::nullopt;
  };
  std::map<std::size_t, money> amounts;
  for (const std::size_t p : order) {
    const context at{nullptr, p, nullptr};
    const cpp_rational field = minor_of(read_field(step.field, at)).value_or(cpp_rational(0));
    std::optional<cpp_rational> target;
    if (step.target) {
      target = cpp_rational(step.target->minor_units());
    } else {
      target = minor_of(read_field(*step.target_from, at));
    }
    if (!target) continue;  // no target: skipped
    cpp_rational pay_out = step.pay_amount
                               ? cpp_rational(step.pay_amount->minor_units())
                               : field * cpp_rational(step.pay_ratio->millionths(), ratio_denominator);
    if (step.pay_cap && pay_out > cpp_rational(step.pay_cap->minor_units())) {
      pay_out = cpp_rational(step.pay_cap->minor_units());
    }
    const bool met = *target <= 0 || field >= *target;
    cpp_rational factor = met ? 1 : 0;
    if (!step.all_or_nothing && !met) factor = field / *target;
    const cpp_rational amount = pay_out * factor;
    amounts[p] = amount <= 0 ? money::zero() : money_of(floor_of(amount));
  }
  return amounts;
}

// docs/semantics.md, `rematch`, step by step.
void model::rematch(const closeout_spec& step, step_purse& purse, timestamp t, const std::string& event_id) {
  const std::size_t r = position(*step.rule);
  const rule_spec& rule = rules_.rules()[r];
  const bool step_funds = !purse.funds.empty();
  const auto counter = [&](const counter_key& key) {
    const auto found = counters_.find(key);
    return found == counters_.end() ? std::int64_t{0} : found->second;
  };
  for (const std::string& id : donation_order_) {
    donation_record& record = donations_.at(id);
    const auto found = record.remembered.find(r);
    if (found == record.remembered.end()) continue;
    rematch_memory& memory = found->second;
    const event& d = record.donation;
    const std::size_t project = position(*d.project);
    // Evaluated up to a want and paid less than it.
    if (memory.paid >= memory.want) continue;
    // Skipped: any refund, any match line reversed, revoked, or the project fails the step's
    // eligible or the rule's settle.
    if (record.refunded > money::zero()) continue;
    bool reversed = false;
    for (const rule_payment& payment : record.payments) {
      for (const match_line& line : payment.lines) {
        if (line.reversed > money::zero()) reversed = true;
      }
    }
    if (reversed) continue;
    if (revoked_donations_.contains(d.id) || revoked_donors_.contains(d.donor) || revoked_projects_.contains(project)) {
      continue;
    }
    if (!holds(step.eligible, context{nullptr, project, nullptr})) continue;
    if (settle_fails_[r][project]) continue;

    // Donation caps re-clip min(amount, matchable_max) to their limit minus their counter
    // without this donation's own charge; one with nothing left blocks the donation.
    money base = memory.base0;
    bool blocked = false;
    for (const remembered_cap& cap : memory.caps) {
      if (cap.measure != cap_measure::donation) continue;
      const std::int64_t left = cap.max - (counter(cap.key) - cap.own_charge);
      if (left <= 0) {
        blocked = true;
      } else {
        base = min(base, money::from_minor(left));
      }
    }
    if (blocked) continue;
    // want: recomputed from that base with the ratio the evaluation used, else as recorded.
    const money want = memory.used_ratio ? round_product(base, *memory.used_ratio, rule.round) : memory.want;
    const money whole_aim = want - memory.paid;
    money aim = whole_aim;
    // Match caps clip the aim; count caps with nothing left block a donation paid nothing.
    for (const remembered_cap& cap : memory.caps) {
      if (cap.measure == cap_measure::match) {
        const std::int64_t left = std::max<std::int64_t>(0, cap.max - counter(cap.key));
        aim = min(aim, money::from_minor(left));
      }
      if (cap.measure == cap_measure::count && memory.paid.is_zero() && counter(cap.key) >= cap.max) blocked = true;
    }
    if (blocked || aim <= money::zero()) continue;

    // The draws: the step's funds (what it took, in order) or else the rule's sources (their
    // available), each limited by the donation's pot.
    std::vector<std::size_t> funds = purse.funds;
    if (!step_funds) {
      for (const fund_index source : rule.sources) funds.push_back(position(source));
    }
    std::vector<std::pair<std::size_t, money>> draws;  // (position in `funds`, amount)
    money need = aim;
    money paid_now;
    for (std::size_t i = 0; i < funds.size(); ++i) {
      const std::size_t f = funds[i];
      const money has = step_funds ? purse.left[i] : funds_[f].available();
      const money give = min(need, min(has, pot_remaining(f, d)));
      if (give <= money::zero()) continue;
      draws.emplace_back(i, give);
      need -= give;
      paid_now += give;
    }
    if (rule.partial == partial_mode::skip && paid_now < whole_aim) continue;
    if (paid_now.is_zero()) continue;
    for (const auto& draw : draws) {
      const std::size_t i = draw.first;
      const money give = draw.second;
      const std::size_t f = funds[i];
      if (step_funds) purse.left[i] -= give;
      funds_[f].closeout += give;
      const auto entity = pot_entity(rules_.funds()[f], d);
      if (entity) pot_used_[{f, *entity}] += give;
      projects_[project].closeout += give;
      ledger_.push_back({t, "closeout", event_id, d.id, d.donor, project_id(project), step.id, rules_.funds()[f].id,
                         give, "", ""});
    }
    const money paid_before = memory.paid;
    memory.paid += paid_now;
    // The caps are charged: match caps by the payout; donation caps so that the charge becomes
    // base (the want is reached) or floor(base * paid / want); count caps 1 for a donation paid
    // nothing before.
    for (remembered_cap& cap : memory.caps) {
      std::int64_t charge = cap.own_charge;
      switch (cap.measure) {
        case cap_measure::match: charge += paid_now.minor_units(); break;
        case cap_measure::donation:
          charge = (memory.paid == want ? base : floor_fraction(base, memory.paid.minor_units(), want.minor_units()))
                       .minor_units();
          break;
        case cap_measure::count:
          if (paid_before.is_zero()) charge = 1;
          break;
      }
      std::int64_t& value = counters_[cap.key];
      value += charge - cap.own_charge;
      MATCHFUND_ASSERT(value <= cap.max, "a rematch took a cap above its max");
      cap.own_charge = charge;
    }
  }
}

// The steps in file order, each on the state the earlier ones left.
void model::run_closeout(timestamp t, const std::string& event_id) {
  for (const closeout_spec& step : rules_.closeout()) {
    step_purse purse = take_money(step);
    if (step.kind == closeout_kind::rematch) {
      rematch(step, purse, t, event_id);
      record_step_money(purse);
      continue;
    }
    const std::vector<std::size_t> order = receivers(step);
    const std::optional<money> cap = receiver_cap(step, purse.total);
    const auto cap_claim = [&]() -> std::optional<cpp_int> {
      if (!cap) return std::nullopt;
      return cpp_int(cap->minor_units());
    };
    const auto allocate_weights = [&](const std::map<std::size_t, cpp_int>& weights) {
      std::vector<claim> claims;
      for (const std::size_t p : order) claims.push_back({p, weights.at(p), cap_claim()});
      std::map<std::size_t, money> amounts;
      for (const auto& share : share_out(purse.total.minor_units(), claims)) amounts[share.first] = money_of(share.second);
      pay_all(purse, step, order, amounts, t, event_id);
    };
    const auto limit_by_cap = [&](std::map<std::size_t, money> amounts) {
      if (cap) {
        for (auto& entry : amounts) entry.second = min(entry.second, *cap);
      }
      return amounts;
    };
    switch (step.kind) {
      case closeout_kind::proportional: {
        std::map<std::size_t, cpp_int> weights;
        for (const std::size_t p : order) weights[p] = weight_of(step, p);
        allocate_weights(weights);
        break;
      }
      case closeout_kind::equal: {
        std::map<std::size_t, cpp_int> weights;
        for (const std::size_t p : order) weights[p] = 1;
        allocate_weights(weights);
        break;
      }
      case closeout_kind::quadratic:
        if (step.saturation == quadratic_saturation::normalize) {
          allocate_weights(quadratic_weights(step, order, power_of_ten(24)));
        } else {
          pay_all(purse, step, order, gitcoin(step, order, purse.total), t, event_id);
        }
        break;
      case closeout_kind::fixed:
        pay_amounts_or_scale(purse, step, order, limit_by_cap(fixed_amounts(step, order)), t, event_id);
        break;
      case closeout_kind::challenge:
        pay_amounts_or_scale(purse, step, order, limit_by_cap(challenge_amounts(step, order)), t, event_id);
        break;
      case closeout_kind::rematch: break;
    }
    record_step_money(purse);
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (SPEC §8)

std::string model::ledger_csv() const {
  std::string text = "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n";
  std::size_t seq = 0;
  for (const ledger_row& row : ledger_) {
    text += csv_row({std::to_string(++seq), format_rfc3339(row.time, offset_), row.kind, row.event_id,
                     row.donation_id, row.donor, row.project, row.rule, row.fund, money_text(row.amount),
                     row.limited_by, row.disposition});
  }
  return text;
}

std::string model::projects_csv() const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t p = 0; p < projects_.size(); ++p) by_id[project_id(p)] = p;
  std::string text = "project,organization,donations,donors,raised,refunded,matched,closeout,total\n";
  for (const auto& [id, p] : by_id) {
    const project_state& totals = projects_[p];
    text += csv_row({id, rules_.organizations()[position(rules_.projects()[p].organization)],
                     std::to_string(totals.donations), std::to_string(totals.donors.size()),
                     money_text(totals.raised), money_text(totals.refunded), money_text(totals.matched),
                     money_text(totals.closeout), money_text(totals.raised + totals.matched + totals.closeout)});
  }
  return text;
}

std::string model::funds_csv() const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t f = 0; f < funds_.size(); ++f) by_id[rules_.funds()[f].id] = f;
  std::string text =
      "fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at\n";
  for (const auto& [id, f] : by_id) {
    const fund_state& fund = funds_[f];
    text += csv_row({id, money_text(rules_.funds()[f].budget), money_text(fund.released), money_text(fund.drawn),
                     money_text(fund.returned), money_text(fund.forfeited), money_text(fund.expired),
                     money_text(fund.closeout), money_text(fund.unallocated()), money_text(fund.available()),
                     fund.exhausted_at ? format_rfc3339(*fund.exhausted_at, offset_) : ""});
  }
  return text;
}

std::string model::outcomes_csv() const {
  std::string text = "event_id,rule,outcome,want,paid,limited_by\n";
  for (const outcome_row& row : outcomes_) {
    text += csv_row({row.event_id, row.rule, row.outcome, money_text(row.want), money_text(row.paid), row.limited_by});
  }
  return text;
}

// SPEC §4 identity and §8 "ledger sums equal the project and fund tables".
void model::check_invariants() const {
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    const fund_spec& spec = rules_.funds()[f];
    const fund_state& fund = funds_[f];
    const money unreleased = spec.budget - fund.released;
    const money net_drawn = fund.drawn - fund.returned - fund.forfeited;
    MATCHFUND_ASSERT(unreleased >= money::zero() && fund.available() >= money::zero(), "a fund went negative");
    MATCHFUND_ASSERT(
        spec.budget == unreleased + fund.available() + net_drawn + fund.forfeited + fund.expired + fund.closeout,
        "the fund identity of SPEC §4 does not hold");
    money drawn;
    money returned;
    money forfeited;
    money expired;
    money closeout;
    for (const ledger_row& row : ledger_) {
      if (row.fund != spec.id) continue;
      if (row.kind == "match") drawn += row.amount;
      if (row.kind == "expiry") expired += row.amount;
      if (row.kind == "closeout") closeout += row.amount;
      if (row.kind == "reversal" && row.disposition == "return") returned -= row.amount;
      if (row.kind == "reversal" && row.disposition == "forfeit") forfeited -= row.amount;
    }
    MATCHFUND_ASSERT(drawn == fund.drawn && returned == fund.returned && forfeited == fund.forfeited &&
                         expired == fund.expired && closeout == fund.closeout,
                     "the ledger does not add up to the fund table");
  }
  for (std::size_t p = 0; p < projects_.size(); ++p) {
    money matched;
    money closeout;
    for (const ledger_row& row : ledger_) {
      if (row.project != project_id(p)) continue;
      if (row.kind == "match" || row.kind == "reversal") matched += row.amount;
      if (row.kind == "closeout") closeout += row.amount;
    }
    MATCHFUND_ASSERT(matched == projects_[p].matched && closeout == projects_[p].closeout,
                     "the ledger does not add up to the project table");
  }
}

outputs model::run(std::vector<event> events, std::span<const std::string> file_names) {
  std::vector<std::size_t> order(events.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return events[a].time < events[b].time; });

  std::vector<bool> repeated(events.size());
  std::set<std::string> ids_in_input;
  for (std::size_t i = 0; i < events.size(); ++i) repeated[i] = !ids_in_input.insert(events[i].id).second;

  std::vector<std::pair<std::size_t, rejection>> rejected;
  std::optional<timestamp> last_time;
  for (const std::size_t i : order) {
    const event& e = events[i];
    if (auto reason = repeated[i] ? std::optional<std::string>("duplicate_id") : bad_event_reason(e)) {
      const std::string file = e.file_index < file_names.size() ? file_names[e.file_index] : std::string();
      rejected.emplace_back(i, rejection{file, e.line, e.id, *reason});
      continue;
    }
    accepted_ids_.insert(e.id);
    last_time = e.time;
    if (!closed_) advance_releases(e.time);
    switch (e.kind) {
      case event_kind::donation: donation(e); break;
      case event_kind::refund: refund(e); break;
      case event_kind::revoke: revoke(e); break;
      case event_kind::close: close(e.time, e.id); break;
    }
  }
  if (!closed_) {
    // SPEC §7: without a close event, the close is at max(campaign end, last event).
    const timestamp at = last_time ? std::max(rules_.campaign().end, *last_time) : rules_.campaign().end;
    advance_releases(at);
    close(at, "");
  }
  check_invariants();

  outputs out;
  out.ledger_csv = ledger_csv();
  out.projects_csv = projects_csv();
  out.funds_csv = funds_csv();
  out.outcomes_csv = outcomes_csv();
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& entry : rejected) out.rejected.push_back(std::move(entry.second));
  return out;
}

}  // namespace

outputs replay(const rule_set& rules, std::vector<event> events, std::span<const std::string> file_names) {
  model m(rules);
  return m.run(std::move(events), file_names);
}

}  // namespace matchfund::reference
