// How fast a campaign replays, phase by phase, and how far the engine is from the bare state
// lookups it cannot avoid. Prints its figures:
//
//   build/bench/matchfund_bench_replay --workload national-2021 [donations] [seed]
//   build/bench/matchfund_bench_replay RULES.yaml [donations] [seed]
//   ... [--phases engine,checked,live,floor,replay] [--rounds N]
//
// A workload (workload.hpp) writes its own rules, projects and events; a rules file gets a
// generated stream (`matchfund generate`). Phases: generating the events, reading and ordering
// them, the engine alone on events already in memory (`engine`: driven as the replay drives it,
// with ids known new since loading refused repeats, engine::process_unchecked_new_id; `checked`: every id
// looked up by the engine, engine::process), each process(event) call timed as a live host makes
// it (percentiles), a floor over the same events, and the whole `matchfund replay` (read, match,
// write every output, check the invariants).
//
// The floor is a bare loop doing only the per-donor and per-project state work any engine
// needs: the donor id looked up in a hash table (interned when new), a per-donor-per-day counter
// and a per-project total updated. engine / floor says how much the rules cost on top.
#include <boost/unordered/unordered_flat_map.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/generate.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/workload.hpp"
#include "support/string_maps.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only: no result depends on it

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// A line of /proc/self/status in MiB (Linux; -1 elsewhere): VmHWM (peak) or VmRSS (now).
long status_mib(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    long kib = 0;
    if (key == field && status >> kib) return kib / 1024;
    status.ignore(256, '\n');
  }
  return -1;
}

