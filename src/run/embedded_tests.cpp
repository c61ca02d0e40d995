#include "matchfund/embedded_tests.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "matchfund/bad_event.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/read_events.hpp"

namespace matchfund {

namespace {

std::string_view column_name(fund_column column) {
  constexpr std::string_view names[] = {"budget",   "released",  "drawn",       "returned",      "forfeited",
                                        "expired",  "closeout",  "unallocated", "available_end", "exhausted_at"};
  return names[static_cast<std::size_t>(column)];
}

money column_amount(const fund_spec& spec, const fund_totals& totals, fund_column column) {
  switch (column) {
    case fund_column::budget: return spec.budget;
    case fund_column::released: return totals.released;
    case fund_column::drawn: return totals.drawn;
    case fund_column::returned: return totals.returned;
    case fund_column::forfeited: return totals.forfeited;
    case fund_column::expired: return totals.expired;
    case fund_column::closeout: return totals.closeout;
    case fund_column::unallocated: return totals.unallocated;
    default: return totals.available();
  }
}

embedded_test_result run_one(const rule_set& rules, const embedded_test& test) {
  embedded_test_result result{test.id, {}};
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  const auto time = [&](const std::optional<timestamp>& t) {
    return t ? format_rfc3339(*t, rules.campaign().timezone) : std::string("never");
  };

  // The test's events as a file would give them: checked, duplicates refused in input order,
  // then in time order. A bad event fails the test (SPEC §11.12).
  std::vector<event> events;
  std::set<std::string, std::less<>> ids;
  for (const auto& fields : test.events) {
    auto parsed = event_from_fields(rules, fields.fields);
    if (const auto* reason = std::get_if<bad_event_reason>(&parsed)) {
      result.mismatches.push_back("event at line " + std::to_string(fields.position.line) + " is bad: " +
                                  to_string(*reason));
      continue;
    }
    event e = std::get<event>(std::move(parsed));
    e.line = fields.position.line;
    if (!ids.insert(e.id).second) {
      result.mismatches.push_back("event " + e.id + " is bad: " + std::string(to_string(bad_event_code::duplicate_id)));
      continue;
    }
    events.push_back(std::move(e));
  }
  std::stable_sort(events.begin(), events.end(), [](const event& a, const event& b) { return a.time < b.time; });

  engine matcher(rules);
  std::map<std::pair<std::string, std::size_t>, money> paid;  // (donation, rule) -> paid when evaluated
  for (const auto& e : events) {
    auto outcome = matcher.process(e);
    if (outcome.rejected) {
      result.mismatches.push_back("event " + e.id + " is bad: " + to_string(*outcome.rejected));
      continue;
    }
    for (const auto& evaluation : outcome.evaluations) paid[{e.id, position(evaluation.rule)}] = evaluation.paid;
  }
  matcher.finish();

  for (const auto& expected : test.matched) {
    const std::string& rule_id = rules.rule(expected.rule).id;
    const auto found = paid.find({expected.donation_id, position(expected.rule)});
    const std::string label = expected.donation_id + "." + rule_id;
    if (found == paid.end()) {
      result.mismatches.push_back(label + ": expected " + amount(expected.amount) + ", the donation was not evaluated");
    } else if (found->second != expected.amount) {
      result.mismatches.push_back(label + ": expected " + amount(expected.amount) + ", got " + amount(found->second));
    }
  }
  for (const auto& expected : test.funds) {
    const fund_spec& spec = rules.fund(expected.fund);
    const fund_totals& totals = matcher.fund(expected.fund);
    const std::string label = "funds." + spec.id + "." + std::string(column_name(expected.column));
    if (const auto* expected_time = std::get_if<std::optional<timestamp>>(&expected.value)) {
      if (*expected_time != totals.exhausted_at) {
        result.mismatches.push_back(label + ": expected " + time(*expected_time) + ", got " + time(totals.exhausted_at));
      }
      continue;
    }
    const money want = std::get<money>(expected.value);
    const money got = column_amount(spec, totals, expected.column);
    if (want != got) result.mismatches.push_back(label + ": expected " + amount(want) + ", got " + amount(got));
  }
  return result;
}

}  // namespace

std::vector<embedded_test_result> run_embedded_tests(const rule_set& rules) {
  std::vector<embedded_test_result> results;
  for (const auto& test : rules.tests()) results.push_back(run_one(rules, test));
  return results;
}

}  // namespace matchfund
