// A bare integer has no unit: money + 5 would hide whether 5 is yuan or fen.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(100);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto sum = amount + 5;
#else
  [[maybe_unused]] const auto sum = amount + matchfund::money::from_minor(5);
#endif
}
