// Money compares only with money: 5 could be yuan or fen.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/money.hpp"

inline void compile_fail_check() {
  const auto amount = matchfund::money::from_minor(5);
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const bool equal = amount == 5;
#else
  [[maybe_unused]] const bool equal = amount == matchfund::money::from_minor(5);
#endif
}
