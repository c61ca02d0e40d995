// The limits of one run that the loader checks and the engine relies on (docs/semantics.md,
// "Limits of one run"): a rules file past them is a load error, not a failure half-way.
#ifndef MATCHFUND_SRC_RUN_LIMITS_HPP
#define MATCHFUND_SRC_RUN_LIMITS_HPP

#include <cstdint>

namespace matchfund::detail {

// A cap counter's key keeps the cap's number and its period, counted from the one the campaign
// starts in, in 16 bits each (engine/counter_table.hpp): so 65,536 caps, and the starting period
// and 32,767 more.
inline constexpr std::uint32_t max_cap_number = UINT16_MAX;
inline constexpr std::int32_t max_cap_period = INT16_MAX;

}  // namespace matchfund::detail

#endif
