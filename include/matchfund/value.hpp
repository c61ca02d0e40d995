// Typed values of conditions and attributes (SPEC §3.1): booleans, integers, money, strings,
// for the donation's local date and clock, dates and clocks, and ratios (an attribute a rule's
// `ratio_from` reads: a match ratio recorded per donation, donor or project).
#ifndef MATCHFUND_VALUE_HPP
#define MATCHFUND_VALUE_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "matchfund/calendar.hpp"
#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/money.hpp"
#include "matchfund/parse_result.hpp"
#include "matchfund/ratio.hpp"

namespace matchfund {

enum class value_type { boolean, integer, money, string, date, clock, ratio, tags };

inline constexpr std::string_view to_string(value_type type) noexcept {
  switch (type) {
    case value_type::boolean: return "boolean";
    case value_type::integer: return "integer";
    case value_type::money: return "money";
    case value_type::string: return "string";
    case value_type::date: return "date";
    case value_type::clock: return "clock";
    case value_type::ratio: return "ratio";
    case value_type::tags: return "tags";
  }
  return "string";
}

// The alternatives are in value_type order (tags never occur as a value).
using value = std::variant<bool, std::int64_t, money, std::string, local_date, local_clock, ratio>;

inline value_type type_of(const value& v) noexcept { return static_cast<value_type>(v.index()); }

inline constexpr bool is_boolean_text(std::string_view text) noexcept {
  return text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
         text == "FALSE";
}

inline constexpr bool boolean_text_value(std::string_view text) noexcept {
  return text.front() == 't' || text.front() == 'T';
}

// The type a scalar's text has by SPEC §3.1, quoted or not: true/false -> boolean, an integer
// text -> integer, a decimal text or one with 万/亿 -> money, anything else -> string.
inline constexpr value_type classify_scalar_text(std::string_view text) noexcept {
  if (is_boolean_text(text)) return value_type::boolean;
  std::string_view number = text;
  bool has_multiplier = false;
  for (std::string_view suffix : {std::string_view{"\xE4\xB8\x87"}, std::string_view{"\xE4\xBA\xBF"}}) {
    if (number.ends_with(suffix)) {
      number.remove_suffix(suffix.size());
      has_multiplier = true;
      break;
    }
  }
  const auto parts = detail::split_decimal(number);
  if (!parts) return value_type::string;
  return has_multiplier || !parts->fraction_digits.empty() ? value_type::money : value_type::integer;
}

// An attribute's text read as the type the rules use the attribute as (SPEC §3.1): the one
// parser for project and donor attributes in rules files and for event attributes. A failure's
// message is empty when the text is not of that type at all, and says why when it is money that
// is not a whole number of minor units or passes the money limit.
inline parse_result<value> parse_typed_value(value_type type, std::string_view text, minor_digits_t digits) {
  switch (type) {
    case value_type::boolean:
      if (!is_boolean_text(text)) return parse_failure{};
      return value{boolean_text_value(text)};
    case value_type::integer: {
      if (classify_scalar_text(text) != value_type::integer) return parse_failure{};
      detail::int128 number = 0;
      if (detail::scale_decimal(*detail::split_decimal(text), 0, money_limit_minor, number) != detail::scale_status::ok) {
        return parse_failure{};
      }
      return value{static_cast<std::int64_t>(number)};
    }
    case value_type::money: {
      const value_type kind = classify_scalar_text(text);
      if (kind != value_type::integer && kind != value_type::money) return parse_failure{};
      auto amount = parse_money(text, digits);
      if (!amount) return parse_failure{amount.error()};
      return value{*amount};
    }
    case value_type::ratio: {
      // A recorded ratio reads as the rules' ratios do: never negative, at most 10^9.
      auto recorded = parse_ratio(text);
      if (!recorded) return parse_failure{recorded.error()};
      return value{*recorded};
    }
    default:
      return value{std::string(text)};
  }
}

}  // namespace matchfund

#endif
