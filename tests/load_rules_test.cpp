// The loader on valid rules: what the compiled rule set holds, exactly.
#include <catch2/catch.hpp>

#include "bundled_campaigns.hpp"

#include <filesystem>
#include <string>

#include "matchfund/load_rules.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;

namespace {

const std::filesystem::path source_dir = MATCHFUND_SOURCE_DIR;

money yuan(const char* text) { return parse_money(text, 2).value(); }
timestamp at(const char* text) { return parse_rfc3339(text).value(); }

// A small valid document to vary per test.
std::string campaign_header(const std::string& extra_campaign = "") {
  return "matchfund: 1\n"
         "campaign:\n"
         "  id: c\n"
         "  name: Test\n"
         "  currency: CNY\n"
         "  timezone: \"+08:00\"\n"
         "  start: 2021-09-07T00:00:00+08:00\n"
         "  end: 2021-09-10T00:00:00+08:00\n" +
         extra_campaign;
}

load_result load_text(const std::string& text) { return try_load_rules_text(text, "test.yaml", source_dir / "rules"); }

std::string all_messages(const load_result& result) {
  std::string text;
  for (const auto& d : result.diagnostics) text += d.to_string() + "\n";
  return text;
}

}  // namespace

TEST_CASE("the SPEC worked example compiles to exact values", "[load_rules]") {
  const rule_set rules = load_rules(source_dir / "rules" / "spec-worked-example.yaml");
  CHECK(rules.campaign().id == "worked-example");
  CHECK(rules.campaign().currency == "CNY");
  CHECK(rules.minor_digits() == 2);
  CHECK(rules.campaign().timezone.minutes() == 480);
  CHECK(rules.campaign().start == at("2021-09-07T00:00:00+08:00"));
  CHECK(rules.campaign().end == at("2021-09-09T00:00:00+08:00"));
  CHECK_FALSE(rules.campaign().seed.has_value());

  REQUIRE(rules.projects().size() == 3);
  CHECK(rules.projects()[0].id == "p1");
  CHECK(rules.organizations().size() == 3);
  CHECK(rules.organizations()[position(rules.projects()[2].organization)] == "o3");

  REQUIRE(rules.funds().size() == 1);
  const fund_spec& fund = rules.funds()[0];
  CHECK(fund.id == "F");
  CHECK(fund.funder == "Example Foundation");
  CHECK(fund.budget == yuan("100.00"));
  REQUIRE(fund.releases.size() == 2);
  CHECK(fund.releases[0].at == at("2021-09-07T10:00:00+08:00"));
  CHECK(fund.releases[0].amount == yuan("60.00"));
  CHECK(fund.releases[1].at == at("2021-09-08T10:00:00+08:00"));
  CHECK(fund.releases[1].amount == yuan("40.00"));
  CHECK_FALSE(fund.expire_unused);
  CHECK_FALSE(fund.leftover.has_value());

  REQUIRE(rules.rules().size() == 1);
  const rule_spec& rule = rules.rules()[0];
  CHECK(rule.id == "M");
  REQUIRE(rule.sources.size() == 1);
  CHECK(rule.sources[0] == fund_index{0});
  REQUIRE(std::holds_alternative<fixed_ratio_formula>(rule.match));
  CHECK(std::get<fixed_ratio_formula>(rule.match).value == ratio::whole(1));
  REQUIRE(rule.windows.size() == 1);
  CHECK(rule.windows[0].from == rules.campaign().start);
  CHECK(rule.windows[0].to == rules.campaign().end);
  REQUIRE(rule.windows[0].daily.has_value());
  CHECK(rule.windows[0].daily->start.seconds_since_midnight() == 10 * 3600);
  CHECK(rule.windows[0].daily->end.seconds_since_midnight() == 24 * 3600);
  CHECK(rule.partial == partial_mode::clip);
  CHECK(rule.round == rounding::floor);
  CHECK(rule.on_refund == refund_disposition::give_back);
  CHECK(rule.eligible.is_always());

  REQUIRE(rule.own_caps.size() == 1);
  const cap_spec& cap = rules.cap(rule.own_caps[0]);
  CHECK(cap.id == "rules[0].caps[0]");
  CHECK(cap.per == cap_scope::donor);
  CHECK(cap.period.kind() == period_kind::day);
  CHECK(cap.measure == cap_measure::match);
  CHECK(cap.max == yuan("30.00").minor_units());
  CHECK(cap.rules == std::vector<rule_index>{rule_index{0}});
  CHECK_FALSE(cap.shared);

  CHECK(rules.find_fund("F") == fund_index{0});
  CHECK(rules.find_rule("M") == rule_index{0});
  CHECK(rules.find_project("p2") == project_index{1});
  CHECK_FALSE(rules.find_project("nope").has_value());
}

