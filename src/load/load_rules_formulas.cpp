// Phase 5 of loading rules: how much a rule matches (SPEC §5): a ratio (fixed, random or
// tiered), an amount (fixed or random), a share of what an earlier rule matched (ratio_of), or a
// ratio or amount recorded in an attribute (ratio_from, amount_from).
#include "load/rules_loader.hpp"

namespace matchfund::detail::loading {

std::optional<formula> rules_loader::read_formula(map_reader& reader, rule_index self) {
  static constexpr std::string_view keys[] = {"ratio", "amount", "ratio_of", "ratio_from", "amount_from"};
  std::vector<located_node> given;
  std::size_t which = 0;
  for (std::size_t k = 0; k < std::size(keys); ++k) {
    if (auto node = reader.optional(keys[k])) {
      if (given.empty()) which = k;
      given.push_back(std::move(*node));
    }
  }
  if (given.empty()) {
    if (reader.valid()) {
      reader.self().report("a rule needs one of ratio, amount, ratio_of, ratio_from or amount_from",
                           diagnostic_code::missing_formula);
    }
    return std::nullopt;
  }
  if (given.size() > 1) {
    report(given[1], "give only one of ratio, amount, ratio_of, ratio_from or amount_from", diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  const located_node& node = given.front();
  switch (which) {
    case 0: return read_ratio_formula(node, self);
    case 1: return read_amount_formula(node);
    case 2: return read_bonus_formula(node, self);
    case 3: {
      auto field = read_attribute_field(node, {attribute_owner::donation, attribute_owner::donor, attribute_owner::project},
                                        "ratio_from");
      if (!field) return std::nullopt;
      return recorded_ratio_formula{*field};
    }
    default: {
      auto field = read_attribute_field(node, {attribute_owner::donation, attribute_owner::donor, attribute_owner::project},
                                        "amount_from");
      if (!field) return std::nullopt;
      return recorded_amount_formula{*field};
    }
  }
}

// A random draw without campaign.seed could not be replayed; `what` is "ratio" or "amount".
void rules_loader::require_seed(const located_node& random, std::string_view what) {
  if (!seed_given_) {
    report(random, "a random " + std::string(what) + " needs campaign.seed", diagnostic_code::missing_seed);
  }
}

std::optional<formula> rules_loader::read_ratio_formula(const located_node& node, rule_index self) {
  if (node.is_scalar()) {
    if (auto value = detail::read_ratio(node)) return fixed_ratio_formula{*value};
    return std::nullopt;
  }
  map_reader shape(node);
  if (!shape.valid()) return std::nullopt;
  if (int{shape.has("random")} + int{shape.has("tiers")} + int{shape.has("steps")} > 1) {
    shape.allow({"random", "tiers", "steps"});  // the problem is the form, not the keys
    report(node, "give one of random, tiers or steps", diagnostic_code::conflicting_keys);
    return std::nullopt;
  }
  if (auto steps = shape.optional("steps")) {
    shape.finish();
    auto parsed = read_steps(*steps);
    if (!parsed) return std::nullopt;
    return *parsed;
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
  require_seed(*random, "ratio");
  return read_random_ratio(*random);
}

// min, max and a step that divides max - min: the ratios min, min + step, ..., max.
std::optional<formula> rules_loader::read_random_ratio(const located_node& random) {
  map_reader range(random);
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

std::optional<formula> rules_loader::read_amount_formula(const located_node& node) {
  if (node.is_scalar()) {
    if (auto value = read_money_at(node)) return fixed_amount_formula{*value};
    return std::nullopt;
  }
  map_reader shape(node);
  auto random = shape.required("random");
  shape.finish();
  if (!random) return std::nullopt;
  require_seed(*random, "amount");
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

// ratio_of: a rule evaluated before this one (so that what it matched is known), and a ratio or
// tiers to apply to that.
std::optional<formula> rules_loader::read_bonus_formula(const located_node& node, rule_index self) {
  map_reader bonus(node);
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
    node.report("ratio_of needs ratio or tiers", diagnostic_code::missing_key);
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

// steps: every step but the last has an `until` above the one before it; the last has none.
std::optional<stepped_ratio_formula> rules_loader::read_steps(const located_node& node) {
  auto elements = detail::read_list(node);
  if (!elements) return std::nullopt;
  if (elements->empty()) {
    report(node, "steps must list at least one step", diagnostic_code::empty_list);
    return std::nullopt;
  }
  stepped_ratio_formula result;
  bool ok = true;
  for (std::size_t i = 0; i < elements->size(); ++i) {
    map_reader step_reader((*elements)[i]);
    if (!step_reader.valid()) {
      ok = false;
      continue;
    }
    ratio_step step;
    const bool last = i + 1 == elements->size();
    if (auto until = step_reader.optional("until")) {
      step.until = read_money_at(*until);
      if (!step.until) {
        ok = false;
      } else if (last) {
        until->report("the last step has no until (it applies to all the rule matches beyond)", diagnostic_code::tier_order);
        ok = false;
      } else if (*step.until <= money{} || (!result.steps.empty() && result.steps.back().until &&
                                           *step.until <= *result.steps.back().until)) {
        until->report("until must be above 0 and above the until of the step before", diagnostic_code::tier_order);
        ok = false;
      }
    } else if (!last) {
      (*elements)[i].report("every step but the last needs until (the rule's total at which the next starts)",
                            diagnostic_code::missing_key);
      ok = false;
    }
    if (auto value = step_reader.required("ratio")) {
      if (auto parsed = detail::read_ratio(*value)) step.value = *parsed; else ok = false;
      if (!last && step.value.is_zero()) {
        value->report("a step before the last needs a ratio above 0 (at 0 the rule's total never reaches its until)",
                      diagnostic_code::bad_ratio);
        ok = false;
      }
    } else {
      ok = false;
    }
    step_reader.finish();
    result.steps.push_back(std::move(step));
  }
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace matchfund::detail::loading
