// What-if overrides and sweeps of a loaded rule set (rule_override.hpp): exact values after each
// setting, exact messages for each refusal, exact sweep points, and runs of the engine on
// overridden rules.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/rule_override.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;

namespace {

const std::filesystem::path rules_dir = std::filesystem::path(MATCHFUND_SOURCE_DIR) / "rules";

rule_set bundled(const char* name) { return load_rules(rules_dir / (std::string(name) + ".yaml")); }

std::string yuan_text(money amount) { return format_money(amount, 2); }
timestamp at(const char* text) { return parse_rfc3339(text).value(); }

rule_set with(const rule_set& rules, std::vector<rule_override> overrides) {
  return apply_overrides(rules, overrides);
}
rule_set with(const rule_set& rules, const std::string& key, const std::string& value) {
  return with(rules, {{key, value}});
}

const fund_spec& fund_of(const rule_set& rules, const char* id) { return rules.fund(*rules.find_fund(id)); }
const rule_spec& rule_of(const rule_set& rules, const char* id) { return rules.rule(*rules.find_rule(id)); }
const cap_spec& cap_of(const rule_set& rules, const char* id) {
  for (const cap_spec& cap : rules.caps()) {
    if (cap.id == id) return cap;
  }
  FAIL("no cap " << id);
  return rules.caps().front();
}

std::vector<std::string> release_texts(const fund_spec& fund) {
  std::vector<std::string> texts;
  for (const release_spec& release : fund.releases) texts.push_back(yuan_text(release.amount));
  return texts;
}

// A small campaign with what the bundled ones lack: a fixed amount, a cap read from an
// attribute, a budget of 0, releases summing to less than the budget, a step without a budget,
// and no seed.
const char* const small_campaign = R"(matchfund: 1
campaign:
  id: small
  name: Small
  currency: CNY
  timezone: "+08:00"
  start: 2024-01-01T00:00:00+08:00
  end: 2024-01-03T00:00:00+08:00
projects:
  - { id: p1, organization: o1, attr: { limit: "100.00" } }
funds:
  - id: pool
    budget: "100.00"
    releases:
      - { at: 2024-01-01T00:00:00+08:00, amount: "30.00" }
      - { at: 2024-01-02T00:00:00+08:00, amount: "30.00" }
  - id: empty
    budget: 0
    leftover: spread
rules:
  - id: flat
    sources: [pool]
    amount: "5.00"
    caps:
      - { id: per-project, per: project, measure: match, max_from: project.attr.limit }
closeout:
  - { id: spread, kind: equal }
)";

rule_set small() { return load_rules_text(small_campaign, "small.yaml", rules_dir); }

}  // namespace

TEST_CASE("parse_override splits KEY=VALUE and knows the forms of the keys", "[override]") {
  auto parsed = parse_override("funds.tencent.budget=5000万");
  REQUIRE(parsed);
  CHECK(parsed->key == "funds.tencent.budget");
  CHECK(parsed->value == "5000万");
  // The id is whatever lies between the prefix and the suffix, brackets and dots included.
  parsed = parse_override("caps.rules[0].caps[1].max=15");
  REQUIRE(parsed);
  CHECK(*parsed == rule_override{"caps.rules[0].caps[1].max", "15"});
  CHECK(parse_override("funds.a=b.releases[12].amount=7")->key == "funds.a=b.releases[12].amount");
  CHECK(parse_override("campaign.seed=-3")->value == "-3");

  CHECK(parse_override("funds.tencent.budget").error() == "funds.tencent.budget: expected KEY=VALUE");
  CHECK(parse_override("=5").error() == "=5: expected KEY=VALUE");
  const std::string forms =
      "unknown setting (expected one of funds.ID.budget, funds.ID.releases[K].amount, rules.ID.ratio, "
      "rules.ID.ratio.min, rules.ID.ratio.max, rules.ID.probability, rules.ID.amount, rules.ID.min_donation, "
      "rules.ID.matchable_max, caps.ID.max, closeout.ID.budget, campaign.seed)";
  CHECK(parse_override("funds.tencent.bugdet=1").error() == "funds.tencent.bugdet=1: " + forms);
  CHECK(parse_override("funds.budget=1").error() == "funds.budget=1: " + forms);
  CHECK(parse_override("funds.t.releases[01].amount=1").error() == "funds.t.releases[01].amount=1: " + forms);
  CHECK(parse_override("campaign.seeds=1").error() == "campaign.seeds=1: " + forms);
  // apply_overrides checks overrides built without parse_override the same way.
  CHECK_THROWS_WITH(with(bundled("spec-worked-example"), "rules.M.ratio.step", "1"), "rules.M.ratio.step=1: " + forms);
}