TEST_CASE("every bundled rules file loads", "[load_rules]") {
  const auto names = matchfund::testing::bundled_rules_names(source_dir / "rules");
  CHECK(names.size() == matchfund::testing::bundled_rules_files);
  for (const std::string& name : names) {
    INFO(name);
    const auto result = try_load_rules(source_dir / "rules" / (name + ".yaml"));
    INFO(all_messages(result));
    CHECK(result.ok());
  }
}

TEST_CASE("Tencent 2018: daily tranches, evaluation order, shared caps, tiers, CSV projects", "[load_rules]") {
  const rule_set rules = load_rules(source_dir / "rules" / "tencent-99-2018.yaml");
  CHECK(rules.campaign().seed == 20180907);
  REQUIRE(rules.projects().size() == 40);
  CHECK(rules.projects()[4].id == "proj-005");
  CHECK(rules.projects()[4].tags == std::vector<std::string>{"enterprise-a"});
  CHECK(rules.projects()[0].tags.empty());
  REQUIRE(rules.projects()[0].region.has_value());
  CHECK(rules.regions()[position(*rules.projects()[0].region)] == "上海");

  const fund_spec& tencent = rules.fund(*rules.find_fund("tencent"));
  CHECK(tencent.budget == yuan("2.9999亿"));
  REQUIRE(tencent.releases.size() == 3);
  CHECK(tencent.releases[2].at == at("2018-09-09T09:00:00+08:00"));
  CHECK(tencent.releases[2].amount == yuan("9999万"));

  // Priority decides the order; equal priorities keep file order.
  REQUIRE(rules.rules().size() == 4);
  CHECK(rules.rules()[0].id == "tencent-random");
  CHECK(rules.rules()[1].id == "red-flower-bonus");
  CHECK(rules.rules()[2].id == "enterprise-a-match");
  CHECK(rules.rules()[3].id == "enterprise-b-match");
  CHECK(rules.rules()[3].file_order == 3);

  const auto& random = std::get<random_ratio_formula>(rules.rules()[0].match);
  CHECK(random.min == parse_ratio("0.05").value());
  CHECK(random.max == ratio::whole(1));
  CHECK(random.step == parse_ratio("0.05").value());
  CHECK(random.choices == 20);
  CHECK(rules.rules()[0].chance == parse_probability("0.7").value());
  CHECK(rules.rules()[0].min_donation == yuan("1.00"));

  const auto& bonus = std::get<bonus_formula>(rules.rules()[1].match);
  CHECK(bonus.rule == rule_index{0});
  const auto& tiers = std::get<tiered_ratio_formula>(bonus.scale).tiers;
  REQUIRE(tiers.size() == 3);
  CHECK(tiers[0].value == parse_ratio("0.30").value());
  REQUIRE(tiers[0].when.has_value());
  const condition_leaf& leaf = tiers[0].when->leaf;
  CHECK(leaf.field.kind == field_kind::donation_attribute);
  CHECK(leaf.op == compare_op::greater_equal);
  REQUIRE(leaf.operands.size() == 1);
  CHECK(std::get<std::int64_t>(leaf.operands[0]) == 199);
  REQUIRE(leaf.fallback.has_value());
  CHECK(std::get<std::int64_t>(*leaf.fallback) == 0);

  REQUIRE(rules.attributes(attribute_owner::donation).size() == 1);
  CHECK(rules.attributes(attribute_owner::donation)[0].name == "flowers");
  CHECK(rules.attributes(attribute_owner::donation)[0].type == value_type::integer);

  // The shared 999-yuan cap limits the base match and the bonus together.
  const auto shared = *rules.rules()[0].shared_caps.begin();
  CHECK(rules.rules()[1].shared_caps == std::vector<cap_index>{shared});
  const cap_spec& cap = rules.cap(shared);
  CHECK(cap.id == "tencent-999-per-person-per-day");
  CHECK(cap.shared);
  CHECK(cap.rules == std::vector<rule_index>{rule_index{0}, rule_index{1}});
  CHECK(cap.max == yuan("999.00").minor_units());

  const cap_spec& count = rules.cap(rules.rules()[0].own_caps[0]);
  CHECK(count.measure == cap_measure::count);
  CHECK(count.per == cap_scope::donor_project);
  CHECK(count.max == 1);

  const condition& in_orgs = rules.rules()[3].eligible;
  REQUIRE(in_orgs.type == condition::kind::leaf);
  CHECK(in_orgs.leaf.op == compare_op::in);
  REQUIRE(in_orgs.leaf.operands.size() == 2);
  CHECK(std::get<std::string>(in_orgs.leaf.operands[1]) == "org-07");
}

