#include "random_campaign.hpp"

#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "random_campaign_holds.hpp"
#include "random_campaign_recurring.hpp"
#include "synth/sampling.hpp"

namespace matchfund::testing {

namespace {

// Integer draws from one SplitMix64 stream. Values are taken one per statement, so that a seed
// gives the same campaign whatever order a compiler evaluates operands in.
class draws {
 public:
  explicit draws(std::uint64_t seed) : random_(seed) {}
  int pick(int low, int high) { return low + static_cast<int>(random_.below(static_cast<std::uint64_t>(high - low + 1))); }
  bool chance(int percent) { return pick(1, 100) <= percent; }

 private:
  detail::splitmix64 random_;
};

std::string money_text(int units) { return "\"" + std::to_string(units) + ".00\""; }

// A close-out step planned before the funds and rules are written (funds name steps in
// `leftover`, and a rematched rule gets caps so that it leaves something to rematch).
struct planned_step {
  std::string kind;
  int rule = 0;  // rematch: the rule
};

// Writes one campaign. The main stream draws the projects, funds, rules and events; close-out
// choices (and the events' close) draw from a stream of their own, so that adding them changes
// the rest of a campaign little; the last stream reorders events and repeats ids.
class campaign_writer {
 public:
  explicit campaign_writer(std::uint64_t seed)
      : seed_(seed), main_(seed), closeout_(seed ^ 0x9E3779B97F4A7C15ULL), order_(seed ^ 0xD1B54A32D192ED03ULL), holds_(seed), recurring_(seed) {}

  random_campaign write() {
    write_campaign_and_projects();
    rules_ = main_.pick(1, 4);
    plan_steps();
    write_funds();
    write_rules();
    write_closeout();
    write_events();
    c_.events_csv = recurring_.add_to(c_.events_csv);  // later instalments, when a rule settles on them
    c_.features.settled_by_payments = recurring_.settled_by_payments();
    if (holds_.enabled()) c_.events_csv = holds_.add_to(c_.events_csv, projects_);  // SPEC §12
    c_.features.holds = holds_.enabled();
    reorder_events();
    note_missing_text();
    return std::move(c_);
  }

 private:
  void write_campaign_and_projects();
  void plan_steps();
  void write_funds();
  void write_releases(int budget);
  void write_pool();
  void write_rules();
  void write_rule(int r);
  std::string eligibility();
  std::string text_condition(draws& random, bool project_fields_only);
  void write_caps(int r);
  std::string project_condition();
  void write_closeout();
  void write_step_money(std::size_t k);
  void write_fixed(std::size_t k);
  void write_challenge();
  void write_events();
  void reorder_events();
  void note_missing_text();

  bool rematched(int rule) const {
    for (const planned_step& step : steps_) {
      if (step.kind == "rematch" && step.rule == rule) return true;
    }
    return false;
  }

