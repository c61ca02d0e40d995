#include "report/csv_input.hpp"

#include <charconv>
#include <fmt/format.h>

#include "matchfund/error.hpp"
#include "report/money_display.hpp"

namespace matchfund::reporting {

namespace {

std::string read_or_fail(const std::filesystem::path& file) {
  try {
    return detail::read_text_file(file);
  } catch (const std::runtime_error& failure) {
    throw error(failure.what());
  }
}

[[noreturn]] void fail_at(const std::string& name, const detail::csv_error& failure) {
  throw error(fmt::format("{}:{}:{}: {}", name, failure.line(), failure.column(), failure.what()));
}

}  // namespace

csv_input::csv_input(const std::filesystem::path& file)
    : name_(file.generic_string()),
      text_(read_or_fail(file)),
      reader_(text_),
      header_(read_header(reader_, record_, name_)) {}

detail::csv_header csv_input::read_header(detail::csv_reader& reader, detail::csv_record& record,
                                          const std::string& name) {
  try {
    if (!reader.next(record)) throw error(name + ": empty file (expected a header row)");
    return detail::csv_header(record);
  } catch (const detail::csv_error& failure) {
    fail_at(name, failure);
  }
}

std::size_t csv_input::column(std::string_view heading) const {
  const auto found = header_.find(heading);
  if (!found) throw error(fmt::format("{}: no column {}", name_, heading));
  return *found;
}

std::optional<std::size_t> csv_input::find_column(std::string_view heading) const { return header_.find(heading); }

bool csv_input::next() {
  try {
    if (!reader_.next(record_)) return false;
    header_.check_size(record_);
    return true;
  } catch (const detail::csv_error& failure) {
    fail_at(name_, failure);
  }
}

void csv_input::fail(std::size_t column, std::string_view what) const {
  throw error(fmt::format("{}:{}: column {}: {}", name_, record_.line(), header_.name(column), what));
}

money csv_input::amount(std::size_t column, minor_digits_t digits) const {
  const auto parsed = parse_money(text(column), digits);
  if (!parsed) fail(column, parsed.error());
  return *parsed;
}

std::optional<timestamp> csv_input::optional_time(std::size_t column) const {
  if (text(column).empty()) return std::nullopt;
  const auto parsed = parse_rfc3339(text(column));
  if (!parsed) fail(column, parsed.error());
  return *parsed;
}

timestamp csv_input::time(std::size_t column) const {
  const auto parsed = optional_time(column);
  if (!parsed) fail(column, "a time is required here");
  return *parsed;
}

std::uint64_t csv_input::count(std::size_t column) const {
  const std::string_view cell = text(column);
  std::uint64_t value = 0;
  const auto [end, status] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || status != std::errc() || end != cell.data() + cell.size()) {
    fail(column, fmt::format("invalid count \"{}\": expected a whole number", cell));
  }
  return value;
}

std::int64_t csv_input::share(std::size_t column) const {
  try {
    return parse_share(text(column));
  } catch (const parse_error& failure) {
    fail(column, failure.what());
  }
}

}  // namespace matchfund::reporting