TEST_CASE("a fund's budget scales its releases by the largest remainders", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  // Three daily 9999万 tranches (2.9997亿) under a 2.9999亿 budget, scaled to 1亿: each is
  // 3333111103.7 fen exactly; floor(2.9997亿 x 1亿 / 2.9999亿) = 99993333.11 yuan wants 2 fen
  // more, which go to the first two (equal remainders: the earlier first).
  const rule_set scaled = with(tencent, "funds.tencent.budget", "1亿");
  const fund_spec& fund = fund_of(scaled, "tencent");
  CHECK(yuan_text(fund.budget) == "100000000.00");
  CHECK(release_texts(fund) == std::vector<std::string>{"33331111.04", "33331111.04", "33331111.03"});
  REQUIRE(fund.releases.size() == 3);
  CHECK(fund.releases[0].at == at("2018-09-07T09:00:00+08:00"));
  CHECK(fund.releases[2].at == at("2018-09-09T09:00:00+08:00"));
  // The original is untouched.
  CHECK(release_texts(fund_of(tencent, "tencent")) ==
        std::vector<std::string>{"99990000.00", "99990000.00", "99990000.00"});
  CHECK(yuan_text(fund_of(tencent, "tencent").budget) == "299990000.00");

  // Without a schedule the whole budget is released at the start: it stays so.
  const rule_set enterprise_rules = with(tencent, "funds.enterprise-a.budget", "1000万");
  const fund_spec& enterprise = fund_of(enterprise_rules, "enterprise-a");
  CHECK(yuan_text(enterprise.budget) == "10000000.00");
  CHECK(release_texts(enterprise) == std::vector<std::string>{"10000000.00"});
  CHECK(enterprise.releases[0].at == tencent.campaign().start);

  // Releases summing to the budget keep summing to it. 16666667 / 16666667 / 16666666 to 1.00:
  // shares 0.3333334, 0.3333334, 0.3333332; the one fen missing goes to the first.
  const rule_set chongqing_rules = with(bundled("chongqing-2022-rural-revitalization"), "funds.tencent.budget", "1");
  const fund_spec& chongqing = fund_of(chongqing_rules, "tencent");
  CHECK(yuan_text(chongqing.budget) == "1.00");
  CHECK(release_texts(chongqing) == std::vector<std::string>{"0.34", "0.33", "0.33"});

  // 60 / 40 to 33.33: shares 19.998 and 13.332; the fen goes to the larger remainder, the first.
  const rule_set worked = bundled("spec-worked-example");
  CHECK(release_texts(fund_of(with(worked, "funds.F.budget", "33.33"), "F")) == std::vector<std::string>{"20.00", "13.33"});
  // 60 / 40 to 77.77: shares 46.662 and 31.108; the larger remainder is now the second's.
  CHECK(release_texts(fund_of(with(worked, "funds.F.budget", "77.77"), "F")) == std::vector<std::string>{"46.66", "31.11"});
  CHECK(release_texts(fund_of(with(worked, "funds.F.budget", "0"), "F")) == std::vector<std::string>{"0.00", "0.00"});

  // Releases below the budget stay below it: 30 + 30 of 100, to 50, are 15 + 15.
  const rule_set halved = with(small(), "funds.pool.budget", "50");
  const fund_spec& pool = fund_of(halved, "pool");
  CHECK(yuan_text(pool.budget) == "50.00");
  CHECK(release_texts(pool) == std::vector<std::string>{"15.00", "15.00"});
}

