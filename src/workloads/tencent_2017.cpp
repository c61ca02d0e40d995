// 99公益日 2017 (7-9 September), the whole national campaign: Tencent's 9,999万 a day from 09:00,
// a random match ratio on every gift, and at 21:09 each day the 惊喜时刻, 666.66万 of company
// money matching 1:1 the projects of the day's top 99 fundraising organizations. The published
// volumes (donations, money, projects, pools, the day's running totals) are inputs; when the
// day-1 pool ran out, and how many projects shared the 21:09 pot how fast, are computed by the
// engine. docs/history.md lists every parameter with its source.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "matchfund/detail/int128.hpp"
#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// Published (docs/history.md): the campaign's size, and the running totals 公益时报 gave on day 1
// at 22:38 and on day 3 at 09:00, which split the stream into three segments.
constexpr std::uint64_t full_donations = 12'680'000;
constexpr std::uint64_t full_public_yuan = 829'900'000;
constexpr std::uint64_t projects = 6'466;
constexpr std::uint64_t tencent_daily_yuan = 99'990'000;
constexpr std::uint64_t surprise_daily_fen = 666'660'000;
constexpr std::uint64_t surprise_top_organizations = 99;
constexpr std::uint64_t seconds_per_day = 86'400;
constexpr std::uint64_t surprise_second = 21 * 3'600 + 9 * 60;  // 21:09:00
constexpr std::array<std::uint64_t, 2> checkpoint_seconds{22 * 3'600 + 38 * 60, 2 * seconds_per_day + 9 * 3'600};
constexpr std::array<std::uint64_t, 2> checkpoint_donations{5'380'000, 10'952'000};
constexpr std::array<std::uint64_t, 2> checkpoint_yuan{315'000'000, 765'000'000};

// Assumed (docs/history.md): organizations, gifts per donor, the 21:09 rush of gifts to the
// projects entered in the 惊喜时刻, and its length.
constexpr std::uint64_t organizations = 2'000;
constexpr std::uint64_t gifts_per_donor_tenths = 25;
// The donors' Zipf offset: the most active donor gives about a hundred gifts over the three days,
// most give one or two.
constexpr std::uint64_t donor_law_offset = 20'000;
constexpr std::uint64_t full_rush_donations_per_day = 250'000;
constexpr std::uint64_t rush_seconds = 600;

// Gift sizes (yuan) and weights: most gifts small, a few large; scaled to each segment's mean.
constexpr std::array<std::uint64_t, 15> base_yuan{1, 2, 5, 9, 10, 20, 50, 99, 100, 200, 500, 1000, 2000, 5000, 10000};
constexpr std::array<std::uint64_t, 15> base_weight{300, 80, 160, 60, 140, 90, 70, 30, 40, 15, 10, 5, 4, 1, 1};

// How busy each hour of a matching day is, relative: quiet nights, the rush at the 09:00
// opening (organizations 冲配捐), evening peaks.
constexpr std::array<std::uint64_t, 24> hour_weights{4, 2, 1, 1, 1, 2, 6, 12, 20, 240, 160, 90,
                                                     40, 24, 20, 18, 18, 20, 26, 32, 32, 32, 20, 8};

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

// Donations and mean gift (fen) of each segment: before the day-1 checkpoint, between the two,
// after the second.
struct segment_totals {
  std::array<std::uint64_t, 3> donations;
  std::array<std::uint64_t, 3> mean_fen;
};

constexpr segment_totals full_segments() {
  segment_totals s{};
  s.donations = {checkpoint_donations[0], checkpoint_donations[1] - checkpoint_donations[0],
                 full_donations - checkpoint_donations[1]};
  const std::array<std::uint64_t, 3> yuan{checkpoint_yuan[0], checkpoint_yuan[1] - checkpoint_yuan[0],
                                          full_public_yuan - checkpoint_yuan[1]};
  for (std::size_t k = 0; k < 3; ++k) s.mean_fen[k] = yuan[k] * 100 / s.donations[k];
  return s;
}

