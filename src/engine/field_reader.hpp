// The values a condition, a cap's `max_from` or a sub-budget's `amount_from` reads (SPEC §5.1):
// of the donation, its donor, its project (what it is and its totals before this donation), the
// funds and the rules' payments so far. Internal.
#ifndef MATCHFUND_SRC_ENGINE_FIELD_READER_HPP
#define MATCHFUND_SRC_ENGINE_FIELD_READER_HPP

#include <span>
#include <string_view>
#include <vector>

#include "engine/day_ranking.hpp"
#include "engine/fund_book.hpp"
#include "engine/id_registry.hpp"
#include "matchfund/assert.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/evaluate_condition.hpp"

namespace matchfund::engine_detail {

// What a donation's fields are read from. Without an event (a rematch at the close) donation
// fields have no value; sub-budget pots, the only fields a rematch reads, never name them.
struct donation_context {
  const event* e = nullptr;
  std::uint32_t donor = 0;
  project_index project{};
  const project_totals* before = nullptr;  // the project's totals before this donation
  const std::vector<money>* paid_by_rule = nullptr;
  // The opening (day_ranking) of the rule's window the donation is in, for day ranks.
  std::uint32_t rank_opening = 0;
};

class field_reader {
 public:
  // All three must outlive the reader.
  field_reader(const rule_set& rules, const fund_book& funds, const id_registry& ids)
      : rules_(rules), funds_(funds), ids_(ids) {}
  // The day ranks the rank fields read (it must outlive the reader).
  void attach(const day_ranking& ranking) noexcept { ranking_ = &ranking; }

  [[nodiscard]] field_reading read_project_field(const field_ref& field, project_index p,
                                                 const project_totals& totals) const {
    const project_spec& project = rules_.project(p);
    switch (field.kind) {
      case field_kind::project_id: return field_value{std::string_view(project.id)};
      case field_kind::project_organization:
        return field_value{std::string_view(rules_.organizations()[position(project.organization)])};
      case field_kind::project_region:
        if (!project.region) return no_value{};
        return field_value{std::string_view(rules_.regions()[position(*project.region)])};
      case field_kind::project_category:
        if (!project.category) return no_value{};
        return field_value{std::string_view(rules_.categories()[position(*project.category)])};
      case field_kind::project_tags: return field_value{std::span<const std::string>(project.tags)};
      case field_kind::project_attribute: return attribute_reading(project.attributes, field.index);
      case field_kind::project_raised: return field_value{totals.raised};
      case field_kind::project_donors: return field_value{totals.donors};
      case field_kind::project_donations: return field_value{totals.donations};
      case field_kind::project_matched: return field_value{totals.matched};
      default: return no_value{};
    }
  }

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
      case field_kind::donation_local_date: return field_value{local_day_of(e->time, rules_.campaign().timezone)};
      case field_kind::donation_local_clock: return field_value{local_clock_of(e->time, rules_.campaign().timezone)};
      case field_kind::donation_attribute: return attribute_reading(e->attributes, field.index);
      case field_kind::donor_id: return field_value{ids_.donor_name(context.donor)};
      case field_kind::donor_attribute: {
        const donor_spec* donor = ids_.donor_spec_of(context.donor);
        if (donor == nullptr) return no_value{};
        return attribute_reading(donor->attributes, field.index);
      }
      case field_kind::fund_budget:
      case field_kind::fund_drawn:
      case field_kind::fund_available: return read_fund_field(field);
      case field_kind::rule_matched:
      case field_kind::rule_total: return field_value{(*context.paid_by_rule)[field.index]};
      case field_kind::project_day_rank: return field_value{ranking_->project_rank(context.rank_opening, context.project)};
      case field_kind::project_organization_day_rank:
        return field_value{ranking_->organization_rank(context.rank_opening, context.project)};
      default: return read_project_field(field, context.project, *context.before);
    }
  }

  // Whether a condition holds for the donation; its required attributes were checked up front.
  [[nodiscard]] bool holds(const condition& c, const donation_context& context) const {
    const auto result = evaluate(c, [&](const field_ref& field) { return read_field(field, context); });
    MATCHFUND_ASSERT(result.has_value(), "a required attribute was missing after the up-front check");
    return *result;
  }

  // A cap's limit for this donation: `max`, or the field `max_from` names (missing: 0).
  [[nodiscard]] std::int64_t limit_of(const cap_spec& cap, const donation_context& context) const {
    if (cap.max) return *cap.max;
    const field_reading reading = read_field(*cap.max_from, context);
    const auto* value_read = std::get_if<field_value>(&reading);
    if (value_read == nullptr) return 0;
    if (const auto* amount = std::get_if<money>(value_read)) return amount->minor_units();
    if (const auto* count = std::get_if<std::int64_t>(value_read)) return *count;
    return 0;
  }

  // An amount field (a sub-budget's `amount_from`); a missing value or another type is 0.
  [[nodiscard]] money amount_of(const field_ref& field, const donation_context& context) const {
    const field_reading reading = read_field(field, context);
    if (const auto* value_read = std::get_if<field_value>(&reading)) {
      if (const auto* amount = std::get_if<money>(value_read)) return *amount;
    }
    return money{};
  }

  // A ratio field (a rule's `ratio_from`); a missing value is 0.
  [[nodiscard]] ratio ratio_of(const field_ref& field, const donation_context& context) const {
    const field_reading reading = read_field(field, context);
    if (const auto* value_read = std::get_if<field_value>(&reading)) {
      if (const auto* recorded = std::get_if<ratio>(value_read)) return *recorded;
    }
    return ratio{};
  }

  // fund.ID.budget, .drawn or .available.
  [[nodiscard]] field_reading read_fund_field(const field_ref& field) const {
    const fund_totals& totals = funds_[field.index].totals;
    switch (field.kind) {
      case field_kind::fund_budget: return field_value{rules_.funds()[field.index].budget};
      case field_kind::fund_drawn: return field_value{totals.drawn};
      default: return field_value{totals.available()};
    }
  }

 private:
  static field_reading attribute_reading(const attribute_values& values, std::uint32_t slot) {
    if (slot >= values.size() || !values[slot]) return no_value{};
    return detail::view_of(*values[slot]);
  }

  const rule_set& rules_;
  const fund_book& funds_;
  const id_registry& ids_;
  const day_ranking* ranking_ = nullptr;
};

}  // namespace matchfund::engine_detail

#endif
