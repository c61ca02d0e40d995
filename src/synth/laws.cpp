// Integer-only laws of demand models (laws.hpp).
#include "synth/laws.hpp"

#include <algorithm>

#include "matchfund/assert.hpp"
#include "matchfund/detail/int128.hpp"
#include "synth/fixed_point.hpp"

namespace matchfund::detail {

namespace {

constexpr std::int64_t one_millionths = 1'000'000;

}  // namespace

alias_table::alias_table(std::span<const std::uint64_t> weights) {
  const std::size_t n = weights.size();
  uint128 sum = 0;
  for (auto w : weights) sum += w;
  MATCHFUND_ASSERT(n > 0 && n < (std::size_t{1} << 32) && sum > 0 && sum < (uint128{1} << 63), "alias table weights out of range");
  total_ = static_cast<std::uint64_t>(sum);
  keep_.assign(n, total_);
  alias_.resize(n);
  // Each column holds `total_` of mass; item i brings weights[i] * n of it (Vose's construction,
  // exact in 128-bit integers).
  std::vector<uint128> mass(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    mass[i] = uint128{weights[i]} * n;
    alias_[i] = static_cast<std::uint32_t>(i);
    (mass[i] < total_ ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t lacking = small.back();
    small.pop_back();
    const std::uint32_t giving = large.back();
    keep_[lacking] = static_cast<std::uint64_t>(mass[lacking]);
    alias_[lacking] = giving;
    mass[giving] -= total_ - mass[lacking];
    if (mass[giving] < total_) {
      large.pop_back();
      small.push_back(giving);
    }
  }
  // What is left holds exactly `total_` each (up to nothing): it keeps itself.
  for (auto i : small) keep_[i] = total_;
  for (auto i : large) keep_[i] = total_;
}

std::uint64_t zipf_weight(std::uint64_t rank, std::uint64_t offset, ratio exponent) noexcept {
  const int128 e = int128{log2_q32(rank + offset) - log2_q32(offset)} * exponent.millionths() / one_millionths;
  return std::max<std::uint64_t>(1, shrink_by_power_of_two(std::uint64_t{1} << 32, static_cast<std::int64_t>(e)));
}

zipf_tiers::zipf_tiers(std::uint64_t ranks, ratio exponent, std::uint64_t offset) {
  MATCHFUND_ASSERT(ranks > 0 && ranks < (std::uint64_t{1} << 31) && offset > 0 && offset < (std::uint64_t{1} << 40), "zipf tiers out of range");
  std::vector<std::uint64_t> weights;  // each below 2^32 times its size: the sum stays below 2^63
  for (std::uint64_t first = 0; first < ranks;) {
    const std::uint64_t next = std::min(ranks, std::max(first + 1, (first + offset) * 17 / 16 - offset));
    firsts_.push_back(first);
    sizes_.push_back(next - first);
    weights.push_back(zipf_weight(first + (next - first) / 2, offset, exponent) * (next - first));
    first = next;
  }
  tiers_ = alias_table(weights);
}

pareto_quantiles::pareto_quantiles(const pareto_law& law) {
  const auto min = static_cast<std::uint64_t>(law.min.minor_units());
  const auto max = static_cast<std::uint64_t>(law.max.minor_units());
  // Q(u) = min * (1 - u)^(-1/alpha) = min * 2^(-log2(1 - u) / alpha), with 1 - u = m / 2^32.
  const auto quantile = [&](std::uint64_t m) {
    if (m == 0) return static_cast<std::int64_t>(max);
    const int128 e = int128{32 * q32_one - log2_q32(m)} * one_millionths / law.alpha.millionths();
    return static_cast<std::int64_t>(scale_by_power_of_two(min, static_cast<std::int64_t>(e), max));
  };
  constexpr std::uint64_t buckets = std::uint64_t{1} << bucket_bits;
  for (std::uint64_t k = 0; k <= buckets; ++k) body_.push_back(quantile((buckets - k) << (32 - bucket_bits)));
  for (std::uint64_t j = 0; j <= buckets; ++j) top_.push_back(quantile((buckets - j) << (32 - 2 * bucket_bits)));
}

std::int64_t pareto_quantiles::pick(splitmix64& random) const noexcept {
  const std::uint64_t bits = random.next();
  const auto interpolate = [](const std::vector<std::int64_t>& table, std::uint64_t index, std::uint64_t fraction) {
    const std::int64_t low = table[index];
    const std::int64_t high = table[index + 1];
    return low + static_cast<std::int64_t>((uint128{static_cast<std::uint64_t>(high - low)} * fraction) >> 40);
  };
  const std::uint64_t bucket = bits >> (64 - bucket_bits);
  if (bucket + 1 < body_.size() - 1) return interpolate(body_, bucket, (bits >> 12) & ((std::uint64_t{1} << 40) - 1));
  const std::uint64_t inner = (bits >> (64 - 2 * bucket_bits)) & ((std::uint64_t{1} << bucket_bits) - 1);
  return interpolate(top_, inner, (bits << (2 * bucket_bits)) >> 24);
}

std::int64_t draw_law(const demand_law& law, splitmix64& random) noexcept {
  switch (law.kind) {
    case law_kind::constant: return law.first;
    case law_kind::uniform:
      return law.first + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(law.second - law.first) + 1));
    case law_kind::normal: {
      // Irwin-Hall: the sum of twelve uniforms on [0, 1) less 6 has mean 0 and variance 1,
      // within +-6 (a normal law's tails beyond 6 sd are of no use to a planner).
      std::int64_t z = -6 * q32_one;
      for (int i = 0; i < 12; ++i) z += static_cast<std::int64_t>(random.next() >> 32);
      const int128 value = int128{law.first} + ((int128{law.second} * z) >> 32);
      return value < 0 ? 0 : static_cast<std::int64_t>(value);
    }
  }
  return law.first;
}

std::int64_t scale_and_round(std::int64_t amount, std::int64_t millionths, std::int64_t unit) noexcept {
  const int128 scaled = int128{amount} * millionths;  // in millionths of a minor unit
  const int128 unit_millionths = int128{unit} * one_millionths;
  const int128 units = (scaled + unit_millionths / 2) / unit_millionths;
  return static_cast<std::int64_t>(std::max<int128>(units, 1) * unit);
}

}  // namespace matchfund::detail
