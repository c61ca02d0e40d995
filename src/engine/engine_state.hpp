// The engine's state (engine.hpp's pimpl), shared by the files that implement the engine:
// engine.cpp (events, refunds, revocations, the close), process_donation.cpp (SPEC §5.2),
// closeout.cpp (SPEC §7) and invariants.cpp (§8). The records it keeps are in records.hpp.
// Internal.
#ifndef MATCHFUND_SRC_ENGINE_STATE_HPP
#define MATCHFUND_SRC_ENGINE_STATE_HPP

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <cstring>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "support/chunked_vector.hpp"
#include "support/huge_pages.hpp"
#include "engine/counter_table.hpp"
#include "engine/records.hpp"
#include "support/id_index.hpp"
#include "support/key_set.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/evaluate_condition.hpp"
#include "support/string_arena.hpp"
#include "support/string_maps.hpp"

namespace matchfund {

namespace engine_detail {

// The attribute leaves without default of a condition: values every donation must have.
inline void collect_required(const condition& c, std::vector<field_ref>& out) {
  for (const auto& child : c.children) collect_required(child, out);
  if (c.type == condition::kind::leaf && is_attribute(c.leaf.field.kind) && !c.leaf.fallback) {
    if (std::find(out.begin(), out.end(), c.leaf.field) == out.end()) out.push_back(c.leaf.field);
  }
}

// Whether a condition reads only what a project is (id, organization, region, category, tags,
// attributes): not its totals, nor anything of the donation, donor or funds.
inline bool reads_project_only(const condition& c) {
  switch (c.type) {
    case condition::kind::always: return true;
    case condition::kind::leaf:
      switch (c.leaf.field.kind) {
        case field_kind::project_id:
        case field_kind::project_organization:
        case field_kind::project_region:
        case field_kind::project_category:
        case field_kind::project_tags:
        case field_kind::project_attribute: return true;
        default: return false;
      }
    default:
      return std::all_of(c.children.begin(), c.children.end(), [](const condition& child) { return reads_project_only(child); });
  }
}

// A count that must fit the 32 bits the engine keeps it in.
inline std::uint32_t checked_u32(std::size_t value, const char* what) {
  if (value >= UINT32_MAX) throw error(std::string("more than 4,294,967,294 ") + what + " in one run");
  return static_cast<std::uint32_t>(value);
}

}  // namespace engine_detail

struct engine::state {
  // The helper types, by their short names.
  using cap_key = engine_detail::cap_key;
  using match_record = engine_detail::match_record;
  using counter_charge = engine_detail::counter_charge;
  using rule_charge = engine_detail::rule_charge;
  using donation_record = engine_detail::donation_record;
  using payment_record = engine_detail::payment_record;
  using donor_record = engine_detail::donor_record;
  static constexpr std::uint32_t no_payment = engine_detail::no_payment;
  using fund_state = engine_detail::fund_state;
  using rematch_candidate = engine_detail::rematch_candidate;
  using rematch_cap = engine_detail::rematch_cap;
  template <class T>
  using table_vector = engine_detail::table_vector<T>;
  template <class Value>
  using string_map = detail::string_map<Value>;
  using string_set = detail::string_set;

  rule_set rules;
  std::vector<fund_state> funds;
  std::vector<project_totals> projects;
  std::vector<std::uint32_t> project_last_payment;  // per project, or no_payment
  std::vector<ledger_line, detail::huge_page_allocator<ledger_line>> ledger;  // contiguous: engine::ledger() is a span
  std::uint64_t ledger_discarded = 0;  // lines forgotten by discard_ledger()
  // What the lines forgotten so far added up to, for check_invariants (invariants.cpp).
  struct ledger_sums {
    std::vector<fund_totals> funds;       // drawn, returned, forfeited, expired, closeout
    std::vector<project_totals> projects;  // matched, closeout
    void add(std::span<const ledger_line> made);
  };
  ledger_sums discarded_sums;
  std::uint64_t matches_above_formula = 0;  // evaluations that paid more than a non-zero want

  // Cap counters: (cap, scope, period) -> a dense counter, created when first charged.
  detail::counter_table counter_of;
  table_vector<std::int64_t> counters;
  table_vector<std::uint32_t> counter_caps;  // the cap of each counter

  detail::string_arena ids;                     // every id the engine keeps
  // Every processed event's id: a donation's position, or other_event | its position in
  // other_event_ids (refunds, revocations, the close). Dense donors by id.
  static constexpr std::uint32_t other_event = 0x8000'0000;
  table_vector<std::string_view> other_event_ids;
  detail::id_index event_ids{&event_id_at, this};
  detail::id_index donor_ids{&donor_id_at, this};
  table_vector<donor_record> donors;            // by dense donor
  detail::key_set project_donors;  // project << 32 | donor, beyond each donor's first_projects

