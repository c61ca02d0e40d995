#include "report/replay_inputs.hpp"

#include <array>

#include <fmt/format.h>

#include "matchfund/error.hpp"
#include "report/csv_input.hpp"
#include "report/json_input.hpp"

namespace matchfund::reporting {

namespace {

std::vector<std::pair<std::string, std::uint64_t>> read_counts(const json_input& json, const boost::json::object& root,
                                                               std::string_view key) {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  const boost::json::object& object = json.object_member(root, key, "");
  for (const auto& entry : object) {
    const std::string name(entry.key());
    counts.emplace_back(name, json.count_member(object, name, json_path("", key)));
  }
  return counts;
}

std::vector<fund_row> read_funds(const std::filesystem::path& file, minor_digits_t digits) {
  csv_input csv(file);
  const std::size_t id = csv.column("fund");
  const std::size_t exhausted = csv.column("exhausted_at");
  const std::array<std::string_view, 9> amount_columns = {"budget",   "released", "drawn",       "returned",
                                                          "forfeited", "expired", "closeout", "unallocated",
                                                          "available_end"};
  std::array<std::size_t, 9> at{};
  for (std::size_t i = 0; i < at.size(); ++i) at[i] = csv.column(amount_columns[i]);
  std::vector<fund_row> funds;
  while (csv.next()) {
    fund_row row;
    row.id = std::string(csv.text(id));
    money* const targets[] = {&row.budget,  &row.released, &row.drawn,       &row.returned,     &row.forfeited,
                              &row.expired, &row.closeout, &row.unallocated, &row.available_end};
    for (std::size_t i = 0; i < at.size(); ++i) *targets[i] = csv.amount(at[i], digits);
    row.exhausted_at = csv.optional_time(exhausted);
    funds.push_back(std::move(row));
  }
  return funds;
}

std::vector<project_row> read_projects(const std::filesystem::path& file, minor_digits_t digits) {
  csv_input csv(file);
  const std::size_t id = csv.column("project");
  const std::size_t organization = csv.column("organization");
  const std::size_t donations = csv.column("donations");
  const std::size_t donors = csv.column("donors");
  const std::size_t raised = csv.column("raised");
  const std::size_t refunded = csv.column("refunded");
  const std::size_t matched = csv.column("matched");
  const std::size_t closeout = csv.column("closeout");
  const std::size_t total = csv.column("total");
  std::vector<project_row> projects;
  while (csv.next()) {
    projects.push_back({std::string(csv.text(id)), std::string(csv.text(organization)), csv.count(donations),
                        csv.count(donors), csv.amount(raised, digits), csv.amount(refunded, digits),
                        csv.amount(matched, digits), csv.amount(closeout, digits), csv.amount(total, digits)});
  }
  return projects;
}

// ledger.csv, line by line: each fund's changes go to the depletion, close-out lines are kept.
void read_ledger(const std::filesystem::path& file, const rule_set& rules, replay_outputs& outputs) {
  csv_input csv(file);
  const std::size_t time = csv.column("time");
  const std::size_t kind = csv.column("kind");
  const std::size_t project = csv.column("project");
  const std::size_t rule = csv.column("rule");
  const std::size_t fund = csv.column("fund");
  const std::size_t amount = csv.column("amount");
  const std::size_t disposition = csv.column("disposition");
  depletion_builder depletion(rules);
  while (csv.next()) {
    ++outputs.ledger_lines;
    const timestamp at = csv.time(time);
    const money value = csv.amount(amount, rules.minor_digits());
    if (csv.text(kind) == "closeout") {
      outputs.closeout_payouts.push_back(
          {std::string(csv.text(rule)), std::string(csv.text(project)), std::string(csv.text(fund)), value});
    }
    outputs.last_ledger_time = at;
    if (csv.text(fund).empty() && csv.text(kind) == "closeout") continue;  // outside money: no fund of the rules
    const auto index = rules.find_fund(csv.text(fund));
    if (!index) csv.fail(fund, fmt::format("no fund \"{}\" in the rules", csv.text(fund)));
    money change;
    try {
      change = available_change(csv.text(kind), value, csv.text(disposition));
    } catch (const error& failure) {
      csv.fail(kind, failure.what());
    }
    depletion.add(position(*index), at, change);
  }
  outputs.depletion = depletion.finish();
}

money parse_total(const std::filesystem::path& replay_dir, const std::string& text, std::string_view key,
                  minor_digits_t digits) {
  const auto parsed = parse_money(text, digits);
  if (!parsed) {
    throw error(fmt::format("{}: \"totals\".\"{}\": {}", (replay_dir / "summary.json").generic_string(), key,
                            parsed.error()));
  }
  return *parsed;
}

}  // namespace

replay_summary read_replay_summary(const std::filesystem::path& replay_dir) {
  const json_input json(replay_dir / "summary.json");
  const boost::json::object& root = json.root();
  replay_summary summary;
  summary.version = json.string_member(root, "matchfund", "");
  const boost::json::object& rules = json.object_member(root, "rules", "");
  summary.rules_file = json.string_member(rules, "file", "\"rules\"");
  summary.rules_sha256 = json.string_member(rules, "sha256", "\"rules\"");
  const boost::json::object& events = json.object_member(root, "events", "");
  summary.events_read = json.count_member(events, "read", "\"events\"");
  summary.events_processed = json.count_member(events, "processed", "\"events\"");
  summary.events_rejected = json.count_member(events, "rejected", "\"events\"");
  summary.donations = json.count_member(events, "donations", "\"events\"");
  if (events.contains("holds")) summary.holds = json.count_member(events, "holds", "\"events\"");
  summary.outcomes = read_counts(json, root, "outcomes");
  const boost::json::object& totals = json.object_member(root, "totals", "");
  summary.raised = json.string_member(totals, "raised", "\"totals\"");
  summary.matched = json.string_member(totals, "matched", "\"totals\"");
  summary.closeout = json.string_member(totals, "closeout", "\"totals\"");
  const boost::json::object& invariants = json.object_member(root, "invariants", "");
  for (const auto& entry : invariants) {
    const std::string name(entry.key());
    summary.invariants.emplace_back(name, json.bool_member(invariants, name, "\"invariants\""));
  }
  return summary;
}

void check_rules_of_run(const std::filesystem::path& replay_dir, const replay_summary& summary,
                        const rule_set& rules) {
  if (rules.source_sha256() == summary.rules_sha256) return;
  throw error(fmt::format("{}: the rules file {} does not match the rules of the run (sha256 {}, the run's {})",
                          (replay_dir / "summary.json").generic_string(), rules.source_file(),
                          rules.source_sha256().empty() ? "unknown" : rules.source_sha256(), summary.rules_sha256));
}

replay_outputs read_replay_outputs(const std::filesystem::path& replay_dir, const rule_set& rules) {
  replay_outputs outputs;
  outputs.summary = read_replay_summary(replay_dir);
  check_rules_of_run(replay_dir, outputs.summary, rules);
  const minor_digits_t digits = rules.minor_digits();
  outputs.raised = parse_total(replay_dir, outputs.summary.raised, "raised", digits);
  outputs.matched = parse_total(replay_dir, outputs.summary.matched, "matched", digits);
  outputs.closeout = parse_total(replay_dir, outputs.summary.closeout, "closeout", digits);
  outputs.funds = read_funds(replay_dir / "funds.csv", digits);
  outputs.projects = read_projects(replay_dir / "projects.csv", digits);
  read_ledger(replay_dir / "ledger.csv", rules, outputs);
  return outputs;
}

}  // namespace matchfund::reporting
