// Synthetic donation streams for a campaign (for planners and benchmarks): deterministic from a
// seed on every machine (integer-only sampling, no standard-library distributions), with
// intraday peaks, repeat donors, heavy-tailed amounts and heavy-tailed project popularity.
#ifndef MATCHFUND_GENERATE_HPP
#define MATCHFUND_GENERATE_HPP

#include <cstdint>
#include <cstdio>

#include "matchfund/rule_set.hpp"

namespace matchfund {

struct generate_options {
  std::uint64_t donations = 100'000;
  std::uint64_t seed = 1;
  std::uint64_t donors = 0;  // 0: a third of the donations
};

// Writes a CSV event file (header, then donations in time order) to `out`.
// Throws error when writing fails or the campaign has no project.
void generate_donations(const rule_set& rules, const generate_options& options, std::FILE* out);

}  // namespace matchfund

#endif
