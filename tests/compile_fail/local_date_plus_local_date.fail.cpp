// Two calendar dates cannot be added.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/calendar.hpp"

inline void compile_fail_check() {
  const auto a = matchfund::local_date::from_days(18'877);
  const auto b = matchfund::local_date::from_days(1);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto sum = a + b;
#else
  [[maybe_unused]] const bool before = b < a;
#endif
}
