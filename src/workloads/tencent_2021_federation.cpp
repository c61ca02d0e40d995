// Two workloads of the 99公益日 2021 shape: the whole national campaign (national-2021, the
// benchmark of national scale) and the Chongqing federation's campaign alone
// (chongqing-2021-federation, for benchmarks and planning). The federation's pool here is sized to
// the match it published, an input: chongqing-2021 (tencent_slices.cpp) is the one that computes
// that match from the national pool instead.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "workloads/definition.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// What a workload is made of; money in yuan (whole units), budgets at full size.
struct workload_shape {
  const char* id;
  const char* name;
  std::uint64_t donations;
  std::uint64_t donors;
  std::uint64_t projects;
  std::uint64_t organizations;
  const char* start_date;  // the campaign runs from 00:00 of start_date for `days` days
  int days;
  int first_matching_day;  // 0-based
  int matching_days;
  std::uint64_t amount_scale;  // gift amounts are the national table times this
};

constexpr workload_shape national_2021_shape{"national-2021", "99公益日 2021 (synthetic, national)", 68'700'000, 20'000'000,
                                       10'000, 2'300, "2021-09-01", 10, 6, 3, 1};
constexpr workload_shape chongqing_2021_shape{"chongqing-2021-federation", "重庆市慈善总会 99公益日 2021 (synthetic, the federation alone)", 3'260'000, 1'050'000,
                                        530, 94, "2021-09-01", 10, 6, 3, 3};

// Gift amounts in yuan and their weights: most gifts small, a few large. Mean about 52 yuan
// nationally (35.69亿 over 6,870万 donations in 2021); Chongqing's table is three times that
// (5.03亿 over about 326万 donations).
constexpr std::array<std::uint64_t, 15> gift_yuan{1, 2, 5, 9, 10, 20, 50, 99, 100, 200, 500, 1000, 2000, 5000, 10000};
constexpr std::array<std::uint64_t, 15> gift_weight{300, 80, 160, 60, 140, 90, 70, 30, 40, 15, 10, 5, 4, 1, 1};


// How busy each hour of a day is, in relative units: quiet nights, the 10:00 rush on matching
// days, evening peaks.
constexpr std::array<std::uint64_t, 24> ordinary_hours{2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 16, 16,
                                                       14, 12, 12, 12, 12, 14, 16, 20, 24, 24, 16, 6};
constexpr std::array<std::uint64_t, 24> matching_hours{4, 2, 1, 1, 1, 2, 6, 12, 20, 30, 120, 90,
                                                       50, 30, 24, 20, 18, 18, 20, 26, 32, 32, 20, 8};

// A full-size amount (yuan) scaled to the workload's size, in fen, at least 1 yuan.
std::uint64_t scaled_fen(std::uint64_t full_yuan, std::uint64_t donations, std::uint64_t full_donations) {
  return scaled(full_yuan * 100, donations, full_donations, 100);
}

std::string fen_text(std::uint64_t fen) { return minor_text(fen); }

std::string day_text(const local_date& start, int day) {
  return format_local_date(local_date::from_days(start.days_since_epoch() + day));
}

