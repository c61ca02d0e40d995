#include "report/simulation_inputs.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "matchfund/error.hpp"
#include "report/csv_input.hpp"
#include "report/json_input.hpp"
#include "support/sha256.hpp"

namespace matchfund::reporting {

namespace {

money money_in(const json_input& json, const boost::json::value& value, std::string_view path, minor_digits_t digits) {
  const auto parsed = parse_money(json.as_string(value, path), digits);
  if (!parsed) json.fail(path, parsed.error());
  return *parsed;
}

timestamp time_in(const json_input& json, const boost::json::value& value, std::string_view path) {
  const auto parsed = parse_rfc3339(json.as_string(value, path));
  if (!parsed) json.fail(path, parsed.error());
  return *parsed;
}

void read_campaign(const json_input& json, simulation_setup& setup) {
  const boost::json::object& campaign = json.object_member(json.root(), "campaign", "");
  const std::string path = "\"campaign\"";
  setup.campaign_id = json.string_member(campaign, "id", path);
  setup.campaign_name = json.string_member(campaign, "name", path);
  setup.currency = json.string_member(campaign, "currency", path);
  const std::uint64_t digits = json.count_member(campaign, "minor_digits", path);
  if (digits > static_cast<std::uint64_t>(max_minor_digits)) json.fail(json_path(path, "minor_digits"), "at most 9");
  setup.minor_digits = static_cast<minor_digits_t>(digits);
  const auto offset = parse_utc_offset(json.string_member(campaign, "timezone", path));
  if (!offset) json.fail(json_path(path, "timezone"), offset.error());
  setup.timezone = *offset;
  setup.start = time_in(json, json.member(campaign, "start", path), json_path(path, "start"));
  setup.end = time_in(json, json.member(campaign, "end", path), json_path(path, "end"));
}

// "the demand model demand.yaml" or "the events a.csv, b.csv scaled by 1.2".
std::string demand_of(const json_input& json) {
  const boost::json::object& root = json.root();
  if (root.contains("demand")) {
    const boost::json::object& demand = json.object_member(root, "demand", "");
    return "the demand model " + json.string_member(demand, "file", "\"demand\"");
  }
  if (!root.contains("from_events")) json.fail("\"demand\"", "missing (nor is there \"from_events\")");
  const boost::json::object& events = json.object_member(root, "from_events", "");
  std::string files;
  const boost::json::array& list = json.array_member(events, "files", "\"from_events\"");
  for (std::size_t i = 0; i < list.size(); ++i) {
    files += (i == 0 ? "" : ", ") + json.as_string(list[i], fmt::format("\"from_events\".\"files\"[{}]", i));
  }
  const std::string scale = events.contains("scale") ? json.string_member(events, "scale", "\"from_events\"") : "1";
  return fmt::format("the events {} scaled by {}", files, scale);
}

void read_sweep_and_overrides(const json_input& json, simulation_setup& setup) {
  const boost::json::array& overrides = json.array_member(json.root(), "set", "");
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string path = fmt::format("\"set\"[{}]", i);
    const boost::json::object& entry = json.as_object(overrides[i], path);
    setup.overrides.emplace_back(json.string_member(entry, "key", path), json.string_member(entry, "value", path));
  }
  const boost::json::value& sweep = json.member(json.root(), "sweep", "");
  if (sweep.is_null()) {
    setup.sweep_points = {""};
    return;
  }
  const boost::json::object& object = json.as_object(sweep, "\"sweep\"");
  setup.sweep_key = json.string_member(object, "key", "\"sweep\"");
  const boost::json::array& points = json.array_member(object, "points", "\"sweep\"");
  for (std::size_t i = 0; i < points.size(); ++i) {
    setup.sweep_points.push_back(json.as_string(points[i], fmt::format("\"sweep\".\"points\"[{}]", i)));
  }
  if (setup.sweep_points.empty()) json.fail("\"sweep\".\"points\"", "no point");
}

void read_funds(const json_input& json, simulation_setup& setup) {
  const boost::json::array& funds = json.array_member(json.root(), "funds", "");
  for (std::size_t f = 0; f < funds.size(); ++f) {
    const std::string path = fmt::format("\"funds\"[{}]", f);
    const boost::json::object& fund = json.as_object(funds[f], path);
    simulated_fund simulated{json.string_member(fund, "id", path), json.string_member(fund, "funder", path),
                             money_in(json, json.member(fund, "budget", path), json_path(path, "budget"),
                                      setup.minor_digits),
                             {}};
    const boost::json::array& releases = json.array_member(fund, "releases", path);
    for (std::size_t r = 0; r < releases.size(); ++r) {
      const std::string release_path = fmt::format("{}.\"releases\"[{}]", path, r);
      const boost::json::object& release = json.as_object(releases[r], release_path);
      simulated.releases.push_back(
          {time_in(json, json.member(release, "at", release_path), json_path(release_path, "at")),
           money_in(json, json.member(release, "amount", release_path), json_path(release_path, "amount"),
                    setup.minor_digits)});
    }
    setup.funds.push_back(std::move(simulated));
  }
}

simulation_setup read_setup(const json_input& json) {
  const boost::json::object& root = json.root();
  simulation_setup setup;
  setup.version = json.string_member(root, "matchfund", "");
  const boost::json::object& rules = json.object_member(root, "rules", "");
  setup.rules_file = json.string_member(rules, "file", "\"rules\"");
  setup.rules_sha256 = json.string_member(rules, "sha256", "\"rules\"");
  setup.demand = demand_of(json);
  read_campaign(json, setup);
  setup.runs = json.count_member(root, "runs", "");
  setup.seed = json.count_member(root, "seed", "");
  read_sweep_and_overrides(json, setup);
  setup.curve_step_seconds = json.count_member(root, "curve_step_seconds", "");
  read_funds(json, setup);
  return setup;
}

// Each table simulation.json lists under "outputs" must still be the bytes it describes.
void check_digests(const std::filesystem::path& simulation_dir, const json_input& json) {
  const boost::json::object& outputs = json.object_member(json.root(), "outputs", "");
  for (const std::string_view name : {"runs.csv", "funds.csv", "releases.csv", "projects.csv", "curves.csv"}) {
    if (!outputs.contains(name)) json.fail(json_path("\"outputs\"", name), "missing");
    const std::string recorded = json.string_member(outputs, name, "\"outputs\"");
    std::string actual;
    try {
      actual = detail::sha256_hex_of_file(simulation_dir / name);
    } catch (const std::runtime_error& failure) {
      throw error(failure.what());
    }
    if (actual != recorded) {
      json.fail(json_path("\"outputs\"", name),
                fmt::format("{} does not match its sha256 (the file's is {}, recorded {})", name, actual, recorded));
    }
  }
}

// The columns every table starts with: point (1-based) and, with a sweep, the swept value.
class point_columns {
 public:
  point_columns(const csv_input& csv, const simulation_setup& setup)
      : setup_(setup),
        point_(csv.column("point")),
        sweep_(setup.sweep_key.empty() ? std::nullopt : std::optional<std::size_t>(csv.column(setup.sweep_key))) {}

