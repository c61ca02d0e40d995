// The stable codes of diagnostics (docs/errors.md) as a type, with one spelling table: the
// spellings end every printed diagnostic and are a public contract, so they are written once.
#ifndef MATCHFUND_DIAGNOSTIC_CODE_HPP
#define MATCHFUND_DIAGNOSTIC_CODE_HPP

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace matchfund {

// One enumerator per code of the tables of docs/errors.md, in their order; internal_error stays
// last, and the spelling table below lists the codes in this order.
enum class diagnostic_code : std::uint8_t {
  // YAML and structure
  bad_encoding,
  yaml_syntax,
  multiple_documents,
  yaml_alias,
  yaml_tag,
  yaml11_boolean,
  yaml11_number,
  duplicate_key,
  bad_key,
  unknown_key,
  missing_key,
  wrong_type,
  empty_list,
  conflicting_keys,
  key_not_allowed,
  unsupported_version,
  // Values
  bad_integer,
  bad_money,
  negative_money,
  money_limit,
  bad_ratio,
  bad_probability,
  bad_time,
  bad_date,
  bad_clock,
  bad_duration,  // spelled "duration" (SPEC §12)
  bad_timezone,
  bad_year_start,
  bad_choice,
  bad_id,
  empty_value,
  bad_currency,
  unknown_currency,
  bad_campaign_period,
  time_not_writable,
  // References
  duplicate_id,
  duplicate_reference,
  unknown_fund,
  unknown_rule,
  unknown_closeout,
  unknown_project,
  unknown_organization,
  unknown_region,
  unknown_field,
  // Funds
  releases_exceed_budget,
  release_outside_campaign,
  releases_out_of_order,
  bad_daily_range,
  // Rules
  missing_formula,
  missing_seed,
  rule_order,
  random_step,
  bad_random_range,
  tier_order,
  bad_window,
  window_outside_campaign,
  // Caps
  cap_rules_not_allowed,
  year_start_without_year,
  cap_limit,
  period_limit,
  // Conditions and fields
  bad_operator,
  type_mismatch,
  attribute_type_conflict,
  field_not_allowed,
  default_not_allowed,
  bad_field,
  // Close-out
  no_money_source,
  missing_attribute,
  bad_share,
  // Projects, donors and other files
  file_unreadable,
  csv_syntax,
  missing_column,
  unknown_column,
  bad_attribute_value,
  // Embedded tests
  unknown_donation,
  // Demand files (docs/simulate.md)
  campaign_mismatch,
  bad_law,
  bad_profile,
  // Never a property of the file: a bug in matchfund, reported instead of thrown.
  internal_error,
};

inline constexpr std::pair<std::string_view, diagnostic_code> diagnostic_code_spellings[] = {
    {"bad_encoding", diagnostic_code::bad_encoding},
    {"yaml_syntax", diagnostic_code::yaml_syntax},
    {"multiple_documents", diagnostic_code::multiple_documents},
    {"yaml_alias", diagnostic_code::yaml_alias},
    {"yaml_tag", diagnostic_code::yaml_tag},
    {"yaml11_boolean", diagnostic_code::yaml11_boolean},
    {"yaml11_number", diagnostic_code::yaml11_number},
    {"duplicate_key", diagnostic_code::duplicate_key},
    {"bad_key", diagnostic_code::bad_key},
    {"unknown_key", diagnostic_code::unknown_key},
    {"missing_key", diagnostic_code::missing_key},
    {"wrong_type", diagnostic_code::wrong_type},
    {"empty_list", diagnostic_code::empty_list},
    {"conflicting_keys", diagnostic_code::conflicting_keys},
    {"key_not_allowed", diagnostic_code::key_not_allowed},
    {"unsupported_version", diagnostic_code::unsupported_version},
    {"bad_integer", diagnostic_code::bad_integer},
    {"bad_money", diagnostic_code::bad_money},
    {"negative_money", diagnostic_code::negative_money},
    {"money_limit", diagnostic_code::money_limit},
    {"bad_ratio", diagnostic_code::bad_ratio},
    {"bad_probability", diagnostic_code::bad_probability},
    {"bad_time", diagnostic_code::bad_time},
    {"bad_date", diagnostic_code::bad_date},
    {"bad_clock", diagnostic_code::bad_clock},
    {"duration", diagnostic_code::bad_duration},
    {"bad_timezone", diagnostic_code::bad_timezone},
    {"bad_year_start", diagnostic_code::bad_year_start},
    {"bad_choice", diagnostic_code::bad_choice},
    {"bad_id", diagnostic_code::bad_id},
    {"empty_value", diagnostic_code::empty_value},
    {"bad_currency", diagnostic_code::bad_currency},
    {"unknown_currency", diagnostic_code::unknown_currency},
    {"bad_campaign_period", diagnostic_code::bad_campaign_period},
    {"time_not_writable", diagnostic_code::time_not_writable},
    {"duplicate_id", diagnostic_code::duplicate_id},
    {"duplicate_reference", diagnostic_code::duplicate_reference},
    {"unknown_fund", diagnostic_code::unknown_fund},
    {"unknown_rule", diagnostic_code::unknown_rule},
    {"unknown_closeout", diagnostic_code::unknown_closeout},
    {"unknown_project", diagnostic_code::unknown_project},
    {"unknown_organization", diagnostic_code::unknown_organization},
    {"unknown_region", diagnostic_code::unknown_region},
    {"unknown_field", diagnostic_code::unknown_field},
    {"releases_exceed_budget", diagnostic_code::releases_exceed_budget},
    {"release_outside_campaign", diagnostic_code::release_outside_campaign},
    {"releases_out_of_order", diagnostic_code::releases_out_of_order},
    {"bad_daily_range", diagnostic_code::bad_daily_range},
    {"missing_formula", diagnostic_code::missing_formula},
    {"missing_seed", diagnostic_code::missing_seed},
    {"rule_order", diagnostic_code::rule_order},
    {"random_step", diagnostic_code::random_step},
    {"bad_random_range", diagnostic_code::bad_random_range},
    {"tier_order", diagnostic_code::tier_order},
    {"bad_window", diagnostic_code::bad_window},
    {"window_outside_campaign", diagnostic_code::window_outside_campaign},
    {"cap_rules_not_allowed", diagnostic_code::cap_rules_not_allowed},
    {"year_start_without_year", diagnostic_code::year_start_without_year},
    {"cap_limit", diagnostic_code::cap_limit},
    {"period_limit", diagnostic_code::period_limit},
    {"bad_operator", diagnostic_code::bad_operator},
    {"type_mismatch", diagnostic_code::type_mismatch},
    {"attribute_type_conflict", diagnostic_code::attribute_type_conflict},
    {"field_not_allowed", diagnostic_code::field_not_allowed},
    {"default_not_allowed", diagnostic_code::default_not_allowed},
    {"bad_field", diagnostic_code::bad_field},
    {"no_money_source", diagnostic_code::no_money_source},
    {"missing_attribute", diagnostic_code::missing_attribute},
    {"bad_share", diagnostic_code::bad_share},
    {"file_unreadable", diagnostic_code::file_unreadable},
    {"csv_syntax", diagnostic_code::csv_syntax},
    {"missing_column", diagnostic_code::missing_column},
    {"unknown_column", diagnostic_code::unknown_column},
    {"bad_attribute_value", diagnostic_code::bad_attribute_value},
    {"unknown_donation", diagnostic_code::unknown_donation},
    {"campaign_mismatch", diagnostic_code::campaign_mismatch},
    {"bad_law", diagnostic_code::bad_law},
    {"bad_profile", diagnostic_code::bad_profile},
    {"internal_error", diagnostic_code::internal_error},
};

inline constexpr std::string_view to_string(diagnostic_code code) noexcept {
  for (const auto& [name, spelled] : diagnostic_code_spellings) {
    if (spelled == code) return name;
  }
  return "internal_error";
}

inline constexpr std::optional<diagnostic_code> diagnostic_code_from_string(std::string_view text) noexcept {
  for (const auto& [name, spelled] : diagnostic_code_spellings) {
    if (name == text) return spelled;
  }
  return std::nullopt;
}

}  // namespace matchfund

#endif