TEST_CASE("a release's amount, and the budget that follows the releases", "[override]") {
  const rule_set worked = bundled("spec-worked-example");
  // 60 + 40 = 100 = the budget: the budget follows the new sum.
  const rule_set lowered = with(worked, "funds.F.releases[1].amount", "10");
  const fund_spec& f = fund_of(lowered, "F");
  CHECK(release_texts(f) == std::vector<std::string>{"60.00", "10.00"});
  CHECK(yuan_text(f.budget) == "70.00");
  CHECK(yuan_text(fund_of(with(worked, "funds.F.releases[0].amount", "1万"), "F").budget) == "10040.00");

  // 30 + 30 under 100: the budget stays, and the sum must stay within it.
  const rule_set rules = small();
  const rule_set raised = with(rules, "funds.pool.releases[0].amount", "70");
  const fund_spec& pool = fund_of(raised, "pool");
  CHECK(release_texts(pool) == std::vector<std::string>{"70.00", "30.00"});
  CHECK(yuan_text(pool.budget) == "100.00");
  CHECK_THROWS_WITH(with(rules, "funds.pool.releases[0].amount", "70.01"),
                    "funds.pool.releases[0].amount=70.01: the releases would sum to 100.01, more than the budget 100.00");

  // A budget of 0 has nothing to scale from; its release (0 at the start) sets it instead.
  CHECK_THROWS_WITH(with(rules, "funds.empty.budget", "10"),
                    "funds.empty.budget=10: the fund's budget is 0, so its releases cannot be scaled (set "
                    "funds.empty.releases[K].amount: the budget follows)");
  const rule_set filled = with(rules, "funds.empty.releases[0].amount", "10");
  const fund_spec& empty = fund_of(filled, "empty");
  CHECK(yuan_text(empty.budget) == "10.00");
  CHECK(release_texts(empty) == std::vector<std::string>{"10.00"});

  CHECK_THROWS_WITH(with(worked, "funds.F.releases[2].amount", "1"),
                    "funds.F.releases[2].amount=1: no release 2: the fund has 2 releases (releases[0] to releases[1])");
  CHECK_THROWS_WITH(with(rules, "funds.empty.releases[1].amount", "1"),
                    "funds.empty.releases[1].amount=1: no release 1: the fund has 1 release (releases[0])");
  CHECK_THROWS_WITH(with(worked, "funds.F.releases[0].amount", "10000000000000"),
                    "funds.F.releases[0].amount=10000000000000: the releases would sum to more than the money limit "
                    "of 10^15 minor units");
  // Daily tranches are releases like any other, by position.
  const rule_set no_third_day = with(bundled("tencent-99-2018"), "funds.tencent.releases[2].amount", "0");
  const fund_spec& tencent = fund_of(no_third_day, "tencent");
  CHECK(release_texts(tencent) == std::vector<std::string>{"99990000.00", "99990000.00", "0.00"});
  CHECK(yuan_text(tencent.budget) == "299990000.00");  // the releases were below it
}