TEST_CASE("attributes take their type from the rules", "[load_rules]") {
  const std::string text = campaign_header() +
                           "projects:\n"
                           "  - { id: p1, organization: o, attr: { level: 3, pledge: \"1000\", note: hello } }\n"
                           "  - { id: p2, organization: o, attr: { level: \"2.5\" } }\n"
                           "funds:\n"
                           "  - { id: f, budget: \"100.00\", sub_budgets: { per: project, amount_from: project.attr.pledge } }\n"
                           "rules:\n"
                           "  - id: r\n"
                           "    sources: [f]\n"
                           "    ratio: \"1\"\n"
                           "    eligible: { any: [ { field: project.attr.level, op: \">=\", value: 2 },\n"
                           "                       { field: project.attr.level, op: \"<\", value: \"0.5\" } ] }\n";
  const auto result = load_text(text);
  INFO(all_messages(result));
  REQUIRE(result.ok());
  const rule_set& rules = *result.rules;
  // An integer and an amount together make an amount (SPEC §11.7): "3" is 3.00 and "2.5" is 2.50.
  const auto project_attributes = rules.attributes(attribute_owner::project);
  REQUIRE(project_attributes.size() == 2);
  CHECK(project_attributes[0].name == "level");
  CHECK(project_attributes[0].type == value_type::money);
  CHECK(project_attributes[1].name == "pledge");
  CHECK(project_attributes[1].type == value_type::money);
  CHECK(std::get<money>(*rules.projects()[0].attributes[0]) == yuan("3.00"));
  CHECK(std::get<money>(*rules.projects()[1].attributes[0]) == yuan("2.50"));
  CHECK(std::get<money>(*rules.projects()[0].attributes[1]) == yuan("1000.00"));
  CHECK_FALSE(rules.projects()[1].attributes[1].has_value());
  // Attributes no rule reads are kept as text only.
  CHECK(rules.projects()[0].attribute_texts.size() == 3);
  const auto& leaf = rules.rules()[0].eligible.children[0].leaf;
  CHECK(std::get<money>(leaf.operands[0]) == yuan("2.00"));
}

TEST_CASE("a rule's defaults and every option", "[load_rules]") {
  const std::string text = campaign_header("  seed: 7\n") +
                           "projects: [ { id: p1, organization: o } ]\n"
                           "funds: [ { id: f, budget: \"100.00\" } ]\n"
                           "rules:\n"
                           "  - id: a\n"
                           "    sources: [f]\n"
                           "    amount: { random: { min: \"1.00\", max: \"5.00\" } }\n"
                           "    partial: skip\n"
                           "    rounding: half_even\n"
                           "    exclusive: true\n"
                           "    on_refund: forfeit\n"
                           "    windows: [ { from: 2021-09-08T00:00:00+08:00, to: 2021-09-09T00:00:00+08:00 } ]\n"
                           "    settle: { when: { field: project.raised, op: \">=\", value: \"100万\" } }\n"
                           "    caps:\n"
                           "      - { per: \"attr:donor.attr.employer\", period: year, year_start: \"04-01\", measure: donation, max: 1000 }\n";
  const auto result = load_text(text);
  INFO(all_messages(result));
  REQUIRE(result.ok());
  const rule_spec& rule = result.rules->rules()[0];
  const auto& amount = std::get<random_amount_formula>(rule.match);
  CHECK(amount.min == yuan("1.00"));
  CHECK(amount.max == yuan("5.00"));
  CHECK(rule.partial == partial_mode::skip);
  CHECK(rule.round == rounding::half_even);
  CHECK(rule.exclusive);
  CHECK(rule.on_refund == refund_disposition::forfeit);
  CHECK(rule.windows[0].from == at("2021-09-08T00:00:00+08:00"));
  CHECK_FALSE(rule.windows[0].daily.has_value());
  REQUIRE(rule.settle.has_value());
  REQUIRE(rule.settle->when.has_value());
  CHECK_FALSE(rule.settle->payments.has_value());
  CHECK(std::get<money>(rule.settle->when->leaf.operands[0]) == yuan("1000000.00"));
  const cap_spec& cap = result.rules->cap(rule.own_caps[0]);
  CHECK(cap.per == cap_scope::field);
  CHECK(cap.scope_field->kind == field_kind::donor_attribute);
  CHECK(cap.period == cap_period::year_from({4, 1}));
  CHECK(cap.measure == cap_measure::donation);
  CHECK(cap.max == yuan("1000.00").minor_units());  // an integer amount is whole yuan
}

