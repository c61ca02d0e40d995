// SPEC §5.1: what a field reads for a donation or a project, and whether a condition holds.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/assert.hpp"
#include "matchfund/timestamp.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

value string_value(std::string_view text) { return value{std::in_place_type<std::string>, std::string(text)}; }

// An integer compared with money is whole units (SPEC §11.7); the loader normally settles it.
void make_comparable(value& a, value& b, minor_digits_t digits) {
  if (std::holds_alternative<money>(a) && std::holds_alternative<std::int64_t>(b)) {
    b = money::from_units(std::get<std::int64_t>(b), digits);
  } else if (std::holds_alternative<std::int64_t>(a) && std::holds_alternative<money>(b)) {
    a = money::from_units(std::get<std::int64_t>(a), digits);
  }
  MATCHFUND_ASSERT(a.index() == b.index(), "a condition compares values of different types");
}

bool compare(value a, value b, compare_op op, minor_digits_t digits) {
  make_comparable(a, b, digits);
  switch (op) {
    case compare_op::equal: return a == b;
    case compare_op::not_equal: return a != b;
    case compare_op::less: return a < b;
    case compare_op::less_equal: return a <= b;
    case compare_op::greater: return a > b;
    case compare_op::greater_equal: return a >= b;
    case compare_op::contains:
      return std::get<std::string>(a).find(std::get<std::string>(b)) != std::string::npos;
    case compare_op::in:
    case compare_op::not_in: break;
  }
  MATCHFUND_ASSERT(false, "in / not_in are compared operand by operand");
  return false;
}

}  // namespace

field_reading model::read_field(const field_ref& field, const context& at) const {
  const project_spec& project = rules_.projects()[at.project];
  const project_state& totals = projects_[at.project];
  const event* d = at.donation;
  const auto donation_needed = [&] { MATCHFUND_ASSERT(d != nullptr, "a donation field read without a donation"); };
  const auto slot_of = [&](const attribute_values& values) -> std::optional<value> {
    return field.index < values.size() ? values[field.index] : std::nullopt;
  };
  field_reading reading;
  switch (field.kind) {
    case field_kind::donation_id: donation_needed(); reading.scalar = string_value(d->id); break;
    case field_kind::donation_amount: donation_needed(); reading.scalar = value{*d->amount}; break;
    case field_kind::donation_channel:
      donation_needed();
      reading.scalar = string_value(d->channel);
      reading.absent = d->channel.empty();
      break;
    case field_kind::donation_local_date: donation_needed(); reading.scalar = value{local_day_of(d->time, offset_)}; break;
    case field_kind::donation_local_clock: donation_needed(); reading.scalar = value{local_clock_of(d->time, offset_)}; break;
    case field_kind::donation_attribute: donation_needed(); reading.scalar = slot_of(d->attributes); break;
    case field_kind::donor_id: donation_needed(); reading.scalar = string_value(d->donor); break;
    case field_kind::donor_attribute: {
      donation_needed();
      const auto donor = rules_.find_donor(d->donor);
      if (donor) reading.scalar = slot_of(rules_.donors()[position(*donor)].attributes);
      break;
    }
    case field_kind::project_id: reading.scalar = string_value(project.id); break;
    case field_kind::project_organization:
      reading.scalar = string_value(rules_.organizations()[position(project.organization)]);
      break;
    case field_kind::project_region:
      reading.scalar = string_value(project.region ? rules_.regions()[position(*project.region)] : std::string());
      reading.absent = !project.region;
      break;
    case field_kind::project_category:
      reading.scalar =
          string_value(project.category ? rules_.categories()[position(*project.category)] : std::string());
      reading.absent = !project.category;
      break;
    case field_kind::project_tags: reading.tags = &project.tags; break;
    case field_kind::project_attribute: reading.scalar = slot_of(project.attributes); break;
    case field_kind::project_raised: reading.scalar = value{totals.raised}; break;
    case field_kind::project_donors: reading.scalar = value{static_cast<std::int64_t>(totals.donors.size())}; break;
    case field_kind::project_donations: reading.scalar = value{totals.donations}; break;
    case field_kind::project_matched: reading.scalar = value{totals.matched}; break;
    case field_kind::project_day_rank: reading.scalar = value{day_rank(at, false)}; break;
    case field_kind::project_organization_day_rank: reading.scalar = value{day_rank(at, true)}; break;
    case field_kind::fund_budget: reading.scalar = value{rules_.funds()[field.index].budget}; break;
    case field_kind::fund_drawn: reading.scalar = value{funds_[field.index].drawn}; break;
    case field_kind::fund_available: reading.scalar = value{funds_[field.index].available()}; break;
    case field_kind::rule_matched: {
      MATCHFUND_ASSERT(at.paid_by_rule != nullptr, "rule.ID.matched read without a donation");
      const auto found = at.paid_by_rule->find(field.index);
      reading.scalar = value{found == at.paid_by_rule->end() ? money::zero() : found->second};
      break;
    }
    case field_kind::rule_total:
    case field_kind::rule_qualifying:
    case field_kind::rule_outside_windows:
      MATCHFUND_ASSERT(false, "rule.ID.total, .qualifying and .outside_windows are close-out weights, not condition fields");
      break;
  }
  return reading;
}

