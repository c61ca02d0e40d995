// The files of a simulation (write_simulation in include/matchfund/simulate.hpp, formats in
// docs/simulate.md): runs.csv, funds.csv, releases.csv, projects.csv, curves.csv, then
// simulation.json with the digests of the five, all renamed into place together.
#include <fmt/format.h>

#include "matchfund/simulate.hpp"
#include "matchfund/version.hpp"
#include "support/sha256.hpp"
#include "write/csv_writer.hpp"
#include "write/json_text.hpp"
#include "write/output_files.hpp"

namespace matchfund {

namespace {

using detail::csv_writer;
using detail::json_string;

struct formats {
  const rule_set& rules;
  [[nodiscard]] std::string amount(money value) const { return format_money(value, rules.minor_digits()); }
  [[nodiscard]] std::string time(const std::optional<timestamp>& t) const {
    return t ? format_rfc3339(*t, rules.campaign().timezone) : std::string();
  }
};

// `count` / `of` with 4 decimals, halves up: "0.8300".
std::string share_text(std::uint64_t count, std::uint64_t of) {
  const std::uint64_t ten_thousandths = (count * 20'000 + of) / (2 * of);
  return fmt::format("{}.{:04}", ten_thousandths / 10'000, ten_thousandths % 10'000);
}

// "point[,KEY]": the columns every table starts with.
std::string leading_header(const simulation_result& result) {
  return result.setup.sweep_key.empty() ? "point" : "point," + result.setup.sweep_key;
}

void leading_fields(csv_writer& out, const simulation_result& result, std::uint64_t point) {
  out.field(std::to_string(point));
  if (!result.setup.sweep_key.empty()) out.field(result.setup.points[point - 1].value);
}

void write_runs(const simulation_result& result, const formats& text, detail::output_file& file) {
  const rule_set& rules = result.setup.points.front().rules;
  std::string header = "point,run";
  if (!result.setup.sweep_key.empty()) header += "," + result.setup.sweep_key;
  header += ",donations,donors,matched_donors,raised,refunded,matched,closeout";
  for (const auto& fund : rules.funds()) header += ",drawn[" + fund.id + "],left[" + fund.id + "],exhausted_at[" + fund.id + "]";
  const auto& names = result.runs_table.front().parameters;
  for (const auto& [name, value] : names) header += ",param[" + name + "]";
  csv_writer out(header, &file);
  for (const auto& run : result.runs_table) {
    out.field(std::to_string(run.point)).field(std::to_string(run.run));
    if (!result.setup.sweep_key.empty()) out.field(result.setup.points[run.point - 1].value);
    out.field(std::to_string(run.donations)).field(std::to_string(run.donors)).field(std::to_string(run.matched_donors));
    out.field(text.amount(run.raised)).field(text.amount(run.refunded)).field(text.amount(run.matched));
    out.field(text.amount(run.closeout));
    for (const auto& fund : run.funds) out.field(text.amount(fund.drawn)).field(text.amount(fund.left)).field(text.time(fund.exhausted_at));
    for (const auto& [name, value] : run.parameters) out.field(format_ratio(ratio::from_millionths(value)));
    out.end_row();
  }
  out.flush();
}

void write_funds(const simulation_result& result, const formats& text, detail::output_file& file) {
  const rule_set& rules = result.setup.points.front().rules;
  csv_writer out(leading_header(result) +
                     ",fund,budget,runs,exhausted_runs,exhausted_share,exhausted_p5,exhausted_p50,exhausted_p95,"
                     "drawn_p5,drawn_p50,drawn_p95,left_p5,left_p50,left_p95",
                 &file);
  for (const auto& fund : result.funds) {
    leading_fields(out, result, fund.point);
    out.field(rules.fund(fund.fund).id).field(text.amount(fund.budget)).field(std::to_string(fund.runs));
    out.field(std::to_string(fund.exhausted_runs)).field(share_text(fund.exhausted_runs, fund.runs));
    out.field(text.time(fund.exhausted_p5)).field(text.time(fund.exhausted_p50)).field(text.time(fund.exhausted_p95));
    for (const auto* band : {&fund.drawn, &fund.left}) {
      out.field(text.amount(band->p5)).field(text.amount(band->p50)).field(text.amount(band->p95));
    }
    out.end_row();
  }
  out.flush();
}

void write_releases(const simulation_result& result, const formats& text, detail::output_file& file) {
  const rule_set& rules = result.setup.points.front().rules;
  csv_writer out(leading_header(result) +
                     ",fund,release,at,amount,runs,exhausted_runs,exhausted_share,exhausted_p5,exhausted_p50,exhausted_p95",
                 &file);
  for (const auto& release : result.releases) {
    leading_fields(out, result, release.point);
    out.field(rules.fund(release.fund).id).field(std::to_string(release.release)).field(text.time(release.at));
    out.field(text.amount(release.amount)).field(std::to_string(release.runs));
    out.field(std::to_string(release.exhausted_runs)).field(share_text(release.exhausted_runs, release.runs));
    out.field(text.time(release.exhausted_p5)).field(text.time(release.exhausted_p50)).field(text.time(release.exhausted_p95));
    out.end_row();
  }
  out.flush();
}

void write_projects(const simulation_result& result, const formats& text, detail::output_file& file) {
  const rule_set& rules = result.setup.points.front().rules;
  csv_writer out(leading_header(result) +
                     ",project,organization,raised_p50,matched_p5,matched_p50,matched_p95,matched_mean,cap_bound_runs,"
                     "cap_bound_share",
                 &file);
  for (const auto& project : result.projects) {
    const project_spec& spec = rules.project(project.project);
    leading_fields(out, result, project.point);
    out.field(spec.id).field(rules.organizations()[static_cast<std::size_t>(spec.organization)]);
    out.field(text.amount(project.raised_p50));
    out.field(text.amount(project.matched.p5)).field(text.amount(project.matched.p50)).field(text.amount(project.matched.p95));
    out.field(text.amount(project.matched_mean)).field(std::to_string(project.cap_bound_runs));
    out.field(share_text(project.cap_bound_runs, result.runs));
    out.end_row();
  }
  out.flush();
}

void write_curves(const simulation_result& result, const formats& text, detail::output_file& file) {
  const rule_set& rules = result.setup.points.front().rules;
  csv_writer out(leading_header(result) + ",fund,time,available_p5,available_p50,available_p95", &file);
  for (const auto& row : result.curves) {
    leading_fields(out, result, row.point);
    out.field(rules.fund(row.fund).id).field(text.time(row.time));
    out.field(text.amount(row.available.p5)).field(text.amount(row.available.p50)).field(text.amount(row.available.p95));
    out.end_row();
  }
  out.flush();
}

// simulation.json: what was simulated (rules, demand, campaign, runs, seed, overrides, sweep,
// the funds' schedules) and the digests of the tables.
std::string simulation_json(const simulation_result& result, const std::vector<std::pair<std::string, std::string>>& digests) {
  const rule_set& rules = result.setup.points.front().rules;
  const auto& campaign = rules.campaign();
  const formats text{rules};
  std::string rules_digest;
  try {
    rules_digest = detail::sha256_hex_of_file(rules.source_file());
  } catch (const std::exception&) {
    rules_digest.clear();  // rules loaded from text: no file to hash
  }
  std::string json = "{\n  \"matchfund\": " + json_string(version_string) + ",\n";
  json += "  \"rules\": {\"file\": " + json_string(rules.source_file()) + ", \"sha256\": " + json_string(rules_digest) + "},\n";
  json += "  \"demand\": {\"file\": " + json_string(result.demand_file) + ", \"sha256\": " +
          json_string(result.demand_sha256) + "},\n";
  json += "  \"campaign\": {\"id\": " + json_string(campaign.id) + ", \"name\": " + json_string(campaign.name) +
          ", \"currency\": " + json_string(campaign.currency) + ", \"minor_digits\": " +
          std::to_string(campaign.minor_digits) + ", \"timezone\": " + json_string(format_utc_offset(campaign.timezone)) +
          ", \"start\": " + json_string(text.time(campaign.start)) + ", \"end\": " + json_string(text.time(campaign.end)) +
          "},\n";
  json += "  \"runs\": " + std::to_string(result.runs) + ",\n  \"seed\": " + std::to_string(result.seed) + ",\n";
  json += "  \"set\": [";
  for (std::size_t i = 0; i < result.setup.overrides.size(); ++i) {
    json += std::string(i == 0 ? "" : ", ") + "{\"key\": " + json_string(result.setup.overrides[i].first) +
            ", \"value\": " + json_string(result.setup.overrides[i].second) + "}";
  }
  json += "],\n  \"sweep\": ";
  if (result.setup.sweep_key.empty()) {
    json += "null";
  } else {
    json += "{\"key\": " + json_string(result.setup.sweep_key) + ", \"points\": [";
    for (std::size_t i = 0; i < result.setup.points.size(); ++i) {
      json += (i == 0 ? "" : ", ") + json_string(result.setup.points[i].value);
    }
    json += "]}";
  }
  json += ",\n  \"curve_step_seconds\": " + std::to_string(result.curve_step_seconds) + ",\n  \"funds\": [";
  for (std::size_t f = 0; f < rules.funds().size(); ++f) {
    const fund_spec& fund = rules.funds()[f];
    json += std::string(f == 0 ? "\n    " : ",\n    ") + "{\"id\": " + json_string(fund.id) + ", \"funder\": " +
            json_string(fund.funder) + ", \"budget\": " + json_string(text.amount(fund.budget)) + ", \"releases\": [";
    for (std::size_t r = 0; r < fund.releases.size(); ++r) {
      json += std::string(r == 0 ? "" : ", ") + "{\"at\": " + json_string(text.time(fund.releases[r].at)) +
              ", \"amount\": " + json_string(text.amount(fund.releases[r].amount)) + "}";
    }
    json += "]}";
  }
  json += "\n  ],\n  \"outputs\": {";
  for (std::size_t i = 0; i < digests.size(); ++i) {
    json += (i == 0 ? "\n    " : ",\n    ") + json_string(digests[i].first) + ": " + json_string(digests[i].second);
  }
  return json + "\n  }\n}\n";
}

}  // namespace

void write_simulation(const simulation_result& result, const std::filesystem::path& directory) {
  if (result.setup.points.empty() || result.runs_table.empty()) throw error("nothing was simulated");
  const formats text{result.setup.points.front().rules};
  detail::output_set files(directory);
  std::vector<std::pair<std::string, std::string>> digests;
  const auto table = [&](const std::string& name, auto write) {
    detail::output_file& file = files.create(name);
    write(result, text, file);
    digests.emplace_back(name, file.complete());
  };
  table("runs.csv", write_runs);
  table("funds.csv", write_funds);
  table("releases.csv", write_releases);
  table("projects.csv", write_projects);
  table("curves.csv", write_curves);
  files.create("simulation.json").write(simulation_json(result, digests));
  files.commit();
}

}  // namespace matchfund
