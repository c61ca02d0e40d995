// The rules loader's internals, shared by the files that read each part of the format:
//   load_rules.cpp                 phases 1-3 and 6 (document, campaign, ids, attribute types), the API
//   load_rules_entities.cpp        phase 4: projects and donors, inline or from CSV files
//   load_rules_funds.cpp           phase 5: funds and their release schedules
//   load_rules_matching.cpp        phase 5: rules
//   load_rules_formulas.cpp        phase 5: what a rule matches (ratio, amount, ratio_of, tiers)
//   load_rules_caps.cpp            phase 5: caps, a rule's own and shared
//   load_rules_closeout.cpp        phase 5: close-out steps
//   load_rules_embedded_tests.cpp  phase 5: embedded tests
//   load_rules_conditions.cpp      fields and conditions
#ifndef MATCHFUND_SRC_RULES_LOADER_HPP
#define MATCHFUND_SRC_RULES_LOADER_HPP

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/csv_reader.hpp"
#include "matchfund/diagnostic_code.hpp"
#include "matchfund/rule_set.hpp"
#include "load/yaml_document.hpp"
#include "support/text.hpp"

namespace matchfund::detail::loading {

// Which fields a condition may read where it stands.
enum class field_context {
  donation,        // a rule's eligibility or tier: everything of §5.1
  project_at_close // settle, close-out: project and fund fields only
};

// What the rules say of an attribute's type, and where they first said it.
struct attribute_evidence {
  value_type type = value_type::string;
  bool typed = false;   // false: only used as a cap scope, no type said
  bool amount = false;  // read as an amount or count somewhere (*_from, weights): never a ratio
  source_position first;
  std::string first_use;  // "an integer" ... for messages
};

// The ids of one kind of entity and their positions (list index or evaluation order).
struct id_table {
  std::map<std::string, std::size_t, std::less<>> index;
  std::map<std::string, std::uint32_t, std::less<>> first_line;  // for "duplicate id" messages
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const {
    auto found = index.find(id);
    if (found == index.end()) return std::nullopt;
    return found->second;
  }
};

// What an id may name in a reference: the word messages use for it, and the code of an id that
// names none.
struct reference_kind {
  std::string_view word;
  diagnostic_code unknown;
};
inline constexpr reference_kind fund_reference{"fund", diagnostic_code::unknown_fund};
inline constexpr reference_kind rule_reference{"rule", diagnostic_code::unknown_rule};

// "an integer", "an amount", ...: a type as a message names it.
std::string article(value_type type);

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

// Loads one rules file into rule_set_parts, reporting every problem to the sink.
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
  // How the rules use an attribute: compared in a condition, read as an amount or count, or as
  // a ratio (ratio_from).
  enum class evidence_use : std::uint8_t { compared, amount, ratio };
  void add_evidence(const std::string& field_text, value_type type, bool typed, const located_node& at,
                    evidence_use use = evidence_use::compared);
  // -- phase 4
  void read_projects(const located_node& node);
  void read_project_list(const located_node& list);
  void read_projects_file(const located_node& file_node);
  void read_donors(const located_node& node);
  void read_donors_file(const located_node& file_node);
  [[nodiscard]] resolved_attribute resolve_attribute(attribute_owner owner, const std::string& name) const;
  std::optional<value> attribute_value(const resolved_attribute& attribute, const std::string& text,
                                       const std::function<void(std::string, diagnostic_code)>& report_at);
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
  // -- phase 5: funds
  void read_funds(const located_node& list);
  void read_fund(const located_node& node, fund_spec& fund);
  void read_sub_budgets(const located_node& node, fund_spec& fund);
  void read_releases(map_reader& reader, fund_spec& fund, bool budget_known);
  bool read_tranches(const located_node& releases, fund_spec& fund);
  bool read_daily_releases(const located_node& daily, fund_spec& fund);
  void check_release_total(const located_node& schedule, const fund_spec& fund);
  // -- phase 5: rules and their formulas
  void read_rules(const located_node& list);
  void read_rule(const located_node& node, std::size_t file_index, rule_spec& rule);
  void read_windows(const located_node& windows, rule_spec& rule);
  std::optional<window_spec> read_window(const located_node& element);
  std::optional<settle_spec> read_settle(const located_node& settle);
  std::optional<payments_requirement> read_payments(const located_node& payments);
  void read_own_caps(const located_node& caps, std::size_t file_index, rule_index self, rule_spec& rule);
  std::optional<formula> read_formula(map_reader& reader, rule_index self);
  void require_seed(const located_node& random, std::string_view what);
  std::optional<formula> read_ratio_formula(const located_node& node, rule_index self);
  std::optional<formula> read_random_ratio(const located_node& random);
  std::optional<formula> read_amount_formula(const located_node& node);
  std::optional<formula> read_bonus_formula(const located_node& node, rule_index self);
  std::optional<tiered_ratio_formula> read_tiers(const located_node& node, rule_index self);
  std::optional<stepped_ratio_formula> read_steps(const located_node& node);
  // -- phase 5: caps
  std::optional<cap_index> read_cap(const located_node& node, std::string default_id, bool shared);
  bool read_cap_id(map_reader& reader, cap_spec& cap);
  bool read_cap_scope(map_reader& reader, cap_spec& cap);
  bool read_cap_period(map_reader& reader, cap_spec& cap);
  bool cap_periods_fit(const cap_spec& cap, period_kind period, const located_node& blame);
  bool read_cap_limit(map_reader& reader, cap_spec& cap);
  bool read_cap_rules(map_reader& reader, cap_spec& cap);
  void read_shared_caps(const located_node& list);
  // -- phase 5: close-out steps
  void read_closeout(const located_node& list);
  void read_closeout_step(const located_node& node, closeout_spec& step);
  void read_step_budget(map_reader& reader, closeout_spec& step);
  void read_proportional_weight(map_reader& reader, closeout_spec& step);
  void read_quadratic_keys(map_reader& reader, closeout_spec& step);
  void read_fixed_keys(map_reader& reader, closeout_spec& step);
  std::optional<fixed_allocation> read_fixed_amount(const located_node& element);
  void read_fixed_amounts_file(const located_node& file_node, closeout_spec& step);
  [[nodiscard]] std::optional<fixed_allocation> fixed_amount_of_row(const csv_row& row) const;
  [[nodiscard]] std::optional<std::uint32_t> find_target(fixed_target target, const std::string& id) const;
  void read_challenge_keys(map_reader& reader, closeout_spec& step);
  void read_challenge_pay(const located_node& pay, closeout_spec& step);
  // -- phase 5: embedded tests
  void read_tests(const located_node& list);
  void read_test(const located_node& node, embedded_test& test);
  std::optional<test_event> read_test_event(const located_node& element);
  void read_expected_matches(const located_node& matched, embedded_test& test);
  void read_expected_funds(const located_node& funds, embedded_test& test);
  std::optional<expected_fund_value> read_expected_fund_value(const located_node& column_key,
                                                              const located_node& value_node);
  // -- references by id
  template <class Index>
  std::optional<Index> read_reference(const located_node& node, const id_table& ids, reference_kind what);
  template <class Index>
  std::optional<std::vector<Index>> read_reference_list(const located_node& node, const id_table& ids,
                                                        reference_kind what, std::string_view empty_message);
  // -- conditions and fields
  [[nodiscard]] std::optional<field_ref> parse_field(std::string_view text) const;
  std::optional<field_ref> parse_field(std::string_view text, std::string& message, diagnostic_code& code) const;
  std::optional<field_ref> read_field(const located_node& node, bool report_unknown = true);
  std::optional<condition> read_condition(const located_node& node, field_context context,
                                          std::optional<rule_index> current_rule);
  std::optional<condition_leaf> read_leaf(map_reader& reader, field_context context,
                                          std::optional<rule_index> current_rule);
  bool field_allowed_here(const located_node& field_node, const field_ref& field, field_context context,
                          bool has_default, std::optional<rule_index> current_rule);
  static bool operator_applies(const located_node& op_node, const std::string& op_text, compare_op op,
                               const field_ref& field, value_type type);
  bool read_leaf_default(const located_node& default_node, value_type type, condition_leaf& leaf);
  std::optional<value> read_operand(const located_node& node, const field_ref& field, value_type type);
  [[nodiscard]] value_type type_of_field(const field_ref& field) const;
  std::optional<field_ref> read_attribute_field(const located_node& node, std::initializer_list<attribute_owner> owners,
                                                std::string_view what);
  // -- phase 6
  void check_closeout_money();

