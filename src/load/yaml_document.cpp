#include "load/yaml_document.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <array>
#include <map>

#include "matchfund/detail/decimal_text.hpp"
#include "matchfund/value.hpp"
#include "support/text.hpp"
#include "support/utf8.hpp"

namespace matchfund::detail {

void diagnostics_sink::note_file(const std::string& file) {
  if (std::find(files_.begin(), files_.end(), file) == files_.end()) files_.push_back(file);
}

void diagnostics_sink::add(const std::string& file, source_position at, std::string path,
                           std::string message, diagnostic_code code) {
  auto found = std::find(files_.begin(), files_.end(), file);
  const auto rank = static_cast<std::size_t>(found - files_.begin());
  if (found == files_.end()) files_.push_back(file);
  entries_.emplace_back(rank, diagnostic{file, at.line, at.column, std::move(path), std::move(message),
                                         code});
}

std::vector<diagnostic> diagnostics_sink::sorted() const {
  auto entries = entries_;
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second.line != b.second.line) return a.second.line < b.second.line;
    return a.second.column < b.second.column;
  });
  // A problem of the text itself (a YAML 1.1 spelling, a tag, a type conflict) explains whatever
  // else is found at the same place: report only the cause.
  const auto is_cause = [](const diagnostic& d) {
    return d.code == diagnostic_code::yaml11_boolean || d.code == diagnostic_code::yaml11_number ||
           d.code == diagnostic_code::yaml_tag || d.code == diagnostic_code::attribute_type_conflict;
  };
  std::vector<diagnostic> result;
  result.reserve(entries.size());
  for (auto& entry : entries) {
    const diagnostic& d = entry.second;
    const bool explained = std::any_of(result.begin(), result.end(), [&](const diagnostic& earlier) {
      return earlier.file == d.file && earlier.line == d.line && earlier.column == d.column &&
             (earlier == d || (is_cause(earlier) && !is_cause(d)));
    });
    if (!explained) result.push_back(std::move(entry.second));
  }
  return result;
}

std::string join_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

