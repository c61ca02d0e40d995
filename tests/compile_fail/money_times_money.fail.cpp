// Money times money has no meaning (yuan squared): only money x a count exists.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
  const auto a = matchfund::money::from_minor(100);
  const auto b = matchfund::money::from_minor(200);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto product = a * b;
#else
  [[maybe_unused]] const auto product = a.times(2) + b;
#endif
}
