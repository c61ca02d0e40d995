// The readable summary `matchfund validate` prints for a loaded rule set.
#ifndef MATCHFUND_CLI_SUMMARY_HPP
#define MATCHFUND_CLI_SUMMARY_HPP

#include <string>

#include "matchfund/rule_set.hpp"

namespace matchfund::cli {

std::string describe_rule_set(const rule_set& rules);

}  // namespace matchfund::cli

#endif