// The floor: per donation, the donor interned by id, a donor-day counter, a project total.
std::uint64_t floor_loop(const std::vector<matchfund::event>& events, std::size_t projects) {
  matchfund::detail::string_map<std::uint32_t> donors;
  boost::unordered_flat_map<std::uint64_t, std::int64_t> donor_days;
  std::vector<std::int64_t> project_totals(projects);
  for (const auto& e : events) {
    if (e.kind != matchfund::event_kind::donation) continue;
    auto found = donors.find(std::string_view(e.donor));
    if (found == donors.end()) found = donors.emplace(e.donor, static_cast<std::uint32_t>(donors.size())).first;
    const auto day = static_cast<std::uint64_t>(e.time.epoch_ms() / 86'400'000);
    donor_days[std::uint64_t{found->second} << 20 | day] += e.amount->minor_units();
    project_totals[matchfund::position(*e.project)] += e.amount->minor_units();
  }
  std::uint64_t check = donor_days.size();
  for (auto total : project_totals) check += static_cast<std::uint64_t>(total);
  return check;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // --phases engine,checked,live,floor,replay (the default: all): the timed phases to run. A phase run
  // alone meets no memory an earlier phase freed (on virtual machines that hand freed memory
  // back to their host, touching it again costs a fault per page in the host as well).
  std::string phases = "engine,checked,live,floor,replay";
  if (const auto flag = std::find(args.begin(), args.end(), "--phases"); flag != args.end() && flag + 1 != args.end()) {
    phases = *(flag + 1);
    args.erase(flag, flag + 2);
  }
  // --rounds N: the engine, checked and floor phases run N times, one after the other in turn,
  // and print their median and range: single runs on a noisy machine are one draw, and runs in
  // turn meet the same conditions.
  std::size_t rounds = 1;
  if (const auto flag = std::find(args.begin(), args.end(), "--rounds"); flag != args.end() && flag + 1 != args.end()) {
    rounds = std::max<std::size_t>(1, std::strtoull((flag + 1)->c_str(), nullptr, 10));
    args.erase(flag, flag + 2);
  }
  const auto wanted = [&](std::string_view phase) { return ("," + phases + ",").find(fmt::format(",{},", phase)) != std::string::npos; };
  for (std::size_t at = 0; at <= phases.size();) {
    const std::size_t end = std::min(phases.find(',', at), phases.size());
    const std::string_view phase = std::string_view(phases).substr(at, end - at);
    if (phase != "engine" && phase != "checked" && phase != "live" && phase != "floor" && phase != "replay") {
      fmt::print(stderr, "unknown phase '{}' (phases: engine, checked, live, floor, replay)\n", phase);
      return 2;
    }
    at = end + 1;
  }
  std::optional<matchfund::workload_kind> workload;
  if (!args.empty() && args.front() == "--workload" && args.size() >= 2) {
    workload = matchfund::workload_from_string(args[1]);
    if (!workload) {
      fmt::print(stderr, "unknown workload {}\n", args[1]);
      return 2;
    }
    args.erase(args.begin(), args.begin() + 2);
  } else if (args.empty()) {
    fmt::print(stderr, "usage: {} (--workload NAME | RULES.yaml) [donations] [seed] [--phases engine,checked,live,floor,replay] [--rounds N]\n",
               argv[0]);
    return 2;
  }
  const std::string rules_argument = workload ? std::string() : args.front();
  if (!workload) args.erase(args.begin());
  const std::uint64_t seed = args.size() > 1 ? std::strtoull(args[1].c_str(), nullptr, 10) : 2021;
  const auto directory = std::filesystem::temp_directory_path() / fmt::format("matchfund-bench-replay-{}", seed);
  std::filesystem::create_directories(directory);

  // Generate.
  auto start = clock_type::now();
  std::filesystem::path rules_file = rules_argument;
  std::vector<std::filesystem::path> files = {directory / "events.csv"};
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
  if (workload) {
    matchfund::workload_options options;
    options.kind = *workload;
    options.seed = seed;
    if (!args.empty()) options.donations = std::strtoull(args[0].c_str(), nullptr, 10);
    const auto summary = matchfund::generate_workload(options, directory);
    rules_file = summary.rules_file;
    donations = summary.donations;
    donors = summary.donors;
  } else {
    const matchfund::rule_set rules = matchfund::load_rules(rules_file);
    matchfund::generate_options options;
    options.donations = donations = args.empty() ? 1'000'000 : std::strtoull(args[0].c_str(), nullptr, 10);
    options.seed = seed;
    donors = std::max<std::uint64_t>(1, donations / 3);
    std::FILE* out = std::fopen(files.front().c_str(), "wb");
    if (out == nullptr) {
      fmt::print(stderr, "cannot write {}\n", files.front().string());
      return 1;
    }
    matchfund::generate_donations(rules, options, out);
    std::fclose(out);
  }
  const double generate_s = seconds_since(start);
  const auto file_mib = static_cast<double>(std::filesystem::file_size(files.front())) / (1024.0 * 1024.0);
  const matchfund::rule_set rules = matchfund::load_rules(rules_file);

  start = clock_type::now();
  const std::vector<matchfund::event> events = matchfund::load_events(rules, files, [](matchfund::rejected_event&&) {});
  const double load_s = seconds_since(start);
  const long before_engine_mib = status_mib("VmRSS:");

  // The engine as the replay's loading path drives it: load_events has refused every repeated id.
  std::uint64_t matched = 0;
  long engine_state_mib = 0;
  const auto run_engine = [&] {
    const auto begin = clock_type::now();
    matched = 0;
    matchfund::engine engine(rules);
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i + matchfund::engine::prefetch_distance < events.size()) engine.prefetch(events[i + matchfund::engine::prefetch_distance]);
      for (const auto& evaluation : engine.process_unchecked_new_id(events[i]).evaluations) {
        if (!evaluation.paid.is_zero()) ++matched;
      }
      engine.discard_ledger();
    }
    engine.finish();
    if (engine_state_mib == 0) engine_state_mib = status_mib("VmRSS:") - before_engine_mib;
    return seconds_since(begin);
  };
  // The same with every id looked up by the engine (a host that cannot vouch for its ids).
  std::uint64_t matched_checked = 0;
  const auto run_checked = [&] {
    const auto begin = clock_type::now();
    matched_checked = 0;
    matchfund::engine engine(rules);
    engine.process(events, [&](const matchfund::event&, const matchfund::engine::event_result& result) {
      for (const auto& evaluation : result.evaluations) {
        if (!evaluation.paid.is_zero()) ++matched_checked;
      }
      engine.discard_ledger();
    });
    engine.finish();
    return seconds_since(begin);
  };
  std::uint64_t floor_check = 0;
  const auto run_floor = [&] {
    const auto begin = clock_type::now();
    floor_check = floor_loop(events, rules.projects().size());
    return seconds_since(begin);
  };
  std::vector<double> engine_runs, checked_runs, floor_runs;
  for (std::size_t round = 0; round < rounds; ++round) {
    if (wanted("engine")) engine_runs.push_back(run_engine());
    if (wanted("checked")) checked_runs.push_back(run_checked());
    if (wanted("floor")) floor_runs.push_back(run_floor());
  }
  const auto median = [](std::vector<double> runs) {
    if (runs.empty()) return 0.0;
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
  };

  // A live host: each process(event) call timed on its own, on a fresh engine sized for the
  // campaign (reserve) as a host that knows its expected volume sizes it.
  std::vector<std::uint32_t> call_ns;
  if (wanted("live")) {
    call_ns.reserve(events.size());
    matchfund::engine engine(rules);
    engine.reserve(events.size(), donors);
    for (const auto& e : events) {
      const auto before = clock_type::now();
      (void)engine.process(e);
      const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - before).count();
      engine.discard_ledger();
      call_ns.push_back(static_cast<std::uint32_t>(std::min<long long>(took, UINT32_MAX)));
    }
  }
  std::sort(call_ns.begin(), call_ns.end());
  const auto percentile = [&](double p) {
    if (call_ns.empty()) return std::uint32_t{0};
    return call_ns[std::min(call_ns.size() - 1, static_cast<std::size_t>(p * static_cast<double>(call_ns.size())))];
  };

  const double engine_s = median(engine_runs);
  const double checked_s = median(checked_runs);
  const double floor_s = median(floor_runs);
  const long peak_before_replay_mib = status_mib("VmHWM:");

  start = clock_type::now();
  const auto report =
      wanted("replay") ? matchfund::replay(rules, files, directory / "out", matchfund::replay_options{}) : matchfund::replay_report{};
  const double replay_s = seconds_since(start);

  const auto per_second = [](std::uint64_t n, double s) { return static_cast<double>(n) / s; };
  const auto ns_each = [&](double s) { return s * 1e9 / static_cast<double>(donations); };
  // With --rounds: the median printed, and here the range.
  const auto range = [&](const std::vector<double>& runs) {
    if (runs.size() < 2) return std::string();
    const auto [low, high] = std::minmax_element(runs.begin(), runs.end());
    return fmt::format(", {:.0f}-{:.0f} ns in {} rounds", ns_each(*low), ns_each(*high), runs.size());
  };
  fmt::print("rules: {}\n", workload ? fmt::format("workload (seed {})", seed) : rules_argument);
  fmt::print("events: {} donations by {} donors, {:.0f} MiB of CSV\n", donations, donors, file_mib);
  fmt::print("generate:             {:7.2f} s  {:10.0f} rows/s\n", generate_s, per_second(donations, generate_s));
  fmt::print("read + order events:  {:7.2f} s  {:10.0f} events/s  {:7.1f} MiB/s\n", load_s,
             per_second(events.size(), load_s), file_mib / load_s);
  if (wanted("engine")) {
    fmt::print("engine only:          {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation ({} rule payments{})\n", engine_s,
               per_second(donations, engine_s), ns_each(engine_s), matched, range(engine_runs));
  }
  if (wanted("checked")) {
    fmt::print("engine, ids checked:  {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation ({} rule payments{})\n", checked_s,
               per_second(donations, checked_s), ns_each(checked_s), matched_checked, range(checked_runs));
  }
  if (wanted("live")) {
    fmt::print("process(event) live:  p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns (each call timed, fresh engine, reserved)\n",
               percentile(0.50), percentile(0.99), percentile(0.999), call_ns.empty() ? 0 : call_ns.back());
  }
  if (wanted("floor")) {
    fmt::print("floor:                {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation (check {}{})\n", floor_s,
               per_second(donations, floor_s), ns_each(floor_s), floor_check % 1000, range(floor_runs));
  }
  if (wanted("engine") && wanted("floor")) fmt::print("engine / floor:       {:7.1f}\n", engine_s / floor_s);
  if (wanted("checked") && wanted("floor")) fmt::print("checked / floor:      {:7.1f}\n", checked_s / floor_s);
  if (wanted("replay")) {
    fmt::print("replay end to end:    {:7.2f} s  {:10.0f} donations/s ({} events processed)\n", replay_s,
               per_second(report.donations, replay_s), report.events_processed);
  }
  if (wanted("engine")) {
    fmt::print("engine state:         {} MiB, {:.0f} bytes per donor\n", engine_state_mib,
               static_cast<double>(engine_state_mib) * 1024.0 * 1024.0 / static_cast<double>(donors));
  }
  fmt::print("peak RSS: {} MiB before the replay, {} MiB at the end\n", peak_before_replay_mib, status_mib("VmHWM:"));
  std::filesystem::remove_all(directory);
  return 0;
}
