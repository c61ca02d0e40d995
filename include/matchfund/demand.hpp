// A demand model (docs/simulate.md): what a campaign planner expects of the donors before the
// campaign — how many donations and donors, how much each gives, when in the day, to which
// projects, with which attributes, how many are refunded — and how uncertain each of those is.
// `matchfund simulate` draws a donation stream from it for every run; a quantity given as a law
// (`{normal: {mean, sd}}`, `{uniform: {min, max}}`) is drawn once per run, so that runs differ the
// way real years differ, not only by sampling noise.
//
//   matchfund::rule_set rules = matchfund::load_rules("campaign.yaml");
//   matchfund::demand_model demand = matchfund::load_demand("demand.yaml", rules);  // throws rules_error
//
// A demand model is read against the rules it will be simulated with (fund ids, projects,
// attribute types); it stays valid for rule sets that differ only by overridden amounts.
#ifndef MATCHFUND_DEMAND_HPP
#define MATCHFUND_DEMAND_HPP

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/calendar.hpp"
#include "matchfund/ids.hpp"
#include "matchfund/money.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "matchfund/value.hpp"

namespace matchfund {

// A quantity of the model: a constant, or a law drawn once per run. Values in millionths.
enum class law_kind : std::uint8_t { constant, normal, uniform };

struct demand_law {
  law_kind kind = law_kind::constant;
  std::int64_t first = 1'000'000;  // constant: the value; normal: the mean; uniform: the minimum
  std::int64_t second = 0;         // normal: the standard deviation; uniform: the maximum

  [[nodiscard]] bool uncertain() const noexcept { return kind != law_kind::constant; }
  static constexpr demand_law constant_of(std::int64_t millionths) noexcept {
    return demand_law{law_kind::constant, millionths, 0};
  }
};

struct amount_weight {
  money amount;
  std::uint64_t weight = 0;
};

// A Pareto law of gift amounts, truncated at `max`: P(amount > x) = (min / x)^alpha.
struct pareto_law {
  money min;
  money max;
  ratio alpha;
};

// One day of the campaign (a local date), its share of the donations and its hourly profile.
struct demand_day {
  local_date date;
  std::uint64_t share = 1;
  std::array<std::uint64_t, 24> hours{};
};

// A rush after each release of some funds: `share` of that day's donations come in the
// `minutes` after the release, most at once and fewer as the minutes pass (a falling line).
struct demand_rush {
  std::vector<fund_index> funds;
  ratio share;
  std::int64_t minutes = 30;
  demand_law size;  // multiplies `share`, drawn per run
};

enum class popularity_kind : std::uint8_t { equal, zipf, column };

struct demand_popularity {
  popularity_kind kind = popularity_kind::zipf;
  ratio exponent = ratio::whole(1);  // zipf
  std::string column;                // column: a project attribute, e.g. "attr.expected"
  std::vector<std::uint64_t> weights;  // by project, resolved when loading (before the spread)
  demand_law spread;                   // a multiplier per project, drawn per run
};

// A table of values of one attribute and their weights.
struct attribute_choice_table {
  std::string name;
  std::uint32_t slot = 0;  // in rules.attributes(owner)
  std::vector<value> values;
  std::vector<std::uint64_t> weights;
};

struct demand_refunds {
  demand_law rate;  // the share of donations refunded, drawn per run
  duration after_min{60'000};
  duration after_max{86'400'000};
};

struct recorded_donations;  // recorded_demand.hpp

struct demand_model {
  std::string source_file;
  std::string source_sha256;

  // A recorded stream resampled instead of the laws below (recorded_demand.hpp, --from-events);
  // then only donations, volume, donors and amount_scale apply, and amount_round is a minor unit.
  std::shared_ptr<const recorded_donations> recorded;

  std::uint64_t donations = 0;  // expected donations in the whole campaign
  demand_law volume;            // multiplies donations and donors, drawn per run
  std::uint64_t donors = 0;     // expected distinct donors (each gives at least once)
  // The gifts beyond each donor's first go to donors by a Zipf law: the donor of rank r (0, 1, ...)
  // weighs (r + offset)^-exponent; offset 0 means donors / 1000, at least 1.
  ratio repeat_exponent = ratio::whole(1);
  std::uint64_t repeat_offset = 0;

  std::vector<amount_weight> amount_table;  // or
  std::optional<pareto_law> amount_pareto;
  money amount_round;      // amounts are whole multiples of this
  demand_law amount_scale; // multiplies every amount, drawn per run

  std::vector<demand_day> days;  // the campaign's local days with a share, in date order
  std::optional<demand_rush> rush;
  demand_popularity popularity;
  std::vector<attribute_choice_table> donation_attributes;
  std::vector<attribute_choice_table> donor_attributes;
  std::optional<demand_refunds> refunds;
};

// Loads a demand file against the rules it will be simulated with. Throws rules_error with every
// problem as a positioned diagnostic (file:line:col: path: message [code]), as the rules loader.
[[nodiscard]] demand_model load_demand(const std::filesystem::path& file, const rule_set& rules);
[[nodiscard]] demand_model load_demand_text(std::string_view yaml_text, const std::string& file_name,
                                            const rule_set& rules);

}  // namespace matchfund

#endif
