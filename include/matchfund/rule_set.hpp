// The compiled, immutable rule set: everything a rules file says (SPEC §3.1, §4, §5, §7),
// checked and with every id resolved to a dense index. Built only by the loader
// (load_rules.hpp); an engine reads it and never changes it.
#ifndef MATCHFUND_RULE_SET_HPP
#define MATCHFUND_RULE_SET_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/cap_period.hpp"
#include "matchfund/condition.hpp"
#include "matchfund/field.hpp"
#include "matchfund/ids.hpp"
#include "matchfund/money.hpp"
#include "matchfund/probability.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rounding.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"
#include "matchfund/value.hpp"

namespace matchfund {

// Where something was written: 1-based line and column in the rules file (0 when unknown).
struct source_position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct campaign_spec {
  std::string id;
  std::string name;
  std::string currency;
  minor_digits_t minor_digits = 2;
  utc_offset timezone;
  timestamp start;  // inclusive
  timestamp end;    // exclusive
  std::optional<std::int64_t> seed;
  // campaign.holds.ttl (SPEC §12): how long a hold keeps its match; nullopt: holds not enabled.
  std::optional<duration> hold_ttl;
};

// An attribute that some rule reads, with the type the rules give it (SPEC §3.1).
struct attribute_spec {
  std::string name;
  value_type type = value_type::string;
};

// Attribute values by slot of the owner's attribute table; nullopt when missing.
using attribute_values = std::vector<std::optional<value>>;

struct project_spec {
  std::string id;
  organization_index organization{};
  std::optional<region_index> region;
  std::optional<category_index> category;
  std::vector<std::string> tags;
  attribute_values attributes;
  // Every attribute as written, by name, whether a rule reads it or not.
  std::vector<std::pair<std::string, std::string>> attribute_texts;
};

struct donor_spec {
  std::string id;
  attribute_values attributes;
  std::vector<std::pair<std::string, std::string>> attribute_texts;
};

struct release_spec {
  timestamp at;
  money amount;
};

enum class sub_budget_scope : std::uint8_t { project, organization, donor };

struct sub_budget_spec {
  sub_budget_scope per = sub_budget_scope::project;
  field_ref amount_from;  // a money attribute of the project (project, organization) or donor
};

struct fund_spec {
  std::string id;
  std::string funder;
  money budget;
  std::vector<release_spec> releases;  // in time order; default: the budget at campaign start
  bool expire_unused = false;
  std::optional<sub_budget_spec> sub_budgets;
  std::optional<closeout_index> leftover;  // nullopt: keep
};

struct window_spec {
  timestamp from;  // inclusive
  timestamp to;    // exclusive
  std::optional<clock_range> daily;
};

struct ratio_tier {
  std::optional<condition> when;  // nullopt: the default tier (always last)
  ratio value;
};

struct fixed_ratio_formula {
  ratio value;
};
struct random_ratio_formula {
  ratio min;
  ratio max;
  ratio step;
  std::uint64_t choices = 1;  // (max - min) / step + 1
};
struct tiered_ratio_formula {
  std::vector<ratio_tier> tiers;
};
struct fixed_amount_formula {
  money value;
};
struct random_amount_formula {
  money min;
  money max;
};
// A bonus on what an earlier rule paid this donation (the 小红花 bonus).
struct bonus_formula {
  rule_index rule{};
  std::variant<ratio, tiered_ratio_formula> scale;
};

// A ratio that changes as the rule's own match grows (Facebook GivingTuesday 2020: 100 % on the
// first $2M, then 10 %): a step applies while the rule's total (its match lines net of
// reversals, plus what open holds hold) is below its `until`; the last step has none. A donation
// that straddles a boundary is split there exactly (docs/semantics.md "Stepped ratios").
struct ratio_step {
  std::optional<money> until;  // nullopt: the last step
  ratio value;
};
struct stepped_ratio_formula {
  std::vector<ratio_step> steps;
};

// A ratio or an amount recorded with the donation, its donor or its project (`ratio_from`,
// `amount_from`): a replay of real data reproduces each recorded random match. Missing: 0.
struct recorded_ratio_formula {
  field_ref field;  // a ratio attribute
};
struct recorded_amount_formula {
  field_ref field;  // a money attribute
};

using formula = std::variant<fixed_ratio_formula, random_ratio_formula, tiered_ratio_formula,
                             fixed_amount_formula, random_amount_formula, bonus_formula,
                             recorded_ratio_formula, recorded_amount_formula, stepped_ratio_formula>;

enum class cap_scope : std::uint8_t {
  donation,
  donor,
  project,
  organization,
  region,
  category,
  donor_project,
  donor_organization,
  campaign,
  field,  // attr:<field>: one counter per value of the field
};

// The rules file's words for the scopes of `per` (SPEC §5.3), `attr:<field>` aside.
inline constexpr std::pair<std::string_view, cap_scope> cap_scope_spellings[] = {
    {"donation", cap_scope::donation},
    {"donor", cap_scope::donor},
    {"project", cap_scope::project},
    {"organization", cap_scope::organization},
    {"region", cap_scope::region},
    {"category", cap_scope::category},
    {"donor_project", cap_scope::donor_project},
    {"donor_organization", cap_scope::donor_organization},
    {"campaign", cap_scope::campaign}};

enum class cap_measure : std::uint8_t { match, donation, count };

struct cap_spec {
  std::string id;  // as written, or its path (rules[0].caps[1], caps[0])
  cap_scope per = cap_scope::donor;
  std::optional<field_ref> scope_field;  // for cap_scope::field
  cap_period period;
  cap_measure measure = cap_measure::match;
  // The limit: minor units (match, donation) or a count; or read per scope from a field.
  std::optional<std::int64_t> max;
  std::optional<field_ref> max_from;
  std::vector<rule_index> rules;  // the rules it limits, in evaluation order
  bool shared = false;            // a top-level cap
};

enum class partial_mode : std::uint8_t { clip, skip };
enum class refund_disposition : std::uint8_t { give_back, forfeit };  // return | forfeit

// SPEC §6's words for a disposition, in one place: rules (`on_refund`), events (`disposition`)
// and the ledger's `disposition` column.
inline constexpr std::pair<std::string_view, refund_disposition> refund_disposition_spellings[] = {
    {"return", refund_disposition::give_back}, {"forfeit", refund_disposition::forfeit}};

inline constexpr std::string_view to_string(refund_disposition disposition) noexcept {
  return disposition == refund_disposition::give_back ? refund_disposition_spellings[0].first
                                                      : refund_disposition_spellings[1].first;
}

inline constexpr std::optional<refund_disposition> refund_disposition_from_string(std::string_view text) noexcept {
  for (const auto& [name, spelled] : refund_disposition_spellings) {
    if (name == text) return spelled;
  }
  return std::nullopt;
}

// `settle.payments` (docs/semantics.md, "Settlement on the donor's later payments"): a match
// line stands at the close only if the matched donation's donor made at least `min` payments to
// its project from the donation's time on, the donation itself included, before
// `within_days` × 86,400 s had passed when that is given. GlobalGiving's recurring match keeps
// the match of a first instalment only if the donor pays four times in all.
struct payments_requirement {
  std::int64_t min = 1;                     // at least 1
  std::optional<std::int64_t> within_days;  // at least 1; none: any time before the close
};

// `settle`: what a rule's match lines must meet at the close to stand; at least one of the two.
struct settle_spec {
  std::optional<condition> when;  // on project and fund fields at the close
  std::optional<payments_requirement> payments;
};

struct rule_spec {
  std::string id;
  std::string description;
  std::int64_t priority = 0;
  std::size_t file_order = 0;  // position in the rules file's `rules` list
  std::vector<fund_index> sources;
  std::vector<window_spec> windows;  // empty: the whole campaign
  condition eligible;
  std::optional<money> min_donation;
  std::optional<money> matchable_max;
  std::optional<probability> chance;
  formula match;
  std::vector<cap_index> own_caps;     // the rule's own, in order
  std::vector<cap_index> shared_caps;  // top-level caps that list it, in file order
  partial_mode partial = partial_mode::clip;
  rounding round = rounding::floor;
  bool exclusive = false;
  refund_disposition on_refund = refund_disposition::give_back;
  std::optional<settle_spec> settle;
  source_position position;
};

// Every condition a rule evaluates per donation, in order: its eligibility, then the `when` of
// each tier (of `ratio` or of `ratio_of`).
template <typename Visit>
void for_each_donation_condition(const rule_spec& rule, Visit visit) {
  visit(rule.eligible);
  const auto tiers_of = [&](const tiered_ratio_formula& tiers) {
    for (const ratio_tier& tier : tiers.tiers) {
      if (tier.when) visit(*tier.when);
    }
  };
  if (const auto* tiers = std::get_if<tiered_ratio_formula>(&rule.match)) tiers_of(*tiers);
  if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
    if (const auto* tiers = std::get_if<tiered_ratio_formula>(&bonus->scale)) tiers_of(*tiers);
  }
}

