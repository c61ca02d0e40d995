// Indices of different kinds cannot be compared.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/ids.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const bool same = matchfund::fund_index{} == matchfund::project_index{};
#else
  [[maybe_unused]] const bool same = matchfund::fund_index{} == matchfund::index_at<matchfund::fund_index>(0);
#endif
}
