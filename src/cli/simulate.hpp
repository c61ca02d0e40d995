// `matchfund simulate RULES (--demand DEMAND.yaml | --from-events EVENTS... [--scale X]
// [--volume-sd X] [--gift-sd X]) --runs N --seed S --out DIR [--threads T] [--set KEY=VALUE]...
// [--sweep KEY=FROM:TO:STEP]`: Monte Carlo runs of a campaign under a demand model or a resampled
// recorded stream, their tables and the HTML report.
#ifndef MATCHFUND_CLI_SIMULATE_HPP
#define MATCHFUND_CLI_SIMULATE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace matchfund::cli {

struct simulate_arguments {
  std::vector<std::string> rules_files;  // exactly one is valid
  std::optional<std::string> demand_file;
  // Or a recorded stream to resample (--from-events), with --scale, --volume-sd and --gift-sd.
  std::vector<std::string> event_files;
  std::optional<std::string> scale, volume_sd, gift_sd;
  std::optional<std::uint64_t> runs;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> out_dir;
  unsigned threads = 1;
  std::vector<std::string> overrides;  // --set KEY=VALUE, in the order given
  std::optional<std::string> sweep;    // --sweep KEY=FROM:TO:STEP or KEY=V1,V2,...
};

// Runs the simulation, writes its tables and report.html to the output folder, prints a short
// summary to standard output and a progress bar to standard error; returns the exit status (0; 2
// for bad rules, demand or usage, with the problem printed to standard error; 3 for a broken
// invariant).
int simulate_command(const simulate_arguments& arguments);

}  // namespace matchfund::cli

#endif
