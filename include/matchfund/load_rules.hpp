// Loading a rules file (SPEC §3.1): strict YAML, the whole schema, cross-checks, and a
// compiled rule_set. Every problem of the file is reported, not just the first.
//
//   matchfund::rule_set rules = matchfund::load_rules("campaign.yaml");  // throws rules_error
//
//   auto loaded = matchfund::try_load_rules("campaign.yaml");            // never throws
//   if (!loaded) for (const auto& d : loaded.diagnostics) std::cerr << d.to_string() << '\n';
#ifndef MATCHFUND_LOAD_RULES_HPP
#define MATCHFUND_LOAD_RULES_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/diagnostic.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

struct load_result {
  std::optional<rule_set> rules;        // set when there is no diagnostic
  std::vector<diagnostic> diagnostics;  // in file order, then position

  [[nodiscard]] bool ok() const noexcept { return rules.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
};

// Non-throwing: problems (including an unreadable file) come back as diagnostics.
[[nodiscard]] load_result try_load_rules(const std::filesystem::path& file);

// The same for rules text already in memory. `file_name` is used in diagnostics; files the
// rules name (projects.csv, ...) are read relative to `base_directory`.
[[nodiscard]] load_result try_load_rules_text(std::string_view yaml_text, const std::string& file_name,
                                              const std::filesystem::path& base_directory);

// Throwing: rules_error with every diagnostic.
[[nodiscard]] rule_set load_rules(const std::filesystem::path& file);
[[nodiscard]] rule_set load_rules_text(std::string_view yaml_text, const std::string& file_name,
                                       const std::filesystem::path& base_directory);

}  // namespace matchfund

#endif