// The rules file of a workload, budgets scaled to its size.
std::string rules_yaml(const workload_shape& shape, std::uint64_t donations) {
  const local_date start = *parse_local_date(shape.start_date);
  const auto money_of = [&](std::uint64_t full_yuan) { return fen_text(scaled_fen(full_yuan, donations, shape.donations)); };
  const bool national = &shape == &national_2021_shape;
  std::string y;
  y += fmt::format("# {}: a synthetic campaign written by `matchfund generate --workload {}`.\n", shape.name, shape.id);
  y += "# Budgets are scaled to the number of donations generated; see include/matchfund/workload.hpp.\n";
  y += "matchfund: 1\ncampaign:\n";
  y += fmt::format("  id: {}\n  name: \"{}\"\n  currency: CNY\n  timezone: \"+08:00\"\n", shape.id, shape.name);
  y += fmt::format("  start: {}T00:00:00+08:00\n  end: {}T00:00:00+08:00\n  seed: 2021\n", day_text(start, 0),
                   day_text(start, shape.days));
  y += "projects: { file: projects.csv }\nfunds:\n";
  // Tencent's three daily pools (2021: 9,999万 / 1亿 / 1亿 nationally; Chongqing: 8,813万 matched).
  const std::array<std::uint64_t, 3> tranches = national ? std::array<std::uint64_t, 3>{99'990'000, 100'000'000, 100'000'000}
                                                         : std::array<std::uint64_t, 3>{29'376'667, 29'376'667, 29'376'666};
  // The budget is the sum of the scaled tranches (scaling each can round past the scaled total).
  std::string releases;
  std::uint64_t budget_fen = 0;
  for (int d = 0; d < shape.matching_days; ++d) {
    const std::uint64_t fen = scaled_fen(tranches[static_cast<std::size_t>(d)], donations, shape.donations);
    budget_fen += fen;
    releases += fmt::format("      - {{ at: {}T10:00:00+08:00, amount: \"{}\" }}\n",
                            day_text(start, shape.first_matching_day + d), fen_text(fen));
  }
  y += fmt::format("  - id: tencent\n    funder: 腾讯公益慈善基金会\n    budget: \"{}\"\n    releases:\n{}",
                   fen_text(budget_fen), releases);
  const int enterprises = national ? 20 : 0;
  for (int k = 1; k <= enterprises; ++k) {
    // 20 enterprise pools of 300万 to 2,200万 (1.4亿 in all).
    y += fmt::format("  - {{ id: ent-{:02}, funder: 爱心企业{:02}, budget: \"{}\" }}\n", k, k, money_of(3'000'000 + 1'000'000 * static_cast<std::uint64_t>(k % 20)));
  }
  y += fmt::format("  - {{ id: unrestricted, funder: 腾讯公益慈善基金会 (非限定性配捐), budget: \"{}\" }}\n",
                   money_of(national ? 100'000'000 : 5'000'000));
  const std::string window = fmt::format("[ {{ from: {}T10:00:00+08:00, to: {}T00:00:00+08:00, daily: \"10:00-24:00\" }} ]",
                                         day_text(start, shape.first_matching_day),
                                         day_text(start, shape.first_matching_day + shape.matching_days));
  y += "rules:\n";
  y += "  - id: tencent-random\n    priority: 10\n    sources: [tencent]\n";
  y += "    windows: " + window + "\n";
  // Chongqing's federation doubled Tencent's match with its own 配套: a likelier, larger random
  // match and a higher personal cap, calibrated to its 8,813万 matched.
  y += fmt::format("    min_donation: \"1.00\"\n    probability: \"{}\"\n", national ? "0.7" : "1");
  y += fmt::format("    ratio: {{ random: {{ min: \"{}\", max: \"1.00\", step: \"0.05\" }} }}\n", national ? "0.05" : "0.40");
  y += "    caps:\n      - { id: one-match-per-project-per-day, per: donor_project, period: day, measure: count, max: 1 }\n";
  y += "  - id: red-flower-bonus\n    priority: 20\n    sources: [tencent]\n";
  y += "    windows: " + window + "\n";
  y += "    ratio_of:\n      rule: tencent-random\n      tiers:\n";
  y += "        - { when: { field: donation.attr.flowers, op: \">=\", value: 199, default: 0 }, ratio: \"0.30\" }\n";
  y += "        - { when: { field: donation.attr.flowers, op: \">=\", value: 99, default: 0 }, ratio: \"0.10\" }\n";
  y += "        - { when: { field: donation.attr.flowers, op: \">=\", value: 39, default: 0 }, ratio: \"0.05\" }\n";
  for (int k = 1; k <= enterprises; ++k) {
    y += fmt::format("  - id: ent-{:02}-match\n    priority: 30\n    sources: [ent-{:02}]\n", k, k);
    y += "    windows: " + window + "\n";
    y += fmt::format("    eligible: {{ field: project.tags, op: contains, value: ent-{:02} }}\n", k);
    y += "    min_donation: \"1.00\"\n    ratio: \"1\"\n";
    y += "    caps:\n      - { per: donor, period: day, measure: match, max: \"500.00\" }\n";
  }
  y += "caps:\n  - id: tencent-999-per-person-per-day\n    per: donor\n    period: day\n    measure: match\n";
  y += fmt::format("    max: \"{}\"\n    rules: [tencent-random, red-flower-bonus]\n", national ? "999.00" : "5000.00");
  y += "closeout:\n  - id: unrestricted-by-donors\n    kind: proportional\n    from: unrestricted\n";
  y += "    weight: project.donors\n    eligible: { field: project.donors, op: \">=\", value: 10 }\n";
  return y;
}