TEST_CASE("values are read as in rules files, and refused with the reader's message", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.budget", "abc"),
                    "funds.tencent.budget=abc: invalid money \"abc\": expected digits with an optional fraction, then "
                    "optionally 万 or 亿");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.budget", "1.001"),
                    "funds.tencent.budget=1.001: money \"1.001\" is not a whole number of minor units (at most 2 "
                    "fraction digits)");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.budget", "-1"), "funds.tencent.budget=-1: amount -1.00 must not be negative");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.budget", "10000000000000.01"),
                    "funds.tencent.budget=10000000000000.01: money \"10000000000000.01\" exceeds the limit of 10^15 minor "
                    "units");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.releases[3].amount", "1"),
                    "funds.tencent.releases[3].amount=1: no release 3: the fund has 3 releases (releases[0] to "
                    "releases[2])");
  CHECK_THROWS_WITH(with(tencent, "funds.tencent.releases[0].amount", "1.0002亿"),
                    "funds.tencent.releases[0].amount=1.0002亿: the releases would sum to 300000000.00, more than the "
                    "budget 299990000.00");
  CHECK_THROWS_WITH(with(tencent, "funds.nope.budget", "1"),
                    "funds.nope.budget=1: no fund \"nope\" (the funds are tencent, enterprise-a, enterprise-b)");
  CHECK_THROWS_WITH(with(bundled("spec-worked-example"), "funds.G.budget", "1"),
                    "funds.G.budget=1: no fund \"G\" (the only fund is F)");
  CHECK_THROWS_WITH(with(tencent, "rules.nope.min_donation", "1"),
                    "rules.nope.min_donation=1: no rule \"nope\" (the rules are tencent-random, red-flower-bonus, "
                    "enterprise-a-match, enterprise-b-match)");
  CHECK_THROWS_WITH(with(tencent, "caps.nope.max", "1"),
                    "caps.nope.max=1: no cap \"nope\" (the caps are one-match-per-project-per-day, rules[2].caps[0], "
                    "tencent-999-per-person-per-day)");
  CHECK_THROWS_WITH(with(tencent, "closeout.nope.budget", "1"),
                    "closeout.nope.budget=1: no close-out step \"nope\" (the rule set has no close-out steps)");
}

