// The Gini coefficient of amounts, exactly: a fraction of integers, shown rounded only at the end.
#ifndef MATCHFUND_SRC_REPORT_GINI_HPP
#define MATCHFUND_SRC_REPORT_GINI_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matchfund/detail/int128.hpp"

namespace matchfund::reporting {

struct fraction {
  detail::int128 numerator = 0;
  detail::int128 denominator = 1;  // > 0
};

// With amounts v_1 <= ... <= v_n (negative ones count as 0):
// G = (2 * sum(i * v_i) - (n + 1) * sum(v)) / (n * sum(v)); nullopt when the sum is 0.
std::optional<fraction> gini_coefficient(std::vector<std::int64_t> amounts);

// "0.42": two decimals, rounded half up.
std::string format_two_decimals(const fraction& value);

}  // namespace matchfund::reporting

#endif
