// Two instants cannot be added; an instant plus a duration can.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/timestamp.hpp"

inline void compile_fail_check() {
  const auto a = matchfund::timestamp::from_epoch_ms(1'630'980'000'000);
  const auto b = matchfund::timestamp::from_epoch_ms(1'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto sum = a + b;
#else
  [[maybe_unused]] const auto later = a + (b - matchfund::timestamp{});
#endif
}
