// How fast `matchfund simulate` runs: donations simulated per second per core, generation of
// the demand stream alone and the whole simulation (generation, the engine, close-out, the
// summaries). Prints its figures:
//
//   build/bench/matchfund_bench_simulate --workload chongqing-2021-federation rules/chongqing-2021-federation-demand.yaml [--runs N] [--threads T]
//   build/bench/matchfund_bench_simulate RULES.yaml DEMAND.yaml [--runs N] [--threads T] [--seed S]
//
// A workload's rules are written by generate_workload (its full size, so that its pools are the
// published ones) into a temporary folder. "Per core" divides by the process's CPU time
// (getrusage), so it counts what each thread did, not what the wall clock saw.
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/simulate.hpp"
#include "matchfund/workload.hpp"
#include "synth/demand_stream.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only: no result depends on it

struct times {
  double wall = 0;
  double cpu = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

template <typename Work>
times timed(Work&& work) {
  const auto wall_start = clock_type::now();
  const double cpu_start = cpu_seconds();
  work();
  return {std::chrono::duration<double>(clock_type::now() - wall_start).count(), cpu_seconds() - cpu_start};
}

struct options {
  std::optional<std::string> workload;
  std::string rules_file;
  std::string demand_file;
  std::uint64_t runs = 10;
  unsigned threads = 2;
  std::uint64_t seed = 1;
};

std::optional<options> parse(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  options o;
  std::size_t i = 0;
  if (args.size() >= 3 && args[0] == "--workload") {
    if (matchfund::find_workload(args[1]) == nullptr) return std::nullopt;
    o.workload = args[1];
    o.demand_file = args[2];
    i = 3;
  } else if (args.size() >= 2) {
    o.rules_file = args[0];
    o.demand_file = args[1];
    i = 2;
  } else {
    return std::nullopt;
  }
  for (; i + 1 < args.size(); i += 2) {
    if (args[i] == "--runs") o.runs = std::stoull(args[i + 1]);
    else if (args[i] == "--threads") o.threads = static_cast<unsigned>(std::stoul(args[i + 1]));
    else if (args[i] == "--seed") o.seed = std::stoull(args[i + 1]);
    else return std::nullopt;
  }
  return i == args.size() ? std::optional(o) : std::nullopt;
}

// Generation alone: every run's stream drawn and dropped, on one thread.
std::uint64_t generate_streams(const matchfund::demand_model& demand, const matchfund::rule_set& rules,
                               const options& o) {
  std::uint64_t events = 0;
  std::vector<matchfund::event> batch(4096);
  for (std::uint64_t run = 1; run <= o.runs; ++run) {
    matchfund::detail::demand_stream stream(demand, rules, o.seed, run);
    while (const std::size_t count = stream.next(batch)) events += count;
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  if (!o) {
    fmt::print(stderr, "usage: {} (--workload NAME | RULES.yaml) DEMAND.yaml [--runs N] [--threads T] [--seed S]\n", argv[0]);
    return 2;
  }
  std::filesystem::path rules_file = o->rules_file;
  std::filesystem::path scratch;
  if (o->workload) {
    scratch = std::filesystem::temp_directory_path() / fmt::format("matchfund-bench-simulate-{}", ::getpid());
    const auto summary = matchfund::generate_workload({*o->workload, 1, std::nullopt}, scratch);
    rules_file = summary.rules_file;
  }
  const matchfund::rule_set rules = matchfund::load_rules(rules_file);
  const matchfund::demand_model demand = matchfund::load_demand(o->demand_file, rules);

  std::uint64_t events = 0;
  const times generation = timed([&] { events = generate_streams(demand, rules, *o); });
  fmt::print("generation: {} runs, {} events in {:.2f} s on one thread: {:.2f}M events/s\n", o->runs, events,
             generation.wall, static_cast<double>(events) / generation.cpu / 1e6);

  matchfund::simulation_setup setup;
  setup.points.push_back({"", rules});
  matchfund::simulation_result result;
  const times whole = timed([&] { result = matchfund::simulate(setup, demand, {o->runs, o->seed, o->threads, {}}); });
  std::uint64_t donations = 0;
  for (const auto& run : result.runs_table) donations += run.donations;
  fmt::print("simulate: {} runs, {} donations, {} threads: {:.1f} s wall, {:.1f} s CPU; {:.2f}M donations/s per core, "
             "{:.2f}M/s in all\n",
             o->runs, donations, o->threads, whole.wall, whole.cpu, static_cast<double>(donations) / whole.cpu / 1e6,
             static_cast<double>(donations) / whole.wall / 1e6);
  if (!scratch.empty()) std::filesystem::remove_all(scratch);
  return 0;
}