std::string index_path(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

namespace {

constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_yaml11_boolean(std::string_view text) {
  for (std::string_view word : {"yes", "no", "on", "off", "y", "n"}) {
    if (equals_ignoring_case(text, word)) return true;
  }
  return false;
}

// (Messages only: nothing here computes a number; the words name YAML's own types.)
// Why a plain scalar would be a number in YAML 1.1 (or a float in YAML 1.2) that the rules
// format does not accept; empty when it is fine.
std::string yaml11_number_problem(std::string_view text) {
  std::string_view body = text;
  const bool signed_text = !body.empty() && (body.front() == '-' || body.front() == '+');
  if (signed_text) body.remove_prefix(1);
  if (body.empty()) return {};
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (body.size() > 1 && body[0] == '0' &&
      (body[1] == 'x' || body[1] == 'X' || body[1] == 'o' || body[1] == 'O' || body[1] == 'b' || body[1] == 'B')) {
    return quoted + " is a hexadecimal, octal or binary number in YAML; write it in decimal, or quote it";
  }
  if (is_ascii_digit(body[0])) {
    if (body.size() > 1 && body[0] == '0' && all_digits(body)) {
      return quoted + " has a leading zero (an octal number in YAML 1.1); remove the zero, or quote it";
    }
    const bool digits_and_underscores = body.find_first_not_of("0123456789_") == std::string_view::npos;
    if (digits_and_underscores && body.find('_') != std::string_view::npos) {
      return quoted + " uses digit separators (a number in YAML 1.1); remove them, or quote it";
    }
    // Sexagesimal: digits followed by one or more :[0-5]?[0-9] groups (YAML 1.1 reads 09:00 as 540).
    std::size_t i = 0;
    while (i < body.size() && is_ascii_digit(body[i])) ++i;
    bool sexagesimal = i < body.size() && body[i] == ':';
    while (sexagesimal && i < body.size()) {
      if (body[i] != ':') { sexagesimal = false; break; }
      ++i;
      const std::size_t group_start = i;
      while (i < body.size() && is_ascii_digit(body[i])) ++i;
      const std::size_t group = i - group_start;
      if (group == 0 || group > 2 || (group == 2 && body[group_start] > '5')) sexagesimal = false;
    }
    if (sexagesimal) {
      return quoted + " is a sexagesimal number in YAML 1.1; quote it (\"" + std::string(text) + "\")";
    }
  }
  if (signed_text && text.front() == '+' && is_ascii_digit(body[0])) {
    return quoted + " has a plus sign (a number in YAML); remove it, or quote it";
  }
  // Floats matchfund's decimal grammar lacks: exponents, bare points, infinities, NaN.
  for (std::string_view special : {".inf", ".nan"}) {
    if (equals_ignoring_case(body, special)) {
      return quoted + " is a special float in YAML; quote it";
    }
  }
  const bool float_chars = body.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
  const bool has_digit = body.find_first_of("0123456789") != std::string_view::npos;
  if (float_chars && has_digit && (is_ascii_digit(body[0]) || body[0] == '.')) {
    const bool exponent = body.find_first_of("eE") != std::string_view::npos;
    const bool bare_point = body.front() == '.' || body.back() == '.';
    if ((exponent || bare_point) && !split_decimal(body)) {
      return quoted + " is a float in YAML; write plain decimal digits, or quote it";
    }
  }
  return {};
}

// Counts documents and finds aliases; ignores everything else.
struct structure_scan final : YAML::EventHandler {
  int documents = 0;
  YAML::Mark second_document;
  std::vector<YAML::Mark> aliases;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_document = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { aliases.push_back(mark); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp quotes offending characters raw; show control characters as \xNN.
std::string printable(const std::string& text) {
  std::string result;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      constexpr char hex[] = "0123456789ABCDEF";
      result += "\\x";
      result += hex[byte >> 4];
      result += hex[byte & 0xF];
    } else {
      result += c;
    }
  }
  return result;
}

}  // namespace

yaml_document::yaml_document(std::string_view text, std::string file_name, diagnostics_sink& sink)
    : text_(text), file_(std::move(file_name)), sink_(&sink) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
  if (auto bad = find_invalid_utf8(text_)) {
    // yaml-cpp would read on; refuse the file at the first bad byte instead.
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), *bad) - line_starts_.begin() - 1;
    YAML::Mark mark;
    mark.line = static_cast<int>(line);
    mark.column = static_cast<int>(*bad - line_starts_[static_cast<std::size_t>(line)]);
    report(position_of(mark), "", text_[*bad] == '\0' ? "the file contains a NUL byte" : "the file is not valid UTF-8",
           diagnostic_code::bad_encoding);
    return;
  }
  if (text_.starts_with("\xFF\xFE") || text_.starts_with("\xFE\xFF")) {
    report(source_position{1, 1}, "", "the file is UTF-16; save it as UTF-8", diagnostic_code::bad_encoding);
    return;
  }
  // A first pass over the event stream, before any node graph exists: aliases can make cycles
  // and exponential expansions, and yaml-cpp's LoadAll can produce endless empty documents.
  structure_scan scan;
  try {
    std::istringstream stream(text_);
    YAML::Parser parser(stream);
    while (scan.documents < 2 && parser.HandleNextDocument(scan)) {
    }
  } catch (const YAML::DeepRecursion& e) {
    report(position_of(e.mark), "", "invalid YAML: nested more deeply than the parser allows",
           diagnostic_code::yaml_syntax);
    return;
  } catch (const YAML::Exception& e) {
    report(position_of(e.mark), "", "invalid YAML: " + printable(e.msg), diagnostic_code::yaml_syntax);
    return;
  }
  if (scan.documents > 1) {
    report(position_of(scan.second_document), "", "the file holds more than one YAML document",
           diagnostic_code::multiple_documents);
    return;
  }
  if (!scan.aliases.empty()) {
    const std::size_t more = scan.aliases.size() - 1;
    report(position_of(scan.aliases.front()), "",
           "YAML aliases (*name) are not supported; write the value out" +
               (more == 0 ? std::string() : " (" + std::to_string(more) + " more in the file)"),
           diagnostic_code::yaml_alias);
    return;
  }
  try {
    root_ = YAML::Load(text_);
  } catch (const YAML::Exception& e) {
    report(position_of(e.mark), "", "invalid YAML: " + printable(e.msg), diagnostic_code::yaml_syntax);
    return;
  }
  parsed_ = true;
  check_strictness(root_, "");
}

