// The points of a simulation from overrides and a sweep (simulation_points in simulate.hpp).
#include "matchfund/error.hpp"
#include "matchfund/rule_override.hpp"
#include "matchfund/simulate.hpp"

namespace matchfund {

simulation_setup simulation_points(const rule_set& rules, const std::vector<std::string>& overrides,
                                   const std::optional<std::string>& sweep_text, const std::string& set_name,
                                   const std::string& sweep_name) {
  simulation_setup setup;
  std::vector<rule_override> parsed_overrides;
  for (const auto& text : overrides) {
    auto parsed = parse_override(text);
    if (!parsed) throw error(set_name + " " + parsed.error());
    parsed_overrides.push_back(*parsed);
    setup.overrides.emplace_back(parsed->key, parsed->value);
  }
  rule_set overridden = rules;
  try {
    if (!parsed_overrides.empty()) overridden = apply_overrides(rules, parsed_overrides);
  } catch (const error& e) {
    throw error(set_name + " " + e.what());
  }
  if (!sweep_text) {
    setup.points.push_back({"", std::move(overridden)});
    return setup;
  }
  sweep points;
  try {
    points = parse_sweep(*sweep_text, overridden);
  } catch (const error& e) {
    throw error(sweep_name + " " + e.what());
  }
  setup.sweep_key = points.key;
  for (std::size_t i = 0; i < points.values.size(); ++i) {
    const rule_override point = points.point(i);
    setup.points.push_back({point.value, apply_overrides(overridden, std::vector<rule_override>{point})});
  }
  return setup;
}

}  // namespace matchfund
