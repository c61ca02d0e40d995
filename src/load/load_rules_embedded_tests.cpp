// Phase 5 of loading rules: embedded tests (SPEC §3.4), events to replay and what to expect of
// them. The events stay text here: replaying a test reads them as an event file would.
#include "load/rules_loader.hpp"

#include <iterator>
#include <set>

namespace matchfund::detail::loading {

namespace {

constexpr std::pair<std::string_view, fund_column> fund_column_names[] = {
    {"budget", fund_column::budget},       {"released", fund_column::released},
    {"drawn", fund_column::drawn},         {"returned", fund_column::returned},
    {"forfeited", fund_column::forfeited}, {"expired", fund_column::expired},
    {"closeout", fund_column::closeout},   {"unallocated", fund_column::unallocated},
    {"available_end", fund_column::available_end}, {"exhausted_at", fund_column::exhausted_at}};

}  // namespace

void rules_loader::read_tests(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  std::map<std::string, std::uint32_t, std::less<>> ids;  // id -> line where first given
  for (const auto& element : *elements) {
    embedded_test test;
    read_test(element, test);
    if (test.id.empty()) continue;
    const auto id_node = *child_of(element, "id");
    if (auto [first, inserted] = ids.emplace(test.id, id_node.at.line); !inserted) {
      report(id_node, "duplicate test id \"" + test.id + "\" (first at line " + std::to_string(first->second) + ")",
             diagnostic_code::duplicate_id);
      continue;
    }
    parts_.tests.push_back(std::move(test));
  }
}

void rules_loader::read_test(const located_node& node, embedded_test& test) {
  map_reader reader(node);
  if (!reader.valid()) return;
  if (auto id = reader.required("id")) test.id = detail::read_id(*id).value_or("");
  if (auto events = reader.required("events")) {
    if (auto elements = detail::read_list(*events)) {
      for (const auto& element : *elements) {
        if (auto event = read_test_event(element)) test.events.push_back(std::move(*event));
      }
    }
  }
  if (auto expect = reader.required("expect")) {
    map_reader expect_reader(*expect);
    if (auto matched = expect_reader.optional("matched")) read_expected_matches(*matched, test);
    if (auto funds = expect_reader.optional("funds")) read_expected_funds(*funds, test);
    expect_reader.finish();
  }
  reader.finish();
}

std::optional<test_event> rules_loader::read_test_event(const located_node& element) {
  map_reader event_reader(element);
  if (!event_reader.valid()) return std::nullopt;
  test_event event;
  event.position = element.at;
  for (auto key : {"kind", "id", "time", "donor", "project", "amount", "ref", "scope", "disposition", "channel"}) {
    auto field = event_reader.optional(key);
    if (!field) continue;
    auto text = detail::read_scalar_text(*field, "a scalar");
    if (!text) continue;
    event.fields.emplace_back(key, *text);
  }
  if (auto attr = event_reader.optional("attr")) {
    map_reader attributes(*attr);
    for (const auto& [key, value_node] : attributes.entries()) {
      if (key.node.Scalar().empty()) {
        // No field is named "attr." (an event file refuses such a column or key as well).
        report(key, "an event attribute must have a name", diagnostic_code::unknown_field);
        continue;
      }
      if (auto text = detail::read_scalar_text(value_node, "a scalar attribute value")) {
        event.fields.emplace_back("attr." + key.node.Scalar(), *text);
      }
    }
  }
  event_reader.finish();
  return event;
}

// expect.matched: donation id -> rule id -> amount.
void rules_loader::read_expected_matches(const located_node& matched, embedded_test& test) {
  std::set<std::string, std::less<>> event_ids;
  for (const auto& event : test.events) {
    for (const auto& [key, text] : event.fields) {
      if (key == "id") event_ids.insert(text);
    }
  }
  map_reader donations(matched);
  for (const auto& [donation_key, per_rule] : donations.entries()) {
    const std::string donation_id = donation_key.node.Scalar();
    if (!event_ids.contains(donation_id)) {
      report(donation_key, "no event of this test has id \"" + donation_id + "\"", diagnostic_code::unknown_donation);
    }
    map_reader rules(per_rule);
    for (const auto& [rule_key, amount_node] : rules.entries()) {
      auto rule = rule_ids_.find(rule_key.node.Scalar());
      if (!rule) {
        report(rule_key, "unknown rule \"" + rule_key.node.Scalar() + "\"", diagnostic_code::unknown_rule);
        continue;
      }
      if (auto amount = read_money_at(amount_node)) {
        test.matched.push_back({donation_id, index_at<rule_index>(*rule), *amount, amount_node.at});
      }
    }
  }
}

// expect.funds: fund id -> funds.csv column -> value.
void rules_loader::read_expected_funds(const located_node& funds, embedded_test& test) {
  map_reader fund_map(funds);
  for (const auto& [fund_key, columns] : fund_map.entries()) {
    auto fund = fund_ids_.find(fund_key.node.Scalar());
    if (!fund) report(fund_key, "unknown fund \"" + fund_key.node.Scalar() + "\"", diagnostic_code::unknown_fund);
    map_reader column_map(columns);
    for (const auto& [column_key, value_node] : column_map.entries()) {
      auto expected = read_expected_fund_value(column_key, value_node);
      if (!expected || !fund) continue;
      expected->fund = index_at<fund_index>(*fund);
      test.funds.push_back(std::move(*expected));
    }
  }
}

std::optional<expected_fund_value> rules_loader::read_expected_fund_value(const located_node& column_key,
                                                                          const located_node& value_node) {
  const std::string& column = column_key.node.Scalar();
  const auto found = std::find_if(std::begin(fund_column_names), std::end(fund_column_names),
                                  [&](const auto& entry) { return entry.first == column; });
  if (found == std::end(fund_column_names)) {
    report(column_key, "unknown column \"" + column + "\" of funds.csv", diagnostic_code::unknown_column);
    return std::nullopt;
  }
  expected_fund_value expected;
  expected.column = found->second;
  expected.position = value_node.at;
  if (expected.column == fund_column::exhausted_at) {
    auto text = detail::read_scalar_text(value_node, "a time or \"\"");
    if (!text) return std::nullopt;
    if (text->empty()) {
      expected.value = std::optional<timestamp>{};
    } else if (auto time = read_writable_time(value_node)) {
      expected.value = std::optional<timestamp>{*time};
    } else {
      return std::nullopt;
    }
    return expected;
  }
  auto amount = detail::read_scalar_text(value_node, "an amount");
  if (!amount) return std::nullopt;
  // Signed: funds.csv columns are never negative, but an expectation may say so and fail.
  auto parsed = parse_money(*amount, digits());
  if (!parsed) {
    report(value_node, parsed.error(), diagnostic_code::bad_money);
    return std::nullopt;
  }
  expected.value = *parsed;
  return expected;
}

}  // namespace matchfund::detail::loading
