// SPEC §4: funds release their tranches on schedule, expire what is unused when asked to, and
// may hold sub-budgets that limit what one project, organization or donor draws.
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "matchfund/assert.hpp"
#include "model_state.hpp"

namespace matchfund::reference {

void model::expire(std::size_t fund, timestamp at) {
  const money available = funds_[fund].available();
  if (available <= money::zero()) return;
  funds_[fund].expired += available;
  ledger_.push_back({at, "expiry", "", "", "", "", "", rules_.funds()[fund].id, available, "", ""});
}

void model::release_next(std::size_t fund, timestamp at) {
  const fund_spec& spec = rules_.funds()[fund];
  fund_state& state = funds_[fund];
  MATCHFUND_ASSERT(state.next_release < spec.releases.size(), "no release left to make");
  // SPEC §4: at each release after the first, everything then available expires first.
  if (spec.expire_unused && state.next_release > 0) expire(fund, at);
  state.released += spec.releases[state.next_release].amount;
  ++state.next_release;
}

// The fund whose next pending release comes first (equal times: fund order); none when every
// release is made. advance_time (holds.cpp) makes the releases due by an event's time.
std::optional<std::size_t> model::next_pending_release() const {
  std::optional<std::size_t> next;
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    if (funds_[f].next_release >= rules_.funds()[f].releases.size()) continue;
    if (!next || pending_release_time(f) < pending_release_time(*next)) next = f;
  }
  return next;
}

timestamp model::pending_release_time(std::size_t fund) const {
  return rules_.funds()[fund].releases[funds_[fund].next_release].at;
}

// SPEC §11.1: at the close, expire_unused funds expire what they have, then every pending tranche
// is released at the close time, earliest scheduled first (equal times: fund order).
void model::release_at_close(timestamp t) {
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    if (rules_.funds()[f].expire_unused) expire(f, t);
  }
  while (const auto next = next_pending_release()) release_next(*next, t);
}

// The value of a fund's sub-budget for this donation's entity; missing -> 0 (SPEC §4).
money model::pot_value(const fund_spec& fund, const event& donation) const {
  const std::map<std::size_t, money> nothing_paid;
  const context at{&donation, position(*donation.project), &nothing_paid};
  const field_reading reading = read_field(fund.sub_budgets->amount_from, at);
  if (!reading.scalar) return money::zero();
  if (const auto* amount = std::get_if<money>(&*reading.scalar)) return *amount;
  if (const auto* units = std::get_if<std::int64_t>(&*reading.scalar)) return money::from_units(*units, digits_);
  MATCHFUND_ASSERT(false, "a sub-budget amount must be money");
  return money::zero();
}

std::optional<std::string> model::pot_entity(const fund_spec& fund, const event& donation) const {
  if (!fund.sub_budgets) return std::nullopt;
  const project_spec& project = rules_.projects()[position(*donation.project)];
  switch (fund.sub_budgets->per) {
    case sub_budget_scope::project: return "project\x1F" + project.id;
    case sub_budget_scope::organization:
      return "organization\x1F" + rules_.organizations()[position(project.organization)];
    case sub_budget_scope::donor: return "donor\x1F" + donation.donor;
  }
  return std::nullopt;
}

// What the fund's sub-budget still allows this donation (no sub-budgets: no limit).
money model::pot_remaining(std::size_t fund, const event& donation) const {
  const fund_spec& spec = rules_.funds()[fund];
  const auto entity = pot_entity(spec, donation);
  if (!entity) return money::from_minor(money_limit_minor);
  const auto found = pot_used_.find({fund, *entity});
  const money used_so_far = found == pot_used_.end() ? money::zero() : found->second;
  return max(money::zero(), pot_value(spec, donation) - used_so_far);
}

}  // namespace matchfund::reference
