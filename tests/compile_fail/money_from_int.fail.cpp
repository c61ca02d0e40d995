// Money is never made implicitly from an integer: the unit (minor or whole) must be named.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::money amount = 5;
#else
  [[maybe_unused]] const matchfund::money amount = matchfund::money::from_minor(5);
#endif
}
