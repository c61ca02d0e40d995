// An engine's whole readable state as text, for tests that compare two runs: the ledger lines
// it keeps, every fund's and project's totals, the holds, the invariants and cap violations.
#ifndef MATCHFUND_TESTS_ENGINE_STATE_TEXT_HPP
#define MATCHFUND_TESTS_ENGINE_STATE_TEXT_HPP

#include <string>

#include "matchfund/engine.hpp"

namespace matchfund::testing {

// Everything a run leaves that a host can read: the ledger, every fund's and project's totals,
// the holds, the invariants, as text.
inline std::string state_text(const matchfund::engine& e, const matchfund::rule_set& rules) {
  std::string text;
  for (const ledger_line& line : e.ledger()) {
    const auto number = [](const auto& index) { return index ? std::to_string(position(*index)) : std::string("-"); };
    text += std::to_string(line.seq) + " " + std::to_string(line.time.epoch_ms()) + " " +
            std::string(to_string(line.kind)) + " " + std::string(line.event_id) + " " + std::string(line.donation_id) +
            " " + std::string(line.donor) + " " + number(line.project) + " " + number(line.rule) + " " +
            number(line.step) + " " + number(line.fund) + " " + std::to_string(line.amount.minor_units()) + " " +
            std::string(line.limited_by) + " " +
            (line.disposition ? std::string(to_string(*line.disposition)) : std::string("-")) + "\n";
  }
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    const fund_totals& t = e.fund(index_at<fund_index>(f));
    text += "fund " + std::to_string(f);
    for (const money m : {t.released, t.drawn, t.returned, t.forfeited, t.expired, t.closeout, t.unallocated, t.held}) {
      text += " " + std::to_string(m.minor_units());
    }
    text += " " + (t.exhausted_at ? std::to_string(t.exhausted_at->epoch_ms()) : std::string("-")) + "\n";
  }
  for (std::size_t p = 0; p < rules.projects().size(); ++p) {
    const project_totals& t = e.project(index_at<project_index>(p));
    text += "project " + std::to_string(p) + " " + std::to_string(t.donations) + " " + std::to_string(t.donors) + " " +
            std::to_string(t.raised.minor_units()) + " " + std::to_string(t.matched.minor_units()) + " " +
            std::to_string(t.closeout.minor_units()) + "\n";
  }
  for (const hold_info& h : e.holds()) {
    text += "hold " + std::string(h.id) + " " + std::string(to_string(h.status)) + " " +
            std::to_string(h.held.minor_units()) + " " +
            (h.resolved_at ? std::to_string(h.resolved_at->epoch_ms()) : std::string("-")) + "\n";
  }
  for (const auto& invariant : e.check_invariants()) text += invariant.name + (invariant.holds ? " ok\n" : " broken\n");
  for (const auto& violation : e.cap_violations()) text += violation + "\n";
  return text;
}

}  // namespace matchfund::testing

#endif
