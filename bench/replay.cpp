// How fast a campaign replays, phase by phase, and how far the engine is from the bare state
// lookups it cannot avoid. Prints its figures:
//
//   build/bench/matchfund_bench_replay --workload national-2021 [donations] [seed]
//   build/bench/matchfund_bench_replay RULES.yaml [donations] [seed]
//   ... [--phases engine,checked,live,floor,replay,snapshot] [--rounds N] [--floor-distance D]
//
// A workload (workload.hpp) writes its own rules, projects and events; a rules file gets a
// generated stream (`matchfund generate`). Phases: generating the events, reading and ordering
// them, the engine alone on events already in memory (`engine`: driven as the replay drives it,
// with ids known new since loading refused repeats, engine::process_unchecked_new_id; `checked`: every id
// looked up by the engine, engine::process), each process(event) call timed as a live host makes
// it (percentiles), a floor over the same events, and the whole `matchfund replay` (read, match,
// write every output, check the invariants).
//
// The floor (floor.hpp) is the per-donor and per-project state work any engine needs and
// nothing else, in the engine's own structures, done two ways: one donation after the other
// (`floor, one at a time`: each lookup waits on the last) and pipelined (the lookups of later
// donations under way while one is decided, as a host feeding a stream allows). engine / floor
// is against the pipelined floor: how much the rules cost on top of what the memory allows.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/generate.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/workload.hpp"
#include "floor.hpp"

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

// What the command line asks for.
struct bench_options {
  std::string phases = "engine,checked,live,floor,replay,snapshot";
  std::size_t rounds = 1;
  std::size_t floor_distance = 8;  // the pipelined floor's stages are this many donations apart
  std::optional<std::string> workload;
  std::string rules_argument;  // without a workload
  std::optional<std::uint64_t> donations;
  std::uint64_t seed = 2021;

  [[nodiscard]] bool wanted(std::string_view phase) const {
    return ("," + phases + ",").find(fmt::format(",{},", phase)) != std::string::npos;
  }
};

// The options, or nullopt after printing what is wrong.
std::optional<bench_options> parse_arguments(std::vector<std::string> args, const char* program) {
  bench_options options;
  // --phases engine,checked,live,floor,replay,snapshot (the default: all): the timed phases to run. A phase run
  // alone meets no memory an earlier phase freed (on virtual machines that hand freed memory
  // back to their host, touching it again costs a fault per page in the host as well).
  if (const auto flag = std::find(args.begin(), args.end(), "--phases"); flag != args.end() && flag + 1 != args.end()) {
    options.phases = *(flag + 1);
    args.erase(flag, flag + 2);
  }
  // --rounds N: the engine, checked and floor phases run N times, one after the other in turn,
  // and print their median and range: single runs on a noisy machine are one draw, and runs in
  // turn meet the same conditions.
  if (const auto flag = std::find(args.begin(), args.end(), "--rounds"); flag != args.end() && flag + 1 != args.end()) {
    options.rounds = std::max<std::size_t>(1, std::strtoull((flag + 1)->c_str(), nullptr, 10));
    args.erase(flag, flag + 2);
  }
  // --floor-distance D: the pipelined floor starts donation i + 3D's lookups, then i + 2D's,
  // then i + D's, while donation i is decided.
  if (const auto flag = std::find(args.begin(), args.end(), "--floor-distance"); flag != args.end() && flag + 1 != args.end()) {
    options.floor_distance = std::clamp<std::size_t>(std::strtoull((flag + 1)->c_str(), nullptr, 10), 1, 256);
    args.erase(flag, flag + 2);
  }
  for (std::size_t at = 0; at <= options.phases.size();) {
    const std::size_t end = std::min(options.phases.find(',', at), options.phases.size());
    const std::string_view phase = std::string_view(options.phases).substr(at, end - at);
    if (phase != "engine" && phase != "checked" && phase != "live" && phase != "floor" && phase != "replay" &&
        phase != "snapshot") {
      fmt::print(stderr, "unknown phase '{}' (phases: engine, checked, live, floor, replay, snapshot)\n", phase);
      return std::nullopt;
    }
    at = end + 1;
  }
  if (!args.empty() && args.front() == "--workload" && args.size() >= 2) {
    options.workload = args[1];
    if (matchfund::find_workload(args[1]) == nullptr) {
      fmt::print(stderr, "unknown workload {}\n", args[1]);
      return std::nullopt;
    }
    args.erase(args.begin(), args.begin() + 2);
  } else if (args.empty()) {
    fmt::print(stderr, "usage: {} (--workload NAME | RULES.yaml) [donations] [seed] [--phases engine,checked,live,floor,replay,snapshot] [--rounds N] [--floor-distance D]\n",
               program);
    return std::nullopt;
  } else {
    options.rules_argument = args.front();
    args.erase(args.begin());
  }
  if (!args.empty()) options.donations = std::strtoull(args[0].c_str(), nullptr, 10);
  if (args.size() > 1) options.seed = std::strtoull(args[1].c_str(), nullptr, 10);
  return options;
}

