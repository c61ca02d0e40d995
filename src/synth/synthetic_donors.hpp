// The donors of a demand model's streams ("u1", "u2", ...) listed in a copy of the rules with
// attributes drawn from the model's donor attribute tables, so that rules reading donor.attr.NAME
// see them as they see a donors file's.
#ifndef MATCHFUND_SRC_SYNTHETIC_DONORS_HPP
#define MATCHFUND_SRC_SYNTHETIC_DONORS_HPP

#include <cstdint>
#include <string>

#include "matchfund/demand.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::detail {

// The id of the donor of rank `rank` (from 0) in a model's streams.
std::string synthetic_donor_id(std::uint64_t rank);

// The rules with donors u1..u`donors` added (a donor the rules list already keeps its own
// attributes). Donor u(r+1)'s values depend only on the seed and r: one draw per table, in rank
// order, so every run and every point sees the same person with the same attributes, whatever
// `donors` is.
rule_set with_synthetic_donors(const rule_set& rules, const demand_model& model, std::uint64_t seed,
                               std::uint64_t donors);

}  // namespace matchfund::detail

#endif
