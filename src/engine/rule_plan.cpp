#include "engine/rule_plan.hpp"

#include <algorithm>

#include "matchfund/random_draw.hpp"

namespace matchfund::engine_detail {

namespace {

// The attribute leaves without default of a condition.
void collect_required(const condition& c, std::vector<field_ref>& out) {
  for (const auto& child : c.children) collect_required(child, out);
  if (c.type == condition::kind::leaf && is_attribute(c.leaf.field.kind) && !c.leaf.fallback) {
    if (std::find(out.begin(), out.end(), c.leaf.field) == out.end()) out.push_back(c.leaf.field);
  }
}

void collect_required(const rule_spec& rule, std::vector<field_ref>& out) {
  for_each_donation_condition(rule, [&](const condition& c) { collect_required(c, out); });
}

// Whether a condition reads only what a project is: not its totals, nor anything of the
// donation, donor or funds.
bool reads_project_only(const condition& c) {
  switch (c.type) {
    case condition::kind::always: return true;
    case condition::kind::leaf:
      switch (c.leaf.field.kind) {
        case field_kind::project_id:
        case field_kind::project_organization:
        case field_kind::project_region:
        case field_kind::project_category:
        case field_kind::project_tags:
        case field_kind::project_attribute: return true;
        default: return false;
      }
    default:
      return std::all_of(c.children.begin(), c.children.end(), [](const condition& child) { return reads_project_only(child); });
  }
}

std::vector<bool> eligibility_by_project(const rule_set& rules, const condition& eligible, const field_reader& fields) {
  std::vector<bool> verdicts(rules.projects().size());
  const project_totals none;  // a condition on what projects are reads no totals
  for (std::size_t p = 0; p < rules.projects().size(); ++p) {
    const auto project = index_at<project_index>(p);
    const auto holds_here =
        evaluate(eligible, [&](const field_ref& field) { return fields.read_project_field(field, project, none); });
    // A missing attribute the condition needs rejects the donation before it is evaluated.
    verdicts[p] = holds_here.value_or(false);
  }
  return verdicts;
}

bool same_windows(const std::vector<window_spec>& a, const std::vector<window_spec>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const window_spec& x, const window_spec& y) {
    return x.from == y.from && x.to == y.to && x.daily == y.daily;
  });
}

}  // namespace

rule_plan::rule_plan(const rule_set& rules, const field_reader& fields)
    : eligible_by_project(rules.rules().size()), rematched(rules.rules().size()),
      rank_opening_of_window(rules.rules().size()) {
  plan_rank_openings(rules);
  plan_marks(rules);
  for (const closeout_spec& step : rules.closeout()) {
    if (step.kind == closeout_kind::rematch && step.rule) rematched[position(*step.rule)] = true;
  }
  for (std::size_t k = 0; k < rules.rules().size(); ++k) {
    const rule_spec& rule = rules.rules()[k];
    if (reads_project_only(rule.eligible)) eligible_by_project[k] = eligibility_by_project(rules, rule.eligible, fields);
    std::size_t group = 0;
    while (group < k && !same_windows(rule.windows, rules.rules()[group].windows)) ++group;
    window_group.push_back(static_cast<std::uint32_t>(group));
    collect_required(rule, required_attributes);
    draw_prefix.push_back(matchfund::draw_prefix(rules.campaign().seed.value_or(0), rule.id));
  }
  for (const project_spec& project : rules.projects()) {
    organization_of_project.push_back(static_cast<std::uint32_t>(position(project.organization)));
  }
  plan_donor_caps(rules);
}

void rule_plan::plan_rank_openings(const rule_set& rules) {
  for (const rule_spec& rule : rules.rules()) {
    if (!reads_day_rank(rule)) continue;
    for (const window_spec& window : rule.windows) {  // every one has daily (the loader checks)
      if (std::find(rank_openings.begin(), rank_openings.end(), window.daily->start) == rank_openings.end()) {
        rank_openings.push_back(window.daily->start);
      }
    }
  }
  std::sort(rank_openings.begin(), rank_openings.end());
  for (std::size_t k = 0; k < rules.rules().size(); ++k) {
    const rule_spec& rule = rules.rules()[k];
    if (!reads_day_rank(rule)) continue;
    for (const window_spec& window : rule.windows) {
      const auto at = std::find(rank_openings.begin(), rank_openings.end(), window.daily->start);
      rank_opening_of_window[k].push_back(static_cast<std::uint32_t>(at - rank_openings.begin()));
    }
  }
}

void rule_plan::plan_marks(const rule_set& rules) {
  qualifying_kind.assign(rules.rules().size(), -1);
  outside_kind.assign(rules.rules().size(), -1);
  for (const closeout_spec& step : rules.closeout()) {
    if (!step.weight) continue;
    std::vector<std::int32_t>* kinds = step.weight->kind == field_kind::rule_qualifying       ? &qualifying_kind
                                       : step.weight->kind == field_kind::rule_outside_windows ? &outside_kind
                                                                                               : nullptr;
    if (kinds == nullptr || (*kinds)[step.weight->index] >= 0) continue;
    (*kinds)[step.weight->index] = static_cast<std::int32_t>(marked_kinds++);
  }
}

void rule_plan::plan_donor_caps(const rule_set& rules) {
  for (std::size_t p = 0; p < rules.projects().size(); ++p) {
    donor_caps_first_.push_back(checked_u32(donor_caps_.size(), "caps per donor over all projects"));
    const auto first = static_cast<std::ptrdiff_t>(donor_caps_first_.back());
    for (std::size_t k = 0; k < rules.rules().size(); ++k) {
      if (!eligible_by_project[k].empty() && !eligible_by_project[k][p]) continue;
      const rule_spec& rule = rules.rules()[k];
      for (const auto* indices : {&rule.own_caps, &rule.shared_caps}) {
        for (const cap_index c : *indices) {
          const cap_scope per = rules.cap(c).per;
          if (per != cap_scope::donor && per != cap_scope::donor_project && per != cap_scope::donor_organization) continue;
          const auto cap = static_cast<std::uint32_t>(position(c));
          if (std::find(donor_caps_.begin() + first, donor_caps_.end(), cap) == donor_caps_.end()) donor_caps_.push_back(cap);
        }
      }
    }
  }
  donor_caps_first_.push_back(checked_u32(donor_caps_.size(), "caps per donor over all projects"));
}

}  // namespace matchfund::engine_detail
