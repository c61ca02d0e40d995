// A bare integer is not a fund index: it must go through index_at.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/ids.hpp"

inline std::size_t find_fund(matchfund::fund_index fund) { return matchfund::position(fund); }

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  find_fund(2);
#else
  find_fund(matchfund::index_at<matchfund::fund_index>(2));
#endif
}
