// A ratio is exact millionths, never a floating-point number.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/ratio.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::ratio r = 0.5;
#else
  [[maybe_unused]] const matchfund::ratio r = matchfund::ratio::from_millionths(500'000);
#endif
}
