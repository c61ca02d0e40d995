// SplitMix64: a tiny random generator whose output is fixed by its definition on every platform,
// for the synthetic streams of generate.cpp and workload.cpp.
#ifndef MATCHFUND_SRC_SPLITMIX64_HPP
#define MATCHFUND_SRC_SPLITMIX64_HPP

#include <cstdint>

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

}  // namespace matchfund::detail

#endif
