// The Chongqing charity federation's 99公益日 of 2019, 2020 and 2021 as slices of that year's
// national campaign: the whole country's donations drain Tencent's daily pools first come first
// served, and the federation's match is whatever its own donors win from them. The federation's
// published public giving, projects and mean gift are inputs; its Tencent match is computed.
// docs/history.md lists every parameter with its source.
#include <fmt/format.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/detail/int128.hpp"
#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// One year's campaign; money in yuan.
struct national_year {
  const char* name;
  int year;
  const char* start_date;  // the campaign runs from 00:00 of start_date for `days` days
  int days;
  int first_matching_day;  // 0-based
  int opening_hour;        // Tencent's daily matching opens at this hour
  std::array<std::uint64_t, 3> tranches;
  std::uint64_t donations;  // national, donations of the whole campaign
  std::uint64_t public_yuan;
  // Tencent's 非限定性配捐 (yuan): shared after the event by donors over every project, and by
  // money raised over the projects that raised at least 100万.
  std::uint64_t unrestricted_by_donors_yuan;
  std::uint64_t unrestricted_by_raised_yuan;
  // The federation.
  std::uint64_t federation_projects;
  std::uint64_t federation_public_yuan;
  // What it published, to compare with (yuan), and how it is written.
  std::uint64_t published_match_yuan;
  const char* published_text;
};

constexpr national_year year_2019{"chongqing-2019", 2019, "2019-09-07", 3, 0, 9,
                                  {99'990'000, 99'990'000, 99'990'000}, 48'000'000, 1'783'000'000, 100'000'000, 0, 192,
                                  104'000'000, 27'000'000, "2,700余万"};
constexpr national_year year_2020{"chongqing-2020", 2020, "2020-09-07", 3, 0, 10,
                                  {99'990'000, 99'990'000, 99'990'000}, 57'800'000, 2'320'000'000, 80'000'000, 10'000'000, 140,
                                  274'000'000, 53'920'000, "5,392万"};
constexpr national_year year_2021{"chongqing-2021", 2021, "2021-09-01", 10, 6, 10,
                                  {99'990'000, 100'000'000, 100'000'000}, 68'700'000, 3'569'000'000, 0, 0, 530,
                                  415'000'000, 88'130'000, "超8,813万"};

// Assumed throughout (docs/history.md): the federation's mean gift is its cumulative one on
// Tencent's platform to 2021 (11.33亿 over 2,758万 gifts, 41 yuan); 3.4 gifts per donor; 10,000
// projects nationally.
constexpr std::uint64_t federation_mean_fen = 4'108;
constexpr std::uint64_t gifts_per_donor_tenths = 34;
constexpr std::uint64_t national_projects = 10'000;
constexpr std::uint64_t donor_law_offset_divisor = 100;

// Gift amounts: the shape of the national table of national-2021 (mean 51.16 yuan), scaled to a
// mean; at least 1 yuan.
constexpr std::array<std::uint64_t, 15> base_yuan{1, 2, 5, 9, 10, 20, 50, 99, 100, 200, 500, 1000, 2000, 5000, 10000};
constexpr std::array<std::uint64_t, 15> base_weight{300, 80, 160, 60, 140, 90, 70, 30, 40, 15, 10, 5, 4, 1, 1};

amount_law gifts_with_mean(std::uint64_t mean_fen) {
  std::uint64_t weight_total = 0, base_total = 0;
  for (std::size_t i = 0; i < base_yuan.size(); ++i) {
    weight_total += base_weight[i];
    base_total += base_yuan[i] * 100 * base_weight[i];
  }
  std::vector<std::uint64_t> fen;
  for (auto yuan : base_yuan) {
    fen.push_back(std::max<std::uint64_t>(100, scaled(yuan * 100 * mean_fen, weight_total, base_total)));
  }
  return amount_law(fen, base_weight);
}

// How busy each hour is, relative, with matching opening at 10:00; shifted for other openings.
// The nation: quiet nights, the rush at the opening, evening peaks, a matching day about twice an
// ordinary one. The federation's donors are mobilized for the opening (assumed, tuned: the 10:00
// and 11:00 weights were chosen by looking at the federation's match, docs/history.md) and give
// almost nothing outside the matching days (assumed, tuned likewise).
constexpr std::array<std::uint64_t, 24> ordinary_hours{2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 16, 16,
                                                       14, 12, 12, 12, 12, 14, 16, 20, 24, 24, 16, 6};
