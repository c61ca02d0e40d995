// One event of an event file (SPEC §3.2, §12): a donation, a refund, a revocation, the close, or a
// hold and its confirmation or cancellation, with
// every field checked and typed against a rule set (read_events.hpp reads them).
#ifndef MATCHFUND_EVENT_HPP
#define MATCHFUND_EVENT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "matchfund/ids.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"

namespace matchfund {

// hold, confirm and cancel reserve a match while the donor pays (SPEC §12); a rule set without
// campaign.holds refuses them (holds_not_enabled).
enum class event_kind : std::uint8_t { donation, refund, revoke, close, hold, confirm, cancel };

// What a revocation reverses: one donation, everything of a donor, or everything of a project.
enum class revoke_scope : std::uint8_t { donation, donor, project };

inline constexpr std::string_view to_string(event_kind kind) noexcept {
  switch (kind) {
    case event_kind::donation: return "donation";
    case event_kind::refund: return "refund";
    case event_kind::revoke: return "revoke";
    case event_kind::close: return "close";
    case event_kind::hold: return "hold";
    case event_kind::confirm: return "confirm";
    case event_kind::cancel: return "cancel";
  }
  return "donation";
}

inline constexpr std::string_view to_string(revoke_scope scope) noexcept {
  switch (scope) {
    case revoke_scope::donation: return "donation";
    case revoke_scope::donor: return "donor";
    case revoke_scope::project: return "project";
  }
  return "donation";
}

// A checked event. Which fields are set depends on the kind:
//
//   kind      set                                                  always empty / nullopt
//   donation  id, time, donor, project, amount (> 0), channel,     ref, scope, disposition
//             attributes
//   refund    id, time, ref (the donation), amount (> 0, or        donor, project, channel,
//             nullopt: all that is left), disposition?              scope, attributes
//   revoke    id, time, ref (what is revoked), scope,              donor, amount, channel,
//             disposition?, project (scope project: the project     attributes
//             `ref` names)
//   close     id, time                                             everything else
//   hold      as a donation                                        as a donation
//   confirm   id, time, ref (the hold), amount? (parsed, unused)   everything else
//   cancel    id, time, ref (the hold), amount? (parsed, unused)   everything else
//
// Fields a kind does not use are not read from the file at all (a refund's `donor` cell is
// ignored, whatever it holds). `disposition` nullopt means the rule's `on_refund`.
//
// Every member has a default, so designated initializers may name only what they set:
//   event{.id = "c1", .time = t, .kind = event_kind::close}
//
// Size: events are held by the million, so there is no per-event map and the members are
// ordered to avoid padding. On a 64-bit libstdc++ build sizeof(event) is 208 bytes: four
// strings of 32 (ids up to 15 bytes stay inside the string, without a heap block), the
// attribute vector of 24 (no heap block when the rules read no donation attribute; else 48
// bytes per slot), and 56 bytes of scalars and padding.
struct event {
  std::string id{};
  std::string donor{};    // donation: the donor id (donors not listed in the rules are allowed)
  std::string ref{};      // refund: the donation id; revoke: the donation, donor or project id
  std::string channel{};  // donation: may be empty
  // Donation attributes by slot of rules.attributes(attribute_owner::donation), typed as the
  // rules use them; nullopt where the event does not give one.
  attribute_values attributes{};
  timestamp time{};
  std::optional<money> amount{};
  std::uint64_t line = 0;         // the line the record starts on (JSON Lines: the line)
  std::uint32_t file_index = 0;   // position of the file in the list of files given
  std::optional<project_index> project{};
  event_kind kind = event_kind::donation;
  std::optional<revoke_scope> scope{};
  std::optional<refund_disposition> disposition{};

  friend bool operator==(const event&, const event&) = default;
};

}  // namespace matchfund

#endif
