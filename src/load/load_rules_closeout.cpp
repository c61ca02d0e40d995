// Phase 5 of loading rules: close-out steps (SPEC §7) and embedded tests (§3.4).
#include "load/rules_loader.hpp"

#include <set>
#include <tuple>

namespace matchfund::detail::loading {

namespace {

// The keys (and columns) that say where a fixed amount goes, and the code of an id that names
// nothing there; a fixed-amounts file has its columns in this order.
struct fixed_target_key {
  std::string_view key;
  fixed_target target;
  diagnostic_code unknown;
};
constexpr fixed_target_key fixed_target_keys[] = {
    {"project", fixed_target::project, diagnostic_code::unknown_project},
    {"organization", fixed_target::organization, diagnostic_code::unknown_organization},
    {"region", fixed_target::region, diagnostic_code::unknown_region}};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Phase 5c: close-out steps (SPEC §7).

void rules_loader::read_closeout(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.closeout.assign(elements->size(), closeout_spec{});
  closeout_nodes_.assign(elements->size(), std::nullopt);
  // Funds hand their leftovers to steps in fund file order.
  for (std::size_t f = 0; f < parts_.funds.size(); ++f) {
    if (auto step = parts_.funds[f].leftover) parts_.closeout[position(*step)].leftover_funds.push_back(index_at<fund_index>(f));
  }
  for (std::size_t i = 0; i < elements->size(); ++i) {
    closeout_nodes_[i] = (*elements)[i];
    read_closeout_step((*elements)[i], parts_.closeout[i]);
  }
}

void rules_loader::read_closeout_step(const located_node& node, closeout_spec& step) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto id = reader.required("id")) step.id = detail::read_id(*id).value_or("");
  std::optional<closeout_kind> kind;
  if (auto kind_node = reader.required("kind")) {
    kind = detail::read_choice<closeout_kind>(*kind_node, {{"proportional", closeout_kind::proportional},
                                                           {"equal", closeout_kind::equal},
                                                           {"quadratic", closeout_kind::quadratic},
                                                           {"fixed", closeout_kind::fixed},
                                                           {"challenge", closeout_kind::challenge},
                                                           {"rematch", closeout_kind::rematch}});
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
  // Keys every step may have except rematch, and keys of one kind only.
  const auto not_for_this_kind = [&](std::string_view key) {
    if (auto node_of_key = reader.optional(key)) {
      report(*node_of_key, "key \"" + std::string(key) + "\" does not apply to a " + kind_name + " step",
             diagnostic_code::key_not_allowed);
    }
  };
  const bool rematch = step.kind == closeout_kind::rematch;
  if (rematch) {
    for (auto key : {"budget", "cap", "max_share"}) not_for_this_kind(key);
  } else {
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
  const auto own = [&](closeout_kind owner) { return step.kind == owner; };
  if (own(closeout_kind::proportional)) {
    if (auto weight = reader.required("weight")) {
      if (auto field = read_field(*weight)) {
        const bool project_number = field->kind == field_kind::project_raised || field->kind == field_kind::project_donors ||
                                    field->kind == field_kind::project_donations ||
                                    field->kind == field_kind::project_matched ||
                                    field->kind == field_kind::project_attribute || field->kind == field_kind::rule_total;
        if (project_number) {
          step.weight = *field;
        } else {
          report(*weight, "a weight must be a number of the project (raised, donors, donations, matched, attr.NAME) or rule.ID.total",
                 diagnostic_code::bad_field);
        }
      }
    }
  } else {
    not_for_this_kind("weight");
  }
  if (own(closeout_kind::quadratic)) {
    if (auto minimum = reader.optional("min_contribution")) step.min_contribution = read_money_at(*minimum);
    if (auto saturation = reader.optional("saturation")) {
      step.saturation = detail::read_choice<quadratic_saturation>(*saturation, {{"normalize", quadratic_saturation::normalize},
                                                                                 {"gitcoin", quadratic_saturation::gitcoin}})
                            .value_or(quadratic_saturation::normalize);
    }
  } else {
    not_for_this_kind("min_contribution");
    not_for_this_kind("saturation");
  }
  if (own(closeout_kind::fixed)) {
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
        map_reader entry(element);
        if (!entry.valid()) continue;
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
        if (ok) step.amounts.push_back(std::move(allocation));
      }
    }
  } else {
    not_for_this_kind("amounts");
    not_for_this_kind("file");
  }
  if (own(closeout_kind::challenge)) {
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
    if (auto pay = reader.required("pay")) {
      map_reader pay_reader(*pay);
      const auto amount = pay_reader.optional("amount");
      const auto scale = pay_reader.optional("ratio");
      if (amount && scale) {
        report(*scale, "give either amount or ratio, not both", diagnostic_code::conflicting_keys);
      } else if (!amount && !scale && pay_reader.valid()) {
        pay->report("pay needs amount or ratio", diagnostic_code::missing_key);
      } else if (amount) {
        step.pay_amount = read_money_at(*amount);
      } else if (scale) {
        step.pay_ratio = detail::read_ratio(*scale);
      }
      if (auto cap = pay_reader.optional("cap")) step.pay_cap = read_money_at(*cap);
      pay_reader.finish();
    }
    if (auto all = reader.optional("all_or_nothing")) step.all_or_nothing = detail::read_bool(*all).value_or(true);
  } else {
    for (auto key : {"field", "target", "target_from", "pay", "all_or_nothing"}) not_for_this_kind(key);
  }
  if (rematch) {
    if (auto rule = reader.required("rule")) step.rule = read_reference<rule_index>(*rule, rule_ids_, rule_reference);
  } else {
    not_for_this_kind("rule");
  }
  reader.finish();
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
  enum column { project, organization, region, amount };
  read_csv_table(file_node, "closeout", file_node.path, {"project", "organization", "region", "amount"}, {"amount"},
                 [&](const csv_row& row, const attribute_cells&) {
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
                       return;
                     }
                     allocation.target = target;
                     allocation.index = *index;
                   }
                   if (targets != 1) {
                     row.report(0, row.path, "give exactly one of project, organization or region",
                                targets == 0 ? diagnostic_code::missing_key : diagnostic_code::conflicting_keys);
                     return;
                   }
                   auto text = row.cell(static_cast<std::size_t>(amount));
                   auto value = parse_money(text.value_or(""), digits());
                   if (!value || value->is_negative()) {
                     row.report(row.column_of(static_cast<std::size_t>(amount)), detail::join_path(row.path, "amount"),
                                value ? "amount must not be negative" : value.error(),
                                value ? diagnostic_code::negative_money : diagnostic_code::bad_money);
                     return;
                   }
                   allocation.amount = *value;
                   step.amounts.push_back(std::move(allocation));
                 });
}

