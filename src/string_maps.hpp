// Flat hash maps and sets keyed by strings that can be looked up with a string_view, without
// building a std::string per query. Only for lookups: their iteration order must never reach a
// result.
#ifndef MATCHFUND_SRC_STRING_MAPS_HPP
#define MATCHFUND_SRC_STRING_MAPS_HPP

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace matchfund::detail {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

struct string_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class Value>
using string_map = boost::unordered_flat_map<std::string, Value, string_hash, string_equal>;
using string_set = boost::unordered_flat_set<std::string, string_hash, string_equal>;

}  // namespace matchfund::detail

#endif