TEST_CASE("close-out steps and leftovers", "[load_rules]") {
  const std::string text = campaign_header() +
                           "projects:\n"
                           "  - { id: p1, organization: o1, region: r1, attr: { target: \"500.00\" } }\n"
                           "  - { id: p2, organization: o2, region: r1 }\n"
                           "funds:\n"
                           "  - { id: f, budget: \"100.00\", leftover: unrestricted }\n"
                           "  - { id: g, budget: \"50.00\", leftover: unrestricted }\n"
                           "  - { id: h, budget: \"10.00\" }\n"
                           "rules: [ { id: m, sources: [f], ratio: \"1\" } ]\n"
                           "closeout:\n"
                           "  - { id: unrestricted, kind: proportional, from: h, weight: project.donors, max_share: \"10%\" }\n"
                           "  - { id: qf, kind: quadratic, budget: \"500.00\", min_contribution: \"1.00\", saturation: gitcoin, cap: \"50.00\" }\n"
                           "  - { id: blocks, kind: fixed, budget: \"30.00\", amounts: [ { region: r1, amount: \"20.00\" }, { project: p2, amount: \"5.00\", when: { field: project.raised, op: \">\", value: 0 } } ] }\n"
                           "  - { id: challenge, kind: challenge, from: h, target_from: project.attr.target, pay: { ratio: \"1\", cap: \"100.00\" }, all_or_nothing: false }\n"
                           "  - { id: retro, kind: rematch, rule: m }\n"
                           "  - { id: share, kind: equal, budget: \"1.00\", eligible: { field: project.attr.target, op: \">\", value: 0, default: 0 } }\n";
  const auto result = load_text(text);
  INFO(all_messages(result));
  REQUIRE(result.ok());
  const auto steps = result.rules->closeout();
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].kind == closeout_kind::proportional);
  CHECK(steps[0].from == fund_index{2});
  CHECK(steps[0].leftover_funds == std::vector<fund_index>{fund_index{0}, fund_index{1}});
  CHECK(steps[0].weight->kind == field_kind::project_donors);
  CHECK(steps[0].max_share == ratio::from_millionths(100'000));
  CHECK(result.rules->funds()[0].leftover == closeout_index{0});
  CHECK(steps[1].saturation == quadratic_saturation::gitcoin);
  CHECK(steps[1].min_contribution == yuan("1.00"));
  CHECK(steps[1].cap == yuan("50.00"));
  REQUIRE(steps[2].amounts.size() == 2);
  CHECK(steps[2].amounts[0].target == fixed_target::region);
  CHECK(steps[2].amounts[1].target == fixed_target::project);
  CHECK(steps[2].amounts[1].index == 1);
  CHECK(steps[2].amounts[1].when.has_value());
  CHECK(steps[3].field.kind == field_kind::project_raised);
  CHECK(steps[3].target_from->kind == field_kind::project_attribute);
  CHECK(steps[3].pay_ratio == ratio::whole(1));
  CHECK(steps[3].pay_cap == yuan("100.00"));
  CHECK_FALSE(steps[3].all_or_nothing);
  CHECK(steps[4].rule == rule_index{0});
  CHECK(steps[5].kind == closeout_kind::equal);
}

TEST_CASE("embedded tests keep their events and expectations", "[load_rules]") {
  const rule_set rules = load_rules(source_dir / "rules" / "bigive-christmas-challenge.yaml");
  REQUIRE(rules.tests().size() == 2);
  CHECK(rules.tests()[1].id == "an-expired-hold-frees-its-match-for-the-next-donor");
  CHECK(rules.tests()[1].events[1].fields[0] == std::pair<std::string, std::string>{"kind", "hold"});
  const embedded_test& test = rules.tests()[0];
  CHECK(test.id == "pledges-first-then-champion");
  REQUIRE(test.events.size() == 2);
  CHECK(test.events[1].fields[0] == std::pair<std::string, std::string>{"id", "d2"});
  REQUIRE(test.matched.size() == 2);
  CHECK(test.matched[1].donation_id == "d2");
  CHECK(test.matched[1].amount == parse_money("1500.00", 2).value());
  REQUIRE(test.funds.size() == 2);
  CHECK(test.funds[1].column == fund_column::drawn);
  CHECK(std::get<money>(test.funds[1].value) == parse_money("1000.00", 2).value());
}

TEST_CASE("the throwing and the non-throwing API agree", "[load_rules]") {
  const std::string text = campaign_header() + "projects: []\nfunds: []\nrules: []\nbogus: 1\n";
  const auto result = load_text(text);
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].to_string() == "test.yaml:12:1: bogus: unknown key \"bogus\" [unknown_key]");
  try {
    (void)load_rules_text(text, "test.yaml", source_dir);
    FAIL("load_rules_text did not throw");
  } catch (const rules_error& e) {
    CHECK(e.diagnostics() == result.diagnostics);
    CHECK(std::string(e.what()) == result.diagnostics[0].to_string());
  }
}

