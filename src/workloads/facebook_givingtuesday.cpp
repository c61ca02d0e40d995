// Facebook's GivingTuesday match of 2017 and 2018: one pool, 1:1, first come first served from
// 08:00 ET, with caps per nonprofit and per donor (2018) or per fundraiser and Donate button
// (2017). The pool, caps and the day's money are published inputs, the rush of donors at 08:00
// is assumed; when the pool ran out is computed by the replay. docs/history.md lists every
// parameter with its source.
#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/error.hpp"
#include "matchfund/timestamp.hpp"
#include "workloads/definition.hpp"
#include "workloads/output_tables.hpp"
#include "workloads/stream_parts.hpp"

namespace matchfund::calibrated {

namespace {

// One year's match; money in dollars.
struct givingtuesday_year {
  const char* name;
  const char* date;  // GivingTuesday; Eastern Standard Time (UTC-05:00)
  const char* funder;
  std::uint64_t pool;
  std::uint64_t per_nonprofit;
  std::uint64_t per_donor;       // of match; 0: no such cap
  std::uint64_t per_fundraiser;  // of match, per fundraiser or Donate button; 0: no such cap
  std::uint64_t day_total;       // raised on Facebook that GivingTuesday
  // Assumed, tuned: the share of the day's gifts (per mille) made in the rush at 08:00.
  std::uint64_t rush_per_mille;
  // Published: when the pool was gone (seconds after 08:00) and the tolerance around it.
  const char* published_text;
  std::uint64_t low_seconds, high_seconds;
};

// western-matching-rules.md §1.1 and §2.1, the FB GT 2017 and 2018 rows.
constexpr givingtuesday_year year_2017{"facebook-2017", "2017-11-28", "Facebook and the Bill & Melinda Gates Foundation",
                                       2'000'000, 50'000, 0, 1'000, 45'000'000, 55, "86 s", 60, 120};
constexpr givingtuesday_year year_2018{"facebook-2018", "2018-11-27", "Facebook and PayPal",
                                       7'000'000, 250'000, 20'000, 0, 125'000'000, 130, "15 s", 10, 25};

// Assumed gift sizes (dollars), up to the $2,499 limit a US donor met per donation in 2019
// (§1.1, FB GT 2019 row), weighted to a mean of $67.74: Facebook's 2016 GivingTuesday processed
// $6.79M from more than 100,000 donors (§2.1), at most $68 each.
constexpr std::array<std::uint64_t, 11> gift_dollars{5, 10, 20, 25, 50, 100, 200, 250, 500, 1'000, 2'499};
constexpr std::array<std::uint64_t, 11> gift_weights{100, 220, 200, 120, 170, 100, 30, 20, 20, 8, 4};
constexpr std::uint64_t mean_gift_cents = 6'774;

// Assumed: 20,000 nonprofits by a Zipf law of popularity; 1.3 gifts per donor; in 2017, 70 % of
// gifts through fundraisers (the rest through Donate buttons), 8 gifts per fundraiser.
constexpr std::uint64_t nonprofits = 20'000;
constexpr std::uint64_t gifts_per_donor_tenths = 13;
constexpr std::uint64_t fundraiser_percent = 70;
constexpr std::uint64_t gifts_per_fundraiser = 8;

// Assumed shape of the day (Eastern Time): quiet nights, the day's giving through the afternoon
// and evening across US time zones. The rush: donors waiting for 08:00:00, their rate falling as
// rush_half_seconds / (rush_half_seconds + seconds since 08:00) over rush_seconds.
constexpr std::array<std::uint64_t, 24> hour_weights{3, 2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8,
                                                     8, 8, 8, 8, 8, 8, 9, 10, 10, 10, 8, 5};
constexpr std::uint64_t opening_second = 8 * 3'600;
constexpr std::uint64_t rush_seconds = 120;
constexpr std::uint64_t rush_half_seconds = 5;

std::uint64_t full_donations_of(const givingtuesday_year& y) { return y.day_total * 100 / mean_gift_cents; }

std::string eastern(const givingtuesday_year& y, const char* clock) { return fmt::format("{}T{}-05:00", y.date, clock); }

std::string next_day(const givingtuesday_year& y) {
  return format_local_date(local_date::from_days(parse_local_date(y.date)->days_since_epoch() + 1));
}

std::string rules_yaml(const givingtuesday_year& y, std::uint64_t donations) {
  const std::uint64_t full = full_donations_of(y);
  // The pool and the nonprofit cap shrink with the stream (nonprofits stay as many); donors and
  // fundraisers are fewer instead, so theirs stay as published.
  const auto dollars = [&](std::uint64_t amount) { return minor_text(scaled(amount * 100, donations, full, 100)); };
  std::string text;
  text += fmt::format("# Facebook GivingTuesday {} (synthetic), written by `matchfund generate --workload {}`;\n",
                      std::string_view(y.date).substr(0, 4), y.name);
  text += "# the pool and the per-nonprofit cap are scaled to the donations generated. Sources and\n";
  text += "# assumptions: docs/history.md.\nmatchfund: 1\ncampaign:\n";
  text += fmt::format("  id: {}\n  name: \"Facebook GivingTuesday {} (synthetic)\"\n", y.name, std::string_view(y.date).substr(0, 4));
  text += fmt::format("  currency: USD\n  timezone: \"-05:00\"\n  start: {}\n  end: {}T00:00:00-05:00\n",
                      eastern(y, "00:00:00"), next_day(y));
  text += "projects: { file: projects.csv }\nfunds:\n";
  text += fmt::format("  - id: facebook-pool\n    funder: {}\n    budget: \"{}\"\n", y.funder, dollars(y.pool));
  text += "rules:\n  - id: facebook-match\n    description: 1:1 from 08:00 ET, first come first served while the pool lasts\n";
  text += "    sources: [facebook-pool]\n";
  text += fmt::format("    windows: [ {{ from: {} }} ]\n", eastern(y, "08:00:00"));
  if (y.per_fundraiser != 0) text += "    eligible: { field: donation.attr.fundraiser, op: \"!=\", value: \"\" }\n";
  text += "    ratio: \"1\"\n    caps:\n";
  text += fmt::format("      - {{ id: per-nonprofit, per: organization, measure: match, max: \"{}\" }}\n", dollars(y.per_nonprofit));
  if (y.per_donor != 0) {
    text += fmt::format("      - {{ id: per-donor, per: donor, measure: match, max: \"{}\" }}\n", minor_text(y.per_donor * 100));
  }
  if (y.per_fundraiser != 0) {
    text += fmt::format("      - {{ id: per-fundraiser, per: \"attr:donation.attr.fundraiser\", measure: match, max: \"{}\" }}\n",
                        minor_text(y.per_fundraiser * 100));
  }
  return text;
}

std::string nonprofit_id(std::uint64_t n) { return fmt::format("np{:05}", n); }

std::string projects_csv() {
  std::string csv = "id,organization\n";
  for (std::uint64_t n = 0; n < nonprofits; ++n) csv += nonprofit_id(n) + "," + nonprofit_id(n) + "\n";
  return csv;
}

// Where a gift goes: a nonprofit, and in 2017 the fundraiser or Donate button it came through. A
// fundraiser belongs to one nonprofit, drawn by the nonprofits' popularity; gifts spread evenly
// over the fundraisers (assumed: most are supporters' own, each with a few gifts).
class gift_routes {
 public:
  gift_routes(const givingtuesday_year& y, std::uint64_t donations, splitmix64& random)
      : year_(y), nonprofit_law_(nonprofits) {
    if (y.per_fundraiser == 0) return;
    for (std::uint64_t f = 0; f < std::max<std::uint64_t>(1, donations / gifts_per_fundraiser); ++f) {
      fundraiser_nonprofit_.push_back(nonprofit_law_.pick(random));
    }
  }