// Whether a condition, or a rule's eligibility and tiers, read project.day_rank or
// project.organization_day_rank (ranks fixed at the daily opening of the rule's window).
inline bool reads_day_rank(const condition& c) {
  if (c.type == condition::kind::leaf) {
    return c.leaf.field.kind == field_kind::project_day_rank ||
           c.leaf.field.kind == field_kind::project_organization_day_rank;
  }
  for (const condition& child : c.children) {
    if (reads_day_rank(child)) return true;
  }
  return false;
}

inline bool reads_day_rank(const rule_spec& rule) {
  bool reads = false;
  for_each_donation_condition(rule, [&](const condition& c) { reads = reads || reads_day_rank(c); });
  return reads;
}

enum class closeout_kind : std::uint8_t { proportional, equal, quadratic, fixed, challenge, rematch };
enum class quadratic_saturation : std::uint8_t { normalize, gitcoin };
enum class fixed_target : std::uint8_t { project, organization, region };

struct fixed_allocation {
  fixed_target target = fixed_target::project;
  std::uint32_t index = 0;  // project, organization or region index
  money amount;
  std::optional<condition> when;
  source_position position;
};

struct closeout_spec {
  std::string id;
  closeout_kind kind = closeout_kind::proportional;
  std::optional<fund_index> from;
  std::optional<money> budget;
  condition eligible;
  std::optional<money> cap;
  std::optional<ratio> max_share;  // at most 1
  std::vector<fund_index> leftover_funds;  // funds whose `leftover` names this step, file order
  // proportional
  std::optional<field_ref> weight;
  // quadratic
  std::optional<money> min_contribution;
  quadratic_saturation saturation = quadratic_saturation::normalize;
  // fixed
  std::vector<fixed_allocation> amounts;
  // challenge
  field_ref field;  // default project.raised
  std::optional<money> target;
  std::optional<field_ref> target_from;
  std::optional<money> pay_amount;
  std::optional<ratio> pay_ratio;
  std::optional<money> pay_cap;
  bool all_or_nothing = true;
  // rematch
  std::optional<rule_index> rule;
};

