// Reading fields and conditions (SPEC §5.1) for the rules loader.
#include "load/rules_loader.hpp"

namespace matchfund::detail::loading {

namespace {

// The fields of SPEC §5.1 whose names hold no id or attribute name.
constexpr std::pair<std::string_view, field_kind> fixed_field_names[] = {
    {"donation.id", field_kind::donation_id},
    {"donation.amount", field_kind::donation_amount},
    {"donation.channel", field_kind::donation_channel},
    {"donation.local_date", field_kind::donation_local_date},
    {"donation.local_clock", field_kind::donation_local_clock},
    {"donor.id", field_kind::donor_id},
    {"project.id", field_kind::project_id},
    {"project.organization", field_kind::project_organization},
    {"project.region", field_kind::project_region},
    {"project.category", field_kind::project_category},
    {"project.tags", field_kind::project_tags},
    {"project.raised", field_kind::project_raised},
    {"project.donors", field_kind::project_donors},
    {"project.donations", field_kind::project_donations},
    {"project.matched", field_kind::project_matched},
    {"project.day_rank", field_kind::project_day_rank},
    {"project.organization_day_rank", field_kind::project_organization_day_rank},
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Conditions and fields (SPEC §5.1).

std::optional<field_ref> rules_loader::parse_field(std::string_view text) const {
  std::string ignored_message;
  diagnostic_code ignored_code{};
  return parse_field(text, ignored_message, ignored_code);
}

std::optional<field_ref> rules_loader::parse_field(std::string_view text, std::string& message,
                                                  diagnostic_code& code) const {
  field_ref field;
  field.name = std::string(text);
  const auto fixed = [&](field_kind kind) {
    field.kind = kind;
    return field;
  };
  const auto attribute = [&](field_kind kind, std::string_view name) -> std::optional<field_ref> {
    if (name.empty()) {
      message = "field \"" + std::string(text) + "\" has an empty attribute name";
      code = diagnostic_code::unknown_field;
      return std::nullopt;
    }
    field.kind = kind;
    const auto slot = attribute_slots_.find(text);
    field.index = slot == attribute_slots_.end() ? 0 : slot->second;
    return field;
  };
  for (const auto& [name, kind] : fixed_field_names) {
    if (text == name) return fixed(kind);
  }
  for (const auto& [prefix, kind] : {std::pair{std::string_view{"donation.attr."}, field_kind::donation_attribute},
                                     std::pair{std::string_view{"donor.attr."}, field_kind::donor_attribute},
                                     std::pair{std::string_view{"project.attr."}, field_kind::project_attribute}}) {
    if (text.starts_with(prefix)) return attribute(kind, text.substr(prefix.size()));
  }
  // fund.ID.budget|drawn|available and rule.ID.matched|total: the id is what lies between.
  const auto entity = [&](std::string_view prefix, std::initializer_list<std::pair<std::string_view, field_kind>> suffixes,
                          const id_table& ids, reference_kind what) -> std::optional<std::optional<field_ref>> {
    if (!text.starts_with(prefix)) return std::nullopt;
    for (const auto& [suffix, kind] : suffixes) {
      if (text.size() <= prefix.size() + suffix.size() || !text.ends_with(suffix)) continue;
      const std::string id(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
      const auto found = ids.find(id);
      if (!found) {
        message = "field \"" + std::string(text) + "\" names an unknown " + std::string(what.word) + " \"" + id + "\"";
        code = what.unknown;
        return std::optional<field_ref>{};
      }
      field.kind = kind;
      field.index = static_cast<std::uint32_t>(*found);
      return std::optional<field_ref>{field};
    }
    return std::nullopt;
  };
  if (auto fund = entity("fund.", {{".budget", field_kind::fund_budget}, {".drawn", field_kind::fund_drawn},
                                   {".available", field_kind::fund_available}},
                         fund_ids_, fund_reference)) {
    return *fund;
  }
  if (auto rule = entity("rule.", {{".matched", field_kind::rule_matched}, {".total", field_kind::rule_total},
                                   {".qualifying", field_kind::rule_qualifying},
                                   {".outside_windows", field_kind::rule_outside_windows}},
                         rule_ids_, rule_reference)) {
    return *rule;
  }
  message = "unknown field \"" + std::string(text) + "\"";
  code = diagnostic_code::unknown_field;
  return std::nullopt;
}

std::optional<field_ref> rules_loader::read_field(const located_node& node, bool report_unknown) {
  auto text = detail::read_string(node);
  if (!text) return std::nullopt;
  std::string message;
  diagnostic_code code{};
  auto field = parse_field(*text, message, code);
  if (!field && report_unknown) report(node, message, code);
  return field;
}

std::optional<field_ref> rules_loader::read_attribute_field(const located_node& node,
                                                            std::initializer_list<attribute_owner> owners,
                                                            std::string_view what) {
  auto field = read_field(node);
  if (!field) return std::nullopt;
  const bool allowed = is_attribute(field->kind) &&
                       std::find(owners.begin(), owners.end(), owner_of_attribute(field->kind)) != owners.end();
  if (!allowed) {
    std::string expected;
    for (auto owner : owners) expected += (expected.empty() ? "" : " or ") + std::string(to_string(owner)) + ".attr.NAME";
    report(node, std::string(what) + " must be an attribute field (" + expected + "), not " + field->name,
           diagnostic_code::bad_field);
    return std::nullopt;
  }
  return field;
}

value_type rules_loader::type_of_field(const field_ref& field) const {
  if (!is_attribute(field.kind)) return fixed_type_of(field.kind);
  const auto found = evidence_.find(field.name);
  return found == evidence_.end() ? value_type::string : found->second.type;
}

std::optional<condition> rules_loader::read_condition(const located_node& node, field_context context,
                                                      std::optional<rule_index> current_rule) {
  map_reader reader(node);
  if (!reader.valid()) return std::nullopt;
  const bool all = reader.has("all"), any = reader.has("any"), negation = reader.has("not"), leaf = reader.has("field");
  const int forms = int{all} + int{any} + int{negation} + int{leaf};
  if (forms != 1) {
    reader.allow({"all", "any", "not", "field", "op", "value", "default"});  // the problem is the form
    node.report(forms == 0 ? "a condition needs one of all, any, not or field"
                           : "a condition has exactly one of all, any, not or field",
                forms == 0 ? diagnostic_code::missing_key : diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  condition result;
  if (all || any) {
    result.type = all ? condition::kind::all : condition::kind::any;
    auto operands = reader.required(all ? "all" : "any");
    reader.finish();
    auto elements = detail::read_list(*operands);
    if (!elements) return std::nullopt;
    if (elements->empty()) {
      report(*operands, std::string(all ? "all" : "any") + " needs at least one condition",
             diagnostic_code::empty_list);
      return std::nullopt;
    }
    bool ok = true;
    for (const auto& element : *elements) {
      auto operand = read_condition(element, context, current_rule);
      if (operand) result.children.push_back(std::move(*operand)); else ok = false;
    }
    if (!ok) return std::nullopt;
    return result;
  }
  if (negation) {
    auto operand_node = reader.required("not");
    reader.finish();
    auto operand = read_condition(*operand_node, context, current_rule);
    if (!operand) return std::nullopt;
    result.type = condition::kind::negation;
    result.children.push_back(std::move(*operand));
    return result;
  }
  auto parsed = read_leaf(reader, context, current_rule);
  reader.finish();
  if (!parsed) return std::nullopt;
  result.type = condition::kind::leaf;
  result.leaf = std::move(*parsed);
  return result;
}

std::optional<condition_leaf> rules_loader::read_leaf(map_reader& reader, field_context context,
                                                      std::optional<rule_index> current_rule) {
  const auto field_node = reader.required("field");
  const auto op_node = reader.required("op");
  const auto value_node = reader.required("value");
  const auto default_node = reader.optional("default");
  if (!field_node || !op_node || !value_node) return std::nullopt;
  auto field = read_field(*field_node);
  auto op_text = detail::read_string(*op_node);
  if (!field || !op_text) return std::nullopt;
  auto op = compare_op_from_string(*op_text);
  if (!op) {
    report(*op_node, "unknown operator \"" + *op_text + "\" (expected ==, !=, <, <=, >, >=, in, not_in or contains)",
           diagnostic_code::bad_operator);
    return std::nullopt;
  }
  if (!field_allowed_here(*field_node, *field, context, default_node.has_value(), current_rule)) return std::nullopt;
  const value_type type = type_of_field(*field);
  if (!operator_applies(*op_node, *op_text, *op, *field, type)) return std::nullopt;
  condition_leaf leaf;
  leaf.field = *field;
  leaf.op = *op;
  const value_type operand_type = type == value_type::tags ? value_type::string : type;
  bool ok = true;
  if (*op == compare_op::in || *op == compare_op::not_in) {
    if (!value_node->is_list()) {
      report(*value_node, "operator " + *op_text + " needs a list of values", diagnostic_code::wrong_type);
      return std::nullopt;
    }
    const auto elements = value_node->elements();
    if (elements.empty()) {
      report(*value_node, "operator " + *op_text + " needs at least one value", diagnostic_code::empty_list);
      return std::nullopt;
    }
    for (const auto& element : elements) {
      auto operand = read_operand(element, *field, operand_type);
      if (operand) leaf.operands.push_back(std::move(*operand)); else ok = false;
    }
  } else if (auto operand = read_operand(*value_node, *field, operand_type)) {
    leaf.operands.push_back(std::move(*operand));
  } else {
    ok = false;
  }
  if (default_node && !read_leaf_default(*default_node, type, leaf)) ok = false;
  if (!ok) return std::nullopt;
  return leaf;
}

// Where the condition stands decides which fields exist.
bool rules_loader::field_allowed_here(const located_node& field_node, const field_ref& field, field_context context,
                                      bool has_default, std::optional<rule_index> current_rule) {
  if (is_rule_weight(field.kind)) {
    report(field_node, field.name + " is a close-out weight, not a condition field",
           diagnostic_code::field_not_allowed);
    return false;
  }
  if (context == field_context::project_at_close && !is_project_or_fund_field(field.kind)) {
    report(field_node, field.name + " is not known at close: only project and fund fields can be used here",
           diagnostic_code::field_not_allowed);
    return false;
  }
  // SPEC §11.10: at close there is no event to reject, so a project attribute that some project
  // lacks needs a default. Settle conditions are decided at close too.
  if (context == field_context::project_at_close && field.kind == field_kind::project_attribute && !has_default) {
    for (const auto& project : parts_.projects) {
      if (project.attributes.size() > field.index && project.attributes[field.index]) continue;
      report(field_node,
             "project \"" + project.id + "\" has no " + field.name + " and the condition gives no default",
             diagnostic_code::missing_attribute);
      return false;
    }
  }
  if (field.kind == field_kind::rule_matched && current_rule && field.index >= position(*current_rule)) {
    report(field_node, field.name + " must name a rule evaluated before this one", diagnostic_code::rule_order);
    return false;
  }
  return true;
}

// Ordering compares numbers, dates and clock times only (SPEC §11.16); tags are only searched.
bool rules_loader::operator_applies(const located_node& op_node, const std::string& op_text, compare_op op,
                                    const field_ref& field, value_type type) {
  const auto operator_error = [&](const std::string& why) {
    report(op_node, "operator " + op_text + " " + why, diagnostic_code::bad_operator);
    return false;
  };
  const bool ordering = op == compare_op::less || op == compare_op::less_equal || op == compare_op::greater ||
                        op == compare_op::greater_equal;
  const bool orderable = type == value_type::integer || type == value_type::money || type == value_type::date ||
                         type == value_type::clock || type == value_type::ratio;
  if (ordering && !orderable) return operator_error("does not apply to " + field.name + " (" + article(type) + ")");
  if (op == compare_op::contains && type != value_type::string && type != value_type::tags) {
    return operator_error("needs a string field or project.tags, not " + field.name + " (" + article(type) + ")");
  }
  if (type == value_type::tags && op != compare_op::contains) {
    return operator_error("does not apply to project.tags (use contains)");
  }
  return true;
}

// The value a missing attribute takes; other fields are never missing.
bool rules_loader::read_leaf_default(const located_node& default_node, value_type type, condition_leaf& leaf) {
  if (!is_attribute(leaf.field.kind)) {
    report(default_node, "default applies only to attribute fields; " + leaf.field.name + " is never missing",
           diagnostic_code::default_not_allowed);
    return false;
  }
  auto fallback = read_operand(default_node, leaf.field, type);
  if (!fallback) return false;
  leaf.fallback = std::move(*fallback);
  return true;
}

std::optional<value> rules_loader::read_operand(const located_node& node, const field_ref& field, value_type type) {
  auto text = detail::read_scalar_text(node, "a scalar value");
  if (!text) return std::nullopt;
  const value_type given = classify_scalar_text(*text);
  const auto mismatch = [&] {
    report(node,
           "cannot compare " + field.name + " (" + article(type) + ") with \"" + *text + "\" (" + article(given) + ")",
           diagnostic_code::type_mismatch);
    return std::nullopt;
  };
  switch (type) {
    case value_type::boolean:
      if (given != value_type::boolean) return mismatch();
      return value{boolean_text_value(*text)};
    case value_type::integer: {
      if (given != value_type::integer) return mismatch();
      auto number = detail::read_integer(node, -money_limit_minor, money_limit_minor);
      if (!number) return std::nullopt;
      return value{*number};
    }
    case value_type::money: {
      if (given != value_type::integer && given != value_type::money) return mismatch();
      auto amount = parse_money(*text, digits());
      if (!amount) {
        report(node, amount.error(), diagnostic_code::bad_money);
        return std::nullopt;
      }
      return value{*amount};
    }
    case value_type::ratio: {
      if (given != value_type::integer && given != value_type::money) return mismatch();
      auto recorded = parse_ratio(*text);
      if (!recorded) {
        report(node, recorded.error(), diagnostic_code::bad_ratio);
        return std::nullopt;
      }
      return value{*recorded};
    }
    case value_type::date: {
      auto date = detail::read_date(node);
      if (!date) return std::nullopt;
      return value{*date};
    }
    case value_type::clock: {
      auto clock = detail::read_clock(node);
      if (!clock) return std::nullopt;
      return value{*clock};
    }
    default:
      // Fixed string fields (ids, names, channel) take the text as it is, digits included
      // (project.id == "10086"); a boolean there is surely a mistake.
      if (given == value_type::boolean) return mismatch();
      return value{*text};
  }
}

}  // namespace matchfund::detail::loading
