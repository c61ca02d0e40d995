// SPEC §5.3: the caps that apply to a rule for one donation, each with the counter it charges
// (its period and scope) and its limit, and what those counters hold.
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "matchfund/cap_period.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

std::string scope_text(const value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using type = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<type, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<type, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<type, money>) {
          return std::to_string(x.minor_units());
        } else if constexpr (std::is_same_v<type, std::string>) {
          return x;
        } else if constexpr (std::is_same_v<type, local_date>) {
          return std::to_string(x.days_since_epoch());
        } else if constexpr (std::is_same_v<type, ratio>) {
          return "r" + std::to_string(x.millionths());
        } else {
          return std::to_string(x.seconds_since_midnight());
        }
      },
      v);
}

}  // namespace

std::vector<applied_cap> model::caps_of(std::size_t rule, const context& at) const {
  const rule_spec& spec = rules_.rules()[rule];
  std::vector<cap_index> indices = spec.own_caps;
  indices.insert(indices.end(), spec.shared_caps.begin(), spec.shared_caps.end());
  std::vector<applied_cap> applied;
  for (const cap_index index : indices) {
    const cap_spec& cap = rules_.cap(index);
    const std::optional<std::string> scope = scope_of(cap, at);
    applied_cap a;
    a.cap = position(index);
    if (scope) a.key = counter_key{position(index), cap.period.index_of(at.donation->time, offset_), *scope};
    a.max = max_of(cap, at);
    applied.push_back(std::move(a));
  }
  return applied;
}

// The cap's scope value for the donation; none when the project or donation lacks it.
std::optional<std::string> model::scope_of(const cap_spec& cap, const context& at) const {
  const event& d = *at.donation;
  const project_spec& project = rules_.projects()[at.project];
  const std::string& organization = rules_.organizations()[position(project.organization)];
  std::optional<std::string> scope;
  switch (cap.per) {
    case cap_scope::donation: scope = d.id; break;
    case cap_scope::donor: scope = d.donor; break;
    case cap_scope::project: scope = project.id; break;
    case cap_scope::organization: scope = organization; break;
    case cap_scope::region:
      if (project.region) scope = rules_.regions()[position(*project.region)];
      break;
    case cap_scope::category:
      if (project.category) scope = rules_.categories()[position(*project.category)];
      break;
    case cap_scope::donor_project: scope = d.donor + "\x1F" + project.id; break;
    case cap_scope::donor_organization: scope = d.donor + "\x1F" + organization; break;
    case cap_scope::campaign: scope = ""; break;
    case cap_scope::field: {
      const field_reading reading = read_field(*cap.scope_field, at);
      if (reading.scalar && !reading.absent) scope = scope_text(*reading.scalar);
      break;
    }
  }
  return scope;
}

// The cap's limit in its counter's units: `max`, or `max_from` read for the donation (missing: 0).
std::int64_t model::max_of(const cap_spec& cap, const context& at) const {
  if (cap.max) return *cap.max;
  // max_from: missing -> 0 (SPEC §5.3).
  const field_reading reading = read_field(*cap.max_from, at);
  if (!reading.scalar) return 0;
  if (const auto* amount = std::get_if<money>(&*reading.scalar)) {
    std::int64_t minor = amount->minor_units();
    if (cap.measure == cap_measure::count) {
      for (int i = 0; i < digits_; ++i) minor /= 10;
    }
    return minor;
  }
  if (const auto* count = std::get_if<std::int64_t>(&*reading.scalar)) {
    return cap.measure == cap_measure::count ? *count : money::from_units(*count, digits_).minor_units();
  }
  return 0;
}

std::int64_t model::used(const applied_cap& cap) const { return count_of(*cap.key); }

std::int64_t model::count_of(const counter_key& key) const {
  const auto found = counters_.find(key);
  return found == counters_.end() ? 0 : found->second;
}

}  // namespace matchfund::reference
