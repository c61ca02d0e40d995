// Strict YAML for rules files: yaml-cpp parses, this layer refuses what yaml-cpp lets through
// silently (duplicate keys, YAML 1.1 booleans and numbers, explicit tags, several documents)
// and reads typed scalars from their text, reporting each problem as a diagnostic with its
// file, line, column (in characters) and document path.
#ifndef MATCHFUND_SRC_YAML_DOCUMENT_HPP
#define MATCHFUND_SRC_YAML_DOCUMENT_HPP

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/cap_period.hpp"
#include "matchfund/diagnostic.hpp"
#include "matchfund/money.hpp"
#include "matchfund/probability.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"

namespace matchfund::detail {

// Collects diagnostics from every file a load touches and hands them out in a stable order.
class diagnostics_sink {
 public:
  void add(const std::string& file, source_position at, std::string path, std::string message,
           diagnostic_code code);
  // Puts `file` next in the order of files, if it has not been named yet.
  void note_file(const std::string& file);
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  // Files in the order they were first named, then line, column, and order of discovery.
  [[nodiscard]] std::vector<diagnostic> sorted() const;

 private:
  std::vector<std::string> files_;
  std::vector<std::pair<std::size_t, diagnostic>> entries_;  // (file rank, diagnostic)
};

// "campaign" + "start" -> "campaign.start"; "" + "rules" -> "rules".
std::string join_path(std::string_view path, std::string_view key);
// "rules" + 2 -> "rules[2]".
std::string index_path(std::string_view path, std::size_t index);

// One YAML document and its source, for positions in characters.
class yaml_document {
 public:
  // Parses `text`; on failure reports yaml_syntax / multiple_documents and root() is null.
  yaml_document(std::string_view text, std::string file_name, diagnostics_sink& sink);

  [[nodiscard]] const YAML::Node& root() const noexcept { return root_; }
  [[nodiscard]] bool parsed() const noexcept { return parsed_; }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] diagnostics_sink& sink() const noexcept { return *sink_; }

  // 1-based line and character column of a node (yaml-cpp counts bytes from 0).
  [[nodiscard]] source_position position_of(const YAML::Mark& mark) const;
  [[nodiscard]] source_position position_of(const YAML::Node& node) const { return position_of(node.Mark()); }

  void report(source_position at, std::string path, std::string message, diagnostic_code code) const {
    sink_->add(file_, at, std::move(path), std::move(message), code);
  }
  void report(const YAML::Node& node, std::string path, std::string message, diagnostic_code code) const {
    report(position_of(node), std::move(path), std::move(message), code);
  }

 private:
  void check_strictness(const YAML::Node& node, const std::string& path);
  void check_plain_scalar(const YAML::Node& node, const std::string& path);

  std::string text_;
  std::vector<std::size_t> line_starts_;
  std::string file_;
  diagnostics_sink* sink_;
  YAML::Node root_;
  bool parsed_ = false;
};

// Where a node sits, for reading it: the document, the node, its path, and the position to
// blame when the node is a null without a position of its own (yaml-cpp gives none).
struct located_node {
  const yaml_document* document = nullptr;
  YAML::Node node;
  std::string path;
  source_position at;

  void report(std::string message, diagnostic_code code) const {
    document->report(at, path, std::move(message), code);
  }
  [[nodiscard]] bool is_map() const { return node.IsMap(); }
  [[nodiscard]] bool is_list() const { return node.IsSequence(); }
  [[nodiscard]] bool is_scalar() const { return node.IsScalar(); }
  // The elements of a list, located.
  [[nodiscard]] std::vector<located_node> elements() const;
};

located_node locate_root(const yaml_document& document);

// "a mapping", "a list", "a scalar", "null": what a node is, for messages.
std::string describe_node(const YAML::Node& node);

// Reads a mapping key by key and reports the keys nobody asked for.
class map_reader {
 public:
  // Reports wrong_type unless the node is a mapping; a reader over a non-mapping is empty.
  explicit map_reader(const located_node& map);

  [[nodiscard]] bool valid() const noexcept { return valid_; }
  [[nodiscard]] const located_node& self() const noexcept { return map_; }
  [[nodiscard]] bool has(std::string_view key) const;
  // The value at `key`; marks the key as known.
  [[nodiscard]] std::optional<located_node> optional(std::string_view key);
  // As optional(), and reports missing_key when absent.
  [[nodiscard]] std::optional<located_node> required(std::string_view key);
  // Marks keys as known without reading them.
  void allow(std::initializer_list<std::string_view> keys);
  // Reports unknown_key for every key not asked for, and the required keys that were missing
  // unless a misspelt key explains them; call once all keys were read.
  void finish();
  ~map_reader();
  map_reader(const map_reader&) = delete;
  map_reader& operator=(const map_reader&) = delete;
  // Every entry (key text, value), for mappings whose keys are names (attr, expect); every key
  // counts as known.
  [[nodiscard]] std::vector<std::pair<located_node, located_node>> entries();

 private:
  located_node map_;
  bool valid_ = false;
  std::vector<std::string> known_;
  std::vector<std::string> missing_;  // required keys not found, reported by finish()
  bool finished_ = false;
};

// Typed scalar readers. Each reports its problem (wrong_type, bad_money, ...) at the node and
// returns nullopt. Text is always taken from the scalar, never through a float.
std::optional<std::string> read_scalar_text(const located_node& at, std::string_view expected);
std::optional<std::string> read_string(const located_node& at);
std::optional<std::string> read_id(const located_node& at);
std::optional<bool> read_bool(const located_node& at);
std::optional<std::int64_t> read_integer(const located_node& at, std::int64_t min, std::int64_t max);
std::optional<money> read_money(const located_node& at, minor_digits_t digits);  // non-negative
std::optional<ratio> read_ratio(const located_node& at);
std::optional<probability> read_probability(const located_node& at);
std::optional<timestamp> read_time(const located_node& at);
std::optional<local_date> read_date(const located_node& at);
std::optional<local_clock> read_clock(const located_node& at);
std::optional<clock_range> read_clock_range(const located_node& at);
std::optional<utc_offset> read_utc_offset(const located_node& at);
std::optional<duration> read_duration(const located_node& at);  // s, m or h (SPEC §12)
std::optional<month_day> read_month_day(const located_node& at);
std::optional<std::vector<located_node>> read_list(const located_node& at);

// One of a fixed set of words (a spelling table such as rounding_spellings); reports bad_choice
// listing them.
template <class T>
std::optional<T> read_choice(const located_node& at, std::span<const std::pair<std::string_view, T>> choices) {
  auto text = read_scalar_text(at, "a string");
  if (!text) return std::nullopt;
  std::string expected;
  std::size_t i = 0;
  for (const auto& [name, value] : choices) {
    if (*text == name) return value;
    expected += (i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", ")) + std::string(name);
    ++i;
  }
  at.report("invalid value \"" + *text + "\" (expected " + expected + ")", diagnostic_code::bad_choice);
  return std::nullopt;
}

template <class T>
std::optional<T> read_choice(const located_node& at, std::initializer_list<std::pair<std::string_view, T>> choices) {
  return read_choice(at, std::span<const std::pair<std::string_view, T>>(choices.begin(), choices.size()));
}

}  // namespace matchfund::detail

#endif
