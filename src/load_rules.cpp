// The rules loader: SPEC §3.1 (format), §4 (funds), §5 (rules, conditions, caps), §7 (close-out)
// and §3.4 (embedded tests). It reads in phases so that every reference can be resolved and
// every problem reported:
//   1. strict YAML (yaml_document), the format version and the campaign;
//   2. ids of funds, rules (with their evaluation order) and close-out steps;
//   3. the type of every attribute, from how conditions and *_from fields use it;
//   4. projects and donors, whose attribute values must have those types;
//   5. funds, rules, caps, close-out steps and tests, fully;
//   6. cross-checks that need everything (money sources, close-out attributes).
#include "matchfund/load_rules.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <boost/unordered/unordered_flat_map.hpp>

#include "matchfund/currency.hpp"
#include "matchfund/version.hpp"
#include "csv_reader.hpp"
#include "yaml_document.hpp"

namespace matchfund {

namespace {

using detail::located_node;
using detail::map_reader;

// Which fields a condition may read where it stands.
enum class field_context {
  donation,        // a rule's eligibility or tier: everything of §5.1
  project_at_close // settle, close-out: project and fund fields only
};

struct attribute_evidence {
  value_type type = value_type::string;
  bool typed = false;  // false: only used as a cap scope, no type said
  source_position first;
  std::string first_use;  // "an integer" ... for messages
};

struct id_table {
  std::map<std::string, std::size_t, std::less<>> index;
  std::map<std::string, std::uint32_t, std::less<>> first_line;  // for "duplicate id" messages
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const {
    auto found = index.find(id);
    if (found == index.end()) return std::nullopt;
    return found->second;
  }
};

std::string article(value_type type) {
  switch (type) {
    case value_type::integer: return "an integer";
    case value_type::boolean: return "a boolean";
    case value_type::money: return "an amount";
    case value_type::string: return "a string";
    case value_type::date: return "a date";
    case value_type::clock: return "a clock time";
    case value_type::tags: return "tags";
  }
  return "a value";
}

// An attribute of a project or donor as the rules see it: its field name, and, when a rule
// reads it, its type and slot. Resolved once per CSV column, not per cell.
struct resolved_attribute {
  std::string name;   // "pledge"
  std::string field;  // "project.attr.pledge"
  const attribute_evidence* evidence = nullptr;  // null: no rule reads it
  std::uint32_t slot = 0;
};
using attribute_cells = std::vector<std::pair<std::size_t, resolved_attribute>>;  // (column, attribute)
struct csv_row;

// The organization, region and category of a project, as text until all projects are read.
struct project_names {
  std::string organization;
  std::optional<std::string> region;
  std::optional<std::string> category;
};

class rules_loader {
 public:
  rules_loader(detail::diagnostics_sink& sink, std::string file_name, std::filesystem::path base_directory)
      : sink_(sink), file_name_(std::move(file_name)), base_directory_(std::move(base_directory)) {}

  std::optional<rule_set_parts> load(std::string_view text);

 private:
  // -- phase 1
  void read_top(map_reader& top);
  void read_campaign(const located_node& node);
  // -- phase 2
  void collect_ids(const std::optional<located_node>& list, id_table& table, bool report_duplicates);
  void order_rules(const std::optional<located_node>& list);
  // -- phase 3
  void collect_evidence(const located_node& root);
  void collect_condition_evidence(const located_node& node);
  void add_evidence(const std::string& field_text, value_type type, bool typed, const located_node& at);
  // -- phase 4
  void read_projects(const located_node& node);
  void read_project_list(const located_node& list);
  void read_projects_file(const located_node& file_node);
  void read_donors(const located_node& node);
  void read_donors_file(const located_node& file_node);
  [[nodiscard]] resolved_attribute resolve_attribute(attribute_owner owner, const std::string& name) const;
  std::optional<value> attribute_value(const resolved_attribute& attribute, const std::string& text,
                                       const std::function<void(std::string, std::string)>& report_at);
  void read_csv_table(const located_node& file_node, const std::string& section, const std::string& row_prefix,
                      const std::vector<std::string_view>& column_names,
                      const std::vector<std::string_view>& required_columns,
                      const std::function<void(const csv_row&, const attribute_cells&)>& on_row);
  static std::optional<std::string> csv_id(const csv_row& row, std::size_t which, std::string_view name);
  void read_csv_attributes(const csv_row& row, const attribute_cells& cells, attribute_owner owner,
                           attribute_values& values, std::vector<std::pair<std::string, std::string>>& texts);
  void read_yaml_attributes(map_reader& reader, attribute_owner owner, attribute_values& values,
                            std::vector<std::pair<std::string, std::string>>& texts);
  [[nodiscard]] const std::vector<attribute_spec>& attribute_table(attribute_owner owner) const {
    return owner == attribute_owner::project ? parts_.project_attributes
           : owner == attribute_owner::donor ? parts_.donor_attributes
                                             : parts_.donation_attributes;
  }
  // -- phase 5
  void read_funds(const located_node& list);
  void read_fund(const located_node& node, fund_spec& fund);
  void read_releases(map_reader& reader, fund_spec& fund, bool budget_known);
  void read_rules(const located_node& list);
  void read_rule(const located_node& node, std::size_t file_index, rule_spec& rule);
  std::optional<formula> read_formula(map_reader& reader, rule_index self);
  std::optional<tiered_ratio_formula> read_tiers(const located_node& node, rule_index self);
  std::optional<cap_index> read_cap(const located_node& node, std::string default_id, bool shared);
  void read_shared_caps(const located_node& list);
  void read_closeout(const located_node& list);
  void read_closeout_step(const located_node& node, closeout_spec& step);
  void read_fixed_amounts_file(const located_node& file_node, closeout_spec& step);
  [[nodiscard]] std::optional<std::uint32_t> find_target(fixed_target target, const std::string& id) const;
  void read_tests(const located_node& list);
  void read_test(const located_node& node, embedded_test& test);
  // -- references by id
  template <class Index>
  std::optional<Index> read_reference(const located_node& node, const id_table& ids, std::string_view what);
  template <class Index>
  std::optional<std::vector<Index>> read_reference_list(const located_node& node, const id_table& ids,
                                                        std::string_view what, std::string_view empty_message);
  // -- conditions and fields
  [[nodiscard]] std::optional<field_ref> parse_field(std::string_view text) const;
  std::optional<field_ref> parse_field(std::string_view text, std::string& message, std::string& code) const;
  std::optional<field_ref> read_field(const located_node& node, bool report_unknown = true);
  std::optional<condition> read_condition(const located_node& node, field_context context,
                                          std::optional<rule_index> current_rule);
  std::optional<condition_leaf> read_leaf(map_reader& reader, field_context context,
                                          std::optional<rule_index> current_rule);
  std::optional<value> read_operand(const located_node& node, const field_ref& field, value_type type);
  [[nodiscard]] value_type type_of_field(const field_ref& field) const;
  std::optional<field_ref> read_attribute_field(const located_node& node, std::initializer_list<attribute_owner> owners,
                                                std::string_view what);
  // -- phase 6
  void check_closeout_money();

  std::optional<money> read_money_at(const located_node& node) { return detail::read_money(node, digits()); }
  [[nodiscard]] minor_digits_t digits() const { return parts_.campaign.minor_digits; }
  static void report(const located_node& at, std::string message, std::string code) {
    at.report(std::move(message), std::move(code));
  }
  [[nodiscard]] std::string display_path(const std::string& relative) const;

  detail::diagnostics_sink& sink_;
  std::string file_name_;
  std::filesystem::path base_directory_;
  std::unique_ptr<detail::yaml_document> document_;
  rule_set_parts parts_;