source_position yaml_document::position_of(const YAML::Mark& mark) const {
  if (mark.line < 0 || mark.column < 0) return {};
  const auto line = static_cast<std::size_t>(mark.line);
  if (line >= line_starts_.size()) return {static_cast<std::uint32_t>(line + 1), static_cast<std::uint32_t>(mark.column + 1)};
  const std::size_t start = line_starts_[line];
  const std::size_t end = std::min(text_.size(), start + static_cast<std::size_t>(mark.column));
  std::uint32_t characters = 0;
  for (std::size_t i = start; i < end; ++i) {
    // Count every byte that does not continue a UTF-8 sequence.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++characters;
  }
  return {static_cast<std::uint32_t>(line + 1), characters + 1};
}

void yaml_document::check_plain_scalar(const YAML::Node& node, const std::string& path) {
  const std::string& text = node.Scalar();
  if (is_yaml11_boolean(text)) {
    report(node, path,
           "\"" + text + "\" is a boolean in YAML 1.1; write true or false, or quote it if it is text",
           diagnostic_code::yaml11_boolean);
    return;
  }
  if (auto problem = yaml11_number_problem(text); !problem.empty()) {
    report(node, path, std::move(problem), diagnostic_code::yaml11_number);
  }
}

void yaml_document::check_strictness(const YAML::Node& node, const std::string& path) {
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!") {
    // yaml-cpp expands !!str to its full name; show it as written.
    constexpr std::string_view core_prefix = "tag:yaml.org,2002:";
    const std::string shown = tag.starts_with(core_prefix) ? "!!" + tag.substr(core_prefix.size()) : tag;
    report(node, path, "explicit YAML tags such as \"" + shown + "\" are not allowed", diagnostic_code::yaml_tag);
  }
  if (node.IsScalar()) {
    if (tag == "?") check_plain_scalar(node, path);
    return;
  }
  if (node.IsSequence()) {
    std::size_t index = 0;
    for (const auto& element : node) check_strictness(element, index_path(path, index++));
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, source_position> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      report(key, path, "mapping keys must be plain text, not " + describe_node(key), diagnostic_code::bad_key);
      continue;
    }
    const std::string child_path = join_path(path, key.Scalar());
    if (key.Tag() == "?") check_plain_scalar(key, child_path);
    const auto at = position_of(key);
    if (auto [first, inserted] = seen.emplace(key.Scalar(), at); !inserted) {
      report(at, child_path,
             "duplicate key \"" + key.Scalar() + "\" (first at line " + std::to_string(first->second.line) + ")",
             diagnostic_code::duplicate_key);
    }
    check_strictness(entry.second, child_path);
  }
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "\"" + node.Scalar() + "\"";
    default: return "nothing (null)";
  }
}

located_node locate_root(const yaml_document& document) {
  return {&document, document.root(), "", document.position_of(document.root())};
}

