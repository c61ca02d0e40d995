// Phase 5 of loading rules: close-out steps (SPEC §7). A step has the keys every step has, and
// the keys of its kind; a key of another kind is reported, not ignored.
#include "load/rules_loader.hpp"

#include <iterator>

namespace matchfund::detail::loading {

namespace {

// The keys (and columns) that say where a fixed amount goes, and the code of an id that names
// nothing there; a fixed-amounts file has its columns in this order, then the amount.
struct fixed_target_key {
  std::string_view key;
  fixed_target target;
  diagnostic_code unknown;
};
constexpr fixed_target_key fixed_target_keys[] = {
    {"project", fixed_target::project, diagnostic_code::unknown_project},
    {"organization", fixed_target::organization, diagnostic_code::unknown_organization},
    {"region", fixed_target::region, diagnostic_code::unknown_region}};
constexpr std::size_t fixed_amount_column = std::size(fixed_target_keys);

constexpr std::pair<std::string_view, closeout_kind> closeout_kind_spellings[] = {
    {"proportional", closeout_kind::proportional}, {"equal", closeout_kind::equal},
    {"quadratic", closeout_kind::quadratic},       {"fixed", closeout_kind::fixed},
    {"challenge", closeout_kind::challenge},       {"rematch", closeout_kind::rematch}};

}  // namespace

void rules_loader::read_closeout(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.closeout.assign(elements->size(), closeout_spec{});
  closeout_nodes_.assign(elements->size(), std::nullopt);
  // Funds hand their leftovers to steps in fund file order.
  for (std::size_t f = 0; f < parts_.funds.size(); ++f) {
    if (auto step = parts_.funds[f].leftover) {
      parts_.closeout[position(*step)].leftover_funds.push_back(index_at<fund_index>(f));
    }
  }
  for (std::size_t i = 0; i < elements->size(); ++i) {
    closeout_nodes_[i] = (*elements)[i];
    read_closeout_step((*elements)[i], parts_.closeout[i]);
  }
}

// Every key is asked for, of this kind or not, and in one order: a key of another kind is
// reported as not applying rather than as unknown, and a misspelt key gets the same suggestion
// whatever the kind.
void rules_loader::read_closeout_step(const located_node& node, closeout_spec& step) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto id = reader.required("id")) step.id = detail::read_id(*id).value_or("");
  std::optional<closeout_kind> kind;
  if (auto kind_node = reader.required("kind")) {
    kind = detail::read_choice<closeout_kind>(*kind_node, closeout_kind_spellings);
  }
  if (!kind) {
    step.id.clear();  // a step of no known kind is not checked further (its money, its keys)
    reader.allow({"from", "budget", "eligible", "cap", "max_share", "weight", "min_contribution", "saturation",
                  "amounts", "file", "field", "target", "target_from", "pay", "all_or_nothing", "rule"});
    reader.finish();
    return;
  }
  step.kind = *kind;
  const std::string kind_name(node.node["kind"].Scalar());
  if (auto from = reader.optional("from")) step.from = read_reference<fund_index>(*from, fund_ids_, fund_reference);
  if (auto eligible = reader.optional("eligible")) {
    step.eligible = read_condition(*eligible, field_context::project_at_close, std::nullopt).value_or(condition{});
  }
  const auto not_for_this_kind = [&](std::initializer_list<std::string_view> keys) {
    for (const auto key : keys) {
      if (auto node_of_key = reader.optional(key)) {
        report(*node_of_key, "key \"" + std::string(key) + "\" does not apply to a " + kind_name + " step",
               diagnostic_code::key_not_allowed);
      }
    }
  };
  const bool rematch = step.kind == closeout_kind::rematch;
  if (rematch) {
    not_for_this_kind({"budget", "cap", "max_share"});
  } else {
    read_step_budget(reader, step);
  }
  if (step.kind == closeout_kind::proportional) {
    read_proportional_weight(reader, step);
  } else {
    not_for_this_kind({"weight"});
  }
  if (step.kind == closeout_kind::quadratic) {
    read_quadratic_keys(reader, step);
  } else {
    not_for_this_kind({"min_contribution", "saturation"});
  }
  if (step.kind == closeout_kind::fixed) {
    read_fixed_keys(reader, step);
  } else {
    not_for_this_kind({"amounts", "file"});
  }
  if (step.kind == closeout_kind::challenge) {
    read_challenge_keys(reader, step);
  } else {
    not_for_this_kind({"field", "target", "target_from", "pay", "all_or_nothing"});
  }
  if (rematch) {
    if (auto rule = reader.required("rule")) step.rule = read_reference<rule_index>(*rule, rule_ids_, rule_reference);
  } else {
    not_for_this_kind({"rule"});
  }
  reader.finish();
}