// projects.csv: ids, organizations (the first ones one project each, then by a Zipf law),
// categories, and for the national workload enterprise tags on about 30% of the projects.
std::string projects_csv(const workload_shape& shape, splitmix64& random) {
  static constexpr std::array<const char*, 7> directions{"产业", "养老", "儿童", "扶弱", "教育", "医疗", "生态"};
  const tiered_zipf organization_law(shape.organizations);
  const bool national = &shape == &national_2021_shape;
  std::string csv = "id,organization,category,tags\n";
  for (std::uint64_t p = 0; p < shape.projects; ++p) {
    const std::uint64_t organization = p < shape.organizations ? p : organization_law.pick(random);
    csv += fmt::format("p{:05},org{:04},{},", p, organization, directions[random.below(directions.size())]);
    if (national && random.below(10) < 3) csv += fmt::format("ent-{:02}", 1 + random.below(20));
    csv += '\n';
  }
  return csv;
}

// events.csv, in time order: each second of the campaign gets its share of the donations by the
// hour profile (exact cumulative shares), milliseconds drawn and sorted within the second.
void write_events(const workload_shape& shape, std::uint64_t donations, std::uint64_t donors, detail::output_file& out,
                  splitmix64& random) {
  row_writer rows(out, "id,time,donor,project,amount,attr.flowers", std::string(shape.start_date) + "T00:00:00+08:00");
  const auto weight_of_second = [&](std::uint64_t s) {
    const auto day = static_cast<int>(s / 86'400);
    const std::size_t hour = s % 86'400 / 3'600;
    const bool matching = day >= shape.first_matching_day && day < shape.first_matching_day + shape.matching_days;
    return matching ? matching_hours[hour] : ordinary_hours[hour];
  };
  const tiered_zipf donor_law(donors);
  const tiered_zipf project_law(shape.projects);
  std::vector<std::uint64_t> gift_fen;
  for (auto yuan : gift_yuan) gift_fen.push_back(yuan * shape.amount_scale * 100);
  const amount_law gift_law(gift_fen, gift_weight);
  std::vector<std::string> project_ids;
  for (std::uint64_t p = 0; p < shape.projects; ++p) project_ids.push_back(fmt::format("p{:05}", p));

  std::uint64_t written = 0;
  const auto emit = [&](std::uint64_t second, std::span<const std::uint16_t> milliseconds) {
    for (std::uint16_t ms : milliseconds) {
      rows.text("n-").number(++written).comma().time(second, ms).text(",u").number(donor_law.pick(random)).comma();
      rows.text(project_ids[project_law.pick(random)]).comma().text(gift_law.text(gift_law.pick(random))).comma();
      // 小红花: most donors have a few, some many.
      rows.number(random.below(4) == 0 ? random.below(300) : random.below(40));
      rows.end_row();
    }
  };
  spread_over_seconds(donations, static_cast<std::uint64_t>(shape.days) * 86'400, weight_of_second, random, emit);
  rows.finish();
}

generated_counts generate_shape(const workload_shape& shape, std::uint64_t donations, std::uint64_t seed,
                                detail::output_set& files) {
  // Donors scale with the donations (about 3.4 gifts per donor nationally), at least one.
  const std::uint64_t donors = scaled(shape.donors, donations, shape.donations);
  splitmix64 random(seed);
  files.create("projects.csv").write(projects_csv(shape, random));
  files.create("rules.yaml").write(rules_yaml(shape, donations));
  write_events(shape, donations, donors, files.create("events.csv"), random);
  return {donors, shape.projects, shape.organizations};
}

}  // namespace

extern const definition national_2021{
    {"national-2021", "99公益日 2021, the whole country: 68.7 million donations over 10 days, 3 matching days", 68'700'000},
    0,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_shape(national_2021_shape, donations, seed, files);
    },
    nullptr};

extern const definition chongqing_2021_federation{
    {"chongqing-2021-federation",
     "the Chongqing federation's 99公益日 2021 alone, its pool sized to its published match (an input)", 3'260'000},
    0,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_shape(chongqing_2021_shape, donations, seed, files);
    },
    nullptr};

}  // namespace matchfund::calibrated
