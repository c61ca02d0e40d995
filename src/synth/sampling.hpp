// Integer-only sampling for the synthetic streams of generate.cpp and workload.cpp: SplitMix64,
// a tiny generator whose output is fixed by its definition on every platform, and draws by
// integer weights. No floating point, so the same seed gives the same bytes everywhere.
#ifndef MATCHFUND_SRC_SAMPLING_HPP
#define MATCHFUND_SRC_SAMPLING_HPP

#include <algorithm>
#include <cstdint>
#include <vector>

#include "matchfund/random_draw.hpp"

namespace matchfund::detail {

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return splitmix64_finalize(state_ - 0x9E3779B97F4A7C15ULL);
  }
  // Uniform in [0, n), exactly (SPEC §5.4's U(n)).
  std::uint64_t below(std::uint64_t n) { return uniform_below(next(), n); }

 private:
  std::uint64_t state_;
};

// Picks an index by integer weights (cumulative table, binary search): for small tables.
class weighted_choice {
 public:
  template <class Weights>
  explicit weighted_choice(const Weights& weights) {
    std::uint64_t total = 0;
    for (auto w : weights) cumulative_.push_back(total += w);
  }
  std::size_t pick(splitmix64& random) const {
    const std::uint64_t x = random.below(cumulative_.back());
    return static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
  }

 private:
  std::vector<std::uint64_t> cumulative_;
};

}  // namespace matchfund::detail

#endif
