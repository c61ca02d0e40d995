#include "cli/summary.hpp"

#include <fmt/format.h>

#include <variant>

namespace matchfund::cli {

namespace {

struct describer {
  const rule_set& rules;
  std::string out;

  [[nodiscard]] std::string amount(money value) const { return format_money(value, rules.minor_digits()); }
  [[nodiscard]] std::string amount_minor(std::int64_t minor) const { return amount(money::from_minor(minor)); }
  [[nodiscard]] std::string time(timestamp t) const { return format_rfc3339(t, rules.campaign().timezone); }

  template <class... Args>
  void line(fmt::format_string<Args...> format, Args&&... args) {
    out += fmt::format(format, std::forward<Args>(args)...);
    out += '\n';
  }

  std::string describe_value(const value& v) const {
    return std::visit(
        [this](const auto& x) -> std::string {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
          else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
          else if constexpr (std::is_same_v<T, money>) return amount(x);
          else if constexpr (std::is_same_v<T, std::string>) return "\"" + x + "\"";
          else if constexpr (std::is_same_v<T, local_date>) return format_local_date(x);
          else if constexpr (std::is_same_v<T, ratio>) return format_ratio(x);
          else return format_local_clock(x);
        },
        v);
  }

  std::string describe_condition(const condition& c) const {
    switch (c.type) {
      case condition::kind::always: return "always";
      case condition::kind::negation: return "not (" + describe_condition(c.children.front()) + ")";
      case condition::kind::all:
      case condition::kind::any: {
        std::string text;
        for (const auto& child : c.children) {
          if (!text.empty()) text += c.type == condition::kind::all ? " and " : " or ";
          text += child.type == condition::kind::leaf ? describe_condition(child) : "(" + describe_condition(child) + ")";
        }
        return text;
      }
      case condition::kind::leaf: {
        std::string operands;
        for (const auto& operand : c.leaf.operands) operands += (operands.empty() ? "" : ", ") + describe_value(operand);
        if (c.leaf.op == compare_op::in || c.leaf.op == compare_op::not_in) operands = "[" + operands + "]";
        std::string text = c.leaf.field.name + " " + std::string(to_string(c.leaf.op)) + " " + operands;
        if (c.leaf.fallback) text += " (default " + describe_value(*c.leaf.fallback) + ")";
        return text;
      }
    }
    return "";
  }

  std::string describe_formula(const formula& f) const {
    struct visitor {
      const describer& d;
      std::string operator()(const fixed_ratio_formula& x) const { return "ratio " + format_ratio(x.value); }
      std::string operator()(const random_ratio_formula& x) const {
        return fmt::format("random ratio {} to {} step {} ({} choices)", format_ratio(x.min), format_ratio(x.max),
                           format_ratio(x.step), x.choices);
      }
      std::string operator()(const tiered_ratio_formula& x) const { return "tiered ratio " + d.describe_tiers(x); }
      std::string operator()(const fixed_amount_formula& x) const { return "amount " + d.amount(x.value) + " per donation"; }
      std::string operator()(const random_amount_formula& x) const {
        return "random amount " + d.amount(x.min) + " to " + d.amount(x.max);
      }
      std::string operator()(const stepped_ratio_formula& x) const {
        std::string text = "stepped ratio";
        for (const auto& step : x.steps) {
          text += step.until ? " " + format_ratio(step.value) + " until the rule has matched " + d.amount(*step.until) + ","
                             : " then " + format_ratio(step.value);
        }
        return text;
      }
      std::string operator()(const recorded_ratio_formula& x) const { return "ratio read from " + x.field.name; }
      std::string operator()(const recorded_amount_formula& x) const { return "amount read from " + x.field.name; }
      std::string operator()(const bonus_formula& x) const {
        const std::string base = d.rules.rule(x.rule).id;
        if (const auto* scale = std::get_if<ratio>(&x.scale)) return "ratio " + format_ratio(*scale) + " of rule " + base;
        return "tiered ratio of rule " + base + " " + d.describe_tiers(std::get<tiered_ratio_formula>(x.scale));
      }
    };
    return std::visit(visitor{*this}, f);
  }

