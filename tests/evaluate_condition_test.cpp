// Conditions evaluated against field values: every operator on every type, defaults, missing
// values, and the all / any / not combinators.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "matchfund/evaluate_condition.hpp"
#include "matchfund/load_rules.hpp"

using namespace matchfund;

namespace {

// A rule set whose single rule has `eligible` as its condition.
rule_set rules_with_condition(const std::string& eligible) {
  const std::string text =
      "matchfund: 1\n"
      "campaign: { id: c, name: C, currency: CNY, timezone: \"+08:00\",\n"
      "            start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00 }\n"
      "projects: [ { id: p1, organization: o1 } ]\n"
      "funds: [ { id: f, budget: \"100.00\" } ]\n"
      "rules:\n"
      "  - { id: base, sources: [f], ratio: \"1\" }\n"
      "  - id: r\n"
      "    sources: [f]\n"
      "    ratio: \"1\"\n"
      "    eligible: " + eligible + "\n";
  return load_rules_text(text, "test.yaml", ".");
}

// Field values by field name; a name not in the map has no value.
struct fake_fields {
  std::map<std::string, field_value> values;
  field_reading operator()(const field_ref& field) const {
    const auto found = values.find(field.name);
    if (found == values.end()) return no_value{};
    return found->second;
  }
};

std::optional<bool> holds(const std::string& eligible, const fake_fields& fields) {
  const rule_set rules = rules_with_condition(eligible);
  return evaluate(rules.rules()[1].eligible, fields);
}

money yuan(const char* text) { return parse_money(text, 2).value(); }

}  // namespace

TEST_CASE("comparisons of amounts, integers, dates and clocks", "[condition]") {
  const fake_fields fields{{{"donation.amount", yuan("100.00")},
                            {"project.donors", std::int64_t{12}},
                            {"donation.local_date", parse_local_date("2021-09-08").value()},
                            {"donation.local_clock", parse_local_clock("10:30").value()}}};
  struct row {
    const char* condition;
    bool expected;
  };
  const row rows[] = {
      {"{ field: donation.amount, op: \">=\", value: 100 }", true},
      {"{ field: donation.amount, op: \">\", value: \"100.00\" }", false},
      {"{ field: donation.amount, op: \"<\", value: \"100.01\" }", true},
      {"{ field: donation.amount, op: \"<=\", value: \"99.99\" }", false},
      {"{ field: donation.amount, op: \"==\", value: \"0.01万\" }", true},
      {"{ field: donation.amount, op: \"!=\", value: 100 }", false},
      {"{ field: donation.amount, op: in, value: [1, 100, \"5.5\"] }", true},
      {"{ field: donation.amount, op: not_in, value: [1, \"5.5\"] }", true},
      {"{ field: project.donors, op: \">\", value: 11 }", true},
      {"{ field: project.donors, op: \"==\", value: 13 }", false},
      {"{ field: donation.local_date, op: \">=\", value: \"2021-09-08\" }", true},
      {"{ field: donation.local_date, op: \"<\", value: \"2021-09-08\" }", false},
      {"{ field: donation.local_clock, op: \"<\", value: \"10:30:01\" }", true},
      {"{ field: donation.local_clock, op: \">=\", value: \"10:31\" }", false},
  };
  for (const auto& r : rows) {
    INFO(r.condition);
    CHECK(holds(r.condition, fields) == r.expected);
  }
}

TEST_CASE("strings, tags and contains", "[condition]") {
  const std::vector<std::string> tags{"enterprise-a", "disaster"};
  const fake_fields fields{{{"project.id", std::string_view("proj-10086")},
                            {"donation.channel", std::string_view("微信一起捐")},
                            {"project.tags", std::span<const std::string>(tags)}}};
  CHECK(holds("{ field: project.id, op: \"==\", value: proj-10086 }", fields) == true);
  CHECK(holds("{ field: project.id, op: contains, value: \"10086\" }", fields) == true);
  CHECK(holds("{ field: donation.channel, op: contains, value: 一起捐 }", fields) == true);
  CHECK(holds("{ field: donation.channel, op: contains, value: 支付宝 }", fields) == false);
  CHECK(holds("{ field: project.tags, op: contains, value: disaster }", fields) == true);
  CHECK(holds("{ field: project.tags, op: contains, value: disas }", fields) == false);  // membership, not substring
  CHECK(holds("{ field: project.id, op: in, value: [a, proj-10086] }", fields) == true);
}

