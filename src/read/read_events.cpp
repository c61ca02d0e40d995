// Event files (SPEC §3.2, §3.3): CSV through csv_reader, JSON Lines through json_lines_reader,
// both reduced to the same field texts and checked by one function, so that the two formats
// accept and reject exactly the same events.
#include "matchfund/read_events.hpp"

#include "support/csv_reader.hpp"
#include "read/file_bytes.hpp"
#include "read/json_lines.hpp"
#include "support/text.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace matchfund {

event_file_error::event_file_error(std::string file, std::uint64_t line, std::uint64_t column, std::string message)
    : error(file + (line == 0 ? "" : ":" + std::to_string(line) + (column == 0 ? "" : ":" + std::to_string(column))) +
            ": " + message),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

namespace {

// ---------------------------------------------------------------------------------------------
// Field texts: what both formats reduce a record to.

// The fields in the order SPEC §11.8 checks them (channel, which has no check, last).
namespace fields {
enum name : std::uint8_t { kind, id, time, donor, project, amount, ref, scope, disposition, channel };
}
using field = fields::name;
constexpr std::size_t field_count = 10;
constexpr std::array<std::string_view, field_count> field_names = {
    "kind", "id", "time", "donor", "project", "amount", "ref", "scope", "disposition", "channel"};

std::optional<field> find_field(std::string_view name) {
  const auto found = std::find(field_names.begin(), field_names.end(), name);
  if (found == field_names.end()) return std::nullopt;
  return static_cast<field>(found - field_names.begin());
}

// One record's fields; an empty text is an absent field (an empty CSV cell, a JSON null or "").
// Views into the input or the reader's buffers, valid until the next record.
struct field_texts {
  std::array<std::string_view, field_count> fields;
  std::vector<std::string_view> attributes;  // by donation attribute slot

  void clear() noexcept {
    fields.fill({});
    std::fill(attributes.begin(), attributes.end(), std::string_view{});
  }
};

// What reading a file needs of the rules, looked up once per file.
class event_context {
 public:
  explicit event_context(const rule_set& rules) : rules_(rules), attributes_(rules.attributes(attribute_owner::donation)) {
    by_name_.reserve(attributes_.size());
    for (std::size_t slot = 0; slot < attributes_.size(); ++slot) by_name_.emplace_back(attributes_[slot].name, slot);
    std::sort(by_name_.begin(), by_name_.end());
  }

  const rule_set& rules() const noexcept { return rules_; }
  std::span<const attribute_spec> attributes() const noexcept { return attributes_; }

  // The slot of a donation attribute some rule reads; nullopt for any other name.
  std::optional<std::size_t> attribute_slot(std::string_view name) const {
    const auto found = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                                        [](const auto& entry, std::string_view wanted) { return entry.first < wanted; });
    if (found == by_name_.end() || found->first != name) return std::nullopt;
    return found->second;
  }

 private:
  const rule_set& rules_;
  std::span<const attribute_spec> attributes_;
  std::vector<std::pair<std::string_view, std::size_t>> by_name_;
};

// What a check finds: the reason the event is bad, or nothing when what it looked at is good.
using verdict = std::optional<bad_event_reason>;

bad_event_reason bad_field(field f) { return {bad_event_code::bad_field, std::string(field_names[f])}; }
bad_event_reason missing(field f) { return {bad_event_code::missing, std::string(field_names[f])}; }

// The checks of SPEC §11.8, one concept each, in its order: the kind, the fields every kind
// has, then the kind's own fields. Each fills its part of `out`; fields the kind does not use
// are not looked at.

// SPEC §12: hold, confirm and cancel are bad, with the kind, unless the rules enable holds.
verdict read_kind(const event_context& context, std::string_view text, event& out) {
  if (text == "hold" || text == "confirm" || text == "cancel") {
    if (!context.rules().campaign().hold_ttl) return bad_event_reason{bad_event_code::holds_not_enabled};
    out.kind = text == "hold" ? event_kind::hold : text == "confirm" ? event_kind::confirm : event_kind::cancel;
  } else if (text.empty() || text == "donation") {
    out.kind = event_kind::donation;
  } else if (text == "refund") {
    out.kind = event_kind::refund;
  } else if (text == "revoke") {
    out.kind = event_kind::revoke;
  } else if (text == "close") {
    out.kind = event_kind::close;
  } else {
    return bad_field(fields::kind);
  }
  return std::nullopt;
}

