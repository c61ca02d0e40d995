// Why a bad event is not processed (SPEC §3.3): a code and, for the codes that blame one field,
// that field's name. The reader and the engine make them; rejected.csv, strict errors and
// explain spell them with to_string, and a host reads a spelling back with
// parse_bad_event_reason.
//
//   const matchfund::bad_event_reason reason{matchfund::bad_event_code::bad_field, "amount"};
//   to_string(reason);                            // "bad_field:amount"
//   parse_bad_event_reason("duplicate_id");        // bad_event_reason{bad_event_code::duplicate_id}
#ifndef MATCHFUND_BAD_EVENT_HPP
#define MATCHFUND_BAD_EVENT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "matchfund/assert.hpp"

namespace matchfund {

enum class bad_event_code : std::uint8_t {
  bad_field,            // a field that does not parse (NAME: the field, e.g. amount, attr.flowers)
  missing,              // a field the event's kind needs is absent (NAME: the field)
  unknown_project,      // a donation's project, or a revoked project, the rules do not list
  duplicate_id,         // the later of two events with one id
  non_positive_amount,  // an amount of zero or less
  unknown_donation,     // a refund of a donation never processed
  refund_exceeds,       // a refund of more than is left of its donation
  second_close,         // a close after the campaign was closed
  missing_attribute,    // an attribute a condition needs, absent, with no default (NAME: the field)
  out_of_order,         // earlier than the previous event when fed live
  holds_not_enabled,    // a hold, confirm or cancel for rules without campaign.holds (SPEC §12)
  unknown_hold,         // a confirm or cancel whose ref is not an accepted hold
  hold_resolved,        // a confirm or cancel of a hold already confirmed, cancelled or expired
};

// SPEC §3.3's words for the codes, in one place: to_string writes them, the parser reads them.
inline constexpr std::pair<std::string_view, bad_event_code> bad_event_code_spellings[] = {
    {"bad_field", bad_event_code::bad_field},
    {"missing", bad_event_code::missing},
    {"unknown_project", bad_event_code::unknown_project},
    {"duplicate_id", bad_event_code::duplicate_id},
    {"non_positive_amount", bad_event_code::non_positive_amount},
    {"unknown_donation", bad_event_code::unknown_donation},
    {"refund_exceeds", bad_event_code::refund_exceeds},
    {"second_close", bad_event_code::second_close},
    {"missing_attribute", bad_event_code::missing_attribute},
    {"out_of_order", bad_event_code::out_of_order},
    {"holds_not_enabled", bad_event_code::holds_not_enabled},
    {"unknown_hold", bad_event_code::unknown_hold},
    {"hold_resolved", bad_event_code::hold_resolved}};

inline constexpr std::string_view to_string(bad_event_code code) noexcept {
  for (const auto& [name, spelled] : bad_event_code_spellings) {
    if (spelled == code) return name;
  }
  return "bad_field";
}

inline constexpr std::optional<bad_event_code> bad_event_code_from_string(std::string_view text) noexcept {
  for (const auto& [name, spelled] : bad_event_code_spellings) {
    if (name == text) return spelled;
  }
  return std::nullopt;
}

// The codes that blame one field: SPEC spells them CODE:NAME.
inline constexpr bool bad_event_code_takes_name(bad_event_code code) noexcept {
  return code == bad_event_code::bad_field || code == bad_event_code::missing ||
         code == bad_event_code::missing_attribute;
}

// A code written as a constant, checked while compiling: the conversions are consteval, so a
// reason that leaves out the field's name, or gives one where none belongs, does not compile.
// A code known only at run time goes through bad_event_reason::of.
struct nameless_bad_event_code {
  consteval nameless_bad_event_code(bad_event_code c) : code(c) {
    if (bad_event_code_takes_name(c)) throw "this bad_event_code needs the name of a field";
  }
  bad_event_code code;
};

struct named_bad_event_code {
  consteval named_bad_event_code(bad_event_code c) : code(c) {
    if (!bad_event_code_takes_name(c)) throw "this bad_event_code takes no name";
  }
  bad_event_code code;
};

class bad_event_reason {
 public:
  // unknown_project, duplicate_id, non_positive_amount, unknown_donation, refund_exceeds,
  // second_close, out_of_order, holds_not_enabled, unknown_hold, hold_resolved. Allocates nothing.
  bad_event_reason(nameless_bad_event_code code) noexcept : code_(code.code) {}

  // bad_field, missing, missing_attribute with the field as written (`amount`, `attr.flowers`,
  // `donor.attr.tier`); an empty name would spell a reason SPEC does not have.
  bad_event_reason(named_bad_event_code code, std::string name) : code_(code.code), name_(std::move(name)) {
    MATCHFUND_ASSERT(!name_.empty(), "a bad_event_reason that blames a field needs the field's name");
  }

  // The same for a code known only at run time; nullopt where the name is left out for a code
  // that takes one, or given to a code that takes none.
  [[nodiscard]] static std::optional<bad_event_reason> of(bad_event_code code, std::string name = {}) {
    if (bad_event_code_takes_name(code) == name.empty()) return std::nullopt;
    return bad_event_reason(checked{}, code, std::move(name));
  }

  [[nodiscard]] bad_event_code code() const noexcept { return code_; }
  // The field blamed; empty for the codes that take no name.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  friend bool operator==(const bad_event_reason&, const bad_event_reason&) = default;

 private:
  struct checked {};
  bad_event_reason(checked, bad_event_code code, std::string name) noexcept : code_(code), name_(std::move(name)) {}

  bad_event_code code_;
  std::string name_;
};

// SPEC §3.3's text: "duplicate_id", "bad_field:amount", "missing_attribute:donor.attr.tier".
inline std::string to_string(const bad_event_reason& reason) {
  std::string text(to_string(reason.code()));
  if (!reason.name().empty()) {
    text += ':';
    text += reason.name();
  }
  return text;
}

// CODE or CODE:NAME as to_string writes it; nullopt for any other text: an unknown code, or a
// name that is missing, empty or given to a code that takes none.
inline std::optional<bad_event_reason> parse_bad_event_reason(std::string_view text) {
  const auto colon = text.find(':');
  const auto code = bad_event_code_from_string(text.substr(0, colon));
  if (!code) return std::nullopt;
  if (colon == std::string_view::npos) return bad_event_reason::of(*code);
  const std::string_view name = text.substr(colon + 1);
  if (name.empty()) return std::nullopt;
  return bad_event_reason::of(*code, std::string(name));
}

}  // namespace matchfund

#endif
