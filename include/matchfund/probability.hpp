// Probability in [0, 1] as exact millionths; a donation is drawn iff U(10^6) < millionths
// (SPEC §5.4).
#ifndef MATCHFUND_PROBABILITY_HPP
#define MATCHFUND_PROBABILITY_HPP

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "matchfund/ratio.hpp"

namespace matchfund {

class probability {
 public:
  static constexpr std::int64_t denominator = 1'000'000;

  constexpr probability() noexcept = default;
  static constexpr probability certain() noexcept { return from_millionths(denominator); }
  // Precondition: 0 <= millionths <= 10^6 (the parser enforces it for text).
  static constexpr probability from_millionths(std::int64_t millionths) noexcept {
    probability result;
    result.millionths_ = millionths;
    return result;
  }

  [[nodiscard]] constexpr std::int64_t millionths() const noexcept { return millionths_; }

  // `draw` is U(10^6) of SPEC §5.4, in [0, 10^6).
  [[nodiscard]] constexpr bool is_drawn(std::uint64_t draw) const noexcept {
    return draw < static_cast<std::uint64_t>(millionths_);
  }

  friend constexpr bool operator==(probability, probability) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(probability, probability) noexcept = default;

 private:
  std::int64_t millionths_ = 0;
};

inline parse_result<probability> parse_probability(std::string_view text) {
  auto millionths = detail::parse_millionths(text, "probability", probability::denominator,
                                             "is greater than 1");
  if (!millionths) return parse_failure{millionths.error()};
  return probability::from_millionths(*millionths);
}

inline std::string format_probability(probability chance) {
  return format_ratio(ratio::from_millionths(chance.millionths()));
}

}  // namespace matchfund

#endif
