// What one rule decided for one donation (SPEC §5.2). Each rule gives exactly one outcome: the
// first that applies in the order of this enumeration.
#ifndef MATCHFUND_OUTCOME_HPP
#define MATCHFUND_OUTCOME_HPP

#include <cstdint>
#include <string_view>

namespace matchfund {

enum class outcome : std::uint8_t {
  revoked,           // the donor, the project or the donation was revoked
  outside_campaign,  // the donation is outside [start, end), or came after the close
  excluded,          // an exclusive rule already paid this donation
  outside_window,    // outside every window of the rule
  not_eligible,      // the rule's eligibility condition does not hold
  below_minimum,     // the amount is below min_donation
  not_drawn,         // the probability draw failed
  no_tier,           // tiers with no match and no default
  no_match,          // the formula gives 0 with no limit applied
  cap_reached,       // a cap has nothing left (its id is the limit)
  not_released,      // no source has released anything yet
  fund_empty,        // every source has 0 available to this donation
  partial,           // paid less than the formula's full match (the limit says what cut it)
  matched,           // paid in full
};

inline constexpr std::size_t outcome_code_count = 14;

inline constexpr std::string_view to_string(outcome code) noexcept {
  constexpr std::string_view names[] = {"revoked",   "outside_campaign", "excluded",   "outside_window",
                                        "not_eligible", "below_minimum", "not_drawn", "no_tier",
                                        "no_match",  "cap_reached",      "not_released", "fund_empty",
                                        "partial",   "matched"};
  return names[static_cast<std::size_t>(code)];
}

// outcomes.csv writes cap_reached and partial with their limit: "cap_reached:<cap id>",
// "partial:<cap id or fund id>".
inline constexpr bool outcome_has_limit(outcome code) noexcept {
  return code == outcome::cap_reached || code == outcome::partial;
}

}  // namespace matchfund

#endif