  std::string describe_tiers(const tiered_ratio_formula& tiers) const {
    std::string text;
    for (const auto& tier : tiers.tiers) {
      text += text.empty() ? "[" : "; ";
      text += tier.when ? describe_condition(*tier.when) + " -> " : "otherwise -> ";
      text += format_ratio(tier.value);
    }
    return text + "]";
  }

  // `when` as a condition; `payments` in words: the donor's payments the match waits for.
  std::string describe_settle(const settle_spec& settle) const {
    std::string text = settle.when ? describe_condition(*settle.when) : std::string();
    if (const auto& payments = settle.payments) {
      text += fmt::format("{}the donor made at least {} payment{} to the project from the donation on{}",
                          text.empty() ? "" : " and ", payments->min, payments->min == 1 ? "" : "s",
                          payments->within_days ? fmt::format(", within {} days", *payments->within_days) : "");
    }
    return text;
  }

  std::string describe_cap(const cap_spec& cap) const {
    static constexpr const char* scopes[] = {"donation", "donor", "project", "organization", "region",
                                             "category", "donor and project", "donor and organization",
                                             "campaign", "field"};
    std::string scope = cap.per == cap_scope::field ? cap.scope_field->name : scopes[static_cast<int>(cap.per)];
    std::string period;
    switch (cap.period.kind()) {
      case period_kind::campaign: period = "campaign"; break;
      case period_kind::day: period = "day"; break;
      case period_kind::year: period = "year from " + format_month_day(cap.period.year_start()); break;
    }
    std::string measure = cap.measure == cap_measure::match ? "match" : cap.measure == cap_measure::donation ? "donated" : "count";
    std::string limit;
    if (cap.max_from) {
      limit = "from " + cap.max_from->name;
    } else if (cap.measure == cap_measure::count) {
      limit = std::to_string(*cap.max);
    } else {
      limit = amount_minor(*cap.max);
    }
    return fmt::format("{}: {} per {} per {} <= {}", cap.id, measure, scope, period, limit);
  }

  void campaign() {
    const auto& c = rules.campaign();
    line("campaign   {} \"{}\"", c.id, c.name);
    line("           {} ({} minor digits), UTC{}", c.currency, c.minor_digits, format_utc_offset(c.timezone));
    line("           {} to {}", time(c.start), time(c.end));
    if (c.seed) line("           seed {}", *c.seed);
    if (c.hold_ttl) {  // SPEC §12, in the largest unit that divides it
      const std::int64_t seconds = c.hold_ttl->count() / 1000;
      const std::string ttl = seconds % 3600 == 0 ? std::to_string(seconds / 3600) + "h"
                              : seconds % 60 == 0 ? std::to_string(seconds / 60) + "m"
                                                  : std::to_string(seconds) + "s";
      line("           holds kept {} while the donor pays", ttl);
    }
  }

  void entities() {
    line("projects   {} in {} organizations, {} regions, {} categories", rules.projects().size(),
         rules.organizations().size(), rules.regions().size(), rules.categories().size());
    if (!rules.donors().empty()) line("donors     {} listed", rules.donors().size());
    for (auto owner : {attribute_owner::donation, attribute_owner::donor, attribute_owner::project}) {
      for (const auto& attribute : rules.attributes(owner)) {
        line("attribute  {}.attr.{} ({})", to_string(owner), attribute.name, to_string(attribute.type));
      }
    }
  }

