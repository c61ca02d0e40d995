// SPEC §7 "Allocation of budget M over integer weights w >= 0 with caps c", with exact integers
// of any size, and the conversions the close-out steps share (internal to tests/reference/).
#ifndef MATCHFUND_TESTS_REFERENCE_ALLOCATION_HPP
#define MATCHFUND_TESTS_REFERENCE_ALLOCATION_HPP

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "matchfund/money.hpp"

namespace matchfund::reference {

// One project's claim in an allocation (SPEC §7 "Allocation of budget M"): weight and cap.
struct claim {
  std::size_t project = 0;
  boost::multiprecision::cpp_int weight;
  std::optional<boost::multiprecision::cpp_int> cap;  // none: no cap
};

// `claims` come in project id byte order, so that the last tie-break (the smaller id) is the
// earlier claim. Returns what each project gets; the rest of M is unallocated.
std::map<std::size_t, boost::multiprecision::cpp_int> share_out(boost::multiprecision::cpp_int budget,
                                                                const std::vector<claim>& claims);

// The allocation of `budget` over the projects of `order` (id byte order) by their weights, each
// capped by `cap` when there is one.
std::map<std::size_t, money> allocate_by_weight(money budget, const std::vector<std::size_t>& order,
                                                const std::map<std::size_t, boost::multiprecision::cpp_int>& weights,
                                                std::optional<money> cap);

boost::multiprecision::cpp_int power_of_ten(int exponent);

money money_of(const boost::multiprecision::cpp_int& minor);

}  // namespace matchfund::reference

#endif
