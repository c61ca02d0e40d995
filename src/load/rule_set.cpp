#include "matchfund/rule_set.hpp"

#include "support/string_maps.hpp"

namespace matchfund {

namespace {

template <class Index>
using id_map = detail::string_map<Index>;  // looked up by string_view, never iterated

template <class Index, class Spec>
id_map<Index> index_by_id(const std::vector<Spec>& specs) {
  id_map<Index> result;
  result.reserve(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) result.emplace(specs[i].id, index_at<Index>(i));
  return result;
}

template <class Index>
std::optional<Index> find_in(const id_map<Index>& ids, std::string_view id) {
  const auto found = ids.find(id);
  if (found == ids.end()) return std::nullopt;
  return found->second;
}

}  // namespace

// Only looked up, never iterated: hash order cannot reach a result.
struct rule_set::lookups {
  id_map<project_index> projects;
  id_map<donor_index> donors;
  id_map<fund_index> funds;
  id_map<rule_index> rules;
};
rule_set::rule_set(rule_set_parts parts) {
  auto built = std::make_shared<lookups>();
  built->projects = index_by_id<project_index>(parts.projects);
  built->donors = index_by_id<donor_index>(parts.donors);
  built->funds = index_by_id<fund_index>(parts.funds);
  built->rules = index_by_id<rule_index>(parts.rules);
  lookups_ = std::move(built);
  parts_ = std::make_shared<const rule_set_parts>(std::move(parts));
}

std::span<const attribute_spec> rule_set::attributes(attribute_owner owner) const noexcept {
  switch (owner) {
    case attribute_owner::donation: return parts_->donation_attributes;
    case attribute_owner::donor: return parts_->donor_attributes;
    case attribute_owner::project: return parts_->project_attributes;
  }
  return {};
}

std::optional<project_index> rule_set::find_project(std::string_view id) const {
  return find_in(lookups_->projects, id);
}
std::optional<donor_index> rule_set::find_donor(std::string_view id) const { return find_in(lookups_->donors, id); }
std::optional<fund_index> rule_set::find_fund(std::string_view id) const { return find_in(lookups_->funds, id); }
std::optional<rule_index> rule_set::find_rule(std::string_view id) const { return find_in(lookups_->rules, id); }

}  // namespace matchfund
