// A probability decides whether a donation is drawn; it never scales money.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include <cstdint>

#include "matchfund/money.hpp"
#include "matchfund/probability.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(100);
  const auto chance = matchfund::probability::from_millionths(700'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto scaled = chance * amount;
#else
  [[maybe_unused]] const bool drawn = chance.is_drawn(static_cast<std::uint64_t>(amount.minor_units()));
#endif
}
