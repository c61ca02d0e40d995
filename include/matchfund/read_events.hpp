// Reading event files (SPEC §3.2, §3.3): CSV or JSON Lines, every field checked against a rule
// set, in file order. A bad event (a field that does not parse, a missing field, an unknown
// project, a non-positive amount) is handed back as a rejected_event with its SPEC reason code;
// a file that cannot be read as a whole (unreadable, invalid UTF-8, CSV or JSON syntax, an
// unknown column or key, a record with the wrong number of fields) throws event_file_error.
//
//   matchfund::read_event_file(rules, "donations.csv", 0,
//       [&](matchfund::event&& e) { events.push_back(std::move(e)); },
//       [&](matchfund::rejected_event&& r) { std::cerr << r.file << ':' << r.line << ' ' << to_string(r.reason) << '\n'; });
//
// Checks that need other events (duplicate ids, unknown donations, a second close, time order)
// and attributes a condition needs are the engine's: an event read here is well formed, not
// necessarily acceptable.
#ifndef MATCHFUND_READ_EVENTS_HPP
#define MATCHFUND_READ_EVENTS_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "matchfund/bad_event.hpp"
#include "matchfund/error.hpp"
#include "matchfund/event.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

// A bad event (SPEC §3.3). Reading gives the reasons bad_field:NAME (NAME a field such as
// `amount` or `attr.flowers`), missing:NAME, unknown_project and non_positive_amount; a replay
// adds the engine's. A time outside the years 0000 to 9999 in the campaign's offset
// (writable_in_offset) is bad_field:time.
struct rejected_event {
  std::string file;    // the file's path as given
  std::uint64_t line;  // the line its record starts on
  std::string id;      // as written; empty when it has none
  bad_event_reason reason;

  friend bool operator==(const rejected_event&, const rejected_event&) = default;
};

// A file that cannot be read as a whole. what() is "FILE:LINE:COLUMN: MESSAGE", or "FILE: MESSAGE"
// when the problem has no place in the text (the file cannot be opened). LINE counts physical
// lines from 1; COLUMN counts characters (not bytes) from 1.
class event_file_error : public error {
 public:
  event_file_error(std::string file, std::uint64_t line, std::uint64_t column, std::string message);

  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] std::uint64_t line() const noexcept { return line_; }      // 0: no place
  [[nodiscard]] std::uint64_t column() const noexcept { return column_; }  // 0: no place
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  std::uint64_t line_;
  std::uint64_t column_;
  std::string message_;
};

enum class event_format : std::uint8_t { csv, json_lines };

// JSON Lines for names ending in .jsonl, .ndjson or .json (in any letter case), else CSV.
[[nodiscard]] event_format event_format_of(const std::filesystem::path& file);

using event_handler = std::function<void(event&&)>;
using rejected_event_handler = std::function<void(rejected_event&&)>;

// Reads every event of `file` in file order (memory-mapped where the system allows), calling
// `on_event` for each good one and `on_rejected` for each bad one. Events carry `file_index`.
// Throws event_file_error at the first file-level problem; events before it have been handed
// over by then.
void read_event_file(const rule_set& rules, const std::filesystem::path& file, std::uint32_t file_index,
                     const event_handler& on_event, const rejected_event_handler& on_rejected);

// The same for several files, in the order given; file_index is the position in `files`.
void read_event_files(const rule_set& rules, std::span<const std::filesystem::path> files,
                      const event_handler& on_event, const rejected_event_handler& on_rejected);

// The same for text already in memory. `file_name` names it in rejections and errors.
void read_event_text(const rule_set& rules, std::string_view text, event_format format, const std::string& file_name,
                     std::uint32_t file_index, const event_handler& on_event,
                     const rejected_event_handler& on_rejected);

// Events held in memory as a table (a pandas DataFrame, a database result) rather than a
// file: named columns, as an event file's header names them (the fields and attr.NAME), and the
// text of each cell as that file would hold it (empty: absent).
class event_table {
 public:
  virtual ~event_table() = default;
  [[nodiscard]] virtual std::size_t rows() const = 0;
  [[nodiscard]] virtual std::span<const std::string> columns() const = 0;
  // The text of cell (column, row); it may view a buffer of the table valid until the next call.
  // Throws event_file_error for a cell that cannot be written as text (e.g. a fraction).
  [[nodiscard]] virtual std::string_view cell(std::size_t column, std::size_t row) = 0;
};

// Reads every row of `table` in order, with the same checks as a file. An event's `line` and a
// rejection's is the row's position from 0 (df.iloc). Throws event_file_error naming
// `table_name`, line 0 and the column's position from 1, for an unknown column or one given
// twice.
void read_event_table(const rule_set& rules, event_table& table, const std::string& table_name,
                      std::uint32_t file_index, const event_handler& on_event, const rejected_event_handler& on_rejected);

// Where events are read from: a file (CSV or JSON Lines), or a table held in memory, named
// `name` in rejections (a file's rejections name it as read_event_file does).
struct event_source {
  std::string name;
  std::filesystem::path file;      // read when `table` is null
  event_table* table = nullptr;
};

// Reads every source in the order given; file_index is the position in `sources`.
void read_event_sources(const rule_set& rules, std::span<const event_source> sources, const event_handler& on_event,
                        const rejected_event_handler& on_rejected);

// One event from field texts, as an embedded test gives them (SPEC §3.4): names "kind", "id",
// "time", "donor", "project", "amount", "ref", "scope", "disposition", "channel" and
// "attr.NAME"; an empty text is an absent field. The same checks as in a file. Returns the
// event (file_index and line 0) or the rejection reason. Throws std::invalid_argument for a
// name outside that list or given twice.
[[nodiscard]] std::variant<event, bad_event_reason> event_from_fields(
    const rule_set& rules, std::span<const std::pair<std::string, std::string>> fields);

}  // namespace matchfund

#endif
