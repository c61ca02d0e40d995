// Assertions for programmer errors and broken money invariants. They stay on in release
// builds: a wrong amount is worse than a stopped run.
#ifndef MATCHFUND_ASSERT_HPP
#define MATCHFUND_ASSERT_HPP

#include <cstdio>
#include <cstdlib>

namespace matchfund::detail {

[[noreturn]] inline void assertion_failed(const char* condition, const char* message, const char* file,
                                          int line) noexcept {
  std::fprintf(stderr, "matchfund: internal invariant broken at %s:%d: %s (%s)\n", file, line, message, condition);
  std::abort();
}

}  // namespace matchfund::detail

#define MATCHFUND_ASSERT(condition, message)                                                 \
  do {                                                                                       \
    if (!(condition)) ::matchfund::detail::assertion_failed(#condition, message, __FILE__, __LINE__); \
  } while (false)

#endif