  // Whether this is the donor's first gift to the project (it is remembered as given).
  bool first_gift_to(std::uint32_t donor, project_index project) {
    const auto p = static_cast<std::uint32_t>(position(project));
    std::uint32_t* inline_projects = donors[donor].first_projects;
    for (int k = 0; k < 2; ++k) {
      if (inline_projects[k] == p) return false;
      if (inline_projects[k] == engine_detail::no_project) {
        inline_projects[k] = p;
        return true;
      }
    }
    return project_donors.insert(std::uint64_t{p} << 32 | donor);
  }
  string_map<std::uint32_t> scope_values;       // attr:<field> cap scopes -> dense id
  table_vector<donation_record> donations;
  table_vector<payment_record> payments;
  boost::unordered_flat_map<std::uint32_t, money> refunded_amounts;  // donation -> refunded so far
  table_vector<match_record> lines;
  boost::unordered_flat_map<std::uint32_t, money> reversed_amounts;  // line -> reversed so far
  boost::unordered_flat_map<std::uint32_t, std::uint64_t> line_pots;  // line -> sub-budget entity charged
  table_vector<rule_charge> charges;
  boost::unordered_flat_map<std::uint32_t, engine_detail::charge_given_back> given_back;  // charge -> given back
  table_vector<counter_charge> charged;
  std::vector<bool> rematched;                    // per rule: a rematch step names it
  std::vector<rematch_candidate> rematch_candidates;
  std::vector<rematch_cap> rematch_caps;
  string_set revoked_donations, revoked_donors;
  boost::unordered_flat_set<std::uint32_t> revoked_projects;
  std::vector<field_ref> required_attributes;
  // Per rule: its eligibility per project when it reads only what projects are (decided once
  // here instead of per donation); empty when it must be evaluated per donation.
  std::vector<std::vector<bool>> eligible_by_project;
  // The donors' hash bits and the projects of the last donations prefetched (engine::prefetch),
  // oldest next.
  struct prefetched_donation {
    std::uint32_t donor_bits = 0;
    std::uint32_t project = 0;
    timestamp time;
  };
  // Per project p: the caps per donor (donor, donor_project, donor_organization) of the rules
  // that may match its donations, whose counters engine::prefetch loads early:
  // donor_caps[donor_caps_first[p], donor_caps_first[p + 1]). And each project's organization.
  // Small flat arrays that stay in the cache, unlike the project specs, whose reads missed it
  // (bench/RESULTS.md).
  std::vector<std::uint32_t> donor_caps_first;
  std::vector<std::uint32_t> donor_caps;
  std::vector<std::uint32_t> organization_of_project;
  std::array<prefetched_donation, 4> prefetched_donors{};
  std::size_t prefetch_next = 0;
  // Per rule: its group of rules with the same windows; per group, whether this donation is
  // inside them (-1: not decided yet).
  std::vector<std::uint32_t> window_group;
  std::vector<std::int8_t> window_verdicts;
  std::optional<timestamp> last_time;
  std::string_view close_event_id;  // the close event's id (kept in the arena); empty at end of input
  // Per rule with `settle`: per project, whether it settles, decided once at the close.
  std::vector<std::vector<bool>> settles;
  bool is_closed = false;
  bool explaining = false;
  bool fed_ahead = false;  // engine::prefetch() is in use: process() need not prefetch for itself
  bool ids_vouched = false;  // engine::process_unchecked_new_id() is in use: prefetching event ids is useless
  // Inlined into engine::prefetch: called there, the batch replay ran measurably slower.
  [[gnu::always_inline]] inline void prefetch_donor_state(const prefetched_donation& donation) const noexcept;
  // Out of line: a host that prefetches never runs it.
  [[gnu::noinline]] void prefetch_for_one_call(const event& e) const noexcept;

  // Buffers of one donation, kept to avoid allocating per event.
  struct applied_cap {
    const cap_spec* spec;
    cap_key key;
    std::int64_t remaining;
    std::int64_t limit;
    std::uint32_t counter;  // its counter, or no_counter when never charged
  };
  static constexpr std::uint32_t no_counter = UINT32_MAX;
  struct draw {
    std::size_t fund;
    money amount;
    std::optional<std::uint64_t> pot;
  };
  std::vector<rule_evaluation> evaluations;
  std::vector<money> paid_by_rule;
  std::vector<applied_cap> applied;
  std::vector<draw> draws;
  std::string scope_buffer;

