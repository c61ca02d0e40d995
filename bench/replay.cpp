// How fast a campaign replays, phase by phase: reading and ordering the events, the engine
// alone on events already in memory, and the whole `matchfund replay` (read, sort, match, write
// every output). Prints its figures:
//
//   build/bench/matchfund_bench_replay RULES.yaml [donations] [seed]
//
// The events are generated for the campaign (as `matchfund generate` does) into a temporary
// file, so any bundled rules file can be measured at any size.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/generate.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only: no result depends on it

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Peak resident memory of this process so far, in MiB (Linux: VmHWM).
long peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    long kib = 0;
    if (key == "VmHWM:" && status >> kib) return kib / 1024;
    status.ignore(256, '\n');
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} RULES.yaml [donations] [seed]\n", argv[0]);
    return 2;
  }
  const std::uint64_t donations = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2018;
  const matchfund::rule_set rules = matchfund::load_rules(argv[1]);
  const auto directory = std::filesystem::temp_directory_path() / fmt::format("matchfund-bench-replay-{}", seed);
  std::filesystem::create_directories(directory);
  const std::vector<std::filesystem::path> files = {directory / "events.csv"};

  auto start = clock_type::now();
  {
    std::FILE* out = std::fopen(files.front().c_str(), "wb");
    if (out == nullptr) {
      fmt::print(stderr, "cannot write {}\n", files.front().string());
      return 1;
    }
    matchfund::generate_options options;
    options.donations = donations;
    options.seed = seed;
    matchfund::generate_donations(rules, options, out);
    std::fclose(out);
  }
  const double generate_s = seconds_since(start);
  const auto file_mib = static_cast<double>(std::filesystem::file_size(files.front())) / (1024.0 * 1024.0);

  start = clock_type::now();
  const std::vector<matchfund::event> events = matchfund::load_events(rules, files, [](matchfund::rejected_event&&) {});
  const double load_s = seconds_since(start);

  start = clock_type::now();
  std::uint64_t matched = 0;
  {
    matchfund::engine engine(rules);
    for (const auto& e : events) {
      for (const auto& evaluation : engine.process(e).evaluations) if (!evaluation.paid.is_zero()) ++matched;
      engine.discard_ledger();
    }
    engine.finish();
  }
  const double engine_s = seconds_since(start);
  const long after_engine_mib = peak_rss_mib();

  start = clock_type::now();
  const auto report = matchfund::replay(rules, files, directory / "out", matchfund::replay_options{});
  const double replay_s = seconds_since(start);

  const auto per_second = [](std::uint64_t n, double s) { return static_cast<double>(n) / s; };
  fmt::print("rules: {}\n", argv[1]);
  fmt::print("events: {} donations (seed {}), {:.0f} MiB of CSV, generated in {:.2f} s\n", donations, seed, file_mib,
             generate_s);
  fmt::print("read + order events:  {:7.2f} s  {:10.0f} events/s  {:7.1f} MiB/s\n", load_s,
             per_second(events.size(), load_s), file_mib / load_s);
  fmt::print("engine only:          {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation ({} matches)\n", engine_s,
             per_second(donations, engine_s), engine_s * 1e9 / static_cast<double>(donations), matched);
  fmt::print("replay end to end:    {:7.2f} s  {:10.0f} donations/s ({} events processed)\n", replay_s,
             per_second(report.donations, replay_s), report.events_processed);
  fmt::print("peak RSS: {} MiB after the engine alone, {} MiB at the end\n", after_engine_mib, peak_rss_mib());
  std::filesystem::remove_all(directory);
  return 0;
}
