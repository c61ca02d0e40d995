// North Texas Giving Day 2015: every online gift of $25 or more shares a bonus pool pro rata,
// the rate fixed after the day as pool ÷ qualifying money. The day's money, gifts, nonprofits
// and pool are published inputs; the rate is what the replay's close-out pays per qualifying
// dollar. docs/history.md lists every parameter with its source.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// Published (western-matching-rules.md §2.5, NTGD 2015 row; the Chronicle of Philanthropy and
// the NTGD FAQ): $33.1M from more than 118,000 gifts to 2,022 nonprofits, a $2.4M bonus pool.
constexpr std::uint64_t full_donations = 118'000;
constexpr std::uint64_t nonprofits = 2'022;
constexpr std::uint64_t bonus_pool_cents = 2'400'000'00;
// Published rules (§1.3, Pro-rated bonus row): gifts from $25 qualify. The 2015 ceiling is not
// known (§4 item 17: $50,000 in 2014, $10,000 in a later year); none is applied, and no gift
// here is above $25,000.
constexpr const char* qualifying_minimum = "25.00";

// Assumed: 2013's hours (07:00 to midnight, Central Daylight Time) and a Thursday in
// mid-September; 1.2 gifts per donor.
constexpr const char* day_start = "2015-09-17T07:00:00-05:00";
constexpr const char* day_end = "2015-09-18T00:00:00-05:00";
constexpr std::uint64_t gifts_per_donor_tenths = 12;

// Assumed gift sizes (dollars), weighted so that the mean is $279.93: the published $33.1M over
// 118,000 gifts is $280.5 ("average ~$279" in the same report).
constexpr std::array<std::uint64_t, 14> gift_dollars{10, 20, 25, 50, 100, 150, 200, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000};
constexpr std::array<std::uint64_t, 14> gift_weights{60, 60, 150, 200, 240, 40, 40, 70, 70, 50, 12, 8, 3, 1};

// Assumed shape of the day, relative weight of each hour from 07:00: the morning start, lunch,
// the evening, and the last hour's rush before midnight.
constexpr std::array<std::uint64_t, 17> hour_weights{10, 9, 8, 7, 7, 8, 6, 6, 6, 6, 6, 7, 8, 9, 9, 9, 12};

std::string rules_yaml(std::uint64_t donations) {
  std::string text;
  text += "# North Texas Giving Day 2015 (synthetic), written by `matchfund generate --workload ntgd-2015`;\n";
  text += "# the bonus pool is scaled to the donations generated. Sources and assumptions: docs/history.md.\n";
  text += "# Gifts of $25 or more share the pool pro rata at close: the rule below only says which gifts\n";
  text += "# qualify (it pays nothing during the day), and the close-out step weighs each nonprofit by\n";
  text += "# the money of its qualifying gifts.\n";
  text += "matchfund: 1\ncampaign:\n  id: ntgd-2015\n  name: \"North Texas Giving Day 2015 (synthetic)\"\n";
  text += fmt::format("  currency: USD\n  timezone: \"-05:00\"\n  start: {}\n  end: {}\n", day_start, day_end);
  text += "projects: { file: projects.csv }\nfunds:\n";
  text += fmt::format("  - id: bonus-pool\n    funder: Communities Foundation of Texas and partners\n    budget: \"{}\"\n",
                      minor_text(scaled(bonus_pool_cents, donations, full_donations, 100)));
  text += "rules:\n  - id: bonus-qualifying\n";
  text += "    description: gifts of $25 or more qualify for the pro-rated bonus, shared at close\n";
  text += "    sources: [bonus-pool]\n";
  text += fmt::format("    min_donation: \"{}\"\n", qualifying_minimum);
  text += "    ratio: \"0\"\n";
  text += "closeout:\n  - id: pro-rated-bonus\n    kind: proportional\n    from: bonus-pool\n";
  text += "    weight: rule.bonus-qualifying.qualifying\n";
  return text;
}

std::string projects_csv() {
  std::string csv = "id,organization\n";
  for (std::uint64_t p = 0; p < nonprofits; ++p) csv += fmt::format("np{:04},np{:04}\n", p, p);
  return csv;
}

