// Reading the outputs of a random campaign's replay (random_campaign.hpp): CSV cells, and the
// kinds of the close-out steps that paid.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "random_campaign.hpp"

namespace matchfund::testing {

std::vector<std::vector<std::string>> csv_cells(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string>& cells = rows.emplace_back();
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) cells.push_back(field);
    if (!line.empty() && line.back() == ',') cells.emplace_back();  // getline drops an empty last cell
  }
  return rows;
}

std::set<std::string> kinds_paid(const random_campaign& campaign, const std::string& ledger_csv) {
  std::set<std::string> kinds;
  for (const auto& columns : csv_cells(ledger_csv)) {
    if (columns.size() < 10 || columns[2] != "closeout" || columns[7].size() < 2) continue;
    const auto step = static_cast<std::size_t>(std::stoi(columns[7].substr(1)));
    if (step < campaign.step_kinds.size()) kinds.insert(campaign.step_kinds[step]);
  }
  return kinds;
}

}  // namespace matchfund::testing