  std::uint64_t seed_;
  draws main_, closeout_, order_;
  random_holds holds_;  // SPEC §12: a stream of its own (random_campaign_holds.hpp)
  random_recurring recurring_;  // settle.payments: a stream of its own (random_campaign_recurring.hpp)
  random_campaign c_;
  int projects_ = 0, funds_ = 0, rules_ = 0;
  std::vector<bool> has_region_ = std::vector<bool>(2, false);
  std::vector<int> rules_with_windows_;
  bool project_without_region_ = false, project_without_category_ = false;
  bool reads_empty_channel_ = false, reads_empty_region_ = false, reads_empty_category_ = false;
  std::vector<planned_step> steps_;
  std::vector<std::string> fund_ids_;
  bool pool_ = false;
  std::vector<std::vector<std::string>> leftover_of_step_;
  std::vector<std::string> leftover_;
  std::vector<std::set<std::string>> step_funds_;  // by step: the funds it takes money from
};

void campaign_writer::write_campaign_and_projects() {
  std::string& y = c_.rules_yaml;
  y = "matchfund: 1\n"
      "campaign: { id: c, name: Random, currency: CNY, timezone: \"+08:00\", seed: " + std::to_string(seed_) + ",\n"
      "            start: 2021-09-07T00:00:00+08:00, end: 2021-09-10T00:00:00+08:00" +
      (holds_.enabled() ? ", holds: { ttl: " + holds_.ttl() + " }" : std::string()) + " }\n"
      "projects:\n";
  projects_ = main_.pick(2, 4);
  for (int p = 0; p < projects_; ++p) {
    const bool region = main_.chance(60);
    const bool category = main_.chance(50);
    if (region) has_region_[static_cast<std::size_t>(p % 2)] = true;
    project_without_region_ = project_without_region_ || !region;
    project_without_category_ = project_without_category_ || !category;
    std::string extra;
    if (closeout_.chance(50)) extra += ", verified: " + std::string(closeout_.chance(50) ? "true" : "false");
    if (closeout_.chance(60)) extra += ", goal: " + money_text(closeout_.pick(0, 150));
    // A recorded ratio for ratio_from, sometimes missing (read as 0).
    if (closeout_.chance(70)) extra += ", share: \"" + std::to_string(closeout_.pick(0, 40) * 5) + "%\"";
    const int pot = main_.pick(0, 80);
    const int level = main_.pick(0, 3);
    y += "  - { id: p" + std::to_string(p) + ", organization: o" + std::to_string(p % 2) +
         (region ? ", region: r" + std::to_string(p % 2) : std::string()) +
         (category ? ", category: c" + std::to_string(p % 3) : std::string()) + ", attr: { pot: \"" +
         std::to_string(pot) + ".00\", level: " + std::to_string(level) + extra + " } }\n";
  }
  funds_ = main_.pick(1, 3);
}

void campaign_writer::plan_steps() {
  if (!closeout_.chance(80)) return;
  static const char* kinds[] = {"proportional", "equal", "quadratic", "fixed", "challenge", "rematch"};
  const int count = closeout_.pick(1, 4);
  for (int k = 0; k < count; ++k) {
    const int kind = closeout_.pick(0, 5);
    const int rule = closeout_.pick(0, rules_ - 1);
    steps_.push_back({kinds[kind], rule});
  }
}

void campaign_writer::write_funds() {
  for (int f = 0; f < funds_; ++f) fund_ids_.push_back("f" + std::to_string(f));
  // A fund no rule draws: close-out money only (always there for a rematch to draw on).
  pool_ = closeout_.chance(50);
  for (const planned_step& step : steps_) pool_ = pool_ || step.kind == "rematch";
  if (pool_) fund_ids_.push_back("pool");
  // Some funds hand their leftover to a step (or say `keep`).
  leftover_of_step_.resize(steps_.size());
  step_funds_.resize(steps_.size());
  leftover_.resize(fund_ids_.size());
  for (std::size_t f = 0; f < fund_ids_.size(); ++f) {
    if (!steps_.empty() && closeout_.chance(30)) {
      const auto k = static_cast<std::size_t>(closeout_.pick(0, static_cast<int>(steps_.size()) - 1));
      leftover_[f] = "s" + std::to_string(k);
      leftover_of_step_[k].push_back(fund_ids_[f]);
      step_funds_[k].insert(fund_ids_[f]);
    } else if (closeout_.chance(5)) {
      leftover_[f] = "keep";
    }
  }
  std::string& y = c_.rules_yaml;
  y += "funds:\n";
  for (int f = 0; f < funds_; ++f) {
    const int budget = main_.pick(20, 300);
    y += "  - id: f" + std::to_string(f) + "\n    budget: \"" + std::to_string(budget) + ".00\"\n";
    write_releases(budget);
    if (main_.chance(25)) y += "    expire_unused: true\n";
    if (main_.chance(20)) y += "    sub_budgets: { per: project, amount_from: project.attr.pot }\n";
    else if (closeout_.chance(10)) y += "    sub_budgets: { per: organization, amount_from: project.attr.pot }\n";
    if (!leftover_[static_cast<std::size_t>(f)].empty()) y += "    leftover: " + leftover_[static_cast<std::size_t>(f)] + "\n";
  }
  if (pool_) write_pool();
}

// The whole budget at the start; or tranches on days 1 and 2, any of them possibly 0 and
// sometimes a zero release on day 3 (pending until then); or a `daily` schedule, possibly of 0.
void campaign_writer::write_releases(int budget) {
  std::string& y = c_.rules_yaml;
  const int shape = main_.pick(0, 9);
  if (shape < 5) return;
  if (shape == 9) {
    const int amount = main_.chance(30) ? 0 : main_.pick(1, budget / 3);
    c_.features.zero_release = c_.features.zero_release || amount == 0;
    y += "    daily: { from: 2021-09-07, to: 2021-09-09, at: \"10:00\", amount: " + money_text(amount) + " }\n";
    return;
  }
  const bool at_midnight = main_.chance(50);
  const int first = main_.chance(15) ? 0 : main_.pick(1, budget);
  const bool leading_zero = !at_midnight && main_.chance(20);
  const bool trailing_zero = main_.chance(20);
  y += "    releases:\n";
  const auto tranche = [&](const std::string& at, int amount) {
    y += "      - { at: 2021-09-" + at + ":00+08:00, amount: " + money_text(amount) + " }\n";
    c_.features.zero_release = c_.features.zero_release || amount == 0;
  };
  if (leading_zero) tranche("07T00:00", 0);
  tranche(at_midnight ? "07T00:00" : "07T10:00", first);
  if (budget > first || main_.chance(30)) tranche("08T10:00", budget - first);
  if (trailing_zero) tranche("09T10:00", 0);
}

void campaign_writer::write_pool() {
  std::string& y = c_.rules_yaml;
  const int budget = closeout_.pick(10, 500);
  y += "  - id: pool\n    budget: " + money_text(budget) + "\n";
  const int shape = closeout_.pick(0, 9);
  if (shape >= 6) {
    // Half now, half on the last day (pending when an early close comes); sometimes 0 at noon.
    const bool zero_first = shape == 9;
    y += "    releases:\n      - { at: 2021-09-07T00:00:00+08:00, amount: " + money_text(zero_first ? 0 : budget / 2 + 1) +
         " }\n      - { at: 2021-09-09T12:00:00+08:00, amount: " +
         money_text(zero_first ? budget : budget - budget / 2 - 1) + " }\n";
    c_.features.zero_release = c_.features.zero_release || zero_first;
  }
  if (!leftover_.back().empty()) y += "    leftover: " + leftover_.back() + "\n";
}

void campaign_writer::write_rules() {
  c_.rules_yaml += "rules:\n";
  for (int r = 0; r < rules_; ++r) write_rule(r);
  if (rules_ > 1 && main_.chance(40)) {
    const int max = main_.pick(10, 60);
    c_.rules_yaml += "caps:\n  - { per: donor, period: day, measure: match, max: " + money_text(max) + ", rules: [r0, r1] }\n";
  }
}

void campaign_writer::write_rule(int r) {
  std::string& y = c_.rules_yaml;
  y += "  - id: r" + std::to_string(r) + "\n";
  const int source = main_.pick(0, funds_ - 1);
  y += "    sources: [f" + std::to_string(source);
  if (source + 1 < funds_ && main_.chance(40)) y += ", f" + std::to_string(source + 1);
  y += "]\n";
  const bool windows = main_.chance(40);
  if (windows) y += "    windows: [ { daily: \"" + std::string(main_.chance(50) ? "10:00-24:00" : "08:00-20:00") + "\" } ]\n";
  if (windows) rules_with_windows_.push_back(r);
  // Inside daily windows, sometimes only the day's leaders by the opening (project or organization).
  if (windows && closeout_.chance(35)) {
    y += std::string("    eligible: { field: project.") + (closeout_.chance(50) ? "day_rank" : "organization_day_rank") +
         ", op: \"<=\", value: 1 }\n";
    c_.features.ranked_rules.insert("r" + std::to_string(r));
  } else {
    y += eligibility();
  }
  if (main_.chance(30)) y += "    min_donation: " + money_text(main_.pick(1, 20)) + "\n";
  if (main_.chance(30)) y += "    matchable_max: " + money_text(main_.pick(5, 60)) + "\n";
  if (main_.chance(30)) y += "    probability: \"0." + std::to_string(main_.pick(3, 9)) + "\"\n";
  const int formula = main_.pick(0, r > 0 ? 8 : 7);
  switch (formula) {
    case 0: y += "    ratio: \"" + std::string(main_.chance(50) ? "1" : "0.5") + "\"\n"; break;
    case 1: y += "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.05\" } }\n"; break;
    case 2: y += "    ratio: { tiers: [ { when: { field: donation.amount, op: \">=\", value: 50 }, ratio: \"2\" }, { ratio: \"0.3\" } ] }\n"; break;
    case 3: y += "    amount: " + money_text(main_.pick(1, 15)) + "\n"; break;
    case 4: y += "    amount: { random: { min: \"0.50\", max: \"9.99\" } }\n"; break;
    case 5: y += "    ratio_from: project.attr.share\n"; break;
    case 6: y += "    amount_from: project.attr.pot\n"; break;
    case 7: y += "    ratio: { steps: [ { until: \"15.00\", ratio: \"1\" }, { until: \"40.00\", ratio: \"3\" }, { ratio: \"0.1\" } ] }\n"; break;
    default: y += "    ratio_of: { rule: r0, ratio: \"0.25\" }\n"; break;
  }
  if (formula == 5 || formula == 6) c_.features.recorded_rules.insert("r" + std::to_string(r));
  if (formula == 7) c_.features.stepped_rules.insert("r" + std::to_string(r));
  write_caps(r);
  if (main_.chance(20)) y += "    partial: skip\n";
  if (main_.chance(20)) y += "    rounding: " + std::string(main_.chance(50) ? "half_up" : "half_even") + "\n";
  if (main_.chance(15)) y += "    exclusive: true\n";
  if (main_.chance(20)) y += "    on_refund: forfeit\n";
  std::string when;
  if (main_.chance(15)) when = "{ field: project.raised, op: \">=\", value: " + std::to_string(main_.pick(10, 200)) + " }";
  y += recurring_.settle("r" + std::to_string(r), when);
}

std::string campaign_writer::eligibility() {
  if (main_.chance(30)) return "    eligible: { field: project.attr.level, op: \">=\", value: " + std::to_string(main_.pick(0, 2)) + " }\n";
  if (main_.chance(20)) {
    return "    eligible: { field: project.region, op: " + std::string(main_.chance(50) ? "\"!=\"" : "\"==\"") + ", value: r1 }\n";
  }
  if (main_.chance(30)) return "    eligible: " + text_condition(main_, false) + "\n";
  return {};
}

// A condition on a field a donation or project may lack (SPEC §11.17), mostly against "".
std::string campaign_writer::text_condition(draws& random, bool project_fields_only) {
  static const char* fields[] = {"donation.channel", "project.region", "project.category"};
  static const char* ops[] = {"\"==\"", "\"!=\"", "in", "not_in", "contains"};
  const int field = random.pick(project_fields_only ? 1 : 0, 2);
  const int op = random.pick(0, 4);
  const bool against_empty = random.chance(75);
  static const char* others[] = {"app", "r1", "c1"};
  std::string value = against_empty ? "\"\"" : others[field];
  const bool two = random.chance(50);
  if (op == 2 || op == 3) value = "[" + value + (against_empty && two ? std::string(", ") + others[field] : std::string()) + "]";
  if (op == 4 && !against_empty) value = field == 0 ? "p" : field == 1 ? "1" : "c";
  if (against_empty) (field == 0 ? reads_empty_channel_ : field == 1 ? reads_empty_region_ : reads_empty_category_) = true;
  return "{ field: " + std::string(fields[field]) + ", op: " + ops[op] + ", value: " + value + " }";
}

void campaign_writer::write_caps(int r) {
  std::string& y = c_.rules_yaml;
  const char* pers[] = {"donor", "project", "organization", "region", "donor_project", "campaign"};
  const auto cap_line = [&](int per, bool day, int measure, int max) {
    return std::string("      - { per: ") + pers[per] + (day ? ", period: day" : "") + ", measure: " +
           (measure == 0 ? "match" : measure == 1 ? "donation" : "count") + ", max: " +
           (measure == 2 ? std::to_string(max % 3 + 1) : "\"" + std::to_string(5 + max % 76) + ".00\"") + " }\n";
  };
  if (main_.chance(60)) {
    y += "    caps:\n";
    const int caps = main_.pick(1, 2);
    for (int c = 0; c < caps; ++c) {
      const int measure = main_.pick(0, 2);
      const int per = main_.pick(0, 5);
      const bool day = main_.chance(50);
      y += cap_line(per, day, measure, measure == 2 ? main_.pick(1, 3) - 1 : main_.pick(5, 80) - 5);
    }
  } else if (rematched(r)) {
    // A rematched rule gets caps, so that it leaves donations short of their want.
    y += "    caps:\n";
    const int caps = closeout_.pick(1, 2);
    for (int c = 0; c < caps; ++c) {
      const int per = closeout_.pick(0, 5);
      const bool day = closeout_.chance(50);
      const int measure = closeout_.pick(0, 2);
      y += cap_line(per, day, measure, closeout_.pick(0, 75));
    }
  }
}

// Close-out conditions read project and fund fields; `verified` is missing on some projects,
// so it needs a default.
std::string campaign_writer::project_condition() {
  draws& random = closeout_;
  switch (random.pick(0, 9)) {
    case 0: return "{ field: project.attr.level, op: \">=\", value: " + std::to_string(random.pick(0, 2)) + " }";
    case 1: return "{ field: project.raised, op: \">=\", value: " + std::to_string(random.pick(0, 150)) + " }";
    case 2: return "{ field: project.region, op: \"==\", value: r" + std::to_string(random.pick(0, 1)) + " }";
    case 3: return "{ field: project.attr.verified, op: \"==\", value: true, default: " +
                   std::string(random.chance(50) ? "true" : "false") + " }";
    case 4: return "{ field: project.donors, op: \">=\", value: " + std::to_string(random.pick(1, 3)) + " }";
    case 5: return "{ field: fund.f0.available, op: \">\", value: " + std::to_string(random.pick(0, 60)) + " }";
    case 6: return "{ not: { field: project.organization, op: \"==\", value: o1 } }";
    case 7: return "{ field: project.matched, op: \">\", value: " + std::to_string(random.pick(0, 40)) + " }";
    case 8: return text_condition(random, true);  // a donation's channel is not a close-out field
    default: return "{ any: [ { field: project.id, op: in, value: [p0, p2] }, { field: project.attr.goal, op: \">=\", value: \"50.00\", default: \"0.00\" } ] }";
  }
}

void campaign_writer::write_closeout() {
  std::string& y = c_.rules_yaml;
  if (!steps_.empty()) y += "closeout:\n";
  for (std::size_t k = 0; k < steps_.size(); ++k) {
    const planned_step& step = steps_[k];
    y += "  - id: s" + std::to_string(k) + "\n    kind: " + step.kind + "\n";
    c_.step_kinds.push_back(step.kind);
    write_step_money(k);
    if (closeout_.chance(45)) y += "    eligible: " + project_condition() + "\n";
    if (step.kind != "rematch") {
      if (closeout_.chance(30)) y += "    cap: " + money_text(closeout_.pick(0, 100)) + "\n";
      static const char* shares[] = {"\"50%\"", "\"0.3\"", "\"1\"", "\"25%\"", "\"0.75\"", "\"10%\""};
      if (closeout_.chance(30)) y += std::string("    max_share: ") + shares[closeout_.pick(0, 5)] + "\n";
    }
    if (step.kind == "proportional") {
      static const char* weights[] = {"project.raised", "project.donors", "project.donations", "project.matched",
                                      "project.attr.pot", "project.attr.level"};
      static const char* rule_weights[] = {".total", ".qualifying", ".outside_windows"};
      const int which = closeout_.pick(0, 20);
      const int rule_weight = which < 6 ? -1 : (which - 6) / 5;  // total, qualifying, outside_windows
      // Money outside a rule's windows needs a rule with windows: name one when there is one.
      int rule = closeout_.pick(0, rules_ - 1);
      if (rule_weight == 2 && !rules_with_windows_.empty()) {
        rule = rules_with_windows_[static_cast<std::size_t>(closeout_.pick(0, static_cast<int>(rules_with_windows_.size()) - 1))];
      }
      y += "    weight: " +
           (rule_weight >= 0 ? "rule.r" + std::to_string(rule) + rule_weights[rule_weight] : std::string(weights[which])) +
           "\n";
      if (rule_weight == 1) c_.step_kinds.back() = "proportional/qualifying";
      if (rule_weight == 2) c_.step_kinds.back() = "proportional/outside_windows";
    } else if (step.kind == "quadratic") {
      if (closeout_.chance(35)) y += "    min_contribution: " + money_text(closeout_.pick(1, 30)) + "\n";
      const int saturation = closeout_.pick(0, 2);
      if (saturation == 1) y += "    saturation: normalize\n";
      if (saturation == 2) y += "    saturation: gitcoin\n";
      if (saturation == 2) c_.step_kinds.back() = "quadratic/gitcoin";
    } else if (step.kind == "fixed") {
      write_fixed(k);
    } else if (step.kind == "challenge") {
      write_challenge();
    } else if (step.kind == "rematch") {
      y += "    rule: r" + std::to_string(step.rule) + "\n";
    }
  }
  for (const std::string& fund : fund_ids_) {
    int steps_taking = 0;
    for (const auto& funds : step_funds_) steps_taking += funds.contains(fund) ? 1 : 0;
    c_.features.shared_step_fund = c_.features.shared_step_fund || steps_taking >= 2;
  }
}

// `from` (often a fund an earlier step takes too), and `budget` when the step has no fund or by
// chance; a rematch most often draws on the pool, which no rule has emptied.
void campaign_writer::write_step_money(std::size_t k) {
  std::string& y = c_.rules_yaml;
  const bool rematch_step = steps_[k].kind == "rematch";
  bool has_money = !leftover_of_step_[k].empty();
  if (closeout_.chance(rematch_step ? 70 : 55)) {
    std::string from = fund_ids_[static_cast<std::size_t>(closeout_.pick(0, static_cast<int>(fund_ids_.size()) - 1))];
    if (pool_ && rematch_step && closeout_.chance(75)) from = "pool";
    if (k > 0 && closeout_.chance(40)) {
      const auto earlier = static_cast<std::size_t>(closeout_.pick(0, static_cast<int>(k) - 1));
      if (!step_funds_[earlier].empty()) from = *step_funds_[earlier].begin();
    }
    y += "    from: " + from + "\n";
    step_funds_[k].insert(from);
    has_money = true;
  }
  if (!rematch_step && (closeout_.chance(40) || !has_money)) y += "    budget: " + money_text(closeout_.pick(0, 400)) + "\n";
}

void campaign_writer::write_fixed(std::size_t k) {
  std::string& y = c_.rules_yaml;
  std::vector<std::string> entries;  // "TARGET,ID,AMOUNT": "project,p1,12.34", "region,r0,5.10"
  std::vector<std::string> whens;
  const int count = closeout_.pick(1, 4);
  for (int i = 0; i < count; ++i) {
    const int target = closeout_.pick(0, 2);
    std::string entry;
    if (target == 0 || (target == 2 && !has_region_[0] && !has_region_[1])) {
      entry = "project,p" + std::to_string(closeout_.pick(0, projects_ - 1));
    } else if (target == 1) {
      entry = "organization,o" + std::to_string(closeout_.pick(0, 1));
    } else {
      int region = closeout_.pick(0, 1);
      if (!has_region_[static_cast<std::size_t>(region)]) region = 1 - region;
      entry = "region,r" + std::to_string(region);
    }
    const int units = closeout_.pick(0, 80);
    const int cents = closeout_.pick(10, 99);
    entries.push_back(entry + "," + std::to_string(units) + "." + std::to_string(cents));
    whens.push_back(closeout_.chance(25) ? project_condition() : std::string());
  }
  bool use_file = closeout_.chance(20);
  for (const std::string& when : whens) use_file = use_file && when.empty();  // a file has no `when` column
  const auto split = [](const std::string& entry) {  // target, id, amount
    const auto comma = entry.find(',');
    const auto second = entry.find(',', comma + 1);
    return std::tuple(entry.substr(0, comma), entry.substr(comma + 1, second - comma - 1), entry.substr(second + 1));
  };
  if (use_file) {
    const std::string name = "blocks-s" + std::to_string(k) + ".csv";
    std::string text = "project,organization,region,amount\n";
    for (const std::string& entry : entries) {
      const auto [target, id, amount] = split(entry);
      text += (target == "project" ? id : "") + "," + (target == "organization" ? id : "") + "," +
              (target == "region" ? id : "") + "," + amount + "\n";
    }
    c_.files.emplace_back(name, text);
    y += "    file: " + name + "\n";
    return;
  }
  y += "    amounts:\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto [target, id, amount] = split(entries[i]);
    y += "      - { " + target + ": " + id + ", amount: \"" + amount + "\"" +
         (whens[i].empty() ? std::string() : ", when: " + whens[i]) + " }\n";
  }
}

void campaign_writer::write_challenge() {
  std::string& y = c_.rules_yaml;
  const int field = closeout_.pick(0, 3);
  if (field == 1) y += "    field: project.raised\n";
  if (field == 2) y += "    field: project.matched\n";
  if (field == 3) y += "    field: project.attr.pot\n";
  if (closeout_.chance(50)) {
    y += "    target: " + money_text(closeout_.pick(0, 150)) + "\n";
  } else {
    y += "    target_from: project.attr." + std::string(closeout_.chance(70) ? "goal" : "pot") + "\n";
  }
  y += "    pay: { ";
  if (closeout_.chance(50)) {
    y += "amount: " + money_text(closeout_.pick(0, 60));
  } else {
    static const char* ratios[] = {"\"1\"", "\"0.5\"", "\"0.25\"", "\"33.3333%\"", "\"2\""};
    y += std::string("ratio: ") + ratios[closeout_.pick(0, 4)];
  }
  if (closeout_.chance(40)) y += ", cap: " + money_text(closeout_.pick(1, 80));
  y += " }\n";
  const int all = closeout_.pick(0, 2);
  if (all == 1) y += "    all_or_nothing: true\n";
  if (all == 2) y += "    all_or_nothing: false\n";
}

// Donations (with a channel or without), refunds, revocations and sometimes a close (and a
// second, rejected close), minutes apart over the three days.
void campaign_writer::write_events() {
  std::string& e = c_.events_csv;
  e = "kind,id,time,donor,project,amount,ref,scope,disposition,channel\n";
  const int count = main_.pick(10, 60);
  // Sometimes a close event: after the count-th event (or at the end, also after the campaign).
  const int close_after = closeout_.chance(30) ? closeout_.pick(0, count) : -1;
  const bool second_close = close_after >= 0 && closeout_.chance(15);
  std::vector<std::string> donations;
  int minute = 0;
  std::string last_time = "2021-09-07T00:00:00+08:00";
  const auto add_close = [&](const std::string& id, const std::string& time) {
    e += "close," + id + "," + time + ",,,,,,,\n";
    c_.close_event = true;
  };
  static const char* channels[] = {"", "app", "web", "mini-app"};
  for (int i = 0; i < count; ++i) {
    if (i == close_after) add_close("c0", last_time);
    minute += main_.pick(0, 180);
    const int day = 7 + minute / 1440;
    if (day > 9) break;
    char time[64];
    std::snprintf(time, sizeof time, "2021-09-%02dT%02d:%02d:00+08:00", day, minute % 1440 / 60, minute % 60);
    last_time = time;
    const int kind = donations.empty() ? 0 : main_.pick(0, 19);
    const std::string id = "e" + std::to_string(i);
    if (kind <= 15) {
      const int donor = main_.pick(0, 5);
      const int project = main_.pick(0, projects_ - 1);
      const int units = main_.pick(1, 120);
      const int cents = main_.pick(10, 99);
      const int channel = main_.pick(0, 3);
      e += "donation," + id + "," + time + ",u" + std::to_string(donor) + ",p" + std::to_string(project) + "," +
           std::to_string(units) + "." + std::to_string(cents) + ",,,," + channels[channel] + "\n";
      donations.push_back(id);
    } else if (kind <= 18) {
      const std::string& target = donations[static_cast<std::size_t>(main_.pick(0, static_cast<int>(donations.size()) - 1))];
      const std::string amount = main_.chance(50) ? std::to_string(main_.pick(1, 30)) + ".00" : "";
      const std::string disposition = main_.chance(30) ? "forfeit" : "";
      e += "refund," + id + "," + time + ",,," + amount + "," + target + ",," + disposition + ",\n";
    } else {
      const int scope = main_.pick(0, 2);
      const std::string target = scope == 0   ? "u" + std::to_string(main_.pick(0, 5)) + ",donor"
                                 : scope == 1 ? "p" + std::to_string(main_.pick(0, projects_ - 1)) + ",project"
                                              : donations.back() + ",donation";
      e += "revoke," + id + "," + time + ",,,," + target + "," + (main_.chance(30) ? "forfeit" : "") + ",\n";
    }
  }
  if (close_after >= 0 && !c_.close_event) {
    add_close("c0", closeout_.chance(50) ? last_time : std::string("2021-09-10T06:00:00+08:00"));
  }
  if (second_close) add_close("c1", "2021-09-10T07:00:00+08:00");  // rejected: a second close
}

// Sometimes events out of time order (two lines swapped) or a repeated id (a later event takes
// an earlier one's id).
void campaign_writer::reorder_events() {
  std::vector<std::string> lines;
  std::string& e = c_.events_csv;
  for (std::size_t at = 0; at < e.size();) {
    const std::size_t end = e.find('\n', at);
    lines.push_back(e.substr(at, end - at));
    at = end + 1;
  }
  const auto rows = static_cast<int>(lines.size()) - 1;  // lines[0] is the header
  if (rows >= 2 && order_.chance(15)) {
    const int a = order_.pick(1, rows - 1);
    const int b = order_.pick(a + 1, rows);
    std::swap(lines[static_cast<std::size_t>(a)], lines[static_cast<std::size_t>(b)]);
  }
  if (rows >= 2 && order_.chance(15)) {
    const auto id_of = [](const std::string& line) {
      const std::size_t from = line.find(',') + 1;
      return std::pair(from, line.find(',', from));
    };
    const int earlier = order_.pick(1, rows - 1);
    auto& later = lines[static_cast<std::size_t>(order_.pick(earlier + 1, rows))];
    const auto [from, to] = id_of(lines[static_cast<std::size_t>(earlier)]);
    const auto [later_from, later_to] = id_of(later);
    later.replace(later_from, later_to - later_from, lines[static_cast<std::size_t>(earlier)].substr(from, to - from));
  }
  e.clear();
  for (const auto& line : lines) e += line + "\n";
}

// Whether a condition against "" meets a field that is really missing somewhere.
void campaign_writer::note_missing_text() {
  bool missing_channel = false;  // a donation line ends with its channel: empty
  std::istringstream lines(c_.events_csv);
  std::string line;
  while (std::getline(lines, line)) missing_channel = missing_channel || (line.starts_with("donation,") && line.ends_with(","));
  c_.features.empty_text_condition = (reads_empty_channel_ && missing_channel) ||
                                     (reads_empty_region_ && project_without_region_) ||
                                     (reads_empty_category_ && project_without_category_);
}

}  // namespace

random_campaign make_random_campaign(std::uint64_t seed) { return campaign_writer(seed).write(); }

}  // namespace matchfund::testing
