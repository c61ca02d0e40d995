// Replaying a campaign into tables held in memory, for a host that wants data rather than files
// (the Python module's matchfund.replay): the same processing order, refusals, decisions, close
// and invariants as replay() (replay.hpp), whose files hold the same values written as text.
//
//   std::vector<matchfund::event_source> sources = {{"events.csv", "events.csv"}};
//   matchfund::replay_tables tables = matchfund::replay_to_tables(rules, sources, {});
//   tables.ledger.amount[0];   // minor units of the first ledger line
#ifndef MATCHFUND_REPLAY_TABLES_HPP
#define MATCHFUND_REPLAY_TABLES_HPP

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/event.hpp"
#include "matchfund/hold.hpp"
#include "matchfund/invariant.hpp"
#include "matchfund/outcome.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

// Strings back to back, one per row: row i is chars[offsets[i], offsets[i + 1]). Rows of a
// million ids cost one block of text instead of a million strings.
class text_column {
 public:
  void push_back(std::string_view text) {
    chars_.append(text);
    offsets_.push_back(chars_.size());
  }
  [[nodiscard]] std::size_t size() const noexcept { return offsets_.size() - 1; }
  [[nodiscard]] std::string_view operator[](std::size_t row) const noexcept {
    return std::string_view(chars_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  void reserve(std::size_t rows, std::size_t chars) {
    offsets_.reserve(rows + 1);
    chars_.reserve(chars);
  }

 private:
  std::string chars_;
  std::vector<std::size_t> offsets_{0};
};

// ledger.csv as columns (SPEC §8). An index column holds -1 where the file's cell is empty.
struct ledger_table {
  std::vector<std::uint64_t> seq;
  std::vector<std::int64_t> time_ms;  // epoch milliseconds
  std::vector<ledger_kind> kind;
  text_column event_id, donation_id, donor, limited_by;
  std::vector<std::int32_t> project;  // project index
  // The `rule` column: a rule's index, or a close-out step s as rules().size() + s.
  std::vector<std::int32_t> rule;
  std::vector<std::int32_t> fund;
  std::vector<std::int64_t> amount;       // minor units; negative for reversals
  std::vector<std::int8_t> disposition;   // refund_disposition of a reversal
  // The event a line's event_id names, where known: (source position << 40) + its line (a file's
  // line, a table's row); -1 for lines of the close and of events not given.
  std::vector<std::int64_t> source_row;

  // Room for about `lines` lines with ids of about `id_bytes` each: a table grown by doubling
  // moves every column each time.
  void reserve(std::size_t lines, std::size_t id_bytes);
};

// outcomes.csv as columns: one row per donation (or hold) and rule.
struct outcome_table {
  text_column event_id;
  std::vector<std::int32_t> rule;  // rule index
  std::vector<outcome> code;
  std::vector<std::int64_t> want, paid;  // minor units
  text_column limited_by;                // the cap or fund of cap_reached and partial
};

struct project_row {
  project_index project{};
  project_totals totals;
};

struct fund_row {
  fund_index fund{};
  fund_totals totals;
};

// A row of holds.csv (SPEC §12), owning its texts.
struct hold_row {
  std::string id;
  timestamp time;
  std::string donor;
  project_index project{};
  money amount, held;
  hold_status status = hold_status::open;
  std::optional<timestamp> resolved_at;
  std::string resolved_by;
};

// The tables of an engine as it stands (as a replay's at its end): projects, funds and holds by
// id in byte order, and ledger lines appended to `ledger`.
[[nodiscard]] std::vector<project_row> project_rows(const engine& matcher);
[[nodiscard]] std::vector<fund_row> fund_rows(const engine& matcher);
[[nodiscard]] std::vector<hold_row> hold_rows(const engine& matcher);
// `cause`: the event just processed, whose source row the lines it made are given (source_row).
void append_ledger_lines(ledger_table& ledger, std::span<const ledger_line> lines, const rule_set& rules,
                         const event* cause = nullptr);
void append_outcome(outcome_table& outcomes, std::string_view event_id, const rule_evaluation& evaluation);

struct replay_table_options {
  bool trace = true;     // fill `outcomes`
  bool lenient = false;  // bad events go to `rejected` instead of stopping the run
};

struct replay_tables {
  std::uint64_t events_read = 0, events_processed = 0, events_rejected = 0, donations = 0, holds_accepted = 0;
  std::array<std::uint64_t, outcome_code_count> outcome_counts{};  // by position(outcome)
  ledger_table ledger;
  outcome_table outcomes;
  std::vector<project_row> projects;  // by project id in byte order, as projects.csv
  std::vector<fund_row> funds;        // by fund id in byte order, as funds.csv
  std::vector<hold_row> holds;        // by hold id in byte order, as holds.csv
  std::vector<rejected_event> rejected;  // lenient: as rejected.csv orders them
  std::vector<invariant_result> invariants;
};

// Replays the events of `sources` (read_events.hpp; a table may be read twice), read in the order
// given: repeated ids refused, sorted stably by
// time, processed, closed. Events whose times never decrease are matched as they are read,
// without holding them; at the first that goes back in time, the sources are read again, every
// event loaded and sorted first (order_events). The tables are the same either way. Throws what
// reading throws (event_file_error), bad_event_error in strict mode (the first bad event ranked
// as replay() ranks them: a field that does not read, then a repeated id, then a refusal) and
// invariant_error when an invariant does not hold.
[[nodiscard]] replay_tables replay_to_tables(const rule_set& rules, std::span<const event_source> sources,
                                             const replay_table_options& options);

}  // namespace matchfund

#endif