void write_events(std::uint64_t donations, std::uint64_t donors, detail::output_file& out, splitmix64& random) {
  row_writer rows(out, "id,time,donor,project,amount", day_start);
  const amount_law gifts(
      [] {
        std::vector<std::uint64_t> cents;
        for (auto dollars : gift_dollars) cents.push_back(dollars * 100);
        return cents;
      }(),
      gift_weights);
  // A few nonprofits raise much of the day's money (assumed: a Zipf law over the nonprofits).
  const tiered_zipf nonprofit_law(nonprofits);
  const auto weight_of_second = [](std::uint64_t second) { return hour_weights[second / 3'600]; };
  std::uint64_t written = 0;
  spread_over_seconds(donations, hour_weights.size() * 3'600, weight_of_second, random,
                      [&](std::uint64_t second, std::span<const std::uint16_t> milliseconds) {
                        for (const auto millisecond : milliseconds) {
                          rows.text("n-").number(++written).comma().time(second, millisecond).comma();
                          rows.text("d").number(random.below(donors)).comma();
                          rows.text(fmt::format("np{:04}", nonprofit_law.pick(random))).comma();
                          rows.text(gifts.text(gifts.pick(random))).end_row();
                        }
                      });
  rows.finish();
}

generated_counts generate(std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
  splitmix64 random(seed);
  const std::uint64_t donors = std::max<std::uint64_t>(1, donations * 10 / gifts_per_donor_tenths);
  files.create("projects.csv").write(projects_csv());
  files.create("rules.yaml").write(rules_yaml(donations));
  write_events(donations, donors, files.create("events.csv"), random);
  return {donors, nonprofits, nonprofits};
}

// The money of the gifts the replay let qualify: the events whose outcome for the qualifying
// rule was reached at its formula (no_match: the ratio is 0), at their amounts in events.csv.
std::uint64_t qualifying_cents(const measured_run& run) {
  // Event "n-K" is the K-th row of events.csv.
  std::vector<std::uint64_t> amounts;
  for_each_row(run.input_directory / "events.csv",
               [&](const table_row& row) { amounts.push_back(static_cast<std::uint64_t>(row.minor("amount"))); });
  std::uint64_t cents = 0;
  for_each_row(run.output_directory / "outcomes.csv", [&](const table_row& row) {
    if (row["rule"] != "bonus-qualifying" || row["outcome"] != "no_match") return;
    const std::string_view id = row["event_id"];
    std::uint64_t position = 0;
    const auto parsed = std::from_chars(id.data() + 2, id.data() + id.size(), position);
    if (!id.starts_with("n-") || parsed.ec != std::errc{} || position == 0 || position > amounts.size()) {
      throw error("outcomes.csv: an event this workload did not write: " + std::string(id));
    }
    cents += amounts[position - 1];
  });
  return cents;
}

std::vector<history_figure> measure(const measured_run& run) {
  std::int64_t bonus_cents = 0;
  for_each_row(run.output_directory / "ledger.csv", [&](const table_row& row) {
    if (row["kind"] == "closeout" && row["rule"] == "pro-rated-bonus") bonus_cents += row.minor("amount");
  });
  const std::uint64_t qualifying = qualifying_cents(run);
  if (qualifying == 0) throw error("ntgd-2015: no gift qualified for the bonus");
  // Hundredths of a percent, rounded down: 7.29 % is 729.
  const auto rate = static_cast<std::uint64_t>(detail::uint128{static_cast<std::uint64_t>(bonus_cents)} * 10'000 / qualifying);
  history_figure figure;
  figure.workload = "ntgd-2015";
  figure.outcome = "pro-rated bonus per qualifying dollar";
  figure.published = "7.5 %";
  figure.reproduced = fmt::format("{}.{:02} %", rate / 100, rate % 100);
  figure.tolerance = "7.0–8.0 %";
  figure.within = rate >= 700 && rate <= 800;
  return {figure};
}

}  // namespace

extern const definition ntgd_2015{
    {"ntgd-2015", "North Texas Giving Day 2015: a $2.4M bonus pool shared pro rata by gifts of $25 or more", full_donations},
    0,
    generate,
    measure};

}  // namespace matchfund::calibrated