  explicit state(rule_set r) : rules(std::move(r)) {
    // Cap keys keep the cap's number and the period (counted from the campaign's start) in 16
    // bits each (counter_table.hpp); donations outside the campaign charge no cap.
    if (rules.caps().size() > std::size_t{cap_key::max_cap} + 1) {
      throw error("more than 65,536 caps in one rule set (" + std::to_string(rules.caps().size()) + ")");
    }
    const campaign_spec& campaign = rules.campaign();
    const timestamp last = timestamp::from_epoch_ms(campaign.end.epoch_ms() - 1);  // of the campaign
    for (const cap_spec& cap : rules.caps()) {
      period_base.push_back(cap.period.index_of(campaign.start, campaign.timezone));
      if (campaign.start < campaign.end && cap.period.index_of(last, campaign.timezone) - period_base.back() > cap_key::max_period) {
        // The loader refuses such a campaign (period_limit); a rule set built without it may not.
        throw error("cap " + cap.id + ": the campaign spans more than 32,768 of its periods");
      }
    }
    funds.resize(rules.funds().size());
    discarded_sums.funds.resize(rules.funds().size());
    discarded_sums.projects.resize(rules.projects().size());
    projects.resize(rules.projects().size());
    project_last_payment.resize(rules.projects().size(), no_payment);
    evaluations.resize(rules.rules().size());
    paid_by_rule.resize(rules.rules().size());
    eligible_by_project.resize(rules.rules().size());
    rematched.resize(rules.rules().size());
    for (const closeout_spec& step : rules.closeout()) {
      if (step.kind == closeout_kind::rematch && step.rule) rematched[position(*step.rule)] = true;
    }
    for (std::size_t k = 0; k < rules.rules().size(); ++k) {
      const condition& eligible = rules.rules()[k].eligible;
      if (!engine_detail::reads_project_only(eligible)) continue;
      eligible_by_project[k].resize(rules.projects().size());
      for (std::size_t p = 0; p < rules.projects().size(); ++p) {
        const auto project = index_at<project_index>(p);
        const auto holds_here = evaluate(eligible, [&](const field_ref& field) {
          return read_project_field(field, project, projects[p]);
        });
        // A missing attribute the condition needs rejects the donation before it is evaluated.
        eligible_by_project[k][p] = holds_here.value_or(false);
      }
    }
    const auto same_windows = [](const std::vector<window_spec>& a, const std::vector<window_spec>& b) {
      return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const window_spec& x, const window_spec& y) {
        return x.from == y.from && x.to == y.to && x.daily == y.daily;
      });
    };
    for (std::size_t k = 0; k < rules.rules().size(); ++k) {
      std::size_t group = 0;
      while (group < k && !same_windows(rules.rules()[k].windows, rules.rules()[group].windows)) ++group;
      // A rule's group is the first rule with its windows: verdicts are kept by that rule's position.
      window_group.push_back(static_cast<std::uint32_t>(group));
    }
    window_verdicts.resize(rules.rules().size());
    for (std::size_t p = 0; p < rules.projects().size(); ++p) {
      organization_of_project.push_back(static_cast<std::uint32_t>(position(rules.projects()[p].organization)));
      donor_caps_first.push_back(engine_detail::checked_u32(donor_caps.size(), "caps per donor over all projects"));
      for (std::size_t k = 0; k < rules.rules().size(); ++k) {
        if (!eligible_by_project[k].empty() && !eligible_by_project[k][p]) continue;
        const rule_spec& rule = rules.rules()[k];
        for (const auto* caps : {&rule.own_caps, &rule.shared_caps}) {
          for (const cap_index c : *caps) {
            const cap_scope per = rules.cap(c).per;
            if (per != cap_scope::donor && per != cap_scope::donor_project && per != cap_scope::donor_organization) continue;
            const auto cap = static_cast<std::uint32_t>(position(c));
            if (std::find(donor_caps.begin() + static_cast<std::ptrdiff_t>(donor_caps_first.back()), donor_caps.end(), cap) ==
                donor_caps.end()) {
              donor_caps.push_back(cap);
            }
          }
        }
      }
    }
    donor_caps_first.push_back(engine_detail::checked_u32(donor_caps.size(), "caps per donor over all projects"));
    for (const auto& rule : rules.rules()) {
      engine_detail::collect_required(rule.eligible, required_attributes);
      const auto tiers_of = [&](const tiered_ratio_formula& tiers) {
        for (const auto& tier : tiers.tiers) {
          if (tier.when) engine_detail::collect_required(*tier.when, required_attributes);
        }
      };
      if (const auto* tiers = std::get_if<tiered_ratio_formula>(&rule.match)) tiers_of(*tiers);
      if (const auto* bonus = std::get_if<bonus_formula>(&rule.match)) {
        if (const auto* tiers = std::get_if<tiered_ratio_formula>(&bonus->scale)) tiers_of(*tiers);
      }
    }
  }

  // ---- ledger and funds ------------------------------------------------------------------

  ledger_line& add_line(timestamp t, ledger_kind kind) {
    ledger_line& line = ledger.emplace_back();
    line.seq = ledger_discarded + ledger.size();
    line.time = t;
    line.kind = kind;
    return line;
  }

  // Releases every tranche due by `t` (all of them at close, at `t` when scheduled later), in
  // time order across funds (then fund order), each expiring what is available first where asked.
  void release_due(timestamp t, bool everything) {
    if (!everything && next_release_known && (!next_release_at || t < *next_release_at)) return;
    release_all_due(t, everything);
    next_release_known = true;
    next_release_at.reset();
    for (std::size_t f = 0; f < funds.size(); ++f) {
      const auto& schedule = rules.funds()[f].releases;
      if (funds[f].next_release < schedule.size() &&
          (!next_release_at || schedule[funds[f].next_release].at < *next_release_at)) {
        next_release_at = schedule[funds[f].next_release].at;
      }
    }
  }
  std::optional<timestamp> next_release_at;  // the earliest tranche not released yet
  bool next_release_known = false;

  void release_all_due(timestamp t, bool everything) {
    struct due {
      timestamp scheduled;
      std::size_t fund;
    };
    std::vector<due> releases;
    for (std::size_t f = 0; f < funds.size(); ++f) {
      const auto& schedule = rules.funds()[f].releases;
      for (std::size_t k = funds[f].next_release; k < schedule.size() && (everything || schedule[k].at <= t); ++k) {
        releases.push_back({schedule[k].at, f});
      }
    }
    if (releases.empty()) return;
    // By scheduled time, then fund, also at the close where every pending tranche happens at t:
    // the expiry lines before them come in that order (docs/semantics.md, "At the close").
    std::stable_sort(releases.begin(), releases.end(),
                     [](const due& a, const due& b) { return a.scheduled < b.scheduled; });
    for (const auto& release : releases) {
      const fund_spec& spec = rules.funds()[release.fund];
      fund_state& fund = funds[release.fund];
      if (spec.expire_unused && fund.next_release > 0) expire(release.fund, std::min(release.scheduled, t));
      fund.totals.released += spec.releases[fund.next_release].amount;
      ++fund.next_release;
    }
  }

  void expire(std::size_t f, timestamp at) {
    fund_state& fund = funds[f];
    const money available = fund.totals.available();
    if (available <= money{}) return;
    fund.totals.expired += available;
    ledger_line& line = add_line(at, ledger_kind::expiry);
    line.fund = index_at<fund_index>(f);
    line.amount = available;
  }

  [[nodiscard]] bool release_pending(std::size_t f) const {
    return funds[f].next_release < rules.funds()[f].releases.size();
  }

  // ---- donors and scopes -------------------------------------------------------------------

  static std::string_view event_id_at(const void* owner, std::uint32_t at) {
    const state& s = *static_cast<const state*>(owner);
    return (at & other_event) != 0 ? s.other_event_ids[at & ~other_event] : detail::string_arena::counted(s.donations[at].id);
  }
  static std::string_view donor_id_at(const void* owner, std::uint32_t at) {
    return static_cast<const state*>(owner)->donor_name(at);
  }

  [[nodiscard]] std::string_view id_of(const donation_record& donation) const noexcept {
    return detail::string_arena::counted(donation.id);
  }
  [[nodiscard]] std::string_view donor_name(std::uint32_t donor) const noexcept {
    const donor_record& record = donors[donor];
    const auto size = static_cast<unsigned char>(record.id_bytes[15]);
    if (size <= 15) return {record.id_bytes.data(), size};
    const char* stored = nullptr;
    std::memcpy(&stored, record.id_bytes.data(), sizeof stored);
    return detail::string_arena::counted(stored);
  }
  [[nodiscard]] money refunded_of(std::uint32_t donation) const {
    const auto found = refunded_amounts.find(donation);
    return found == refunded_amounts.end() ? money{} : found->second;
  }
  // What refunds and revocations reversed of a match line so far.
  [[nodiscard]] money reversed_of(std::uint32_t line) const {
    if (reversed_amounts.empty()) return {};
    const auto found = reversed_amounts.find(line);
    return found == reversed_amounts.end() ? money{} : found->second;
  }
  // A donation's match lines and charges, as [first, first + count) ranges (empty without payment).
  struct index_range {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };
  [[nodiscard]] index_range lines_of(const donation_record& donation) const noexcept {
    if (donation.payment == no_payment) return {};
    const payment_record& payment = payments[donation.payment];
    return {payment.first_line, payment.line_count};
  }
  [[nodiscard]] index_range charges_of(const donation_record& donation) const noexcept {
    if (donation.payment == no_payment) return {};
    const payment_record& payment = payments[donation.payment];
    return {payment.first_charge, payment.charge_count};
  }
  // The donations a donor's (a project's) chain of payments names, in processing order.
  template <class Previous>
  std::vector<std::uint32_t> donations_paid_from(std::uint32_t last, Previous previous) const {
    std::vector<std::uint32_t> found;
    for (std::uint32_t k = last; k != no_payment; k = payments[k].*previous) found.push_back(payments[k].donation);
    std::reverse(found.begin(), found.end());
    return found;
  }

  // The donation an event id names, if it names one.
  [[nodiscard]] std::optional<std::uint32_t> donation_named(std::string_view id) {
    index_donations();
    const auto found = event_ids.find(id);
    if (!found || (*found & other_event) != 0) return std::nullopt;
    return found;
  }

  std::uint32_t intern_donor(std::string_view id) {
    if (const auto found = donor_ids.find(id)) return *found;
    const std::uint32_t donor = engine_detail::checked_u32(donors.size(), "donors");
    donor_record& record = donors.emplace_back();
    if (id.size() <= 15) {
      std::memcpy(record.id_bytes.data(), id.data(), id.size());
      record.id_bytes[15] = static_cast<char>(id.size());
    } else {
      const char* stored = ids.store_counted(id);
      std::memcpy(record.id_bytes.data(), &stored, sizeof stored);
      record.id_bytes[15] = static_cast<char>(0xFF);
    }
    if (const auto listed = rules.find_donor(id)) record.spec = static_cast<std::uint32_t>(position(*listed));
    donor_ids.insert(id, donor);
    return donor;
  }

  // Adds the ids of the donations processed since the last call to event_ids. Donations are
  // indexed lazily, when an id is looked up: a host that vouches for its ids being new
  // (engine::process_unchecked_new_id) then never pays the random access into a table of every id for
  // each donation, unless refunds or revocations need the table.
  void index_donations() {
    const std::size_t pending = donations.size() - donations_indexed;
    if (pending == 0) return;
    event_ids.reserve(event_ids.size() + pending);
    constexpr std::uint32_t ahead = 8;
    const auto end = static_cast<std::uint32_t>(donations.size());
    for (std::uint32_t d = donations_indexed; d < end; ++d) {
      if (d + ahead < end) (void)event_ids.prefetch(id_of(donations[d + ahead]));
      event_ids.insert(id_of(donations[d]), d);
    }
    donations_indexed = end;
  }
  std::uint32_t donations_indexed = 0;  // donations[0, donations_indexed) are in event_ids

  // Records the id of a processed event that is not a donation; returns the kept id.
  std::string_view remember_event(std::string_view id) {
    if (other_event_ids.size() >= other_event) throw error("more than 2,147,483,648 refunds and revocations in one run");
    const std::string_view kept = ids.store(id);
    event_ids.insert(kept, other_event | static_cast<std::uint32_t>(other_event_ids.size()));
    other_event_ids.push_back(kept);
    return kept;
  }

  // Per cap: the index of the period the campaign starts in (cap_period::index_of); cap keys
  // count periods from it.
  std::vector<std::int64_t> period_base;
  [[nodiscard]] std::int32_t period_of(std::uint32_t cap_position, timestamp t) const noexcept {
    const cap_spec& cap = rules.caps()[cap_position];
    return static_cast<std::int32_t>(cap.period.index_of(t, rules.campaign().timezone) - period_base[cap_position]);
  }

  // The counter of a cap key, created at 0 when it was never charged.
  std::uint32_t counter_for(const cap_key& key) {
    if (const auto found = counter_of.find(key)) return *found;
    const std::uint32_t counter = engine_detail::checked_u32(counters.size(), "cap counters");
    counter_of.insert(key, counter);
    counters.push_back(0);
    counter_caps.push_back(key.cap);
    return counter;
  }

  // The counter of a cap key, or no_counter when it was never charged.
  [[nodiscard]] std::uint32_t counter_if_any(const cap_key& key) const {
    return counter_of.find(key).value_or(no_counter);
  }

  [[nodiscard]] std::int64_t charged_to(const cap_key& key) const {
    const auto found = counter_of.find(key);
    return found ? counters[*found] : 0;
  }

  [[nodiscard]] const donor_spec* donor_of(std::uint32_t donor) const {
    const std::uint32_t spec = donors[donor].spec;
    return spec == UINT32_MAX ? nullptr : &rules.donors()[spec];
  }

  // ---- field values --------------------------------------------------------------------------

  struct donation_context {
    const event* e = nullptr;
    std::uint32_t donor = 0;
    project_index project{};
    const project_totals* before = nullptr;  // the project's totals before this donation
    const std::vector<money>* paid_by_rule = nullptr;
  };

  [[nodiscard]] field_reading read_project_field(const field_ref& field, project_index p,
                                                 const project_totals& totals) const {
    const project_spec& project = rules.project(p);
    switch (field.kind) {
      case field_kind::project_id: return field_value{std::string_view(project.id)};
      case field_kind::project_organization:
        return field_value{std::string_view(rules.organizations()[position(project.organization)])};
      case field_kind::project_region:
        if (!project.region) return no_value{};
        return field_value{std::string_view(rules.regions()[position(*project.region)])};
      case field_kind::project_category:
        if (!project.category) return no_value{};
        return field_value{std::string_view(rules.categories()[position(*project.category)])};
      case field_kind::project_tags: return field_value{std::span<const std::string>(project.tags)};
      case field_kind::project_attribute: return attribute_reading(project.attributes, field.index);
      case field_kind::project_raised: return field_value{totals.raised};
      case field_kind::project_donors: return field_value{totals.donors};
      case field_kind::project_donations: return field_value{totals.donations};
      case field_kind::project_matched: return field_value{totals.matched};
      default: return no_value{};
    }
  }

  static field_reading attribute_reading(const attribute_values& values, std::uint32_t slot) {
    if (slot >= values.size() || !values[slot]) return no_value{};
    return detail::view_of(*values[slot]);
  }

  [[nodiscard]] field_reading read_fund_field(const field_ref& field) const {
    const fund_totals& totals = funds[field.index].totals;
    switch (field.kind) {
      case field_kind::fund_budget: return field_value{rules.funds()[field.index].budget};
      case field_kind::fund_drawn: return field_value{totals.drawn};
      default: return field_value{totals.available()};
    }
  }

  // Reads a field for a donation. Without an event (a rematch at the close) donation fields have
  // no value; sub-budget pots, the only fields a rematch reads, never name them.
  [[nodiscard]] field_reading read_field(const field_ref& field, const donation_context& context) const {
    const event* e = context.e;
    switch (field.kind) {
      case field_kind::donation_id:
      case field_kind::donation_amount:
      case field_kind::donation_channel:
      case field_kind::donation_local_date:
      case field_kind::donation_local_clock:
      case field_kind::donation_attribute:
        if (e == nullptr) return no_value{};
        break;
      default: break;
    }
    switch (field.kind) {
      case field_kind::donation_id: return field_value{std::string_view(e->id)};
      case field_kind::donation_amount: return field_value{*e->amount};
      case field_kind::donation_channel:
        if (e->channel.empty()) return no_value{};
        return field_value{std::string_view(e->channel)};
      case field_kind::donation_local_date: return field_value{local_day_of(e->time, rules.campaign().timezone)};
      case field_kind::donation_local_clock: return field_value{local_clock_of(e->time, rules.campaign().timezone)};
      case field_kind::donation_attribute: return attribute_reading(e->attributes, field.index);
      case field_kind::donor_id: return field_value{donor_name(context.donor)};
      case field_kind::donor_attribute: {
        const donor_spec* donor = donor_of(context.donor);
        if (donor == nullptr) return no_value{};
        return attribute_reading(donor->attributes, field.index);
      }
      case field_kind::fund_budget:
      case field_kind::fund_drawn:
      case field_kind::fund_available: return read_fund_field(field);
      case field_kind::rule_matched:
      case field_kind::rule_total: return field_value{(*context.paid_by_rule)[field.index]};
      default: return read_project_field(field, context.project, *context.before);
    }
  }

  bool holds(const condition& c, const donation_context& context) const {
    const auto result = evaluate(c, [&](const field_ref& field) { return read_field(field, context); });
    MATCHFUND_ASSERT(result.has_value(), "a required attribute was missing after the up-front check");
    return *result;
  }

  // The scope value of a cap per donor (donor, donor_project, donor_organization), for
  // scope_of() and engine::prefetch alike.
  static std::uint64_t donor_scope(cap_scope per, std::uint32_t donor, std::uint32_t project,
                                   std::uint32_t organization) noexcept {
    if (per == cap_scope::donor_project) return std::uint64_t{donor} << 32 | project;
    if (per == cap_scope::donor_organization) return std::uint64_t{donor} << 32 | organization;
    return donor;
  }

  // The dense scope value of a cap for this donation; nullopt when the scope value is missing.
  std::optional<std::uint64_t> scope_of(const cap_spec& cap, const donation_context& context,
                                        std::uint64_t donation_position) {
    const project_spec& project = rules.project(context.project);  // read for region and category only
    const auto project_position = static_cast<std::uint32_t>(position(context.project));
    const std::uint32_t organization = organization_of_project[project_position];
    switch (cap.per) {
      case cap_scope::donation: return donation_position;
      case cap_scope::donor:
      case cap_scope::donor_project:
      case cap_scope::donor_organization: return donor_scope(cap.per, context.donor, project_position, organization);
      case cap_scope::project: return position(context.project);
      case cap_scope::organization: return organization;
      case cap_scope::region:
        if (!project.region) return std::nullopt;
        return position(*project.region);
      case cap_scope::category:
        if (!project.category) return std::nullopt;
        return position(*project.category);
      case cap_scope::campaign: return 0;
      case cap_scope::field: {
        const field_reading reading = read_field(*cap.scope_field, context);
        const auto* value_read = std::get_if<field_value>(&reading);
        if (value_read == nullptr) return std::nullopt;
        write_scope_text(*value_read, scope_buffer);
        if (const auto found = scope_values.find(std::string_view(scope_buffer)); found != scope_values.end()) {
          return found->second;
        }
        const auto id = static_cast<std::uint32_t>(scope_values.size());
        scope_values.emplace(scope_buffer, id);
        return id;
      }
    }
    return std::nullopt;
  }

  // A scope value as a typed text ("i:42", "s:north"), so values of different types never meet.
  static void write_scope_text(const field_value& v, std::string& out) {
    const auto number = [&](char type, std::int64_t n) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
      out = type;
      out += ':';
      out.append(digits, end);
    };
    switch (v.index()) {
      case 0: out = std::get<bool>(v) ? "b:true" : "b:false"; return;
      case 1: number('i', std::get<std::int64_t>(v)); return;
      case 2: number('m', std::get<money>(v).minor_units()); return;
      case 3:
        out = "s:";
        out += std::get<std::string_view>(v);
        return;
      case 4: number('d', std::get<local_date>(v).days_since_epoch()); return;
      case 5: number('c', std::get<local_clock>(v).seconds_since_midnight()); return;
      default: out = "t:"; return;
    }
  }

  // A cap's limit for this donation: `max`, or the field `max_from` names (missing: 0).
  std::int64_t limit_of(const cap_spec& cap, const donation_context& context) const {
    if (cap.max) return *cap.max;
    const field_reading reading = read_field(*cap.max_from, context);
    const auto* value_read = std::get_if<field_value>(&reading);
    if (value_read == nullptr) return 0;
    if (const auto* amount = std::get_if<money>(value_read)) return amount->minor_units();
    if (const auto* count = std::get_if<std::int64_t>(value_read)) return *count;
    return 0;
  }

  // The sub-budget entity of a fund for this donation; nullopt for a fund without sub-budgets.
  std::optional<std::uint64_t> pot_of(const fund_spec& fund, const donation_context& context) const {
    if (!fund.sub_budgets) return std::nullopt;
    switch (fund.sub_budgets->per) {
      case sub_budget_scope::project: return position(context.project);
      case sub_budget_scope::organization: return organization_of_project[position(context.project)];
      case sub_budget_scope::donor: return context.donor;
    }
    return std::nullopt;
  }

  // What a pot still allows: its amount (a field; missing: 0) minus what the entity has used.
  money pot_remaining(std::size_t f, std::uint64_t pot, const donation_context& context) const {
    const fund_spec& spec = rules.funds()[f];
    const field_reading reading = read_field(spec.sub_budgets->amount_from, context);
    money size;
    if (const auto* value_read = std::get_if<field_value>(&reading)) {
      if (const auto* amount = std::get_if<money>(value_read)) size = *amount;
    }
    const auto used = funds[f].pot_used.find(pot);
    const money left = size - (used == funds[f].pot_used.end() ? money{} : used->second);
    return max(left, money{});
  }

  // ---- the donation --------------------------------------------------------------------------

  // engine::process(); `check_id` false when the host vouches that no earlier event had e.id.
  event_result process(const event& e, bool check_id);

  // ---- one donation, in the steps of SPEC §5.2 (process_donation.cpp) ------------------------
  // The steps are defined in process_donation.cpp and used only there, forced inline: as calls,
  // the engine ran measurably slower than with one long function (bench/RESULTS.md).
  struct donation_run;
  struct rule_run;
  event_result process_donation(const event& e);