TEST_CASE("an unreadable file is a diagnostic, not an exception", "[load_rules]") {
  const auto result = try_load_rules(source_dir / "rules" / "no-such-file.yaml");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].code == diagnostic_code::file_unreadable);
  CHECK_THROWS_AS(load_rules(source_dir / "rules" / "no-such-file.yaml"), rules_error);
}

TEST_CASE("columns count characters, not bytes", "[load_rules]") {
  const std::string text = campaign_header() + "projects: [ { id: 项目一, organization: 机构, 未知: 1 } ]\nfunds: []\nrules: []\n";
  const auto result = load_text(text);
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].to_string() ==
        "test.yaml:9:42: projects[0].未知: unknown key \"未知\" [unknown_key]");
}

namespace {

// A campaign in `timezone` from `start` to `end`: one fund, one rule with a daily (or, for
// campaigns longer than daily caps allow, whole-campaign), a yearly and a whole-campaign cap, a
// shared daily cap (the same), and an embedded test that expects `exhausted_at`.
std::string campaign_of(const std::string& zone, const std::string& start, const std::string& end,
                        const std::string& exhausted_at = "\"\"", bool daily_caps = true) {
  const std::string day = daily_caps ? "day" : "campaign";
  return "matchfund: 1\n"
         "campaign:\n"
         "  id: c\n"
         "  name: Test\n"
         "  currency: CNY\n"
         "  timezone: \"" + zone + "\"\n"
         "  start: " + start + "\n"
         "  end: " + end + "\n"
         "projects: [ { id: p1, organization: o1 } ]\n"
         "funds: [ { id: F, budget: \"100.00\" } ]\n"
         "rules:\n"
         "  - id: M\n"
         "    sources: [F]\n"
         "    ratio: \"1\"\n"
         "    caps:\n"
         "      - { id: daily, per: donor, period: " + day + ", measure: match, max: \"30.00\" }\n"
         "      - { id: yearly, per: donor, period: year, year_start: \"04-01\", measure: match, max: \"300.00\" }\n"
         "      - { id: whole, per: donor, measure: match, max: \"3000.00\" }\n"
         "caps:\n"
         "  - { id: shared, per: project, period: " + day + ", measure: count, max: 10, rules: [M] }\n"
         "tests:\n"
         "  - id: t\n"
         "    events: []\n"
         "    expect: { funds: { F: { exhausted_at: " + exhausted_at + " } } }\n";
}

}  // namespace

