#include "write/summary_json.hpp"

#include <exception>

#include "matchfund/version.hpp"
#include "support/sha256.hpp"
#include "write/json_text.hpp"

namespace matchfund::detail {

namespace {

// `{"a": 1, "b": 2}` of names and values already written as JSON.
template <class Items, class Write>
std::string json_object(const Items& items, Write write) {
  std::string text = "{";
  bool first = true;
  for (const auto& item : items) {
    text += (first ? "" : ", ") + write(item);
    first = false;
  }
  return text + "}";
}

}  // namespace

std::string write_summary_json(const rule_set& rules, const replay_report& report, const projects_table& projects) {
  const auto amount = [&](money value) { return json_string(format_money(value, rules.minor_digits())); };
  std::string rules_digest;
  try {
    rules_digest = sha256_hex_of_file(rules.source_file());
  } catch (const std::exception&) {
    rules_digest.clear();  // rules loaded from text: no file to hash
  }
  std::string summary = "{\n  \"matchfund\": " + json_string(version_string) + ",\n";
  summary += "  \"rules\": {\"file\": " + json_string(rules.source_file()) + ", \"sha256\": " +
             json_string(rules_digest) + "},\n";
  summary += "  \"outputs\": {";
  for (std::size_t i = 0; i < report.digests.size(); ++i) {
    summary += (i == 0 ? "\n    " : ",\n    ") + json_string(report.digests[i].first) + ": " +
               json_string(report.digests[i].second);
  }
  summary += "\n  },\n";
  summary += "  \"events\": {\"read\": " + std::to_string(report.events_read) +
             ", \"processed\": " + std::to_string(report.events_processed) +
             ", \"rejected\": " + std::to_string(report.events_rejected) +
             ", \"donations\": " + std::to_string(report.donations) +
             (report.holds > 0 ? ", \"holds\": " + std::to_string(report.holds) : std::string()) + "},\n";
  summary += "  \"outcomes\": " + json_object(report.outcome_counts, [](const auto& entry) {
    return json_string(entry.first) + ": " + std::to_string(entry.second);
  }) + ",\n";
  summary += "  \"totals\": {\"raised\": " + amount(projects.raised) + ", \"matched\": " + amount(projects.matched) +
             ", \"closeout\": " + amount(projects.closeout) + "},\n";
  summary += "  \"invariants\": " + json_object(report.invariants, [](const invariant_result& invariant) {
    return json_string(invariant.name) + ": " + (invariant.holds ? "true" : "false");
  }) + "\n}\n";
  return summary;
}

}  // namespace matchfund::detail
