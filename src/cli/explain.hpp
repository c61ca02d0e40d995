// `matchfund explain`: the ordered trace of one donation, for a donor who asks why a gift was
// (or was not) matched.
#ifndef MATCHFUND_CLI_EXPLAIN_HPP
#define MATCHFUND_CLI_EXPLAIN_HPP

#include <filesystem>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::cli {

// Each rule's evaluation as explain and quote print it: outcome, want, what was paid (held,
// quoted: `paid` names it), each cap's remaining before and after, each fund (`drew` names how).
std::string describe_evaluations(const rule_set& rules, std::span<const rule_evaluation> evaluations,
                                 std::string_view paid, std::string_view drew);

// The trace as text; throws matchfund::error when the event files are bad or have no donation
// with that id.
std::string explain_donation(const rule_set& rules, const std::vector<std::filesystem::path>& event_files,
                             const std::string& donation_id);

}  // namespace matchfund::cli

#endif
