// Phase 5 of loading rules: matching rules (SPEC §5), in evaluation order: their sources,
// windows, conditions, options and own caps (formulas and caps have files of their own).
#include "load/rules_loader.hpp"

#include <algorithm>
#include <limits>

namespace matchfund::detail::loading {

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
  if (auto description = reader.optional("description")) {
    rule.description = detail::read_string(*description).value_or("");
  }
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
  if (auto windows = reader.optional("windows")) read_windows(*windows, rule);
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
  if (reads_day_rank(rule)) {
    const bool daily = !rule.windows.empty() &&
                       std::all_of(rule.windows.begin(), rule.windows.end(), [](const window_spec& w) { return w.daily.has_value(); });
    if (!daily) {
      node.report("project.day_rank and project.organization_day_rank need every window of the rule to have daily "
                  "(a rank is fixed at the window's daily opening)",
                  diagnostic_code::field_not_allowed);
    }
  }
  if (auto caps = reader.optional("caps")) read_own_caps(*caps, file_index, self, rule);
  if (auto partial = reader.optional("partial")) {
    rule.partial = detail::read_choice<partial_mode>(*partial, {{"clip", partial_mode::clip}, {"skip", partial_mode::skip}})
                       .value_or(partial_mode::clip);
  }
  if (auto mode = reader.optional("rounding")) {
    rule.round = detail::read_choice<rounding>(*mode, rounding_spellings).value_or(rounding::floor);
  }
  if (auto exclusive = reader.optional("exclusive")) rule.exclusive = detail::read_bool(*exclusive).value_or(false);
  if (auto on_refund = reader.optional("on_refund")) {
    rule.on_refund = detail::read_choice<refund_disposition>(*on_refund, refund_disposition_spellings)
                         .value_or(refund_disposition::give_back);
  }
  if (auto settle = reader.optional("settle")) rule.settle = read_settle(*settle);
  reader.finish();
}

// `settle`: a condition on project and fund fields at the close (`when`), the donor's later
// payments (`payments`), or both.
std::optional<settle_spec> rules_loader::read_settle(const located_node& settle) {
  map_reader settle_reader(settle);
  settle_spec spec;
  const auto when = settle_reader.optional("when");
  const auto payments = settle_reader.optional("payments");
  if (when) spec.when = read_condition(*when, field_context::project_at_close, std::nullopt);
  if (payments) spec.payments = read_payments(*payments);
  if (settle_reader.valid() && !when && !payments) {
    settle.report("settle needs when, payments or both", diagnostic_code::missing_key);
  }
  settle_reader.finish();
  return spec;
}

// `payments: {min, within_days?}`. `min` is at least 1 and at most the donations one run can
// hold (a larger count could never be met); `within_days` at least 1 and at most 3,652,425
// days, the 10,000 years in which event times can lie (a longer span is the same as none).
std::optional<payments_requirement> rules_loader::read_payments(const located_node& payments) {
  map_reader payments_reader(payments);
  payments_requirement requirement;
  bool ok = payments_reader.valid();
  if (auto min = payments_reader.required("min")) {
    const auto count = detail::read_integer(*min, 1, std::int64_t{1} << 31);
    if (count) requirement.min = *count; else ok = false;
  } else {
    ok = false;
  }
  if (auto within = payments_reader.optional("within_days")) {
    requirement.within_days = detail::read_integer(*within, 1, 3'652'425);
    ok = ok && requirement.within_days.has_value();
  }
  payments_reader.finish();
  if (!ok) return std::nullopt;
  return requirement;
}

void rules_loader::read_windows(const located_node& windows, rule_spec& rule) {
  auto elements = detail::read_list(windows);
  if (!elements) return;
  if (elements->empty()) {
    report(windows, "windows must list at least one window (omit the key for the whole campaign)",
           diagnostic_code::empty_list);
  }
  for (const auto& element : *elements) {
    if (auto window = read_window(element)) rule.windows.push_back(*window);
  }
}

// A window's bounds default to the campaign's; it must lie inside the campaign (SPEC §11.14).
std::optional<window_spec> rules_loader::read_window(const located_node& element) {
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
  if (!ok || !window_reader.valid()) return std::nullopt;
  // A bound taken from a campaign period that is itself invalid proves nothing.
  if (!campaign_times_ok_ && (!from_node || !to_node)) return std::nullopt;
  if (window.to <= window.from) {
    report(to_node ? *to_node : element, "a window must end after it starts", diagnostic_code::bad_window);
    return std::nullopt;
  }
  if (campaign_times_ok_ && (window.from < parts_.campaign.start || window.to > parts_.campaign.end)) {
    report(element, "the window is not inside the campaign", diagnostic_code::window_outside_campaign);
    return std::nullopt;
  }
  return window;
}

// A rule's own caps limit that rule alone; one without an id is named by its path in the file.
void rules_loader::read_own_caps(const located_node& caps, std::size_t file_index, rule_index self, rule_spec& rule) {
  auto elements = detail::read_list(caps);
  if (!elements) return;
  for (std::size_t c = 0; c < elements->size(); ++c) {
    const std::string default_id = detail::index_path(detail::index_path("rules", file_index) + ".caps", c);
    if (auto cap = read_cap((*elements)[c], default_id, false)) {
      parts_.caps[position(*cap)].rules.push_back(self);
      rule.own_caps.push_back(*cap);
    }
  }
}

}  // namespace matchfund::detail::loading