// The stream at `donations`: each segment scaled, and each day's 21:09 rush (inside that day's
// segment) taken out of its segment's count.
struct stream_plan {
  std::array<std::uint64_t, 3> ordinary;
  std::uint64_t rush_per_day;
};

stream_plan plan_for(std::uint64_t donations) {
  stream_plan plan{};
  const std::uint64_t first = scaled(checkpoint_donations[0], donations, full_donations, 0);
  const std::uint64_t second = scaled(checkpoint_donations[1], donations, full_donations, 0) - first;
  const std::uint64_t third = donations - first - second;
  plan.rush_per_day = std::min({scaled(full_rush_donations_per_day, donations, full_donations, 0), first, second, third});
  plan.ordinary = {first - plan.rush_per_day, second - plan.rush_per_day, third - plan.rush_per_day};
  return plan;
}

std::uint64_t segment_of(std::uint64_t second) {
  return second < checkpoint_seconds[0] ? 0 : second < checkpoint_seconds[1] ? 1 : 2;
}

// The rush: organizations call their donors to their entered project as the pot opens, most at
// once, fewer as the minutes pass (a linear fall over rush_seconds).
std::uint64_t rush_weight(std::uint64_t second) {
  const std::uint64_t of_day = second % seconds_per_day;
  if (of_day < surprise_second || of_day >= surprise_second + rush_seconds) return 0;
  return surprise_second + rush_seconds - of_day;
}

// projects.csv: project p (p0001 the most popular) in an organization drawn by a Zipf law; each
// organization enters its most popular project in the 惊喜时刻 (tag surprise-entry).
struct project_layout {
  std::vector<std::uint64_t> organization_of;  // by project
  std::vector<std::uint64_t> entry_of;         // by project: its organization's entered project
  std::uint64_t organizations_used = 0;
};

project_layout lay_out_projects(splitmix64& random) {
  const tiered_zipf organization_law(organizations);
  project_layout layout;
  std::vector<std::uint64_t> entry_of_organization(organizations, projects);
  for (std::uint64_t p = 0; p < projects; ++p) {
    const std::uint64_t organization = organization_law.pick(random);
    layout.organization_of.push_back(organization);
    if (entry_of_organization[organization] == projects) {
      entry_of_organization[organization] = p;
      ++layout.organizations_used;
    }
  }
  for (std::uint64_t p = 0; p < projects; ++p) layout.entry_of.push_back(entry_of_organization[layout.organization_of[p]]);
  return layout;
}

std::string projects_csv(const project_layout& layout) {
  std::string csv = "id,organization,tags\n";
  for (std::uint64_t p = 0; p < projects; ++p) {
    csv += fmt::format("p{:04},org{:04},{}\n", p + 1, layout.organization_of[p] + 1,
                       layout.entry_of[p] == p ? "surprise-entry" : "");
  }
  return csv;
}

