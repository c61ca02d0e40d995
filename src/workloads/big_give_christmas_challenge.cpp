// The Big Give Christmas Challenge 2024: each charity has its own match pot (its pledgers' money,
// then its champion's), ring-fenced and drawn 1:1 until it is gone; the charity's target is twice
// its pot. The match funds, charities, gifts and money are published inputs; how much of the
// match was used and how many charities reached their targets are computed by the replay.
// docs/history.md lists every parameter with its source.
#include <fmt/format.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// Published (western-matching-rules.md §2.3, CC 2024 row; tfn.scot, Philanthropy Impact): £20M of
// match funds, £44.7M raised, 1,267 charities, more than 119,000 donations, ended at noon on
// 10 December; the Challenge runs 7 days (§1.2).
constexpr std::uint64_t full_donations = 119'000;
constexpr std::uint64_t charities = 1'267;
constexpr std::uint64_t match_funds_pence = 20'000'000'00;
constexpr const char* campaign_start = "2024-12-03T12:00:00+00:00";
constexpr const char* campaign_end = "2024-12-10T12:00:00+00:00";
constexpr std::uint64_t campaign_days = 7;

// A pot is split between pledges (drawn first) and champion money as 2023's averages were:
// £7,470 of pledges and £6,210 of champion money per charity (§2.3, CC 2023 row).
constexpr std::uint64_t pledge_share = 7'470, champion_share = 6'210;

