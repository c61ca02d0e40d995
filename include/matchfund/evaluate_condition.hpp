// Evaluating a compiled condition (SPEC §5.1) against the values of the moment: the caller
// supplies a reader that gives the current value of any field, without copying strings.
//
//   auto holds = matchfund::evaluate(rule.eligible, [&](const matchfund::field_ref& f) { ... });
//   if (!holds) -> an attribute the condition needs is missing and has no default (a bad event)
#ifndef MATCHFUND_EVALUATE_CONDITION_HPP
#define MATCHFUND_EVALUATE_CONDITION_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "matchfund/assert.hpp"
#include "matchfund/condition.hpp"
#include "matchfund/value.hpp"

namespace matchfund {

// A field's current value as a condition sees it; strings and tags are views into the caller's
// data. The alternatives follow value_type's order.
using field_value = std::variant<bool, std::int64_t, money, std::string_view, local_date, local_clock, ratio,
                                 std::span<const std::string>>;

// What a reader returns for a field that has no value here: an attribute the event, donor or
// project lacks, or a project without a region or category.
struct no_value {};
using field_reading = std::variant<no_value, field_value>;

namespace detail {

inline field_value view_of(const value& v) {
  switch (v.index()) {
    case 0: return std::get<bool>(v);
    case 1: return std::get<std::int64_t>(v);
    case 2: return std::get<money>(v);
    case 3: return std::string_view(std::get<std::string>(v));
    case 4: return std::get<local_date>(v);
    case 5: return std::get<local_clock>(v);
    default: return std::get<ratio>(v);
  }
}

// -1, 0, 1 for two values of one type (the loader made operands the field's type).
inline int compare_values(const field_value& actual, const value& operand) {
  const auto order = [](const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (actual.index()) {
    case 0: return order(std::get<bool>(actual), std::get<bool>(operand));
    case 1: return order(std::get<std::int64_t>(actual), std::get<std::int64_t>(operand));
    case 2: return order(std::get<money>(actual), std::get<money>(operand));
    case 3: return std::get<std::string_view>(actual).compare(std::get<std::string>(operand)) < 0
                       ? -1
                       : (std::get<std::string_view>(actual) == std::get<std::string>(operand) ? 0 : 1);
    case 4: return order(std::get<local_date>(actual), std::get<local_date>(operand));
    case 5: return order(std::get<local_clock>(actual), std::get<local_clock>(operand));
    default: return order(std::get<ratio>(actual), std::get<ratio>(operand));
  }
}

inline bool equals_any(const field_value& actual, const std::vector<value>& operands) {
  for (const auto& operand : operands) {
    if (compare_values(actual, operand) == 0) return true;
  }
  return false;
}

inline bool leaf_holds(const condition_leaf& leaf, const field_value& actual) {
  const value& operand = leaf.operands.front();
  switch (leaf.op) {
    case compare_op::equal: return compare_values(actual, operand) == 0;
    case compare_op::not_equal: return compare_values(actual, operand) != 0;
    case compare_op::less: return compare_values(actual, operand) < 0;
    case compare_op::less_equal: return compare_values(actual, operand) <= 0;
    case compare_op::greater: return compare_values(actual, operand) > 0;
    case compare_op::greater_equal: return compare_values(actual, operand) >= 0;
    case compare_op::in: return equals_any(actual, leaf.operands);
    case compare_op::not_in: return !equals_any(actual, leaf.operands);
    case compare_op::contains: {
      const std::string& needle = std::get<std::string>(operand);
      if (const auto* tags = std::get_if<std::span<const std::string>>(&actual)) {
        for (const auto& tag : *tags) {
          if (tag == needle) return true;
        }
        return false;
      }
      return std::get<std::string_view>(actual).find(needle) != std::string_view::npos;
    }
  }
  return false;
}

}  // namespace detail

// True or false; nullopt when an attribute the condition reads is missing and its leaf has no
// default (SPEC §5.1: the event is bad). A missing channel, region or category (not attributes)
// compares as the empty string (SPEC §11.17). `all` and `any` look at every operand, so a
// missing attribute is found even where the result would not depend on it.
template <class Reader>
std::optional<bool> evaluate(const condition& c, const Reader& read_field) {
  switch (c.type) {
    case condition::kind::always: return true;
    case condition::kind::negation: {
      const auto inner = evaluate(c.children.front(), read_field);
      if (!inner) return std::nullopt;
      return !*inner;
    }
    case condition::kind::all:
    case condition::kind::any: {
      const bool want_all = c.type == condition::kind::all;
      bool result = want_all;
      for (const auto& child : c.children) {
        const auto holds = evaluate(child, read_field);
        if (!holds) return std::nullopt;
        result = want_all ? (result && *holds) : (result || *holds);
      }
      return result;
    }
    case condition::kind::leaf: {
      const field_reading reading = read_field(c.leaf.field);
      if (const auto* actual = std::get_if<field_value>(&reading)) return detail::leaf_holds(c.leaf, *actual);
      if (c.leaf.fallback) return detail::leaf_holds(c.leaf, detail::view_of(*c.leaf.fallback));
      if (is_attribute(c.leaf.field.kind)) return std::nullopt;
      MATCHFUND_ASSERT(is_optional_text(c.leaf.field.kind), "a field that always has a value had none");
      return detail::leaf_holds(c.leaf, field_value{std::string_view{}});
    }
  }
  return std::nullopt;
}

}  // namespace matchfund

#endif
