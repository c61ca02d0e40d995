#include "random_campaign_recurring.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "random_campaign_lines.hpp"

namespace matchfund::testing {
namespace {

constexpr std::int64_t last_second = 24 * day - 1;  // 2021-09-30T23:59:59+08:00

}  // namespace

random_recurring::random_recurring(std::uint64_t seed) : random_(seed ^ 0x5851F42D4C957F2DULL) {}

std::string random_recurring::settle(const std::string& rule, const std::string& when) {
  std::string payments;
  if (random_.below(100) < 35) {
    payments = "payments: { min: " + std::to_string(1 + random_.below(4));
    if (random_.below(100) < 50) payments += ", within_days: " + std::to_string(1 + random_.below(4));
    payments += " }";
    any_ = true;
    if (when.empty()) settled_by_payments_.insert(rule);
  }
  if (when.empty() && payments.empty()) return {};
  std::string text = "    settle: { ";
  if (!when.empty()) text += "when: " + when + (payments.empty() ? "" : ", ");
  return text + payments + " }\n";
}

std::string random_recurring::add_to(const std::string& events_csv) {
  if (!any_) return events_csv;
  const std::size_t header_end = events_csv.find('\n') + 1;
  std::vector<placed_line> lines;
  std::vector<placed_line> added;
  for (std::size_t at = header_end; at < events_csv.size();) {
    const std::size_t end = events_csv.find('\n', at);
    lines.push_back({0, 0, lines.size(), events_csv.substr(at, end - at)});
    at = end + 1;
  }
  int next = 0;
  const auto add = [&](std::int64_t second, const std::string& text) {
    added.push_back({second, 1, added.size(), text});
  };
  for (placed_line& line : lines) {
    const std::vector<std::string> f = fields_of(line.text);
    line.second = seconds_of(f[2]);
    if (f[0] != "donation" || random_.below(100) >= 35) continue;
    const std::uint64_t spacing = random_.below(3);  // a day, two days, or 1 to 40 hours
    const std::int64_t gap = spacing == 0 ? day : spacing == 1 ? 2 * day : static_cast<std::int64_t>(1 + random_.below(40)) * 3600;
    const auto count = static_cast<std::int64_t>(1 + random_.below(4));
    for (std::int64_t k = 1; k <= count; ++k) {
      const std::int64_t second = line.second + k * gap;
      if (second > last_second) break;
      const std::string id = "i" + std::to_string(next++);
      add(second, "donation," + id + "," + time_text(second) + "," + f[3] + "," + f[4] + "," + f[5] + ",,,,");
      const std::uint64_t fate = random_.below(100);
      if (fate < 12) add(std::min(second + 3600, last_second), "refund," + id + "r," + time_text(std::min(second + 3600, last_second)) + ",,,," + id + ",,,");
      if (fate >= 12 && fate < 18) add(std::min(second + 60, last_second), "revoke," + id + "v," + time_text(std::min(second + 60, last_second)) + ",,,," + id + ",donation,,");
    }
  }
  lines.insert(lines.end(), added.begin(), added.end());
  sort_placed(lines);
  std::string out = events_csv.substr(0, header_end);
  for (const placed_line& line : lines) out += line.text + "\n";
  return out;
}

}  // namespace matchfund::testing
