// Holds (SPEC §12) for the random campaigns of the differential test: whether a campaign enables
// them and with what time to live, and hold, confirm and cancel events (with the donations,
// refunds and revocations that meet them) mixed into its events. Drawn from a stream of their
// own, so that a seed's campaign is otherwise the same with holds or without.
//
//   random_holds holds(seed);
//   if (holds.enabled()) yaml += ", holds: { ttl: " + holds.ttl() + " }";     // inside `campaign`
//   if (holds.enabled()) events_csv = holds.add_to(events_csv, projects);
#ifndef MATCHFUND_TESTS_RANDOM_CAMPAIGN_HOLDS_HPP
#define MATCHFUND_TESTS_RANDOM_CAMPAIGN_HOLDS_HPP

#include <cstdint>
#include <string>

#include "synth/sampling.hpp"

namespace matchfund::testing {

class random_holds {
 public:
  explicit random_holds(std::uint64_t seed);

  // About 40 % of seeds enable holds.
  [[nodiscard]] bool enabled() const { return enabled_; }
  // campaign.holds.ttl as the rules file writes it ("7m", "90s", "1h"): short against the minutes
  // to hours between the campaign's events, so that holds expire between them and at them.
  [[nodiscard]] const std::string& ttl() const { return ttl_; }

  // The campaign's events (CSV with the columns kind,id,time,donor,project,amount,ref,scope,
  // disposition,channel, in time order, every time written as 2021-09-DDTHH:MM:SS+08:00) with
  // holds mixed in, still in time order. Holds are confirmed, cancelled, left to expire (also at
  // another event's time and at a release time), resolved too late or twice, named by refunds
  // and revocations while open, made after revocations, made to compete for a fund's last money
  // and a cap with donations, confirmed after the campaign's end, and made after the close.
  // `projects`: the campaign has projects p0 to p(projects - 1); its donors are u0 to u5.
  [[nodiscard]] std::string add_to(const std::string& events_csv, int projects);

 private:
  detail::splitmix64 random_;
  bool enabled_ = false;
  std::string ttl_;
  std::int64_t ttl_seconds_ = 0;
};

}  // namespace matchfund::testing

#endif
