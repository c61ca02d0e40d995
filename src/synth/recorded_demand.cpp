// A recorded stream as a demand model (include/matchfund/recorded_demand.hpp).
#include "matchfund/recorded_demand.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>

#include "matchfund/calendar.hpp"
#include "matchfund/detail/int128.hpp"
#include "matchfund/read_events.hpp"
#include "support/csv_reader.hpp"
#include "support/sha256.hpp"

namespace matchfund {

namespace {

constexpr std::int64_t day_ms = 86'400'000;

void check_options(const recorded_demand_options& options) {
  if (options.scale.millionths() <= 0 || options.scale.millionths() > 1'000'000'000) {
    throw error("--scale is above 0 and at most 1000, got " + format_ratio(options.scale));
  }
  for (const ratio sd : {options.volume_sd, options.gift_sd}) {
    if (sd.millionths() < 0 || sd.millionths() > 1'000'000) {
      throw error("a standard deviation of a run's volume or gifts is 0 to 1, got " + format_ratio(sd));
    }
  }
}

// Donations in input order, with their donors interned.
class donation_recorder {
 public:
  void add(event&& e) {
    if (e.kind != event_kind::donation) {
      ++recorded_.not_donations;
      return;
    }
    const auto [found, added] = donor_of_.try_emplace(e.donor, static_cast<std::uint32_t>(recorded_.donors.size()));
    if (added) recorded_.donors.push_back(e.donor);
    recorded_.donations.push_back({e.time.epoch_ms(), found->second, *e.project, *e.amount, std::move(e.channel),
                                   std::move(e.attributes)});
  }
  recorded_donations take() { return std::move(recorded_); }

 private:
  recorded_donations recorded_;
  std::unordered_map<std::string, std::uint32_t> donor_of_;  // lookups only: nothing iterates it
};

// The donations of the files, in file order.
recorded_donations read_donations(std::span<const std::filesystem::path> files, const rule_set& rules) {
  donation_recorder recorder;
  read_event_files(
      rules, files, [&](event&& e) { recorder.add(std::move(e)); },
      [&](rejected_event&& rejected) {
        throw event_file_error(rejected.file, rejected.line, 0,
                               "event " + rejected.id + ": " + to_string(rejected.reason) +
                                   " (recorded events must be valid for the rules simulated)");
      });
  return recorder.take();
}

// Moves the donations by whole days onto the campaign, keeps those inside it, orders them by time.
void move_onto_campaign(recorded_donations& recorded, const rule_set& rules) {
  const auto& campaign = rules.campaign();
  std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
  for (const auto& d : recorded.donations) first_ms = std::min(first_ms, d.time_ms);
  const std::int64_t first_day = local_day_of(timestamp::from_epoch_ms(first_ms), campaign.timezone).days_since_epoch();
  recorded.shift_days = local_day_of(campaign.start, campaign.timezone).days_since_epoch() - first_day;
  const std::int64_t start = campaign.start.epoch_ms();
  const std::int64_t end = campaign.end.epoch_ms();
  std::erase_if(recorded.donations, [&](recorded_donation& d) {
    d.time_ms += recorded.shift_days * day_ms;
    const bool outside = d.time_ms < start || d.time_ms >= end;
    recorded.outside += outside ? 1 : 0;
    return outside;
  });
  std::stable_sort(recorded.donations.begin(), recorded.donations.end(),
                   [](const recorded_donation& a, const recorded_donation& b) { return a.time_ms < b.time_ms; });
}

// The files' names, joined, and one digest over their digests, for simulation.json.
void name_sources(demand_model& model, std::span<const std::filesystem::path> files) {
  std::string digests;
  for (const auto& file : files) {
    if (!model.source_file.empty()) model.source_file += " ";
    model.source_file += file.generic_string();
    digests += detail::sha256_hex(detail::read_text_file(file));
  }
  model.source_sha256 = detail::sha256_hex(digests);
}

demand_law normal_around_one(ratio sd) {
  if (sd.millionths() == 0) return demand_law::constant_of(1'000'000);
  return demand_law{law_kind::normal, 1'000'000, sd.millionths()};
}

// A model that resamples `donations` (options checked), without its source named.
demand_model resampling(recorded_donations&& donations, const rule_set& rules, const recorded_demand_options& options) {
  auto recorded = std::make_shared<recorded_donations>(std::move(donations));
  if (recorded->donations.empty()) throw error("the recorded events hold no donation");
  move_onto_campaign(*recorded, rules);
  if (recorded->donations.empty()) throw error("no recorded donation falls inside the campaign once moved onto its days");
  demand_model model;
  const auto scaled = [&](std::uint64_t count) {
    return static_cast<std::uint64_t>((static_cast<detail::int128>(count) * options.scale.millionths() + 500'000) / 1'000'000);
  };
  // A run draws donors (each with all their donations): the volume law scales their number.
  model.donations = std::max<std::uint64_t>(1, scaled(recorded->donations.size()));
  model.donors = std::min<std::uint64_t>(model.donations, std::max<std::uint64_t>(1, scaled(recorded->donors.size())));
  model.volume = normal_around_one(options.volume_sd);
  model.amount_scale = normal_around_one(options.gift_sd);
  model.amount_round = money::from_minor(1);
  model.recorded = std::move(recorded);
  return model;
}

}  // namespace

demand_model load_recorded_demand(std::span<const std::filesystem::path> files, const rule_set& rules,
                                  const recorded_demand_options& options) {
  check_options(options);
  if (files.empty()) throw error("give at least one event file to resample");
  demand_model model = resampling(read_donations(files, rules), rules, options);
  name_sources(model, files);
  return model;
}

demand_model recorded_demand_of_events(std::vector<event> events, std::string source_name, std::string source_sha256,
                                       const rule_set& rules, const recorded_demand_options& options) {
  check_options(options);
  donation_recorder recorder;
  for (event& e : events) recorder.add(std::move(e));
  demand_model model = resampling(recorder.take(), rules, options);
  model.source_file = std::move(source_name);
  model.source_sha256 = std::move(source_sha256);
  return model;
}

}  // namespace matchfund