  // The row's point, 0-based; its sweep value must be the point's in simulation.json.
  [[nodiscard]] std::size_t point_of(const csv_input& csv) const {
    const std::uint64_t point = csv.count(point_);
    if (point < 1 || point > setup_.sweep_points.size()) {
      csv.fail(point_, fmt::format("point {} is not one of 1 to {}", point, setup_.sweep_points.size()));
    }
    const auto index = static_cast<std::size_t>(point - 1);
    if (sweep_ && csv.text(*sweep_) != setup_.sweep_points[index]) {
      csv.fail(*sweep_, fmt::format("\"{}\" is not point {}'s value \"{}\" in simulation.json", csv.text(*sweep_),
                                    point, setup_.sweep_points[index]));
    }
    return index;
  }

 private:
  const simulation_setup& setup_;
  std::size_t point_;
  std::optional<std::size_t> sweep_;
};

std::size_t fund_of(const csv_input& csv, std::size_t column, const simulation_setup& setup) {
  for (std::size_t f = 0; f < setup.funds.size(); ++f) {
    if (setup.funds[f].id == csv.text(column)) return f;
  }
  csv.fail(column, fmt::format("no fund \"{}\" in simulation.json", csv.text(column)));
}

std::vector<run_row> read_runs(const std::filesystem::path& file, const simulation_setup& setup) {
  csv_input csv(file);
  const point_columns points(csv, setup);
  const std::size_t run = csv.column("run");
  const std::size_t raised = csv.column("raised");
  const std::size_t matched = csv.column("matched");
  const std::size_t closeout = csv.column("closeout");
  std::vector<std::array<std::size_t, 3>> fund_columns;  // drawn, left, exhausted_at
  for (const simulated_fund& fund : setup.funds) {
    fund_columns.push_back({csv.column("drawn[" + fund.id + "]"), csv.column("left[" + fund.id + "]"),
                            csv.column("exhausted_at[" + fund.id + "]")});
  }
  const minor_digits_t digits = setup.minor_digits;
  std::vector<run_row> runs;
  while (csv.next()) {
    run_row row{points.point_of(csv), csv.count(run), csv.amount(raised, digits), csv.amount(matched, digits),
                csv.amount(closeout, digits), {}, {}, {}};
    for (const auto& [drawn, left, exhausted] : fund_columns) {
      row.drawn.push_back(csv.amount(drawn, digits));
      row.left.push_back(csv.amount(left, digits));
      row.exhausted_at.push_back(csv.optional_time(exhausted));
    }
    runs.push_back(std::move(row));
  }
  return runs;
}

std::vector<fund_outlook> read_fund_outlooks(const std::filesystem::path& file, const simulation_setup& setup) {
  csv_input csv(file);
  const point_columns points(csv, setup);
  const std::size_t fund = csv.column("fund");
  const std::size_t runs = csv.column("runs");
  const std::size_t exhausted_runs = csv.column("exhausted_runs");
  const std::size_t share = csv.column("exhausted_share");
  std::array<std::size_t, 3> exhausted{};
  std::array<std::size_t, 7> amounts{};  // budget, drawn p5 p50 p95, left p5 p50 p95
  const std::array<std::string_view, 3> quantiles = {"p5", "p50", "p95"};
  for (std::size_t q = 0; q < quantiles.size(); ++q) {
    exhausted[q] = csv.column(fmt::format("exhausted_{}", quantiles[q]));
    amounts[1 + q] = csv.column(fmt::format("drawn_{}", quantiles[q]));
    amounts[4 + q] = csv.column(fmt::format("left_{}", quantiles[q]));
  }
  amounts[0] = csv.column("budget");
  std::vector<fund_outlook> outlooks;
  while (csv.next()) {
    fund_outlook row;
    row.point = points.point_of(csv);
    row.fund = fund_of(csv, fund, setup);
    row.runs = csv.count(runs);
    row.exhausted_runs = csv.count(exhausted_runs);
    row.exhausted_share = csv.share(share);
    row.exhausted_p5 = csv.optional_time(exhausted[0]);
    row.exhausted_p50 = csv.optional_time(exhausted[1]);
    row.exhausted_p95 = csv.optional_time(exhausted[2]);
    money* const targets[] = {&row.budget,  &row.drawn_p5, &row.drawn_p50, &row.drawn_p95,
                              &row.left_p5, &row.left_p50, &row.left_p95};
    for (std::size_t i = 0; i < amounts.size(); ++i) *targets[i] = csv.amount(amounts[i], setup.minor_digits);
    outlooks.push_back(row);
  }
  return outlooks;
}

std::vector<release_outlook> read_release_outlooks(const std::filesystem::path& file, const simulation_setup& setup) {
  csv_input csv(file);
  const point_columns points(csv, setup);
  const std::size_t fund = csv.column("fund");
  const std::array<std::size_t, 9> columns = {
      csv.column("release"),         csv.column("at"),           csv.column("amount"),
      csv.column("runs"),            csv.column("exhausted_runs"), csv.column("exhausted_share"),
      csv.column("exhausted_p5"),    csv.column("exhausted_p50"),  csv.column("exhausted_p95")};
  std::vector<release_outlook> releases;
  while (csv.next()) {
    release_outlook row;
    row.point = points.point_of(csv);
    row.fund = fund_of(csv, fund, setup);
    row.release = csv.count(columns[0]);
    row.at = csv.time(columns[1]);
    row.amount = csv.amount(columns[2], setup.minor_digits);
    row.runs = csv.count(columns[3]);
    row.exhausted_runs = csv.count(columns[4]);
    row.exhausted_share = csv.share(columns[5]);
    row.exhausted_p5 = csv.optional_time(columns[6]);
    row.exhausted_p50 = csv.optional_time(columns[7]);
    row.exhausted_p95 = csv.optional_time(columns[8]);
    releases.push_back(row);
  }
  return releases;
}

std::vector<project_outlook> read_project_outlooks(const std::filesystem::path& file, const simulation_setup& setup) {
  csv_input csv(file);
  const point_columns points(csv, setup);
  const std::size_t project = csv.column("project");
  const std::size_t organization = csv.column("organization");
  const std::array<std::size_t, 5> amounts = {csv.column("raised_p50"), csv.column("matched_p5"),
                                              csv.column("matched_p50"), csv.column("matched_p95"),
                                              csv.column("matched_mean")};
  const std::size_t cap_bound_runs = csv.column("cap_bound_runs");
  const std::size_t cap_bound_share = csv.column("cap_bound_share");
  const minor_digits_t digits = setup.minor_digits;
  std::vector<project_outlook> outlooks;
  while (csv.next()) {
    outlooks.push_back({points.point_of(csv), std::string(csv.text(project)), std::string(csv.text(organization)),
                        csv.amount(amounts[0], digits), csv.amount(amounts[1], digits),
                        csv.amount(amounts[2], digits), csv.amount(amounts[3], digits),
                        csv.amount(amounts[4], digits), csv.count(cap_bound_runs), csv.share(cap_bound_share)});
  }
  return outlooks;
}

std::vector<fund_curve> read_curves(const std::filesystem::path& file, const simulation_setup& setup) {
  csv_input csv(file);
  const point_columns points(csv, setup);
  const std::size_t fund = csv.column("fund");
  const std::size_t time = csv.column("time");
  const std::array<std::size_t, 3> available = {csv.column("available_p5"), csv.column("available_p50"),
                                                csv.column("available_p95")};
  std::vector<fund_curve> curves;
  while (csv.next()) {
    const std::size_t point = points.point_of(csv);
    const std::size_t fund_index = fund_of(csv, fund, setup);
    auto curve = std::find_if(curves.begin(), curves.end(),
                              [&](const fund_curve& c) { return c.point == point && c.fund == fund_index; });
    if (curve == curves.end()) curve = curves.insert(curves.end(), fund_curve{point, fund_index, {}});
    const std::int64_t at = csv.time(time).epoch_ms();
    if (!curve->points.empty() && at < curve->points.back().time_ms) csv.fail(time, "earlier than the row before");
    curve->points.push_back({at, csv.amount(available[0], setup.minor_digits).minor_units(),
                             csv.amount(available[1], setup.minor_digits).minor_units(),
                             csv.amount(available[2], setup.minor_digits).minor_units()});
  }
  return curves;
}

}  // namespace

simulation_outputs read_simulation_outputs(const std::filesystem::path& simulation_dir) {
  const json_input json(simulation_dir / "simulation.json");
  simulation_outputs outputs;
  outputs.setup = read_setup(json);
  check_digests(simulation_dir, json);
  outputs.runs = read_runs(simulation_dir / "runs.csv", outputs.setup);
  outputs.funds = read_fund_outlooks(simulation_dir / "funds.csv", outputs.setup);
  outputs.releases = read_release_outlooks(simulation_dir / "releases.csv", outputs.setup);
  outputs.projects = read_project_outlooks(simulation_dir / "projects.csv", outputs.setup);
  outputs.curves = read_curves(simulation_dir / "curves.csv", outputs.setup);
  return outputs;
}

}  // namespace matchfund::reporting