TEST_CASE("every time of a rules file that may be printed is writable in the campaign's timezone", "[load_rules]") {
  const auto messages = [](const std::string& text) { return all_messages(load_text(text)); };
  // Campaigns reaching the years 0000 or 9999 are longer than daily caps can count.
  const auto wide = [](const std::string& zone, const std::string& from, const std::string& to) {
    return campaign_of(zone, from, to, "\"\"", false);
  };
  const std::string start = "2021-09-07T00:00:00+08:00";
  const std::string end = "2021-09-10T00:00:00+08:00";

  // The last instant a +08:00 campaign can write, and the first after it (the year 10000 there).
  const rule_set last = load_rules_text(wide("+08:00", start, "9999-12-31T23:59:59.999+08:00"), "test.yaml", source_dir);
  CHECK(last.campaign().end.epoch_ms() == latest_epoch_ms - 8 * 3'600'000);
  CHECK(format_rfc3339(last.campaign().end, last.campaign().timezone) == "9999-12-31T23:59:59.999+08:00");
  CHECK(messages(wide("+08:00", start, "9999-12-31T16:00:00Z")) ==
        "test.yaml:8:8: campaign.end: time \"9999-12-31T16:00:00Z\" cannot be written in the campaign's timezone "
        "+08:00: it falls outside the years 0000 to 9999 there [time_not_writable]\n");
  // Beyond the years 0000 to 9999 in UTC, whatever the campaign's offset: not a time at all.
  CHECK(messages(wide("-23:59", start, "9999-12-31T23:59:59-23:59")) ==
        "test.yaml:8:8: campaign.end: invalid time \"9999-12-31T23:59:59-23:59\": outside the years 0000 to 9999 in "
        "UTC [bad_time]\n");

  // The first instant: in +08:00 the UTC range binds (0000-01-01T00:00:00Z is 08:00 there); in
  // -05:00 the campaign's own.
  const rule_set first = load_rules_text(wide("+08:00", "0000-01-01T00:00:00Z", end), "test.yaml", source_dir);
  CHECK(first.campaign().start.epoch_ms() == earliest_epoch_ms);
  CHECK(format_rfc3339(first.campaign().start, first.campaign().timezone) == "0000-01-01T08:00:00.000+08:00");
  const rule_set first_behind = load_rules_text(wide("-05:00", "0000-01-01T00:00:00-05:00", end), "test.yaml", source_dir);
  CHECK(format_rfc3339(first_behind.campaign().start, first_behind.campaign().timezone) ==
        "0000-01-01T00:00:00.000-05:00");
  CHECK(messages(wide("-05:00", "0000-01-01T04:59:59.999Z", end)) ==
        "test.yaml:7:10: campaign.start: time \"0000-01-01T04:59:59.999Z\" cannot be written in the campaign's "
        "timezone -05:00: it falls outside the years 0000 to 9999 there [time_not_writable]\n");

  // A test's expected exhausted_at is printed when the test fails.
  CHECK(messages(campaign_of("+08:00", start, end, "9999-12-31T23:59:59Z")) ==
        "test.yaml:24:43: tests[0].expect.funds.F.exhausted_at: time \"9999-12-31T23:59:59Z\" cannot be written in "
        "the campaign's timezone +08:00: it falls outside the years 0000 to 9999 there [time_not_writable]\n");
  CHECK(messages(campaign_of("+08:00", start, end, "9999-12-31T23:59:59.999+08:00")) == "");

  // An invalid timezone is reported alone: no offset to check the times against.
  CHECK(messages(wide("Asia/Shanghai", start, "9999-12-31T23:59:59Z")) ==
        "test.yaml:6:13: campaign.timezone: invalid UTC offset \"Asia/Shanghai\": expected +HH:MM or -HH:MM "
        "[bad_timezone]\n");
}

