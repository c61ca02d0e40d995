// Reading a replay's output tables (ledger.csv, projects.csv, funds.csv) back, for measuring
// what a workload's replay did (definition.hpp). The tables are matchfund's own: plain rows whose
// workload-generated ids need no quoting, so a quoted field is refused rather than guessed at.
#ifndef MATCHFUND_SRC_WORKLOADS_OUTPUT_TABLES_HPP
#define MATCHFUND_SRC_WORKLOADS_OUTPUT_TABLES_HPP

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace matchfund::calibrated {

// One row, its fields looked up by the header's column names.
class table_row {
 public:
  table_row(std::span<const std::string> header, std::span<const std::string_view> fields)
      : header_(header), fields_(fields) {}
  // The field of column `name`; throws error when the table has no such column.
  [[nodiscard]] std::string_view operator[](std::string_view name) const;
  // The field of column `name` read as money in minor units ("12.34" -> 1234; two digits).
  [[nodiscard]] std::int64_t minor(std::string_view name) const;

 private:
  std::span<const std::string> header_;
  std::span<const std::string_view> fields_;
};

// Calls `visit` for each row of the CSV file at `path` after its header, in order; returns how
// many. Throws error when the file cannot be read or a row is not plain.
std::uint64_t for_each_row(const std::filesystem::path& path, const std::function<void(const table_row&)>& visit);

// 8813 -> "8,813": figures as the published ones are written, without the locale.
std::string with_thousands(std::uint64_t value);

}  // namespace matchfund::calibrated

#endif
