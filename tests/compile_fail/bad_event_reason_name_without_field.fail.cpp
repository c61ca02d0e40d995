// A reason whose code blames no field cannot be given a name: "duplicate_id:x" is no reason of
// SPEC §3.3.
// Must not compile; with MATCHFUND_COMPILE_FAIL_CONTROL defined, the valid counterpart must.
#include "matchfund/bad_event.hpp"

inline void compile_fail_check() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
  [[maybe_unused]] const matchfund::bad_event_reason reason{matchfund::bad_event_code::duplicate_id, "x"};
#else
  [[maybe_unused]] const matchfund::bad_event_reason reason{matchfund::bad_event_code::duplicate_id};
#endif
}