std::vector<located_node> located_node::elements() const {
  std::vector<located_node> result;
  if (!node.IsSequence()) return result;
  std::size_t index = 0;
  for (const auto& element : node) {
    const bool has_position = element.Mark().line >= 0 && !element.IsNull();
    result.push_back({document, element, index_path(path, index), has_position ? document->position_of(element) : at});
    ++index;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

map_reader::map_reader(const located_node& map) : map_(map) {
  valid_ = map.node.IsMap();
  if (!valid_) map.report("expected a mapping, got " + describe_node(map.node), diagnostic_code::wrong_type);
}

bool map_reader::has(std::string_view key) const {
  if (!valid_) return false;
  for (const auto& entry : map_.node) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return true;
  }
  return false;
}

std::optional<located_node> map_reader::optional(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  if (!valid_) return std::nullopt;
  for (const auto& entry : map_.node) {
    if (!entry.first.IsScalar() || entry.first.Scalar() != key) continue;
    // A null value has no position of its own in yaml-cpp: blame the key.
    const YAML::Node& value = entry.second;
    const auto at = value.IsNull() ? map_.document->position_of(entry.first) : map_.document->position_of(value);
    return located_node{map_.document, value, join_path(map_.path, key), at};
  }
  return std::nullopt;
}

std::optional<located_node> map_reader::required(std::string_view key) {
  auto value = optional(key);
  if (!value && valid_) missing_.emplace_back(key);
  return value;
}

map_reader::~map_reader() {
  if (!finished_) finish();
}

void map_reader::allow(std::initializer_list<std::string_view> keys) {
  for (auto key : keys) known_.emplace_back(key);
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void map_reader::finish() {
  if (finished_ || !valid_) return;
  finished_ = true;
  std::vector<std::string> explained;  // missing keys an unknown key is a misspelling of
  for (const auto& entry : map_.node) {
    if (!entry.first.IsScalar()) continue;  // reported by the strictness pass
    const std::string& key = entry.first.Scalar();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string message = "unknown key \"" + key + "\"";
    if (key == "<<") {
      message += ": YAML merge keys are not supported; write the keys out";
    } else {
      std::string_view closest;
      // Suggest only near misses, and never a word that shares nothing with a short key.
      std::size_t best = std::min<std::size_t>(3, key.size());
      for (const auto& candidate : known_) {
        const std::size_t distance = edit_distance(key, candidate);
        if (distance < best) {
          best = distance;
          closest = candidate;
        }
      }
      if (!closest.empty()) {
        message += " (did you mean \"" + std::string(closest) + "\"?)";
        explained.emplace_back(closest);
      }
    }
    map_.document->report(entry.first, join_path(map_.path, key), std::move(message), diagnostic_code::unknown_key);
  }
  for (const auto& key : missing_) {
    if (std::find(explained.begin(), explained.end(), key) != explained.end()) continue;
    map_.report("missing required key \"" + key + "\"", diagnostic_code::missing_key);
  }
}

std::vector<std::pair<located_node, located_node>> map_reader::entries() {
  std::vector<std::pair<located_node, located_node>> result;
  if (!valid_) return result;
  for (const auto& entry : map_.node) {
    if (!entry.first.IsScalar()) continue;
    known_.push_back(entry.first.Scalar());
    const std::string path = join_path(map_.path, entry.first.Scalar());
    const auto key_at = map_.document->position_of(entry.first);
    const auto value_at = entry.second.IsNull() ? key_at : map_.document->position_of(entry.second);
    result.emplace_back(located_node{map_.document, entry.first, path, key_at},
                        located_node{map_.document, entry.second, path, value_at});
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

std::optional<std::string> read_scalar_text(const located_node& at, std::string_view expected) {
  if (!at.node.IsScalar()) {
    at.report("expected " + std::string(expected) + ", got " + describe_node(at.node), diagnostic_code::wrong_type);
    return std::nullopt;
  }
  return at.node.Scalar();
}

std::optional<std::string> read_string(const located_node& at) {
  auto text = read_scalar_text(at, "a string");
  if (text && is_boolean_text(*text)) {
    at.report("expected a string, got the boolean " + *text + " (quote it if it is text)", diagnostic_code::wrong_type);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> read_id(const located_node& at) {
  auto text = read_string(at);
  if (!text) return std::nullopt;
  if (text->empty()) {
    at.report("an id must not be empty", diagnostic_code::bad_id);
    return std::nullopt;
  }
  if (has_control_character(*text)) {
    at.report("an id must not contain control characters", diagnostic_code::bad_id);
    return std::nullopt;
  }
  return text;
}

std::optional<bool> read_bool(const located_node& at) {
  auto text = read_scalar_text(at, "true or false");
  if (!text) return std::nullopt;
  if (!is_boolean_text(*text)) {
    at.report("expected true or false, got \"" + *text + "\"", diagnostic_code::wrong_type);
    return std::nullopt;
  }
  return boolean_text_value(*text);
}

std::optional<std::int64_t> read_integer(const located_node& at, std::int64_t min, std::int64_t max) {
  auto text = read_scalar_text(at, "an integer");
  if (!text) return std::nullopt;
  const auto parts = split_decimal(*text);
  int128 value = 0;
  const bool leading_zero = parts && parts->integer_digits.size() > 1 && parts->integer_digits[0] == '0';
  if (!parts || !parts->fraction_digits.empty() || leading_zero) {
    at.report("expected an integer, got \"" + *text + "\"", diagnostic_code::bad_integer);
    return std::nullopt;
  }
  const int128 limit = int128{1} << 63;
  if (scale_decimal(*parts, 0, limit, value) != scale_status::ok || value < min || value > max) {
    at.report("integer " + *text + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")",
              diagnostic_code::bad_integer);
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

namespace {

template <class T, class Parse>
std::optional<T> read_parsed(const located_node& at, std::string_view expected, diagnostic_code code, Parse parse) {
  auto text = read_scalar_text(at, expected);
  if (!text) return std::nullopt;
  auto parsed = parse(*text);
  if (!parsed) {
    at.report(parsed.error(), code);
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace

std::optional<money> read_money(const located_node& at, minor_digits_t digits) {
  auto amount = read_parsed<money>(at, "an amount", diagnostic_code::bad_money,
                                   [digits](std::string_view text) { return parse_money(text, digits); });
  if (amount && amount->is_negative()) {
    at.report("amount " + format_money(*amount, digits) + " must not be negative", diagnostic_code::negative_money);
    return std::nullopt;
  }
  return amount;
}

std::optional<ratio> read_ratio(const located_node& at) {
  return read_parsed<ratio>(at, "a ratio",
                            diagnostic_code::bad_ratio, [](std::string_view text) { return parse_ratio(text); });
}

std::optional<probability> read_probability(const located_node& at) {
  return read_parsed<probability>(at, "a probability", diagnostic_code::bad_probability,
                                  [](std::string_view text) { return parse_probability(text); });
}

std::optional<timestamp> read_time(const located_node& at) {
  return read_parsed<timestamp>(at, "an RFC 3339 time", diagnostic_code::bad_time,
                                [](std::string_view text) { return parse_rfc3339(text); });
}

std::optional<local_date> read_date(const located_node& at) {
  return read_parsed<local_date>(at, "a date", diagnostic_code::bad_date,
                                 [](std::string_view text) { return parse_local_date(text); });
}

std::optional<local_clock> read_clock(const located_node& at) {
  return read_parsed<local_clock>(at, "a clock time", diagnostic_code::bad_clock,
                                  [](std::string_view text) { return parse_local_clock(text); });
}

std::optional<clock_range> read_clock_range(const located_node& at) {
  return read_parsed<clock_range>(at, "a clock range", diagnostic_code::bad_clock,
                                  [](std::string_view text) { return parse_clock_range(text); });
}

std::optional<duration> read_duration(const located_node& at) {
  return read_parsed<duration>(at, "a duration", diagnostic_code::bad_duration,
                               [](std::string_view text) { return parse_duration(text); });
}

std::optional<utc_offset> read_utc_offset(const located_node& at) {
  return read_parsed<utc_offset>(at, "a UTC offset", diagnostic_code::bad_timezone,
                                 [](std::string_view text) { return parse_utc_offset(text); });
}

std::optional<month_day> read_month_day(const located_node& at) {
  return read_parsed<month_day>(at, "a month and day", diagnostic_code::bad_year_start,
                                [](std::string_view text) { return parse_month_day(text); });
}

std::optional<std::vector<located_node>> read_list(const located_node& at) {
  if (!at.node.IsSequence()) {
    at.report("expected a list, got " + describe_node(at.node), diagnostic_code::wrong_type);
    return std::nullopt;
  }
  return at.elements();
}

}  // namespace matchfund::detail
