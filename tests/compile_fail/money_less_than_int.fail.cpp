// Money orders only against money.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(5);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const bool less = amount < 10;
#else
  [[maybe_unused]] const bool less = amount < matchfund::money::from_minor(10);
#endif
}
