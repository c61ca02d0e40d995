// A fund's available amount over a replay, rebuilt from the rules' release schedule and the
// ledger: available = released - expired - drawn + returned - closeout (SPEC §4, §7). Where it
// ends must be funds.csv's available_end; the report says whether it does.
#ifndef MATCHFUND_SRC_REPORT_DEPLETION_HPP
#define MATCHFUND_SRC_REPORT_DEPLETION_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/money.hpp"
#include "matchfund/rule_set.hpp"
#include "matchfund/timestamp.hpp"
#include "report/charts.hpp"

namespace matchfund::reporting {

struct fund_depletion {
  std::string fund;
  std::vector<step_point> available;  // one point per instant something changed, in time order
  money end;                          // after the last release and ledger line
};

// What a ledger line does to its fund's available amount: a match, a close-out payout or an
// expiry takes `amount`; a reversal (negative amount) gives it back when its disposition is
// "return" and not when it is "forfeit" (the funder has it). Throws error for another kind.
money available_change(std::string_view kind, money amount, std::string_view disposition);

class depletion_builder {
 public:
  // Every fund of the rules at 0 from the campaign's start, their releases pending.
  explicit depletion_builder(const rule_set& rules);

  // A ledger line's change to fund `fund` (an index of rules.funds()), in ledger order. Releases
  // due by `time` come first (a donation at a release's instant sees the release).
  void add(std::size_t fund, timestamp time, money change);

  // Releases not yet applied (at close every scheduled release counts), then each fund's curve.
  [[nodiscard]] std::vector<fund_depletion> finish();

 private:
  struct pending_release {
    std::int64_t time_ms = 0;
    std::size_t fund = 0;
    money amount;
  };
  void release_until(std::int64_t time_ms);
  void record(std::size_t fund, std::int64_t time_ms, money change);

  std::vector<pending_release> releases_;  // by time, then fund order
  std::size_t next_release_ = 0;
  std::vector<fund_depletion> funds_;
};

}  // namespace matchfund::reporting

#endif
