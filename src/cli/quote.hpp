// `matchfund quote`: what a donation would be matched if it came now, after the events so far
// (engine::quote), for a platform's "your gift will be matched ¥X" and for checking one.
#ifndef MATCHFUND_CLI_QUOTE_HPP
#define MATCHFUND_CLI_QUOTE_HPP

#include <filesystem>
#include <string>
#include <vector>

#include "matchfund/rule_set.hpp"

namespace matchfund::cli {

// `donation` is the donation as NAME=VALUE pairs separated by commas (id, time, donor, project,
// amount, channel, attr.NAME). Replays the event files (bad events are skipped, as with
// --lenient) and returns the quote as text. Throws matchfund::error when the event files are bad
// or the pairs do not parse as pairs of those names.
std::string quote_donation(const rule_set& rules, const std::vector<std::filesystem::path>& event_files,
                           const std::string& donation);

}  // namespace matchfund::cli

#endif