void rules_loader::read_step_budget(map_reader& reader, closeout_spec& step) {
  if (auto budget = reader.optional("budget")) step.budget = read_money_at(*budget);
  if (auto cap = reader.optional("cap")) step.cap = read_money_at(*cap);
  if (auto share = reader.optional("max_share")) {
    if (auto value = detail::read_ratio(*share)) {
      if (*value > ratio::whole(1)) {
        report(*share, "max_share \"" + share->node.Scalar() + "\" is more than the whole budget",
               diagnostic_code::bad_share);
      } else {
        step.max_share = *value;
      }
    }
  }
}

void rules_loader::read_proportional_weight(map_reader& reader, closeout_spec& step) {
  auto weight = reader.required("weight");
  if (!weight) return;
  auto field = read_field(*weight);
  if (!field) return;
  const bool project_number = field->kind == field_kind::project_raised || field->kind == field_kind::project_donors ||
                              field->kind == field_kind::project_donations ||
                              field->kind == field_kind::project_matched ||
                              field->kind == field_kind::project_attribute || is_rule_weight(field->kind);
  if (project_number) {
    step.weight = *field;
  } else {
    report(*weight,
           "a weight must be a number of the project (raised, donors, donations, matched, attr.NAME) or "
           "rule.ID.total, rule.ID.qualifying or rule.ID.outside_windows",
           diagnostic_code::bad_field);
  }
}

