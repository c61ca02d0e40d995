// Random small campaigns for the differential test: rules as YAML text and events as CSV text,
// so that the loader and the event reader are exercised too. Drawn with the project's own
// integer sampler (SplitMix64), so a seed gives the same campaign on every standard library.
#ifndef MATCHFUND_TESTS_RANDOM_CAMPAIGN_HPP
#define MATCHFUND_TESTS_RANDOM_CAMPAIGN_HPP

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace matchfund::testing {

// What a campaign contains, for the test to count how many seeds exercise each mechanism.
struct campaign_features {
  bool zero_release = false;          // some fund has a release of 0 (SPEC §11.14)
  bool empty_text_condition = false;  // a condition compares a channel, region or category with ""
                                      // and some donation or project lacks that field (§11.17)
  bool shared_step_fund = false;      // two or more close-out steps take money from one fund (§11.19)
  bool holds = false;                 // campaign.holds is set and the events have holds (§12)
  std::set<std::string> recorded_rules;  // rules whose match is read from an attribute (ratio_from, amount_from)
  std::set<std::string> stepped_rules;   // rules with a stepped ratio
  std::set<std::string> ranked_rules;    // rules eligible by a day rank (the leader at the opening)
  std::set<std::string> settled_by_payments;  // rules with settle.payments and no settle.when
};

struct random_campaign {
  std::string rules_yaml;
  std::string events_csv;
  std::vector<std::pair<std::string, std::string>> files;  // other files the rules name: name, text
  std::vector<std::string> step_kinds;  // by step (s0, s1, ...): its kind, "quadratic/gitcoin" apart
  bool close_event = false;
  campaign_features features;
};

// 1-3 funds, 1-4 rules with random mechanics, a few projects and donors, 10-60 events over three
// days (donations, refunds, revocations, sometimes a close), and most often close-out steps; in
// about 40 % of campaigns, holds too (random_campaign_holds.hpp); rules settled on the donor's
// later payments, with later instalments in the events (random_campaign_recurring.hpp).
random_campaign make_random_campaign(std::uint64_t seed);

// The rows of an output CSV as its comma-separated cells, an empty last cell included (the
// outputs it reads have no quoted field), header included.
std::vector<std::vector<std::string>> csv_cells(const std::string& csv);

// The kinds of the steps that wrote close-out lines into a ledger.
std::set<std::string> kinds_paid(const random_campaign& campaign, const std::string& ledger_csv);

}  // namespace matchfund::testing

#endif
