// Calibrated synthetic campaigns for benchmarks and planners: a rules file, its projects and a
// donation stream, written deterministically from a seed (integer-only sampling) and fast.
//
//   national-2021   a whole 99公益日 2021: 68.7 million donations over 10 days (matching on 3),
//                   20 million donors with heavy-tailed repeat giving, 10,000 projects in 2,300
//                   organizations with heavy-tailed popularity, Tencent-style rules (three
//                   daily tranches at 10:00, probability and random ratio, 999 per person per
//                   day shared with the 小红花 bonus, one match per donor per project per day,
//                   20 enterprise funds tied to project subsets, an unrestricted close-out by
//                   donors).
//   chongqing-2021  the Chongqing charity federation's 2021 campaign at its published size:
//                   530 projects, about 5.03亿 raised and 8,813万 matched (seed 2021 gives
//                   5.02亿 and 8,552万: a likelier, larger random match than the national one,
//                   for the federation's own 配套, and a 5,000 yuan personal cap).
//
// A smaller `donations` count scales donors and every budget with it, so that pools run out at
// about the same moments as in the full-size campaign.
#ifndef MATCHFUND_WORKLOAD_HPP
#define MATCHFUND_WORKLOAD_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace matchfund {

enum class workload_kind : std::uint8_t { national_2021, chongqing_2021 };

// "national-2021" or "chongqing-2021"; nullopt for anything else.
std::optional<workload_kind> workload_from_string(std::string_view name);

struct workload_options {
  workload_kind kind = workload_kind::national_2021;
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

// Writes rules.yaml, projects.csv and events.csv into `directory` (created when missing).
// Throws error when a file cannot be written.
workload_summary generate_workload(const workload_options& options, const std::filesystem::path& directory);

}  // namespace matchfund

#endif