  // Writes the project and (2017) the fundraiser fields of one gift.
  void write(row_writer& rows, splitmix64& random) const {
    if (year_.per_fundraiser == 0) {
      rows.text(nonprofit_id(nonprofit_law_.pick(random)));
      return;
    }
    if (random.below(100) < fundraiser_percent) {
      const std::uint64_t fundraiser = random.below(fundraiser_nonprofit_.size());
      rows.text(nonprofit_id(fundraiser_nonprofit_[fundraiser])).text(",fr-").number(fundraiser);
      return;
    }
    const std::string nonprofit = nonprofit_id(nonprofit_law_.pick(random));
    rows.text(nonprofit).text(",button:").text(nonprofit);
  }

 private:
  const givingtuesday_year& year_;
  tiered_zipf nonprofit_law_;
  std::vector<std::uint64_t> fundraiser_nonprofit_;
};

void write_events(const givingtuesday_year& y, std::uint64_t donations, detail::output_file& out, splitmix64& random) {
  const bool with_fundraisers = y.per_fundraiser != 0;
  row_writer rows(out, with_fundraisers ? "id,time,donor,project,attr.fundraiser,amount" : "id,time,donor,project,amount",
                  eastern(y, "00:00:00"));
  std::vector<std::uint64_t> gift_cents;
  for (const auto dollars : gift_dollars) gift_cents.push_back(dollars * 100);
  const amount_law gifts(gift_cents, gift_weights);
  const gift_routes routes(y, donations, random);
  const std::uint64_t donors = std::max<std::uint64_t>(1, donations * 10 / gifts_per_donor_tenths);
  const std::uint64_t rush = donations * y.rush_per_mille / 1'000;
  const std::array<stream_share, 2> streams{
      stream_share{donations - rush, [](std::uint64_t s) { return hour_weights[s / 3'600]; }},
      stream_share{rush, [](std::uint64_t s) {
                     if (s < opening_second || s >= opening_second + rush_seconds) return std::uint64_t{0};
                     return 1'000'000 * rush_half_seconds / (rush_half_seconds + s - opening_second);
                   }}};
  std::uint64_t written = 0;
  spread_streams(streams, 86'400, random, [&](std::uint64_t second, std::span<const timed_slot> slots) {
    for (const auto& slot : slots) {
      rows.text("n-").number(++written).comma().time(second, slot.millisecond).comma();
      rows.text("d").number(random.below(donors)).comma();
      routes.write(rows, random);
      rows.comma().text(gifts.text(gifts.pick(random))).end_row();
    }
  });
  rows.finish();
}

generated_counts generate_year(const givingtuesday_year& y, std::uint64_t donations, std::uint64_t seed,
                               detail::output_set& files) {
  splitmix64 random(seed);
  files.create("projects.csv").write(projects_csv());
  files.create("rules.yaml").write(rules_yaml(y, donations));
  write_events(y, donations, files.create("events.csv"), random);
  return {std::max<std::uint64_t>(1, donations * 10 / gifts_per_donor_tenths), nonprofits, nonprofits};
}

// When the replay's pool ran out, after 08:00 ET (times are not scaled).
std::vector<history_figure> measure_year(const givingtuesday_year& y, const measured_run& run) {
  history_figure figure;
  figure.workload = y.name;
  figure.outcome = "pool gone after 08:00 ET";
  figure.published = y.published_text;
  figure.tolerance = fmt::format("{}–{} s", y.low_seconds, y.high_seconds);
  figure.reproduced = "not gone";
  for (const auto& fund : run.report.funds) {
    if (fund.id != "facebook-pool" || fund.exhausted_at.empty()) continue;
    const auto gone = parse_rfc3339(fund.exhausted_at);
    const auto opening = parse_rfc3339(eastern(y, "08:00:00"));
    if (!gone || !opening) throw error("facebook: an unreadable time " + fund.exhausted_at);
    const std::int64_t ms = gone->epoch_ms() - opening->epoch_ms();
    const auto tenths = static_cast<std::uint64_t>(std::max<std::int64_t>(0, ms) / 100);
    figure.reproduced = fmt::format("{}.{} s", tenths / 10, tenths % 10);
    figure.within = ms >= 0 && tenths >= y.low_seconds * 10 && tenths <= y.high_seconds * 10;
  }
  return {figure};
}

}  // namespace

extern const definition facebook_2017{
    {"facebook-2017", "Facebook GivingTuesday 2017: a $2M 1:1 pool, $50K per nonprofit, $1K per fundraiser", full_donations_of(year_2017)},
    0,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_year(year_2017, donations, seed, files);
    },
    [](const measured_run& run) { return measure_year(year_2017, run); }};

extern const definition facebook_2018{
    {"facebook-2018", "Facebook GivingTuesday 2018: a $7M 1:1 pool, $250K per nonprofit, $20K per donor", full_donations_of(year_2018)},
    0,
    [](std::uint64_t donations, std::uint64_t seed, detail::output_set& files) {
      return generate_year(year_2018, donations, seed, files);
    },
    [](const measured_run& run) { return measure_year(year_2018, run); }};

}  // namespace matchfund::calibrated