// One event of an embedded test, as field texts ("kind", "id", ..., "attr.NAME").
struct test_event {
  std::vector<std::pair<std::string, std::string>> fields;
  source_position position;
};

enum class fund_column : std::uint8_t {
  budget,
  released,
  drawn,
  returned,
  forfeited,
  expired,
  closeout,
  unallocated,
  available_end,
  exhausted_at,
};

struct expected_match {
  std::string donation_id;
  rule_index rule{};
  money amount;
  source_position position;
};

struct expected_fund_value {
  fund_index fund{};
  fund_column column = fund_column::budget;
  std::variant<money, std::optional<timestamp>> value;  // exhausted_at: a time or empty
  source_position position;
};

struct embedded_test {
  std::string id;
  std::vector<test_event> events;
  std::vector<expected_match> matched;
  std::vector<expected_fund_value> funds;
};

// Everything the loader produces; a rule_set owns it and offers it read-only.
struct rule_set_parts {
  std::string source_file;  // the rules file as given to the loader
  std::string source_sha256;  // of the rules file's bytes (hex); empty for rules built otherwise
  campaign_spec campaign;
  std::vector<std::string> organizations;  // by organization_index, in byte order
  std::vector<std::string> regions;
  std::vector<std::string> categories;
  std::vector<attribute_spec> donation_attributes;  // by attribute_slot
  std::vector<attribute_spec> donor_attributes;
  std::vector<attribute_spec> project_attributes;
  std::vector<project_spec> projects;  // file order
  std::vector<donor_spec> donors;
  std::vector<fund_spec> funds;
  std::vector<rule_spec> rules;  // evaluation order: priority, then file order
  std::vector<cap_spec> caps;    // every rule's own caps, then the top-level caps
  std::vector<closeout_spec> closeout;
  std::vector<embedded_test> tests;
};

