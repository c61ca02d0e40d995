// An amount and an instant cannot be added.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(100);
  const auto t = matchfund::timestamp::from_epoch_ms(0);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto sum = amount + t;
#else
  [[maybe_unused]] const auto sum = amount + amount;
  [[maybe_unused]] const auto later = t + matchfund::duration{1};
#endif
}
