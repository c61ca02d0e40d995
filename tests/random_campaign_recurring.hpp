// Settlement on the donor's later payments (`settle.payments`) for the random campaigns of the
// differential test: which rules settle so, and later instalments of some donations (the same
// donor, project and amount, inside and after the campaign, some refunded in full or revoked)
// mixed into the events, so that some donors pay often enough and others do not. Drawn from a
// stream of its own, so that a seed's campaign is otherwise the same.
//
//   random_recurring recurring(seed);
//   yaml += recurring.settle("r0", when);                 // the rule's settle line, or nothing
//   events_csv = recurring.add_to(events_csv);            // before holds are mixed in
#ifndef MATCHFUND_TESTS_RANDOM_CAMPAIGN_RECURRING_HPP
#define MATCHFUND_TESTS_RANDOM_CAMPAIGN_RECURRING_HPP

#include <cstdint>
#include <set>
#include <string>

#include "synth/sampling.hpp"

namespace matchfund::testing {

class random_recurring {
 public:
  explicit random_recurring(std::uint64_t seed);

  // The `settle` line of rule `rule` (YAML, indented for a rule, ending with a line break): its
  // `when` (a condition's YAML, or empty for none) and, in about a third of rules, `payments`
  // with a `min` of 1 to 4 and sometimes `within_days` of 1 to 4. Empty when neither.
  [[nodiscard]] std::string settle(const std::string& rule, const std::string& when);
  // The rules given `payments` and no `when`: their settlement reversals are the payments'.
  [[nodiscard]] const std::set<std::string>& settled_by_payments() const { return settled_by_payments_; }

  // The campaign's events (CSV with the columns kind,id,time,donor,project,amount,ref,scope,
  // disposition,channel, in time order, every time written as 2021-09-DDTHH:MM:SS+08:00) with
  // instalments (ids i0, i1, ...) of about a third of the donations, when a rule settles on
  // payments: one to four, a day, two days (exactly, to meet within_days at its bound) or some
  // hours apart, up to the 30th; each sometimes refunded in full (iNr) or revoked (iNv).
  [[nodiscard]] std::string add_to(const std::string& events_csv);

 private:
  detail::splitmix64 random_;
  std::set<std::string> settled_by_payments_;
  bool any_ = false;
};

}  // namespace matchfund::testing

#endif
