// How fast this machine reads random places in large tables: the memory floor under any engine
// whose state outgrows the caches. Prints, per table size, the nanoseconds per random 8-byte read
// with many reads in flight (independent loads, as a replay issues them), on huge pages as the
// engine's tables are.
//
//   build/bench/matchfund_bench_memory [MiB ...]     (default: 64 256 1024 4096)
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/huge_pages.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only

double random_read_ns(std::size_t mebibytes) {
  const std::size_t words = (mebibytes << 20) / sizeof(std::uint64_t);
  std::vector<std::uint64_t, matchfund::detail::huge_page_allocator<std::uint64_t>> table(words);
  for (std::size_t i = 0; i < words; ++i) table[i] = i * 0x9E3779B97F4A7C15ULL;
  constexpr std::size_t reads = 20'000'000;
  std::vector<std::uint32_t> at(reads);  // indexes drawn before timing: only the reads are timed
  std::uint64_t x = 88172645463325252ULL;
  for (auto& index : at) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    index = static_cast<std::uint32_t>(x % words);
  }
  const auto start = clock_type::now();
  std::uint64_t sum = 0;
  for (const std::uint32_t index : at) sum += table[index];
  const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (sum == 42) fmt::print("");  // keeps the reads
  return ns / static_cast<double>(reads);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {64, 256, 1024, 4096};
  for (const std::size_t mebibytes : sizes) {
    if (mebibytes == 0 || mebibytes > (std::size_t{1} << 15)) {
      fmt::print(stderr, "table sizes are MiB from 1 to 32768\n");
      return 2;
    }
    fmt::print("table {:6} MiB: {:6.1f} ns per random read\n", mebibytes, random_read_ns(mebibytes));
  }
  return 0;
}
