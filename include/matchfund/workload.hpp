// Calibrated synthetic campaigns for benchmarks, planners and history: a rules file, its projects
// and a donation stream, written deterministically from a seed (integer-only sampling) and fast.
//
// Each workload models one published campaign. Its inputs (volumes, donors, projects, amounts,
// timing, pools) come from published figures or are stated as assumed in docs/history.md; what
// the campaign is known for (when a pool ran out, how much was matched) is left for the engine to
// compute from them (history.hpp compares the two). `workloads()` lists them all; among them:
//
//   national-2021   a whole 99公益日 2021: 68.7 million donations over 10 days (matching on 3),
//                   Tencent-style rules (three daily tranches at 10:00, probability and random
//                   ratio, 999 per person per day shared with the 小红花 bonus, one match per
//                   donor per project per day, enterprise funds tied to project subsets, an
//                   unrestricted close-out by donors).
//   chongqing-2021  the Chongqing charity federation's projects as a slice of that national
//                   campaign: its donors win their match from the pool the whole country drains.
//
// A smaller `donations` count scales donors and every budget with it, so that pools run out at
// about the same moments as in the full-size campaign.
#ifndef MATCHFUND_WORKLOAD_HPP
#define MATCHFUND_WORKLOAD_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace matchfund {

struct workload_info {
  std::string_view name;     // "tencent-2017"
  std::string_view summary;  // one line: what campaign it models
  std::uint64_t donations;   // its published (full) size
};

// Every workload, in a fixed order.
std::span<const workload_info> workloads();

// The workload called `name`, or nullptr.
const workload_info* find_workload(std::string_view name);

struct workload_options {
  std::string name = "national-2021";
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> donations;  // default: the campaign's published size
};

struct workload_summary {
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
  std::uint64_t projects = 0;
  std::uint64_t organizations = 0;
  std::filesystem::path rules_file;   // DIRECTORY/rules.yaml (projects in DIRECTORY/projects.csv)
  std::filesystem::path events_file;  // DIRECTORY/events.csv
};

// Writes rules.yaml, projects.csv and events.csv into `directory` (created when missing), all
// three or none. Throws error for an unknown name, no donations, or a file that cannot be written.
workload_summary generate_workload(const workload_options& options, const std::filesystem::path& directory);

}  // namespace matchfund

#endif