void rules_loader::read_quadratic_keys(map_reader& reader, closeout_spec& step) {
  if (auto minimum = reader.optional("min_contribution")) step.min_contribution = read_money_at(*minimum);
  if (auto saturation = reader.optional("saturation")) {
    step.saturation = detail::read_choice<quadratic_saturation>(*saturation,
                                                                {{"normalize", quadratic_saturation::normalize},
                                                                 {"gitcoin", quadratic_saturation::gitcoin}})
                          .value_or(quadratic_saturation::normalize);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixed steps: amounts listed in the rules, or in a CSV file they name.

void rules_loader::read_fixed_keys(map_reader& reader, closeout_spec& step) {
  const auto amounts = reader.optional("amounts");
  const auto file = reader.optional("file");
  if (amounts && file) {
    report(*file, "give either amounts or file, not both", diagnostic_code::conflicting_keys);
  } else if (!amounts && !file) {
    reader.self().report("a fixed step needs amounts or file", diagnostic_code::missing_key);
  } else if (file) {
    read_fixed_amounts_file(*file, step);
  } else if (auto elements = detail::read_list(*amounts)) {
    for (const auto& element : *elements) {
      if (auto allocation = read_fixed_amount(element)) step.amounts.push_back(std::move(*allocation));
    }
  }
}

std::optional<fixed_allocation> rules_loader::read_fixed_amount(const located_node& element) {
  map_reader entry(element);
  if (!entry.valid()) return std::nullopt;
  fixed_allocation allocation;
  allocation.position = element.at;
  int targets = 0;
  bool ok = true;
  for (const auto& [key, target, unknown] : fixed_target_keys) {
    auto target_node = entry.optional(key);
    if (!target_node) continue;
    ++targets;
    auto id = detail::read_id(*target_node);
    if (!id) {
      ok = false;
      continue;
    }
    auto index = find_target(target, *id);
    if (!index) {
      report(*target_node, "unknown " + std::string(key) + " \"" + *id + "\"", unknown);
      ok = false;
      continue;
    }
    allocation.target = target;
    allocation.index = *index;
  }
  if (targets != 1) {
    element.report("give exactly one of project, organization or region",
                   targets == 0 ? diagnostic_code::missing_key : diagnostic_code::conflicting_keys);
    ok = false;
  }
  if (auto amount = entry.required("amount")) {
    if (auto value = read_money_at(*amount)) allocation.amount = *value; else ok = false;
  } else {
    ok = false;
  }
  if (auto when = entry.optional("when")) {
    allocation.when = read_condition(*when, field_context::project_at_close, std::nullopt);
    if (!allocation.when) ok = false;
  }
  entry.finish();
  if (!ok) return std::nullopt;
  return allocation;
}

std::optional<std::uint32_t> rules_loader::find_target(fixed_target target, const std::string& id) const {
  const auto position_in = [&](const std::vector<std::string>& names) -> std::optional<std::uint32_t> {
    auto found = std::lower_bound(names.begin(), names.end(), id);
    if (found == names.end() || *found != id) return std::nullopt;
    return static_cast<std::uint32_t>(found - names.begin());
  };
  switch (target) {
    case fixed_target::organization: return position_in(parts_.organizations);
    case fixed_target::region: return position_in(parts_.regions);
    case fixed_target::project: break;
  }
  for (std::size_t i = 0; i < parts_.projects.size(); ++i) {
    if (parts_.projects[i].id == id) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

void rules_loader::read_fixed_amounts_file(const located_node& file_node, closeout_spec& step) {
  read_csv_table(file_node, "closeout", file_node.path, {"project", "organization", "region", "amount"}, {"amount"},
                 [&](const csv_row& row, const attribute_cells&) {
                   if (auto allocation = fixed_amount_of_row(row)) step.amounts.push_back(std::move(*allocation));
                 });
}

std::optional<fixed_allocation> rules_loader::fixed_amount_of_row(const csv_row& row) const {
  fixed_allocation allocation;
  allocation.position = {static_cast<std::uint32_t>(row.record.line()), 1};
  int targets = 0;
  for (std::size_t which = 0; which < std::size(fixed_target_keys); ++which) {
    const auto& [name, target, unknown] = fixed_target_keys[which];
    auto id = row.cell(which);
    if (!id) continue;
    ++targets;
    auto index = find_target(target, *id);
    if (!index) {
      row.report(row.column_of(which), detail::join_path(row.path, name),
                 "unknown " + std::string(name) + " \"" + *id + "\"", unknown);
      return std::nullopt;
    }
    allocation.target = target;
    allocation.index = *index;
  }
  if (targets != 1) {
    row.report(0, row.path, "give exactly one of project, organization or region",
               targets == 0 ? diagnostic_code::missing_key : diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  auto value = parse_money(row.cell(fixed_amount_column).value_or(""), digits());
  if (!value || value->is_negative()) {
    row.report(row.column_of(fixed_amount_column), detail::join_path(row.path, "amount"),
               value ? "amount must not be negative" : value.error(),
               value ? diagnostic_code::negative_money : diagnostic_code::bad_money);
    return std::nullopt;
  }
  allocation.amount = *value;
  return allocation;
}

// ---------------------------------------------------------------------------------------------
// Challenge steps: a project that reaches its target is paid an amount or a share of it.

void rules_loader::read_challenge_keys(map_reader& reader, closeout_spec& step) {
  step.field = *parse_field("project.raised");
  if (auto field_node = reader.optional("field")) {
    if (auto field = read_field(*field_node)) {
      const bool money_of_project = field->kind == field_kind::project_raised ||
                                    field->kind == field_kind::project_matched ||
                                    field->kind == field_kind::project_attribute;
      if (money_of_project) {
        step.field = *field;
      } else {
        report(*field_node, "a challenge field must be an amount of the project (raised, matched or attr.NAME)",
               diagnostic_code::bad_field);
      }
    }
  }
  const auto target = reader.optional("target");
  const auto target_from = reader.optional("target_from");
  if (target && target_from) {
    report(*target_from, "give either target or target_from, not both", diagnostic_code::conflicting_keys);
  } else if (!target && !target_from) {
    reader.self().report("a challenge step needs target or target_from", diagnostic_code::missing_key);
  } else if (target) {
    step.target = read_money_at(*target);
  } else {
    step.target_from = read_attribute_field(*target_from, {attribute_owner::project}, "target_from");
  }
  if (auto pay = reader.required("pay")) read_challenge_pay(*pay, step);
  if (auto all = reader.optional("all_or_nothing")) step.all_or_nothing = detail::read_bool(*all).value_or(true);
}

void rules_loader::read_challenge_pay(const located_node& pay, closeout_spec& step) {
  map_reader pay_reader(pay);
  const auto amount = pay_reader.optional("amount");
  const auto scale = pay_reader.optional("ratio");
  if (amount && scale) {
    report(*scale, "give either amount or ratio, not both", diagnostic_code::conflicting_keys);
  } else if (!amount && !scale && pay_reader.valid()) {
    pay.report("pay needs amount or ratio", diagnostic_code::missing_key);
  } else if (amount) {
    step.pay_amount = read_money_at(*amount);
  } else if (scale) {
    step.pay_ratio = detail::read_ratio(*scale);
  }
  if (auto cap = pay_reader.optional("cap")) step.pay_cap = read_money_at(*cap);
  pay_reader.finish();
}

}  // namespace matchfund::detail::loading
