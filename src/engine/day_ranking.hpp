// project.day_rank and project.organization_day_rank (docs/semantics.md "Ranks by the day's
// raising"): the rank of a project, or of its organization, by the money it raised on the local
// day before the daily opening of the rule's window (Tencent 2017's 惊喜时刻 at 21:09: the
// day's top fundraisers may join). The ranks are fixed at each opening, from the projects'
// raised totals then and at the day's start, so that a burst of donations after the opening does
// not reorder who may join. Internal.
#ifndef MATCHFUND_SRC_ENGINE_DAY_RANKING_HPP
#define MATCHFUND_SRC_ENGINE_DAY_RANKING_HPP

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "support/binary_stream.hpp"

namespace matchfund::engine_detail {

class day_ranking {
 public:
  // `openings`: the distinct daily opening clocks of the windows of the rules that read a rank,
  // in order (rule_plan); none when no rule does.
  day_ranking(const rule_set& rules, std::vector<local_clock> openings)
      : rules_(&rules), openings_(openings.size()), clocks_(std::move(openings)) {}

  [[nodiscard]] bool active() const noexcept { return !clocks_.empty(); }

  // Before an accepted event at `t`, the projects' totals not yet changed by it: the day's start
  // is noted at the first event of a local day, and every opening of that day due by `t` and not
  // ranked yet is ranked on the totals now (no event came between it and `t`).
  void advance_to(timestamp t, std::span<const project_totals> projects) {
    if (!active()) return;
    const local_date today = local_day_of(t, rules_->campaign().timezone);
    if (day_ != today) {
      day_ = today;
      raised_at_day_start_.resize(projects.size());
      for (std::size_t p = 0; p < projects.size(); ++p) raised_at_day_start_[p] = projects[p].raised;
    }
    for (std::size_t k = 0; k < clocks_.size(); ++k) {
      ranked_opening& o = openings_[k];
      if (o.day == today || at_local(today, clocks_[k], rules_->campaign().timezone) > t) continue;
      rank(o, projects);
      o.day = today;
    }
  }

  // 1 for the most raised; ties by id in byte order. `opening`: the index of the window's clock (rule_plan).
  [[nodiscard]] std::int64_t project_rank(std::uint32_t opening, project_index p) const noexcept {
    return openings_[opening].project_rank[position(p)];
  }
  [[nodiscard]] std::int64_t organization_rank(std::uint32_t opening, project_index p) const noexcept {
    return openings_[opening].organization_rank[position(rules_->projects()[position(p)].organization)];
  }

  void save(detail::binary_writer& out) const {
    if (!active()) return;  // a snapshot of rules without ranks is as it always was
    out.optional_of(day_, &detail::binary_writer::date);
    for (const money m : raised_at_day_start_) out.amount(m);
    for (const ranked_opening& o : openings_) {
      out.optional_of(o.day, &detail::binary_writer::date);
      for (const std::int64_t r : o.project_rank) out.i64(r);
      for (const std::int64_t r : o.organization_rank) out.i64(r);
    }
  }
  void restore(detail::binary_reader& in) {
    if (!active()) return;
    day_ = in.optional_date();
    raised_at_day_start_.assign(day_ ? rules_->projects().size() : 0, money{});
    for (money& m : raised_at_day_start_) m = in.amount();
    for (ranked_opening& o : openings_) {
      o.day = in.optional_date();
      o.project_rank.assign(o.day ? rules_->projects().size() : 0, 0);
      o.organization_rank.assign(o.day ? rules_->organizations().size() : 0, 0);
      for (std::int64_t& r : o.project_rank) r = in.i64();
      for (std::int64_t& r : o.organization_rank) r = in.i64();
    }
  }

 private:
  struct ranked_opening {
    std::optional<local_date> day;  // the day it was ranked on
    std::vector<std::int64_t> project_rank, organization_rank;
  };

  void rank(ranked_opening& o, std::span<const project_totals> projects) const {
    const auto& specs = rules_->projects();
    std::vector<money> raised(projects.size());
    std::vector<money> by_organization(rules_->organizations().size());
    for (std::size_t p = 0; p < projects.size(); ++p) {
      raised[p] = projects[p].raised - raised_at_day_start_[p];
      by_organization[position(specs[p].organization)] += raised[p];
    }
    o.project_rank = ranks(raised, [&](std::size_t p) -> const std::string& { return specs[p].id; });
    o.organization_rank = ranks(by_organization, [&](std::size_t k) -> const std::string& { return rules_->organizations()[k]; });
  }

  template <typename Name>
  static std::vector<std::int64_t> ranks(const std::vector<money>& raised, Name name) {
    std::vector<std::size_t> order(raised.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return raised[a] != raised[b] ? raised[a] > raised[b] : name(a) < name(b);
    });
    std::vector<std::int64_t> rank(raised.size());
    for (std::size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<std::int64_t>(k) + 1;
    return rank;
  }

  const rule_set* rules_;  // a pointer: a quote copies the ranking and puts it back
  std::vector<ranked_opening> openings_;  // by clock
  std::vector<local_clock> clocks_;
  std::optional<local_date> day_;  // the local day raised_at_day_start_ is the start of
  std::vector<money> raised_at_day_start_;
};

}  // namespace matchfund::engine_detail

#endif