// ---------------------------------------------------------------------------------------------
// Phase 5d: embedded tests (SPEC §3.4).

void rules_loader::read_tests(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  std::map<std::string, std::uint32_t, std::less<>> ids;  // id -> line where first given
  for (const auto& element : *elements) {
    embedded_test test;
    read_test(element, test);
    if (test.id.empty()) continue;
    const auto id_node = *child_of(element, "id");
    if (auto [first, inserted] = ids.emplace(test.id, id_node.at.line); !inserted) {
      report(id_node, "duplicate test id \"" + test.id + "\" (first at line " + std::to_string(first->second) + ")",
             diagnostic_code::duplicate_id);
      continue;
    }
    parts_.tests.push_back(std::move(test));
  }
}

void rules_loader::read_test(const located_node& node, embedded_test& test) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto id = reader.required("id")) test.id = detail::read_id(*id).value_or("");
  std::set<std::string, std::less<>> event_ids;
  if (auto events = reader.required("events")) {
    if (auto elements = detail::read_list(*events)) {
      for (const auto& element : *elements) {
        map_reader event_reader(element);
        if (!event_reader.valid()) continue;
        test_event event;
        event.position = element.at;
        for (auto key : {"kind", "id", "time", "donor", "project", "amount", "ref", "scope", "disposition", "channel"}) {
          auto field = event_reader.optional(key);
          if (!field) continue;
          auto text = detail::read_scalar_text(*field, "a scalar");
          if (!text) continue;
          if (std::string_view(key) == "id") event_ids.insert(*text);
          event.fields.emplace_back(key, *text);
        }
        if (auto attr = event_reader.optional("attr")) {
          map_reader attributes(*attr);
          for (const auto& [key, value_node] : attributes.entries()) {
            if (key.node.Scalar().empty()) {
              // No field is named "attr." (an event file refuses such a column or key as well).
              report(key, "an event attribute must have a name", diagnostic_code::unknown_field);
              continue;
            }
            if (auto text = detail::read_scalar_text(value_node, "a scalar attribute value")) {
              event.fields.emplace_back("attr." + key.node.Scalar(), *text);
            }
          }
        }
        event_reader.finish();
        test.events.push_back(std::move(event));
      }
    }
  }
  if (auto expect = reader.required("expect")) {
    map_reader expect_reader(*expect);
    if (auto matched = expect_reader.optional("matched")) {
      map_reader donations(*matched);
      for (const auto& [donation_key, per_rule] : donations.entries()) {
        const std::string donation_id = donation_key.node.Scalar();
        if (!event_ids.contains(donation_id)) {
          report(donation_key, "no event of this test has id \"" + donation_id + "\"",
                 diagnostic_code::unknown_donation);
        }
        map_reader rules(per_rule);
        for (const auto& [rule_key, amount_node] : rules.entries()) {
          auto rule = rule_ids_.find(rule_key.node.Scalar());
          if (!rule) {
            report(rule_key, "unknown rule \"" + rule_key.node.Scalar() + "\"", diagnostic_code::unknown_rule);
            continue;
          }
          if (auto amount = read_money_at(amount_node)) {
            test.matched.push_back({donation_id, index_at<rule_index>(*rule), *amount, amount_node.at});
          }
        }
      }
    }
    if (auto funds = expect_reader.optional("funds")) {
      map_reader fund_map(*funds);
      for (const auto& [fund_key, columns] : fund_map.entries()) {
        auto fund = fund_ids_.find(fund_key.node.Scalar());
        if (!fund) report(fund_key, "unknown fund \"" + fund_key.node.Scalar() + "\"", diagnostic_code::unknown_fund);
        map_reader column_map(columns);
        for (const auto& column_entry : column_map.entries()) {
          const located_node& column_key = column_entry.first;
          const located_node& value_node = column_entry.second;
          static constexpr std::pair<std::string_view, fund_column> names[] = {
              {"budget", fund_column::budget},       {"released", fund_column::released},
              {"drawn", fund_column::drawn},         {"returned", fund_column::returned},
              {"forfeited", fund_column::forfeited}, {"expired", fund_column::expired},
              {"closeout", fund_column::closeout},   {"unallocated", fund_column::unallocated},
              {"available_end", fund_column::available_end}, {"exhausted_at", fund_column::exhausted_at}};
          const auto found = std::find_if(std::begin(names), std::end(names),
                                          [&](const auto& entry) { return entry.first == column_key.node.Scalar(); });
          if (found == std::end(names)) {
            report(column_key, "unknown column \"" + column_key.node.Scalar() + "\" of funds.csv",
                   diagnostic_code::unknown_column);
            continue;
          }
          expected_fund_value expected;
          expected.column = found->second;
          expected.position = value_node.at;
          if (expected.column == fund_column::exhausted_at) {
            auto text = detail::read_scalar_text(value_node, "a time or \"\"");
            if (!text) continue;
            if (text->empty()) {
              expected.value = std::optional<timestamp>{};
            } else if (auto time = read_writable_time(value_node)) {
              expected.value = std::optional<timestamp>{*time};
            } else {
              continue;
            }
          } else if (auto amount = detail::read_scalar_text(value_node, "an amount")) {
            // Signed: funds.csv columns are never negative, but an expectation may say so and fail.
            auto parsed = parse_money(*amount, digits());
            if (!parsed) {
              report(value_node, parsed.error(), diagnostic_code::bad_money);
              continue;
            }
            expected.value = *parsed;
          } else {
            continue;
          }
          if (!fund) continue;
          expected.fund = index_at<fund_index>(*fund);
          test.funds.push_back(std::move(expected));
        }
      }
    }
    expect_reader.finish();
  }
  reader.finish();
}

}  // namespace matchfund::detail::loading
