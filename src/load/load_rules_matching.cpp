// Phase 5 of loading rules: funds (SPEC §4), rules (§5) and caps (§5.3).
#include "load/rules_loader.hpp"

#include <limits>

#include "support/run_limits.hpp"

namespace matchfund::detail::loading {

namespace {

// 32768 as "32,768".
std::string with_thousands(std::int64_t number) {
  std::string digits = std::to_string(number);
  for (auto at = digits.size(); at > 3 && digits[at - 4] != '-'; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Phase 5a: funds (SPEC §4).

void rules_loader::read_funds(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.funds.resize(elements->size());
  for (std::size_t i = 0; i < elements->size(); ++i) read_fund((*elements)[i], parts_.funds[i]);
}

void rules_loader::read_fund(const located_node& node, fund_spec& fund) {
  map_reader reader(node);
  if (auto id = reader.required("id")) fund.id = detail::read_id(*id).value_or("");
  if (auto funder = reader.optional("funder")) fund.funder = detail::read_string(*funder).value_or("");
  std::optional<money> budget;
  if (auto budget_node = reader.required("budget")) budget = read_money_at(*budget_node);
  fund.budget = budget.value_or(money{});
  read_releases(reader, fund, budget.has_value());
  if (auto expire = reader.optional("expire_unused")) fund.expire_unused = detail::read_bool(*expire).value_or(false);
  if (auto sub_budgets = reader.optional("sub_budgets")) {
    map_reader sub(*sub_budgets);
    sub_budget_spec spec;
    if (auto per = sub.required("per")) {
      spec.per = detail::read_choice<sub_budget_scope>(*per, {{"project", sub_budget_scope::project},
                                                             {"organization", sub_budget_scope::organization},
                                                             {"donor", sub_budget_scope::donor}})
                     .value_or(sub_budget_scope::project);
    }
    if (auto amount_from = sub.required("amount_from")) {
      const auto owner = spec.per == sub_budget_scope::donor ? attribute_owner::donor : attribute_owner::project;
      if (auto field = read_attribute_field(*amount_from, {owner}, "a sub-budget's amount_from")) {
        spec.amount_from = *field;
        fund.sub_budgets = spec;
      }
    }
    sub.finish();
  }
  if (auto leftover = reader.optional("leftover")) {
    if (auto target = detail::read_id(*leftover); target && *target != "keep") {
      if (auto step = closeout_ids_.find(*target)) {
        fund.leftover = index_at<closeout_index>(*step);
      } else {
        report(*leftover, "leftover names no close-out step \"" + *target + "\" (use keep or a close-out id)",
               diagnostic_code::unknown_closeout);
      }
    }
  }
  reader.finish();
}

void rules_loader::read_releases(map_reader& reader, fund_spec& fund, bool budget_known) {
  const auto releases = reader.optional("releases");
  const auto daily = reader.optional("daily");
  const auto& campaign = parts_.campaign;
  if (releases && daily) {
    report(*daily, "give either releases or daily, not both", diagnostic_code::conflicting_keys);
    return;
  }
  std::optional<located_node> blame = releases ? releases : daily;
  if (releases) {
    auto elements = detail::read_list(*releases);
    if (!elements) return;
    if (elements->empty()) {
      report(*releases, "releases must list at least one tranche", diagnostic_code::empty_list);
      return;
    }
    for (const auto& element : *elements) {
      map_reader tranche(element);
      const auto at_node = tranche.required("at");
      const auto amount_node = tranche.required("amount");
      tranche.finish();
      auto at = at_node ? detail::read_time(*at_node) : std::nullopt;
      auto amount = amount_node ? read_money_at(*amount_node) : std::nullopt;
      if (!at || !amount) continue;
      if (campaign_times_ok_ && (*at < campaign.start || *at >= campaign.end)) {
        report(*at_node, "the release at " + format_rfc3339(*at, campaign.timezone) + " is outside the campaign",
               diagnostic_code::release_outside_campaign);
      }
      if (!fund.releases.empty() && *at <= fund.releases.back().at) {
        report(*at_node, "releases must be in strictly increasing time order", diagnostic_code::releases_out_of_order);
      }
      fund.releases.push_back({*at, *amount});
    }
  } else if (daily) {
    map_reader schedule(*daily);
    const auto from_node = schedule.required("from");
    const auto to_node = schedule.required("to");
    const auto at_node = schedule.required("at");
    const auto amount_node = schedule.required("amount");
    schedule.finish();
    auto from = from_node ? detail::read_date(*from_node) : std::nullopt;
    auto to = to_node ? detail::read_date(*to_node) : std::nullopt;
    auto at = at_node ? detail::read_clock(*at_node) : std::nullopt;
    auto amount = amount_node ? read_money_at(*amount_node) : std::nullopt;
    if (!from || !to || !at || !amount) return;
    if (*to < *from) {
      report(*to_node, "daily.to must not be before daily.from", diagnostic_code::bad_daily_range);
      return;
    }
    for (auto day = from->days_since_epoch(); day <= to->days_since_epoch(); ++day) {
      const timestamp release = at_local(local_date::from_days(day), *at, campaign.timezone);
      if (campaign_times_ok_ && (release < campaign.start || release >= campaign.end)) {
        report(*daily, "the daily release at " + format_rfc3339(release, campaign.timezone) + " is outside the campaign",
               diagnostic_code::release_outside_campaign);
        return;
      }
      fund.releases.push_back({release, *amount});
    }
  } else if (campaign_times_ok_) {
    fund.releases.push_back({campaign.start, fund.budget});
    return;
  }
  if (!blame || !budget_known) return;
  try {
    money total;
    for (const auto& release : fund.releases) total += release.amount;
    if (total > fund.budget) {
      report(*blame,
             "releases sum to " + format_money(total, digits()) + ", more than the budget " +
                 format_money(fund.budget, digits()),
             diagnostic_code::releases_exceed_budget);
    }
  } catch (const overflow_error&) {
    report(*blame, "releases sum to more than the money limit of 10^15 minor units", diagnostic_code::money_limit);
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 5b: rules (SPEC §5) and caps (§5.3).

void rules_loader::read_rules(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  parts_.rules.resize(elements->size());
  std::vector<std::size_t> evaluation_index(elements->size());
  for (std::size_t k = 0; k < rule_order_.size(); ++k) evaluation_index[rule_order_[k]] = k;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    rule_spec& rule = parts_.rules[evaluation_index[i]];
    rule.file_order = i;
    read_rule((*elements)[i], i, rule);
  }
}

void rules_loader::read_rule(const located_node& node, std::size_t file_index, rule_spec& rule) {
  map_reader reader(node);
  rule.position = node.at;
  const auto self = index_at<rule_index>(static_cast<std::size_t>(&rule - parts_.rules.data()));
  if (auto id = reader.required("id")) rule.id = detail::read_id(*id).value_or("");
  if (auto description = reader.optional("description")) rule.description = detail::read_string(*description).value_or("");
  if (auto priority = reader.optional("priority")) {
    rule.priority = detail::read_integer(*priority, std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max())
                        .value_or(0);
  }
  if (auto sources = reader.required("sources")) {
    rule.sources =
        read_reference_list<fund_index>(*sources, fund_ids_, fund_reference, "a rule needs at least one source fund")
            .value_or(std::vector<fund_index>{});
  }
  if (auto windows = reader.optional("windows")) {
    if (auto elements = detail::read_list(*windows)) {
      if (elements->empty()) {
        report(*windows, "windows must list at least one window (omit the key for the whole campaign)",
               diagnostic_code::empty_list);
      }
      for (const auto& element : *elements) {
        map_reader window_reader(element);
        window_spec window{parts_.campaign.start, parts_.campaign.end, std::nullopt};
        bool ok = true;
        const auto from_node = window_reader.optional("from");
        const auto to_node = window_reader.optional("to");
        if (from_node) {
          if (auto from = detail::read_time(*from_node)) window.from = *from; else ok = false;
        }
        if (to_node) {
          if (auto to = detail::read_time(*to_node)) window.to = *to; else ok = false;
        }
        if (auto daily = window_reader.optional("daily")) {
          if (auto range = detail::read_clock_range(*daily)) window.daily = *range; else ok = false;
        }
        window_reader.finish();
        if (!ok || !window_reader.valid()) continue;
        // A bound taken from a campaign period that is itself invalid proves nothing.
        if (!campaign_times_ok_ && (!from_node || !to_node)) continue;
        if (window.to <= window.from) {
          report(to_node ? *to_node : element, "a window must end after it starts", diagnostic_code::bad_window);
          continue;
        }
        if (campaign_times_ok_ && (window.from < parts_.campaign.start || window.to > parts_.campaign.end)) {
          report(element, "the window is not inside the campaign", diagnostic_code::window_outside_campaign);
          continue;
        }
        rule.windows.push_back(window);
      }
    }
  }
  if (auto eligible = reader.optional("eligible")) {
    rule.eligible = read_condition(*eligible, field_context::donation, self).value_or(condition{});
  }
  if (auto minimum = reader.optional("min_donation")) rule.min_donation = read_money_at(*minimum);
  if (auto maximum = reader.optional("matchable_max")) rule.matchable_max = read_money_at(*maximum);
  if (auto chance = reader.optional("probability")) {
    rule.chance = detail::read_probability(*chance);
    if (!seed_given_) report(*chance, "probability needs campaign.seed", diagnostic_code::missing_seed);
  }
  if (auto match = read_formula(reader, self)) rule.match = std::move(*match);
  if (auto caps = reader.optional("caps")) {
    if (auto elements = detail::read_list(*caps)) {
      for (std::size_t c = 0; c < elements->size(); ++c) {
        const std::string default_id = detail::index_path(detail::index_path("rules", file_index) + ".caps", c);
        if (auto cap = read_cap((*elements)[c], default_id, false)) {
          parts_.caps[position(*cap)].rules.push_back(self);
          rule.own_caps.push_back(*cap);
        }
      }
    }
  }
  if (auto partial = reader.optional("partial")) {
    rule.partial = detail::read_choice<partial_mode>(*partial, {{"clip", partial_mode::clip}, {"skip", partial_mode::skip}})
                       .value_or(partial_mode::clip);
  }
  if (auto mode = reader.optional("rounding")) {
    rule.round = detail::read_choice<rounding>(*mode, rounding_spellings).value_or(rounding::floor);
  }
  if (auto exclusive = reader.optional("exclusive")) rule.exclusive = detail::read_bool(*exclusive).value_or(false);
  if (auto on_refund = reader.optional("on_refund")) {
    rule.on_refund =
        detail::read_choice<refund_disposition>(*on_refund, refund_disposition_spellings).value_or(refund_disposition::give_back);
  }
  if (auto settle = reader.optional("settle")) {
    map_reader settle_reader(*settle);
    if (auto when = settle_reader.required("when")) rule.settle = read_condition(*when, field_context::project_at_close, std::nullopt);
    settle_reader.finish();
  }
  reader.finish();
}

std::optional<formula> rules_loader::read_formula(map_reader& reader, rule_index self) {
  const auto ratio_node = reader.optional("ratio");
  const auto amount_node = reader.optional("amount");
  const auto bonus_node = reader.optional("ratio_of");
  const int given = (ratio_node ? 1 : 0) + (amount_node ? 1 : 0) + (bonus_node ? 1 : 0);
  if (given == 0) {
    if (reader.valid()) reader.self().report("a rule needs one of ratio, amount or ratio_of",
                                             diagnostic_code::missing_formula);
    return std::nullopt;
  }
  if (given > 1) {
    const auto& second = bonus_node ? *bonus_node : *amount_node;
    report(second, "give only one of ratio, amount or ratio_of", diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  const auto needs_seed = [&](const located_node& at) {
    if (!seed_given_) report(at, "a random " + std::string(ratio_node ? "ratio" : "amount") + " needs campaign.seed",
                             diagnostic_code::missing_seed);
  };
  if (ratio_node) {
    if (ratio_node->is_scalar()) {
      if (auto value = detail::read_ratio(*ratio_node)) return fixed_ratio_formula{*value};
      return std::nullopt;
    }
    map_reader shape(*ratio_node);
    if (!shape.valid()) return std::nullopt;
    if (shape.has("random") && shape.has("tiers")) {
      report(*ratio_node, "give either random or tiers, not both", diagnostic_code::conflicting_keys);
      return std::nullopt;
    }
    if (auto tiers = shape.optional("tiers")) {
      shape.finish();
      auto parsed = read_tiers(*tiers, self);
      if (!parsed) return std::nullopt;
      return *parsed;
    }
    auto random = shape.required("random");
    shape.finish();
    if (!random) return std::nullopt;
    needs_seed(*random);
    map_reader range(*random);
    const auto min_node = range.required("min");
    const auto max_node = range.required("max");
    const auto step_node = range.required("step");
    range.finish();
    auto min = min_node ? detail::read_ratio(*min_node) : std::nullopt;
    auto max = max_node ? detail::read_ratio(*max_node) : std::nullopt;
    auto step = step_node ? detail::read_ratio(*step_node) : std::nullopt;
    if (!min || !max || !step) return std::nullopt;
    if (*max < *min) {
      report(*max_node, "random.max must not be below random.min", diagnostic_code::bad_random_range);
      return std::nullopt;
    }
    if (step->is_zero()) {
      report(*step_node, "random.step must be positive", diagnostic_code::bad_random_range);
      return std::nullopt;
    }
    const std::int64_t span = max->millionths() - min->millionths();
    if (span % step->millionths() != 0) {
      report(*step_node,
             "random.step " + format_ratio(*step) + " does not divide max - min = " +
                 format_ratio(ratio::from_millionths(span)),
             diagnostic_code::random_step);
      return std::nullopt;
    }
    return random_ratio_formula{*min, *max, *step, static_cast<std::uint64_t>(span / step->millionths()) + 1};
  }
  if (amount_node) {
    if (amount_node->is_scalar()) {
      if (auto value = read_money_at(*amount_node)) return fixed_amount_formula{*value};
      return std::nullopt;
    }
    map_reader shape(*amount_node);
    auto random = shape.required("random");
    shape.finish();
    if (!random) return std::nullopt;
    needs_seed(*random);
    map_reader range(*random);
    const auto min_node = range.required("min");
    const auto max_node = range.required("max");
    range.finish();
    auto min = min_node ? read_money_at(*min_node) : std::nullopt;
    auto max = max_node ? read_money_at(*max_node) : std::nullopt;
    if (!min || !max) return std::nullopt;
    if (*max < *min) {
      report(*max_node, "random.max must not be below random.min", diagnostic_code::bad_random_range);
      return std::nullopt;
    }
    return random_amount_formula{*min, *max};
  }
  map_reader bonus(*bonus_node);
  const auto rule_node = bonus.required("rule");
  const auto scale_node = bonus.optional("ratio");
  const auto tiers_node = bonus.optional("tiers");
  bonus.finish();
  if (!bonus.valid()) return std::nullopt;
  std::optional<rule_index> base =
      rule_node ? read_reference<rule_index>(*rule_node, rule_ids_, rule_reference) : std::nullopt;
  if (base && *base >= self) {
    report(*rule_node,
           "ratio_of must name a rule evaluated before this one; \"" + rule_node->node.Scalar() + "\" is not",
           diagnostic_code::rule_order);
    base.reset();
  }
  if (scale_node && tiers_node) {
    report(*tiers_node, "give either ratio or tiers, not both", diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  if (!scale_node && !tiers_node) {
    bonus_node->report("ratio_of needs ratio or tiers", diagnostic_code::missing_key);
    return std::nullopt;
  }
  if (scale_node) {
    auto scale = detail::read_ratio(*scale_node);
    if (!scale || !base) return std::nullopt;
    return bonus_formula{*base, *scale};
  }
  auto tiers = read_tiers(*tiers_node, self);
  if (!tiers || !base) return std::nullopt;
  return bonus_formula{*base, std::move(*tiers)};
}

std::optional<tiered_ratio_formula> rules_loader::read_tiers(const located_node& node, rule_index self) {
  auto elements = detail::read_list(node);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    report(node, "tiers must list at least one tier", diagnostic_code::empty_list);
    return std::nullopt;
  }
  tiered_ratio_formula result;
  bool ok = true;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    map_reader tier_reader((*elements)[i]);
    if (!tier_reader.valid()) {
      ok = false;
      continue;
    }
    ratio_tier tier;
    if (auto when = tier_reader.optional("when")) {
      auto parsed = read_condition(*when, field_context::donation, self);
      if (parsed) tier.when = std::move(*parsed); else ok = false;
    } else if (i + 1 < elements->size()) {
      (*elements)[i].report("only the last tier may omit when (the ones after it could never apply)",
                            diagnostic_code::tier_order);
      ok = false;
    }
    if (auto value = tier_reader.required("ratio")) {
      if (auto parsed = detail::read_ratio(*value)) tier.value = *parsed; else ok = false;
    } else {
      ok = false;
    }
    tier_reader.finish();
    result.tiers.push_back(std::move(tier));
  }
  if (!ok) return std::nullopt;
  return result;
}

std::optional<cap_index> rules_loader::read_cap(const located_node& node, std::string default_id, bool shared) {
  map_reader reader(node);
  if (!reader.valid()) return std::nullopt;
  cap_spec cap;
  cap.shared = shared;
  bool ok = true;
  cap.id = std::move(default_id);
  if (auto id = reader.optional("id")) {
    if (auto text = detail::read_id(*id)) cap.id = *text; else ok = false;
  }
  const located_node& id_blame = reader.has("id") ? *child_of(node, "id") : node;
  if (auto [first, inserted] = cap_ids_.emplace(cap.id, id_blame.at.line); !inserted) {
    report(id_blame, "duplicate cap id \"" + cap.id + "\" (first at line " + std::to_string(first->second) + ")",
           diagnostic_code::duplicate_id);
    ok = false;
  }
  if (auto per = reader.required("per")) {
    auto text = detail::read_string(*per);
    bool known = false;
    if (text) {
      for (const auto& [name, scope] : cap_scope_spellings) {
        if (*text == name) {
          cap.per = scope;
          known = true;
        }
      }
      if (!known && text->starts_with("attr:")) {
        auto field = parse_field(std::string_view(*text).substr(5));
        if (field && field->kind >= field_kind::donation_id && field->kind <= field_kind::project_attribute &&
            field->kind != field_kind::project_tags) {
          cap.per = cap_scope::field;
          cap.scope_field = *field;
          known = true;
        } else {
          report(*per, "\"" + *text + "\" names no donation, donor or project field", diagnostic_code::unknown_field);
          ok = false;
          known = true;  // reported
        }
      }
      if (!known) {
        report(*per,
               "invalid value \"" + *text +
                   "\" (expected donation, donor, project, organization, region, category, donor_project, "
                   "donor_organization, campaign or attr:<field>)",
               diagnostic_code::bad_choice);
        ok = false;
      }
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  const auto period_node = reader.optional("period");
  std::optional<period_kind> period = period_kind::campaign;
  if (period_node) {
    period = detail::read_choice<period_kind>(*period_node, {{"campaign", period_kind::campaign},
                                                             {"day", period_kind::day},
                                                             {"year", period_kind::year}});
    if (!period) ok = false;
  }
  month_day year_start{};
  if (auto start = reader.optional("year_start")) {
    if (period != period_kind::year) {
      report(*start, "year_start applies only to period: year", diagnostic_code::year_start_without_year);
      ok = false;
    } else if (auto parsed = detail::read_month_day(*start)) {
      year_start = *parsed;
    } else {
      ok = false;
    }
  }
  if (period == period_kind::day) cap.period = cap_period::local_day();
  if (period == period_kind::year) cap.period = cap_period::year_from(year_start);
  if (period && campaign_times_ok_ && timezone_ok_) {
    // The engine keeps a cap's period, counted from the one the campaign starts in, in 16 bits
    // (support/run_limits.hpp): a campaign may span that one and max_cap_period more.
    const auto& campaign = parts_.campaign;
    const std::int64_t first = cap.period.index_of(campaign.start, campaign.timezone);
    const std::int64_t last = cap.period.index_of(campaign.end - duration{1}, campaign.timezone);
    if (last - first > max_cap_period) {
      report(period_node ? *period_node : node,
             "the campaign spans " + with_thousands(last - first + 1) +
                 (*period == period_kind::day ? " local days" : " years") + ", more than the " +
                 with_thousands(std::int64_t{max_cap_period} + 1) + " periods a cap can count",
             diagnostic_code::period_limit);
      ok = false;
    }
  }
  if (auto measure = reader.required("measure")) {
    auto parsed = detail::read_choice<cap_measure>(*measure, {{"match", cap_measure::match},
                                                             {"donation", cap_measure::donation},
                                                             {"count", cap_measure::count}});
    if (parsed) cap.measure = *parsed; else ok = false;
  } else {
    ok = false;
  }
  const auto max_node = reader.optional("max");
  const auto max_from_node = reader.optional("max_from");
  if (max_node && max_from_node) {
    report(*max_from_node, "give either max or max_from, not both", diagnostic_code::conflicting_keys);
    ok = false;
  } else if (!max_node && !max_from_node) {
    reader.self().report("a cap needs max or max_from", diagnostic_code::missing_key);
    ok = false;
  } else if (max_node) {
    if (cap.measure == cap_measure::count) {
      cap.max = detail::read_integer(*max_node, 0, money_limit_minor);
    } else if (auto amount = read_money_at(*max_node)) {
      cap.max = amount->minor_units();
    }
    if (!cap.max) ok = false;
  } else {
    const auto owners = {attribute_owner::donation, attribute_owner::donor, attribute_owner::project};
    cap.max_from = read_attribute_field(*max_from_node, owners, "max_from");
    if (!cap.max_from) ok = false;
  }
  if (auto rules = reader.optional("rules")) {
    if (!shared) {
      report(*rules, "a rule's own cap limits that rule; list rules only on top-level caps",
             diagnostic_code::cap_rules_not_allowed);
      ok = false;
    } else if (auto listed = read_reference_list<rule_index>(*rules, rule_ids_, rule_reference,
                                                             "a shared cap must list at least one rule")) {
      cap.rules = std::move(*listed);
      std::sort(cap.rules.begin(), cap.rules.end());
    } else {
      ok = false;
    }
  } else if (shared) {
    reader.self().report("a top-level cap must list the rules it limits (rules: [...])", diagnostic_code::missing_key);
    ok = false;
  }
  reader.finish();
  if (!ok) return std::nullopt;
  // The engine names a cap in 16 bits (support/run_limits.hpp); reported once, at the first cap beyond.
  if (parts_.caps.size() > max_cap_number) {
    if (caps_refused_++ == 0) {
      report(node, "more than " + with_thousands(std::int64_t{max_cap_number} + 1) + " caps in one rules file",
             diagnostic_code::cap_limit);
    }
    return std::nullopt;
  }
  parts_.caps.push_back(std::move(cap));
  return index_at<cap_index>(parts_.caps.size() - 1);
}

void rules_loader::read_shared_caps(const located_node& list) {
  auto elements = detail::read_list(list);
  if (!elements) return;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    auto cap = read_cap((*elements)[i], detail::index_path("caps", i), true);
    if (!cap) continue;
    for (rule_index rule : parts_.caps[position(*cap)].rules) parts_.rules[position(rule)].shared_caps.push_back(*cap);
  }
}

}  // namespace matchfund::detail::loading
