// What the rules let the engine decide once, before any event, instead of per donation. Internal.
#ifndef MATCHFUND_SRC_ENGINE_RULE_PLAN_HPP
#define MATCHFUND_SRC_ENGINE_RULE_PLAN_HPP

#include <cstdint>
#include <span>
#include <vector>

#include "engine/field_reader.hpp"
#include "matchfund/engine.hpp"

namespace matchfund::engine_detail {

struct rule_plan {
  rule_plan(const rule_set& rules, const field_reader& fields);

  // Per rule: its eligibility per project when it reads only what projects are (id,
  // organization, region, category, tags, attributes); empty when it must be evaluated per
  // donation.
  std::vector<std::vector<bool>> eligible_by_project;
  // Per rule: its group of rules with the same windows (the position of the first of them), so
  // that rules with the same windows share one verdict per donation.
  std::vector<std::uint32_t> window_group;
  // Per rule: a rematch step names it (its shortfalls are kept for the close).
  std::vector<bool> rematched;
  // The daily opening clocks of the windows of the rules that read a day rank (day_ranking.hpp),
  // distinct, in order; and per rule, per window, the index of its opening among them (empty for
  // a rule that reads no rank).
  std::vector<local_clock> rank_openings;
  std::vector<std::vector<std::uint32_t>> rank_opening_of_window;
  // Per rule: the kind (donation_marks) that marks the donations it takes up to its formula, and
  // the one that marks those outside its windows, for the close-out weights rule.ID.qualifying
  // and rule.ID.outside_windows; -1 when no weight names them. `marked_kinds` counts the kinds.
  std::vector<std::int32_t> qualifying_kind, outside_kind;
  std::size_t marked_kinds = 0;
  // Per rule: the hash of `decimal(seed) 0x1F rule id 0x1F` that every draw of the rule starts
  // from (random_draw.hpp, draw_prefix).
  std::vector<std::uint64_t> draw_prefix;
  // The attribute leaves without default of every condition: values every donation must have.
  std::vector<field_ref> required_attributes;
  // Per project: its organization, and the caps per donor (donor, donor_project,
  // donor_organization) of the rules that may match its donations, whose counters
  // engine::prefetch loads early. Small flat arrays that stay in the cache, unlike the project
  // specs, whose reads missed it (bench/RESULTS.md).
  std::vector<std::uint32_t> organization_of_project;
  [[nodiscard]] std::span<const std::uint32_t> donor_caps_of(std::uint32_t project) const noexcept {
    return {donor_caps_.data() + donor_caps_first_[project], donor_caps_first_[project + 1] - donor_caps_first_[project]};
  }

 private:
  void plan_donor_caps(const rule_set& rules);
  void plan_rank_openings(const rule_set& rules);
  void plan_marks(const rule_set& rules);
  std::vector<std::uint32_t> donor_caps_first_;  // project p's are [first[p], first[p + 1])
  std::vector<std::uint32_t> donor_caps_;
};

}  // namespace matchfund::engine_detail

#endif