#define MATCHFUND_STEP [[gnu::always_inline]] inline
  MATCHFUND_STEP donation_record& record_donation(donation_run& d);
  void record_payment(donation_record& donation, const donation_run& d, std::size_t first_line,
                      std::size_t first_charge);
  MATCHFUND_STEP void evaluate_rule(std::size_t r, donation_run& d);
  MATCHFUND_STEP std::optional<outcome> outcome_before_the_formula(const rule_run& run, const donation_run& d);
  MATCHFUND_STEP void clip_base(rule_run& run, const donation_run& d);
  MATCHFUND_STEP bool apply_formula(rule_run& run, const donation_run& d);
  MATCHFUND_STEP const applied_cap* cap_with_nothing_left() const;
  MATCHFUND_STEP void clip_by_match_caps(rule_run& run) const;
  MATCHFUND_STEP std::optional<outcome> outcome_of_sources(const rule_spec& rule, const donation_context& context) const;
  MATCHFUND_STEP void draw_from_sources(rule_run& run, const donation_context& context);
  MATCHFUND_STEP void decide_partial(rule_run& run);
  MATCHFUND_STEP void commit_draws(const rule_run& run, const donation_run& d);
  MATCHFUND_STEP money charge_caps(const rule_run& run);
  void stop_before_drawing(rule_run& run, const donation_run& d);
  MATCHFUND_STEP void keep_for_rematch(const rule_run& run, const donation_run& d, money paid_now, money base_used_now);
  MATCHFUND_STEP void explain_caps(rule_run& run, bool after_charging, money paid_now, money base_charged);
