// Quotes (engine::quote): what process() would decide for a donation now, changing nothing. On
// random campaigns every donation and hold is quoted before it is processed (the quote must be
// the decision), and donations that never come are quoted at times up to the next day (they
// must leave no trace): the run with quotes must end exactly as the run without.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/replay.hpp"
#include "engine_state_text.hpp"
#include "random_campaign.hpp"

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

struct decision {
  std::optional<bad_event_reason> rejected;
  std::vector<std::tuple<outcome, std::string, std::int64_t, std::int64_t>> rules;  // code, limit, want, paid
  friend bool operator==(const decision&, const decision&) = default;
};

decision kept(const engine::event_result& result) {
  decision d{result.rejected, {}};
  for (const rule_evaluation& r : result.evaluations) {
    d.rules.emplace_back(r.code, std::string(r.limit), r.want.minor_units(), r.paid.minor_units());
  }
  return d;
}

// A donation that never comes: another donor or the same, another project, another amount, at
// the event's time or up to a day later.
event phantom(const event& e, const rule_set& rules, std::uint64_t n) {
  event q = e;
  q.kind = event_kind::donation;
  q.id = "quote-" + std::to_string(n);
  if (n % 3 == 0) q.donor = "quoted-donor-" + std::to_string(n % 5);
  q.project = index_at<project_index>(n % rules.projects().size());
  q.amount = money::from_minor(1 + static_cast<std::int64_t>((n * 7919) % 500000));
  q.time = e.time + duration{static_cast<std::int64_t>((n * 104729) % 86'400'000)};
  return q;
}

}  // namespace

TEST_CASE("a quote is what process() decides, and quotes change nothing", "[engine][quote][property]") {
  const fs::path directory = fs::temp_directory_path() / ("matchfund-quote-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  std::size_t campaigns = 0, quoted_events = 0, phantoms = 0, phantoms_paid = 0, holds_quoted = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    const auto campaign = matchfund::testing::make_random_campaign(seed);
    for (const auto& [name, text] : campaign.files) std::ofstream(directory / name, std::ios::binary) << text;
    auto loaded = try_load_rules_text(campaign.rules_yaml, "random.yaml", directory);
    REQUIRE(loaded);
    const rule_set& rules = *loaded.rules;
    std::ofstream(directory / "events.csv", std::ios::binary) << campaign.events_csv;
    const std::vector<fs::path> files{directory / "events.csv"};
    const std::vector<event> events = load_events(rules, files, [](rejected_event&&) {});
    INFO("seed " << seed);

    engine plain(rules);
    engine quoted(rules);
    std::uint64_t n = 0;
    for (const event& e : events) {
      const decision decided = kept(plain.process(e));
      if (e.kind == event_kind::donation || e.kind == event_kind::hold) {
        const decision quote = kept(quoted.quote(e));
        CHECK(quote == decided);
        ++quoted_events;
        if (e.kind == event_kind::hold) ++holds_quoted;
        for (int k = 0; k < 2; ++k) {
          const auto result = quoted.quote(phantom(e, rules, ++n));
          ++phantoms;
          for (const auto& r : result.evaluations) {
            if (!r.paid.is_zero()) ++phantoms_paid;
          }
        }
      }
      CHECK(kept(quoted.process(e)) == decided);
    }
    plain.finish();
    quoted.finish();
    CHECK(matchfund::testing::state_text(quoted, rules) == matchfund::testing::state_text(plain, rules));
    ++campaigns;
  }
  fs::remove_all(directory);
  CHECK(campaigns == 150);
  CHECK(quoted_events > 3000);
  CHECK(phantoms == 2 * quoted_events);
  CHECK(phantoms_paid > 500);  // the phantoms did reach funds and caps
  CHECK(holds_quoted > 100);  // the campaigns with holds enabled quote them too
  WARN("quoted " << quoted_events << " events (" << holds_quoted << " holds) and " << phantoms << " phantoms");
}