bool model::holds_leaf(const condition_leaf& leaf, const context& at) const {
  const field_reading reading = read_field(leaf.field, at);
  if (reading.tags != nullptr) {
    MATCHFUND_ASSERT(leaf.op == compare_op::contains, "project.tags only supports contains");
    const std::string& wanted = std::get<std::string>(leaf.operands.at(0));
    return std::find(reading.tags->begin(), reading.tags->end(), wanted) != reading.tags->end();
  }
  // SPEC §11.17: a missing channel, region or category is read as "" (reading.scalar) here.
  std::optional<value> actual = reading.scalar;
  if (!actual) actual = leaf.fallback;
  MATCHFUND_ASSERT(actual.has_value(), "a missing attribute without default reached evaluation");
  if (leaf.op == compare_op::in || leaf.op == compare_op::not_in) {
    bool found = false;
    for (const value& operand : leaf.operands) {
      if (compare(*actual, operand, compare_op::equal, digits_)) found = true;
    }
    return leaf.op == compare_op::in ? found : !found;
  }
  return compare(*actual, leaf.operands.at(0), leaf.op, digits_);
}

bool model::holds(const condition& c, const context& at) const {
  switch (c.type) {
    case condition::kind::always: return true;
    case condition::kind::all:
      for (const condition& child : c.children) {
        if (!holds(child, at)) return false;
      }
      return true;
    case condition::kind::any:
      for (const condition& child : c.children) {
        if (holds(child, at)) return true;
      }
      return false;
    case condition::kind::negation: return !holds(c.children.at(0), at);
    case condition::kind::leaf: return holds_leaf(c.leaf, at);
  }
  return false;
}

std::optional<std::string> model::first_missing_attribute(const condition& c, const context& at) const {
  if (c.type == condition::kind::leaf) {
    if (is_attribute(c.leaf.field.kind) && !c.leaf.fallback && !read_field(c.leaf.field, at).scalar) {
      return c.leaf.field.name;
    }
    return std::nullopt;
  }
  for (const condition& child : c.children) {
    if (auto missing = first_missing_attribute(child, at)) return missing;
  }
  return std::nullopt;
}

std::optional<std::string> model::missing_attribute(const event& donation) const {
  const std::map<std::size_t, money> nothing_paid;
  const context at{&donation, position(*donation.project), &nothing_paid};
  for (const rule_spec& rule : rules_.rules()) {
    std::vector<const condition*> conditions{&rule.eligible};
    const auto add_tiers = [&](const tiered_ratio_formula& tiered) {
      for (const ratio_tier& tier : tiered.tiers) {
        if (tier.when) conditions.push_back(&*tier.when);
      }
    };
    if (const auto* tiered = std::get_if<tiered_ratio_formula>(&rule.match)) add_tiers(*tiered);
    if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
      if (const auto* tiered = std::get_if<tiered_ratio_formula>(&bonus->scale)) add_tiers(*tiered);
    }
    for (const condition* c : conditions) {
      if (auto missing = first_missing_attribute(*c, at)) return "missing_attribute:" + *missing;
    }
  }
  return std::nullopt;
}

// The rank (1: the most) of the project, or of its organization, by what it raised on the
// donation's local day before the daily opening of the rule's first window the donation is in;
// ties by id (organization name) in byte order.
std::int64_t model::day_rank(const context& at, bool of_organization) const {
  MATCHFUND_ASSERT(at.rule != nullptr && at.donation != nullptr, "a day rank read outside a rule's evaluation");
  const timestamp t = at.donation->time;
  const local_date today = local_day_of(t, offset_);
  std::optional<timestamp> opening;
  for (const window_spec& window : at.rule->windows) {
    if (t >= window.from && t < window.to && window.daily->contains_millisecond(local_millisecond_of_day(t, offset_))) {
      opening = at_local(today, window.daily->start, offset_);
      break;
    }
  }
  MATCHFUND_ASSERT(opening.has_value(), "a day rank read outside the rule's windows");
  const timestamp day_start = at_local(today, local_clock::from_seconds(0), offset_);
  std::map<std::string, money> raised;  // by project id, or by organization name
  for (std::size_t p = 0; p < rules_.projects().size(); ++p) {
    const project_spec& project = rules_.projects()[p];
    const std::string name = of_organization ? rules_.organizations()[position(project.organization)] : project.id;
    money& sum = raised[name];
    for (const auto& [when, change] : raised_log_[p]) {
      if (when >= day_start && when < *opening) sum += change;
    }
  }
  const project_spec& own = rules_.projects()[at.project];
  const std::string mine = of_organization ? rules_.organizations()[position(own.organization)] : own.id;
  std::int64_t rank = 1;
  for (const auto& [name, sum] : raised) {
    if (sum > raised.at(mine) || (sum == raised.at(mine) && name < mine)) ++rank;
  }
  return rank;
}

}  // namespace matchfund::reference
