// Property: random events written as CSV and as JSON Lines read back as generated, in both
// formats, with the same rejections; field texts (embedded tests) give the same verdicts. The
// generator draws each event, and at times one defect in it, from one seeded stream.
#include "matchfund/read_events.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <unistd.h>

#include "read_events_test_support.hpp"
#include "write/csv_writer.hpp"

namespace fs = std::filesystem;
using matchfund::bad_event_reason;
using matchfund::event;
using matchfund::event_kind;
using matchfund::money;
using matchfund::project_index;
using matchfund::refund_disposition;
using matchfund::rejected_event;
using matchfund::revoke_scope;
using matchfund::timestamp;
using matchfund::value;
using matchfund::testing::read_events_test::first_time;
using matchfund::testing::read_events_test::flowers;
using matchfund::testing::read_events_test::outcome;
using matchfund::testing::read_events_test::pledge;
using matchfund::testing::read_events_test::read_file;
using matchfund::testing::read_events_test::slot_count;
using matchfund::testing::read_events_test::source;
using matchfund::testing::read_events_test::test_rules;

namespace {

class generator {
 public:
  explicit generator(std::uint64_t seed) : random_(seed) {}

  std::uint64_t below(std::uint64_t n) { return random_() % n; }
  bool chance(std::uint64_t percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& options) { return options[below(options.size())]; }

  // Text for ids: commas, quotes, backslashes, braces, non-ASCII (up to 4-byte) characters.
  std::string id_text() {
    static const std::vector<std::string> pieces = {"a", "b", "Z", "0", "9", " ", ",", "\"", "\\", "/", "'",
                                                    "金", "额", "😀", "é", "-", "_", "{", "}", ":", "\x7E"};
    std::string text;
    for (std::uint64_t n = 1 + below(6); n > 0; --n) text += pick(pieces);
    return text;
  }
  // Free text (channels, string attributes): line breaks and tabs too.
  std::string free_text() {
    static const std::vector<std::string> extra = {"\n", "\r\n", "\t", "12", "true"};
    std::string text = chance(30) ? pick(extra) : "";
    for (std::uint64_t n = below(4); n > 0; --n) text += chance(25) ? pick(extra) : id_text();
    return text;
  }

