// Reports: one self-contained HTML page (inline SVG and CSS, no script, nothing fetched) of a
// replay's outputs, for an auditor, or of a simulation's, for a planner. Amounts are read in the
// campaign's money ("8,813万", "$7.00M") and times in its offset (docs/report.md).
//
//   matchfund::rule_set rules = matchfund::load_rules_of_replay("out");   // summary.json's rules
//   matchfund::write_replay_report("out", rules, "out/report.html");
//   matchfund::write_simulation_report("sim", "sim/report.html");
//
// Every problem of an input is a matchfund::error naming the file, and for a CSV file its line
// and column: "out/ledger.csv:12: column amount: invalid money ...".
#ifndef MATCHFUND_REPORT_HPP
#define MATCHFUND_REPORT_HPP

#include <filesystem>
#include <optional>
#include <string>

#include "matchfund/error.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

// The rules of the replay whose outputs are in `replay_dir`: `rules_file` when given, else the
// file summary.json names ("rules"."file", relative to the current directory). Throws
// rules_error when it does not load, and error "DIR/summary.json: the rules file X does not
// match the rules of the run (sha256 ...)" when its SHA-256 is not the one summary.json records.
[[nodiscard]] rule_set load_rules_of_replay(const std::filesystem::path& replay_dir,
                                            const std::optional<std::filesystem::path>& rules_file = std::nullopt);

// The report of one replay: key numbers, each fund's available amount over the campaign
// (rebuilt from the releases and ledger.csv), match by project, outcomes and close-out payouts.
// `rules` must be the run's (checked as load_rules_of_replay checks).
[[nodiscard]] std::string replay_report_html(const std::filesystem::path& replay_dir, const rule_set& rules);

// replay_report_html written to `html_file` (under a temporary name, renamed into place).
void write_replay_report(const std::filesystem::path& replay_dir, const rule_set& rules,
                         const std::filesystem::path& html_file);

// The report of a simulation's output folder (simulation.json, runs.csv, funds.csv,
// projects.csv, curves.csv: docs/report.md): the chance each fund runs out and when, fan charts
// of what is available, the spread of match over projects, and the sweep when there is one.
[[nodiscard]] std::string simulation_report_html(const std::filesystem::path& simulation_dir);

void write_simulation_report(const std::filesystem::path& simulation_dir, const std::filesystem::path& html_file);

}  // namespace matchfund

#endif
