// What this machine's memory allows an engine whose state outgrows the caches: per table size,
// the nanoseconds per random 8-byte read
//   - independent reads in a plain loop (the CPU overlaps as many misses as its out-of-order
//     window holds),
//   - independent reads with a software prefetch d reads ahead (d = 4 ... 64: more misses in
//     flight than the window alone keeps, which is what a pipelined engine can have),
//   - a dependent chain (each read's address comes from the read before: misses one at a time,
//     which is what an engine pays when one donation's lookups wait for each other),
//   - serialised reads whose addresses are known ahead (each read waits for the one before, as a
//     donation's work waits for the last donation's, but the address is computed from a list):
//     without prefetch they cost what the chain costs; with a prefetch d ahead they show what
//     a pipeline that starts later donations' lookups early gets back,
// and the pages the table actually got (the share of it on 2 MiB transparent huge pages, from
// /proc/self/smaps, and the kernel's THP mode).
//
//   build/bench/matchfund_bench_memory [MiB ...] [--pages huge|small|both] [--rounds N]
//
// Defaults: 64 256 1024 4096 MiB, huge pages asked for (as the engine's tables ask), 3 rounds;
// each figure is the median of its rounds with the range beside it.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/mman.h>

#include "matchfund/detail/int128.hpp"
#include "support/prefetch.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only

constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t independent_reads = 20'000'000;
constexpr std::size_t chained_reads = 2'000'000;

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: a cheap, well-spread hash
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// x spread over [0, n) by a multiply (Lemire's reduction): cheaper than a division in a loop
// that should cost only its memory reads.
std::uint64_t below(std::uint64_t x, std::uint64_t n) {
  return static_cast<std::uint64_t>((matchfund::detail::uint128{x} * n) >> 64);
}

// A table of `words` 8-byte words mapped on its own, with huge pages asked for or refused, and
// every page touched before any timing.
class table {
 public:
  table(std::size_t words, bool huge) : words_(words), bytes_((words * 8 + huge_page - 1) / huge_page * huge_page) {
    void* mapped = ::mmap(nullptr, bytes_ + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::runtime_error("cannot map the table");
    mapping_ = mapped;
    const auto aligned = (reinterpret_cast<std::uintptr_t>(mapped) + huge_page - 1) & ~(huge_page - 1);
    data_ = reinterpret_cast<std::uint64_t*>(aligned);
    (void)::madvise(data_, bytes_, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    for (std::size_t i = 0; i < words_; ++i) data_[i] = mix(i);
  }
  ~table() { ::munmap(mapping_, bytes_ + huge_page); }
  table(const table&) = delete;
  table& operator=(const table&) = delete;

  std::size_t words() const { return words_; }
  const std::uint64_t* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t words_;
  std::size_t bytes_;
  void* mapping_ = nullptr;
  std::uint64_t* data_ = nullptr;
};

// Of the mappings in /proc/self/smaps that overlap [begin, begin + bytes): kB in all and kB on
// anonymous huge pages.
std::pair<std::uint64_t, std::uint64_t> huge_page_kib(const void* begin, std::size_t bytes) {
  const auto first = reinterpret_cast<std::uintptr_t>(begin);
  const auto last = first + bytes;
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  std::uint64_t size_kib = 0, huge_kib = 0;
  while (std::getline(smaps, line)) {
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> from >> dash >> to && dash == '-') {
      inside = from < last && to > first;
      continue;
    }
    if (!inside) continue;
    std::istringstream field(line);
    std::string key;
    std::uint64_t kib = 0;
    field >> key >> kib;
    if (key == "Rss:") size_kib += kib;
    if (key == "AnonHugePages:") huge_kib += kib;
  }
  return {size_kib, huge_kib};
}

std::string thp_mode() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(file, text);
  const auto open = text.find('['), close = text.find(']');
  if (open == std::string::npos || close == std::string::npos) return "unknown";
  return text.substr(open + 1, close - open - 1);
}

std::vector<std::uint64_t> random_indexes(std::size_t count, std::size_t words) {
  std::vector<std::uint64_t> at(count);
  for (std::size_t i = 0; i < count; ++i) at[i] = below(mix(i ^ 0x5DEECE66DULL), words);
  return at;
}

