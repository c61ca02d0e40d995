// The event lines of the random campaigns (random_campaign.cpp) as the scenario writers that add
// to them see them: times as seconds from the campaigns' start, the fields of an unquoted CSV
// line, and a line with its place in the file.
#ifndef MATCHFUND_TESTS_RANDOM_CAMPAIGN_LINES_HPP
#define MATCHFUND_TESTS_RANDOM_CAMPAIGN_LINES_HPP

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

namespace matchfund::testing {

inline constexpr std::int64_t day = 86'400;

// Seconds since 2021-09-07T00:00:00+08:00 of a time written 2021-09-DDTHH:MM:SS+08:00.
inline std::int64_t seconds_of(const std::string& time) {
  const auto number = [&](std::size_t at) { return static_cast<std::int64_t>(std::stoi(time.substr(at, 2))); };
  return (number(8) - 7) * day + number(11) * 3600 + number(14) * 60 + number(17);
}

inline std::string time_text(std::int64_t second) {
  char text[64];
  std::snprintf(text, sizeof text, "2021-09-%02dT%02d:%02d:%02d+08:00", static_cast<int>(7 + second / day),
                static_cast<int>(second % day / 3600), static_cast<int>(second % 3600 / 60),
                static_cast<int>(second % 60));
  return text;
}

// The fields of a generated CSV line (the generator never quotes).
inline std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = line.find(',', from);
    fields.push_back(line.substr(from, comma - from));
    if (comma == std::string::npos) return fields;
    from = comma + 1;
  }
}

// An event line and its place: by time, then band (what the writer puts before or after the
// campaign's own lines of the same second), then the order it was made in.
struct placed_line {
  std::int64_t second = 0;
  int band = 1;
  std::size_t order = 0;
  std::string text;
};

inline void sort_placed(std::vector<placed_line>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const placed_line& a, const placed_line& b) {
    return std::tie(a.second, a.band, a.order) < std::tie(b.second, b.band, b.order);
  });
}

}  // namespace matchfund::testing

#endif