TEST_CASE("a campaign spanning more periods than a cap can count is a load error at the cap's period", "[load_rules]") {
  const auto messages = [](const std::string& text) { return all_messages(load_text(text)); };
  const std::string refused_daily_caps =
      "test.yaml:16:42: rules[0].caps[0].period: the campaign spans 32,769 local days, more than the 32,768 "
      "periods a cap can count [period_limit]\n"
      "test.yaml:20:41: caps[0].period: the campaign spans 32,769 local days, more than the 32,768 periods a "
      "cap can count [period_limit]\n";
  // 32,768 local days (1970-01-01 to 2059-09-18): the most a cap can count.
  const rule_set longest =
      load_rules_text(campaign_of("+08:00", "1970-01-01T00:00:00+08:00", "2059-09-19T00:00:00+08:00"), "test.yaml",
                      source_dir);
  CHECK(longest.caps().size() == 4);
  // One more day: both daily caps, a rule's own and the shared one, are refused.
  CHECK(messages(campaign_of("+08:00", "1970-01-01T00:00:00+08:00", "2059-09-20T00:00:00+08:00")) == refused_daily_caps);
  // The end is exclusive: a campaign ending one millisecond into a day spans that day.
  CHECK(messages(campaign_of("+00:00", "1970-01-01T00:00:00Z", "2059-09-19T00:00:00Z")) == "");
  CHECK(messages(campaign_of("+00:00", "1970-01-01T00:00:00Z", "2059-09-19T00:00:00.001Z")) == refused_daily_caps);
  // The days are local: the same instants in another offset can span one more.
  CHECK(messages(campaign_of("+00:00", "1970-01-01T00:00:00+08:00", "2059-09-19T00:00:00+08:00")) ==
        "test.yaml:16:42: rules[0].caps[0].period: the campaign spans 32,769 local days, more than the 32,768 "
        "periods a cap can count [period_limit]\n"
        "test.yaml:20:41: caps[0].period: the campaign spans 32,769 local days, more than the 32,768 periods a "
        "cap can count [period_limit]\n");
  // Years and the whole campaign never come near it: the widest campaign there is loads with them.
  const rule_set widest = load_rules_text(
      campaign_of("+08:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999+08:00", "\"\"", false), "test.yaml",
      source_dir);
  CHECK(widest.caps().size() == 4);
  // ...and a daily cap is refused there with the count of its days.
  CHECK(messages(campaign_of("+08:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999+08:00")) ==
        "test.yaml:16:42: rules[0].caps[0].period: the campaign spans 3,652,425 local days, more than the 32,768 "
        "periods a cap can count [period_limit]\n"
        "test.yaml:20:41: caps[0].period: the campaign spans 3,652,425 local days, more than the 32,768 periods a "
        "cap can count [period_limit]\n");
}

TEST_CASE("a test event's attribute without a name is a load error, not an exception of run_embedded_tests",
          "[load_rules]") {
  const std::string text = campaign_header() +
                           "projects: [ { id: p1, organization: o1 } ]\n"
                           "funds: [ { id: F, budget: \"100.00\" } ]\n"
                           "rules: [ { id: M, sources: [F], ratio: \"1\" } ]\n"
                           "tests:\n"
                           "  - id: t\n"
                           "    events:\n"
                           "      - { id: d1, time: 2021-09-07T10:00:00+08:00, donor: a, project: p1, amount: \"1\", "
                           "attr: { \"\": x } }\n"
                           "    expect: { matched: { d1: { M: \"1.00\" } } }\n";
  CHECK(all_messages(load_text(text)) ==
        "test.yaml:15:96: tests[0].events[0].attr.: an event attribute must have a name [unknown_field]\n");
}

TEST_CASE("more caps than the engine can name is a load error at the first cap beyond", "[load_rules]") {
  // Top-level caps, one line each: caps[65535] is the last a rule set may have.
  const auto with_caps = [](std::size_t count) {
    std::string text = campaign_header() +
                       "projects: [ { id: p1, organization: o1 } ]\n"
                       "funds: [ { id: F, budget: \"100.00\" } ]\n"
                       "rules: [ { id: M, sources: [F], ratio: \"1\" } ]\n"
                       "caps:\n";
    for (std::size_t c = 0; c < count; ++c) text += "  - { per: donor, measure: count, max: 1, rules: [M] }\n";
    return text;
  };
  const auto most = load_text(with_caps(65'536));
  INFO(all_messages(most));
  REQUIRE(most.ok());
  CHECK(most.rules->caps().size() == 65'536);
  // Two beyond: the first is reported, the second says nothing more.
  CHECK(all_messages(load_text(with_caps(65'538))) ==
        "test.yaml:65549:5: caps[65536]: more than 65,536 caps in one rules file [cap_limit]\n");
}
