#include "report/money_display.hpp"

#include <array>

#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/detail/int128.hpp"

namespace matchfund::reporting {

namespace {

using detail::uint128;

constexpr std::string_view wan = "\xE4\xB8\x87";  // 万
constexpr std::string_view yi = "\xE4\xBA\xBF";   // 亿

uint128 power_of_ten(int exponent) {
  uint128 result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

// numerator / divisor rounded half up (half away from zero: both are magnitudes).
uint128 rounded_quotient(uint128 numerator, uint128 divisor) { return (2 * numerator + divisor) / (2 * divisor); }

std::string digits_of(uint128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

// `scaled` / 10^places as grouped decimal text; with `trim`, trailing fraction zeros (and a
// point left alone) are dropped.
std::string decimal_text(uint128 scaled, int places, bool trim) {
  const uint128 unit = power_of_ten(places);
  std::string text = group_thousands(digits_of(scaled / unit));
  if (places == 0) return text;
  std::string fraction = digits_of(scaled % unit);
  fraction.insert(0, static_cast<std::size_t>(places) - fraction.size(), '0');
  if (trim) {
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  return fraction.empty() ? text : text + "." + fraction;
}

uint128 magnitude_of(money amount) {
  const std::int64_t minor = amount.minor_units();
  return static_cast<uint128>(minor < 0 ? -minor : minor);  // |minor| <= 10^15: no overflow
}

// The magnitude in 万 or 亿.
std::string chinese_units(uint128 magnitude, minor_digits_t digits, bool trim) {
  const uint128 yuan = power_of_ten(digits);
  if (magnitude < 10'000 * yuan) return decimal_text(magnitude, digits, trim);
  if (magnitude < 100'000'000 * yuan) {
    const uint128 hundredths_of_wan = rounded_quotient(magnitude * 100, 10'000 * yuan);
    if (hundredths_of_wan < 1'000'000) return decimal_text(hundredths_of_wan, 2, true) + std::string(wan);
  }
  const uint128 ten_thousandths_of_yi = rounded_quotient(magnitude * 10'000, 100'000'000 * yuan);
  return decimal_text(ten_thousandths_of_yi, 4, true) + std::string(yi);
}

// The magnitude with three significant digits and K, M, B or T from `first_suffixed` units on.
std::string western_units(uint128 magnitude, minor_digits_t digits, bool trim, uint128 first_suffixed) {
  const uint128 unit = power_of_ten(digits);
  if (magnitude < first_suffixed * unit) return decimal_text(magnitude, digits, trim);
  constexpr std::array<std::string_view, 4> suffixes = {"K", "M", "B", "T"};
  std::size_t step = 0;
  while (step + 1 < suffixes.size() && magnitude >= power_of_ten(3 * static_cast<int>(step + 2)) * unit) ++step;
  for (;; ++step) {
    const uint128 divisor = power_of_ten(3 * static_cast<int>(step + 1)) * unit;
    for (int places = 2; places >= 0; --places) {
      const uint128 scaled = rounded_quotient(magnitude * power_of_ten(places), divisor);
      // Three significant digits: fewer places as the value grows; 1000 of a unit is the next.
      if (scaled < 1000 || (places == 0 && step + 1 == suffixes.size())) {
        return decimal_text(scaled, places, trim) + std::string(suffixes[step]);
      }
    }
  }
}

// An axis (`trim`) writes trailing zeros of none, and K from 1,000 units, so that its labels
// read alike: "$5K", "$10K".
std::string format_with(money amount, const money_display& display, bool trim) {
  const uint128 magnitude = magnitude_of(amount);
  const std::string sign = amount.is_negative() ? "-" : "";
  if (display.currency == "CNY") return sign + chinese_units(magnitude, display.minor_digits, trim);
  return sign + currency_prefix(display.currency) +
         western_units(magnitude, display.minor_digits, trim, trim ? 1'000 : 10'000);
}

}  // namespace

std::string group_thousands(std::string_view digits) {
  std::string grouped;
  grouped.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

std::string format_count(std::uint64_t count) { return group_thousands(std::to_string(count)); }

std::string currency_prefix(std::string_view currency) {
  if (currency == "USD") return "$";
  if (currency == "GBP") return "\xC2\xA3";      // £
  if (currency == "EUR") return "\xE2\x82\xAC";  // €
  if (currency == "CNY") return "\xC2\xA5";      // ¥
  return std::string(currency) + " ";
}

std::string format_amount(money amount, const money_display& display) { return format_with(amount, display, false); }

std::string format_axis_amount(money amount, const money_display& display) {
  return format_with(amount, display, true);
}

std::string format_amount_exact(money amount, const money_display& display) {
  const std::string sign = amount.is_negative() ? "-" : "";
  const std::string prefix = display.currency == "CNY" ? "" : currency_prefix(display.currency);
  return sign + prefix + decimal_text(magnitude_of(amount), display.minor_digits, false);
}

std::string format_share(std::int64_t ten_thousandths) {
  const bool negative = ten_thousandths < 0;
  const auto magnitude = static_cast<uint128>(negative ? -ten_thousandths : ten_thousandths);
  return (negative ? "-" : "") + decimal_text(magnitude, 2, true) + "%";
}

std::int64_t share_in_ten_thousandths(std::uint64_t count, std::uint64_t total) {
  if (total == 0) return 0;
  return static_cast<std::int64_t>(rounded_quotient(uint128{count} * 10'000, total));
}

std::int64_t parse_share(std::string_view text) {
  const auto parts = detail::split_decimal(text);
  detail::int128 value = 0;
  if (!parts || parts->negative || detail::scale_decimal(*parts, 4, 10'000, value) != detail::scale_status::ok) {
    throw parse_error("invalid share \"" + std::string(text) + "\": expected a decimal from 0 to 1 with at most 4 fraction digits");
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace matchfund::reporting
