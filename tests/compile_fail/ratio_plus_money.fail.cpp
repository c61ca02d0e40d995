// A ratio and an amount cannot be added.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"
#include "matchfund/ratio.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(100);
  const auto r = matchfund::ratio::from_millionths(500'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto sum = r + amount;
#else
  [[maybe_unused]] const bool same = r == matchfund::ratio::from_millionths(amount.minor_units());
#endif
}
