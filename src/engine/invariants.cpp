// The invariants of SPEC §8 that the engine answers for (engine::check_invariants), so that a
// host linking the engine gets the checks a replay makes.
#include "engine/engine_state.hpp"

namespace matchfund {

namespace {

// SPEC §4, §12: budget = unreleased + available + held + (drawn - returned - forfeited) +
// forfeited + expired + closeout, and neither the unreleased part, what is available nor what is
// held below 0.
bool identity_holds(const fund_spec& spec, const fund_totals& totals) {
  const money unreleased = spec.budget - totals.released;
  const money accounted = unreleased + totals.available() + totals.held +
                          (totals.drawn - totals.returned - totals.forfeited) + totals.forfeited + totals.expired +
                          totals.closeout;
  return accounted == spec.budget && totals.available() >= money{} && totals.held >= money{} && unreleased >= money{};
}

bool same_sums(const fund_totals& lines, const fund_totals& totals) {
  return lines.drawn == totals.drawn && lines.returned == totals.returned && lines.forfeited == totals.forfeited &&
         lines.expired == totals.expired && lines.closeout == totals.closeout;
}

}  // namespace

std::vector<invariant_result> engine::check_invariants() const {
  const state& s = *state_;
  std::vector<invariant_result> results;
  const auto check = [&](std::string name, bool holds, std::string detail) {
    results.push_back({std::move(name), holds, holds ? std::string() : std::move(detail)});
  };
  const engine_detail::ledger_sums sums = s.ledger.sums();

  std::string identity_broken, ledger_differs;
  for (std::size_t f = 0; f < s.funds.size(); ++f) {
    const fund_spec& spec = s.rules.funds()[f];
    if (!identity_holds(spec, s.funds[f].totals)) identity_broken += " " + spec.id;
    if (!same_sums(sums.funds[f], s.funds[f].totals)) ledger_differs += " fund " + spec.id;
  }
  for (std::size_t p = 0; p < s.projects.size(); ++p) {
    if (sums.project_matched[p] != s.projects[p].matched || sums.project_closeout[p] != s.projects[p].closeout) {
      ledger_differs += " project " + s.rules.projects()[p].id;
    }
  }
  check("fund_identity", identity_broken.empty(), "broken for" + identity_broken);
  const auto violations = cap_violations();
  check("caps_within_max", violations.empty(), violations.empty() ? "" : violations.front());
  check("ledger_matches_tables", ledger_differs.empty(), "differs for" + ledger_differs);
  check("matches_within_formula", s.matches_above_formula == 0,
        std::to_string(s.matches_above_formula) + " matches above their formula");
  return results;
}

}  // namespace matchfund