TEST_CASE("attributes: their values, defaults, and a missing one without default", "[condition]") {
  const fake_fields with{{{"donor.attr.vip", true}, {"donation.attr.flowers", std::int64_t{120}}}};
  const fake_fields without{};
  CHECK(holds("{ field: donor.attr.vip, op: \"==\", value: true }", with) == true);
  CHECK(holds("{ field: donation.attr.flowers, op: \">=\", value: 99 }", with) == true);
  // A default stands in for the missing value.
  CHECK(holds("{ field: donor.attr.vip, op: \"!=\", value: true, default: false }", without) == true);
  CHECK(holds("{ field: donation.attr.flowers, op: \">=\", value: 39, default: 0 }", without) == false);
  // No default: the condition cannot be decided (the event is bad).
  CHECK_FALSE(holds("{ field: donor.attr.vip, op: \"==\", value: true }", without).has_value());
  CHECK_FALSE(holds("{ not: { field: donor.attr.vip, op: \"==\", value: true } }", without).has_value());
}

TEST_CASE("a project without a region or category", "[condition]") {
  const fake_fields fields{};
  CHECK(holds("{ field: project.region, op: \"==\", value: 重庆 }", fields) == false);
  CHECK(holds("{ field: project.region, op: \"!=\", value: 重庆 }", fields) == true);
  CHECK(holds("{ field: project.category, op: in, value: [a, b] }", fields) == false);
  CHECK(holds("{ field: project.category, op: not_in, value: [a, b] }", fields) == true);
  CHECK(holds("{ field: project.region, op: contains, value: 庆 }", fields) == false);
}

TEST_CASE("all, any and not", "[condition]") {
  const fake_fields fields{{{"donation.amount", yuan("10.00")}, {"project.donors", std::int64_t{3}}}};
  CHECK(holds("{ all: [ { field: donation.amount, op: \">=\", value: 1 }, { field: project.donors, op: \"<\", value: 5 } ] }",
              fields) == true);
  CHECK(holds("{ all: [ { field: donation.amount, op: \">=\", value: 1 }, { field: project.donors, op: \">\", value: 5 } ] }",
              fields) == false);
  CHECK(holds("{ any: [ { field: donation.amount, op: \">=\", value: 100 }, { field: project.donors, op: \"==\", value: 3 } ] }",
              fields) == true);
  CHECK(holds("{ any: [ { field: donation.amount, op: \">=\", value: 100 }, { field: project.donors, op: \"==\", value: 4 } ] }",
              fields) == false);
  CHECK(holds("{ not: { field: donation.amount, op: \">=\", value: 100 } }", fields) == true);
  CHECK(holds("{ not: { not: { field: donation.amount, op: \">=\", value: 100 } } }", fields) == false);
  // A missing attribute without default is found even where the result would not need it.
  CHECK_FALSE(holds("{ any: [ { field: donation.amount, op: \">=\", value: 1 }, { field: donor.attr.x, op: \"==\", value: 1 } ] }",
                    fields)
                  .has_value());
}

TEST_CASE("rule.ID.matched and fund fields read like any other amount", "[condition]") {
  const fake_fields fields{{{"rule.base.matched", yuan("5.00")}, {"fund.f.available", yuan("0.00")}}};
  CHECK(holds("{ field: rule.base.matched, op: \">\", value: 0 }", fields) == true);
  CHECK(holds("{ field: fund.f.available, op: \">\", value: 0 }", fields) == false);
}
