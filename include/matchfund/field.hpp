// A field a condition, cap scope or close-out weight reads (SPEC §5.1), resolved at load
// time to a kind and an index: no string lookups when a donation is evaluated.
#ifndef MATCHFUND_FIELD_HPP
#define MATCHFUND_FIELD_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/value.hpp"

namespace matchfund {

enum class field_kind : std::uint8_t {
  donation_id,
  donation_amount,
  donation_channel,
  donation_local_date,
  donation_local_clock,
  donation_attribute,
  donor_id,
  donor_attribute,
  project_id,
  project_organization,
  project_region,
  project_category,
  project_tags,
  project_attribute,
  project_raised,     // totals as they were before the donation being evaluated
  project_donors,
  project_donations,
  project_matched,
  project_day_rank,               // the rank by the local day's raising at the window's opening
  project_organization_day_rank,  // the same of the project's organization
  fund_budget,        // index: the fund
  fund_drawn,
  fund_available,
  rule_matched,       // index: the rule; what it paid the donation being evaluated
  rule_total,         // index: the rule; net paid over the campaign (close-out weights only)
  rule_qualifying,    // index: the rule; the donations it took up to its formula (close-out weights only)
  rule_outside_windows,  // index: the rule; the donations it found outside its windows (close-out weights only)
};

// Whose attribute table an attribute field reads.
enum class attribute_owner : std::uint8_t { donation, donor, project };

struct field_ref {
  field_kind kind = field_kind::donation_amount;
  // The attribute slot (attribute fields), fund index (fund_*) or rule index (rule_*); else 0.
  std::uint32_t index = 0;
  std::string name;  // the field as written, for messages and traces

  friend bool operator==(const field_ref&, const field_ref&) = default;
};

inline constexpr bool is_attribute(field_kind kind) noexcept {
  return kind == field_kind::donation_attribute || kind == field_kind::donor_attribute ||
         kind == field_kind::project_attribute;
}

// The text fields an event or project may lack without being bad: in conditions they then
// compare as the empty string (SPEC §11.17); as a cap's scope they are missing (§5.3).
inline constexpr bool is_optional_text(field_kind kind) noexcept {
  return kind == field_kind::donation_channel || kind == field_kind::project_region ||
         kind == field_kind::project_category;
}

inline constexpr attribute_owner owner_of_attribute(field_kind kind) noexcept {
  if (kind == field_kind::donor_attribute) return attribute_owner::donor;
  if (kind == field_kind::project_attribute) return attribute_owner::project;
  return attribute_owner::donation;
}

inline constexpr std::string_view to_string(attribute_owner owner) noexcept {
  switch (owner) {
    case attribute_owner::donation: return "donation";
    case attribute_owner::donor: return "donor";
    case attribute_owner::project: return "project";
  }
  return "donation";
}

// Reads only the project and the funds (usable at close, with no donation at hand).
// Ranks exist only inside a rule's daily window, so not at close: not project fields here.
inline constexpr bool is_project_or_fund_field(field_kind kind) noexcept {
  return (kind >= field_kind::project_id && kind <= field_kind::project_matched) ||
         kind == field_kind::fund_budget || kind == field_kind::fund_drawn ||
         kind == field_kind::fund_available;
}

// The rule fields that exist only as close-out weights, over the whole campaign.
inline constexpr bool is_rule_weight(field_kind kind) noexcept {
  return kind == field_kind::rule_total || kind == field_kind::rule_qualifying || kind == field_kind::rule_outside_windows;
}

// The type of a field that is not an attribute (attributes take their type from the rules).
inline constexpr value_type fixed_type_of(field_kind kind) noexcept {
  switch (kind) {
    case field_kind::donation_amount:
    case field_kind::project_raised:
    case field_kind::project_matched:
    case field_kind::fund_budget:
    case field_kind::fund_drawn:
    case field_kind::fund_available:
    case field_kind::rule_matched:
    case field_kind::rule_total:
    case field_kind::rule_qualifying:
    case field_kind::rule_outside_windows:
      return value_type::money;
    case field_kind::project_donors:
    case field_kind::project_donations:
    case field_kind::project_day_rank:
    case field_kind::project_organization_day_rank:
      return value_type::integer;
    case field_kind::donation_local_date: return value_type::date;
    case field_kind::donation_local_clock: return value_type::clock;
    case field_kind::project_tags: return value_type::tags;
    default: return value_type::string;
  }
}

}  // namespace matchfund

#endif