std::string rules_yaml(std::uint64_t donations) {
  const std::uint64_t tencent_fen = scaled(tencent_daily_yuan * 100, donations, full_donations, 100);
  const std::uint64_t surprise_fen = scaled(surprise_daily_fen, donations, full_donations, 100);
  std::string text = "# 99公益日 2017, written by `matchfund generate --workload tencent-2017`; budgets scaled to the\n";
  text += "# donations generated. Sources and assumptions: docs/history.md.\nmatchfund: 1\ncampaign:\n";
  text += "  id: tencent-2017\n  name: \"99公益日 2017 (synthetic, national)\"\n  currency: CNY\n  timezone: \"+08:00\"\n";
  text += "  start: 2017-09-07T00:00:00+08:00\n  end: 2017-09-10T00:00:00+08:00\n  seed: 20170907\n";
  text += "projects: { file: projects.csv }\nfunds:\n";
  text += fmt::format("  - id: tencent\n    funder: 腾讯公益慈善基金会\n    budget: \"{}\"\n", minor_text(3 * tencent_fen));
  text += fmt::format("    daily: {{ from: 2017-09-07, to: 2017-09-09, at: \"09:00\", amount: \"{}\" }}\n", minor_text(tencent_fen));
  text += fmt::format("  - id: surprise\n    funder: 爱心企业 (惊喜时刻)\n    budget: \"{}\"\n", minor_text(3 * surprise_fen));
  text += fmt::format("    daily: {{ from: 2017-09-07, to: 2017-09-09, at: \"21:09\", amount: \"{}\" }}\n", minor_text(surprise_fen));
  text += "rules:\n  - id: tencent-random\n    description: 每笔捐赠随机配捐比例, 先捐先配, 配完即止\n    sources: [tencent]\n";
  text += "    windows: [ { daily: \"09:00-24:00\" } ]\n    min_donation: \"1.00\"\n";
  // No cap per person: 2017's was not found, and the 999 yuan a day is among 2018's new rules.
  text += "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.05\" } }\n";
  text += "  - id: surprise-moment\n    description: 惊喜时刻, 当日筹款前 99 名机构的参与项目, 企业 1:1 配捐\n    sources: [surprise]\n";
  text += "    windows: [ { daily: \"21:09-24:00\" } ]\n    min_donation: \"1.00\"\n";
  text += fmt::format("    eligible:\n      all:\n        - {{ field: project.organization_day_rank, op: \"<=\", value: {} }}\n",
                      surprise_top_organizations);
  text += "        - { field: project.tags, op: contains, value: surprise-entry }\n    ratio: \"1\"\n";
  return text;
}