// id and time, which every kind needs.
verdict read_common_fields(const event_context& context, const field_texts& texts, event& out) {
  const auto& f = texts.fields;
  if (f[fields::id].empty()) return missing(fields::id);
  if (detail::has_control_character(f[fields::id])) return bad_field(fields::id);
  out.id.assign(f[fields::id]);

  if (f[fields::time].empty()) return missing(fields::time);
  // A time the campaign's offset cannot write (a year beyond 0000-9999 there) would reach the
  // outputs unwritable, as an event's or the close's time: it is not a time of this campaign.
  const auto when = parse_event_time(f[fields::time]);
  if (!when || !writable_in_offset(*when, context.rules().campaign().timezone)) return bad_field(fields::time);
  out.time = *when;
  return std::nullopt;
}

// A present amount: money text in the campaign's minor digits, more than zero.
verdict read_amount(const event_context& context, std::string_view text, event& out) {
  const auto parsed = parse_money(text, context.rules().minor_digits());
  if (!parsed) return bad_field(fields::amount);
  if (*parsed <= money::zero()) return bad_event_reason{bad_event_code::non_positive_amount};
  out.amount = *parsed;
  return std::nullopt;
}

verdict read_ref(std::string_view text, event& out) {
  if (text.empty()) return missing(fields::ref);
  if (detail::has_control_character(text)) return bad_field(fields::ref);
  out.ref.assign(text);
  return std::nullopt;
}

// Absent: the rule's on_refund decides.
verdict read_disposition(std::string_view text, event& out) {
  if (text.empty()) return std::nullopt;
  out.disposition = refund_disposition_from_string(text);
  if (!out.disposition) return bad_field(fields::disposition);
  return std::nullopt;
}

// The donation attributes some rule reads, in slot (name) order, so that CSV and JSON Lines
// report the same one first.
verdict read_attributes(const event_context& context, const field_texts& texts, event& out) {
  const auto specs = context.attributes();
  out.attributes.resize(specs.size());
  for (std::size_t slot = 0; slot < specs.size(); ++slot) {
    const std::string_view text = texts.attributes[slot];
    if (text.empty()) continue;
    auto parsed = parse_typed_value(specs[slot].type, text, context.rules().minor_digits());
    if (!parsed) return bad_event_reason{bad_event_code::bad_field, "attr." + specs[slot].name};
    out.attributes[slot] = *parsed;
  }
  return std::nullopt;
}

verdict check_donation(const event_context& context, const field_texts& texts, event& out) {
  const auto& f = texts.fields;
  if (f[fields::donor].empty()) return missing(fields::donor);
  if (detail::has_control_character(f[fields::donor])) return bad_field(fields::donor);
  out.donor.assign(f[fields::donor]);
  if (f[fields::project].empty()) return missing(fields::project);
  out.project = context.rules().find_project(f[fields::project]);
  if (!out.project) return bad_event_reason{bad_event_code::unknown_project};
  if (f[fields::amount].empty()) return missing(fields::amount);
  if (auto bad = read_amount(context, f[fields::amount], out)) return bad;
  out.channel.assign(f[fields::channel]);
  return read_attributes(context, texts, out);
}

// A refund without an amount refunds all that is left (the engine knows how much).
verdict check_refund(const event_context& context, const field_texts& texts, event& out) {
  const auto& f = texts.fields;
  if (!f[fields::amount].empty()) {
    if (auto bad = read_amount(context, f[fields::amount], out)) return bad;
  }
  if (auto bad = read_ref(f[fields::ref], out)) return bad;
  return read_disposition(f[fields::disposition], out);
}

// Only a revoked project is looked up here: donor and donation ids may come from other files.
verdict check_revoke(const event_context& context, const field_texts& texts, event& out) {
  const auto& f = texts.fields;
  if (auto bad = read_ref(f[fields::ref], out)) return bad;
  if (f[fields::scope].empty()) return missing(fields::scope);
  if (f[fields::scope] == "donation") {
    out.scope = revoke_scope::donation;
  } else if (f[fields::scope] == "donor") {
    out.scope = revoke_scope::donor;
  } else if (f[fields::scope] == "project") {
    out.scope = revoke_scope::project;
    out.project = context.rules().find_project(f[fields::ref]);
    if (!out.project) return bad_event_reason{bad_event_code::unknown_project};
  } else {
    return bad_field(fields::scope);
  }
  return read_disposition(f[fields::disposition], out);
}

