// What the engine keeps, record by record: per match line, cap charge, donation, payment, donor,
// and rematch candidate. Sizes matter here (tens of millions of some), hence the static
// asserts. Internal.
#ifndef MATCHFUND_SRC_ENGINE_RECORDS_HPP
#define MATCHFUND_SRC_ENGINE_RECORDS_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/counter_table.hpp"
#include "matchfund/engine.hpp"
#include "support/chunked_vector.hpp"
#include "support/string_arena.hpp"

namespace matchfund::engine_detail {

using cap_key = detail::cap_key;

// The engine's tables grow with the events: they live on huge pages (see huge_pages.hpp), the
// per-event and per-donor ones in chunks that never move (chunked_vector.hpp).
template <class T>
using table_vector = detail::chunked_vector<T>;

[[noreturn, gnu::cold, gnu::noinline]] inline void too_many(const char* what) {
  throw error(std::string("more than 4,294,967,294 ") + what + " in one run");
}

// A count that must fit the 32 bits the engine keeps it in. The check is on the path of every
// donation: the throw is out of line so that the check inlines.
inline std::uint32_t checked_u32(std::size_t value, const char* what) {
  if (value >= UINT32_MAX) [[unlikely]] too_many(what);
  return static_cast<std::uint32_t>(value);
}

// What one rule drew from one fund for one donation: 16 bytes, kept for every match (tens of
// millions in a national replay). What refunds reversed of it and the sub-budget entity it was
// charged to (funds with sub-budgets) are kept apart: few matches have either
// (donation_book.hpp).
struct match_record {
  rule_index rule{};
  fund_index fund{};
  money amount;
};
static_assert(sizeof(void*) != 8 || sizeof(match_record) == 16, "match records are kept by the ten million");

// One cap counter charged by a rule for a donation: what a refund gives back to.
struct counter_charge {
  std::uint32_t counter = 0;
  cap_measure measure = cap_measure::match;
};

// What one rule charged to caps for one donation, so refunds can give it back. Kept only when
// the rule charged some counter; its counters are charged[first_counter, +counter_count). What
// refunds gave back of it is kept apart (donation_book.hpp): few charges have any.
struct rule_charge {
  money base_used;           // donation caps
  rule_index rule{};
  std::uint32_t counter_count = 0;
  std::uint32_t first_counter = 0;
  bool counted = false;      // count caps charged 1
};
static_assert(sizeof(void*) != 8 || sizeof(rule_charge) == 24, "charge records are kept by the ten million");

// What refunds gave back of one rule_charge so far.
struct charge_given_back {
  money base;
  bool count = false;
};

constexpr std::uint32_t no_payment = UINT32_MAX;

// A donation as refunds and close-out need it: 32 bytes, kept for every donation (tens of
// millions in a national replay). What refunds took back is kept apart (donation_book.hpp):
// few donations have any.
struct donation_record {
  const char* id = nullptr;  // counted text in the engine's arena (string_arena::store_counted)
  money amount;
  std::uint32_t donor = 0;
  project_index project{};
  std::uint32_t payment = no_payment;  // its payment record, when some rule paid or charged it
  bool inside_campaign = false;  // made inside [start, end) before the close (quadratic counts it)
  bool pending_hold = false;     // a hold not confirmed (SPEC §12): not a donation (yet)
};

static_assert(sizeof(void*) != 8 || sizeof(donation_record) == 32, "donation records are kept by the ten million");

inline std::string_view id_of(const donation_record& donation) noexcept { return detail::string_arena::counted(donation.id); }

// A donation some rule paid or charged to caps: its match lines lines[first_line, +line_count)
// and charges charges[first_charge, +charge_count). Revocations and settlement reverse only
// these, so only these are chained per donor and per project, each to the one before it.
struct payment_record {
  std::uint32_t donation = 0;
  std::uint32_t first_line = 0;
  std::uint32_t line_count = 0;
  std::uint32_t first_charge = 0;
  std::uint32_t charge_count = 0;
  std::uint32_t previous_of_donor = no_payment;
  std::uint32_t previous_of_project = no_payment;
};

constexpr std::uint32_t no_project = UINT32_MAX;

// A donor seen in the events: its id, its entry in the rules' donor list, its last payment, and
// the first two projects it gave to (most donors give to one or two: counting a project's
// distinct donors then needs no lookup in the registry's set of the other (project, donor) pairs).
struct donor_record {
  // The id: up to 15 bytes inside the record (its length in the last byte), so that finding a
  // donor by id reads one record and no arena text; longer ids are a counted text in the arena,
  // its pointer in the first bytes and 0xFF last.
  std::array<char, 16> id_bytes{};
  std::uint32_t spec = UINT32_MAX;  // position in rules.donors(); UINT32_MAX: not listed
  std::uint32_t last_payment = no_payment;
  std::uint32_t first_projects[2] = {no_project, no_project};
};
static_assert(sizeof(void*) != 8 || sizeof(donor_record) == 32, "donor records are kept by the ten million");

// A donation a rule paid less than its formula wanted, kept for a `rematch` step of that rule
// (SPEC §7): what the evaluation saw, since the event is gone by the close. Its caps are
// rematch_caps[first_cap, +cap_count).
struct rematch_candidate {
  std::uint32_t donation = 0;
  rule_index rule{};
  std::uint32_t cap_count = 0;
  std::uint64_t first_cap = 0;
  money base0;                     // min(amount, matchable_max)
  money want;
  money paid;
  money own_base;                  // what the donation charges its donation caps (the base used)
  std::optional<ratio> used_ratio;  // the ratio of a ratio formula (want is recomputed from it)
};

// A cap as a donation's evaluation applied it: its counter key and limit.
struct rematch_cap {
  std::uint32_t cap = 0;
  cap_key key;
  std::int64_t limit = 0;
};


}  // namespace matchfund::engine_detail

#endif
