// Money meets a ratio only through round_product, in either operand order.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rounding.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(100);
  const auto r = matchfund::ratio::from_millionths(500'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const auto match = r * amount;
#else
  [[maybe_unused]] const auto match = matchfund::round_product(amount, r, matchfund::rounding::half_up);
#endif
}
