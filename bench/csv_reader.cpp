// How fast the strict CSV reader scans event-like files held in memory: rows with Chinese text
// and quoted fields, and plain ASCII rows (split sixteen bytes at a time). Prints its figures:
//
//   build/bench/matchfund_bench_csv_reader [rows]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/csv_reader.hpp"

namespace {

using clock_type = std::chrono::steady_clock;  // timing only: no result depends on it

// Rows shaped like donation events: ids, an RFC 3339 time, donor and project ids, an amount,
// a channel with Chinese text, and every tenth row quoted with a doubled quote inside.
std::string make_events(std::size_t rows) {
  std::string text = "kind,id,time,donor,project,amount,channel,attr.flowers\n";
  text.reserve(rows * 96);
  for (std::size_t i = 0; i < rows; ++i) {
    text += fmt::format("donation,d-{},2021-09-07T10:{:02}:{:02}.{:03}+08:00,u-{},proj-{:05},{}.{:02},", i, i / 60 % 60,
                        i % 60, i % 1000, i * 7919 % 20'000'000, i * 31 % 10'000, 1 + i % 500, i % 100);
    text += i % 10 == 0 ? "\"微信 \"\"一起捐\"\"\"" : "微信";
    text += fmt::format(",{}\n", i % 200);
  }
  return text;
}

// Rows as `matchfund generate --workload national-2021` writes them: plain ASCII, no quotes.
std::string make_plain_events(std::size_t rows) {
  std::string text = "id,time,donor,project,amount,attr.flowers\n";
  text.reserve(rows * 64);
  for (std::size_t i = 0; i < rows; ++i) {
    text += fmt::format("n-{},2021-09-07T10:{:02}:{:02}.{:03}+08:00,u{},p{:05},{}.00,{}\n", i + 1, i / 60 % 60, i % 60,
                        i % 1000, i * 7919 % 20'000'000, i * 31 % 10'000, 1 + i % 500, i % 200);
  }
  return text;
}

// Scans `text` five times and prints the median: single runs on a shared machine vary.
void scan(const char* name, const std::string& text) {
  std::vector<double> runs;
  std::size_t records = 0;
  std::size_t field_bytes = 0;  // keeps the work observable
  for (int round = 0; round < 5; ++round) {
    matchfund::detail::csv_reader reader(text);
    matchfund::detail::csv_record record;
    records = 0;
    const auto start = clock_type::now();
    while (reader.next(record)) {
      ++records;
      for (std::size_t i = 0; i < record.size(); ++i) field_bytes += record[i].size();
    }
    runs.push_back(std::chrono::duration<double>(clock_type::now() - start).count());
  }
  std::sort(runs.begin(), runs.end());
  const double seconds = runs[runs.size() / 2];
  const double megabytes = static_cast<double>(text.size()) / 1e6;
  fmt::print("csv_reader, {}: {} records, {:.0f} MB in {:.3f} s (median of 5, {:.3f}-{:.3f}): {:.0f} MB/s, "
             "{:.1f} million records/s ({})\n",
             name, records, megabytes, seconds, runs.front(), runs.back(), megabytes / seconds,
             static_cast<double>(records) / seconds / 1e6, field_bytes % 1000);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 3'000'000;
  scan("Chinese text, quotes", make_events(rows));
  scan("plain ASCII (national-2021)", make_plain_events(rows));
  return 0;
}
