// What the simulation report reads from a simulation's output folder (docs/report.md):
// simulation.json and the four tables runs.csv, funds.csv, projects.csv and curves.csv, each
// checked against the SHA-256 simulation.json records for it.
#ifndef MATCHFUND_SRC_REPORT_SIMULATION_INPUTS_HPP
#define MATCHFUND_SRC_REPORT_SIMULATION_INPUTS_HPP

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/utc_offset.hpp"
#include "report/charts.hpp"

namespace matchfund::reporting {

struct simulated_fund {
  std::string id;
  std::string funder;
  money budget;
  std::vector<release_spec> releases;
};

struct simulation_setup {
  std::string version;
  std::string rules_file;
  std::string rules_sha256;
  std::string demand;  // where the demand came from, as a sentence's end
  std::string campaign_id;
  std::string campaign_name;
  std::string currency;
  minor_digits_t minor_digits = 2;
  utc_offset timezone;
  timestamp start;
  timestamp end;
  std::uint64_t runs = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> overrides;  // "set": key, value
  std::string sweep_key;                                       // empty: no sweep
  std::vector<std::string> sweep_points;                       // the values; one "" without a sweep
  std::uint64_t curve_step_seconds = 0;
  std::vector<simulated_fund> funds;  // rules order
};

struct run_row {
  std::size_t point = 0;  // 0-based here (1-based in the file)
  std::uint64_t run = 0;
  money raised, matched, closeout;
  std::vector<money> drawn;                            // by fund
  std::vector<money> left;                             // by fund
  std::vector<std::optional<timestamp>> exhausted_at;  // by fund
};

struct fund_outlook {
  std::size_t point = 0;
  std::size_t fund = 0;  // index into simulation_setup::funds
  money budget;
  std::uint64_t runs = 0;
  std::uint64_t exhausted_runs = 0;
  std::int64_t exhausted_share = 0;  // ten-thousandths
  std::optional<timestamp> exhausted_p5, exhausted_p50, exhausted_p95;
  money drawn_p5, drawn_p50, drawn_p95, left_p5, left_p50, left_p95;
};

// One release of a fund (releases.csv): how often and when its money ran out.
struct release_outlook {
  std::size_t point = 0;
  std::size_t fund = 0;
  std::uint64_t release = 0;  // 0-based, in time order
  timestamp at;
  money amount;
  std::uint64_t runs = 0;
  std::uint64_t exhausted_runs = 0;
  std::int64_t exhausted_share = 0;  // ten-thousandths
  std::optional<timestamp> exhausted_p5, exhausted_p50, exhausted_p95;
};

struct project_outlook {
  std::size_t point = 0;
  std::string project;
  std::string organization;
  money raised_p50, matched_p5, matched_p50, matched_p95, matched_mean;
  std::uint64_t cap_bound_runs = 0;
  std::int64_t cap_bound_share = 0;  // ten-thousandths
};

struct fund_curve {
  std::size_t point = 0;
  std::size_t fund = 0;
  std::vector<fan_point> points;  // time order
};

struct simulation_outputs {
  simulation_setup setup;
  std::vector<run_row> runs;
  std::vector<fund_outlook> funds;
  std::vector<release_outlook> releases;
  std::vector<project_outlook> projects;
  std::vector<fund_curve> curves;
};

// Throws error naming the file (and line and column of a CSV file) for anything malformed.
simulation_outputs read_simulation_outputs(const std::filesystem::path& simulation_dir);

}  // namespace matchfund::reporting

#endif
