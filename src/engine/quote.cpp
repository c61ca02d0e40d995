// Quotes: what process() would decide for a donation now, with nothing changed. The donation is
// evaluated on the engine's own state as a hold would be (what it would pay is held, so funds,
// pots and caps are charged as a payment charges them), after the releases and hold expiries
// due by its time; then everything is taken back: what it held, the holds its time expired
// (charged again and reopened), the fund totals, and every record and ledger line it added.
// Evaluating on the real state, instead of a model of it, is what makes a quote exactly what
// process() decides.
#include <string>

#include "engine/engine_state.hpp"

namespace matchfund {

engine::event_result engine::quote(const event& e) { return state_->quote(e); }

engine::event_result engine::state::quote(const event& e) {
  if (e.kind != event_kind::donation && e.kind != event_kind::hold) {
    throw error("engine::quote() takes a donation, not a " + std::string(to_string(e.kind)));
  }
  // The checks of process(), in its order.
  if (last_time && e.time < *last_time) return {bad_event_reason{bad_event_code::out_of_order}, {}};
  if (e.kind == event_kind::hold && !rules.campaign().hold_ttl) {
    return {bad_event_reason{bad_event_code::holds_not_enabled}, {}};
  }
  if (ids.seen(e.id)) return {bad_event_reason{bad_event_code::duplicate_id}, {}};

  // The open holds its time expires: in expiry order from the first open one.
  std::vector<std::uint32_t> expiring;
  if (const auto first = holds.next_to_expire()) {
    for (std::uint32_t h = *first; h < holds.size() && holds[h].expires_at <= e.time; ++h) {
      if (holds[h].status == hold_status::open) expiring.push_back(h);
    }
  }
  const auto funds_before = funds.save_totals();
  const std::size_t ledger_before = ledger.kept();
  const auto donations_before = donations.current_sizes();
  const std::uint32_t charges_before = caps.next_charge();
  const auto holds_before = holds.current_sizes();
  const std::uint64_t above_before = matches_above_formula;
  // A quote may be the first event of a day or after an opening: what it notes would be noted
  // the same by the next event, but a snapshot between must not see that it came first.
  std::optional<engine_detail::day_ranking> ranking_before;
  if (ranking.active()) ranking_before.emplace(ranking);

  const event_result result = process_donation(e, donation_mode::quote);

  if (!result.rejected) {
    move_held({donations_before.lines, donations.line_count() - donations_before.lines},
              {donations_before.charges, donations.charge_count() - donations_before.charges}, held_move::give_back);
    for (auto h = expiring.rbegin(); h != expiring.rend(); ++h) {
      const engine_detail::hold_record& hold = holds[*h];
      move_held({hold.first_line, hold.line_count}, {hold.first_charge, hold.charge_count}, held_move::charge_again);
      holds.reopen(*h);
    }
  }
  funds.restore_totals(funds_before);
  ledger.truncate(ledger_before);
  donations.truncate(donations_before);
  caps.truncate_charges(charges_before);
  holds.truncate(holds_before);
  matches_above_formula = above_before;
  if (ranking_before) ranking = *ranking_before;
  if (!marks.empty()) marks.forget_from(donations_before.donations);
  return result;
}

}  // namespace matchfund
