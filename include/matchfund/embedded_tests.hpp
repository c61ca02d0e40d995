// Running the tests a rules file carries (SPEC §3.4, §11.12): each test replays its own events
// and compares what each rule paid each donation, and the funds' totals, with what it expects.
#ifndef MATCHFUND_EMBEDDED_TESTS_HPP
#define MATCHFUND_EMBEDDED_TESTS_HPP

#include <string>
#include <vector>

#include "matchfund/rule_set.hpp"

namespace matchfund {

struct embedded_test_result {
  std::string id;
  std::vector<std::string> mismatches;  // one line each; empty when the test passed
  [[nodiscard]] bool passed() const noexcept { return mismatches.empty(); }
};

// Every test of `rules`, in file order. A failing test, a bad event among its events included, is
// a result, never an exception. Throws matchfund::error only where constructing an engine for
// `rules` does: for a rule set built without the loader (rule_set_parts) past a limit of one run
// that the loader refuses (docs/semantics.md: more than 65,536 caps, a campaign spanning more
// periods of a cap than the engine counts).
[[nodiscard]] std::vector<embedded_test_result> run_embedded_tests(const rule_set& rules);

}  // namespace matchfund

#endif
