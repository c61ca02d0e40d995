// `matchfund explain`: the ordered trace of one donation, for a donor who asks why a gift was
// (or was not) matched.
#ifndef MATCHFUND_CLI_EXPLAIN_HPP
#define MATCHFUND_CLI_EXPLAIN_HPP

#include <filesystem>
#include <string>
#include <vector>

#include "matchfund/rule_set.hpp"

namespace matchfund::cli {

// The trace as text; throws matchfund::error when the event files are bad or have no donation
// with that id.
std::string explain_donation(const rule_set& rules, const std::vector<std::filesystem::path>& event_files,
                             const std::string& donation_id);

}  // namespace matchfund::cli

#endif
