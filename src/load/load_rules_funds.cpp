// Phase 5 of loading rules: funds (SPEC §4), their budgets, release schedules, sub-budgets and
// where their leftovers go.
#include "load/rules_loader.hpp"

namespace matchfund::detail::loading {

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
  if (auto sub_budgets = reader.optional("sub_budgets")) read_sub_budgets(*sub_budgets, fund);
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

void rules_loader::read_sub_budgets(const located_node& node, fund_spec& fund) {
  map_reader sub(node);
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

// ---------------------------------------------------------------------------------------------
// Release schedules: tranches, a daily amount, or (neither given) the whole budget at the start.

void rules_loader::read_releases(map_reader& reader, fund_spec& fund, bool budget_known) {
  const auto releases = reader.optional("releases");
  const auto daily = reader.optional("daily");
  if (releases && daily) {
    report(*daily, "give either releases or daily, not both", diagnostic_code::conflicting_keys);
    return;
  }
  if (!releases && !daily) {
    if (campaign_times_ok_) fund.releases.push_back({parts_.campaign.start, fund.budget});
    return;
  }
  const located_node& schedule = releases ? *releases : *daily;
  const bool complete = releases ? read_tranches(schedule, fund) : read_daily_releases(schedule, fund);
  if (complete && budget_known) check_release_total(schedule, fund);
}

// False when the list itself is not one (not a list, or empty): then there is nothing to sum.
bool rules_loader::read_tranches(const located_node& releases, fund_spec& fund) {
  const auto& campaign = parts_.campaign;
  auto elements = detail::read_list(releases);
  if (!elements) return false;
  if (elements->empty()) {
    report(releases, "releases must list at least one tranche", diagnostic_code::empty_list);
    return false;
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
  return true;
}

// False when the schedule is in error: a day outside the campaign is reported once, not daily.
bool rules_loader::read_daily_releases(const located_node& daily, fund_spec& fund) {
  const auto& campaign = parts_.campaign;
  map_reader schedule(daily);
  const auto from_node = schedule.required("from");
  const auto to_node = schedule.required("to");
  const auto at_node = schedule.required("at");
  const auto amount_node = schedule.required("amount");
  schedule.finish();
  auto from = from_node ? detail::read_date(*from_node) : std::nullopt;
  auto to = to_node ? detail::read_date(*to_node) : std::nullopt;
  auto at = at_node ? detail::read_clock(*at_node) : std::nullopt;
  auto amount = amount_node ? read_money_at(*amount_node) : std::nullopt;
  if (!from || !to || !at || !amount) return false;
  if (*to < *from) {
    report(*to_node, "daily.to must not be before daily.from", diagnostic_code::bad_daily_range);
    return false;
  }
  for (auto day = from->days_since_epoch(); day <= to->days_since_epoch(); ++day) {
    const timestamp release = at_local(local_date::from_days(day), *at, campaign.timezone);
    if (campaign_times_ok_ && (release < campaign.start || release >= campaign.end)) {
      report(daily, "the daily release at " + format_rfc3339(release, campaign.timezone) + " is outside the campaign",
             diagnostic_code::release_outside_campaign);
      return false;
    }
    fund.releases.push_back({release, *amount});
  }
  return true;
}

void rules_loader::check_release_total(const located_node& schedule, const fund_spec& fund) {
  try {
    money total;
    for (const auto& release : fund.releases) total += release.amount;
    if (total > fund.budget) {
      report(schedule,
             "releases sum to " + format_money(total, digits()) + ", more than the budget " +
                 format_money(fund.budget, digits()),
             diagnostic_code::releases_exceed_budget);
    }
  } catch (const overflow_error&) {
    report(schedule, "releases sum to more than the money limit of 10^15 minor units", diagnostic_code::money_limit);
  }
}

}  // namespace matchfund::detail::loading
