// How fast rules files load: a national-size campaign (projects and donors from CSV, many rules
// with conditions) and the value parsers on their own. Prints its figures; run it by hand:
//
//   build/bench/matchfund_bench_load_rules [projects] [donors]
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/money.hpp"
#include "matchfund/timestamp.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;  // timing only: no result depends on it

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// A campaign with `projects` projects and `donors` donors in CSV files and 200 rules.
fs::path write_campaign(const fs::path& directory, std::size_t projects, std::size_t donors) {
  fs::create_directories(directory);
  {
    std::ofstream out(directory / "projects.csv");
    out << "id,organization,region,category,tags,attr.pledge,attr.level\n";
    for (std::size_t i = 0; i < projects; ++i) {
      out << "project-" << i << ",org-" << i / 4 << ",region-" << i % 31 << ",category-" << i % 7 << ","
          << (i % 10 == 0 ? "enterprise|priority" : "") << "," << (i % 13) * 1000 << "." << i % 100 << "," << i % 5
          << "\n";
    }
  }
  {
    std::ofstream out(directory / "donors.csv");
    out << "id,attr.employer,attr.flagged\n";
    for (std::size_t i = 0; i < donors; ++i) {
      out << "donor-" << i << ",employer-" << i % 997 << "," << (i % 101 == 0 ? "true" : "false") << "\n";
    }
  }
  std::ofstream out(directory / "campaign.yaml");
  out << "matchfund: 1\n"
         "campaign: { id: bench, name: Bench, currency: CNY, timezone: \"+08:00\",\n"
         "            start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00, seed: 1 }\n"
         "projects: { file: projects.csv }\n"
         "donors: { file: donors.csv }\n"
         "funds:\n"
         "  - { id: platform, budget: 3亿, daily: { from: 2021-09-07, to: 2021-09-09, at: \"10:00\", amount: 1亿 } }\n"
         "  - { id: pots, budget: 1亿, sub_budgets: { per: project, amount_from: project.attr.pledge } }\n"
         "rules:\n";
  for (int r = 0; r < 200; ++r) {
    out << "  - id: rule-" << r << "\n"
        << "    priority: " << r % 10 << "\n"
        << "    sources: [" << (r % 2 == 0 ? "platform" : "pots") << "]\n"
        << "    windows: [ { daily: \"10:00-24:00\" } ]\n"
        << "    eligible: { all: [ { field: donor.attr.flagged, op: \"!=\", value: true, default: false },\n"
        << "                       { field: project.attr.level, op: \">=\", value: " << r % 5 << " },\n"
        << "                       { field: project.region, op: in, value: [region-1, region-2, region-" << r % 31
        << "] } ] }\n"
        << "    min_donation: \"1.00\"\n"
        << "    probability: \"0.5\"\n"
        << "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.05\" } }\n"
        << "    caps:\n"
        << "      - { per: donor, period: day, measure: match, max: \"999.00\" }\n"
        << "      - { per: \"attr:donor.attr.employer\", period: year, year_start: \"04-01\", measure: match, max: 5000 }\n";
  }
  return directory / "campaign.yaml";
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t projects = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const std::size_t donors = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const fs::path directory = fs::temp_directory_path() / "matchfund-bench-load-rules";
  const fs::path rules_file = write_campaign(directory, projects, donors);

  auto start = clock_type::now();
  const auto loaded = matchfund::try_load_rules(rules_file);
  const double load_seconds = seconds_since(start);
  if (!loaded) {
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
    return 1;
  }
  fmt::print("load_rules: {} projects, {} donors, {} rules, {} caps in {:.3f} s ({:.0f} entities/s)\n",
             loaded.rules->projects().size(), loaded.rules->donors().size(), loaded.rules->rules().size(),
             loaded.rules->caps().size(), load_seconds,
             static_cast<double>(projects + donors) / load_seconds);

  // The value parsers on their own.
  std::vector<std::string> amounts;
  for (int i = 0; i < 1'000'000; ++i) amounts.push_back(std::to_string(i * 37 % 100000) + "." + std::to_string(10 + i % 90));
  std::int64_t checksum = 0;
  start = clock_type::now();
  for (const auto& text : amounts) checksum += matchfund::parse_money(text, 2)->minor_units();
  const double money_seconds = seconds_since(start);
  fmt::print("parse_money: {:.1f} ns per amount (checksum {})\n", money_seconds * 1e9 / static_cast<double>(amounts.size()),
             checksum);

  std::vector<std::string> times;
  for (int i = 0; i < 1'000'000; ++i) {
    times.push_back(fmt::format("2021-09-{:02}T{:02}:{:02}:{:02}.{:03}+08:00", 7 + i % 3, i % 24, i % 60, (i / 7) % 60, i % 1000));
  }
  checksum = 0;
  start = clock_type::now();
  for (const auto& text : times) checksum += matchfund::parse_rfc3339(text)->epoch_ms() % 1000;
  const double time_seconds = seconds_since(start);
  fmt::print("parse_rfc3339: {:.1f} ns per time (checksum {})\n", time_seconds * 1e9 / static_cast<double>(times.size()),
             checksum);
  fs::remove_all(directory);
  return 0;
}
