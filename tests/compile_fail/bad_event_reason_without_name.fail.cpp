// A reason whose code blames a field cannot be made without the field's name: rejected.csv would
// write "bad_field" where SPEC §3.3 has "bad_field:NAME".
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/bad_event.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::bad_event_reason reason{matchfund::bad_event_code::bad_field};
#else
  [[maybe_unused]] const matchfund::bad_event_reason reason{matchfund::bad_event_code::bad_field, "amount"};
#endif
}
