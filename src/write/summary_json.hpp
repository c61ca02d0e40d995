// summary.json (SPEC §8): the version, the rules file's SHA-256, the digest of every other output,
// counts by outcome, totals and the result of every invariant. Internal (run/replay.cpp).
#ifndef MATCHFUND_SRC_SUMMARY_JSON_HPP
#define MATCHFUND_SRC_SUMMARY_JSON_HPP

#include <string>

#include "matchfund/replay.hpp"
#include "matchfund/rule_set.hpp"
#include "write/tables.hpp"

namespace matchfund::detail {

std::string write_summary_json(const rule_set& rules, const replay_report& report, const projects_table& projects);

}  // namespace matchfund::detail

#endif
