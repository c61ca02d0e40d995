// Phase 5 of loading rules: caps (SPEC §5.3), a rule's own and the shared ones at the top level.
// A cap is its scope (per), its period, what it measures, its limit (max or max_from) and, when
// shared, the rules it limits; the engine's 16-bit cap numbers and periods bound them too.
#include "load/rules_loader.hpp"

#include "support/run_limits.hpp"

namespace matchfund::detail::loading {

namespace {

// 32768 as "32,768".
std::string with_thousands(std::int64_t number) {
  std::string digits = std::to_string(number);
  for (auto at = digits.size(); at > 3 && digits[at - 4] != '-'; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

}  // namespace

// A cap with any problem is reported whole (every part is read) and then left out.
std::optional<cap_index> rules_loader::read_cap(const located_node& node, std::string default_id, bool shared) {
  map_reader reader(node);
  if (!reader.valid()) return std::nullopt;
  cap_spec cap;
  cap.shared = shared;
  cap.id = std::move(default_id);
  bool ok = read_cap_id(reader, cap);
  if (!read_cap_scope(reader, cap)) ok = false;
  if (!read_cap_period(reader, cap)) ok = false;
  if (auto measure = reader.required("measure")) {
    auto parsed = detail::read_choice<cap_measure>(*measure, {{"match", cap_measure::match},
                                                             {"donation", cap_measure::donation},
                                                             {"count", cap_measure::count}});
    if (parsed) cap.measure = *parsed; else ok = false;
  } else {
    ok = false;
  }
  if (!read_cap_limit(reader, cap)) ok = false;
  if (!read_cap_rules(reader, cap)) ok = false;
  reader.finish();
  if (!ok) return std::nullopt;
  // The engine names a cap in 16 bits (support/run_limits.hpp); reported once, at the first cap beyond.
  if (parts_.caps.size() > max_cap_number) {
    if (caps_refused_++ == 0) {
      report(node, "more than " + with_thousands(std::int64_t{max_cap_number} + 1) + " caps in one rules file",
             diagnostic_code::cap_limit);
    }
    return std::nullopt;
  }
  parts_.caps.push_back(std::move(cap));
  return index_at<cap_index>(parts_.caps.size() - 1);
}

// Cap ids are unique across the rules' own caps and the shared ones: outputs name caps by id.
bool rules_loader::read_cap_id(map_reader& reader, cap_spec& cap) {
  bool ok = true;
  if (auto id = reader.optional("id")) {
    if (auto text = detail::read_id(*id)) cap.id = *text; else ok = false;
  }
  const located_node& id_blame = reader.has("id") ? *child_of(reader.self(), "id") : reader.self();
  if (auto [first, inserted] = cap_ids_.emplace(cap.id, id_blame.at.line); !inserted) {
    report(id_blame, "duplicate cap id \"" + cap.id + "\" (first at line " + std::to_string(first->second) + ")",
           diagnostic_code::duplicate_id);
    ok = false;
  }
  return ok;
}

// per: one of the named scopes, or attr:<field> for the values of any donation, donor or
// project field.
bool rules_loader::read_cap_scope(map_reader& reader, cap_spec& cap) {
  auto per = reader.required("per");
  if (!per) return false;
  auto text = detail::read_string(*per);
  if (!text) return false;
  for (const auto& [name, scope] : cap_scope_spellings) {
    if (*text == name) {
      cap.per = scope;
      return true;
    }
  }
  if (text->starts_with("attr:")) {
    auto field = parse_field(std::string_view(*text).substr(5));
    if (field && field->kind >= field_kind::donation_id && field->kind <= field_kind::project_attribute &&
        field->kind != field_kind::project_tags) {
      cap.per = cap_scope::field;
      cap.scope_field = *field;
      return true;
    }
    report(*per, "\"" + *text + "\" names no donation, donor or project field", diagnostic_code::unknown_field);
    return false;
  }
  report(*per,
         "invalid value \"" + *text +
             "\" (expected donation, donor, project, organization, region, category, donor_project, "
             "donor_organization, campaign or attr:<field>)",
         diagnostic_code::bad_choice);
  return false;
}

bool rules_loader::read_cap_period(map_reader& reader, cap_spec& cap) {
  bool ok = true;
  const auto period_node = reader.optional("period");
  std::optional<period_kind> period = period_kind::campaign;
  if (period_node) {
    period = detail::read_choice<period_kind>(*period_node, {{"campaign", period_kind::campaign},
                                                             {"day", period_kind::day},
                                                             {"year", period_kind::year}});
    if (!period) ok = false;
  }
  month_day year_start{};
  if (auto start = reader.optional("year_start")) {
    if (period != period_kind::year) {
      report(*start, "year_start applies only to period: year", diagnostic_code::year_start_without_year);
      ok = false;
    } else if (auto parsed = detail::read_month_day(*start)) {
      year_start = *parsed;
    } else {
      ok = false;
    }
  }
  if (period == period_kind::day) cap.period = cap_period::local_day();
  if (period == period_kind::year) cap.period = cap_period::year_from(year_start);
  if (period && !cap_periods_fit(cap, *period, period_node ? *period_node : reader.self())) ok = false;
  return ok;
}

// The engine keeps a cap's period, counted from the one the campaign starts in, in 16 bits
// (support/run_limits.hpp): a campaign may span that one and max_cap_period more. A campaign
// whose times are themselves in error is not measured.
bool rules_loader::cap_periods_fit(const cap_spec& cap, period_kind period, const located_node& blame) {
  if (!campaign_times_ok_ || !timezone_ok_) return true;
  const auto& campaign = parts_.campaign;
  const std::int64_t first = cap.period.index_of(campaign.start, campaign.timezone);
  const std::int64_t last = cap.period.index_of(campaign.end - duration{1}, campaign.timezone);
  if (last - first <= max_cap_period) return true;
  report(blame,
         "the campaign spans " + with_thousands(last - first + 1) +
             (period == period_kind::day ? " local days" : " years") + ", more than the " +
             with_thousands(std::int64_t{max_cap_period} + 1) + " periods a cap can count",
         diagnostic_code::period_limit);
  return false;
}

// max (a count or an amount, as the cap measures) or max_from (an attribute holding it).
bool rules_loader::read_cap_limit(map_reader& reader, cap_spec& cap) {
  const auto max_node = reader.optional("max");
  const auto max_from_node = reader.optional("max_from");
  if (max_node && max_from_node) {
    report(*max_from_node, "give either max or max_from, not both", diagnostic_code::conflicting_keys);
    return false;
  }
  if (!max_node && !max_from_node) {
    reader.self().report("a cap needs max or max_from", diagnostic_code::missing_key);
    return false;
  }
  if (max_node) {
    if (cap.measure == cap_measure::count) {
      cap.max = detail::read_integer(*max_node, 0, money_limit_minor);
    } else if (auto amount = read_money_at(*max_node)) {
      cap.max = amount->minor_units();
    }
    return cap.max.has_value();
  }
  const auto owners = {attribute_owner::donation, attribute_owner::donor, attribute_owner::project};
  cap.max_from = read_attribute_field(*max_from_node, owners, "max_from");
  return cap.max_from.has_value();
}

// Only a shared cap lists rules (SPEC §11.6), and it must: a rule's own cap limits that rule.
bool rules_loader::read_cap_rules(map_reader& reader, cap_spec& cap) {
  auto rules = reader.optional("rules");
  if (!rules) {
    if (!cap.shared) return true;
    reader.self().report("a top-level cap must list the rules it limits (rules: [...])", diagnostic_code::missing_key);
    return false;
  }
  if (!cap.shared) {
    report(*rules, "a rule's own cap limits that rule; list rules only on top-level caps",
           diagnostic_code::cap_rules_not_allowed);
    return false;
  }
  auto listed =
      read_reference_list<rule_index>(*rules, rule_ids_, rule_reference, "a shared cap must list at least one rule");
  if (!listed) return false;
  cap.rules = std::move(*listed);
  std::sort(cap.rules.begin(), cap.rules.end());
  return true;
}

void rules_loader::read_shared_caps(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    auto cap = read_cap((*elements)[i], detail::index_path("caps", i), true);
    if (!cap) continue;
    for (rule_index rule : parts_.caps[position(*cap)].rules) parts_.rules[position(rule)].shared_caps.push_back(*cap);
  }
}

}  // namespace matchfund::detail::loading
