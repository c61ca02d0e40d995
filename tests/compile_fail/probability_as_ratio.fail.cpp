// A probability is not a ratio: the two cannot be mixed up.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/probability.hpp"
#include "matchfund/ratio.hpp"

inline void compile_fail_check() {
  const auto chance = matchfund::probability::from_millionths(700'000);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::ratio r = chance;
#else
  [[maybe_unused]] const matchfund::ratio r = matchfund::ratio::from_millionths(chance.millionths());
#endif
}
