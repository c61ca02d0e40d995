// Compiled conditions (SPEC §5.1): all / any / not over leaves that compare a field with a
// typed value. Types were checked at load time; evaluation needs no lookups or allocation.
#ifndef MATCHFUND_CONDITION_HPP
#define MATCHFUND_CONDITION_HPP

#include <optional>
#include <string_view>
#include <vector>

#include "matchfund/field.hpp"
#include "matchfund/value.hpp"

namespace matchfund {

enum class compare_op : std::uint8_t {
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  in,
  not_in,
  contains,  // substring of a string; membership in project tags
};

inline constexpr std::string_view to_string(compare_op op) noexcept {
  constexpr std::string_view names[] = {"==", "!=", "<", "<=", ">", ">=", "in", "not_in", "contains"};
  return names[static_cast<std::size_t>(op)];
}

inline constexpr std::optional<compare_op> compare_op_from_string(std::string_view text) noexcept {
  constexpr std::string_view names[] = {"==", "!=", "<", "<=", ">", ">=", "in", "not_in", "contains"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == text) return static_cast<compare_op>(i);
  }
  return std::nullopt;
}

struct condition_leaf {
  field_ref field;
  compare_op op = compare_op::equal;
  std::vector<value> operands;    // one, or the list of `in` / `not_in`
  std::optional<value> fallback;  // `default`: used when an attribute is missing
};

struct condition {
  enum class kind : std::uint8_t { always, all, any, negation, leaf };

  kind type = kind::always;  // a default condition holds for everything
  std::vector<condition> children;  // all / any: every operand; negation: exactly one
  condition_leaf leaf;              // only for kind::leaf

  [[nodiscard]] bool is_always() const noexcept { return type == kind::always; }
};

}  // namespace matchfund

#endif
