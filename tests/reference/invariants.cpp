// The model checks itself before it writes: the fund identity of SPEC §4 (nothing held at the
// end, SPEC §12), and the ledger adding up to the project and fund tables (SPEC §8).
#include "matchfund/assert.hpp"
#include "model_state.hpp"

namespace matchfund::reference {

// SPEC §4 identity and §8 "ledger sums equal the project and fund tables".
void model::check_invariants() const {
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    const fund_spec& spec = rules_.funds()[f];
    const fund_state& fund = funds_[f];
    const money unreleased = spec.budget - fund.released;
    const money net_drawn = fund.drawn - fund.returned - fund.forfeited;
    MATCHFUND_ASSERT(unreleased >= money::zero() && fund.available() >= money::zero(), "a fund went negative");
    // SPEC §12: every hold is resolved by now, so nothing is held.
    MATCHFUND_ASSERT(fund.held.is_zero(), "a fund still holds money at the end");
    MATCHFUND_ASSERT(spec.budget == unreleased + fund.available() + fund.held + net_drawn + fund.forfeited +
                                        fund.expired + fund.closeout,
                     "the fund identity of SPEC §4 (§12 with held) does not hold");
    money drawn;
    money returned;
    money forfeited;
    money expired;
    money closeout;
    for (const ledger_row& row : ledger_) {
      if (row.fund != spec.id) continue;
      if (row.kind == "match") drawn += row.amount;
      if (row.kind == "expiry") expired += row.amount;
      if (row.kind == "closeout") closeout += row.amount;
      if (row.kind == "reversal" && row.disposition == "return") returned -= row.amount;
      if (row.kind == "reversal" && row.disposition == "forfeit") forfeited -= row.amount;
    }
    MATCHFUND_ASSERT(drawn == fund.drawn && returned == fund.returned && forfeited == fund.forfeited &&
                         expired == fund.expired && closeout == fund.closeout,
                     "the ledger does not add up to the fund table");
  }
  for (const auto& entry : holds_) {
    MATCHFUND_ASSERT(entry.second.state != hold_state::open, "a hold is still open at the end");
  }
  for (std::size_t p = 0; p < projects_.size(); ++p) {
    money matched;
    money closeout;
    for (const ledger_row& row : ledger_) {
      if (row.project != project_id(p)) continue;
      if (row.kind == "match" || row.kind == "reversal") matched += row.amount;
      if (row.kind == "closeout") closeout += row.amount;
    }
    MATCHFUND_ASSERT(matched == projects_[p].matched && closeout == projects_[p].closeout,
                     "the ledger does not add up to the project table");
  }
}

}  // namespace matchfund::reference
