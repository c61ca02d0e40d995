// What-if overrides of a loaded rule set: "what if the pool were 5000万, the per-person cap 500?"
// An override is one setting of the rules file written as KEY=VALUE (funds.tencent.budget=5000万);
// a sweep is one key over several values, each run with the same seeds. The keys, their meaning
// and their errors are in docs/overrides.md.
//
// An override never yields a rule set the loader would have refused (releases summing to more
// than the budget, a random ratio whose step does not divide max - min, ...): it is refused
// instead, with a message naming the argument.
#ifndef MATCHFUND_RULE_OVERRIDE_HPP
#define MATCHFUND_RULE_OVERRIDE_HPP

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/parse_result.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

// One setting as the user wrote it: key "funds.tencent.budget", value "5000万".
struct rule_override {
  std::string key;
  std::string value;

  friend bool operator==(const rule_override&, const rule_override&) = default;
};

// The forms of the keys, ID standing for a fund, rule, cap or close-out step id and K for a
// release's 0-based position; in this order in messages.
inline constexpr std::string_view override_key_forms[] = {
    "funds.ID.budget",      "funds.ID.releases[K].amount",
    "rules.ID.ratio",       "rules.ID.ratio.min",
    "rules.ID.ratio.max",   "rules.ID.probability",
    "rules.ID.amount",      "rules.ID.min_donation",
    "rules.ID.matchable_max", "caps.ID.max",
    "closeout.ID.budget",   "campaign.seed"};

// "KEY=VALUE", split at the last '=' (ids may hold '=', values never do). Checks that the key has
// one of the forms above; ids and values are checked against a rule set by apply_overrides.
[[nodiscard]] parse_result<rule_override> parse_override(std::string_view key_equals_value);

// A copy of `rules` with the overrides applied in order (a later one sees the earlier ones).
// Throws matchfund::error, "KEY=VALUE: what is wrong", at the first that cannot be applied.
// The copy keeps the source file's name; its SHA-256 becomes that of the original digest and the
// overrides' canonical text, so that a snapshot of an overridden run is restored only with the
// same overrides (empty stays empty: a rule set not loaded from text has no digest). Embedded
// tests are kept as written.
[[nodiscard]] rule_set apply_overrides(const rule_set& rules, std::span<const rule_override> overrides);

// At most this many points in a sweep.
inline constexpr std::size_t max_sweep_points = 1000;

// One key over several values, in canonical text ("50000000.00" for money, "0.5" for ratios and
// probabilities, "12" for integers); each value applies cleanly on the rule set it was parsed for.
struct sweep {
  std::string key;
  std::vector<std::string> values;

  [[nodiscard]] rule_override point(std::size_t i) const { return {key, values.at(i)}; }
};

// "KEY=FROM:TO:STEP" (FROM <= TO, STEP > 0, TO - FROM a whole number of steps; FROM, FROM + STEP,
// ..., TO) or "KEY=V1,V2,..." (no value twice). Every point is applied to `rules` (the rule set
// with any other overrides already applied) so that a bad point is reported before anything
// runs. Throws matchfund::error, "TEXT: what is wrong".
[[nodiscard]] sweep parse_sweep(std::string_view text, const rule_set& rules);

}  // namespace matchfund

#endif
