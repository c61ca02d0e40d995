// The reference model of the matching semantics: its entry point runs the events in time order,
// rejects those that need state to be found bad (SPEC §3.3), closes and writes the outputs. The
// parts it runs are described in model_state.hpp.
#include "reference_model.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model_state.hpp"

namespace matchfund::reference {

// ---------------------------------------------------------------------------------------------
// Bad events that need state (SPEC §3.3, §11.8)

std::optional<std::string> model::bad_event_reason(const event& e) const {
  if (accepted_ids_.contains(e.id)) return "duplicate_id";
  switch (e.kind) {
    case event_kind::donation:
    case event_kind::hold: return missing_attribute(e);
    case event_kind::confirm:
    case event_kind::cancel: return hold_resolution_problem(e);
    case event_kind::refund: {
      // A hold that is not confirmed is no donation: donations_ does not have it (SPEC §12).
      const auto found = donations_.find(e.ref);
      if (found == donations_.end()) return "unknown_donation";
      const money left = *found->second.donation.amount - found->second.refunded;
      if (e.amount ? *e.amount > left : left.is_zero()) return "refund_exceeds";
      return std::nullopt;
    }
    case event_kind::revoke:
      // SPEC §12 fine point 2; an id never seen stays allowed (choice 7).
      if (*e.scope == revoke_scope::donation && names_unconfirmed_hold(e.ref)) return "unknown_donation";
      return std::nullopt;
    case event_kind::close: return closed_ ? std::optional<std::string>("second_close") : std::nullopt;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Events in time order, then the close (SPEC §7: at the end of input without a close event)

outputs model::run(std::vector<event> events, std::span<const std::string> file_names) {
  std::vector<std::size_t> order(events.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return events[a].time < events[b].time; });

  std::vector<bool> repeated(events.size());
  std::set<std::string> ids_in_input;
  for (std::size_t i = 0; i < events.size(); ++i) repeated[i] = !ids_in_input.insert(events[i].id).second;

  std::vector<std::pair<std::size_t, rejection>> rejected;
  std::optional<timestamp> last_time;
  for (const std::size_t i : order) {
    const event& e = events[i];
    if (auto reason = repeated[i] ? std::optional<std::string>("duplicate_id") : bad_event_reason(e)) {
      const std::string file = e.file_index < file_names.size() ? file_names[e.file_index] : std::string();
      rejected.emplace_back(i, rejection{file, e.line, e.id, *reason});
      continue;
    }
    accepted_ids_.insert(e.id);
    last_time = e.time;
    // Releases and hold expiries due by now (after the close, only holds made after it expire).
    advance_time(e.time);
    switch (e.kind) {
      case event_kind::donation: donation(e); break;
      case event_kind::refund: refund(e); break;
      case event_kind::revoke: revoke(e); break;
      case event_kind::close: close(e.time, e.id); break;
      case event_kind::hold: hold(e); break;
      case event_kind::confirm: confirm(e); break;
      case event_kind::cancel: cancel(e); break;
    }
  }
  if (!closed_) {
    // SPEC §7: without a close event, the close is at max(campaign end, last event).
    const timestamp at = last_time ? std::max(rules_.campaign().end, *last_time) : rules_.campaign().end;
    advance_time(at);
    close(at, "");
  }
  expire_open_holds_when_due();  // holds made after the close (SPEC §12 fine point 3)
  check_invariants();

  outputs out;
  out.ledger_csv = ledger_csv();
  out.projects_csv = projects_csv();
  out.funds_csv = funds_csv();
  out.outcomes_csv = outcomes_csv();
  out.holds_csv = holds_csv();
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& entry : rejected) out.rejected.push_back(std::move(entry.second));
  return out;
}

outputs replay(const rule_set& rules, std::vector<event> events, std::span<const std::string> file_names) {
  model m(rules);
  return m.run(std::move(events), file_names);
}

}  // namespace matchfund::reference
