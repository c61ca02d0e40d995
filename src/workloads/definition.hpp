// What each workload (workload.hpp) provides: how to write its files, and, for one that models a
// campaign with published outcomes, how to measure them from a replay (history.hpp). One file per
// campaign family in src/workloads/; catalogue.cpp lists them.
#ifndef MATCHFUND_SRC_WORKLOADS_DEFINITION_HPP
#define MATCHFUND_SRC_WORKLOADS_DEFINITION_HPP

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "matchfund/history.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/workload.hpp"
#include "write/output_files.hpp"

namespace matchfund::calibrated {

struct generated_counts {
  std::uint64_t donors = 0;
  std::uint64_t projects = 0;
  std::uint64_t organizations = 0;
};

// A replay of a generated workload, for measuring.
struct measured_run {
  const rule_set& rules;
  const replay_report& report;            // funds' totals and exhaustion times
  std::filesystem::path output_directory;  // ledger.csv, projects.csv, funds.csv, outcomes.csv
  std::filesystem::path input_directory;   // rules.yaml, projects.csv, events.csv
  std::uint64_t donations;                 // generated
  std::uint64_t full_donations;            // the published size (a scaled run scales back by full / donations)
};

struct definition {
  workload_info info;
  // The size generate() is called with by reproduce_history (0: the full size).
  std::uint64_t history_donations = 0;
  // Writes rules.yaml, projects.csv and events.csv (exactly `donations` donations) with `files`.
  generated_counts (*generate)(std::uint64_t donations, std::uint64_t seed, detail::output_set& files) = nullptr;
  // The published outcomes against the run's; nullptr for a workload without any.
  std::vector<history_figure> (*measure)(const measured_run& run) = nullptr;
};

// Every workload, in the order workloads() lists them.
std::span<const definition* const> all_definitions();

// The workload called `name`, or nullptr.
const definition* find_definition(std::string_view name);

}  // namespace matchfund::calibrated

#endif
