// The caps as the engine keeps them (SPEC §5.3, §6): one counter per (cap, scope value, period),
// created when first charged; the charges each rule made, so a refund gives back exactly what
// was charged; the periods counted from the campaign's start; the dense ids of `attr:` scopes.
// Internal.
#ifndef MATCHFUND_SRC_ENGINE_CAP_BOOK_HPP
#define MATCHFUND_SRC_ENGINE_CAP_BOOK_HPP

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/counter_table.hpp"
#include "engine/records.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/evaluate_condition.hpp"
#include "support/string_maps.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund::engine_detail {

class cap_book {
 public:
  static constexpr std::uint32_t no_counter = UINT32_MAX;

  // Cap keys keep the cap's number and the period (counted from the campaign's start) in 16
  // bits each (counter_table.hpp): a rule set beyond either is refused here (the loader refuses
  // it first, as cap_limit and period_limit; a rule set built without the loader may not).
  explicit cap_book(const rule_set& rules) : rules_(rules) {
    if (rules.caps().size() > std::size_t{cap_key::max_cap} + 1) {
      throw error("more than 65,536 caps in one rule set (" + std::to_string(rules.caps().size()) + ")");
    }
    const campaign_spec& campaign = rules.campaign();
    const timestamp last = timestamp::from_epoch_ms(campaign.end.epoch_ms() - 1);  // of the campaign
    for (const cap_spec& cap : rules.caps()) {
      period_base_.push_back(cap.period.index_of(campaign.start, campaign.timezone));
      if (campaign.start < campaign.end && cap.period.index_of(last, campaign.timezone) - period_base_.back() > cap_key::max_period) {
        throw error("cap " + cap.id + ": the campaign spans more than 32,768 of its periods");
      }
    }
  }

  // The period of cap `cap_position` that `t` is in, counted from the one the campaign starts in.
  [[nodiscard]] std::int32_t period_of(std::uint32_t cap_position, timestamp t) const noexcept {
    const cap_spec& cap = rules_.caps()[cap_position];
    return static_cast<std::int32_t>(cap.period.index_of(t, rules_.campaign().timezone) - period_base_[cap_position]);
  }

  // The scope value of a cap per donor (donor, donor_project, donor_organization), for the
  // engine's scope of a donation and its prefetch alike.
  static std::uint64_t donor_scope(cap_scope per, std::uint32_t donor, std::uint32_t project,
                                   std::uint32_t organization) noexcept {
    if (per == cap_scope::donor_project) return std::uint64_t{donor} << 32 | project;
    if (per == cap_scope::donor_organization) return std::uint64_t{donor} << 32 | organization;
    return donor;
  }

  // The dense scope value of an `attr:` scope's value; values of different types never meet.
  std::uint32_t scope_id(const field_value& value) {
    write_scope_text(value, scope_text_);
    if (const auto found = scope_ids_.find(std::string_view(scope_text_)); found != scope_ids_.end()) return found->second;
    const auto id = static_cast<std::uint32_t>(scope_ids_.size());
    scope_ids_.emplace(scope_text_, id);
    return id;
  }

  // The counter of a key, or no_counter when it was never charged.
  [[nodiscard]] std::uint32_t counter_if_any(const cap_key& key) const { return counter_of_.find(key).value_or(no_counter); }
  [[nodiscard]] std::int64_t used(std::uint32_t counter) const noexcept { return counters_[counter]; }
  // What a key's counter holds (0 when it was never charged).
  [[nodiscard]] std::int64_t charged_to(const cap_key& key) const {
    const auto found = counter_of_.find(key);
    return found ? counters_[*found] : 0;
  }
  void prefetch(const cap_key& key) const noexcept { counter_of_.prefetch(key); }

  // What one evaluation adds to a counter of each measure: what was paid, the base used, or 1
  // for a donation that was paid something.
  static std::int64_t amount_for(cap_measure measure, money paid, money base, bool counted) noexcept {
    switch (measure) {
      case cap_measure::match: return paid.minor_units();
      case cap_measure::donation: return base.minor_units();
      case cap_measure::count: return counted ? 1 : 0;
    }
    return 0;
  }

  // The position the next charge() takes: a rule's charges are [first, first + count).
  [[nodiscard]] std::uint32_t next_charge() const { return checked_u32(charges_.size(), "cap charges"); }

  // Charges `amount` to the counter of `key` (`counter`, or no_counter when it has none yet),
  // remembered for give_back().
  void charge(const cap_key& key, std::uint32_t counter, cap_measure measure, std::int64_t amount) {
    if (counter == no_counter) counter = counter_for(key);
    counters_[counter] += amount;
    charges_.push_back({counter, measure});
  }

  // Adds to a key's counter without remembering a charge (a rematch updates the charge it made).
  void adjust(const cap_key& key, std::int64_t amount) { counters_[counter_for(key)] += amount; }

  // Gives back, of the charges [first, first + count), what a reversal takes back of each measure.
  void give_back(std::uint32_t first, std::uint32_t count, money paid, money base, bool counted) {
    for (std::uint32_t k = first; k < first + count; ++k) {
      std::int64_t& counter = counters_[charges_[k].counter];
      counter -= amount_for(charges_[k].measure, paid, base, counted);
      MATCHFUND_ASSERT(counter >= 0, "a cap counter given back more than was charged to it");
    }
  }

  // The inverse of give_back: the charges [first, first + count) taken again (a quote's
  // rollback reopens the holds its time expired).
  void charge_again(std::uint32_t first, std::uint32_t count, money paid, money base, bool counted) {
    for (std::uint32_t k = first; k < first + count; ++k) {
      counters_[charges_[k].counter] += amount_for(charges_[k].measure, paid, base, counted);
    }
  }
  // Drops the charges from `kept` on (their counters are given back already).
  void truncate_charges(std::uint32_t kept) { charges_.truncate(kept); }

  // Every counter below 0 or above its cap's `max`, as "CAP counter at N", sorted.
  [[nodiscard]] std::vector<std::string> violations() const {
    std::vector<std::string> found;
    for (std::size_t k = 0; k < counters_.size(); ++k) {
      const cap_spec& cap = rules_.caps()[counter_caps_[k]];
      if (counters_[k] < 0 || (cap.max && counters_[k] > *cap.max)) found.push_back(cap.id + " counter at " + std::to_string(counters_[k]));
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  // Snapshots (snapshot_books.cpp): everything this part keeps, and back into a new one.
  void save(detail::binary_writer& out) const;
  void restore(detail::binary_reader& in);

 private:
  std::uint32_t counter_for(const cap_key& key) {
    if (const auto found = counter_of_.find(key)) return *found;
    const std::uint32_t counter = checked_u32(counters_.size(), "cap counters");
    counter_of_.insert(key, counter);
    counters_.push_back(0);
    counter_caps_.push_back(key.cap);
    return counter;
  }

  // A scope value as a typed text ("i:42", "s:north").
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
      case 6: number('r', std::get<ratio>(v).millionths()); return;
      default: out = "t:"; return;
    }
  }

  const rule_set& rules_;
  std::vector<std::int64_t> period_base_;  // per cap: the index of the period the campaign starts in
  detail::counter_table counter_of_;       // (cap, scope, period) -> counter
  table_vector<std::int64_t> counters_;
  table_vector<std::uint32_t> counter_caps_;  // the cap of each counter
  table_vector<counter_charge> charges_;      // every charge, rule by rule
  detail::string_map<std::uint32_t> scope_ids_;  // attr: scope values as typed text -> dense id
  std::string scope_text_;                       // buffer, kept to avoid allocating per donation
};

}  // namespace matchfund::engine_detail

#endif
