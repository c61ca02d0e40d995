// A hold (SPEC §12): a match reserved for a donation whose payment is in progress, kept until
// the payment is confirmed, cancelled, or the hold's time to live runs out. engine::holds() and
// engine::find_hold() report them; holds.csv lists them.
#ifndef MATCHFUND_HOLD_HPP
#define MATCHFUND_HOLD_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "matchfund/ids.hpp"
#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund {

enum class hold_status : std::uint8_t { open, confirmed, cancelled, expired };

inline constexpr std::string_view to_string(hold_status status) noexcept {
  switch (status) {
    case hold_status::open: return "open";
    case hold_status::confirmed: return "confirmed";
    case hold_status::cancelled: return "cancelled";
    case hold_status::expired: return "expired";
  }
  return "open";
}

// One hold as the engine sees it now. The texts are views of strings the engine keeps: valid as
// long as the engine.
struct hold_info {
  std::string_view id;
  timestamp time;
  timestamp expires_at;  // time + campaign.holds.ttl
  std::string_view donor;
  project_index project{};
  money amount;
  money held;  // what it reserved over all rules (moved to drawn when confirmed)
  hold_status status = hold_status::open;
  std::optional<timestamp> resolved_at;  // when it was confirmed, cancelled or expired
  std::string_view resolved_by;          // the confirm's or cancel's id; empty when it expired
};

}  // namespace matchfund

#endif
