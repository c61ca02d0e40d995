// Money is scaled by a count through the named, checked money::times, not operator*.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
  const auto a = matchfund::money::from_minor(100);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto product = a * 3;
#else
  [[maybe_unused]] const auto product = a.times(3);
#endif
}
