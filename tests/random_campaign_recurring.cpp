#include "random_campaign_recurring.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

namespace matchfund::testing {
namespace {

constexpr std::int64_t day = 86'400;
constexpr std::int64_t last_second = 24 * day - 1;  // 2021-09-30T23:59:59+08:00

// Seconds since 2021-09-07T00:00:00+08:00 of a time written 2021-09-DDTHH:MM:SS+08:00.
std::int64_t seconds_of(const std::string& time) {
  const auto number = [&](std::size_t at) { return static_cast<std::int64_t>(std::stoi(time.substr(at, 2))); };
  return (number(8) - 7) * day + number(11) * 3600 + number(14) * 60 + number(17);
}

std::string time_text(std::int64_t second) {
  char text[64];
  std::snprintf(text, sizeof text, "2021-09-%02dT%02d:%02d:%02d+08:00", static_cast<int>(7 + second / day),
                static_cast<int>(second % day / 3600), static_cast<int>(second % 3600 / 60),
                static_cast<int>(second % 60));
  return text;
}

// The fields of a generated CSV line (the generator never quotes).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = line.find(',', from);
    fields.push_back(line.substr(from, comma - from));
    if (comma == std::string::npos) return fields;
    from = comma + 1;
  }
}

// An event line and its place: by time, then the campaign's own lines before the instalments
// of the same second, then the order it was made in.
struct placed_line {
  std::int64_t second = 0;
  int band = 0;
  std::size_t order = 0;
  std::string text;
};

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
  std::stable_sort(lines.begin(), lines.end(), [](const placed_line& a, const placed_line& b) {
    return std::tie(a.second, a.band, a.order) < std::tie(b.second, b.band, b.order);
  });
  std::string out = events_csv.substr(0, header_end);
  for (const placed_line& line : lines) out += line.text + "\n";
  return out;
}

}  // namespace matchfund::testing
