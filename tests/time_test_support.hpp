// What the time tests share: the expected message of a refused text, and short ways to write an
// offset or an instant in the tests' tables.
#ifndef MATCHFUND_TESTS_TIME_TEST_SUPPORT_HPP
#define MATCHFUND_TESTS_TIME_TEST_SUPPORT_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"

namespace matchfund::testing {

struct invalid_text {
  std::string_view text;
  std::string message;
};

inline std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

inline utc_offset offset_of(std::string_view text) { return parse_utc_offset(text).value(); }
inline timestamp at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }

inline constexpr std::int64_t first_ms_of_year_1 = -62'135'596'800'000;     // 0001-01-01T00:00:00Z
inline constexpr std::int64_t last_ms_of_year_9999 = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

}  // namespace matchfund::testing

#endif