  void funds() {
    line("funds      {}", rules.funds().size());
    for (const auto& fund : rules.funds()) {
      line("  {}  budget {}{}", fund.id, amount(fund.budget), fund.funder.empty() ? "" : "  (" + fund.funder + ")");
      for (const auto& release : fund.releases) line("      release {} at {}", amount(release.amount), time(release.at));
      if (fund.expire_unused) line("      unused money expires at each later release");
      if (fund.sub_budgets) {
        static constexpr const char* per[] = {"project", "organization", "donor"};
        line("      sub-budget per {} from {}", per[static_cast<int>(fund.sub_budgets->per)], fund.sub_budgets->amount_from.name);
      }
      if (fund.leftover) line("      leftover goes to close-out step {}", rules.closeout()[position(*fund.leftover)].id);
    }
  }

  void rule_list() {
    line("rules      {} in evaluation order", rules.rules().size());
    std::size_t n = 0;
    for (const auto& rule : rules.rules()) {
      std::string sources;
      for (auto fund : rule.sources) sources += (sources.empty() ? "" : ", ") + rules.fund(fund).id;
      line("  {}. {} (priority {}): {} from {}", ++n, rule.id, rule.priority, describe_formula(rule.match), sources);
      if (!rule.description.empty()) line("       {}", rule.description);
      for (const auto& window : rule.windows) {
        line("       window {} to {}{}", time(window.from), time(window.to),
             window.daily ? ", daily " + format_local_clock(window.daily->start) + "-" + format_local_clock(window.daily->end) : "");
      }
      if (!rule.eligible.is_always()) line("       eligible if {}", describe_condition(rule.eligible));
      if (rule.min_donation) line("       min donation {}", amount(*rule.min_donation));
      if (rule.matchable_max) line("       matchable up to {} of a donation", amount(*rule.matchable_max));
      if (rule.chance) line("       probability {}", format_probability(*rule.chance));
      for (auto cap : rule.own_caps) line("       cap {}", describe_cap(rules.cap(cap)));
      for (auto cap : rule.shared_caps) line("       shared cap {}", describe_cap(rules.cap(cap)));
      std::string options = fmt::format("partial {}, rounding {}, on refund {}", rule.partial == partial_mode::clip ? "clip" : "skip",
                                        to_string(rule.round), to_string(rule.on_refund));
      if (rule.exclusive) options += ", exclusive";
      line("       {}", options);
      if (rule.settle) line("       settles if {}", describe_settle(*rule.settle));
    }
  }

  void closeout() {
    if (rules.closeout().empty()) return;
    static constexpr const char* kinds[] = {"proportional", "equal", "quadratic", "fixed", "challenge", "rematch"};
    line("close-out  {} steps", rules.closeout().size());
    std::size_t n = 0;
    for (const auto& step : rules.closeout()) {
      std::string money_from;
      if (step.from) money_from += "from " + rules.fund(*step.from).id;
      for (auto fund : step.leftover_funds) money_from += (money_from.empty() ? "leftover of " : ", leftover of ") + rules.fund(fund).id;
      if (step.budget) money_from += (money_from.empty() ? "budget " : ", at most ") + amount(*step.budget);
      if (step.kind == closeout_kind::rematch && money_from.empty()) money_from = "from the rule's sources";
      line("  {}. {} {}: {}", ++n, step.id, kinds[static_cast<int>(step.kind)], money_from);
      if (step.weight) line("       weight {}", step.weight->name);
      if (!step.eligible.is_always()) line("       eligible if {}", describe_condition(step.eligible));
      if (step.cap) line("       cap {} per project", amount(*step.cap));
      if (step.max_share) line("       at most {} of the budget per project", format_ratio(*step.max_share));
      if (!step.amounts.empty()) line("       {} fixed amounts", step.amounts.size());
      if (step.rule) line("       re-matches rule {}", rules.rule(*step.rule).id);
    }
  }
};

}  // namespace

std::string describe_rule_set(const rule_set& rules) {
  describer d{rules, {}};
  d.campaign();
  d.entities();
  d.funds();
  d.rule_list();
  d.closeout();
  if (!rules.tests().empty()) d.line("tests      {}", rules.tests().size());
  return d.out;
}

}  // namespace matchfund::cli