  bool campaign_times_ok_ = false;
  bool seed_given_ = false;
  id_table fund_ids_;
  id_table rule_ids_;  // rule id -> evaluation index
  id_table closeout_ids_;
  std::vector<std::size_t> rule_order_;  // evaluation index -> file index
  std::map<std::string, attribute_evidence, std::less<>> evidence_;  // "project.attr.x" -> its type
  std::map<std::string, std::uint32_t, std::less<>> attribute_slots_;  // same keys -> slot
  std::map<std::string, std::uint32_t, std::less<>> cap_ids_;  // id -> line where first given
  std::vector<project_names> project_names_;      // parallel to parts_.projects
  std::vector<std::optional<located_node>> closeout_nodes_;
};

// ---------------------------------------------------------------------------------------------
// Phase 1: the document, the version, the campaign.

std::optional<rule_set_parts> rules_loader::load(std::string_view text) {
  parts_.source_file = file_name_;
  document_ = std::make_unique<detail::yaml_document>(text, file_name_, sink_);
  if (!document_->parsed()) return std::nullopt;
  const located_node root = detail::locate_root(*document_);
  if (root.node.IsNull()) {
    document_->report(source_position{1, 1}, "", "the rules file is empty", "wrong_type");
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
               "unsupported_version");
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
      if (text->empty()) report(*name, "campaign.name must not be empty", "empty_value");
      spec.name = *text;
    }
  }
  std::optional<minor_digits_t> known_digits;
  if (auto currency = campaign.required("currency")) {
    if (auto code = detail::read_string(*currency)) {
      if (!is_currency_code(*code)) {
        report(*currency, "invalid currency \"" + *code + "\" (expected an ISO 4217 code such as CNY)",
               "bad_currency");
      } else {
        spec.currency = *code;
        known_digits = known_minor_digits(*code);
        if (!known_digits && !campaign.has("minor_digits")) {
          report(*currency, "unknown currency \"" + *code + "\": give campaign.minor_digits", "unknown_currency");
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
    if (auto offset = detail::read_utc_offset(*timezone)) spec.timezone = *offset;
  }
  const auto start_node = campaign.required("start");
  const auto end_node = campaign.required("end");
  std::optional<timestamp> start = start_node ? detail::read_time(*start_node) : std::nullopt;
  std::optional<timestamp> end = end_node ? detail::read_time(*end_node) : std::nullopt;
  if (start && end) {
    if (*start < *end) {
      spec.start = *start;
      spec.end = *end;
      campaign_times_ok_ = true;
    } else {
      report(*end_node, "the campaign must end after it starts", "bad_campaign_period");
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
  campaign.finish();
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
                        "duplicate_id");
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
                        "duplicate_id");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: attribute types (SPEC §3.1). An attribute takes the type of the values conditions
// compare it with; amounts read from attributes (*_from, weights) make it money; integer and
// money together make money (§11.7); any other mix is an error.

void rules_loader::add_evidence(const std::string& field_text, value_type type, bool typed, const located_node& at) {
  auto [found, inserted] = evidence_.try_emplace(field_text);
  auto& evidence = found->second;
  if (inserted) {
    attribute_slots_.emplace(field_text, 0);  // numbered per owner once all are known
    evidence.type = type;
    evidence.typed = typed;
    evidence.first = at.at;
    evidence.first_use = article(type);
    return;
  }
  if (!typed) return;
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
  report(at,
         field_text + " is used as " + article(type) + " here but as " + evidence.first_use + " at line " +
             std::to_string(evidence.first.line),
         "attribute_type_conflict");
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
    if (field && is_attribute(field->kind)) add_evidence(field->name, type, true, *node);
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
// Phase 4: projects and donors.

std::string rules_loader::display_path(const std::string& relative) const {
  return (base_directory_ / relative).lexically_normal().generic_string();
}

resolved_attribute rules_loader::resolve_attribute(attribute_owner owner, const std::string& name) const {
  resolved_attribute attribute{name, std::string(to_string(owner)) + ".attr." + name, nullptr, 0};
  if (const auto found = evidence_.find(attribute.field); found != evidence_.end()) {
    attribute.evidence = &found->second;
    attribute.slot = attribute_slots_.at(attribute.field);
  }
  return attribute;
}

std::optional<value> rules_loader::attribute_value(const resolved_attribute& attribute, const std::string& text,
                                                   const std::function<void(std::string, std::string)>& report_at) {
  if (attribute.evidence == nullptr) return std::nullopt;  // no rule reads it
  const std::string& field = attribute.field;
  const value_type type = attribute.evidence->type;
  const auto mismatch = [&] {
    report_at("value \"" + text + "\" of " + field + " is not " + article(type) +
                  " (the rules use it as " + article(type) + " at line " +
                  std::to_string(attribute.evidence->first.line) + ")",
              "bad_attribute_value");
    return std::nullopt;
  };
  switch (type) {
    case value_type::boolean:
      if (!is_boolean_text(text)) return mismatch();
      return value{boolean_text_value(text)};
    case value_type::integer: {
      if (classify_scalar_text(text) != value_type::integer) return mismatch();
      auto parsed = detail::split_decimal(text);
      detail::int128 number = 0;
      if (detail::scale_decimal(*parsed, 0, money_limit_minor, number) != detail::scale_status::ok) return mismatch();
      return value{static_cast<std::int64_t>(number)};
    }
    case value_type::money: {
      const auto kind = classify_scalar_text(text);
      if (kind != value_type::integer && kind != value_type::money) return mismatch();
      auto amount = parse_money(text, digits());
      if (!amount) {
        report_at(amount.error(), "bad_attribute_value");
        return std::nullopt;
      }
      return value{*amount};
    }
    default:
      return value{text};
  }
}

void rules_loader::read_projects(const located_node& node) {
  if (node.is_map()) {
    map_reader reader(node);
    if (auto file = reader.required("file")) read_projects_file(*file);
    reader.finish();
  } else if (node.is_list()) {
    read_project_list(node);
  } else {
    report(node, "expected a list of projects or {file: projects.csv}, got " + detail::describe_node(node.node),
           "wrong_type");
    return;
  }
  if (parts_.projects.empty() && sink_.empty()) report(node, "a campaign needs at least one project", "empty_list");

  // Organizations, regions and categories get dense indices in byte order of their names.
  std::set<std::string> organizations, regions, categories;
  for (const auto& names : project_names_) {
    organizations.insert(names.organization);
    if (names.region) regions.insert(*names.region);
    if (names.category) categories.insert(*names.category);
  }
  parts_.organizations.assign(organizations.begin(), organizations.end());
  parts_.regions.assign(regions.begin(), regions.end());
  parts_.categories.assign(categories.begin(), categories.end());
  const auto index_in = [](const std::vector<std::string>& names, const std::string& name) {
    return static_cast<std::uint32_t>(std::lower_bound(names.begin(), names.end(), name) - names.begin());
  };
  for (std::size_t i = 0; i < parts_.projects.size(); ++i) {
    auto& project = parts_.projects[i];
    const auto& names = project_names_[i];
    project.organization = static_cast<organization_index>(index_in(parts_.organizations, names.organization));
    if (names.region) project.region = static_cast<region_index>(index_in(parts_.regions, *names.region));
    if (names.category) project.category = static_cast<category_index>(index_in(parts_.categories, *names.category));
  }
}

namespace {

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

}  // namespace

void rules_loader::read_project_list(const located_node& list) {
  std::map<std::string, source_position, std::less<>> seen;
  for (const auto& element : list.elements()) {
    map_reader reader(element);
    if (!reader.valid()) continue;
    project_spec project;
    std::string organization;
    std::optional<std::string> region, category;
    bool ok = true;
    if (auto id = reader.required("id")) {
      if (auto text = detail::read_id(*id)) {
        project.id = *text;
        if (auto [first, inserted] = seen.emplace(*text, id->at); !inserted) {
          report(*id, "duplicate project id \"" + *text + "\" (first at line " + std::to_string(first->second.line) + ")",
                 "duplicate_id");
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (auto node = reader.required("organization")) {
      if (auto text = detail::read_id(*node)) organization = *text;
    }
    if (auto node = reader.optional("region")) region = detail::read_id(*node);
    if (auto node = reader.optional("category")) category = detail::read_id(*node);
    if (auto tags = reader.optional("tags")) {
      if (auto elements = detail::read_list(*tags)) {
        for (const auto& tag : *elements) {
          if (auto text = detail::read_id(tag)) project.tags.push_back(*text);
        }
      }
    }
    read_yaml_attributes(reader, attribute_owner::project, project.attributes, project.attribute_texts);
    reader.finish();
    if (!ok) continue;
    parts_.projects.push_back(std::move(project));
    project_names_.push_back({organization, region, category});
  }
}

// A headered CSV file named by the rules (projects, donors, fixed amounts): reads the header
// against the columns it may have, then hands each row to `on_row` with a reporter. Rows are
// named row_prefix[0], row_prefix[1], ... in diagnostics.
struct csv_row {
  const detail::csv_record& record;
  const std::vector<std::optional<std::size_t>>& columns;  // by the caller's column list
  std::string path;                                           // "projects[3]"
  std::function<void(std::size_t column, std::string path, std::string message, std::string code)> report;

  // The cell of the caller's column `which`; nullopt when the column is absent or the cell empty.
  [[nodiscard]] std::optional<std::string> cell(std::size_t which) const {
    if (!columns[which] || record[*columns[which]].empty()) return std::nullopt;
    return std::string(record[*columns[which]]);
  }
  [[nodiscard]] std::size_t column_of(std::size_t which) const { return columns[which].value_or(0); }
};

void rules_loader::read_csv_table(const located_node& file_node, const std::string& section, const std::string& row_prefix,
                                  const std::vector<std::string_view>& column_names,
                                  const std::vector<std::string_view>& required_columns,
                                  const std::function<void(const csv_row&, const attribute_cells&)>& on_row) {
  auto relative = detail::read_string(file_node);
  if (!relative) return;
  const std::string shown = display_path(*relative);
  std::string text;
  try {
    text = detail::read_text_file(base_directory_ / *relative);
  } catch (const std::exception& e) {
    report(file_node, e.what(), "file_unreadable");
    return;
  }
  const auto csv_report = [&](std::uint64_t line, std::uint64_t column, std::string path, std::string message,
                              std::string code) {
    sink_.add(shown, {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)}, std::move(path),
              std::move(message), std::move(code));
  };
  try {
    detail::csv_reader reader(text);
    detail::csv_record record;
    if (!reader.next(record)) {
      csv_report(1, 1, "", "the file is empty: a header row is required", "missing_column");
      return;
    }
    const detail::csv_header header(record);
    if (section == "projects") parts_.projects.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    if (section == "donors") parts_.donors.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    std::vector<std::optional<std::size_t>> columns(column_names.size());
    attribute_cells attribute_columns;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string_view name = header.name(i);
      const auto known = std::find(column_names.begin(), column_names.end(), name);
      if (known != column_names.end()) {
        columns[static_cast<std::size_t>(known - column_names.begin())] = i;
      } else if (name.starts_with("attr.") && name.size() > 5 && section != "closeout") {
        const auto owner = section == "donors" ? attribute_owner::donor : attribute_owner::project;
        attribute_columns.emplace_back(i, resolve_attribute(owner, std::string(name.substr(5))));
      } else {
        csv_report(record.line(), record.column(i), "", "unknown column \"" + std::string(name) + "\"", "unknown_column");
      }
    }
    bool complete = true;
    for (auto required : required_columns) {
      if (!header.find(required)) {
        csv_report(record.line(), 1, "", "missing column \"" + std::string(required) + "\"", "missing_column");
        complete = false;
      }
    }
    if (!complete) return;
    std::size_t row = 0;
    while (reader.next(record)) {
      const std::string row_path = detail::index_path(row_prefix, row++);
      if (record.size() != header.size()) {
        csv_report(record.line(), 1, row_path,
                   "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(record.size()),
                   "csv_syntax");
        continue;
      }
      const csv_row current{record, columns, row_path,
                            [&](std::size_t column, std::string path, std::string message, std::string code) {
                              csv_report(record.line(), record.column(column), std::move(path), std::move(message),
                                         std::move(code));
                            }};
      on_row(current, attribute_columns);
    }
  } catch (const detail::csv_error& e) {
    csv_report(e.line(), e.column(), "", e.what(), "csv_syntax");
  }
}

std::optional<std::string> rules_loader::csv_id(const csv_row& row, std::size_t which, std::string_view name) {
  auto value = row.cell(which);
  if (!value || has_control_character(*value)) {
    row.report(row.column_of(which), detail::join_path(row.path, name),
               value ? "an id must not contain control characters" : "an id must not be empty", "bad_id");
    return std::nullopt;
  }
  return value;
}

void rules_loader::read_csv_attributes(const csv_row& row, const attribute_cells& cells, attribute_owner owner,
                                       attribute_values& values,
                                       std::vector<std::pair<std::string, std::string>>& texts) {
  values.resize(attribute_table(owner).size());
  for (const auto& cell : cells) {
    const std::size_t column = cell.first;
    const resolved_attribute& attribute = cell.second;
    if (row.record[column].empty()) continue;
    const std::string text(row.record[column]);
    texts.emplace_back(attribute.name, text);
    if (attribute.evidence == nullptr) continue;
    auto typed = attribute_value(attribute, text, [&](std::string message, std::string code) {
      row.report(column, detail::join_path(row.path, "attr." + attribute.name), std::move(message), std::move(code));
    });
    if (typed) values[attribute.slot] = std::move(typed);
  }
}

void rules_loader::read_yaml_attributes(map_reader& reader, attribute_owner owner, attribute_values& values,
                                        std::vector<std::pair<std::string, std::string>>& texts) {
  values.resize(attribute_table(owner).size());
  auto attr = reader.optional("attr");
  if (!attr) return;
  map_reader attributes(*attr);
  for (const auto& entry : attributes.entries()) {
    const std::string name = entry.first.node.Scalar();
    const located_node& node = entry.second;
    auto text = detail::read_scalar_text(node, "a scalar attribute value");
    if (!text) continue;
    texts.emplace_back(name, *text);
    const resolved_attribute attribute = resolve_attribute(owner, name);
    auto typed = attribute_value(attribute, *text,
                                 [&node](std::string message, std::string code) { node.report(std::move(message), std::move(code)); });
    if (typed) values[attribute.slot] = std::move(typed);
  }
}

void rules_loader::read_projects_file(const located_node& file_node) {
  enum column { id, organization, region, category, tags };
  boost::unordered_flat_map<std::string, std::uint64_t> seen;  // id -> line, for duplicates
  read_csv_table(file_node, "projects", "projects", {"id", "organization", "region", "category", "tags"}, {"id", "organization"},
                 [&](const csv_row& row, const attribute_cells& cells) {
                   auto project_id = csv_id(row, id, "id");
                   auto organization_name = csv_id(row, organization, "organization");
                   if (!project_id || !organization_name) return;
                   if (auto [first, inserted] = seen.emplace(*project_id, row.record.line()); !inserted) {
                     row.report(row.column_of(id), detail::join_path(row.path, "id"),
                                "duplicate project id \"" + *project_id + "\" (first at line " +
                                    std::to_string(first->second) + ")",
                                "duplicate_id");
                     return;
                   }
                   project_spec project;
                   project.id = *project_id;
                   if (auto tag_text = row.cell(tags)) {
                     std::string_view rest = *tag_text;
                     while (true) {
                       const auto bar = rest.find('|');
                       if (auto tag = rest.substr(0, bar); !tag.empty()) project.tags.emplace_back(tag);
                       if (bar == std::string_view::npos) break;
                       rest.remove_prefix(bar + 1);
                     }
                   }
                   read_csv_attributes(row, cells, attribute_owner::project, project.attributes, project.attribute_texts);
                   parts_.projects.push_back(std::move(project));
                   project_names_.push_back({*organization_name, row.cell(region), row.cell(category)});
                 });
}

void rules_loader::read_donors(const located_node& node) {
  if (node.is_map()) {
    map_reader reader(node);
    if (auto file = reader.required("file")) read_donors_file(*file);
    reader.finish();
    return;
  }
  auto elements = detail::read_list(node);
  if (!elements) return;
  std::map<std::string, source_position, std::less<>> seen;
  for (const auto& element : *elements) {
    map_reader reader(element);
    if (!reader.valid()) continue;
    donor_spec donor;
    auto id_node = reader.required("id");
    auto id = id_node ? detail::read_id(*id_node) : std::nullopt;
    read_yaml_attributes(reader, attribute_owner::donor, donor.attributes, donor.attribute_texts);
    reader.finish();
    if (!id) continue;
    if (auto [first, inserted] = seen.emplace(*id, id_node->at); !inserted) {
      report(*id_node, "duplicate donor id \"" + *id + "\" (first at line " + std::to_string(first->second.line) + ")",
             "duplicate_id");
      continue;
    }
    donor.id = *id;
    parts_.donors.push_back(std::move(donor));
  }
}

void rules_loader::read_donors_file(const located_node& file_node) {
  boost::unordered_flat_map<std::string, std::uint64_t> seen;  // id -> line, for duplicates
  read_csv_table(file_node, "donors", "donors", {"id"}, {"id"}, [&](const csv_row& row, const attribute_cells& cells) {
    auto id = csv_id(row, 0, "id");
    if (!id) return;
    if (auto [first, inserted] = seen.emplace(*id, row.record.line()); !inserted) {
      row.report(row.column_of(0), detail::join_path(row.path, "id"),
                 "duplicate donor id \"" + *id + "\" (first at line " + std::to_string(first->second) + ")",
                 "duplicate_id");
      return;
    }
    donor_spec donor;
    donor.id = *id;
    read_csv_attributes(row, cells, attribute_owner::donor, donor.attributes, donor.attribute_texts);
    parts_.donors.push_back(std::move(donor));
  });
}

// ---------------------------------------------------------------------------------------------
// References by id.

// The index an id names; reports unknown_<what> ("unknown_fund") when there is none.
template <class Index>
std::optional<Index> rules_loader::read_reference(const located_node& node, const id_table& ids, std::string_view what) {
  auto id = detail::read_id(node);
  if (!id) return std::nullopt;
  auto found = ids.find(*id);
  if (!found) {
    report(node, "unknown " + std::string(what) + " \"" + *id + "\"", "unknown_" + std::string(what));
    return std::nullopt;
  }
  return index_at<Index>(*found);
}

// A non-empty list of ids, each known and listed once; nullopt when any is not.
template <class Index>
std::optional<std::vector<Index>> rules_loader::read_reference_list(const located_node& node, const id_table& ids,
                                                                    std::string_view what,
                                                                    std::string_view empty_message) {
  auto elements = detail::read_list(node);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    report(node, std::string(empty_message), "empty_list");
    return std::nullopt;
  }
  std::vector<Index> result;
  bool ok = true;
  for (const auto& element : *elements) {
    auto index = read_reference<Index>(element, ids, what);
    if (!index) {
      ok = false;
    } else if (std::find(result.begin(), result.end(), *index) != result.end()) {
      report(element, std::string(what) + " \"" + element.node.Scalar() + "\" is listed twice", "duplicate_reference");
    } else {
      result.push_back(*index);
    }
  }
  if (!ok) return std::nullopt;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Phase 5a: funds (SPEC §4).

void rules_loader::read_funds(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.funds.resize(elements->size());
  for (std::size_t i = 0; i < elements->size(); ++i) read_fund((*elements)[i], parts_.funds[i]);
}

void rules_loader::read_fund(const located_node& node, fund_spec& fund) {
  map_reader reader(node);
  if (auto id = reader.required("id")) fund.id = detail::read_id(*id).value_or("");
  if (auto funder = reader.optional("funder")) fund.funder = detail::read_string(*funder).value_or("");
  std::optional<money> budget;
  if (auto budget_node = reader.required("budget")) budget = read_money_at(*budget_node);
  fund.budget = budget.value_or(money{});
  read_releases(reader, fund, budget.has_value());
  if (auto expire = reader.optional("expire_unused")) fund.expire_unused = detail::read_bool(*expire).value_or(false);
  if (auto sub_budgets = reader.optional("sub_budgets")) {
    map_reader sub(*sub_budgets);
    sub_budget_spec spec;
    if (auto per = sub.required("per")) {
      spec.per = detail::read_choice<sub_budget_scope>(*per, {{"project", sub_budget_scope::project},
                                                             {"organization", sub_budget_scope::organization},
                                                             {"donor", sub_budget_scope::donor}})
                     .value_or(sub_budget_scope::project);
    }
    if (auto amount_from = sub.required("amount_from")) {
      const auto owner = spec.per == sub_budget_scope::donor ? attribute_owner::donor : attribute_owner::project;
      if (auto field = read_attribute_field(*amount_from, {owner}, "a sub-budget's amount_from")) {
        spec.amount_from = *field;
        fund.sub_budgets = spec;
      }
    }
    sub.finish();
  }
  if (auto leftover = reader.optional("leftover")) {
    if (auto target = detail::read_id(*leftover); target && *target != "keep") {
      if (auto step = closeout_ids_.find(*target)) {
        fund.leftover = index_at<closeout_index>(*step);
      } else {
        report(*leftover, "leftover names no close-out step \"" + *target + "\" (use keep or a close-out id)",
               "unknown_closeout");
      }
    }
  }
  reader.finish();
}

void rules_loader::read_releases(map_reader& reader, fund_spec& fund, bool budget_known) {
  const auto releases = reader.optional("releases");
  const auto daily = reader.optional("daily");
  const auto& campaign = parts_.campaign;
  if (releases && daily) {
    report(*daily, "give either releases or daily, not both", "conflicting_keys");
    return;
  }
  std::optional<located_node> blame = releases ? releases : daily;
  if (releases) {
    auto elements = detail::read_list(*releases);
    if (!elements) return;
    if (elements->empty()) {
      report(*releases, "releases must list at least one tranche", "empty_list");
      return;
    }
    for (const auto& element : *elements) {
      map_reader tranche(element);
      const auto at_node = tranche.required("at");
      const auto amount_node = tranche.required("amount");
      tranche.finish();
      auto at = at_node ? detail::read_time(*at_node) : std::nullopt;
      auto amount = amount_node ? read_money_at(*amount_node) : std::nullopt;
      if (!at || !amount) continue;
      if (amount->is_zero()) report(*amount_node, "a release must be a positive amount", "non_positive_amount");
      if (campaign_times_ok_ && (*at < campaign.start || *at >= campaign.end)) {
        report(*at_node, "the release at " + format_rfc3339(*at, campaign.timezone) + " is outside the campaign",
               "release_outside_campaign");
      }
      if (!fund.releases.empty() && *at <= fund.releases.back().at) {
        report(*at_node, "releases must be in strictly increasing time order", "releases_out_of_order");
      }
      fund.releases.push_back({*at, *amount});
    }
  } else if (daily) {
    map_reader schedule(*daily);
    const auto from_node = schedule.required("from");
    const auto to_node = schedule.required("to");
    const auto at_node = schedule.required("at");
    const auto amount_node = schedule.required("amount");
    schedule.finish();
    auto from = from_node ? detail::read_date(*from_node) : std::nullopt;
    auto to = to_node ? detail::read_date(*to_node) : std::nullopt;
    auto at = at_node ? detail::read_clock(*at_node) : std::nullopt;
    auto amount = amount_node ? read_money_at(*amount_node) : std::nullopt;
    if (!from || !to || !at || !amount) return;
    if (*to < *from) {
      report(*to_node, "daily.to must not be before daily.from", "bad_daily_range");
      return;
    }
    if (amount->is_zero()) report(*amount_node, "a release must be a positive amount", "non_positive_amount");
    for (auto day = from->days_since_epoch(); day <= to->days_since_epoch(); ++day) {
      const timestamp release = at_local(local_date::from_days(day), *at, campaign.timezone);
      if (campaign_times_ok_ && (release < campaign.start || release >= campaign.end)) {
        report(*daily, "the daily release at " + format_rfc3339(release, campaign.timezone) + " is outside the campaign",
               "release_outside_campaign");
        return;
      }
      fund.releases.push_back({release, *amount});
    }
  } else if (campaign_times_ok_) {
    fund.releases.push_back({campaign.start, fund.budget});
    return;
  }
  if (!blame || !budget_known) return;
  try {
    money total;
    for (const auto& release : fund.releases) total += release.amount;
    if (total > fund.budget) {
      report(*blame,
             "releases sum to " + format_money(total, digits()) + ", more than the budget " +
                 format_money(fund.budget, digits()),
             "releases_exceed_budget");
    }
  } catch (const overflow_error&) {
    report(*blame, "releases sum to more than the money limit of 10^15 minor units", "money_limit");
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 5b: rules (SPEC §5) and caps (§5.3).

void rules_loader::read_rules(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.rules.resize(elements->size());
  std::vector<std::size_t> evaluation_index(elements->size());
  for (std::size_t k = 0; k < rule_order_.size(); ++k) evaluation_index[rule_order_[k]] = k;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    rule_spec& rule = parts_.rules[evaluation_index[i]];
    rule.file_order = i;
    read_rule((*elements)[i], i, rule);
  }
}

void rules_loader::read_rule(const located_node& node, std::size_t file_index, rule_spec& rule) {
  map_reader reader(node);
  rule.position = node.at;
  const auto self = index_at<rule_index>(static_cast<std::size_t>(&rule - parts_.rules.data()));
  if (auto id = reader.required("id")) rule.id = detail::read_id(*id).value_or("");
  if (auto description = reader.optional("description")) rule.description = detail::read_string(*description).value_or("");
  if (auto priority = reader.optional("priority")) {
    rule.priority = detail::read_integer(*priority, std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max())
                        .value_or(0);
  }
  if (auto sources = reader.required("sources")) {
    rule.sources = read_reference_list<fund_index>(*sources, fund_ids_, "fund", "a rule needs at least one source fund")
                       .value_or(std::vector<fund_index>{});
  }
  if (auto windows = reader.optional("windows")) {
    if (auto elements = detail::read_list(*windows)) {
      if (elements->empty()) report(*windows, "windows must list at least one window (omit the key for the whole campaign)", "empty_list");
      for (const auto& element : *elements) {
        map_reader window_reader(element);
        window_spec window{parts_.campaign.start, parts_.campaign.end, std::nullopt};
        bool ok = true;
        const auto from_node = window_reader.optional("from");
        const auto to_node = window_reader.optional("to");
        if (from_node) {
          if (auto from = detail::read_time(*from_node)) window.from = *from; else ok = false;
        }
        if (to_node) {
          if (auto to = detail::read_time(*to_node)) window.to = *to; else ok = false;
        }
        if (auto daily = window_reader.optional("daily")) {
          if (auto range = detail::read_clock_range(*daily)) window.daily = *range; else ok = false;
        }
        window_reader.finish();
        if (!ok || !window_reader.valid()) continue;
        // A bound taken from a campaign period that is itself invalid proves nothing.
        if (!campaign_times_ok_ && (!from_node || !to_node)) continue;
        if (window.to <= window.from) {
          report(to_node ? *to_node : element, "a window must end after it starts", "bad_window");
          continue;
        }
        if (campaign_times_ok_ && (window.from < parts_.campaign.start || window.to > parts_.campaign.end)) {
          report(element, "the window is not inside the campaign", "window_outside_campaign");
          continue;
        }
        rule.windows.push_back(window);
      }
    }
  }
  if (auto eligible = reader.optional("eligible")) {
    rule.eligible = read_condition(*eligible, field_context::donation, self).value_or(condition{});
  }
  if (auto minimum = reader.optional("min_donation")) rule.min_donation = read_money_at(*minimum);
  if (auto maximum = reader.optional("matchable_max")) rule.matchable_max = read_money_at(*maximum);
  if (auto chance = reader.optional("probability")) {
    rule.chance = detail::read_probability(*chance);
    if (!seed_given_) report(*chance, "probability needs campaign.seed", "missing_seed");
  }
  if (auto match = read_formula(reader, self)) rule.match = std::move(*match);
  if (auto caps = reader.optional("caps")) {
    if (auto elements = detail::read_list(*caps)) {
      for (std::size_t c = 0; c < elements->size(); ++c) {
        const std::string default_id = detail::index_path(detail::index_path("rules", file_index) + ".caps", c);
        if (auto cap = read_cap((*elements)[c], default_id, false)) {
          parts_.caps[position(*cap)].rules.push_back(self);
          rule.own_caps.push_back(*cap);
        }
      }
    }
  }
  if (auto partial = reader.optional("partial")) {
    rule.partial = detail::read_choice<partial_mode>(*partial, {{"clip", partial_mode::clip}, {"skip", partial_mode::skip}})
                       .value_or(partial_mode::clip);
  }
  if (auto mode = reader.optional("rounding")) {
    rule.round = detail::read_choice<rounding>(*mode, {{"floor", rounding::floor},
                                                        {"half_up", rounding::half_up},
                                                        {"half_even", rounding::half_even}})
                     .value_or(rounding::floor);
  }
  if (auto exclusive = reader.optional("exclusive")) rule.exclusive = detail::read_bool(*exclusive).value_or(false);
  if (auto on_refund = reader.optional("on_refund")) {
    rule.on_refund = detail::read_choice<refund_disposition>(*on_refund, {{"return", refund_disposition::give_back},
                                                                          {"forfeit", refund_disposition::forfeit}})
                         .value_or(refund_disposition::give_back);
  }
  if (auto settle = reader.optional("settle")) {
    map_reader settle_reader(*settle);
    if (auto when = settle_reader.required("when")) rule.settle = read_condition(*when, field_context::project_at_close, std::nullopt);
    settle_reader.finish();
  }
  reader.finish();
}

std::optional<formula> rules_loader::read_formula(map_reader& reader, rule_index self) {
  const auto ratio_node = reader.optional("ratio");
  const auto amount_node = reader.optional("amount");
  const auto bonus_node = reader.optional("ratio_of");
  const int given = (ratio_node ? 1 : 0) + (amount_node ? 1 : 0) + (bonus_node ? 1 : 0);
  if (given == 0) {
    if (reader.valid()) reader.self().report("a rule needs one of ratio, amount or ratio_of", "missing_formula");
    return std::nullopt;
  }
  if (given > 1) {
    const auto& second = bonus_node ? *bonus_node : *amount_node;
    report(second, "give only one of ratio, amount or ratio_of", "conflicting_keys");
    return std::nullopt;
  }
  const auto needs_seed = [&](const located_node& at) {
    if (!seed_given_) report(at, "a random " + std::string(ratio_node ? "ratio" : "amount") + " needs campaign.seed", "missing_seed");
  };
  if (ratio_node) {
    if (ratio_node->is_scalar()) {
      if (auto value = detail::read_ratio(*ratio_node)) return fixed_ratio_formula{*value};
      return std::nullopt;
    }
    map_reader shape(*ratio_node);
    if (!shape.valid()) return std::nullopt;
    if (shape.has("random") && shape.has("tiers")) {
      report(*ratio_node, "give either random or tiers, not both", "conflicting_keys");
      return std::nullopt;
    }
    if (auto tiers = shape.optional("tiers")) {
      shape.finish();
      auto parsed = read_tiers(*tiers, self);
      if (!parsed) return std::nullopt;
      return *parsed;
    }
    auto random = shape.required("random");
    shape.finish();
    if (!random) return std::nullopt;
    needs_seed(*random);
    map_reader range(*random);
    const auto min_node = range.required("min");
    const auto max_node = range.required("max");
    const auto step_node = range.required("step");
    range.finish();
    auto min = min_node ? detail::read_ratio(*min_node) : std::nullopt;
    auto max = max_node ? detail::read_ratio(*max_node) : std::nullopt;
    auto step = step_node ? detail::read_ratio(*step_node) : std::nullopt;
    if (!min || !max || !step) return std::nullopt;
    if (*max < *min) {
      report(*max_node, "random.max must not be below random.min", "bad_random_range");
      return std::nullopt;
    }
    if (step->is_zero()) {
      report(*step_node, "random.step must be positive", "bad_random_range");
      return std::nullopt;
    }
    const std::int64_t span = max->millionths() - min->millionths();
    if (span % step->millionths() != 0) {
      report(*step_node,
             "random.step " + format_ratio(*step) + " does not divide max - min = " +
                 format_ratio(ratio::from_millionths(span)),
             "random_step");
      return std::nullopt;
    }
    return random_ratio_formula{*min, *max, *step, static_cast<std::uint64_t>(span / step->millionths()) + 1};
  }
  if (amount_node) {
    if (amount_node->is_scalar()) {
      if (auto value = read_money_at(*amount_node)) return fixed_amount_formula{*value};
      return std::nullopt;
    }
    map_reader shape(*amount_node);
    auto random = shape.required("random");
    shape.finish();
    if (!random) return std::nullopt;
    needs_seed(*random);
    map_reader range(*random);
    const auto min_node = range.required("min");
    const auto max_node = range.required("max");
    range.finish();
    auto min = min_node ? read_money_at(*min_node) : std::nullopt;
    auto max = max_node ? read_money_at(*max_node) : std::nullopt;
    if (!min || !max) return std::nullopt;
    if (*max < *min) {
      report(*max_node, "random.max must not be below random.min", "bad_random_range");
      return std::nullopt;
    }
    return random_amount_formula{*min, *max};
  }
  map_reader bonus(*bonus_node);
  const auto rule_node = bonus.required("rule");
  const auto scale_node = bonus.optional("ratio");
  const auto tiers_node = bonus.optional("tiers");
  bonus.finish();
  if (!bonus.valid()) return std::nullopt;
  std::optional<rule_index> base = rule_node ? read_reference<rule_index>(*rule_node, rule_ids_, "rule") : std::nullopt;
  if (base && *base >= self) {
    report(*rule_node,
           "ratio_of must name a rule evaluated before this one; \"" + rule_node->node.Scalar() + "\" is not",
           "rule_order");
    base.reset();
  }
  if (scale_node && tiers_node) {
    report(*tiers_node, "give either ratio or tiers, not both", "conflicting_keys");
    return std::nullopt;
  }
  if (!scale_node && !tiers_node) {
    bonus_node->report("ratio_of needs ratio or tiers", "missing_key");
    return std::nullopt;
  }
  if (scale_node) {
    auto scale = detail::read_ratio(*scale_node);
    if (!scale || !base) return std::nullopt;
    return bonus_formula{*base, *scale};
  }
  auto tiers = read_tiers(*tiers_node, self);
  if (!tiers || !base) return std::nullopt;
  return bonus_formula{*base, std::move(*tiers)};
}

std::optional<tiered_ratio_formula> rules_loader::read_tiers(const located_node& node, rule_index self) {
  auto elements = detail::read_list(node);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    report(node, "tiers must list at least one tier", "empty_list");
    return std::nullopt;
  }
  tiered_ratio_formula result;
  bool ok = true;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    map_reader tier_reader((*elements)[i]);
    if (!tier_reader.valid()) {
      ok = false;
      continue;
    }
    ratio_tier tier;
    if (auto when = tier_reader.optional("when")) {
      auto parsed = read_condition(*when, field_context::donation, self);
      if (parsed) tier.when = std::move(*parsed); else ok = false;
    } else if (i + 1 < elements->size()) {
      (*elements)[i].report("only the last tier may omit when (the ones after it could never apply)", "tier_order");
      ok = false;
    }
    if (auto value = tier_reader.required("ratio")) {
      if (auto parsed = detail::read_ratio(*value)) tier.value = *parsed; else ok = false;
    } else {
      ok = false;
    }
    tier_reader.finish();
    result.tiers.push_back(std::move(tier));
  }
  if (!ok) return std::nullopt;
  return result;
}

std::optional<cap_index> rules_loader::read_cap(const located_node& node, std::string default_id, bool shared) {
  map_reader reader(node);
  if (!reader.valid()) return std::nullopt;
  cap_spec cap;
  cap.shared = shared;
  bool ok = true;
  cap.id = std::move(default_id);
  if (auto id = reader.optional("id")) {
    if (auto text = detail::read_id(*id)) cap.id = *text; else ok = false;
  }
  const located_node& id_blame = reader.has("id") ? *child_of(node, "id") : node;
  if (auto [first, inserted] = cap_ids_.emplace(cap.id, id_blame.at.line); !inserted) {
    report(id_blame, "duplicate cap id \"" + cap.id + "\" (first at line " + std::to_string(first->second) + ")",
           "duplicate_id");
    ok = false;
  }
  if (auto per = reader.required("per")) {
    auto text = detail::read_string(*per);
    static constexpr std::pair<std::string_view, cap_scope> scopes[] = {
        {"donation", cap_scope::donation},         {"donor", cap_scope::donor},
        {"project", cap_scope::project},           {"organization", cap_scope::organization},
        {"region", cap_scope::region},             {"category", cap_scope::category},
        {"donor_project", cap_scope::donor_project}, {"donor_organization", cap_scope::donor_organization},
        {"campaign", cap_scope::campaign}};
    bool known = false;
    if (text) {
      for (const auto& [name, scope] : scopes) {
        if (*text == name) {
          cap.per = scope;
          known = true;
        }
      }
      if (!known && text->starts_with("attr:")) {
        auto field = parse_field(std::string_view(*text).substr(5));
        if (field && field->kind >= field_kind::donation_id && field->kind <= field_kind::project_attribute &&
            field->kind != field_kind::project_tags) {
          cap.per = cap_scope::field;
          cap.scope_field = *field;
          known = true;
        } else {
          report(*per, "\"" + *text + "\" names no donation, donor or project field", "unknown_field");
          ok = false;
          known = true;  // reported
        }
      }
      if (!known) {
        report(*per,
               "invalid value \"" + *text +
                   "\" (expected donation, donor, project, organization, region, category, donor_project, "
                   "donor_organization, campaign or attr:<field>)",
               "bad_choice");
        ok = false;
      }
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
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
      report(*start, "year_start applies only to period: year", "year_start_without_year");
      ok = false;
    } else if (auto parsed = detail::read_month_day(*start)) {
      year_start = *parsed;
    } else {
      ok = false;
    }
  }
  if (period == period_kind::day) cap.period = cap_period::local_day();
  if (period == period_kind::year) cap.period = cap_period::year_from(year_start);
  if (auto measure = reader.required("measure")) {
    auto parsed = detail::read_choice<cap_measure>(*measure, {{"match", cap_measure::match},
                                                             {"donation", cap_measure::donation},
                                                             {"count", cap_measure::count}});
    if (parsed) cap.measure = *parsed; else ok = false;
  } else {
    ok = false;
  }
  const auto max_node = reader.optional("max");
  const auto max_from_node = reader.optional("max_from");
  if (max_node && max_from_node) {
    report(*max_from_node, "give either max or max_from, not both", "conflicting_keys");
    ok = false;
  } else if (!max_node && !max_from_node) {
    reader.self().report("a cap needs max or max_from", "missing_key");
    ok = false;
  } else if (max_node) {
    if (cap.measure == cap_measure::count) {
      cap.max = detail::read_integer(*max_node, 0, money_limit_minor);
    } else if (auto amount = read_money_at(*max_node)) {
      cap.max = amount->minor_units();
    }
    if (!cap.max) ok = false;
  } else {
    const auto owners = {attribute_owner::donation, attribute_owner::donor, attribute_owner::project};
    cap.max_from = read_attribute_field(*max_from_node, owners, "max_from");
    if (!cap.max_from) ok = false;
  }
  if (auto rules = reader.optional("rules")) {
    if (!shared) {
      report(*rules, "a rule's own cap limits that rule; list rules only on top-level caps", "cap_rules_not_allowed");
      ok = false;
    } else if (auto listed = read_reference_list<rule_index>(*rules, rule_ids_, "rule",
                                                             "a shared cap must list at least one rule")) {
      cap.rules = std::move(*listed);
      std::sort(cap.rules.begin(), cap.rules.end());
    } else {
      ok = false;
    }
  } else if (shared) {
    reader.self().report("a top-level cap must list the rules it limits (rules: [...])", "missing_key");
    ok = false;
  }
  reader.finish();
  if (!ok) return std::nullopt;
  parts_.caps.push_back(std::move(cap));
  return index_at<cap_index>(parts_.caps.size() - 1);
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
  if (auto from = reader.optional("from")) step.from = read_reference<fund_index>(*from, fund_ids_, "fund");
  if (auto eligible = reader.optional("eligible")) {
    step.eligible = read_condition(*eligible, field_context::project_at_close, std::nullopt).value_or(condition{});
  }
  // Keys every step may have except rematch, and keys of one kind only.
  const auto not_for_this_kind = [&](std::string_view key) {
    if (auto node_of_key = reader.optional(key)) {
      report(*node_of_key, "key \"" + std::string(key) + "\" does not apply to a " + kind_name + " step", "key_not_allowed");
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
          report(*share, "max_share \"" + share->node.Scalar() + "\" is more than the whole budget", "bad_share");
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
                 "bad_field");
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
      report(*file, "give either amounts or file, not both", "conflicting_keys");
    } else if (!amounts && !file) {
      reader.self().report("a fixed step needs amounts or file", "missing_key");
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
        for (auto [key, target] : {std::pair{"project", fixed_target::project},
                                   std::pair{"organization", fixed_target::organization},
                                   std::pair{"region", fixed_target::region}}) {
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
            report(*target_node, "unknown " + std::string(key) + " \"" + *id + "\"", "unknown_" + std::string(key));
            ok = false;
            continue;
          }
          allocation.target = target;
          allocation.index = *index;
        }
        if (targets != 1) {
          element.report("give exactly one of project, organization or region", targets == 0 ? "missing_key" : "conflicting_keys");
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
          report(*field_node, "a challenge field must be an amount of the project (raised, matched or attr.NAME)", "bad_field");
        }
      }
    }
    const auto target = reader.optional("target");
    const auto target_from = reader.optional("target_from");
    if (target && target_from) {
      report(*target_from, "give either target or target_from, not both", "conflicting_keys");
    } else if (!target && !target_from) {
      reader.self().report("a challenge step needs target or target_from", "missing_key");
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
        report(*scale, "give either amount or ratio, not both", "conflicting_keys");
      } else if (!amount && !scale && pay_reader.valid()) {
        pay->report("pay needs amount or ratio", "missing_key");
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
    if (auto rule = reader.required("rule")) step.rule = read_reference<rule_index>(*rule, rule_ids_, "rule");
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
                   for (auto [which, target, name] : {std::tuple{project, fixed_target::project, "project"},
                                                      std::tuple{organization, fixed_target::organization, "organization"},
                                                      std::tuple{region, fixed_target::region, "region"}}) {
                     auto id = row.cell(static_cast<std::size_t>(which));
                     if (!id) continue;
                     ++targets;
                     auto index = find_target(target, *id);
                     if (!index) {
                       row.report(row.column_of(static_cast<std::size_t>(which)), detail::join_path(row.path, name),
                                  "unknown " + std::string(name) + " \"" + *id + "\"", "unknown_" + std::string(name));
                       return;
                     }
                     allocation.target = target;
                     allocation.index = *index;
                   }
                   if (targets != 1) {
                     row.report(0, row.path, "give exactly one of project, organization or region",
                                targets == 0 ? "missing_key" : "conflicting_keys");
                     return;
                   }
                   auto text = row.cell(static_cast<std::size_t>(amount));
                   auto value = parse_money(text.value_or(""), digits());
                   if (!value || value->is_negative()) {
                     row.report(row.column_of(static_cast<std::size_t>(amount)), detail::join_path(row.path, "amount"),
                                value ? "amount must not be negative" : value.error(), value ? "negative_money" : "bad_money");
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
             "duplicate_id");
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
          report(donation_key, "no event of this test has id \"" + donation_id + "\"", "unknown_donation");
        }
        map_reader rules(per_rule);
        for (const auto& [rule_key, amount_node] : rules.entries()) {
          auto rule = rule_ids_.find(rule_key.node.Scalar());
          if (!rule) {
            report(rule_key, "unknown rule \"" + rule_key.node.Scalar() + "\"", "unknown_rule");
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
        if (!fund) report(fund_key, "unknown fund \"" + fund_key.node.Scalar() + "\"", "unknown_fund");
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
            report(column_key, "unknown column \"" + column_key.node.Scalar() + "\" of funds.csv", "unknown_column");
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
            } else if (auto time = detail::read_time(value_node)) {
              expected.value = std::optional<timestamp>{*time};
            } else {
              continue;
            }
          } else if (auto amount = detail::read_scalar_text(value_node, "an amount")) {
            // Signed: funds.csv columns are never negative, but an expectation may say so and fail.
            auto parsed = parse_money(*amount, digits());
            if (!parsed) {
              report(value_node, parsed.error(), "bad_money");
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

// ---------------------------------------------------------------------------------------------
// Conditions and fields (SPEC §5.1).

std::optional<field_ref> rules_loader::parse_field(std::string_view text) const {
  std::string ignored_message, ignored_code;
  return parse_field(text, ignored_message, ignored_code);
}

std::optional<field_ref> rules_loader::parse_field(std::string_view text, std::string& message, std::string& code) const {
  field_ref field;
  field.name = std::string(text);
  const auto fixed = [&](field_kind kind) {
    field.kind = kind;
    return field;
  };
  const auto attribute = [&](field_kind kind, std::string_view name) -> std::optional<field_ref> {
    if (name.empty()) {
      message = "field \"" + std::string(text) + "\" has an empty attribute name";
      code = "unknown_field";
      return std::nullopt;
    }
    field.kind = kind;
    const auto slot = attribute_slots_.find(text);
    field.index = slot == attribute_slots_.end() ? 0 : slot->second;
    return field;
  };
  static constexpr std::pair<std::string_view, field_kind> named[] = {
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
  };
  for (const auto& [name, kind] : named) {
    if (text == name) return fixed(kind);
  }
  for (const auto& [prefix, kind] : {std::pair{std::string_view{"donation.attr."}, field_kind::donation_attribute},
                                     std::pair{std::string_view{"donor.attr."}, field_kind::donor_attribute},
                                     std::pair{std::string_view{"project.attr."}, field_kind::project_attribute}}) {
    if (text.starts_with(prefix)) return attribute(kind, text.substr(prefix.size()));
  }
  // fund.ID.budget|drawn|available and rule.ID.matched|total: the id is what lies between.
  const auto entity = [&](std::string_view prefix, std::initializer_list<std::pair<std::string_view, field_kind>> suffixes,
                          const id_table& ids, std::string_view what) -> std::optional<std::optional<field_ref>> {
    if (!text.starts_with(prefix)) return std::nullopt;
    for (const auto& [suffix, kind] : suffixes) {
      if (text.size() <= prefix.size() + suffix.size() || !text.ends_with(suffix)) continue;
      const std::string id(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
      const auto found = ids.find(id);
      if (!found) {
        message = "field \"" + std::string(text) + "\" names an unknown " + std::string(what) + " \"" + id + "\"";
        code = "unknown_" + std::string(what);
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
                         fund_ids_, "fund")) {
    return *fund;
  }
  if (auto rule = entity("rule.", {{".matched", field_kind::rule_matched}, {".total", field_kind::rule_total}}, rule_ids_,
                         "rule")) {
    return *rule;
  }
  message = "unknown field \"" + std::string(text) + "\"";
  code = "unknown_field";
  return std::nullopt;
}

std::optional<field_ref> rules_loader::read_field(const located_node& node, bool report_unknown) {
  auto text = detail::read_string(node);
  if (!text) return std::nullopt;
  std::string message, code;
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
    report(node, std::string(what) + " must be an attribute field (" + expected + "), not " + field->name, "bad_field");
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
                forms == 0 ? "missing_key" : "conflicting_keys");
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
      report(*operands, std::string(all ? "all" : "any") + " needs at least one condition", "empty_list");
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
           "bad_operator");
    return std::nullopt;
  }
  // Where the condition stands decides which fields exist.
  if (field->kind == field_kind::rule_total) {
    report(*field_node, field->name + " is a close-out weight, not a condition field", "field_not_allowed");
    return std::nullopt;
  }
  if (context == field_context::project_at_close && !is_project_or_fund_field(field->kind)) {
    report(*field_node, field->name + " is not known at close: only project and fund fields can be used here",
           "field_not_allowed");
    return std::nullopt;
  }
  // SPEC §11.10: at close there is no event to reject, so a project attribute that some project
  // lacks needs a default. Settle conditions are decided at close too.
  if (context == field_context::project_at_close && field->kind == field_kind::project_attribute && !default_node) {
    for (const auto& project : parts_.projects) {
      if (project.attributes.size() > field->index && project.attributes[field->index]) continue;
      report(*field_node,
             "project \"" + project.id + "\" has no " + field->name + " and the condition gives no default",
             "missing_attribute");
      return std::nullopt;
    }
  }
  if (field->kind == field_kind::rule_matched && current_rule && field->index >= position(*current_rule)) {
    report(*field_node, field->name + " must name a rule evaluated before this one", "rule_order");
    return std::nullopt;
  }
  const value_type type = type_of_field(*field);
  const auto operator_error = [&](std::string why) {
    report(*op_node, "operator " + *op_text + " " + why, "bad_operator");
    return std::nullopt;
  };
  const bool ordering = *op == compare_op::less || *op == compare_op::less_equal || *op == compare_op::greater ||
                        *op == compare_op::greater_equal;
  const bool orderable = type == value_type::integer || type == value_type::money || type == value_type::date ||
                         type == value_type::clock;
  if (ordering && !orderable) return operator_error("does not apply to " + field->name + " (" + article(type) + ")");
  if (*op == compare_op::contains && type != value_type::string && type != value_type::tags) {
    return operator_error("needs a string field or project.tags, not " + field->name + " (" + article(type) + ")");
  }
  if (type == value_type::tags && *op != compare_op::contains) {
    return operator_error("does not apply to project.tags (use contains)");
  }
  condition_leaf leaf;
  leaf.field = *field;
  leaf.op = *op;
  const value_type operand_type = type == value_type::tags ? value_type::string : type;
  bool ok = true;
  if (*op == compare_op::in || *op == compare_op::not_in) {
    if (!value_node->is_list()) {
      report(*value_node, "operator " + *op_text + " needs a list of values", "wrong_type");
      return std::nullopt;
    }
    const auto elements = value_node->elements();
    if (elements.empty()) {
      report(*value_node, "operator " + *op_text + " needs at least one value", "empty_list");
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
  if (default_node) {
    if (!is_attribute(field->kind)) {
      report(*default_node, "default applies only to attribute fields; " + field->name + " is never missing",
             "default_not_allowed");
      ok = false;
    } else if (auto fallback = read_operand(*default_node, *field, type)) {
      leaf.fallback = std::move(*fallback);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return leaf;
}

std::optional<value> rules_loader::read_operand(const located_node& node, const field_ref& field, value_type type) {
  auto text = detail::read_scalar_text(node, "a scalar value");
  if (!text) return std::nullopt;
  const value_type given = classify_scalar_text(*text);
  const auto mismatch = [&] {
    report(node,
           "cannot compare " + field.name + " (" + article(type) + ") with \"" + *text + "\" (" + article(given) + ")",
           "type_mismatch");
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
        report(node, amount.error(), "bad_money");
        return std::nullopt;
      }
      return value{*amount};
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
                                 "no_money_source");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

load_result try_load_rules_text(std::string_view yaml_text, const std::string& file_name,
                                const std::filesystem::path& base_directory) {
  detail::diagnostics_sink sink;
  sink.note_file(file_name);  // the rules file's problems come first, then those of its CSV files
  load_result result;
  try {
    rules_loader loader(sink, file_name, base_directory);
    auto parts = loader.load(yaml_text);
    if (parts && sink.empty()) result.rules.emplace(std::move(*parts));
  } catch (const overflow_error& e) {
    sink.add(file_name, {}, "", e.what(), "money_limit");
  } catch (const std::exception& e) {
    // A bug, not a property of the file; reported rather than escaping as an exception.
    sink.add(file_name, {}, "", std::string("internal error while loading: ") + e.what(), "internal_error");
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
    result.diagnostics.push_back({name, 0, 0, "", e.what(), "file_unreadable"});
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