  std::optional<money> read_money_at(const located_node& node) { return detail::read_money(node, digits()); }
  // A time the outputs may print: RFC 3339 (bad_time) that the campaign's offset can write
  // (time_not_writable; not checked while the timezone is itself in error).
  std::optional<timestamp> read_writable_time(const located_node& node);
  [[nodiscard]] minor_digits_t digits() const { return parts_.campaign.minor_digits; }
  static void report(const located_node& at, std::string message, diagnostic_code code) {
    at.report(std::move(message), code);
  }
  [[nodiscard]] std::string display_path(const std::string& relative) const;

  detail::diagnostics_sink& sink_;
  std::string file_name_;
  std::filesystem::path base_directory_;
  std::unique_ptr<detail::yaml_document> document_;
  rule_set_parts parts_;

  bool timezone_ok_ = false;
  bool campaign_times_ok_ = false;
  std::size_t caps_refused_ = 0;  // caps beyond the engine's limit (the first is reported)
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

struct csv_row {
  const detail::csv_record& record;
  const std::vector<std::optional<std::size_t>>& columns;  // by the caller's column list
  std::string path;                                           // "projects[3]"
  std::function<void(std::size_t column, std::string path, std::string message, diagnostic_code code)> report;

  // The cell of the caller's column `which`; nullopt when the column is absent or the cell empty.
  [[nodiscard]] std::optional<std::string> cell(std::size_t which) const {
    if (!columns[which] || record[*columns[which]].empty()) return std::nullopt;
    return std::string(record[*columns[which]]);
  }
  [[nodiscard]] std::size_t column_of(std::size_t which) const { return columns[which].value_or(0); }
};

// A child of a mapping, located, without the bookkeeping of map_reader (no reports).
std::optional<located_node> child_of(const located_node& map, std::string_view key);

// ---------------------------------------------------------------------------------------------
// References by id.

// The index an id names; reports what.unknown (unknown_fund, ...) when there is none.
template <class Index>
std::optional<Index> rules_loader::read_reference(const located_node& node, const id_table& ids, reference_kind what) {
  auto id = detail::read_id(node);
  if (!id) return std::nullopt;
  auto found = ids.find(*id);
  if (!found) {
    report(node, "unknown " + std::string(what.word) + " \"" + *id + "\"", what.unknown);
    return std::nullopt;
  }
  return index_at<Index>(*found);
}

// A non-empty list of ids, each known and listed once; nullopt when any is not.
template <class Index>
std::optional<std::vector<Index>> rules_loader::read_reference_list(const located_node& node, const id_table& ids,
                                                                    reference_kind what,
                                                                    std::string_view empty_message) {
  auto elements = detail::read_list(node);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    report(node, std::string(empty_message), diagnostic_code::empty_list);
    return std::nullopt;
  }
  std::vector<Index> result;
  bool ok = true;
  for (const auto& element : *elements) {
    auto index = read_reference<Index>(element, ids, what);
    if (!index) {
      ok = false;
    } else if (std::find(result.begin(), result.end(), *index) != result.end()) {
      report(element, std::string(what.word) + " \"" + element.node.Scalar() + "\" is listed twice",
             diagnostic_code::duplicate_reference);
    } else {
      result.push_back(*index);
    }
  }
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace matchfund::detail::loading

#endif