// A confirm or cancel names its hold; an amount it gives is ignored but must still parse
// (SPEC §12 fine point 2).
verdict check_hold_resolution(const event_context& context, const field_texts& texts, event& out) {
  const auto& f = texts.fields;
  if (!f[fields::amount].empty() && !parse_money(f[fields::amount], context.rules().minor_digits())) {
    return bad_field(fields::amount);
  }
  return read_ref(f[fields::ref], out);
}

// Checks one record's fields and fills `out`; the reason of the first failure, if any.
verdict check_event(const event_context& context, const field_texts& texts, event& out) {
  if (auto bad = read_kind(context, texts.fields[fields::kind], out)) return bad;
  if (auto bad = read_common_fields(context, texts, out)) return bad;
  switch (out.kind) {
    case event_kind::donation:
    case event_kind::hold: return check_donation(context, texts, out);
    case event_kind::confirm:
    case event_kind::cancel: return check_hold_resolution(context, texts, out);
    case event_kind::refund: return check_refund(context, texts, out);
    case event_kind::revoke: return check_revoke(context, texts, out);
    case event_kind::close: return std::nullopt;
  }
  return std::nullopt;
}

// Checks a record and hands it to the right handler.
class event_sink {
 public:
  event_sink(const event_context& context, const std::string& file_name, std::uint32_t file_index,
             const event_handler& on_event, const rejected_event_handler& on_rejected,
             detail::file_bytes* source = nullptr)
      : context_(context), file_name_(file_name), file_index_(file_index), on_event_(on_event), on_rejected_(on_rejected),
        source_(source) {}

  // Reading has reached `offset` of the text: what lies before it is not needed any more.
  void reached(std::size_t offset) const noexcept {
    if (source_ != nullptr && (++records_ & 0xFFFF) == 0) source_->release_before(offset);
  }

  void operator()(const field_texts& texts, std::uint64_t line) const {
    event e;
    e.file_index = file_index_;
    e.line = line;
    if (auto reason = check_event(context_, texts, e)) {
      on_rejected_(rejected_event{file_name_, line, std::string(texts.fields[fields::id]), std::move(*reason)});
    } else {
      on_event_(std::move(e));
    }
  }

 private:
  const event_context& context_;
  const std::string& file_name_;
  std::uint32_t file_index_;
  const event_handler& on_event_;
  const rejected_event_handler& on_rejected_;
  detail::file_bytes* source_;
  mutable std::uint64_t records_ = 0;
};

std::string list_of_fields() {
  std::string list;
  for (std::size_t i = 0; i < field_count; ++i) {
    list += std::string(field_names[i]) + ", ";
  }
  return list;
}

// What each column of a header holds: an event field, a donation attribute slot, or an
// attribute no rule reads.
struct column_role {
  enum class holds : std::uint8_t { event_field, attribute, ignored } what;
  std::size_t index;

  void place(field_texts& texts, std::string_view text) const noexcept {
    switch (what) {
      case holds::event_field: texts.fields[index] = text; break;
      case holds::attribute: texts.attributes[index] = text; break;
      case holds::ignored: break;
    }
  }
};

