// Demand from the past (docs/simulate.md, "Demand from the past"): a recorded donation stream
// resampled for each run of a simulation instead of a model's laws — "last year's giving, 20 %
// more, under this year's rules".
//
//   matchfund::recorded_demand_options options;
//   options.scale = matchfund::parse_ratio("1.2").value();        // 20 % more gifts
//   options.volume_sd = matchfund::parse_ratio("0.15").value();   // each run's volume ×N(1, 0.15)
//   auto demand = matchfund::load_recorded_demand(files, rules, options);
//   auto result = matchfund::simulate(setup, demand, {.runs = 100, .seed = 7});
//
// Each run draws its volume V (×N(1, volume_sd)) and its gift size G (×N(1, gift_sd)), then
// draws round(recorded donors × scale × V) donors uniformly with replacement from the recorded
// ones, each draw bringing all that donor's donations, so that a donor's habits (how often, how
// much, to whom) stay whole and per-donor caps bind as they did. The first draw of a donor keeps
// the recorded id; the k-th (k > 1) is another person, "ID~k" (who has none of the attributes a
// rules' donors list gives ID). A donation keeps its project, channel, attributes and time, moved
// by whole days so that the recorded stream's first local day falls on the campaign's first day;
// its amount is multiplied by G and rounded to the minor unit (at least one). Recorded refunds,
// revocations and holds are not replayed, and donations that land outside the campaign are left
// out when loading.
#ifndef MATCHFUND_RECORDED_DEMAND_HPP
#define MATCHFUND_RECORDED_DEMAND_HPP

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/event.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/rule_set.hpp"

namespace matchfund {

struct recorded_donation {
  std::int64_t time_ms = 0;    // moved onto the campaign's days
  std::uint32_t donor = 0;     // index into recorded_donations::donors
  project_index project{};
  money amount;
  std::string channel;
  attribute_values attributes;
};

struct recorded_donations {
  std::vector<recorded_donation> donations;  // in time order (stable: file order within a time)
  std::vector<std::string> donors;           // distinct donor ids, in order of first appearance
  std::int64_t shift_days = 0;               // added to every recorded time
  std::uint64_t outside = 0;                 // donations left out: outside the campaign once moved
  std::uint64_t not_donations = 0;           // refunds, revocations, holds ... of the files
};

struct recorded_demand_options {
  ratio scale = ratio::whole(1);  // multiplies the expected number of donations
  ratio volume_sd;                // a run's volume is ×N(1, volume_sd); 0: every run the same
  ratio gift_sd;                  // a run's gifts are ×N(1, gift_sd)
};

// Reads the event files against the rules (as replay does; a bad event stops with its file, line
// and reason) into a demand model that resamples them. Throws event_file_error or
// matchfund::error (no donation inside the campaign; options out of range: scale above 0 and at
// most 1000, deviations at most 1).
[[nodiscard]] demand_model load_recorded_demand(std::span<const std::filesystem::path> files, const rule_set& rules,
                                                const recorded_demand_options& options);

// The same for events already read and checked (read_events.hpp: a DataFrame's rows, say), in
// input order; `source_name` and `source_sha256` stand for them in simulation.json.
[[nodiscard]] demand_model recorded_demand_of_events(std::vector<event> events, std::string source_name,
                                                     std::string source_sha256, const rule_set& rules,
                                                     const recorded_demand_options& options);

}  // namespace matchfund

#endif