// The generated stream: its rules file, its event file, what it holds and what it took.
struct generated_stream {
  std::filesystem::path rules_file;
  std::vector<std::filesystem::path> files;
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
  double generate_s = 0;
  double file_mib = 0;
};

generated_stream generate_stream(const bench_options& options, const std::filesystem::path& directory) {
  const auto start = clock_type::now();
  generated_stream stream;
  stream.rules_file = options.rules_argument;
  stream.files = {directory / "events.csv"};
  if (options.workload) {
    matchfund::workload_options workload;
    workload.name = *options.workload;
    workload.seed = options.seed;
    if (options.donations) workload.donations = *options.donations;
    const auto summary = matchfund::generate_workload(workload, directory);
    stream.rules_file = summary.rules_file;
    stream.donations = summary.donations;
    stream.donors = summary.donors;
  } else {
    const matchfund::rule_set rules = matchfund::load_rules(stream.rules_file);
    matchfund::generate_options generate;
    generate.donations = stream.donations = options.donations.value_or(1'000'000);
    generate.seed = options.seed;
    stream.donors = std::max<std::uint64_t>(1, stream.donations / 3);
    std::FILE* out = std::fopen(stream.files.front().c_str(), "wb");
    if (out == nullptr) throw std::runtime_error("cannot write " + stream.files.front().string());
    matchfund::generate_donations(rules, generate, out);
    std::fclose(out);
  }
  stream.generate_s = seconds_since(start);
  stream.file_mib = static_cast<double>(std::filesystem::file_size(stream.files.front())) / (1024.0 * 1024.0);
  return stream;
}

// The engine as the replay's loading path drives it: load_events has refused every repeated id.
// `state_mib` gets the resident memory the engine added, read before the engine is freed.
double time_engine(const matchfund::rule_set& rules, const std::vector<matchfund::event>& events, std::uint64_t& matched,
                   long& state_mib) {
  const long before_mib = status_mib("VmRSS:");
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
  const double seconds = seconds_since(begin);
  state_mib = status_mib("VmRSS:") - before_mib;
  return seconds;
}

// The same with every id looked up by the engine (a host that cannot vouch for its ids).
double time_checked(const matchfund::rule_set& rules, const std::vector<matchfund::event>& events, std::uint64_t& matched) {
  const auto begin = clock_type::now();
  matched = 0;
  matchfund::engine engine(rules);
  engine.process(events, [&](const matchfund::event&, const matchfund::engine::event_result& result) {
    for (const auto& evaluation : result.evaluations) {
      if (!evaluation.paid.is_zero()) ++matched;
    }
    engine.discard_ledger();
  });
  engine.finish();
  return seconds_since(begin);
}

// A live host: each process(event) call timed on its own, on a fresh engine sized for the
// campaign (reserve) as a host that knows its expected volume sizes it. Sorted.
std::vector<std::uint32_t> time_live_calls(const matchfund::rule_set& rules, const std::vector<matchfund::event>& events,
                                           std::uint64_t donors) {
  std::vector<std::uint32_t> call_ns;
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
  std::sort(call_ns.begin(), call_ns.end());
  return call_ns;
}

// engine::save and engine::restore of the engine at the end of the stream (before the close), to a
// file and back; the restored engine must close to the same fund totals as the saved one.
struct snapshot_figures {
  double save_s = 0, restore_s = 0, mib = 0;
  bool same = false;
};