class rule_set {
 public:
  explicit rule_set(rule_set_parts parts);

  [[nodiscard]] const std::string& source_file() const noexcept { return parts_->source_file; }
  // SHA-256 of the rules file's bytes, lower-case hex (a snapshot records it); empty for a rule
  // set not loaded from text.
  [[nodiscard]] const std::string& source_sha256() const noexcept { return parts_->source_sha256; }
  [[nodiscard]] const campaign_spec& campaign() const noexcept { return parts_->campaign; }
  [[nodiscard]] minor_digits_t minor_digits() const noexcept { return parts_->campaign.minor_digits; }

  [[nodiscard]] std::span<const project_spec> projects() const noexcept { return parts_->projects; }
  [[nodiscard]] std::span<const donor_spec> donors() const noexcept { return parts_->donors; }
  [[nodiscard]] std::span<const fund_spec> funds() const noexcept { return parts_->funds; }
  [[nodiscard]] std::span<const rule_spec> rules() const noexcept { return parts_->rules; }
  [[nodiscard]] std::span<const cap_spec> caps() const noexcept { return parts_->caps; }
  [[nodiscard]] std::span<const closeout_spec> closeout() const noexcept { return parts_->closeout; }
  [[nodiscard]] std::span<const embedded_test> tests() const noexcept { return parts_->tests; }
  [[nodiscard]] std::span<const std::string> organizations() const noexcept { return parts_->organizations; }
  [[nodiscard]] std::span<const std::string> regions() const noexcept { return parts_->regions; }
  [[nodiscard]] std::span<const std::string> categories() const noexcept { return parts_->categories; }
  [[nodiscard]] std::span<const attribute_spec> attributes(attribute_owner owner) const noexcept;

  [[nodiscard]] const project_spec& project(project_index i) const { return parts_->projects.at(position(i)); }
  [[nodiscard]] const fund_spec& fund(fund_index i) const { return parts_->funds.at(position(i)); }
  [[nodiscard]] const rule_spec& rule(rule_index i) const { return parts_->rules.at(position(i)); }
  [[nodiscard]] const cap_spec& cap(cap_index i) const { return parts_->caps.at(position(i)); }

  // Id lookups, for hosts and for events that name projects and donors.
  [[nodiscard]] std::optional<project_index> find_project(std::string_view id) const;
  [[nodiscard]] std::optional<donor_index> find_donor(std::string_view id) const;
  [[nodiscard]] std::optional<fund_index> find_fund(std::string_view id) const;
  [[nodiscard]] std::optional<rule_index> find_rule(std::string_view id) const;

  // Everything the rule set holds, to copy, edit and build another from (rule_override.hpp).
  [[nodiscard]] const rule_set_parts& parts() const noexcept { return *parts_; }

 private:
  struct lookups;  // id -> index hash maps, defined in the source file (Boost stays out of here)
  std::shared_ptr<const rule_set_parts> parts_;  // shared: copies of a rule set are cheap
  std::shared_ptr<const lookups> lookups_;
};

}  // namespace matchfund

#endif