TEST_CASE("a rule's ratio, range, probability, amount, minimum and matchable maximum", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  const rule_set half_again = with(tencent, "rules.enterprise-a-match.ratio", "150%");
  const auto& fixed = std::get<fixed_ratio_formula>(rule_of(half_again, "enterprise-a-match").match);
  CHECK(fixed.value == ratio::from_millionths(1'500'000));

  // A random ratio's bounds; choices follow: (1.00 - 0.50) / 0.05 + 1 = 11.
  const rule_set narrowed = with(tencent, "rules.tencent-random.ratio.min", "0.5");
  const auto& random = std::get<random_ratio_formula>(rule_of(narrowed, "tencent-random").match);
  CHECK(random.min == ratio::from_millionths(500'000));
  CHECK(random.max == ratio::whole(1));
  CHECK(random.choices == 11);
  const rule_set wider = with(tencent, "rules.tencent-random.ratio.max", "2");
  const auto& widened = std::get<random_ratio_formula>(rule_of(wider, "tencent-random").match);
  CHECK(widened.max == ratio::whole(2));
  CHECK(widened.choices == 40);
  CHECK(std::get<random_ratio_formula>(rule_of(tencent, "tencent-random").match).choices == 20);
  CHECK_THROWS_WITH(with(tencent, "rules.tencent-random.ratio.min", "0.07"),
                    "rules.tencent-random.ratio.min=0.07: the step 0.05 does not divide ratio.max - ratio.min = 0.93");
  CHECK_THROWS_WITH(with(tencent, "rules.tencent-random.ratio.min", "1.5"),
                    "rules.tencent-random.ratio.min=1.5: ratio.min 1.5 is above ratio.max 1");
  CHECK_THROWS_WITH(with(tencent, "rules.tencent-random.ratio.max", "0"),
                    "rules.tencent-random.ratio.max=0: ratio.max 0 is below ratio.min 0.05");

  // Each setting only on the formula that has it.
  CHECK_THROWS_WITH(with(tencent, "rules.tencent-random.ratio", "2"),
                    "rules.tencent-random.ratio=2: the rule's ratio is random (set rules.tencent-random.ratio.min or .max)");
  CHECK_THROWS_WITH(with(tencent, "rules.enterprise-a-match.ratio.max", "2"),
                    "rules.enterprise-a-match.ratio.max=2: the rule's ratio is fixed (set rules.enterprise-a-match.ratio)");
  CHECK_THROWS_WITH(with(tencent, "rules.enterprise-a-match.amount", "2"),
                    "rules.enterprise-a-match.amount=2: the rule's ratio is fixed (set rules.enterprise-a-match.ratio)");
  CHECK_THROWS_WITH(with(tencent, "rules.red-flower-bonus.ratio", "1"),
                    "rules.red-flower-bonus.ratio=1: the rule is a bonus on what rule tencent-random matched (ratio_of "
                    "cannot be overridden)");
  const rule_set rules = small();
  CHECK_THROWS_WITH(with(rules, "rules.flat.ratio", "1"), "rules.flat.ratio=1: the rule matches a fixed amount (set rules.flat.amount)");
  CHECK(std::get<fixed_amount_formula>(rule_of(with(rules, "rules.flat.amount", "7.5"), "flat").match).value ==
        money::from_minor(750));

  CHECK(rule_of(with(tencent, "rules.tencent-random.probability", "50%"), "tencent-random").chance ==
        probability::from_millionths(500'000));
  CHECK_THROWS_WITH(with(tencent, "rules.tencent-random.probability", "1.5"),
                    "rules.tencent-random.probability=1.5: probability \"1.5\" is greater than 1");
  // A draw needs a seed, as in the rules file; set in the same call, before, it is there.
  CHECK_THROWS_WITH(with(rules, "rules.flat.probability", "0.5"),
                    "rules.flat.probability=0.5: probability needs campaign.seed (set campaign.seed before it)");
  const rule_set drawn = with(rules, {{"campaign.seed", "7"}, {"rules.flat.probability", "0.5"}});
  CHECK(drawn.campaign().seed == 7);
  CHECK(rule_of(drawn, "flat").chance == probability::from_millionths(500'000));

  const rule_set limited = with(tencent, {{"rules.enterprise-b-match.min_donation", "10"},
                                          {"rules.enterprise-b-match.matchable_max", "1000.5"}});
  CHECK(rule_of(limited, "enterprise-b-match").min_donation == money::from_minor(1000));
  CHECK(rule_of(limited, "enterprise-b-match").matchable_max == money::from_minor(100050));
}

TEST_CASE("a cap's max, a close-out step's budget and the seed", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  CHECK(cap_of(with(tencent, "caps.tencent-999-per-person-per-day.max", "500"), "tencent-999-per-person-per-day").max ==
        50'000);
  CHECK(cap_of(with(tencent, "caps.rules[2].caps[0].max", "0.01万"), "rules[2].caps[0]").max == 10'000);
  // A count is an integer, as in the rules file.
  CHECK(cap_of(with(tencent, "caps.one-match-per-project-per-day.max", "3"), "one-match-per-project-per-day").max == 3);
  CHECK_THROWS_WITH(with(tencent, "caps.one-match-per-project-per-day.max", "1.5"),
                    "caps.one-match-per-project-per-day.max=1.5: expected an integer, got \"1.5\"");
  CHECK_THROWS_WITH(with(tencent, "caps.one-match-per-project-per-day.max", "-1"),
                    "caps.one-match-per-project-per-day.max=-1: integer -1 is out of range (0 to 1000000000000000)");
  CHECK_THROWS_WITH(with(small(), "caps.per-project.max", "1"),
                    "caps.per-project.max=1: the cap reads its max from project.attr.limit (max_from cannot be "
                    "overridden)");

  const rule_set unrestricted = bundled("tencent-99-2020-unrestricted");
  const rule_set more = with(unrestricted, "closeout.all-projects.budget", "9000万");
  CHECK(yuan_text(*more.closeout()[0].budget) == "90000000.00");
  CHECK_THROWS_WITH(with(unrestricted, "closeout.nope.budget", "1"),
                    "closeout.nope.budget=1: no close-out step \"nope\" (the close-out steps are all-projects, "
                    "million-club, joint-fundraising)");
  CHECK_THROWS_WITH(with(small(), "closeout.spread.budget", "1"),
                    "closeout.spread.budget=1: the step has no budget (only a step given one in the rules file can have "
                    "it overridden)");

  CHECK(with(tencent, "campaign.seed", "-42").campaign().seed == -42);
  CHECK_THROWS_WITH(with(tencent, "campaign.seed", "007"), "campaign.seed=007: expected an integer, got \"007\"");
  CHECK_THROWS_WITH(with(tencent, "campaign.seed", "9223372036854775808"),
                    "campaign.seed=9223372036854775808: integer 9223372036854775808 is out of range "
                    "(-9223372036854775808 to 9223372036854775807)");
}

TEST_CASE("overrides apply in order, and the digest names them", "[override]") {
  const rule_set worked = bundled("spec-worked-example");
  // The release follows the new budget, then is set; the budget follows the releases again.
  const rule_set both = with(worked, {{"funds.F.budget", "50"}, {"funds.F.releases[1].amount", "5"}});
  CHECK(release_texts(fund_of(both, "F")) == std::vector<std::string>{"30.00", "5.00"});
  CHECK(yuan_text(fund_of(both, "F").budget) == "35.00");
  // The first that fails stops the rest and is named.
  CHECK_THROWS_WITH(with(worked, {{"funds.F.budget", "50"}, {"funds.G.budget", "1"}, {"funds.F.budget", "x"}}),
                    "funds.G.budget=1: no fund \"G\" (the only fund is F)");

  // The digest is that of the canonical overrides: the same values however written.
  CHECK(both.source_file() == worked.source_file());
  CHECK(both.source_sha256().size() == 64);
  CHECK(both.source_sha256() != worked.source_sha256());
  CHECK(with(worked, "funds.F.budget", "50").source_sha256() == with(worked, "funds.F.budget", "50.00").source_sha256());
  CHECK(with(worked, "funds.F.budget", "50").source_sha256() != with(worked, "funds.F.budget", "51").source_sha256());
  CHECK(with(worked, {}).source_sha256() == worked.source_sha256());
}

TEST_CASE("sweeps: ranges and lists in canonical text", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  const sweep budgets = parse_sweep("funds.tencent.budget=1亿:3亿:5000万", tencent);
  CHECK(budgets.key == "funds.tencent.budget");
  CHECK(budgets.values == std::vector<std::string>{"100000000.00", "150000000.00", "200000000.00", "250000000.00",
                                                   "300000000.00"});
  CHECK(budgets.point(1) == rule_override{"funds.tencent.budget", "150000000.00"});
  CHECK(parse_sweep("rules.tencent-random.probability=0.5:1:25%", tencent).values ==
        std::vector<std::string>{"0.5", "0.75", "1"});
  CHECK(parse_sweep("rules.enterprise-a-match.ratio=1", tencent).values == std::vector<std::string>{"1"});
  CHECK(parse_sweep("caps.one-match-per-project-per-day.max=3,1,2", tencent).values ==
        std::vector<std::string>{"3", "1", "2"});
  CHECK(parse_sweep("caps.tencent-999-per-person-per-day.max=500,999,1000.5", tencent).values ==
        std::vector<std::string>{"500.00", "999.00", "1000.50"});
  CHECK(parse_sweep("campaign.seed=-1:1:1", tencent).values == std::vector<std::string>{"-1", "0", "1"});
  CHECK(parse_sweep("campaign.seed=1:1000:1", tencent).values.size() == 1000);
  // Each point applies to the rules as the simulation will apply it.
  const rule_set second = apply_overrides(tencent, std::vector<rule_override>{budgets.point(1)});
  CHECK(yuan_text(fund_of(second, "tencent").budget) == "150000000.00");
}

TEST_CASE("sweeps: every refusal names the sweep", "[override]") {
  const rule_set tencent = bundled("tencent-99-2018");
  const auto refused = [&](const char* text) {
    try {
      (void)parse_sweep(text, tencent);
    } catch (const error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("funds.tencent.budget") == "funds.tencent.budget: expected KEY=FROM:TO:STEP or KEY=V1,V2,...");
  CHECK(refused("funds.tencent.budget=") ==
        "funds.tencent.budget=: no values (expected KEY=FROM:TO:STEP or KEY=V1,V2,...)");
  CHECK(refused("funds.nope.budget=1:2:1") ==
        "funds.nope.budget=1:2:1: no fund \"nope\" (the funds are tencent, enterprise-a, enterprise-b)");
  CHECK(refused("funds.tencent.budgets=1:2:1").starts_with("funds.tencent.budgets=1:2:1: unknown setting (expected"));
  CHECK(refused("funds.tencent.budget=1亿:2亿") == "funds.tencent.budget=1亿:2亿: expected FROM:TO:STEP, got \"1亿:2亿\"");
  CHECK(refused("funds.tencent.budget=2亿:1亿:1000万") ==
        "funds.tencent.budget=2亿:1亿:1000万: FROM 200000000.00 is above TO 100000000.00");
  CHECK(refused("funds.tencent.budget=1亿:2亿:0") == "funds.tencent.budget=1亿:2亿:0: STEP must be more than 0");
  CHECK(refused("funds.tencent.budget=1亿:2亿:3000万") ==
        "funds.tencent.budget=1亿:2亿:3000万: TO 200000000.00 is not FROM 100000000.00 plus a whole number of steps "
        "of 30000000.00");
  CHECK(refused("funds.tencent.budget=x:2亿:3000万") ==
        "funds.tencent.budget=x:2亿:3000万: invalid money \"x\": expected digits with an optional fraction, then "
        "optionally 万 or 亿");
  CHECK(refused("campaign.seed=1:1001:1") == "campaign.seed=1:1001:1: the sweep has 1001 points, more than the 1000 allowed");
  CHECK(refused("campaign.seed=-9223372036854775808:9223372036854775807:1") ==
        "campaign.seed=-9223372036854775808:9223372036854775807:1: the sweep has 18446744073709551616 points, more "
        "than the 1000 allowed");
  CHECK(refused("funds.tencent.budget=1亿,,2亿") == "funds.tencent.budget=1亿,,2亿: empty value in the list");
  CHECK(refused("funds.tencent.budget=1亿,100000000") ==
        "funds.tencent.budget=1亿,100000000: the value 100000000.00 is listed twice");
  CHECK(refused("rules.tencent-random.probability=0.5:1.5:0.5") ==
        "rules.tencent-random.probability=0.5:1.5:0.5: probability \"1.5\" is greater than 1");
  // A point that cannot be applied is found before anything runs: 0.05, 0.4, 0.75, 1.1.
  CHECK(refused("rules.tencent-random.ratio.min=0.05:1.1:0.35") ==
        "rules.tencent-random.ratio.min=0.05:1.1:0.35: point rules.tencent-random.ratio.min=1.1: ratio.min 1.1 is "
        "above ratio.max 1");
  CHECK(refused("funds.tencent.releases[0].amount=0,1.0002亿") ==
        "funds.tencent.releases[0].amount=0,1.0002亿: point funds.tencent.releases[0].amount=100020000.00: the "
        "releases would sum to 300000000.00, more than the budget 299990000.00");
}

namespace {

// The events of the worked example (SPEC §10), through the real reader.
std::vector<event> worked_example_events(const rule_set& rules) {
  std::vector<event> events;
  read_event_text(
      rules,
      "kind,id,time,donor,project,amount,ref\n"
      "donation,d1,2021-09-07T09:59:00+08:00,A,p1,20.00,\n"
      "donation,d2,2021-09-07T10:00:00+08:00,A,p1,20.00,\n"
      "donation,d3,2021-09-07T10:05:00+08:00,A,p2,25.00,\n"
      "donation,d4,2021-09-07T11:00:00+08:00,B,p1,50.00,\n"
      "donation,d5,2021-09-07T12:00:00+08:00,C,p2,10.00,\n"
      "donation,d6,2021-09-08T10:30:00+08:00,A,p1,40.00,\n"
      "refund,r1,2021-09-08T11:00:00+08:00,,,50.00,d4\n"
      "donation,d7,2021-09-08T12:00:00+08:00,C,p2,10.00,\n",
      event_format::csv, "events.csv", 0, [&](event&& e) { events.push_back(std::move(e)); },
      [](rejected_event&& r) { FAIL("rejected " << r.id); });
  REQUIRE(events.size() == 8);
  return events;
}

struct decision {
  std::string paid;
  outcome code;
  std::string limit;
};

// Each donation's decision by its one rule, and the engine after the close.
std::pair<std::vector<decision>, fund_totals> run(const rule_set& rules) {
  engine e(rules);
  std::vector<decision> decisions;
  for (const event& ev : worked_example_events(rules)) {
    const auto result = e.process(ev);
    REQUIRE_FALSE(result.rejected.has_value());
    if (ev.kind != event_kind::donation) continue;
    const rule_evaluation& r = result.evaluations[0];
    decisions.push_back({yuan_text(r.paid), r.code, std::string(r.limit)});
  }
  e.finish();
  return {decisions, e.fund(fund_index{0})};
}

bool same(const decision& a, const decision& b) { return a.paid == b.paid && a.code == b.code && a.limit == b.limit; }

}  // namespace

TEST_CASE("the engine on overridden rules: a smaller budget, a lower cap", "[override]") {
  const rule_set worked = bundled("spec-worked-example");
  const auto [original, original_fund] = run(worked);
  REQUIRE(original.size() == 7);
  CHECK(same(original[2], {"10.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK(same(original[3], {"30.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK_FALSE(original_fund.exhausted_at.has_value());

  // 50.00 in 30.00 and 20.00: d2 takes 20 and d3 its cap's last 10, leaving nothing on the first
  // day (B and C find the fund empty); at 10:30 on the second day A's cap cuts 40 to 30 and the
  // fund pays the 20 of that day's tranche (the cap cut first, so it is the limit named).
  const auto [smaller, smaller_fund] = run(with(worked, "funds.F.budget", "50"));
  CHECK(same(smaller[1], {"20.00", outcome::matched, ""}));
  CHECK(same(smaller[2], {"10.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK(same(smaller[3], {"0.00", outcome::fund_empty, ""}));
  CHECK(same(smaller[4], {"0.00", outcome::fund_empty, ""}));
  CHECK(same(smaller[5], {"20.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK(same(smaller[6], {"0.00", outcome::fund_empty, ""}));
  CHECK(yuan_text(smaller_fund.released) == "50.00");
  CHECK(yuan_text(smaller_fund.drawn) == "50.00");
  CHECK(smaller_fund.exhausted_at == at("2021-09-08T10:30:00+08:00"));

  // A daily cap of 15: d2 is cut to 15, and A's next donation that day finds the cap spent.
  const auto [capped, capped_fund] = run(with(worked, "caps.rules[0].caps[0].max", "15"));
  CHECK(same(capped[1], {"15.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK(same(capped[2], {"0.00", outcome::cap_reached, "rules[0].caps[0]"}));
  CHECK(same(capped[3], {"15.00", outcome::partial, "rules[0].caps[0]"}));
  CHECK(same(capped[4], {"10.00", outcome::matched, ""}));
}
