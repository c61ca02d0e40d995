// One invariant of SPEC §8 and whether it held: what engine::check_invariants() and a replay's
// report give.
#ifndef MATCHFUND_INVARIANT_HPP
#define MATCHFUND_INVARIANT_HPP

#include <string>

namespace matchfund {

struct invariant_result {
  std::string name;    // fund_identity, caps_within_max, ledger_matches_tables, ...
  bool holds = true;
  std::string detail;  // what broke, when it did not hold
};

}  // namespace matchfund

#endif
