// Money is never made from a bare integer, braces or not.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::money amount{5};
#else
  [[maybe_unused]] const matchfund::money amount = matchfund::money::from_units(5, 2);
#endif
}