snapshot_figures time_snapshot(const matchfund::rule_set& rules, const std::vector<matchfund::event>& events,
                               const std::filesystem::path& directory) {
  snapshot_figures figures;
  matchfund::engine engine(rules);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i + matchfund::engine::prefetch_distance < events.size()) engine.prefetch(events[i + matchfund::engine::prefetch_distance]);
    (void)engine.process_unchecked_new_id(events[i]);
    engine.discard_ledger();
  }
  const auto file = directory / "engine.snapshot";
  auto start = clock_type::now();
  {
    std::ofstream out(file, std::ios::binary);
    engine.save(out, events.size());
  }
  figures.save_s = seconds_since(start);
  figures.mib = static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0);
  start = clock_type::now();
  std::ifstream in(file, std::ios::binary);
  matchfund::engine restored = matchfund::engine::restore(rules, in);
  figures.restore_s = seconds_since(start);
  engine.finish();
  restored.finish();
  figures.same = true;
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    const auto& a = engine.fund(matchfund::index_at<matchfund::fund_index>(f));
    const auto& b = restored.fund(matchfund::index_at<matchfund::fund_index>(f));
    figures.same = figures.same && a.drawn == b.drawn && a.returned == b.returned && a.closeout == b.closeout &&
                   a.available() == b.available();
  }
  std::filesystem::remove(file);
  return figures;
}

// What the timed phases measured.
struct measured {
  std::vector<double> engine_runs, checked_runs, floor_runs, serial_floor_runs;
  std::uint64_t matched = 0, matched_checked = 0, floor_check = 0, serial_floor_check = 0;
  long engine_state_mib = 0;
  std::vector<std::uint32_t> call_ns;  // sorted
  double load_s = 0;
  std::size_t events = 0;
  long peak_before_replay_mib = 0;
  double replay_s = 0;
  matchfund::replay_report report;
  snapshot_figures snapshot;
};

// The engine, checked and floor phases in turn, `rounds` times, then the live calls.
void time_phases(const bench_options& options, const matchfund::rule_set& rules, const std::vector<matchfund::event>& events,
                 std::uint64_t donors, measured& m) {
  for (std::size_t round = 0; round < options.rounds; ++round) {
    if (options.wanted("engine")) {
      long state_mib = 0;
      m.engine_runs.push_back(time_engine(rules, events, m.matched, state_mib));
      if (round == 0) m.engine_state_mib = state_mib;
    }
    if (options.wanted("checked")) m.checked_runs.push_back(time_checked(rules, events, m.matched_checked));
    if (options.wanted("floor")) {
      auto begin = clock_type::now();
      m.floor_check = matchfund_bench::floor_pipelined(events, rules.projects().size(), options.floor_distance);
      m.floor_runs.push_back(seconds_since(begin));
      begin = clock_type::now();
      m.serial_floor_check = matchfund_bench::floor_one_at_a_time(events, rules.projects().size());
      m.serial_floor_runs.push_back(seconds_since(begin));
      if (m.floor_check != m.serial_floor_check) throw std::logic_error("the two floors ended in different states");
    }
  }
  if (options.wanted("live")) m.call_ns = time_live_calls(rules, events, donors);
}

