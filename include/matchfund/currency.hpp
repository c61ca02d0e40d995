// Currencies: ISO 4217 codes and the minor digits SPEC §1 knows for them.
#ifndef MATCHFUND_CURRENCY_HPP
#define MATCHFUND_CURRENCY_HPP

#include <optional>
#include <string_view>

#include "matchfund/money.hpp"

namespace matchfund {

// Three upper-case ASCII letters.
inline constexpr bool is_currency_code(std::string_view code) noexcept {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// The minor digits of the currencies SPEC §1 names; nullopt for any other code (a rules file
// must then give campaign.minor_digits).
inline constexpr std::optional<minor_digits_t> known_minor_digits(std::string_view code) noexcept {
  constexpr std::string_view two_digit[] = {"CNY", "USD", "GBP", "EUR", "HKD"};
  constexpr std::string_view zero_digit[] = {"JPY", "KRW"};
  for (auto known : two_digit) {
    if (code == known) return 2;
  }
  for (auto known : zero_digit) {
    if (code == known) return 0;
  }
  return std::nullopt;
}

}  // namespace matchfund

#endif