 private:
  std::mt19937_64 random_;
};

struct generated_event {
  std::vector<std::pair<std::string, std::string>> fields;  // present fields only
  std::variant<event, std::string> expected;                // the event, or the rejection reason
};

void set_field(generated_event& g, const std::string& name, std::string text) {
  for (auto& [key, existing] : g.fields) {
    if (key == name) {
      existing = std::move(text);
      return;
    }
  }
  g.fields.emplace_back(name, std::move(text));
}

void erase_field(generated_event& g, const std::string& name) {
  std::erase_if(g.fields, [&](const auto& field) { return field.first == name; });
}

std::string money_text(generator& random, std::int64_t minor_units) {
  const bool negative = minor_units < 0;
  const std::int64_t magnitude = negative ? -minor_units : minor_units;
  std::string text;
  if (magnitude % 1'000'000 == 0 && random.chance(30)) {
    text = std::to_string(magnitude / 1'000'000) + "万";
  } else if (magnitude % 100 == 0 && random.chance(50)) {
    text = std::to_string(magnitude / 100);
  } else {
    text = matchfund::format_money(money::from_minor(magnitude), 2);
    if (random.chance(20)) text += "0";
  }
  return negative ? "-" + text : text;
}

std::int64_t random_minor(generator& random) {
  switch (random.below(4)) {
    case 0: return static_cast<std::int64_t>(1 + random.below(1000));
    case 1: return static_cast<std::int64_t>(1 + random.below(1'000'000'000'000'000));
    case 2: return static_cast<std::int64_t>(1 + random.below(1000)) * 1'000'000;
    default: return static_cast<std::int64_t>(1 + random.below(100'000)) * 100;
  }
}

// Drawing one event. Every step draws from `random` in a fixed order, so that a seed always gives
// the same events: g collects the fields as they will be written, e the event they stand for.

// A field a kind does not read, holding anything.
std::string junk_text(generator& random) { return random.chance(50) ? random.id_text() : std::string("junk"); }

// Each named field, 30% of the time, with junk: the reader must leave it unread.
void add_unread_fields(generator& random, generated_event& g, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (random.chance(30)) set_field(g, name, junk_text(random));
  }
}

// A donation's kind may be left out or written empty (donation is the default); the other kinds
// are always written.
void draw_kind(generator& random, generated_event& g, event& e) {
  e.kind = static_cast<event_kind>(random.below(7));
  if (e.kind == event_kind::donation) {
    if (random.chance(50)) set_field(g, "kind", random.chance(50) ? "donation" : "");
  } else {
    set_field(g, "kind", std::string(matchfund::to_string(e.kind)));
  }
}

void draw_id(generator& random, generated_event& g, event& e) {
  e.id = random.id_text();
  set_field(g, "id", e.id);
}

// As epoch milliseconds half the time, else in RFC 3339 with an offset from -14:00 to +14:00.
void draw_time(generator& random, generated_event& g, event& e) {
  const auto epoch_ms = static_cast<std::int64_t>(random.below(4'000'000'000'000));
  e.time = timestamp::from_epoch_ms(epoch_ms);
  if (random.chance(50)) {
    set_field(g, "time", std::to_string(epoch_ms));
  } else {
    const auto offset = matchfund::utc_offset::from_minutes(static_cast<std::int32_t>(random.below(57)) * 30 - 840);
    set_field(g, "time", matchfund::format_rfc3339(e.time, offset));
  }
}

// One of the rule set's projects; returns its id.
const std::string& draw_project(generator& random, const std::vector<std::string>& project_ids, event& e) {
  const auto p = random.below(project_ids.size());
  e.project = static_cast<project_index>(p);
  return project_ids[p];
}

void draw_amount(generator& random, generated_event& g, event& e) {
  e.amount = money::from_minor(random_minor(random));
  set_field(g, "amount", money_text(random, e.amount->minor_units()));
}

void draw_disposition(generator& random, generated_event& g, event& e) {
  e.disposition = random.chance(50) ? refund_disposition::give_back : refund_disposition::forfeit;
  set_field(g, "disposition", e.disposition == refund_disposition::forfeit ? "forfeit" : "return");
}

// Each attribute of rules.yaml half the time, in every spelling its type takes.
void draw_donation_attributes(generator& random, generated_event& g, event& e) {
  e.attributes.resize(slot_count);
  if (random.chance(50)) {
    const std::string text = random.pick(std::vector<std::string>{"true", "True", "TRUE", "false", "False", "FALSE"});
    e.attributes[first_time] = value{text.front() == 't' || text.front() == 'T'};
    set_field(g, "attr.first_time", text);
  }
  if (random.chance(50)) {
    const auto count = static_cast<std::int64_t>(random.below(2'000'000'000'000'000)) - 1'000'000'000'000'000;
    e.attributes[flowers] = value{count};
    set_field(g, "attr.flowers", std::to_string(count));
  }
  if (random.chance(50)) {
    const auto amount = money::from_minor(static_cast<std::int64_t>(random.below(2'000'000'000'000)) - 1'000'000'000'000);
    e.attributes[pledge] = value{amount};
    set_field(g, "attr.pledge", money_text(random, amount.minor_units()));
  }
  if (random.chance(50)) {
    const std::string text = random.free_text();
    if (!text.empty()) {
      e.attributes[source] = value{text};
      set_field(g, "attr.source", text);
    }
  }
}

void draw_donation(generator& random, const std::vector<std::string>& project_ids, generated_event& g, event& e) {
  e.donor = random.id_text();
  set_field(g, "donor", e.donor);
  set_field(g, "project", draw_project(random, project_ids, e));
  draw_amount(random, g, e);
  if (random.chance(50)) {
    e.channel = random.free_text();
    set_field(g, "channel", e.channel);
  }
  draw_donation_attributes(random, g, e);
  add_unread_fields(random, g, {"attr.unused", "ref", "scope", "disposition"});
}

void draw_refund(generator& random, generated_event& g, event& e) {
  e.ref = random.id_text();
  set_field(g, "ref", e.ref);
  if (random.chance(50)) draw_amount(random, g, e);
  if (random.chance(50)) draw_disposition(random, g, e);
  add_unread_fields(random, g, {"donor", "project", "channel", "scope", "attr.flowers"});
}

// A revocation of a project names one of the rule set's; of a donor or a donation, anything.
void draw_revocation(generator& random, const std::vector<std::string>& project_ids, generated_event& g, event& e) {
  e.scope = static_cast<revoke_scope>(random.below(3));
  if (e.scope == revoke_scope::project) {
    e.ref = draw_project(random, project_ids, e);
  } else {
    e.ref = random.id_text();
  }
  set_field(g, "ref", e.ref);
  set_field(g, "scope", std::string(matchfund::to_string(*e.scope)));
  if (random.chance(50)) draw_disposition(random, g, e);
  add_unread_fields(random, g, {"donor", "project", "amount", "channel", "attr.pledge"});
}

// A confirm or cancel names its hold; an amount, if given, is read but not kept.
void draw_hold_resolution(generator& random, generated_event& g, event& e) {
  e.ref = random.id_text();
  set_field(g, "ref", e.ref);
  if (random.chance(30)) set_field(g, "amount", random.pick(std::vector<std::string>{"0", "-2.5", "12.30", "1万"}));
  add_unread_fields(random, g, {"donor", "project", "channel", "scope", "disposition", "attr.flowers"});
}

// A defect: what to break ("field" leaves the field out, "field=text" writes text in it) and the
// reason SPEC gives for it.
using defect_list = std::vector<std::pair<std::string, std::string>>;

// The defects an event of e's kind can have: first its kind's own, then those of every kind.
defect_list defects_of(const event& e) {
  defect_list defects;
  switch (e.kind) {
    case event_kind::donation:
    case event_kind::hold:
      defects = {{"donor", "missing:donor"},   {"project", "missing:project"},   {"project=P1", "unknown_project"},
                 {"amount", "missing:amount"}, {"amount=0.001", "bad_field:amount"}, {"amount=0", "non_positive_amount"},
                 {"amount=-3", "non_positive_amount"}, {"attr.flowers=1.5", "bad_field:attr.flowers"},
                 {"attr.pledge=1.234", "bad_field:attr.pledge"}, {"attr.first_time=yes", "bad_field:attr.first_time"}};
      break;
    case event_kind::refund:
      defects = {{"ref", "missing:ref"}, {"amount=-1", "non_positive_amount"}, {"amount=x", "bad_field:amount"},
                 {"disposition=keep", "bad_field:disposition"}};
      break;
    case event_kind::revoke:
      defects = {{"ref", "missing:ref"}, {"scope", "missing:scope"}, {"scope=all", "bad_field:scope"},
                 {"disposition=Return", "bad_field:disposition"}};
      if (e.scope == revoke_scope::project) defects.emplace_back("ref=nope", "unknown_project");
      break;
    case event_kind::confirm:
    case event_kind::cancel: defects = {{"ref", "missing:ref"}, {"amount=x", "bad_field:amount"}}; break;
    case event_kind::close: break;
  }
  defects.insert(defects.end(), {{"kind=Close", "bad_field:kind"}, {"id", "missing:id"}, {"id=a\x01", "bad_field:id"},
                                 {"time", "missing:time"}, {"time=2021-13-01T00:00:00Z", "bad_field:time"},
                                 {"time=12.5", "bad_field:time"}});
  return defects;
}

// Breaks one field of g as a defect drawn from `defects` says; returns the reason it gives.
std::string break_one_field(generator& random, const defect_list& defects, generated_event& g) {
  const auto& [what, reason] = random.pick(defects);
  const auto equals = what.find('=');
  if (equals == std::string::npos) {
    erase_field(g, what);
  } else {
    set_field(g, what.substr(0, equals), what.substr(equals + 1));
  }
  return reason;
}

// An event of a random kind with random fields; 30% of the time with one defect, which the
// reader must reject with the defect's reason.
generated_event generate_event(generator& random, const std::vector<std::string>& project_ids) {
  generated_event g;
  event e;
  draw_kind(random, g, e);
  draw_id(random, g, e);
  draw_time(random, g, e);
  switch (e.kind) {
    case event_kind::donation:
    case event_kind::hold: draw_donation(random, project_ids, g, e); break;
    case event_kind::refund: draw_refund(random, g, e); break;
    case event_kind::revoke: draw_revocation(random, project_ids, g, e); break;
    case event_kind::confirm:
    case event_kind::cancel: draw_hold_resolution(random, g, e); break;
    case event_kind::close:
      add_unread_fields(random, g,
                        {"donor", "project", "amount", "ref", "scope", "disposition", "channel", "attr.first_time"});
      break;
  }
  if (random.chance(30)) {
    g.expected = break_one_field(random, defects_of(e), g);
  } else {
    g.expected = std::move(e);
  }
  return g;
}

bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  if (i == text.size()) return false;
  if (text[i] == '0') {
    ++i;
  } else if (text[i] >= '1' && text[i] <= '9') {
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    const std::size_t first = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == first) return false;
  }
  return i == text.size();
}

// The code point of the UTF-8 sequence at text[i], advancing i past it.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[k])); };
  const std::uint32_t lead = byte(i);
  if (lead < 0x80) return byte(i++);
  const std::size_t size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  std::uint32_t code_point = lead & (0xFFu >> (size + 1));
  for (std::size_t k = 1; k < size; ++k) code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
  i += size;
  return code_point;
}

std::string hex4(std::uint32_t unit, bool upper) {
  const std::string_view digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text = "\\u";
  for (const std::uint32_t shift : {12u, 8u, 4u, 0u}) text += digits[(unit >> shift) & 0xFu];
  return text;
}

std::string json_string(generator& random, std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const std::uint32_t c = next_code_point(text, i);
    const bool escape_anyway = random.chance(15);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n' && !escape_anyway) {
      out += "\\n";
    } else if (c == '\t' && !escape_anyway) {
      out += "\\t";
    } else if (c == '/' && escape_anyway) {
      out += "\\/";
    } else if (c < 0x20 || escape_anyway) {
      if (c >= 0x10000) {
        out += hex4(0xD800 + ((c - 0x10000) >> 10), random.chance(50));
        out += hex4(0xDC00 + ((c - 0x10000) & 0x3FF), random.chance(50));
      } else {
        out += hex4(c, random.chance(50));
      }
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out + "\"";
}

std::string json_value(generator& random, std::string_view text) {
  if ((is_json_number(text) || text == "true" || text == "false") && random.chance(60)) return std::string(text);
  return json_string(random, text);
}

const std::vector<std::string> csv_columns = {"kind", "id", "time", "donor", "project", "amount", "ref", "scope",
                                              "disposition", "channel", "attr.first_time", "attr.flowers",
                                              "attr.pledge", "attr.source", "attr.unused"};

std::string field_text(const generated_event& g, const std::string& name) {
  for (const auto& [key, text] : g.fields) {
    if (key == name) return text;
  }
  return {};
}

// Writes the events as CSV; returns the line each record starts on.
std::vector<std::uint64_t> write_csv(generator& random, const std::vector<generated_event>& events, std::string& out) {
  std::vector<std::string> columns = csv_columns;
  for (std::size_t i = columns.size(); i > 1; --i) std::swap(columns[i - 1], columns[random.below(i)]);
  const std::string line_break = random.chance(50) ? "\r\n" : "\n";
  if (random.chance(30)) out += "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i == 0 ? "" : ",") + columns[i];
  out += line_break;
  std::vector<std::uint64_t> lines;
  std::uint64_t line = 2;
  for (std::size_t e = 0; e < events.size(); ++e) {
    lines.push_back(line);
    std::string record;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) record += ',';
      const std::string text = field_text(events[e], columns[i]);
      if (random.chance(20)) {
        record += '"';
        for (char c : text) record += c == '"' ? std::string("\"\"") : std::string(1, c);
        record += '"';
      } else {
        matchfund::detail::csv_append_field(record, text);
      }
    }
    line += static_cast<std::uint64_t>(std::count(record.begin(), record.end(), '\n')) + 1;
    out += record;
    if (e + 1 < events.size() || random.chance(50)) out += line_break;
  }
  return lines;
}

std::string write_json_lines(generator& random, const std::vector<generated_event>& events) {
  std::string out;
  if (random.chance(30)) out += "\xEF\xBB\xBF";
  for (const auto& g : events) {
    std::vector<std::pair<std::string, std::string>> members;  // key, JSON value
    std::vector<std::pair<std::string, std::string>> attr_members;
    for (const auto& [name, text] : g.fields) {
      const std::string written = text.empty() && random.chance(50) ? "null" : json_value(random, text);
      if (name.starts_with("attr.")) {
        attr_members.emplace_back(name.substr(5), written);
      } else {
        members.emplace_back(name, written);
      }
    }
    if (random.chance(20)) members.emplace_back(random.pick(std::vector<std::string>{"channel", "ref"}), "null");
    if (!attr_members.empty() || random.chance(20)) {
      for (std::size_t i = attr_members.size(); i > 1; --i) std::swap(attr_members[i - 1], attr_members[random.below(i)]);
      std::string object = "{";
      for (std::size_t i = 0; i < attr_members.size(); ++i) {
        object += (i == 0 ? "" : ",") + json_string(random, attr_members[i].first) + ":" + attr_members[i].second;
      }
      members.emplace_back("attr", object + "}");
    }
    // A null member may duplicate a present one; drop such a null.
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& member : members) {
      const bool seen = std::any_of(unique.begin(), unique.end(), [&](const auto& u) { return u.first == member.first; });
      if (!seen) unique.push_back(std::move(member));
    }
    for (std::size_t i = unique.size(); i > 1; --i) std::swap(unique[i - 1], unique[random.below(i)]);
    const std::string space = random.chance(30) ? " " : "";
    out += space + "{";
    for (std::size_t i = 0; i < unique.size(); ++i) {
      out += (i == 0 ? "" : "," + space) + json_string(random, unique[i].first) + space + ":" + space + unique[i].second;
    }
    out += "}" + space + (random.chance(20) ? "\r\n" : "\n");
  }
  return out;
}