// The roles of `count` columns named name(i); an unknown name is the error fail(i, message)
// makes.
template <class Name, class Fail>
std::vector<column_role> column_roles(const event_context& context, std::size_t count, Name name, Fail fail) {
  std::vector<column_role> columns;
  columns.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view column = name(i);
    if (const auto known = find_field(column)) {
      columns.push_back({column_role::holds::event_field, *known});
    } else if (column.starts_with("attr.")) {
      if (column.size() == 5) throw fail(i, "column \"attr.\" has no attribute name");
      const auto slot = context.attribute_slot(column.substr(5));
      columns.push_back({slot ? column_role::holds::attribute : column_role::holds::ignored, slot.value_or(0)});
    } else {
      throw fail(i, "unknown column \"" + std::string(column) + "\" (the columns are " + list_of_fields() +
                        "and attr.NAME)");
    }
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// CSV

void read_csv_events(const event_context& context, std::string_view text, const std::string& file_name,
                     const event_sink& sink) {
  const auto file_error = [&](detail::csv_position at, std::string message) {
    return event_file_error(file_name, at.line, at.column, std::move(message));
  };
  try {
    detail::csv_reader reader(text);
    detail::csv_record record;
    if (!reader.next(record)) throw file_error({1, 1}, "the file is empty: a header row is required");
    const detail::csv_header header(record);

    const std::vector<column_role> columns = column_roles(context, header.size(), [&](std::size_t i) { return header.name(i); },
                                                           [&](std::size_t i, std::string message) {
                                                             return file_error(record.position(i), std::move(message));
                                                           });

    field_texts texts;
    texts.attributes.resize(context.attributes().size());
    while (reader.next(record)) {
      if (record.size() != header.size()) {
        const auto at = record.size() > header.size() ? record.position(header.size()) : record.end_position();
        throw file_error(at, "expected " + std::to_string(header.size()) + " fields as in the header, found " +
                                 std::to_string(record.size()));
      }
      texts.clear();
      for (std::size_t i = 0; i < columns.size(); ++i) columns[i].place(texts, record[i]);
      sink(texts, record.line());
      sink.reached(record.begin_offset());
    }
  } catch (const detail::csv_error& e) {
    throw file_error(e.position(), e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

void read_json_lines_events(const event_context& context, std::string_view text, const std::string& file_name,
                            const event_sink& sink) {
  detail::json_lines_reader reader(text);
  detail::json_record record;
  const auto file_error = [&](std::size_t offset, std::string message) {
    const detail::json_position at = record.position_at(offset);
    return event_file_error(file_name, at.line, at.column, std::move(message));
  };
  const auto must_be_scalar = [](std::string_view key) {
    return "the value of \"" + std::string(key) + "\" must be a string, number, boolean or null";
  };
  field_texts texts;
  texts.attributes.resize(context.attributes().size());
  try {
    while (reader.next(record)) {
      texts.clear();
      std::uint32_t attr_member = detail::json_no_parent;
      const auto& members = record.members();
      for (std::size_t i = 0; i < members.size(); ++i) {
        const detail::json_member& member = members[i];
        if (member.parent == detail::json_no_parent) {
          if (const auto known = find_field(member.key)) {
            if (member.kind == detail::json_kind::object) throw file_error(member.value_offset, must_be_scalar(member.key));
            texts.fields[*known] = member.text;
          } else if (member.key == "attr") {
            if (member.kind == detail::json_kind::object) {
              attr_member = static_cast<std::uint32_t>(i);
            } else if (member.kind != detail::json_kind::null) {
              throw file_error(member.value_offset, "the value of \"attr\" must be an object");
            }
          } else {
            throw file_error(member.key_offset, "unknown key \"" + std::string(member.key) + "\" (the keys are " +
                                                    list_of_fields() + "and attr)");
          }
        } else {
          // Only attr may hold an object: any other was refused when its key was met.
          MATCHFUND_ASSERT(member.parent == attr_member, "JSON member outside attr");
          if (member.key.empty()) throw file_error(member.key_offset, "empty attribute name");
          if (const auto slot = context.attribute_slot(member.key)) texts.attributes[*slot] = member.text;
        }
      }
      sink(texts, record.line());
      sink.reached(record.begin_offset());
    }
  } catch (const detail::json_error& e) {
    throw event_file_error(file_name, e.line(), e.column(), e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Files

std::string display_name(const std::filesystem::path& file) {
  const std::u8string utf8 = file.u8string();
  return {utf8.begin(), utf8.end()};
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) noexcept {
  if (text.size() < suffix.size()) return false;
  text.remove_prefix(text.size() - suffix.size());
  return std::equal(text.begin(), text.end(), suffix.begin(), [](char a, char b) {
    const char lower = a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a;
    return lower == b;
  });
}

}  // namespace

event_format event_format_of(const std::filesystem::path& file) {
  const std::string name = display_name(file.filename());
  for (std::string_view suffix : {".jsonl", ".ndjson", ".json"}) {
    if (ends_with_ignoring_case(name, suffix)) return event_format::json_lines;
  }
  return event_format::csv;
}

namespace {

void read_events_from(const rule_set& rules, std::string_view text, event_format format, const std::string& file_name,
                      std::uint32_t file_index, const event_handler& on_event, const rejected_event_handler& on_rejected,
                      detail::file_bytes* source) {
  const event_context context(rules);
  const event_sink sink(context, file_name, file_index, on_event, on_rejected, source);
  if (format == event_format::json_lines) {
    read_json_lines_events(context, text, file_name, sink);
  } else {
    read_csv_events(context, text, file_name, sink);
  }
}

}  // namespace

void read_event_text(const rule_set& rules, std::string_view text, event_format format, const std::string& file_name,
                     std::uint32_t file_index, const event_handler& on_event,
                     const rejected_event_handler& on_rejected) {
  read_events_from(rules, text, format, file_name, file_index, on_event, on_rejected, nullptr);
}

void read_event_file(const rule_set& rules, const std::filesystem::path& file, std::uint32_t file_index,
                     const event_handler& on_event, const rejected_event_handler& on_rejected) {
  const std::string name = display_name(file);
  detail::file_bytes bytes(file, name);
  read_events_from(rules, bytes.text(), event_format_of(file), name, file_index, on_event, on_rejected, &bytes);
}

void read_event_files(const rule_set& rules, std::span<const std::filesystem::path> files,
                      const event_handler& on_event, const rejected_event_handler& on_rejected) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    read_event_file(rules, files[i], static_cast<std::uint32_t>(i), on_event, on_rejected);
  }
}

void read_event_table(const rule_set& rules, event_table& table, const std::string& table_name,
                      std::uint32_t file_index, const event_handler& on_event, const rejected_event_handler& on_rejected) {
  const event_context context(rules);
  const std::span<const std::string> names = table.columns();
  const auto fail = [&](std::size_t i, std::string message) {
    return event_file_error(table_name, 0, i + 1, std::move(message));
  };
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw fail(i, "column \"" + names[i] + "\" given twice");
    }
  }
  const std::vector<column_role> columns =
      column_roles(context, names.size(), [&](std::size_t i) { return std::string_view(names[i]); }, fail);
  const event_sink sink(context, table_name, file_index, on_event, on_rejected);
  // A cell's text may view a buffer the next cell() call reuses: each is copied into `cells`
  // before the row is checked.
  std::vector<std::string> cells(columns.size());
  field_texts texts;
  texts.attributes.resize(context.attributes().size());
  for (std::size_t row = 0; row < table.rows(); ++row) {
    texts.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].what == column_role::holds::ignored) continue;
      cells[i].assign(table.cell(i, row));
      columns[i].place(texts, cells[i]);
    }
    sink(texts, row);
  }
}

