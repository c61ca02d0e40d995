// The bundled campaigns that come with an event file (rules/NAME.yaml and rules/NAME-events.csv),
// for the tests that replay every one of them.
#ifndef MATCHFUND_TESTS_BUNDLED_CAMPAIGNS_HPP
#define MATCHFUND_TESTS_BUNDLED_CAMPAIGNS_HPP

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace matchfund::testing {

// How many rules files rules/ holds, and how many of them come with events: a test that loops over them checks it saw this many, so that a loop that
// finds none (a moved directory, a renamed file) fails instead of passing. Adding a campaign with
// events means raising it.
inline constexpr std::size_t bundled_rules_files = 23;
inline constexpr std::size_t bundled_campaigns_with_events = 23;

// How many demand models (rules/NAME-demand.yaml, docs/simulate.md) rules/ holds.
inline constexpr std::size_t bundled_demand_files = 10;

// The names (NAME of rules/NAME.yaml) of the YAML files of rules/, in byte order: the rules files,
// or with `demand` the demand models (NAME of rules/NAME-demand.yaml).
inline std::vector<std::string> bundled_yaml_names(const std::filesystem::path& rules_directory, bool demand) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(rules_directory)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string stem = entry.path().stem().string();
    if (stem.ends_with("-demand") == demand) names.push_back(demand ? stem.substr(0, stem.size() - 7) : stem);
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<std::string> bundled_rules_names(const std::filesystem::path& rules_directory) {
  return bundled_yaml_names(rules_directory, false);
}

// The names of those with an event file, in byte order.
inline std::vector<std::string> bundled_campaign_names(const std::filesystem::path& rules_directory) {
  std::vector<std::string> names;
  for (const std::string& name : bundled_rules_names(rules_directory)) {
    if (std::filesystem::exists(rules_directory / (name + "-events.csv"))) names.push_back(name);
  }
  return names;
}

}  // namespace matchfund::testing

#endif
