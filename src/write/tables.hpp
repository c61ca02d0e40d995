// The tables of SPEC §8 from an engine's totals: projects.csv, funds.csv, holds.csv (§12) and
// rejected.csv, rows
// by id in byte order (rejections in file-argument order, then line order, SPEC §11.11).
// Internal (run/replay.cpp).
#ifndef MATCHFUND_SRC_TABLES_HPP
#define MATCHFUND_SRC_TABLES_HPP

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/money.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund::detail {

// Positions of `specs` (projects, funds, ...) by id in byte order: the order of the tables' rows.
template <class Specs>
std::vector<std::size_t> positions_by_id(const Specs& specs) {
  std::vector<std::size_t> order(specs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return specs[a].id < specs[b].id; });
  return order;
}

struct projects_table {
  std::string csv;
  money raised, matched, closeout;                       // over all projects, for summary.json
  std::vector<std::pair<std::string, money>> top;       // the ten with most match + close-out
};
projects_table write_projects_table(const rule_set& rules, const engine& matcher);

// funds.csv; each fund's row also goes to `reports`, in the same order.
std::string write_funds_table(const rule_set& rules, const engine& matcher, std::vector<fund_report>& reports);

// holds.csv (SPEC §12): every hold the engine accepted, by hold id in byte order.
std::string write_holds_table(const rule_set& rules, const engine& matcher);

std::string write_rejected_table(std::vector<rejected_event> rejected, std::span<const std::string> file_names);

}  // namespace matchfund::detail

#endif
