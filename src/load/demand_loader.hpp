// Reading a demand file (include/matchfund/demand.hpp) with the strict YAML of the rules loader:
// every problem a positioned diagnostic, every key known. The file is read against the rule set
// it will be simulated with: fund ids, projects and attribute types come from there.
//   load_demand.cpp         the top level, donations, donors, amounts, refunds, the API
//   load_demand_parts.cpp   laws, the day's timing and rush, project popularity, attribute tables
#ifndef MATCHFUND_SRC_DEMAND_LOADER_HPP
#define MATCHFUND_SRC_DEMAND_LOADER_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/rule_set.hpp"
#include "load/yaml_document.hpp"

namespace matchfund::detail::loading {

class demand_loader {
 public:
  explicit demand_loader(const rule_set& rules) : rules_(rules) {}

  // Reads the document into model(); problems go to the document's sink.
  void load(const yaml_document& document);
  [[nodiscard]] demand_model& model() noexcept { return model_; }

 private:
  // -- load_demand.cpp
  // False when the demand is for another campaign.
  bool read_header(map_reader& top);
  void read_donations(const located_node& node);
  void read_donors(const located_node& node);
  void read_amounts(const located_node& node);
  void read_amount_table(const located_node& node);
  void read_pareto(const located_node& node);
  void read_refunds(const located_node& node);
  // -- load_demand_parts.cpp
  std::optional<demand_law> read_law(const located_node& node, bool at_most_one);
  std::optional<std::int64_t> read_law_value(const located_node& node, bool at_most_one);
  void read_timing(const located_node& node);
  std::optional<std::array<std::uint64_t, 24>> read_hours(const located_node& node);
  void read_days(const located_node& node, const std::array<std::uint64_t, 24>& hours);
  void default_days(const std::array<std::uint64_t, 24>& hours);
  void read_rush(const located_node& node);
  void read_projects(const located_node& node);
  void read_popularity(const located_node& node);
  void resolve_popularity_column(const located_node& at);
  void read_attribute_tables(const located_node& node, attribute_owner owner,
                             std::vector<attribute_choice_table>& tables);
  std::optional<attribute_choice_table> read_attribute_table(const located_node& name, const located_node& list,
                                                             const attribute_spec& attribute, std::uint32_t slot);
  std::optional<std::uint64_t> read_weight(const located_node& node);

  const rule_set& rules_;
  demand_model model_;
};

}  // namespace matchfund::detail::loading

#endif