void write_events(const stream_plan& plan, const project_layout& layout, detail::output_file& out, splitmix64& random) {
  row_writer rows(out, "id,time,donor,project,amount", "2017-09-07T00:00:00+08:00");
  const segment_totals full = full_segments();
  const std::array<amount_law, 3> gifts{gifts_with_mean(full.mean_fen[0]), gifts_with_mean(full.mean_fen[1]),
                                        gifts_with_mean(full.mean_fen[2])};
  const std::uint64_t donations = plan.ordinary[0] + plan.ordinary[1] + plan.ordinary[2] + 3 * plan.rush_per_day;
  const tiered_zipf donor_law(std::max<std::uint64_t>(1, scaled(donations * 10, 1, gifts_per_donor_tenths)), donor_law_offset);
  const tiered_zipf project_law(projects);
  const auto ordinary_weight = [](std::uint64_t segment) {
    return [segment](std::uint64_t s) { return segment_of(s) == segment ? hour_weights[s % seconds_per_day / 3'600] : 0; };
  };
  const std::array<stream_share, 4> streams{stream_share{plan.ordinary[0], ordinary_weight(0)},
                                            stream_share{plan.ordinary[1], ordinary_weight(1)},
                                            stream_share{plan.ordinary[2], ordinary_weight(2)},
                                            stream_share{3 * plan.rush_per_day, rush_weight}};
  std::uint64_t written = 0;
  spread_streams(streams, 3 * seconds_per_day, random, [&](std::uint64_t second, std::span<const timed_slot> slots) {
    const amount_law& law = gifts[segment_of(second)];
    for (const auto& slot : slots) {
      std::uint64_t project = project_law.pick(random);
      // A rush gift goes to the entered project of the organization its donor was called by.
      if (slot.stream == 3) project = layout.entry_of[project];
      rows.text("n-").number(++written).comma().time(second, slot.millisecond).comma();
      rows.text("u").number(donor_law.pick(random)).text(",p").text(fmt::format("{:04}", project + 1)).comma();
      rows.text(law.text(law.pick(random))).end_row();
    }
  });
  rows.finish();
}

generated_counts generate(std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
  splitmix64 random(seed);
  const project_layout layout = lay_out_projects(random);
  files.create("projects.csv").write(projects_csv(layout));
  files.create("rules.yaml").write(rules_yaml(donations));
  write_events(plan_for(donations), layout, files.create("events.csv"), random);
  return {std::max<std::uint64_t>(1, scaled(donations * 10, 1, gifts_per_donor_tenths)), projects, layout.organizations_used};
}

// What day 1 did with one fund, from the ledger: its match lines, their total, the last one's
// time, the projects they went to.
struct day_use {
  std::int64_t drawn_fen = 0;
  std::string last_time;  // RFC 3339
  std::set<std::string> projects;
};

constexpr std::string_view day_one = "2017-09-07";

std::array<day_use, 2> day_one_use(const measured_run& run) {
  std::array<day_use, 2> use;  // tencent, surprise
  for_each_row(run.output_directory / "ledger.csv", [&](const table_row& row) {
    if (row["kind"] != "match" || !row["time"].starts_with(day_one)) return;
    const std::string_view fund = row["fund"];
    if (fund != "tencent" && fund != "surprise") return;
    day_use& u = use[fund == "tencent" ? 0 : 1];
    u.drawn_fen += row.minor("amount");
    u.last_time = std::string(row["time"]);
    if (fund == "surprise") u.projects.emplace(row["project"]);
  });
  return use;
}

// The first release of fund `id` (day 1's tranche), in fen.
std::int64_t first_tranche(const measured_run& run, std::string_view id) {
  for (const auto& fund : run.rules.funds()) {
    if (fund.id == id) return fund.releases.front().amount.minor_units();
  }
  return 0;
}

std::uint64_t seconds_of_clock(std::string_view rfc3339) {
  const auto digits = [&](std::size_t at) { return static_cast<std::uint64_t>((rfc3339[at] - '0') * 10 + (rfc3339[at + 1] - '0')); };
  return digits(11) * 3'600 + digits(14) * 60 + digits(17);
}

history_figure figure(std::string outcome, std::string published, std::string reproduced, std::string tolerance, bool within) {
  return {"tencent-2017", std::move(outcome), std::move(published), std::move(reproduced), std::move(tolerance), within};
}

std::vector<history_figure> measure(const measured_run& run) {
  const std::array<day_use, 2> use = day_one_use(run);
  const bool tencent_gone = use[0].drawn_fen == first_tranche(run, "tencent");
  const bool surprise_gone = use[1].drawn_fen == first_tranche(run, "surprise");
  const std::uint64_t tencent_at = tencent_gone ? seconds_of_clock(use[0].last_time) : 0;
  const std::uint64_t surprise_after = surprise_gone ? seconds_of_clock(use[1].last_time) - surprise_second : 0;
  const auto not_gone = [](const day_use& u) { return "not used up (" + with_thousands(static_cast<std::uint64_t>(u.drawn_fen / 100)) + " yuan)"; };
  std::vector<history_figure> figures;
  figures.push_back(figure("day-1 Tencent pool (9,999万 from 09:00) gone", "near noon",
                           tencent_gone ? use[0].last_time.substr(11, 8) : not_gone(use[0]), "11:00–13:00",
                           tencent_gone && tencent_at >= 11 * 3'600 && tencent_at <= 13 * 3'600));
  const std::uint64_t shared = use[1].projects.size();
  figures.push_back(figure("day-1 惊喜时刻 (666.66万 at 21:09): projects sharing it", "87", with_thousands(shared),
                           "60–120", shared >= 60 && shared <= 120));
  figures.push_back(figure("day-1 惊喜时刻: gone after 21:09 in", "within minutes",
                           surprise_gone ? fmt::format("{}m{:02}s", surprise_after / 60, surprise_after % 60) : not_gone(use[1]),
                           "≤ 10 min", surprise_gone && surprise_after <= 600));
  return figures;
}

}  // namespace

extern const definition tencent_2017{
    {"tencent-2017", "99公益日 2017, national: daily 9,999万 from 09:00 and the 21:09 惊喜时刻", full_donations},
    0,
    generate,
    measure};

}  // namespace matchfund::calibrated
