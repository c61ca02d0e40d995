// What the replay report reads from an output folder of `matchfund replay` (SPEC §8):
// summary.json, funds.csv, projects.csv, and ledger.csv line by line.
#ifndef MATCHFUND_SRC_REPORT_REPLAY_INPUTS_HPP
#define MATCHFUND_SRC_REPORT_REPLAY_INPUTS_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "report/depletion.hpp"

namespace matchfund::reporting {

struct replay_summary {
  std::string version;
  std::string rules_file;
  std::string rules_sha256;
  std::uint64_t events_read = 0;
  std::uint64_t events_processed = 0;
  std::uint64_t events_rejected = 0;
  std::uint64_t donations = 0;
  std::optional<std::uint64_t> holds;
  std::vector<std::pair<std::string, std::uint64_t>> outcomes;  // as the file lists them
  std::string raised;  // money text, parsed once the minor digits are known
  std::string matched;
  std::string closeout;
  std::vector<std::pair<std::string, bool>> invariants;
};

// Throws error "DIR/summary.json: ..." when it is missing or malformed.
replay_summary read_replay_summary(const std::filesystem::path& replay_dir);

// Throws error "DIR/summary.json: the rules file X does not match the rules of the run (sha256
// ...)" unless `rules` were loaded from the file whose SHA-256 the summary records.
void check_rules_of_run(const std::filesystem::path& replay_dir, const replay_summary& summary,
                        const rule_set& rules);

struct fund_row {
  std::string id;
  money budget, released, drawn, returned, forfeited, expired, closeout, unallocated, available_end;
  std::optional<timestamp> exhausted_at;
};

struct project_row {
  std::string id;
  std::string organization;
  std::uint64_t donations = 0;
  std::uint64_t donors = 0;
  money raised, refunded, matched, closeout, total;
};

struct closeout_payout {
  std::string step;
  std::string project;
  std::string fund;  // empty: the step's outside money
  money amount;
};

struct replay_outputs {
  replay_summary summary;
  money raised, matched, closeout;
  std::vector<fund_row> funds;        // funds.csv order
  std::vector<project_row> projects;  // projects.csv order
  std::vector<fund_depletion> depletion;  // rules order
  std::vector<closeout_payout> closeout_payouts;  // ledger order
  std::uint64_t ledger_lines = 0;
  std::optional<timestamp> last_ledger_time;
};

// Everything, checked: the rules must be those of the run (check_rules_of_run).
replay_outputs read_replay_outputs(const std::filesystem::path& replay_dir, const rule_set& rules);

}  // namespace matchfund::reporting

#endif
