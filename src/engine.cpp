// The match engine. Per donation it follows SPEC §5.2 step by step; the comments name the step.
#include "matchfund/engine.hpp"

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <boost/container_hash/hash.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "matchfund/assert.hpp"
#include "matchfund/evaluate_condition.hpp"
#include "matchfund/random_draw.hpp"
#include "matchfund/rounding.hpp"
#include "huge_pages.hpp"
#include "string_arena.hpp"
#include "string_maps.hpp"

namespace matchfund {

namespace {

// One counter of one cap: the cap, the scope value (a dense id) and the period.
struct cap_key {
  std::uint32_t cap = 0;
  std::uint64_t scope = 0;
  std::int64_t period = 0;
  friend bool operator==(const cap_key&, const cap_key&) = default;
};

struct cap_key_hash {
  std::size_t operator()(const cap_key& key) const noexcept {
    std::uint64_t h = key.cap * 0x9E3779B97F4A7C15ULL;
    h ^= key.scope + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h ^= static_cast<std::uint64_t>(key.period) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

using detail::string_map;
using detail::string_set;

// The engine's tables grow with the events: they live on huge pages (see huge_pages.hpp).
template <class T>
using table_vector = std::vector<T, detail::huge_page_allocator<T>>;
template <class Key, class Value, class Hash = boost::hash<Key>>
using table_map = boost::unordered_flat_map<Key, Value, Hash, std::equal_to<Key>,
                                            detail::huge_page_allocator<std::pair<const Key, Value>>>;

// Maps keyed by views of strings kept in the engine's arena.
template <class Value>
using view_map = boost::unordered_flat_map<std::string_view, Value, detail::string_hash, detail::string_equal,
                                           detail::huge_page_allocator<std::pair<const std::string_view, Value>>>;

constexpr std::uint32_t no_donation = UINT32_MAX;  // an event id that is not a donation's; end of a list

// What one rule drew from one fund for one donation, and how much of it is reversed.
struct match_record {
  rule_index rule{};
  fund_index fund{};
  money amount;
  money reversed;
  std::uint64_t pot = 0;  // the sub-budget entity charged (fund with sub-budgets)
  bool has_pot = false;
};

// One cap counter charged by a rule for a donation: what a refund gives back to.
struct counter_charge {
  std::uint32_t counter = 0;
  cap_measure measure = cap_measure::match;
};

// What one rule charged to caps for one donation, so refunds can give it back. Kept only when
// the rule charged some counter; its counters are charged[first_counter, +counter_count).
struct rule_charge {
  rule_index rule{};
  std::uint32_t counter_count = 0;
  std::uint64_t first_counter = 0;
  money base_used;           // donation caps
  money base_given_back;
  bool counted = false;      // count caps charged 1
  bool count_given_back = false;
};

// A donation as refunds, revocations and settlement need it. Its match lines are
// lines[first_line, +line_count), its charges charges[first_charge, +charge_count); the
// donations of one donor (one project) are chained in processing order.
struct donation_record {
  std::string_view id;  // in the engine's arena
  std::uint32_t donor = 0;
  project_index project{};
  money amount;
  money refunded;
  std::uint64_t first_line = 0;
  std::uint64_t first_charge = 0;
  std::uint32_t line_count = 0;
  std::uint32_t charge_count = 0;
  std::uint32_t next_of_donor = no_donation;
  std::uint32_t next_of_project = no_donation;
};

// The first and last donation of a donor or a project, for walking its chain.
struct donation_chain {
  std::uint32_t first = no_donation;
  std::uint32_t last = no_donation;
};

struct fund_state {
  fund_totals totals;
  std::size_t next_release = 0;
  boost::unordered_flat_map<std::uint64_t, money> pot_used;  // sub-budget entity -> drawn - returned
};

// The attribute leaves without default of a condition: values every donation must have.
void collect_required(const condition& c, std::vector<field_ref>& out) {
  for (const auto& child : c.children) collect_required(child, out);
  if (c.type == condition::kind::leaf && is_attribute(c.leaf.field.kind) && !c.leaf.fallback) {
    if (std::find(out.begin(), out.end(), c.leaf.field) == out.end()) out.push_back(c.leaf.field);
  }
}

// Whether a condition reads only what a project is (id, organization, region, category, tags,
// attributes): not its totals, nor anything of the donation, donor or funds.
bool reads_project_only(const condition& c) {
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
std::uint32_t checked_u32(std::size_t value, const char* what) {
  if (value >= no_donation) throw error(std::string("more than 4,294,967,294 ") + what + " in one run");
  return static_cast<std::uint32_t>(value);
}

}  // namespace

struct engine::state {
  rule_set rules;
  std::vector<fund_state> funds;
  std::vector<project_totals> projects;
  std::vector<donation_chain> project_donations;
  table_vector<ledger_line> ledger;
  std::uint64_t ledger_discarded = 0;  // lines forgotten by discard_ledger()

  // Cap counters: (cap, scope, period) -> a dense counter, created when first charged.
  table_map<cap_key, std::uint32_t, cap_key_hash> counter_of;
  table_vector<std::int64_t> counters;
  table_vector<cap_key> counter_keys;

  detail::string_arena ids;                     // every id the engine keeps
  view_map<std::uint32_t> event_ids;            // id of each processed event -> donation, or no_donation
  view_map<std::uint32_t> donor_ids;            // donor id -> dense donor
  table_vector<std::string_view> donor_names;    // dense donor -> id
  table_vector<std::optional<donor_index>> donor_specs;  // dense donor -> listed donor
  table_vector<donation_chain> donor_donations;
  boost::unordered_flat_set<std::uint64_t, boost::hash<std::uint64_t>, std::equal_to<std::uint64_t>,
                            detail::huge_page_allocator<std::uint64_t>>
      project_donors;  // project << 32 | donor
  string_map<std::uint32_t> scope_values;       // attr:<field> cap scopes -> dense id
  table_vector<donation_record> donations;
  table_vector<match_record> lines;
  table_vector<rule_charge> charges;
  table_vector<counter_charge> charged;
  string_set revoked_donations, revoked_donors;
  boost::unordered_flat_set<std::uint32_t> revoked_projects;
  std::vector<field_ref> required_attributes;
  // Per rule: its eligibility per project when it reads only what projects are (decided once
  // here instead of per donation); empty when it must be evaluated per donation.
  std::vector<std::vector<bool>> eligible_by_project;
  std::optional<timestamp> last_time;
  bool is_closed = false;
  bool explaining = false;

  // Buffers of one donation, kept to avoid allocating per event.
  struct applied_cap {
    const cap_spec* spec;
    cap_key key;
    std::int64_t remaining;
  };
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
    funds.resize(rules.funds().size());
    projects.resize(rules.projects().size());
    project_donations.resize(rules.projects().size());
    evaluations.resize(rules.rules().size());
    paid_by_rule.resize(rules.rules().size());
    eligible_by_project.resize(rules.rules().size());
    for (std::size_t k = 0; k < rules.rules().size(); ++k) {
      const condition& eligible = rules.rules()[k].eligible;
      if (!reads_project_only(eligible)) continue;
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
    for (const auto& rule : rules.rules()) {
      collect_required(rule.eligible, required_attributes);
      const auto tiers_of = [&](const tiered_ratio_formula& tiers) {
        for (const auto& tier : tiers.tiers) {
          if (tier.when) collect_required(*tier.when, required_attributes);
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
    struct due {
      timestamp at;
      std::size_t fund;
    };
    std::vector<due> releases;
    for (std::size_t f = 0; f < funds.size(); ++f) {
      const auto& schedule = rules.funds()[f].releases;
      for (std::size_t k = funds[f].next_release; k < schedule.size() && (everything || schedule[k].at <= t); ++k) {
        releases.push_back({std::min(schedule[k].at, t), f});
      }
    }
    if (releases.empty()) return;
    std::stable_sort(releases.begin(), releases.end(), [](const due& a, const due& b) { return a.at < b.at; });
    for (const auto& release : releases) {
      const fund_spec& spec = rules.funds()[release.fund];
      fund_state& fund = funds[release.fund];
      if (spec.expire_unused && fund.next_release > 0) expire(release.fund, release.at);
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

  std::uint32_t intern_donor(std::string_view id) {
    if (const auto found = donor_ids.find(id); found != donor_ids.end()) return found->second;
    const std::uint32_t donor = checked_u32(donor_names.size(), "donors");
    const std::string_view kept = ids.store(id);
    donor_ids.emplace(kept, donor);
    donor_names.push_back(kept);
    donor_specs.push_back(rules.find_donor(id));
    donor_donations.emplace_back();
    return donor;
  }

  // Records a processed event's id (a donation's with its position); returns the kept id.
  std::string_view remember_event(std::string_view id, std::uint32_t donation) {
    const std::string_view kept = ids.store(id);
    event_ids.emplace(kept, donation);
    return kept;
  }

  // The counter of a cap key, created at 0 when it was never charged.
  std::uint32_t counter_for(const cap_key& key) {
    const auto [found, inserted] = counter_of.try_emplace(key, static_cast<std::uint32_t>(counters.size()));
    if (inserted) {
      checked_u32(counters.size(), "cap counters");
      counters.push_back(0);
      counter_keys.push_back(key);
    }
    return found->second;
  }

  [[nodiscard]] std::int64_t charged_to(const cap_key& key) const {
    const auto found = counter_of.find(key);
    return found == counter_of.end() ? 0 : counters[found->second];
  }

  [[nodiscard]] const donor_spec* donor_of(std::uint32_t donor) const {
    const auto& spec = donor_specs[donor];
    return spec ? &rules.donors()[position(*spec)] : nullptr;
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

  [[nodiscard]] field_reading read_field(const field_ref& field, const donation_context& context) const {
    const event& e = *context.e;
    switch (field.kind) {
      case field_kind::donation_id: return field_value{std::string_view(e.id)};
      case field_kind::donation_amount: return field_value{*e.amount};
      case field_kind::donation_channel:
        if (e.channel.empty()) return no_value{};
        return field_value{std::string_view(e.channel)};
      case field_kind::donation_local_date: return field_value{local_day_of(e.time, rules.campaign().timezone)};
      case field_kind::donation_local_clock: return field_value{local_clock_of(e.time, rules.campaign().timezone)};
      case field_kind::donation_attribute: return attribute_reading(e.attributes, field.index);
      case field_kind::donor_id: return field_value{std::string_view(donor_names[context.donor])};
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

  // The dense scope value of a cap for this donation; nullopt when the scope value is missing.
  std::optional<std::uint64_t> scope_of(const cap_spec& cap, const donation_context& context,
                                        std::uint64_t donation_position) {
    const project_spec& project = rules.project(context.project);
    const auto pair = [](std::uint64_t high, std::uint64_t low) { return high << 32 | low; };
    switch (cap.per) {
      case cap_scope::donation: return donation_position;
      case cap_scope::donor: return context.donor;
      case cap_scope::project: return position(context.project);
      case cap_scope::organization: return position(project.organization);
      case cap_scope::region:
        if (!project.region) return std::nullopt;
        return position(*project.region);
      case cap_scope::category:
        if (!project.category) return std::nullopt;
        return position(*project.category);
      case cap_scope::donor_project: return pair(context.donor, position(context.project));
      case cap_scope::donor_organization: return pair(context.donor, position(project.organization));
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
      case sub_budget_scope::organization: return position(rules.project(context.project).organization);
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

  event_result process_donation(const event& e);
  void reverse_line(donation_record& donation, match_record& line, money amount, refund_disposition disposition,
                    timestamp t, std::string_view event_id);
  void reverse_all(donation_record& donation, std::optional<refund_disposition> disposition, timestamp t,
                   std::string_view event_id);
  void give_back_caps(donation_record& donation, rule_index rule, money reversal);
  event_result process_refund(const event& e);
  event_result process_revoke(const event& e);
  void close(timestamp t);
};

namespace {

money ratio_result(money base, ratio r, rounding mode) { return round_product(base, r, mode); }

}  // namespace

engine::event_result engine::state::process_donation(const event& e) {
  event_result result;
  const std::uint32_t donor = intern_donor(e.donor);
  const project_index project = *e.project;
  const project_totals before = projects[position(project)];
  std::fill(paid_by_rule.begin(), paid_by_rule.end(), money{});
  donation_context context{&e, donor, project, &before, &paid_by_rule};

  // SPEC §3.3: every attribute a condition needs without default, before anything happens.
  for (const auto& field : required_attributes) {
    if (std::holds_alternative<no_value>(read_field(field, context))) {
      result.rejected = "missing_attribute:" + field.name;
      return result;
    }
  }

  const std::uint32_t donation_position = checked_u32(donations.size(), "donations");
  donation_record& donation = donations.emplace_back();
  donation.id = remember_event(e.id, donation_position);
  donation.donor = donor;
  donation.project = project;
  donation.amount = *e.amount;
  donation.first_line = lines.size();
  donation.first_charge = charges.size();
  const auto chain = [&](donation_chain& c, auto next_of) {
    if (c.last == no_donation) {
      c.first = donation_position;
    } else {
      donations[c.last].*next_of = donation_position;
    }
    c.last = donation_position;
  };
  chain(donor_donations[donor], &donation_record::next_of_donor);
  chain(project_donations[position(project)], &donation_record::next_of_project);

  const campaign_spec& campaign = rules.campaign();
  const bool revoked = (!revoked_donations.empty() && revoked_donations.contains(e.id)) ||
                       (!revoked_donors.empty() && revoked_donors.contains(e.donor)) ||
                       revoked_projects.contains(static_cast<std::uint32_t>(position(project)));
  const bool outside = is_closed || e.time < campaign.start || e.time >= campaign.end;
  bool excluded = false;

  for (std::size_t r = 0; r < rules.rules().size(); ++r) {
    const rule_spec& rule = rules.rules()[r];
    rule_evaluation& evaluation = evaluations[r];
    evaluation.rule = index_at<rule_index>(r);
    evaluation.code = outcome::matched;
    evaluation.limit = {};
    evaluation.want = evaluation.paid = evaluation.full = money{};
    evaluation.caps.clear();
    evaluation.draws.clear();
    const auto decide = [&](outcome code) { evaluation.code = code; };
    if (revoked) { decide(outcome::revoked); continue; }
    if (outside) { decide(outcome::outside_campaign); continue; }
    if (excluded) { decide(outcome::excluded); continue; }
    if (!rule.windows.empty()) {
      const std::int64_t ms_of_day = local_millisecond_of_day(e.time, campaign.timezone);
      const bool inside = std::any_of(rule.windows.begin(), rule.windows.end(), [&](const window_spec& w) {
        return e.time >= w.from && e.time < w.to && (!w.daily || w.daily->contains_millisecond(ms_of_day));
      });
      if (!inside) { decide(outcome::outside_window); continue; }
    }
    const bool eligible = eligible_by_project[r].empty() ? holds(rule.eligible, context)
                                                         : eligible_by_project[r][position(project)];
    if (!eligible) { decide(outcome::not_eligible); continue; }
    if (rule.min_donation && *e.amount < *rule.min_donation) { decide(outcome::below_minimum); continue; }
    const std::int64_t seed = campaign.seed.value_or(0);
    if (rule.chance) {
      const auto drawn = uniform_draw(seed, rule.id, e.id, draw_for_probability, probability::denominator);
      if (!rule.chance->is_drawn(drawn)) { decide(outcome::not_drawn); continue; }
    }

    // Step 1: the base, clipped by donation caps (the rule's own, then shared).
    const money base0 = rule.matchable_max ? min(*e.amount, *rule.matchable_max) : *e.amount;
    money base = base0;
    applied.clear();
    const auto collect = [&](std::span<const cap_index> indices) {
      for (cap_index c : indices) {
        const cap_spec& cap = rules.cap(c);
        const auto scope = scope_of(cap, context, donation_position);
        if (!scope) continue;  // the scope value is missing: not limited by this cap
        const cap_key key{static_cast<std::uint32_t>(position(c)), *scope, cap.period.index_of(e.time, campaign.timezone)};
        applied.push_back({&cap, key, std::max<std::int64_t>(0, limit_of(cap, context) - charged_to(key))});
      }
    };
    collect(rule.own_caps);
    collect(rule.shared_caps);
    const applied_cap* base_limit = nullptr;
    for (const auto& cap : applied) {
      if (cap.spec->measure != cap_measure::donation) continue;
      if (cap.remaining < base.minor_units()) {
        base = money::from_minor(cap.remaining);
        if (base_limit == nullptr) base_limit = &cap;
      }
    }

    // Step 2: the formula gives want (from base) and full (from base0).
    money want, full;
    bool tier_found = true;
    const auto pick_tier = [&](const tiered_ratio_formula& tiers) -> std::optional<ratio> {
      for (const auto& tier : tiers.tiers) {
        if (!tier.when || holds(*tier.when, context)) return tier.value;
      }
      return std::nullopt;
    };
    std::visit(
        [&](const auto& f) {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, fixed_ratio_formula>) {
            want = ratio_result(base, f.value, rule.round);
            full = ratio_result(base0, f.value, rule.round);
          } else if constexpr (std::is_same_v<F, random_ratio_formula>) {
            const auto k = uniform_draw(seed, rule.id, e.id, draw_for_ratio, f.choices);
            const ratio chosen = ratio::from_millionths(f.min.millionths() +
                                                        static_cast<std::int64_t>(k) * f.step.millionths());
            want = ratio_result(base, chosen, rule.round);
            full = ratio_result(base0, chosen, rule.round);
          } else if constexpr (std::is_same_v<F, tiered_ratio_formula>) {
            const auto chosen = pick_tier(f);
            if (!chosen) {
              tier_found = false;
              return;
            }
            want = ratio_result(base, *chosen, rule.round);
            full = ratio_result(base0, *chosen, rule.round);
          } else if constexpr (std::is_same_v<F, fixed_amount_formula>) {
            want = full = f.value;
          } else if constexpr (std::is_same_v<F, random_amount_formula>) {
            const auto span = static_cast<std::uint64_t>((f.max - f.min).minor_units()) + 1;
            const auto k = uniform_draw(seed, rule.id, e.id, draw_for_amount, span);
            want = full = f.min + money::from_minor(static_cast<std::int64_t>(k));
          } else {
            const money earlier = paid_by_rule[position(f.rule)];
            std::optional<ratio> chosen;
            if (const auto* scale = std::get_if<ratio>(&f.scale)) {
              chosen = *scale;
            } else {
              chosen = pick_tier(std::get<tiered_ratio_formula>(f.scale));
            }
            if (!chosen) {
              tier_found = false;
              return;
            }
            want = full = ratio_result(earlier, *chosen, rule.round);
          }
        },
        rule.match);
    if (!tier_found) { decide(outcome::no_tier); continue; }
    if (full.is_zero()) { decide(outcome::no_match); continue; }
    evaluation.want = want;
    evaluation.full = full;
    const auto explain_caps = [&](bool after_charging, money paid_now, money base_charged) {
      if (!explaining) return;
      for (const auto& cap : applied) {
        std::int64_t used = 0;
        if (after_charging) {
          switch (cap.spec->measure) {
            case cap_measure::match: used = paid_now.minor_units(); break;
            case cap_measure::donation: used = base_charged.minor_units(); break;
            case cap_measure::count: used = paid_now > money{} ? 1 : 0; break;
          }
        }
        evaluation.caps.push_back({index_at<cap_index>(cap.key.cap), cap.remaining, cap.remaining - used});
      }
    };

    // Step 3: caps with nothing left, in order: donation caps, full count caps, match caps.
    const applied_cap* reached = nullptr;
    for (auto measure : {cap_measure::donation, cap_measure::count, cap_measure::match}) {
      for (const auto& cap : applied) {
        if (reached == nullptr && cap.spec->measure == measure && cap.remaining <= 0) reached = &cap;
      }
    }
    if (reached != nullptr) {
      evaluation.code = outcome::cap_reached;
      evaluation.limit = reached->spec->id;
      explain_caps(false, money{}, money{});
      continue;
    }
    money allowed = want;
    const applied_cap* match_limit = nullptr;
    for (const auto& cap : applied) {
      if (cap.spec->measure != cap_measure::match) continue;
      if (cap.remaining < allowed.minor_units()) {
        allowed = money::from_minor(cap.remaining);
        if (match_limit == nullptr) match_limit = &cap;
      }
    }

    // Not released / fund empty: judged over all sources before drawing.
    bool any_released = false;
    bool any_available = false;
    for (fund_index source : rule.sources) {
      const std::size_t f = position(source);
      if (funds[f].totals.released > money{}) any_released = true;
      money available = funds[f].totals.available();
      if (const auto pot = pot_of(rules.funds()[f], context)) available = min(available, pot_remaining(f, *pot, context));
      if (available > money{}) any_available = true;
    }
    if (!any_released) {
      decide(outcome::not_released);
      explain_caps(false, money{}, money{});
      continue;
    }
    if (!any_available) {
      decide(outcome::fund_empty);
      explain_caps(false, money{}, money{});
      continue;
    }

    // Step 4: draw from the sources in order.
    draws.clear();
    money paid;
    std::size_t last_tried = position(rule.sources.front());
    for (fund_index source : rule.sources) {
      if (paid >= allowed) break;
      const std::size_t f = position(source);
      last_tried = f;
      money give = min(allowed - paid, funds[f].totals.available());
      const auto pot = pot_of(rules.funds()[f], context);
      if (pot) give = min(give, pot_remaining(f, *pot, context));
      if (give <= money{}) continue;
      draws.push_back({f, give, pot});
      paid += give;
    }

    // Step 5: the limit of a partial match.
    if (paid < full) {
      evaluation.code = outcome::partial;
      if (base_limit != nullptr && want < full) {
        evaluation.limit = base_limit->spec->id;
      } else if (match_limit != nullptr) {
        evaluation.limit = match_limit->spec->id;
      } else {
        evaluation.limit = rules.funds()[last_tried].id;
      }
      if (rule.partial == partial_mode::skip) {
        draws.clear();
        paid = money{};
      }
    } else {
      evaluation.code = outcome::matched;
    }
    evaluation.paid = paid;

    // Step 6: commit the draws and charge the caps.
    for (const auto& d : draws) {
      fund_state& fund = funds[d.fund];
      fund.totals.drawn += d.amount;
      if (d.pot) fund.pot_used[*d.pot] += d.amount;
      ledger_line& line = add_line(e.time, ledger_kind::match);
      line.event_id = donation.id;
      line.donation_id = donation.id;
      line.donor = donor_names[donor];
      line.project = project;
      line.rule = evaluation.rule;
      line.fund = index_at<fund_index>(d.fund);
      line.amount = d.amount;
      line.limited_by = evaluation.code == outcome::partial ? evaluation.limit : std::string_view();
      lines.push_back({evaluation.rule, index_at<fund_index>(d.fund), d.amount, money{}, d.pot.value_or(0),
                       d.pot.has_value()});
      ++donation.line_count;
      if (!fund.totals.exhausted_at && fund.totals.available().is_zero() && !release_pending(d.fund)) {
        fund.totals.exhausted_at = e.time;
      }
    }
    rule_charge charge;
    charge.rule = evaluation.rule;
    charge.first_counter = charged.size();
    // Donation caps are charged by the base used: all of it when paid = want, else in proportion
    // (SPEC §5.2 step 6); a base clipped to a want of 0 is charged whole with clip (§11.4).
    if (want.is_zero()) {
      charge.base_used = rule.partial == partial_mode::clip ? base : money{};
    } else {
      charge.base_used = paid == want ? base : floor_fraction(base, paid.minor_units(), want.minor_units());
    }
    charge.counted = paid > money{};
    for (const auto& cap : applied) {
      std::int64_t amount = 0;
      switch (cap.spec->measure) {
        case cap_measure::match: amount = paid.minor_units(); break;
        case cap_measure::donation: amount = charge.base_used.minor_units(); break;
        case cap_measure::count: amount = charge.counted ? 1 : 0; break;
      }
      // A counter charged nothing gets nothing back either (SPEC §6), so it is not kept.
      if (amount == 0) continue;
      const std::uint32_t counter = counter_for(cap.key);
      counters[counter] += amount;
      charged.push_back({counter, cap.spec->measure});
      ++charge.counter_count;
    }
    explain_caps(true, paid, charge.base_used);
    if (explaining) {
      for (const auto& d : draws) evaluation.draws.emplace_back(index_at<fund_index>(d.fund), d.amount);
    }
    if (charge.counter_count > 0) {
      charges.push_back(charge);
      ++donation.charge_count;
    }
    paid_by_rule[r] = paid;
    if (rule.exclusive && paid > money{}) excluded = true;
  }

  // After all rules: the project's totals.
  project_totals& totals = projects[position(project)];
  totals.donations += 1;
  totals.raised += *e.amount;
  if (project_donors.insert(static_cast<std::uint64_t>(position(project)) << 32 | donor).second) totals.donors += 1;
  for (const money& paid : paid_by_rule) totals.matched += paid;
  result.evaluations = evaluations;
  return result;
}

void engine::state::reverse_line(donation_record& donation, match_record& line, money amount,
                                 refund_disposition disposition, timestamp t, std::string_view event_id) {
  if (amount <= money{}) return;
  line.reversed += amount;
  fund_state& fund = funds[position(line.fund)];
  if (disposition == refund_disposition::give_back) {
    fund.totals.returned += amount;
    if (line.has_pot) fund.pot_used[line.pot] -= amount;  // forfeits stay used
  } else {
    fund.totals.forfeited += amount;
  }
  projects[position(donation.project)].matched -= amount;
  ledger_line& ledger_entry = add_line(t, ledger_kind::reversal);
  ledger_entry.event_id = event_id;
  ledger_entry.donation_id = donation.id;
  ledger_entry.donor = donor_names[donation.donor];
  ledger_entry.project = donation.project;
  ledger_entry.rule = line.rule;
  ledger_entry.fund = line.fund;
  ledger_entry.amount = -amount;
  ledger_entry.disposition = disposition;
  give_back_caps(donation, line.rule, amount);
}

// Reverses what is left of every match line of a donation (revocation), in line order.
void engine::state::reverse_all(donation_record& donation, std::optional<refund_disposition> disposition, timestamp t,
                                std::string_view event_id) {
  for (std::uint64_t l = donation.first_line; l < donation.first_line + donation.line_count; ++l) {
    match_record& line = lines[l];
    reverse_line(donation, line, line.amount - line.reversed, disposition.value_or(rules.rule(line.rule).on_refund),
                 t, event_id);
  }
}

// Caps give back (SPEC §6, §11.9): match caps the reversal; donation caps in proportion to what
// is refunded, all of it once the rule's lines are fully reversed; count caps 1 then.
void engine::state::give_back_caps(donation_record& donation, rule_index rule, money reversal) {
  const auto first = charges.begin() + static_cast<std::ptrdiff_t>(donation.first_charge);
  const auto charge = std::find_if(first, first + donation.charge_count, [&](const rule_charge& c) { return c.rule == rule; });
  if (charge == first + donation.charge_count) return;
  bool fully_reversed = true;
  for (std::uint64_t l = donation.first_line; l < donation.first_line + donation.line_count; ++l) {
    if (lines[l].rule == rule && lines[l].reversed < lines[l].amount) fully_reversed = false;
  }
  const money base_target = fully_reversed
                                ? charge->base_used
                                : floor_fraction(charge->base_used, donation.refunded.minor_units(),
                                                 donation.amount.minor_units());
  const money base_back = max(base_target - charge->base_given_back, money{});
  charge->base_given_back += base_back;
  const bool count_back = fully_reversed && charge->counted && !charge->count_given_back;
  if (count_back) charge->count_given_back = true;
  for (std::uint64_t k = charge->first_counter; k < charge->first_counter + charge->counter_count; ++k) {
    std::int64_t amount = 0;
    switch (charged[k].measure) {
      case cap_measure::match: amount = reversal.minor_units(); break;
      case cap_measure::donation: amount = base_back.minor_units(); break;
      case cap_measure::count: amount = count_back ? 1 : 0; break;
    }
    counters[charged[k].counter] -= amount;
  }
}

engine::event_result engine::state::process_refund(const event& e) {
  event_result result;
  const auto found = event_ids.find(std::string_view(e.ref));
  if (found == event_ids.end() || found->second == no_donation) {
    result.rejected = "unknown_donation";
    return result;
  }
  donation_record& donation = donations[found->second];
  const money left = donation.amount - donation.refunded;
  const money amount = e.amount.value_or(left);
  if (amount > left || amount <= money{}) {
    result.rejected = "refund_exceeds";
    return result;
  }
  const std::string_view id = remember_event(e.id, no_donation);
  donation.refunded += amount;
  project_totals& totals = projects[position(donation.project)];
  totals.raised -= amount;
  totals.refunded += amount;
  for (std::uint64_t l = donation.first_line; l < donation.first_line + donation.line_count; ++l) {
    match_record& line = lines[l];
    const money target = floor_fraction(line.amount, donation.refunded.minor_units(), donation.amount.minor_units());
    const refund_disposition disposition = e.disposition.value_or(rules.rule(line.rule).on_refund);
    reverse_line(donation, line, target - line.reversed, disposition, e.time, id);
  }
  return result;
}

engine::event_result engine::state::process_revoke(const event& e) {
  const std::string_view id = remember_event(e.id, no_donation);
  // What is revoked stays revoked: later donations in scope are not matched either.
  switch (*e.scope) {
    case revoke_scope::donation: {
      revoked_donations.insert(e.ref);
      const auto found = event_ids.find(std::string_view(e.ref));
      if (found != event_ids.end() && found->second != no_donation) {
        reverse_all(donations[found->second], e.disposition, e.time, id);
      }
      break;
    }
    case revoke_scope::donor: {
      revoked_donors.insert(e.ref);
      const auto found = donor_ids.find(std::string_view(e.ref));
      if (found == donor_ids.end()) break;
      for (auto d = donor_donations[found->second].first; d != no_donation; d = donations[d].next_of_donor) {
        reverse_all(donations[d], e.disposition, e.time, id);
      }
      break;
    }
    case revoke_scope::project: {
      if (!e.project) break;
      revoked_projects.insert(static_cast<std::uint32_t>(position(*e.project)));
      for (auto d = project_donations[position(*e.project)].first; d != no_donation; d = donations[d].next_of_project) {
        reverse_all(donations[d], e.disposition, e.time, id);
      }
      break;
    }
  }
  return {};
}

void engine::state::close(timestamp t) {
  if (is_closed) return;
  // SPEC §11.1: what is available expires first, then pending tranches are released.
  for (std::size_t f = 0; f < funds.size(); ++f) {
    if (rules.funds()[f].expire_unused) expire(f, t);
  }
  release_due(t, true);
  // Settlement: every settle condition is decided on the state at close, then the lines of rules
  // whose project fails it are reversed with return, in processing order.
  std::vector<std::pair<std::size_t, std::uint64_t>> unsettled;  // (donation, line)
  for (std::size_t d = 0; d < donations.size(); ++d) {
    const donation_record& donation = donations[d];
    for (std::uint64_t l = donation.first_line; l < donation.first_line + donation.line_count; ++l) {
      const match_record& line = lines[l];
      const rule_spec& rule = rules.rule(line.rule);
      if (!rule.settle || line.reversed >= line.amount) continue;
      const auto settles = evaluate(*rule.settle, [&](const field_ref& field) -> field_reading {
        if (field.kind == field_kind::fund_budget || field.kind == field_kind::fund_drawn ||
            field.kind == field_kind::fund_available) {
          return read_fund_field(field);
        }
        return read_project_field(field, donation.project, projects[position(donation.project)]);
      });
      if (!settles.value_or(false)) unsettled.emplace_back(d, l);
    }
  }
  for (const auto& [d, l] : unsettled) {
    match_record& line = lines[l];
    reverse_line(donations[d], line, line.amount - line.reversed, refund_disposition::give_back, t, {});
  }
  is_closed = true;
}

// ---------------------------------------------------------------------------------------------

engine::engine(rule_set rules) : state_(std::make_unique<state>(std::move(rules))) {}
engine::~engine() = default;
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;

engine::event_result engine::process(const event& e) {
  state& s = *state_;
  if (s.last_time && e.time < *s.last_time) return {"out_of_order", {}};
  if (s.event_ids.contains(std::string_view(e.id))) return {"duplicate_id", {}};
  s.release_due(e.time, false);
  event_result result;
  switch (e.kind) {
    case event_kind::donation: result = s.process_donation(e); break;
    case event_kind::refund: result = s.process_refund(e); break;
    case event_kind::revoke: result = s.process_revoke(e); break;
    case event_kind::close:
      if (s.is_closed) return {"second_close", {}};
      s.remember_event(e.id, no_donation);
      s.close(e.time);
      break;
  }
  if (!result.rejected) s.last_time = e.time;
  return result;
}

void engine::finish() {
  state& s = *state_;
  if (s.is_closed) return;
  const timestamp end = s.last_time ? std::max(*s.last_time, s.rules.campaign().end) : s.rules.campaign().end;
  s.release_due(end, false);
  s.close(end);
}

void engine::explain(bool on) noexcept { state_->explaining = on; }

const rule_set& engine::rules() const noexcept { return state_->rules; }
std::span<const ledger_line> engine::ledger() const noexcept { return state_->ledger; }
void engine::discard_ledger() noexcept {
  state_->ledger_discarded += state_->ledger.size();
  state_->ledger.clear();
}
const fund_totals& engine::fund(fund_index index) const { return state_->funds.at(position(index)).totals; }
const project_totals& engine::project(project_index index) const { return state_->projects.at(position(index)); }
bool engine::closed() const noexcept { return state_->is_closed; }

std::vector<std::string> engine::cap_violations() const {
  std::vector<std::string> violations;
  for (std::size_t k = 0; k < state_->counters.size(); ++k) {
    const std::int64_t used = state_->counters[k];
    const cap_spec& cap = state_->rules.caps()[state_->counter_keys[k].cap];
    if (used < 0 || (cap.max && used > *cap.max)) {
      violations.push_back(cap.id + " counter at " + std::to_string(used));
    }
  }
  std::sort(violations.begin(), violations.end());
  return violations;
}

}  // namespace matchfund
