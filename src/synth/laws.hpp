// The laws a demand model draws from, each with integers only (synth/sampling.hpp's generator):
// a table by weights in O(1) (Walker's alias method, exact), a Zipf law over millions of ranks in
// a few steps, a truncated Pareto law by its tabulated quantile function, and the per-run draws
// of an uncertain quantity (a normal law as the sum of twelve uniforms, or a uniform law).
#ifndef MATCHFUND_SRC_LAWS_HPP
#define MATCHFUND_SRC_LAWS_HPP

#include <cstdint>
#include <span>
#include <vector>

#include "matchfund/demand.hpp"
#include "synth/sampling.hpp"

namespace matchfund::detail {

// Picks index i with probability weights[i] / sum, exactly, in O(1): column below(n) keeps its
// own index when a second draw below the sum falls under its share, else gives its alias.
class alias_table {
 public:
  alias_table() = default;
  // The weights' sum must be more than 0 and less than 2^63.
  explicit alias_table(std::span<const std::uint64_t> weights);
  [[nodiscard]] std::uint32_t pick(splitmix64& random) const noexcept {
    const auto column = static_cast<std::uint32_t>(random.below(keep_.size()));
    return pick_at(column, random.below(total_));
  }
  // What pick gives for its two draws, a column and a number below total(): public so that the
  // exactness can be checked by going through every pair instead of by sampling.
  [[nodiscard]] std::uint32_t pick_at(std::uint32_t column, std::uint64_t draw) const noexcept {
    return draw < keep_[column] ? column : alias_[column];
  }
  [[nodiscard]] std::size_t size() const noexcept { return keep_.size(); }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

 private:
  std::vector<std::uint64_t> keep_;
  std::vector<std::uint32_t> alias_;
  std::uint64_t total_ = 1;
};

// 2^32 * ((rank + offset) / offset)^-exponent, rounded down, at least 1: the weight of a rank in a
// Zipf law, the first rank weighing 2^32.
std::uint64_t zipf_weight(std::uint64_t rank, std::uint64_t offset, ratio exponent) noexcept;

// A Zipf law over ranks 0..n-1, weight (rank + offset)^-exponent, in O(1) per draw for millions
// of ranks: ranks are grouped in tiers of ranks whose (rank + offset) grow by 1/16 from first to
// last, each weighing its size times the weight of its middle rank; a tier is picked by weight,
// then a rank uniformly inside it. Built in O(tiers), about 16 per doubling of rank + offset.
class zipf_tiers {
 public:
  zipf_tiers(std::uint64_t ranks, ratio exponent, std::uint64_t offset);
  [[nodiscard]] std::uint64_t pick(splitmix64& random) const noexcept {
    const std::uint32_t tier = tiers_.pick(random);
    return firsts_[tier] + random.below(sizes_[tier]);
  }

 private:
  std::vector<std::uint64_t> firsts_, sizes_;
  alias_table tiers_;
};

// A Pareto law truncated at max, rounded down to minor units: its quantile function tabulated at
// 4,096 points and again at 4,096 points inside the top 1/4,096, linearly interpolated.
class pareto_quantiles {
 public:
  explicit pareto_quantiles(const pareto_law& law);
  [[nodiscard]] std::int64_t pick(splitmix64& random) const noexcept;

 private:
  static constexpr int bucket_bits = 12;
  std::vector<std::int64_t> body_;  // quantiles at k / 4096, k = 0..4096 (the last: the top's first)
  std::vector<std::int64_t> top_;   // quantiles at 1 - 1/4096 + j / 4096^2, j = 0..4096
};

// One draw of an uncertain quantity, in millionths, never below 0.
std::int64_t draw_law(const demand_law& law, splitmix64& random) noexcept;

// `amount` * `millionths` / 10^6 rounded to the nearest multiple of `unit` (halves up), at
// least one unit.
std::int64_t scale_and_round(std::int64_t amount, std::int64_t millionths, std::int64_t unit) noexcept;

}  // namespace matchfund::detail

#endif
