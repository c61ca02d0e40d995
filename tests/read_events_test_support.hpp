// What the read_events tests share: the rule set of tests/data/events, reads that collect
// everything handed over, the events of good.csv and good.jsonl, and the (line, id, reason)
// verdicts the rejection tables are written in.
#ifndef MATCHFUND_TESTS_READ_EVENTS_TEST_SUPPORT_HPP
#define MATCHFUND_TESTS_READ_EVENTS_TEST_SUPPORT_HPP

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "bad_event_text.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"

// A namespace of its own: other test headers have a read_file() and an at() of their own.
namespace matchfund::testing::read_events_test {

inline const std::filesystem::path data_dir = std::filesystem::path(MATCHFUND_TEST_DATA_DIR) / "events";

inline const rule_set& test_rules() {
  static const rule_set rules = load_rules(data_dir / "rules.yaml");
  return rules;
}

inline bad_event_reason bad_field(std::string name) { return {bad_event_code::bad_field, std::move(name)}; }
inline bad_event_reason missing(std::string name) { return {bad_event_code::missing, std::move(name)}; }

// Everything a read hands over, in order.
using outcome = std::variant<event, rejected_event>;

inline std::vector<outcome> read_file(const std::filesystem::path& file, std::uint32_t file_index = 0) {
  std::vector<outcome> outcomes;
  read_event_file(
      test_rules(), file, file_index, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
      [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
  return outcomes;
}

inline std::vector<outcome> read_text(std::string_view text, event_format format, const std::string& name = "f") {
  // An exactly sized heap copy, so that a sanitizer build catches any read past the end.
  const std::unique_ptr<char[]> copy(new char[text.size() + (text.empty() ? 1 : 0)]);
  std::copy(text.begin(), text.end(), copy.get());
  std::vector<outcome> outcomes;
  read_event_text(
      test_rules(), {copy.get(), text.size()}, format, name, 0, [&](event&& e) { outcomes.emplace_back(std::move(e)); },
      [&](rejected_event&& r) { outcomes.emplace_back(std::move(r)); });
  return outcomes;
}

// The file-level error reading `text` gives, as what() says it; empty when there is none.
inline std::string file_error(std::string_view text, event_format format) {
  const std::string name = format == event_format::csv ? "f.csv" : "f.jsonl";
  try {
    read_text(text, format, name);
  } catch (const event_file_error& e) {
    return e.what();
  }
  return {};
}

inline timestamp at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }
inline money minor(std::int64_t units) { return money::from_minor(units); }
inline project_index project(std::uint32_t i) { return static_cast<project_index>(i); }

// The donation attribute slots of rules.yaml, in name order.
enum slot : std::size_t { first_time, flowers, pledge, source, slot_count };

inline attribute_values attributes(std::optional<bool> is_first, std::optional<std::int64_t> flower_count,
                                   std::optional<money> pledged, std::optional<std::string> from) {
  attribute_values values(slot_count);
  if (is_first) values[first_time] = value{*is_first};
  if (flower_count) values[flowers] = value{*flower_count};
  if (pledged) values[pledge] = value{*pledged};
  if (from) values[source] = value{*from};
  return values;
}

inline std::vector<outcome> without_places(std::vector<outcome> outcomes) {
  for (auto& o : outcomes) {
    if (auto* e = std::get_if<event>(&o)) {
      e->line = 0;
      e->file_index = 0;
    } else {
      auto& r = std::get<rejected_event>(o);
      r.line = 0;
      r.file.clear();
    }
  }
  return outcomes;
}

// The events of good.csv and good.jsonl, lines aside.
inline std::vector<outcome> good_events() {
  return {
      event{.id = "d1", .donor = "alice", .channel = "app",
            .attributes = attributes(true, 39, minor(1250), "web, mobile"),
            .time = at("2021-09-07T10:00:00+08:00"), .amount = minor(10000), .project = project(0),
            .kind = event_kind::donation},
      event{.id = "d2", .donor = "bob \"the builder\"", .attributes = attributes({}, {}, {}, {}),
            .time = timestamp::from_epoch_ms(1630980000000), .amount = minor(1), .project = project(2),
            .kind = event_kind::donation},
      event{.id = "d3", .donor = "carol", .channel = "mini\r\nprogram",
            .attributes = attributes(false, 0, minor(300), "line one\nline two"),
            .time = at("2021-09-07T10:00:00.250Z"), .amount = minor(29'999'000'000), .project = project(1),
            .kind = event_kind::donation},
      event{.id = "r1", .ref = "d1", .time = at("2021-09-08T09:00:00+08:00"), .amount = minor(500),
            .kind = event_kind::refund, .disposition = refund_disposition::forfeit},
      event{.id = "r2", .ref = "d2", .time = at("2021-09-08T09:30:00+08:00"), .kind = event_kind::refund},
      event{.id = "v1", .ref = "alice", .time = at("2021-09-08T10:00:00+08:00"), .kind = event_kind::revoke,
            .scope = revoke_scope::donor, .disposition = refund_disposition::give_back},
      event{.id = "v2", .ref = "项目三", .time = at("2021-09-08T10:00:00+08:00"), .project = project(2),
            .kind = event_kind::revoke, .scope = revoke_scope::project},
      event{.id = "c1", .time = at("2021-09-10T00:00:00+08:00"), .kind = event_kind::close},
  };
}

inline std::vector<std::uint64_t> lines_of(const std::vector<outcome>& outcomes) {
  std::vector<std::uint64_t> lines;
  for (const auto& o : outcomes) {
    lines.push_back(std::holds_alternative<event>(o) ? std::get<event>(o).line : std::get<rejected_event>(o).line);
  }
  return lines;
}

// (line, id, reason as rejected.csv spells it) of every rejection; good events as (line, id, "ok").
struct verdict {
  std::uint64_t line;
  std::string id;
  std::string reason;

  friend bool operator==(const verdict&, const verdict&) = default;
};

inline std::ostream& operator<<(std::ostream& out, const verdict& v) {
  return out << v.line << ' ' << v.id << ' ' << v.reason;
}

inline std::vector<verdict> verdicts(const std::vector<outcome>& outcomes) {
  std::vector<verdict> result;
  for (const auto& o : outcomes) {
    if (const auto* e = std::get_if<event>(&o)) {
      result.push_back({e->line, e->id, "ok"});
    } else {
      const auto& r = std::get<rejected_event>(o);
      result.push_back({r.line, r.id, to_string(r.reason)});
    }
  }
  return result;
}

}  // namespace matchfund::testing::read_events_test

// Catch shows an outcome in a failed check with every field a check compares.
namespace Catch {
template <>
struct StringMaker<matchfund::testing::read_events_test::outcome> {
  static std::string convert(const matchfund::testing::read_events_test::outcome& o) {
    if (const auto* r = std::get_if<matchfund::rejected_event>(&o)) {
      return "rejected{" + r->file + ":" + std::to_string(r->line) + " " + r->id + " " + to_string(r->reason) + "}";
    }
    const matchfund::event& e = std::get<matchfund::event>(o);
    std::string text = "event{" + std::string(matchfund::to_string(e.kind)) + " id=" + e.id +
                       " time=" + std::to_string(e.time.epoch_ms()) + " donor=" + e.donor + " ref=" + e.ref +
                       " channel=" + e.channel;
    if (e.project) text += " project=" + std::to_string(matchfund::position(*e.project));
    if (e.amount) text += " amount=" + std::to_string(e.amount->minor_units());
    if (e.scope) text += " scope=" + std::string(matchfund::to_string(*e.scope));
    if (e.disposition) text += e.disposition == matchfund::refund_disposition::forfeit ? " forfeit" : " return";
    text += " attributes=" + std::to_string(e.attributes.size()) + " line=" + std::to_string(e.line) +
            " file=" + std::to_string(e.file_index) + "}";
    return text;
  }
};
}  // namespace Catch

#endif
