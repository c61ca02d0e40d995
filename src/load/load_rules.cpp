// The rules loader: SPEC §3.1 (format), §4 (funds), §5 (rules, conditions, caps), §7 (close-out)
// and §3.4 (embedded tests). It reads in phases so that every reference can be resolved and
// every problem reported:
//   1. strict YAML (yaml_document), the format version and the campaign;
//   2. ids of funds, rules (with their evaluation order) and close-out steps;
//   3. the type of every attribute, from how conditions and *_from fields use it;
//   4. projects and donors, whose attribute values must have those types;
//   5. funds, rules, caps, close-out steps and tests, fully;
//   6. cross-checks that need everything (money sources).
#include "matchfund/load_rules.hpp"

#include "load/rules_loader.hpp"

#include <limits>

#include "matchfund/currency.hpp"
#include "support/sha256.hpp"
#include "matchfund/version.hpp"

namespace matchfund::detail::loading {

std::string article(value_type type) {
  switch (type) {
    case value_type::integer: return "an integer";
    case value_type::boolean: return "a boolean";
    case value_type::money: return "an amount";
    case value_type::string: return "a string";
    case value_type::date: return "a date";
    case value_type::clock: return "a clock time";
    case value_type::ratio: return "a ratio";
    case value_type::tags: return "tags";
  }
  return "a value";
}

// A child of a mapping, located, without the bookkeeping of map_reader (no reports).
std::optional<located_node> child_of(const located_node& map, std::string_view key) {
  if (!map.is_map()) return std::nullopt;
  for (const auto& entry : map.node) {
    if (!entry.first.IsScalar() || entry.first.Scalar() != key) continue;
    const auto at = entry.second.IsNull() ? map.document->position_of(entry.first)
                                          : map.document->position_of(entry.second);
    return located_node{map.document, entry.second, detail::join_path(map.path, key), at};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Phase 1: the document, the version, the campaign.

std::optional<rule_set_parts> rules_loader::load(std::string_view text) {
  parts_.source_file = file_name_;
  document_ = std::make_unique<detail::yaml_document>(text, file_name_, sink_);
  if (!document_->parsed()) return std::nullopt;
  const located_node root = detail::locate_root(*document_);
  if (root.node.IsNull()) {
    document_->report(source_position{1, 1}, "", "the rules file is empty", diagnostic_code::wrong_type);
    return std::nullopt;
  }
  map_reader top(root);
  if (!top.valid()) return std::nullopt;
  read_top(top);
  if (!sink_.empty()) return std::nullopt;
  return std::move(parts_);
}

void rules_loader::read_top(map_reader& top) {
  if (auto version = top.required("matchfund")) {
    if (auto number = detail::read_integer(*version, std::numeric_limits<std::int64_t>::min(),
                                           std::numeric_limits<std::int64_t>::max())) {
      if (*number != rules_format_version) {
        report(*version, "unsupported rules format version " + std::to_string(*number) + " (this matchfund reads 1)",
               diagnostic_code::unsupported_version);
      }
    }
  }
  if (auto campaign = top.required("campaign")) read_campaign(*campaign);

  const auto projects = top.required("projects");
  const auto donors = top.optional("donors");
  const auto funds = top.required("funds");
  const auto rules = top.required("rules");
  const auto caps = top.optional("caps");
  const auto closeout = top.optional("closeout");
  const auto tests = top.optional("tests");
  top.finish();

  // Phase 2: ids, so that every section can refer to every other.
  collect_ids(funds, fund_ids_, true);
  collect_ids(closeout, closeout_ids_, true);
  order_rules(rules);

  // Phase 3: attribute types.
  collect_evidence(top.self());

  // Phase 4: the entities.
  if (projects) read_projects(*projects);
  if (donors) read_donors(*donors);

  // Phase 5: everything else, in an order that lets each part use the ones before it.
  parts_.closeout.resize(closeout_ids_.index.size());
  if (funds) read_funds(*funds);
  if (rules) read_rules(*rules);
  if (caps) read_shared_caps(*caps);
  if (closeout) read_closeout(*closeout);
  if (tests) read_tests(*tests);

  // Phase 6.
  check_closeout_money();
}

void rules_loader::read_campaign(const located_node& node) {
  map_reader campaign(node);
  auto& spec = parts_.campaign;
  if (auto id = campaign.required("id")) {
    if (auto text = detail::read_id(*id)) spec.id = *text;
  }
  if (auto name = campaign.required("name")) {
    if (auto text = detail::read_string(*name)) {
      if (text->empty()) report(*name, "campaign.name must not be empty", diagnostic_code::empty_value);
      spec.name = *text;
    }
  }
  std::optional<minor_digits_t> known_digits;
  if (auto currency = campaign.required("currency")) {
    if (auto code = detail::read_string(*currency)) {
      if (!is_currency_code(*code)) {
        report(*currency, "invalid currency \"" + *code + "\" (expected an ISO 4217 code such as CNY)",
               diagnostic_code::bad_currency);
      } else {
        spec.currency = *code;
        known_digits = known_minor_digits(*code);
        if (!known_digits && !campaign.has("minor_digits")) {
          report(*currency, "unknown currency \"" + *code + "\": give campaign.minor_digits",
                 diagnostic_code::unknown_currency);
        }
      }
    }
  }
  if (known_digits) spec.minor_digits = *known_digits;
  if (auto digits = campaign.optional("minor_digits")) {
    if (auto value = detail::read_integer(*digits, 0, max_minor_digits)) {
      spec.minor_digits = static_cast<minor_digits_t>(*value);
    }
  }
  if (auto timezone = campaign.required("timezone")) {
    if (auto offset = detail::read_utc_offset(*timezone)) {
      spec.timezone = *offset;
      timezone_ok_ = true;
    }
  }
  // The end is printed as the close time when no close event comes; and with both ends
  // writable, so is every time inside the campaign (releases, windows).
  const auto start_node = campaign.required("start");
  const auto end_node = campaign.required("end");
  std::optional<timestamp> start = start_node ? read_writable_time(*start_node) : std::nullopt;
  std::optional<timestamp> end = end_node ? read_writable_time(*end_node) : std::nullopt;
  if (start && end) {
    if (*start < *end) {
      spec.start = *start;
      spec.end = *end;
      campaign_times_ok_ = true;
    } else {
      report(*end_node, "the campaign must end after it starts", diagnostic_code::bad_campaign_period);
    }
  }
  if (auto seed = campaign.optional("seed")) {
    seed_given_ = true;  // an invalid seed is reported once, not again by every random rule
    if (auto value = detail::read_integer(*seed, std::numeric_limits<std::int64_t>::min(),
                                          std::numeric_limits<std::int64_t>::max())) {
      spec.seed = *value;
      seed_given_ = true;
    }
  }
  if (auto holds = campaign.optional("holds")) {
    map_reader holds_reader(*holds);
    if (auto ttl = holds_reader.required("ttl")) spec.hold_ttl = detail::read_duration(*ttl);
    holds_reader.finish();
  }
  campaign.finish();
}

std::optional<timestamp> rules_loader::read_writable_time(const located_node& node) {
  auto time = detail::read_time(node);
  if (!time || !timezone_ok_) return time;
  const utc_offset offset = parts_.campaign.timezone;
  if (!writable_in_offset(*time, offset)) {
    report(node,
           "time " + detail::quote(node.node.Scalar()) + " cannot be written in the campaign's timezone " +
               format_utc_offset(offset) + ": it falls outside the years 0000 to 9999 there",
           diagnostic_code::time_not_writable);
    return std::nullopt;
  }
  return time;
}

// ---------------------------------------------------------------------------------------------
// Phase 2: ids.

void rules_loader::collect_ids(const std::optional<located_node>& list, id_table& table, bool report_duplicates) {
  if (!list || !list->is_list()) return;
  std::size_t index = 0;
  for (const auto& element : list->elements()) {
    const std::size_t position_in_list = index++;
    if (!element.is_map() || !element.node["id"] || !element.node["id"].IsScalar()) continue;
    const std::string id = element.node["id"].Scalar();
    const auto line = document_->position_of(element.node["id"]).line;
    if (table.index.emplace(id, position_in_list).second) {
      table.first_line.emplace(id, line);
    } else if (report_duplicates) {
      document_->report(element.node["id"], detail::join_path(element.path, "id"),
                        "duplicate id \"" + id + "\" (first at line " + std::to_string(table.first_line.at(id)) + ")",
                        diagnostic_code::duplicate_id);
    }
  }
}

void rules_loader::order_rules(const std::optional<located_node>& list) {
  if (!list || !list->is_list()) return;
  struct entry {
    std::int64_t priority;
    std::size_t file_index;
  };
  std::vector<entry> entries;
  const auto elements = list->elements();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    std::int64_t priority = 0;
    const auto& node = elements[i].node;
    if (node.IsMap() && node["priority"] && node["priority"].IsScalar()) {
      // Errors in the priority are reported when the rule is read; here 0 stands in.
      const auto parts = detail::split_decimal(node["priority"].Scalar());
      detail::int128 value = 0;
      if (parts && parts->fraction_digits.empty() &&
          detail::scale_decimal(*parts, 0, std::numeric_limits<std::int64_t>::max(), value) ==
              detail::scale_status::ok) {
        priority = static_cast<std::int64_t>(value);
      }
    }
    entries.push_back({priority, i});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const entry& a, const entry& b) { return a.priority < b.priority; });
  for (const auto& e : entries) rule_order_.push_back(e.file_index);
  std::vector<std::size_t> evaluation_index(elements.size());
  for (std::size_t k = 0; k < rule_order_.size(); ++k) evaluation_index[rule_order_[k]] = k;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const auto& node = elements[i].node;
    if (!node.IsMap() || !node["id"] || !node["id"].IsScalar()) continue;
    const std::string id = node["id"].Scalar();
    const auto line = document_->position_of(node["id"]).line;
    if (rule_ids_.index.emplace(id, evaluation_index[i]).second) {
      rule_ids_.first_line.emplace(id, line);
    } else {
      document_->report(node["id"], detail::join_path(elements[i].path, "id"),
                        "duplicate id \"" + id + "\" (first at line " + std::to_string(rule_ids_.first_line.at(id)) + ")",
                        diagnostic_code::duplicate_id);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: attribute types (SPEC §3.1). An attribute takes the type of the values conditions
// compare it with; amounts read from attributes (*_from, weights) make it money; integer and
// money together make money (§11.7); a rule's ratio_from makes it a ratio, which numbers it is
// compared with leave a ratio; any other mix is an error.

void rules_loader::add_evidence(const std::string& field_text, value_type type, bool typed, const located_node& at,
                                evidence_use use) {
  auto [found, inserted] = evidence_.try_emplace(field_text);
  auto& evidence = found->second;
  if (inserted) {
    evidence.amount = use == evidence_use::amount;
    attribute_slots_.emplace(field_text, 0);  // numbered per owner once all are known
    evidence.type = type;
    evidence.typed = typed;
    evidence.first = at.at;
    evidence.first_use = article(type);
    return;
  }
  if (!typed) return;
  if (use == evidence_use::amount) evidence.amount = true;
  if (!evidence.typed) {
    evidence.type = type;
    evidence.typed = true;
    evidence.first = at.at;
    evidence.first_use = article(type);
    return;
  }
  if (evidence.type == type) return;
  const bool numeric_mix = (evidence.type == value_type::integer && type == value_type::money) ||
                           (evidence.type == value_type::money && type == value_type::integer);
  if (numeric_mix) {
    evidence.type = value_type::money;
    return;
  }
  // A recorded ratio compared with numbers ("0.5", 1) stays a ratio; read as an amount it cannot.
  const bool number = type == value_type::integer || type == value_type::money;
  const bool was_number = evidence.type == value_type::integer || evidence.type == value_type::money;
  if ((evidence.type == value_type::ratio && number && !evidence.amount) ||
      (type == value_type::ratio && was_number && !evidence.amount)) {
    evidence.type = value_type::ratio;
    return;
  }
  report(at,
         field_text + " is used as " + article(type) + " here but as " + evidence.first_use + " at line " +
             std::to_string(evidence.first.line),
         diagnostic_code::attribute_type_conflict);
}


void rules_loader::collect_condition_evidence(const located_node& node) {
  if (!node.is_map()) return;
  for (std::string_view key : {"all", "any"}) {
    if (auto operands = child_of(node, key); operands && operands->is_list()) {
      for (const auto& operand : operands->elements()) collect_condition_evidence(operand);
    }
  }
  if (auto negated = child_of(node, "not")) collect_condition_evidence(*negated);
  const auto field_node = child_of(node, "field");
  if (!field_node || !field_node->is_scalar()) return;
  const auto field = parse_field(field_node->node.Scalar());
  if (!field || !is_attribute(field->kind)) return;
  add_evidence(field->name, value_type::string, false, *field_node);  // known, even without values
  const auto op_node = child_of(node, "op");
  const bool contains = op_node && op_node->is_scalar() && op_node->node.Scalar() == "contains";
  std::vector<located_node> operands;
  if (auto value = child_of(node, "value")) {
    if (value->is_list()) {
      operands = value->elements();
    } else {
      operands.push_back(*value);
    }
  }
  if (auto fallback = child_of(node, "default")) operands.push_back(*fallback);
  for (const auto& operand : operands) {
    if (!operand.is_scalar()) continue;
    const value_type type = contains ? value_type::string : classify_scalar_text(operand.node.Scalar());
    add_evidence(field->name, type, true, operand);
  }
}

void rules_loader::collect_evidence(const located_node& root) {
  // A field that names an attribute whose values are amounts (or counts).
  const auto amount_field = [&](const std::optional<located_node>& node, value_type type) {
    if (!node || !node->is_scalar()) return;
    const auto field = parse_field(node->node.Scalar());
    if (field && is_attribute(field->kind)) {
      add_evidence(field->name, type, true, *node, type == value_type::ratio ? evidence_use::ratio : evidence_use::amount);
    }
  };
  const auto cap_evidence = [&](const located_node& cap) {
    const auto measure = child_of(cap, "measure");
    const bool count = measure && measure->is_scalar() && measure->node.Scalar() == "count";
    amount_field(child_of(cap, "max_from"), count ? value_type::integer : value_type::money);
    if (auto per = child_of(cap, "per"); per && per->is_scalar() && per->node.Scalar().starts_with("attr:")) {
      const auto field = parse_field(std::string_view(per->node.Scalar()).substr(5));
      if (field && is_attribute(field->kind)) add_evidence(field->name, value_type::string, false, *per);
    }
  };
  const auto list = [&](std::string_view key) {
    auto node = child_of(root, key);
    return node && node->is_list() ? node->elements() : std::vector<located_node>{};
  };
  const auto tiers_evidence = [&](const std::optional<located_node>& holder) {
    if (!holder) return;
    if (auto tiers = child_of(*holder, "tiers"); tiers && tiers->is_list()) {
      for (const auto& tier : tiers->elements()) {
        if (auto when = child_of(tier, "when")) collect_condition_evidence(*when);
      }
    }
  };
  for (const auto& fund : list("funds")) {
    if (auto sub_budgets = child_of(fund, "sub_budgets")) amount_field(child_of(*sub_budgets, "amount_from"), value_type::money);
  }
  for (const auto& rule : list("rules")) {
    if (auto eligible = child_of(rule, "eligible")) collect_condition_evidence(*eligible);
    tiers_evidence(child_of(rule, "ratio"));
    amount_field(child_of(rule, "amount_from"), value_type::money);
    amount_field(child_of(rule, "ratio_from"), value_type::ratio);
    tiers_evidence(child_of(rule, "ratio_of"));
    if (auto settle = child_of(rule, "settle")) {
      if (auto when = child_of(*settle, "when")) collect_condition_evidence(*when);
    }
    if (auto caps = child_of(rule, "caps"); caps && caps->is_list()) {
      for (const auto& cap : caps->elements()) cap_evidence(cap);
    }
  }
  for (const auto& cap : list("caps")) cap_evidence(cap);
  for (const auto& step : list("closeout")) {
    if (auto eligible = child_of(step, "eligible")) collect_condition_evidence(*eligible);
    if (auto amounts = child_of(step, "amounts"); amounts && amounts->is_list()) {
      for (const auto& amount : amounts->elements()) {
        if (auto when = child_of(amount, "when")) collect_condition_evidence(*when);
      }
    }
    amount_field(child_of(step, "weight"), value_type::money);
    amount_field(child_of(step, "target_from"), value_type::money);
    amount_field(child_of(step, "field"), value_type::money);
  }
  // Number the slots per owner in the order of the field names (byte order: deterministic).
  for (auto& [name, slot] : attribute_slots_) {
    const auto field = parse_field(name);
    const auto& evidence = evidence_.at(name);
    attribute_spec spec{name.substr(name.find(".attr.") + 6), evidence.type};
    auto& table = field->kind == field_kind::project_attribute ? parts_.project_attributes
                  : field->kind == field_kind::donor_attribute ? parts_.donor_attributes
                                                               : parts_.donation_attributes;
    slot = static_cast<std::uint32_t>(table.size());
    table.push_back(std::move(spec));
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 6: checks that need everything.

void rules_loader::check_closeout_money() {
  for (std::size_t i = 0; i < parts_.closeout.size() && i < closeout_nodes_.size(); ++i) {
    const auto& step = parts_.closeout[i];
    if (!closeout_nodes_[i] || step.id.empty()) continue;
    const bool has_money = step.from || step.budget || !step.leftover_funds.empty() || step.kind == closeout_kind::rematch;
    if (!has_money && closeout_nodes_[i]->is_map() && closeout_nodes_[i]->node["kind"]) {
      closeout_nodes_[i]->report("close-out step \"" + step.id +
                                     "\" has no money: give from, budget, or name it in a fund's leftover",
                                 diagnostic_code::no_money_source);
    }
  }
}

}  // namespace matchfund::detail::loading

namespace matchfund {

using detail::loading::rules_loader;
// ---------------------------------------------------------------------------------------------

load_result try_load_rules_text(std::string_view yaml_text, const std::string& file_name,
                                const std::filesystem::path& base_directory) {
  detail::diagnostics_sink sink;
  sink.note_file(file_name);  // the rules file's problems come first, then those of its CSV files
  load_result result;
  try {
    rules_loader loader(sink, file_name, base_directory);
    auto parts = loader.load(yaml_text);
    if (parts && sink.empty()) {
      parts->source_sha256 = detail::sha256_hex(yaml_text);
      result.rules.emplace(std::move(*parts));
    }
  } catch (const overflow_error& e) {
    sink.add(file_name, {}, "", e.what(), diagnostic_code::money_limit);
  } catch (const std::exception& e) {
    // A bug, not a property of the file; reported rather than escaping as an exception.
    sink.add(file_name, {}, "", std::string("internal error while loading: ") + e.what(),
             diagnostic_code::internal_error);
  }
  result.diagnostics = sink.sorted();
  if (!result.diagnostics.empty()) result.rules.reset();
  return result;
}

load_result try_load_rules(const std::filesystem::path& file) {
  const std::string name = file.generic_string();
  std::string text;
  try {
    text = detail::read_text_file(file);
  } catch (const std::exception& e) {
    load_result result;
    result.diagnostics.push_back({name, 0, 0, "", e.what(), diagnostic_code::file_unreadable});
    return result;
  }
  return try_load_rules_text(text, name, file.parent_path());
}

rule_set load_rules(const std::filesystem::path& file) {
  auto result = try_load_rules(file);
  if (!result) throw rules_error(std::move(result.diagnostics));
  return std::move(*result.rules);
}

rule_set load_rules_text(std::string_view yaml_text, const std::string& file_name,
                         const std::filesystem::path& base_directory) {
  auto result = try_load_rules_text(yaml_text, file_name, base_directory);
  if (!result) throw rules_error(std::move(result.diagnostics));
  return std::move(*result.rules);
}

}  // namespace matchfund
