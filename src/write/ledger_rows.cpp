#include "write/ledger_rows.hpp"

#include "matchfund/timestamp.hpp"

namespace matchfund::detail {

namespace {

// `value` (0-99) as two digits at `out`.
void write_two_digits(char* out, std::int64_t value) noexcept {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// The ids of `entries` as CSV fields, by position.
template <class Entries>
std::vector<std::string> csv_fields_of(const Entries& entries) {
  std::vector<std::string> fields;
  fields.reserve(entries.size());
  for (const auto& entry : entries) {
    std::string field;
    csv_append_field(field, entry.id);
    fields.push_back(std::move(field));
  }
  return fields;
}

}  // namespace

ledger_rows::ledger_rows(const rule_set& rules)
    : projects_(csv_fields_of(rules.projects())),
      rules_(csv_fields_of(rules.rules())),
      steps_(csv_fields_of(rules.closeout())),
      funds_(csv_fields_of(rules.funds())),
      offset_(format_utc_offset(rules.campaign().timezone)),
      timezone_(rules.campaign().timezone),
      digits_(rules.minor_digits()) {}

const char* ledger_rows::local_second_text(std::int64_t second) {
  if (second == cached_second_) return cached_text_.data();
  const std::int64_t day = floor_divide(second, 86'400);
  const std::int64_t of_day = second - day * 86'400;
  const civil_date date = local_date::from_days(day).civil();
  char* out = cached_text_.data();
  write_two_digits(out, date.year / 100);
  write_two_digits(out + 2, date.year % 100);
  out[4] = '-';
  write_two_digits(out + 5, date.month);
  out[7] = '-';
  write_two_digits(out + 8, date.day);
  out[10] = 'T';
  write_two_digits(out + 11, of_day / 3600);
  out[13] = ':';
  write_two_digits(out + 14, of_day / 60 % 60);
  out[16] = ':';
  write_two_digits(out + 17, of_day % 60);
  cached_second_ = second;
  return out;
}

void ledger_rows::append_time(std::string& out, timestamp t) {
  const std::int64_t local = t.epoch_ms() + timezone_.milliseconds();
  const std::int64_t second = floor_divide(local, 1000);
  // Years 0000 to 9999 (every time a run prints, writable_in_offset); anything else as
  // format_rfc3339 writes it.
  constexpr std::int64_t first_second = -62'167'219'200;   // 0000-01-01T00:00:00
  constexpr std::int64_t end_second = 253'402'300'800;     // 10000-01-01T00:00:00
  if (second < first_second || second >= end_second) {
    out += format_rfc3339(t, timezone_);
    return;
  }
  char fraction[4] = {'.', '0', '0', '0'};
  const std::int64_t millisecond = local - second * 1000;
  fraction[1] = static_cast<char>('0' + millisecond / 100);
  write_two_digits(fraction + 2, millisecond % 100);
  out.append(local_second_text(second), cached_text_.size());
  out.append(fraction, sizeof fraction);
  out += offset_;
}

void ledger_rows::append(std::string& out, const ledger_line& line) {
  char number[24];
  char* const number_end = number + sizeof number;
  const char* seq = write_decimal_backwards(number_end, line.seq);
  out.append(seq, static_cast<std::size_t>(number_end - seq));
  out += ',';
  append_time(out, line.time);
  out += ',';
  out += to_string(line.kind);
  out += ',';
  csv_append_field(out, line.event_id);
  out += ',';
  csv_append_field(out, line.donation_id);
  out += ',';
  csv_append_field(out, line.donor);
  out += ',';
  if (line.project) out += projects_[position(*line.project)];
  out += ',';
  if (line.step) {
    out += steps_[position(*line.step)];
  } else if (line.rule) {
    out += rules_[position(*line.rule)];
  }
  out += ',';
  if (line.fund) out += funds_[position(*line.fund)];
  out += ',';
  out.append(number, write_money(number, line.amount, digits_));
  out += ',';
  csv_append_field(out, line.limited_by);
  out += ',';
  if (line.disposition) out += to_string(*line.disposition);
  out += '\n';
}

}  // namespace matchfund::detail
