// 乡村振兴·重庆专场 2022 (27-29 April), a regional campaign on Tencent's platform: Tencent's
// 5,000万 in three daily tranches from 10:00, priority matching (优先配) for chosen projects and a
// random match for every other gift from the same pool, then the local bodies' offline block
// allocations by district. The published gifts, projects, organizations and the money of each
// direction are inputs; Tencent's online match is computed by the engine. docs/history.md lists
// every parameter with its source.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// Published (docs/history.md).
constexpr std::uint64_t full_donations = 2'340'000;
constexpr std::uint64_t projects = 286;
constexpr std::uint64_t districts = 40;
constexpr std::uint64_t social_organizations = 54;
constexpr std::uint64_t campaign_total_wan = 37'900;  // 3.79亿, online and offline, match included
constexpr std::uint64_t tencent_pool_yuan = 50'000'000;
constexpr std::array<std::uint64_t, 3> tencent_tranche_fen{1'666'666'700, 1'666'666'700, 1'666'666'600};
constexpr std::uint64_t raised_by_day_2_wan = 16'500;        // 1.65亿 by 4/28 17:00
constexpr std::uint64_t day_2_checkpoint_second = 86'400 + 17 * 3'600;
constexpr std::uint64_t published_match_yuan = 50'540'000;  // 5,054万

// The seven directions (the federation's account) and the money each raised (万). The five
// published add up to 2.75亿; the rest of the 3.79亿 is split between the other two (assumed).
struct direction {
  const char* category;
  std::uint64_t raised_wan;
};
constexpr std::array<direction, 7> directions{{{"产业帮扶", 16'600},
                                               {"养老帮扶", 3'200},
                                               {"儿童关爱帮扶", 1'300},
                                               {"扶弱济困帮扶", 4'900},
                                               {"教育帮扶", 1'500},
                                               {"城镇社区帮扶", 5'200},
                                               {"人才帮扶", 5'200}}};

// Assumed: the offline blocks (as in rules/chongqing-2022-rural-revitalization.yaml), gifts per
// donor (as the federation's 99公益日 workloads), the random match and the priority terms of
// the bundled rules file.
constexpr std::uint64_t offline_blocks_yuan = 3'000'000;
constexpr std::uint64_t gifts_per_donor_tenths = 34;

// Gift sizes (yuan) and weights, scaled to the campaign's mean gift.
constexpr std::array<std::uint64_t, 15> base_yuan{1, 2, 5, 9, 10, 20, 50, 99, 100, 200, 500, 1000, 2000, 5000, 10000};
constexpr std::array<std::uint64_t, 15> base_weight{300, 80, 160, 60, 140, 90, 70, 30, 40, 15, 10, 5, 4, 1, 1};

// How busy each hour is on the three days, relative: the rush at the 10:00 opening, evenings.
constexpr std::array<std::uint64_t, 24> hour_weights{4, 2, 1, 1, 1, 2, 6, 12, 20, 30, 120, 90,
                                                     50, 30, 24, 20, 18, 18, 20, 26, 32, 32, 20, 8};

// The public's online gifts: the campaign's total less Tencent's pool and the offline blocks.
constexpr std::uint64_t public_fen = campaign_total_wan * 1'000'000 - tencent_pool_yuan * 100 - offline_blocks_yuan * 100;

amount_law gifts_with_mean(std::uint64_t mean_fen) {
  std::uint64_t weight_total = 0, base_total = 0;
  for (std::size_t i = 0; i < base_yuan.size(); ++i) {
    weight_total += base_weight[i];
    base_total += base_yuan[i] * 100 * base_weight[i];
  }
  std::vector<std::uint64_t> fen;
  for (auto yuan : base_yuan) fen.push_back(std::max<std::uint64_t>(100, scaled(yuan * 100 * mean_fen, weight_total, base_total)));
  return amount_law(fen, base_weight);
}

// Projects per direction in proportion to its money (assumed), at least one, 286 in all.
std::array<std::uint64_t, 7> projects_per_direction() {
  std::array<std::uint64_t, 7> counts{};
  std::uint64_t given = 0;
  for (std::size_t d = 0; d < directions.size(); ++d) {
    counts[d] = std::max<std::uint64_t>(1, projects * directions[d].raised_wan / campaign_total_wan);
    given += counts[d];
  }
  counts[0] += projects - given;  // the rounding to the largest direction
  return counts;
}

// A project: its id, direction, organization and district. Organizations 0-39 are the district
// charity federations, 40-93 the social organizations; projects go round them in turn, and a
// social organization sits in one district. A district federation's first project is its
// priority project (assumed: one per district).
struct project_row {
  std::string id;
  std::size_t direction;
  std::uint64_t organization;
  bool priority;
};

std::vector<project_row> lay_out_projects() {
  const auto counts = projects_per_direction();
  std::vector<project_row> rows;
  std::vector<bool> has_priority(districts, false);
  for (std::size_t d = 0; d < directions.size(); ++d) {
    for (std::uint64_t k = 0; k < counts[d]; ++k) {
      const std::uint64_t organization = rows.size() % (districts + social_organizations);
      const bool priority = organization < districts && !has_priority[organization];
      if (priority) has_priority[organization] = true;
      rows.push_back({fmt::format("cq{:03}", rows.size() + 1), d, organization, priority});
    }
  }
  return rows;
}

std::string district_of(std::uint64_t organization) { return fmt::format("district-{:02}", organization % districts + 1); }

std::string organization_name(std::uint64_t organization) {
  return organization < districts ? fmt::format("district-{:02}-charity", organization + 1)
                                  : fmt::format("org-{:02}", organization - districts + 1);
}

std::string projects_csv(const std::vector<project_row>& rows) {
  std::string csv = "id,organization,region,category,tags\n";
  for (const auto& p : rows) {
    csv += fmt::format("{},{},{},{},{}\n", p.id, organization_name(p.organization), district_of(p.organization),
                       directions[p.direction].category, p.priority ? "priority" : "");
  }
  return csv;
}

std::string funds_yaml(std::uint64_t donations) {
  std::string text = "funds:\n  - id: tencent\n    funder: 腾讯公益慈善基金会\n";
  std::string releases;
  std::uint64_t budget = 0;
  for (std::size_t d = 0; d < 3; ++d) {
    const std::uint64_t fen = scaled(tencent_tranche_fen[d], donations, full_donations, 100);
    budget += fen;
    releases += fmt::format("      - {{ at: 2022-04-{}T10:00:00+08:00, amount: \"{}\" }}\n", 27 + d, minor_text(fen));
  }
  text += fmt::format("    budget: \"{}\"\n    releases:\n{}", minor_text(budget), releases);
  text += fmt::format("  - id: cq-offline\n    funder: 重庆市慈善总会及区县慈善会 (线下配套)\n    budget: \"{}\"\n",
                      minor_text(scaled(offline_blocks_yuan * 100, donations, full_donations, districts * 100)));
  return text;
}

std::string rules_yaml(std::uint64_t donations) {
  std::string text = "# 乡村振兴·重庆专场 2022, written by `matchfund generate --workload chongqing-2022`; budgets scaled\n";
  text += "# to the donations generated. Sources and assumptions: docs/history.md.\nmatchfund: 1\ncampaign:\n";
  text += "  id: chongqing-2022\n  name: \"2022 乡村振兴·重庆专场 (synthetic)\"\n  currency: CNY\n  timezone: \"+08:00\"\n";
  text += "  start: 2022-04-27T00:00:00+08:00\n  end: 2022-04-30T00:00:00+08:00\n  seed: 20220427\n";
  text += "projects: { file: projects.csv }\n" + funds_yaml(donations);
  text += "rules:\n  - id: priority-projects\n    description: 重点项目优先配捐 1:1, 每人每天最多 500 元\n    priority: 10\n";
  text += "    sources: [tencent]\n    windows: [ { daily: \"10:00-24:00\" } ]\n";
  text += "    eligible: { field: project.tags, op: contains, value: priority }\n";
  text += "    min_donation: \"1.00\"\n    ratio: \"1\"\n    exclusive: true\n";
  text += "    caps:\n      - { id: priority-per-person-per-day, per: donor, period: day, measure: match, max: \"500.00\" }\n";
  text += "  - id: tencent-random\n    description: 每笔≥1元的捐赠有机会获得随机配捐, 配完即止\n    priority: 20\n";
  text += "    sources: [tencent]\n    windows: [ { daily: \"10:00-24:00\" } ]\n    min_donation: \"1.00\"\n";
  text += "    probability: \"0.6\"\n    ratio: { random: { min: \"0.10\", max: \"1.00\", step: \"0.10\" } }\n";
  text += "    caps:\n      - { id: one-match-per-project-per-day, per: donor_project, period: day, measure: count, max: 1 }\n";
  text += "closeout:\n  - id: offline-blocks\n    kind: fixed\n    from: cq-offline\n";
  text += "    eligible: { field: project.donors, op: \">=\", value: 2 }\n    amounts:\n";
  const std::uint64_t block_fen = scaled(offline_blocks_yuan * 100, donations, full_donations, districts * 100) / districts;
  for (std::uint64_t d = 0; d < districts; ++d) {
    text += fmt::format("      - {{ region: {}, amount: \"{}\" }}\n", district_of(d), minor_text(block_fen));
  }
  return text;
}

// Before 4/28 17:00 the stream carries the published share of the money raised by then.
std::uint64_t weight_at(std::uint64_t second, bool before_checkpoint) {
  if ((second < day_2_checkpoint_second) != before_checkpoint) return 0;
  return hour_weights[second % 86'400 / 3'600];
}

void write_events(std::uint64_t donations, const std::vector<project_row>& rows, detail::output_file& out, splitmix64& random) {
  row_writer writer(out, "id,time,donor,project,amount", "2022-04-27T00:00:00+08:00");
  const amount_law gifts = gifts_with_mean(public_fen / full_donations);
  std::array<std::uint64_t, 7> money_weights{};
  std::array<std::vector<std::size_t>, 7> members;
  for (std::size_t d = 0; d < directions.size(); ++d) money_weights[d] = directions[d].raised_wan;
  for (std::size_t p = 0; p < rows.size(); ++p) members[rows[p].direction].push_back(p);
  const weighted_choice direction_law(money_weights);
  std::vector<tiered_zipf> project_laws;
  for (const auto& m : members) project_laws.emplace_back(m.size(), 4);
  const tiered_zipf donor_law(std::max<std::uint64_t>(1, scaled(donations * 10, 1, gifts_per_donor_tenths)));
  const std::uint64_t early = scaled(donations, raised_by_day_2_wan, campaign_total_wan, 0);
  const std::array<stream_share, 2> streams{stream_share{early, [](std::uint64_t s) { return weight_at(s, true); }},
                                            stream_share{donations - early, [](std::uint64_t s) { return weight_at(s, false); }}};
  std::uint64_t written = 0;
  spread_streams(streams, 3 * 86'400, random, [&](std::uint64_t second, std::span<const timed_slot> slots) {
    for (const auto& slot : slots) {
      const std::size_t d = direction_law.pick(random);
      const project_row& project = rows[members[d][project_laws[d].pick(random)]];
      writer.text("n-").number(++written).comma().time(second, slot.millisecond).comma();
      writer.text("c").number(donor_law.pick(random)).comma().text(project.id).comma();
      writer.text(gifts.text(gifts.pick(random))).end_row();
    }
  });
  writer.finish();
}

generated_counts generate(std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
  splitmix64 random(seed);
  const std::vector<project_row> rows = lay_out_projects();
  files.create("projects.csv").write(projects_csv(rows));
  files.create("rules.yaml").write(rules_yaml(donations));
  write_events(donations, rows, files.create("events.csv"), random);
  return {std::max<std::uint64_t>(1, scaled(donations * 10, 1, gifts_per_donor_tenths)), projects,
          districts + social_organizations};
}

// Tencent's online match: what the replay drew from the tencent fund, net of returns, scaled
// back to the full size.
std::vector<history_figure> measure(const measured_run& run) {
  std::int64_t drawn_fen = 0;
  for (const auto& fund : run.report.funds) {
    if (fund.id == "tencent") drawn_fen = fund.drawn.minor_units() - fund.returned.minor_units();
  }
  const std::uint64_t full_fen = scaled(static_cast<std::uint64_t>(drawn_fen), run.full_donations, run.donations, 0);
  const std::uint64_t published_fen = published_match_yuan * 100;
  const std::uint64_t low = published_fen / 100 * 97, high = published_fen / 100 * 103;
  const auto wan = [](std::uint64_t fen) { return with_thousands((fen + 500'000) / 1'000'000) + "万"; };
  return {{"chongqing-2022", "Tencent's online match (pool 5,000万)", "5,054万", wan(full_fen), wan(low) + "–" + wan(high),
           full_fen >= low && full_fen <= high}};
}

}  // namespace

extern const definition chongqing_2022{
    {"chongqing-2022", "乡村振兴·重庆专场 2022: Tencent's 5,000万 from 10:00 on three days, 优先配, offline blocks", full_donations},
    0,
    generate,
    measure};

}  // namespace matchfund::calibrated