#undef MATCHFUND_STEP

  // ---- refunds, revocations, the close (engine.cpp) ------------------------------------------
  void reverse_line(const donation_record& donation, std::uint32_t line, money amount, refund_disposition disposition,
                    timestamp t, std::string_view event_id);
  void reverse_payment(std::uint32_t donation, rule_index rule, bool in_full,
                       std::optional<refund_disposition> disposition, timestamp t, std::string_view event_id);
  void reverse_donation(std::uint32_t donation, bool in_full, std::optional<refund_disposition> disposition,
                        timestamp t, std::string_view event_id, const std::vector<bool>* only_rules);
  event_result process_refund(const event& e);
  event_result process_revoke(const event& e);
  void close(timestamp t);
  [[nodiscard]] bool fails_settlement(rule_index rule, project_index project) const {
    const auto& verdicts = settles[position(rule)];
    return !verdicts.empty() && !verdicts[position(project)];
  }

  // ---- close-out (closeout.cpp) ----------------------------------------------------------------

  struct step_purse;
  void run_closeout(timestamp t);
  step_purse open_purse(const closeout_spec& step);
  void pay_out(step_purse& purse, closeout_index step, project_index p, money amount, timestamp t,
               std::string_view donation_id, std::string_view donor);
  void close_purse(step_purse& purse);
  [[nodiscard]] bool eligible_at_close(const condition& c, project_index p) const;
  [[nodiscard]] std::optional<money> step_cap(const closeout_spec& step, money budget) const;
  std::vector<money> closeout_amounts(const closeout_spec& step, std::span<const project_index> receivers,
                                     money budget);
  static std::vector<money> scale_when_short(std::vector<money> amounts, money budget, const std::optional<money>& cap);
  std::vector<money> fixed_amounts(const closeout_spec& step, std::span<const project_index> receivers);
  std::vector<money> challenge_amounts(const closeout_spec& step, std::span<const project_index> receivers);
  [[nodiscard]] std::vector<money> net_paid_by_project(rule_index rule) const;
  std::vector<money> quadratic_amounts(const closeout_spec& step, std::span<const project_index> receivers,
                                       money budget, const std::optional<money>& cap);
  void run_rematch(const closeout_spec& step, closeout_index index, timestamp t);
  struct rematch_aim;
  [[nodiscard]] bool may_rematch(const rematch_candidate& candidate, const closeout_spec& step) const;
  [[nodiscard]] std::span<const rematch_cap> caps_of(const rematch_candidate& candidate) const;
  [[nodiscard]] std::optional<rematch_aim> rematch_aim_of(const rematch_candidate& candidate, const rule_spec& rule) const;
  money draw_for_rematch(const rematch_candidate& candidate, const rule_spec& rule, const step_purse* purse,
                         money allowed);
  void write_rematch_lines(const rematch_candidate& candidate, closeout_index index, timestamp t, step_purse& purse);
  void charge_rematch(rematch_candidate& candidate, const rematch_aim& aim, money got);
};

}  // namespace matchfund

#endif
