// Published outcomes of past campaigns against what the engine computes for their calibrated
// workloads (workload.hpp): each workload is generated, replayed, and the figures the campaign is
// known for (a pool's exhaustion time, the match a group of projects won, a pro-rata rate) are
// measured from the replay's outputs. Published figures here are only compared with, never fed
// in. docs/history.md lists every input of every workload with its source.
//
//   for (const auto& figure : matchfund::reproduce_history("tencent-2017", {}))
//     std::cout << figure.outcome << ": " << figure.reproduced << "\n";
#ifndef MATCHFUND_HISTORY_HPP
#define MATCHFUND_HISTORY_HPP

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace matchfund {

struct history_figure {
  std::string workload;    // "tencent-2017"
  std::string outcome;     // "day-1 Tencent pool gone"
  std::string published;   // "near noon"
  std::string reproduced;  // "11:52:07", measured from the replay
  std::string tolerance;   // "11:00–13:00"
  bool within = false;     // reproduced inside the tolerance
};

struct history_options {
  std::uint64_t seed = 1;
  // Where the workload and the replay's outputs are written (removed afterwards); empty: a new
  // directory under the system's temporary directory.
  std::filesystem::path scratch_directory;
};

// The figures of workload `name` (none for a workload without published outcomes). Generates the
// workload at the size its figures need (docs/history.md says which, and how a scaled run is
// scaled back), replays it and measures. Throws error for an unknown name.
std::vector<history_figure> reproduce_history(std::string_view name, const history_options& options);

// A Markdown table of `figures`: workload, outcome, published, reproduced, tolerance, within.
std::string history_table(std::span<const history_figure> figures);

}  // namespace matchfund

#endif