// The expected rejection, written in the defect tables as SPEC spells it.
bad_event_reason spelled_reason(const generated_event& g) {
  const auto reason = matchfund::parse_bad_event_reason(std::get<std::string>(g.expected));
  REQUIRE(reason.has_value());
  return *reason;
}

std::vector<outcome> expected_outcomes(const std::vector<generated_event>& events, const std::vector<std::uint64_t>& lines,
                                       const std::string& file, std::uint32_t file_index) {
  std::vector<outcome> outcomes;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (const auto* e = std::get_if<event>(&events[i].expected)) {
      event copy = *e;
      copy.line = lines[i];
      copy.file_index = file_index;
      outcomes.emplace_back(std::move(copy));
    } else {
      outcomes.emplace_back(rejected_event{file, lines[i], field_text(events[i], "id"), spelled_reason(events[i])});
    }
  }
  return outcomes;
}

// A directory for this process's files, removed at the end.
class scratch_directory {
 public:
  scratch_directory() : path_(fs::temp_directory_path() / ("matchfund-read-events-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~scratch_directory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("read_events: random events read back as written, in CSV and in JSON Lines", "[read_events][property]") {
  const scratch_directory directory;
  std::vector<std::string> project_ids;
  for (const auto& p : test_rules().projects()) project_ids.push_back(p.id);
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    INFO("seed " << seed);
    generator random(seed);
    std::vector<generated_event> events;
    for (std::uint64_t n = random.below(150); n > 0; --n) events.push_back(generate_event(random, project_ids));

    std::string csv_text;
    const auto csv_lines = write_csv(random, events, csv_text);
    const fs::path csv_file = directory.write("events-" + std::to_string(seed) + ".csv", csv_text);
    CHECK(read_file(csv_file, 0) == expected_outcomes(events, csv_lines, csv_file.string(), 0));

    const std::string json_text = write_json_lines(random, events);
    const fs::path json_file = directory.write("events-" + std::to_string(seed) + ".jsonl", json_text);
    std::vector<std::uint64_t> json_lines(events.size());
    for (std::size_t i = 0; i < json_lines.size(); ++i) json_lines[i] = i + 1;
    CHECK(read_file(json_file, 1) == expected_outcomes(events, json_lines, json_file.string(), 1));

    // The embedded-test path gives the same verdicts.
    for (const auto& g : events) {
      const auto made = matchfund::event_from_fields(test_rules(), g.fields);
      if (const auto* e = std::get_if<event>(&g.expected)) {
        CHECK(made == std::variant<event, bad_event_reason>{*e});
      } else {
        CHECK(made == std::variant<event, bad_event_reason>{spelled_reason(g)});
      }
    }
  }
}
