#include "report/gini.hpp"

#include <algorithm>

#include "matchfund/assert.hpp"

namespace matchfund::reporting {

std::optional<fraction> gini_coefficient(std::vector<std::int64_t> amounts) {
  for (std::int64_t& amount : amounts) amount = std::max<std::int64_t>(amount, 0);
  std::sort(amounts.begin(), amounts.end());
  // Amounts <= 10^15 and n far below 10^6: every sum below fits in 128 bits with room to spare.
  detail::int128 total = 0;
  detail::int128 weighted = 0;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    total += amounts[i];
    weighted += static_cast<detail::int128>(i + 1) * amounts[i];
  }
  if (total == 0) return std::nullopt;
  const auto count = static_cast<detail::int128>(amounts.size());
  return fraction{2 * weighted - (count + 1) * total, count * total};
}

std::string format_two_decimals(const fraction& value) {
  MATCHFUND_ASSERT(value.denominator > 0, "a fraction's denominator is positive");
  const bool negative = value.numerator < 0;
  const detail::int128 magnitude = negative ? -value.numerator : value.numerator;
  const detail::int128 hundredths = (200 * magnitude + value.denominator) / (2 * value.denominator);
  const auto whole = static_cast<long long>(hundredths / 100);
  const auto rest = static_cast<int>(hundredths % 100);
  return std::string(negative ? "-" : "") + std::to_string(whole) + "." + (rest < 10 ? "0" : "") +
         std::to_string(rest);
}

}  // namespace matchfund::reporting