double median(std::vector<double> runs) {
  if (runs.empty()) return 0.0;
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

void print_figures(const bench_options& options, const generated_stream& stream, const measured& m) {
  const auto per_second = [](std::uint64_t n, double s) { return static_cast<double>(n) / s; };
  const auto ns_each = [&](double s) { return s * 1e9 / static_cast<double>(stream.donations); };
  // With --rounds: the median printed, and here the range.
  const auto range = [&](const std::vector<double>& runs) {
    if (runs.size() < 2) return std::string();
    const auto [low, high] = std::minmax_element(runs.begin(), runs.end());
    return fmt::format(", {:.0f}-{:.0f} ns in {} rounds", ns_each(*low), ns_each(*high), runs.size());
  };
  const auto percentile = [&](double p) {
    if (m.call_ns.empty()) return std::uint32_t{0};
    return m.call_ns[std::min(m.call_ns.size() - 1, static_cast<std::size_t>(p * static_cast<double>(m.call_ns.size())))];
  };
  const double engine_s = median(m.engine_runs);
  const double checked_s = median(m.checked_runs);
  const double floor_s = median(m.floor_runs);
  const double serial_floor_s = median(m.serial_floor_runs);
  fmt::print("rules: {}\n", options.workload ? fmt::format("workload (seed {})", options.seed) : options.rules_argument);
  fmt::print("events: {} donations by {} donors, {:.0f} MiB of CSV\n", stream.donations, stream.donors, stream.file_mib);
  fmt::print("generate:             {:7.2f} s  {:10.0f} rows/s\n", stream.generate_s, per_second(stream.donations, stream.generate_s));
  fmt::print("read + order events:  {:7.2f} s  {:10.0f} events/s  {:7.1f} MiB/s\n", m.load_s,
             per_second(m.events, m.load_s), stream.file_mib / m.load_s);
  if (options.wanted("engine")) {
    fmt::print("engine only:          {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation ({} rule payments{})\n", engine_s,
               per_second(stream.donations, engine_s), ns_each(engine_s), m.matched, range(m.engine_runs));
  }
  if (options.wanted("checked")) {
    fmt::print("engine, ids checked:  {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation ({} rule payments{})\n", checked_s,
               per_second(stream.donations, checked_s), ns_each(checked_s), m.matched_checked, range(m.checked_runs));
  }
  if (options.wanted("live")) {
    fmt::print("process(event) live:  p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns (each call timed, fresh engine, reserved)\n",
               percentile(0.50), percentile(0.99), percentile(0.999), m.call_ns.empty() ? 0 : m.call_ns.back());
  }
  if (options.wanted("floor")) {
    fmt::print("floor, pipelined:     {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation (up to {} ahead{})\n", floor_s,
               per_second(stream.donations, floor_s), ns_each(floor_s), 3 * options.floor_distance, range(m.floor_runs));
    fmt::print("floor, one at a time: {:7.2f} s  {:10.0f} donations/s  {:6.0f} ns/donation (check {}{})\n", serial_floor_s,
               per_second(stream.donations, serial_floor_s), ns_each(serial_floor_s), m.floor_check % 1000,
               range(m.serial_floor_runs));
  }
  if (options.wanted("engine") && options.wanted("floor")) fmt::print("engine / floor:       {:7.1f}\n", engine_s / floor_s);
  if (options.wanted("checked") && options.wanted("floor")) fmt::print("checked / floor:      {:7.1f}\n", checked_s / floor_s);
  if (options.wanted("replay")) {
    fmt::print("replay end to end:    {:7.2f} s  {:10.0f} donations/s ({} events processed)\n", m.replay_s,
               per_second(m.report.donations, m.replay_s), m.report.events_processed);
  }
  if (options.wanted("engine")) {
    fmt::print("engine state:         {} MiB, {:.0f} bytes per donor\n", m.engine_state_mib,
               static_cast<double>(m.engine_state_mib) * 1024.0 * 1024.0 / static_cast<double>(stream.donors));
  }
  if (options.wanted("snapshot")) {
    fmt::print("snapshot:             save {:.2f} s, restore {:.2f} s, {:.0f} MiB ({:.0f} bytes per donation){}\n",
               m.snapshot.save_s, m.snapshot.restore_s, m.snapshot.mib,
               m.snapshot.mib * 1024.0 * 1024.0 / static_cast<double>(stream.donations),
               m.snapshot.same ? "" : "  RESTORED ENGINE DIFFERS");
  }
  fmt::print("peak RSS: {} MiB before the replay, {} MiB at the end\n", m.peak_before_replay_mib, status_mib("VmHWM:"));
}

}  // namespace

int main(int argc, char** argv) try {
  const auto options = parse_arguments(std::vector<std::string>(argv + 1, argv + argc), argv[0]);
  if (!options) return 2;
  const auto directory = std::filesystem::temp_directory_path() / fmt::format("matchfund-bench-replay-{}", options->seed);
  std::filesystem::create_directories(directory);
  const generated_stream stream = generate_stream(*options, directory);
  const matchfund::rule_set rules = matchfund::load_rules(stream.rules_file);

  measured m;
  auto start = clock_type::now();
  const std::vector<matchfund::event> events = matchfund::load_events(rules, stream.files, [](matchfund::rejected_event&&) {});
  m.load_s = seconds_since(start);
  m.events = events.size();
  time_phases(*options, rules, events, stream.donors, m);
  if (options->wanted("snapshot")) m.snapshot = time_snapshot(rules, events, directory);
  m.peak_before_replay_mib = status_mib("VmHWM:");

  start = clock_type::now();
  if (options->wanted("replay")) m.report = matchfund::replay(rules, stream.files, directory / "out", matchfund::replay_options{});
  m.replay_s = seconds_since(start);

  print_figures(*options, stream, m);
  std::filesystem::remove_all(directory);
  return 0;
} catch (const std::exception& failure) {
  fmt::print(stderr, "{}\n", failure.what());
  return 1;
}