// Assumed pot sizes (pounds) before they are scaled to share out the £20M exactly: up to £25,000
// per charity (2022's limit, §2.3), most near the mean of £15,785 that £20M over 1,267 gives.
constexpr std::array<std::uint64_t, 7> pot_pounds{1'000, 2'500, 5'000, 10'000, 15'000, 20'000, 25'000};
constexpr std::array<std::uint64_t, 7> pot_weights{3, 5, 10, 20, 17, 15, 30};
// Assumed, tuned: how much a charity's supporters give for each pound of its pot, relative (in
// percent) to the largest pots': a small target is easier for a charity's own supporters to beat.
constexpr std::array<std::uint64_t, 7> demand_percents{300, 200, 150, 120, 100, 100, 100};

// Assumed gift sizes (pounds), at most £5,000 (the largest single online gift, §1.2), weighted
// to a mean of £207.97: the £44.7M raised less the £20M of match, over 119,000 gifts, is £207.6
// (taking the total as gifts plus the whole match, Gift Aid not counted).
constexpr std::array<std::uint64_t, 11> gift_pounds{5, 10, 20, 25, 50, 100, 250, 500, 1'000, 2'500, 5'000};
constexpr std::array<std::uint64_t, 11> gift_weights{40, 150, 150, 120, 200, 170, 80, 65, 42, 15, 10};

// Assumed: 1.3 gifts per donor; the week's shape below.
constexpr std::uint64_t gifts_per_donor_tenths = 13;

// Assumed shape of the week: UK waking hours, a launch rush in the first hour (2012's first five
// minutes raised a quarter of its total, 2020's first 20 minutes £1M of £20.1M: §2.3) and a
// last-day push before the noon close.
constexpr std::array<std::uint64_t, 24> hour_weights{1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8,
                                                     8, 8, 7, 7, 7, 8, 9, 10, 10, 8, 5, 2};
constexpr std::uint64_t launch_hour_multiple = 8;
constexpr std::uint64_t last_day_multiple = 2;

std::uint64_t weight_of_second(std::uint64_t second) {
  const std::uint64_t hour_of_campaign = second / 3'600;
  const std::uint64_t weight = hour_weights[(12 + hour_of_campaign) % 24];
  if (hour_of_campaign == 0) return weight * launch_hour_multiple;
  if (hour_of_campaign >= (campaign_days - 1) * 24) return weight * last_day_multiple;
  return weight;
}

struct charity_pot {
  std::uint64_t pledge_pence = 0, champion_pence = 0;
  std::uint64_t demand_percent = 100;
};

// Each charity's pot: drawn from the pot law, then all scaled so that they add up to the match
// funds exactly (the pennies left by rounding down go one each to the first charities).
std::vector<charity_pot> draw_pots(std::uint64_t match_pence, splitmix64& random) {
  const weighted_choice pot_law(pot_weights);
  std::vector<std::size_t> levels;
  std::uint64_t level_total = 0;
  for (std::uint64_t c = 0; c < charities; ++c) {
    levels.push_back(pot_law.pick(random));
    level_total += pot_pounds[levels.back()];
  }
  std::vector<std::uint64_t> wholes;
  std::uint64_t given = 0;
  for (const auto level : levels) {
    wholes.push_back(scaled(match_pence, pot_pounds[level], level_total, 0));
    given += wholes.back();
  }
  for (std::size_t c = 0; given < match_pence; c = (c + 1) % wholes.size(), ++given) ++wholes[c];
  std::vector<charity_pot> pots;
  for (std::size_t c = 0; c < wholes.size(); ++c) {
    const std::uint64_t pledge = scaled(wholes[c], pledge_share, pledge_share + champion_share, 0);
    pots.push_back({pledge, wholes[c] - pledge, demand_percents[levels[c]]});
  }
  return pots;
}

std::string charity_id(std::uint64_t c) { return fmt::format("bg{:04}", c); }

std::string projects_csv(const std::vector<charity_pot>& pots) {
  std::string csv = "id,organization,attr.pledge,attr.champion\n";
  for (std::uint64_t c = 0; c < pots.size(); ++c) {
    csv += fmt::format("{},{},{},{}\n", charity_id(c), charity_id(c), minor_text(pots[c].pledge_pence),
                       minor_text(pots[c].champion_pence));
  }
  return csv;
}

std::string rules_yaml(const std::vector<charity_pot>& pots) {
  std::uint64_t pledges = 0, champions = 0;
  for (const auto& pot : pots) {
    pledges += pot.pledge_pence;
    champions += pot.champion_pence;
  }
  std::string text;
  text += "# Big Give Christmas Challenge 2024 (synthetic), written by `matchfund generate --workload bigive-2024`;\n";
  text += "# the pots are scaled to the donations generated. Sources and assumptions: docs/history.md.\n";
  text += "# Each charity's pot is ring-fenced (sub-budgets per project): its pledges, then its champion's money.\n";
  text += "matchfund: 1\ncampaign:\n  id: bigive-2024\n  name: \"Big Give Christmas Challenge 2024 (synthetic)\"\n";
  text += fmt::format("  currency: GBP\n  timezone: \"+00:00\"\n  start: {}\n  end: {}\n", campaign_start, campaign_end);
  text += "projects: { file: projects.csv }\nfunds:\n";
  text += fmt::format("  - id: pledges\n    funder: Charities' pledgers\n    budget: \"{}\"\n", minor_text(pledges));
  text += "    sub_budgets: { per: project, amount_from: project.attr.pledge }\n";
  text += fmt::format("  - id: champions\n    funder: Champions\n    budget: \"{}\"\n", minor_text(champions));
  text += "    sub_budgets: { per: project, amount_from: project.attr.champion }\n";
  text += "rules:\n  - id: christmas\n    description: 1:1 from the charity's own pot, pledges before champion money\n";
  text += "    sources: [pledges, champions]\n    ratio: \"1\"\n";
  return text;
}

// Donations go to charities in proportion to their pots times their demand percent (above); each
// charity's money scatters around that by chance.
void write_events(const std::vector<charity_pot>& pots, std::uint64_t donations, std::uint64_t donors,
                  detail::output_file& out, splitmix64& random) {
  row_writer rows(out, "id,time,donor,project,amount", campaign_start);
  std::vector<std::uint64_t> demand;
  for (const auto& pot : pots) demand.push_back((pot.pledge_pence + pot.champion_pence) * pot.demand_percent);
  const weighted_choice charity_law(demand);
  std::vector<std::uint64_t> gift_pence;
  for (const auto pounds : gift_pounds) gift_pence.push_back(pounds * 100);
  const amount_law gifts(gift_pence, gift_weights);
  std::uint64_t written = 0;
  spread_over_seconds(donations, campaign_days * 86'400, weight_of_second, random,
                      [&](std::uint64_t second, std::span<const std::uint16_t> milliseconds) {
                        for (const auto millisecond : milliseconds) {
                          rows.text("n-").number(++written).comma().time(second, millisecond).comma();
                          rows.text("d").number(random.below(donors)).comma();
                          rows.text(charity_id(charity_law.pick(random))).comma();
                          rows.text(gifts.text(gifts.pick(random))).end_row();
                        }
                      });
  rows.finish();
}

generated_counts generate(std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
  splitmix64 random(seed);
  const std::vector<charity_pot> pots = draw_pots(scaled(match_funds_pence, donations, full_donations, charities), random);
  const std::uint64_t donors = std::max<std::uint64_t>(1, donations * 10 / gifts_per_donor_tenths);
  files.create("projects.csv").write(projects_csv(pots));
  files.create("rules.yaml").write(rules_yaml(pots));
  write_events(pots, donations, donors, files.create("events.csv"), random);
  return {donors, charities, charities};
}

// "95.3 %" for 953 tenths of a percent.
std::string percent_text(std::uint64_t per_mille) { return fmt::format("{}.{} %", per_mille / 10, per_mille % 10); }

history_figure figure_of(std::string outcome, std::string published, std::uint64_t per_mille, std::uint64_t low,
                         std::uint64_t high) {
  history_figure figure;
  figure.workload = "bigive-2024";
  figure.outcome = std::move(outcome);
  figure.published = std::move(published);
  figure.reproduced = percent_text(per_mille);
  figure.tolerance = fmt::format("{}–{} %", low / 10, high / 10);
  figure.within = per_mille >= low && per_mille <= high;
  return figure;
}

// The share of match funds drawn (funds of the replay), and the share of charities whose pot the
// replay used up (projects.csv's matched against the pot in the input's projects.csv).
std::vector<history_figure> measure(const measured_run& run) {
  std::uint64_t drawn = 0, budget = 0;
  for (const auto& fund : run.report.funds) {
    drawn += static_cast<std::uint64_t>(fund.drawn.minor_units() - fund.returned.minor_units());
    budget += static_cast<std::uint64_t>(fund.budget.minor_units());
  }
  std::map<std::string, std::int64_t, std::less<>> pot_of;
  for_each_row(run.input_directory / "projects.csv", [&](const table_row& row) {
    pot_of[std::string(row["id"])] = row.minor("attr.pledge") + row.minor("attr.champion");
  });
  std::uint64_t at_target = 0, counted = 0;
  for_each_row(run.output_directory / "projects.csv", [&](const table_row& row) {
    const auto pot = pot_of.find(row["project"]);
    if (pot == pot_of.end()) throw error("projects.csv: a charity this workload did not write");
    ++counted;
    if (row.minor("matched") >= pot->second) ++at_target;
  });
  if (budget == 0 || counted == 0) throw error("bigive-2024: no match funds or no charities");
  const auto per_mille = [](std::uint64_t part, std::uint64_t whole) {
    return static_cast<std::uint64_t>(detail::uint128{part} * 1'000 / whole);
  };
  return {figure_of("match funds used", "95 %", per_mille(drawn, budget), 920, 980),
          figure_of("charities at target", "74 %", per_mille(at_target, counted), 710, 770)};
}

}  // namespace

extern const definition bigive_2024{
    {"bigive-2024", "the Big Give Christmas Challenge 2024: £20M of match in 1,267 ring-fenced charity pots", full_donations},
    0,
    generate,
    measure};

}  // namespace matchfund::calibrated
