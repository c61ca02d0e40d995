#include "workloads/output_tables.hpp"

#include <fstream>

#include "matchfund/error.hpp"
#include "matchfund/money.hpp"

namespace matchfund::calibrated {

namespace {

// The fields of one plain CSV line (no quotes).
std::vector<std::string_view> split_plain(std::string_view line, const std::filesystem::path& path) {
  if (line.find('"') != std::string_view::npos) throw error(path.generic_string() + ": a quoted field in: " + std::string(line));
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t comma = line.find(',', begin);
    fields.push_back(line.substr(begin, comma - begin));
    if (comma == std::string_view::npos) return fields;
    begin = comma + 1;
  }
}

}  // namespace

std::string_view table_row::operator[](std::string_view name) const {
  for (std::size_t i = 0; i < header_.size() && i < fields_.size(); ++i) {
    if (header_[i] == name) return fields_[i];
  }
  throw error("an output table has no column " + std::string(name));
}

std::int64_t table_row::minor(std::string_view name) const {
  const std::string_view text = (*this)[name];
  const auto amount = parse_money(text, minor_digits_t{2});
  if (!amount) throw error("column " + std::string(name) + ": not an amount: " + std::string(text));
  return amount->minor_units();
}

std::uint64_t for_each_row(const std::filesystem::path& path, const std::function<void(const table_row&)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("cannot read " + path.generic_string());
  std::string line;
  if (!std::getline(in, line)) throw error(path.generic_string() + ": no header");
  std::vector<std::string> header;
  for (auto field : split_plain(line, path)) header.emplace_back(field);
  std::uint64_t rows = 0;
  while (std::getline(in, line)) {
    const auto fields = split_plain(line, path);
    if (fields.size() != header.size()) throw error(path.generic_string() + ": a row of the wrong width: " + line);
    visit(table_row(header, fields));
    ++rows;
  }
  return rows;
}

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (auto at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

}  // namespace matchfund::calibrated
