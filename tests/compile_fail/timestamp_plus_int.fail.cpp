// A bare integer is not a duration: the unit must be spelled.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/timestamp.hpp"

inline void compile_fail_check() {
  const auto t = matchfund::timestamp::from_epoch_ms(1'630'980'000'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto later = t + 1000;
#else
  [[maybe_unused]] const auto later = t + matchfund::duration{1000};
#endif
}