// Independent reads: no read's address depends on another read. With `distance` > 0 the read
// `distance` ahead is prefetched first.
double independent_ns(const table& t, const std::vector<std::uint64_t>& at, std::size_t distance) {
  const std::uint64_t* data = t.data();
  const std::size_t n = at.size() - distance;
  std::uint64_t sum = 0;
  const auto start = clock_type::now();
  if (distance == 0) {
    for (std::size_t i = 0; i < n; ++i) sum += data[at[i]];
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      matchfund::detail::prefetch_line(&data[at[i + distance]]);
      sum += data[at[i]];
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (sum == 42) fmt::print("");  // keeps the reads
  return ns / static_cast<double>(n);
}

// Serialised reads of known addresses: read i's address is made to depend on read i - 1's value
// (by a zero the compiler cannot see), so the processor cannot start it early; only a prefetch
// `distance` ahead can.
double serialised_ns(const table& t, const std::vector<std::uint64_t>& at, std::size_t distance) {
  const std::uint64_t* data = t.data();
  static volatile std::uint64_t volatile_zero = 0;
  const std::uint64_t zero = volatile_zero;
  const std::size_t n = chained_reads;
  std::uint64_t last = 0;
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (distance != 0) matchfund::detail::prefetch_line(&data[at[i + distance]]);
    last = data[at[i] ^ (last & zero)];
  }
  const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (last == 42) fmt::print("");
  return ns / static_cast<double>(n);
}

// A dependent chain: the next address is a hash of the word just read and the step (the step
// keeps the walk from falling into a short cycle that would fit in a cache).
double chained_ns(const table& t) {
  const std::uint64_t* data = t.data();
  std::uint64_t index = 1;
  const auto start = clock_type::now();
  for (std::size_t step = 0; step < chained_reads; ++step) index = below(mix(data[index] + step), t.words());
  const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  if (index == 42) fmt::print("");
  return ns / static_cast<double>(chained_reads);
}

struct rounds_of {
  std::vector<double> ns;
  std::string text() const {
    std::vector<double> sorted = ns;
    std::sort(sorted.begin(), sorted.end());
    return fmt::format("{:6.1f} ns  ({:.1f}-{:.1f})", sorted[sorted.size() / 2], sorted.front(), sorted.back());
  }
};

void measure(std::size_t mebibytes, bool huge, int rounds) {
  const table t((mebibytes << 20) / sizeof(std::uint64_t), huge);
  const auto [rss_kib, huge_kib] = huge_page_kib(t.data(), t.bytes());
  fmt::print("table {} MiB, {} asked: {:.0f} % of it on 2 MiB pages (THP mode {})\n", mebibytes,
             huge ? "huge pages" : "no huge pages", rss_kib ? 100.0 * static_cast<double>(huge_kib) / static_cast<double>(rss_kib) : 0.0,
             thp_mode());
  const std::vector<std::uint64_t> at = random_indexes(independent_reads, t.words());
  const std::vector<std::size_t> distances = {0, 4, 8, 16, 32, 64};
  const std::vector<std::size_t> serial_distances = {0, 4, 16};
  std::vector<rounds_of> independent(distances.size()), serialised(serial_distances.size());
  rounds_of chained;
  for (int round = 0; round < rounds; ++round) {  // the kinds in turn, so drift hits all alike
    for (std::size_t d = 0; d < distances.size(); ++d) independent[d].ns.push_back(independent_ns(t, at, distances[d]));
    for (std::size_t d = 0; d < serial_distances.size(); ++d) serialised[d].ns.push_back(serialised_ns(t, at, serial_distances[d]));
    chained.ns.push_back(chained_ns(t));
  }
  for (std::size_t d = 0; d < distances.size(); ++d) {
    const std::string kind = distances[d] == 0 ? std::string("plain loop") : fmt::format("prefetch {:2} ahead", distances[d]);
    fmt::print("  independent reads, {:17}  {}\n", kind, independent[d].text());
  }
  for (std::size_t d = 0; d < serial_distances.size(); ++d) {
    const std::string kind = serial_distances[d] == 0 ? std::string("no prefetch") : fmt::format("prefetch {:2} ahead", serial_distances[d]);
    fmt::print("  serialised reads,  {:17}  {}\n", kind, serialised[d].text());
  }
  fmt::print("  dependent chain                       {}\n", chained.text());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  std::string pages = "huge";
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--pages" && i + 1 < argc) {
      pages = argv[++i];
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      sizes.push_back(std::strtoull(argv[i], nullptr, 10));
    }
  }
  if (sizes.empty()) sizes = {64, 256, 1024, 4096};
  if ((pages != "huge" && pages != "small" && pages != "both") || rounds < 1 || rounds > 100) {
    fmt::print(stderr, "usage: {} [MiB ...] [--pages huge|small|both] [--rounds 1-100]\n", argv[0]);
    return 2;
  }
  for (const std::size_t mebibytes : sizes) {
    if (mebibytes == 0 || mebibytes > (std::size_t{1} << 15)) {
      fmt::print(stderr, "table sizes are MiB from 1 to 32768\n");
      return 2;
    }
    if (pages != "small") measure(mebibytes, true, rounds);
    if (pages != "huge") measure(mebibytes, false, rounds);
  }
  return 0;
}