void read_event_sources(const rule_set& rules, std::span<const event_source> sources, const event_handler& on_event,
                        const rejected_event_handler& on_rejected) {
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    if (sources[i].table != nullptr) {
      read_event_table(rules, *sources[i].table, sources[i].name, index, on_event, on_rejected);
    } else {
      read_event_file(rules, sources[i].file, index, on_event, on_rejected);
    }
  }
}

std::variant<event, bad_event_reason> event_from_fields(const rule_set& rules,
                                                        std::span<const std::pair<std::string, std::string>> fields) {
  const event_context context(rules);
  field_texts texts;
  texts.attributes.resize(context.attributes().size());
  std::vector<std::string_view> seen;
  for (const auto& [name, text] : fields) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      throw std::invalid_argument("event field \"" + name + "\" given twice");
    }
    seen.emplace_back(name);
    if (const auto known = find_field(name)) {
      texts.fields[*known] = text;
    } else if (name.starts_with("attr.") && name.size() > 5) {
      if (const auto slot = context.attribute_slot(std::string_view(name).substr(5))) texts.attributes[*slot] = text;
    } else {
      throw std::invalid_argument("unknown event field \"" + name + "\"");
    }
  }
  event result;
  if (auto reason = check_event(context, texts, result)) return std::move(*reason);
  return result;
}

}  // namespace matchfund