constexpr std::array<std::uint64_t, 24> matching_hours{4, 2, 1, 1, 1, 2, 6, 12, 20, 30, 120, 90,
                                                       50, 30, 24, 20, 18, 18, 20, 26, 32, 32, 20, 8};
constexpr std::array<std::uint64_t, 24> mobilized_hours{4, 2, 1, 1, 1, 2, 6, 12, 20, 30, 330, 180,
                                                        60, 30, 24, 20, 18, 18, 20, 26, 32, 32, 20, 8};
constexpr std::uint64_t federation_matching_day_factor = 100;

std::string day_text(const national_year& y, int day) {
  return format_local_date(local_date::from_days(parse_local_date(y.start_date)->days_since_epoch() + day));
}

bool is_matching_day(const national_year& y, int day) { return day >= y.first_matching_day && day < y.first_matching_day + 3; }

// The hour profile's weight at second `s` of the campaign, for the nation or the federation.
std::uint64_t weight_at(const national_year& y, std::uint64_t s, bool federation) {
  const auto day = static_cast<int>(s / 86'400);
  // Shift so that index 10 is the opening hour.
  const std::size_t hour = (s % 86'400 / 3'600 + 24 + 10 - static_cast<std::uint64_t>(y.opening_hour)) % 24;
  if (!federation) return is_matching_day(y, day) ? matching_hours[hour] : ordinary_hours[hour];
  return is_matching_day(y, day) ? mobilized_hours[hour] * federation_matching_day_factor : ordinary_hours[hour];
}

// The 非限定性配捐 of 2019 and 2020 (none in 2021): a fund paid out after the last gift.
std::string unrestricted_fund_yaml(const national_year& y, std::uint64_t donations) {
  const std::uint64_t yuan = y.unrestricted_by_donors_yuan + y.unrestricted_by_raised_yuan;
  if (yuan == 0) return "";
  return fmt::format("  - {{ id: tencent-unrestricted, funder: 腾讯公益慈善基金会 (非限定性配捐), budget: \"{}\" }}\n",
                     minor_text(scaled(yuan * 100, donations, y.donations, 100)));
}

// Shared by donors over every project ("to reward the number of donors"), then, in 2020, by
// money raised over the projects that raised at least 100万 (scaled with the stream).
std::string unrestricted_closeout_yaml(const national_year& y, std::uint64_t donations) {
  if (y.unrestricted_by_donors_yuan + y.unrestricted_by_raised_yuan == 0) return "";
  std::string text = "closeout:\n";
  text += fmt::format("  - {{ id: unrestricted-by-donors, kind: proportional, from: tencent-unrestricted, budget: \"{}\", "
                      "weight: project.donors }}\n",
                      minor_text(scaled(y.unrestricted_by_donors_yuan * 100, donations, y.donations, 100)));
  if (y.unrestricted_by_raised_yuan == 0) return text;
  text += fmt::format("  - {{ id: unrestricted-by-raised, kind: proportional, from: tencent-unrestricted, weight: project.raised,\n"
                      "      eligible: {{ field: project.raised, op: \">=\", value: \"{}\" }} }}\n",
                      minor_text(scaled(1'000'000 * 100, donations, y.donations, 100)));
  return text;
}

std::string rules_yaml(const national_year& y, std::uint64_t donations) {
  std::string text;
  text += fmt::format("# 99公益日 {} with the Chongqing federation's projects (cq…) as a slice of the country,\n", y.year);
  text += fmt::format("# written by `matchfund generate --workload {}`; budgets scaled to the donations generated.\n", y.name);
  text += "# Sources and assumptions: docs/history.md.\nmatchfund: 1\ncampaign:\n";
  text += fmt::format("  id: {}\n  name: \"99公益日 {} (synthetic, the nation with the Chongqing federation)\"\n", y.name, y.year);
  text += "  currency: CNY\n  timezone: \"+08:00\"\n";
  text += fmt::format("  start: {}T00:00:00+08:00\n  end: {}T00:00:00+08:00\n  seed: {}\n", day_text(y, 0),
                      day_text(y, y.days), y.year);
  text += "projects: { file: projects.csv }\nfunds:\n";
  std::string releases;
  std::uint64_t budget_fen = 0;
  for (int d = 0; d < 3; ++d) {
    const std::uint64_t fen = scaled(y.tranches[static_cast<std::size_t>(d)] * 100, donations, y.donations, 100);
    budget_fen += fen;
    releases += fmt::format("      - {{ at: {}T{:02}:00:00+08:00, amount: \"{}\" }}\n", day_text(y, y.first_matching_day + d),
                            y.opening_hour, minor_text(fen));
  }
  text += fmt::format("  - id: tencent\n    funder: 腾讯公益慈善基金会\n    budget: \"{}\"\n    releases:\n{}", minor_text(budget_fen),
                      releases);
  text += unrestricted_fund_yaml(y, donations);
  text += "rules:\n  - id: tencent-random\n    sources: [tencent]\n";
  text += fmt::format("    windows: [ {{ from: {}T00:00:00+08:00, to: {}T00:00:00+08:00, daily: \"{:02}:00-24:00\" }} ]\n",
                      day_text(y, y.first_matching_day), day_text(y, y.first_matching_day + 3), y.opening_hour);
  text += "    min_donation: \"1.00\"\n    probability: \"0.7\"\n";
  text += "    ratio: { random: { min: \"0.05\", max: \"1.00\", step: \"0.05\" } }\n";
  text += "    caps:\n      - { id: one-match-per-project-per-day, per: donor_project, period: day, measure: count, max: 1 }\n";
  text += "      - { id: 999-per-person-per-day, per: donor, period: day, measure: match, max: \"999.00\" }\n";
  return text + unrestricted_closeout_yaml(y, donations);
}

// projects.csv: the nation's projects in organizations by a Zipf law, then the federation's.
std::string projects_csv(const national_year& y, splitmix64& random) {
  const tiered_zipf organization_law(2'300);
  std::string csv = "id,organization\n";
  for (std::uint64_t p = 0; p < national_projects; ++p) csv += fmt::format("p{:05},org{:04}\n", p, organization_law.pick(random));
  for (std::uint64_t p = 0; p < y.federation_projects; ++p) csv += fmt::format("cq{:03},chongqing-federation\n", p);
  return csv;
}

struct slice_sizes {
  std::uint64_t federation_donations, nation_donations, federation_donors, nation_donors;
};

slice_sizes sizes_of(const national_year& y, std::uint64_t donations) {
  const std::uint64_t federation_full = y.federation_public_yuan * 100 / federation_mean_fen;
  slice_sizes sizes{};
  sizes.federation_donations = std::min(donations, scaled(federation_full, donations, y.donations, 0));
  sizes.nation_donations = donations - sizes.federation_donations;
  sizes.federation_donors = scaled(sizes.federation_donations * 10, 1, gifts_per_donor_tenths);
  sizes.nation_donors = scaled(sizes.nation_donations * 10, 1, gifts_per_donor_tenths);
  return sizes;
}

// Repeat giving by a Zipf law whose offset grows with the donors, so that its shape does not
// depend on the size generated: the most active donors give about a hundred gifts each
// whatever the stream's size, where a fixed offset would give one donor a hundred thousand gifts
// of a national stream and send them all into the 999-yuan cap.
tiered_zipf donor_law(std::uint64_t donors) { return tiered_zipf(donors, std::max<std::uint64_t>(16, donors / donor_law_offset_divisor)); }

void write_events(const national_year& y, const slice_sizes& sizes, detail::output_file& out, splitmix64& random) {
  row_writer rows(out, "id,time,donor,project,amount", std::string(y.start_date) + "T00:00:00+08:00");
  // The rest of the nation gives what the country gave less the federation's share.
  const std::uint64_t nation_fen = (y.public_yuan - y.federation_public_yuan) * 100;
  const std::uint64_t nation_full = y.donations - y.federation_public_yuan * 100 / federation_mean_fen;
  const amount_law nation_gifts = gifts_with_mean(nation_fen / nation_full);
  const amount_law federation_gifts = gifts_with_mean(federation_mean_fen);
  const tiered_zipf nation_donor_law = donor_law(sizes.nation_donors);
  const tiered_zipf federation_donor_law = donor_law(sizes.federation_donors);
  const tiered_zipf nation_project_law(national_projects), federation_project_law(y.federation_projects);
  const std::array<stream_share, 2> streams{
      stream_share{sizes.nation_donations, [&](std::uint64_t s) { return weight_at(y, s, false); }},
      stream_share{sizes.federation_donations, [&](std::uint64_t s) { return weight_at(y, s, true); }}};
  std::uint64_t written = 0;
  spread_streams(streams, static_cast<std::uint64_t>(y.days) * 86'400, random,
                 [&](std::uint64_t second, std::span<const timed_slot> slots) {
                   for (const auto& slot : slots) {
                     const bool federation = slot.stream == 1;
                     rows.text("n-").number(++written).comma().time(second, slot.millisecond).comma();
                     if (federation) {
                       rows.text("c").number(federation_donor_law.pick(random)).text(",cq");
                       const std::uint64_t project = federation_project_law.pick(random);
                       rows.number(project / 100).number(project / 10 % 10).number(project % 10).comma();
                       rows.text(federation_gifts.text(federation_gifts.pick(random)));
                     } else {
                       rows.text("u").number(nation_donor_law.pick(random)).text(",p");
                       rows.text(fmt::format("{:05}", nation_project_law.pick(random))).comma();
                       rows.text(nation_gifts.text(nation_gifts.pick(random)));
                     }
                     rows.end_row();
                   }
                 });
  rows.finish();
}

generated_counts generate_year(const national_year& y, std::uint64_t donations, std::uint64_t seed,
                               detail::output_set& files) {
  splitmix64 random(seed);
  const slice_sizes sizes = sizes_of(y, donations);
  files.create("projects.csv").write(projects_csv(y, random));
  files.create("rules.yaml").write(rules_yaml(y, donations));
  write_events(y, sizes, files.create("events.csv"), random);
  return {sizes.nation_donors + sizes.federation_donors, national_projects + y.federation_projects, 2'301};
}

// The federation's Tencent match, from the ledger, scaled back to the full size.
std::vector<history_figure> measure_year(const national_year& y, const measured_run& run) {
  std::int64_t federation_fen = 0;
  for_each_row(run.output_directory / "ledger.csv", [&](const table_row& row) {
    if (row["fund"].starts_with("tencent") && row["project"].starts_with("cq")) federation_fen += row.minor("amount");
  });
  const auto full_fen = static_cast<std::uint64_t>(
      detail::uint128{static_cast<std::uint64_t>(federation_fen)} * run.full_donations / run.donations);
  const std::uint64_t published_fen = y.published_match_yuan * 100;
  const std::uint64_t low = published_fen / 10 * 9, high = published_fen / 10 * 11;
  const auto wan = [](std::uint64_t fen) { return with_thousands((fen + 500'000) / 1'000'000) + "万"; };
  history_figure figure;
  figure.workload = y.name;
  figure.outcome = "the federation's Tencent match";
  figure.published = y.published_text;
  figure.reproduced = wan(full_fen);
  figure.tolerance = wan(low) + "–" + wan(high);
  figure.within = full_fen >= low && full_fen <= high;
  return {figure};
}

}  // namespace

extern const definition chongqing_2019{
    {"chongqing-2019", "the Chongqing federation's 99公益日 2019 as a slice of the national campaign", year_2019.donations},
    year_2019.donations / 20,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_year(year_2019, donations, seed, files);
    },
    [](const measured_run& run) { return measure_year(year_2019, run); }};

extern const definition chongqing_2020{
    {"chongqing-2020", "the Chongqing federation's 99公益日 2020 as a slice of the national campaign", year_2020.donations},
    year_2020.donations / 20,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_year(year_2020, donations, seed, files);
    },
    [](const measured_run& run) { return measure_year(year_2020, run); }};

extern const definition chongqing_2021{
    {"chongqing-2021", "the Chongqing federation's 99公益日 2021 as a slice of the national campaign", year_2021.donations},
    year_2021.donations / 20,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_year(year_2021, donations, seed, files);
    },
    [](const measured_run& run) { return measure_year(year_2021, run); }};

}  // namespace matchfund::calibrated
