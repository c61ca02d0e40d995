// The engine's state (engine.hpp's pimpl), in parts each with its own file: the ledger
// (ledger_book.hpp), the funds (fund_book.hpp), the caps (cap_book.hpp), the donations
// (donation_book.hpp), the ids (id_registry.hpp), the values conditions read (field_reader.hpp),
// what the rules decide once (rule_plan.hpp), what revocations took out (revocations.hpp) and
// the holds (hold_book.hpp). Its methods are in engine.cpp (events, refunds, revocations, the
// close), process_donation.cpp (SPEC §5.2), holds.cpp (§12), closeout.cpp (§7) and
// invariants.cpp (§8). Internal.
#ifndef MATCHFUND_SRC_ENGINE_STATE_HPP
#define MATCHFUND_SRC_ENGINE_STATE_HPP

#include <boost/unordered/unordered_flat_map.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/cap_book.hpp"
#include "engine/donation_book.hpp"
#include "engine/donation_marks.hpp"
#include "engine/donation_times.hpp"
#include "engine/field_reader.hpp"
#include "engine/fund_book.hpp"
#include "engine/hold_book.hpp"
#include "engine/id_registry.hpp"
#include "engine/ledger_book.hpp"
#include "engine/records.hpp"
#include "engine/revocations.hpp"
#include "engine/rule_plan.hpp"
#include "matchfund/engine.hpp"

namespace matchfund::detail {
class binary_writer;
class binary_reader;
}  // namespace matchfund::detail

namespace matchfund {

struct engine::state {
  // The helper types, by their short names.
  using cap_key = engine_detail::cap_key;
  using match_record = engine_detail::match_record;
  using rule_charge = engine_detail::rule_charge;
  using donation_record = engine_detail::donation_record;
  using payment_record = engine_detail::payment_record;
  using fund_state = engine_detail::fund_state;
  using rematch_candidate = engine_detail::rematch_candidate;
  using rematch_cap = engine_detail::rematch_cap;
  using donation_context = engine_detail::donation_context;
  using index_range = engine_detail::donation_book::index_range;
  static constexpr std::uint32_t no_counter = engine_detail::cap_book::no_counter;

  // The parts hold references to the rules and to each other: the state never moves (it lives
  // behind engine's pointer).
  rule_set rules;
  engine_detail::ledger_book ledger;
  engine_detail::fund_book funds;
  engine_detail::cap_book caps;
  engine_detail::donation_book donations;
  engine_detail::id_registry ids;
  engine_detail::field_reader fields;
  engine_detail::rule_plan plan;
  engine_detail::day_ranking ranking;
  engine_detail::donation_marks marks;
  engine_detail::donation_times times;  // only when a rule settles on the donor's later payments
  engine_detail::revocations revoked;
  engine_detail::hold_book holds;
  std::vector<project_totals> projects;
  std::uint64_t matches_above_formula = 0;  // evaluations that paid more than a non-zero want
  std::vector<rematch_candidate> rematch_candidates;
  std::vector<rematch_cap> rematch_caps;
  std::optional<timestamp> last_time;
  std::string_view close_event_id;  // the close event's id (kept in the arena); empty at end of input
  // Per rule with `settle.when`: per project, whether it settles, decided once at the close.
  std::vector<std::vector<bool>> settles;
  // Settlement on the donor's later payments (settlement.cpp): at the close, keyed by project
  // << 32 | donor, the times of the payments that count, in order. Read by settlement and by the
  // rematch steps of the same close, and by nothing after it: it is not saved.
  boost::unordered_flat_map<std::uint64_t, std::vector<timestamp>> payments_at_close;
  bool is_closed = false;
  bool explaining = false;
  bool fed_ahead = false;  // engine::prefetch() is in use: process() need not prefetch for itself
  bool ids_vouched = false;  // engine::process_unchecked_new_id() is in use: prefetching event ids is useless

  explicit state(rule_set r)
      : rules(std::move(r)),
        ledger(rules.funds().size(), rules.projects().size()),
        funds(rules, ledger),
        caps(rules),
        donations(rules.projects().size()),
        ids(rules, donations),
        fields(rules, funds, ids),
        plan(rules, fields),
        ranking(rules, plan.rank_openings),
        marks(plan.marked_kinds),
        times(rules),
        projects(rules.projects().size()),
        evaluations(rules.rules().size()),
        paid_by_rule(rules.rules().size()),
        rule_running_totals(rules.rules().size()),
        window_verdicts(rules.rules().size()) {
    fields.attach(ranking);
  }
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  // ---- prefetching (engine.cpp) --------------------------------------------------------------
  // The donors' hash bits and the projects of the last donations prefetched (engine::prefetch),
  // oldest next.
  struct prefetched_donation {
    std::uint32_t donor_bits = 0;
    std::uint32_t project = 0;
    timestamp time;
  };
  std::array<prefetched_donation, 4> prefetched_donors{};
  std::size_t prefetch_next = 0;
  // Inlined into engine::prefetch: called there, the batch replay ran measurably slower.
  [[gnu::always_inline]] inline void prefetch_donor_state(const prefetched_donation& donation) const noexcept;
  // Out of line: a host that prefetches never runs it.
  [[gnu::noinline]] void prefetch_for_one_call(const event& e) const noexcept;

  // ---- buffers of one donation, kept to avoid allocating per event ---------------------------
  struct applied_cap {
    const cap_spec* spec;
    cap_key key;
    std::int64_t remaining;
    std::int64_t limit;
    std::uint32_t counter;  // its counter, or no_counter when never charged
  };
  struct draw {
    std::size_t fund;
    money amount;
    std::optional<std::uint64_t> pot;
  };
  std::vector<rule_evaluation> evaluations;
  std::vector<money> paid_by_rule;
  // Per rule: its match lines net of reversals, plus what open holds hold for it: where a stepped
  // ratio stands (stepped_ratio.hpp). Not saved: a restore adds it up again from the lines.
  std::vector<money> rule_running_totals;
  // Per rule group (rule_plan::window_group): whether a donation is inside its windows, as
  // serial << 1 | inside, valid for the donation whose window_serial it names. A serial per
  // donation instead of clearing the verdicts: a byte load right after the clearing store missed
  // store forwarding and stalled every donation.
  std::vector<std::uint64_t> window_verdicts;
  std::uint64_t window_serial = 0;
  std::vector<applied_cap> applied;
  std::vector<draw> draws;

  // ---- what a donation's caps and funds are keyed by ------------------------------------------

  // The dense scope value of a cap for this donation; nullopt when the scope value is missing.
  std::optional<std::uint64_t> scope_of(const cap_spec& cap, const donation_context& context,
                                        std::uint64_t donation_position) {
    const auto project_position = static_cast<std::uint32_t>(position(context.project));
    const std::uint32_t organization = plan.organization_of_project[project_position];
    switch (cap.per) {
      case cap_scope::donation: return donation_position;
      case cap_scope::donor:
      case cap_scope::donor_project:
      case cap_scope::donor_organization:
        return engine_detail::cap_book::donor_scope(cap.per, context.donor, project_position, organization);
      case cap_scope::project: return project_position;
      case cap_scope::organization: return organization;
      case cap_scope::region: {
        const auto& region = rules.project(context.project).region;  // read for region and category only
        if (!region) return std::nullopt;
        return position(*region);
      }
      case cap_scope::category: {
        const auto& category = rules.project(context.project).category;
        if (!category) return std::nullopt;
        return position(*category);
      }
      case cap_scope::campaign: return 0;
      case cap_scope::field: {
        const field_reading reading = fields.read_field(*cap.scope_field, context);
        const auto* value_read = std::get_if<field_value>(&reading);
        if (value_read == nullptr) return std::nullopt;
        return caps.scope_id(*value_read);
      }
    }
    return std::nullopt;
  }

  // The sub-budget entity of a fund for this donation; nullopt for a fund without sub-budgets.
  std::optional<std::uint64_t> pot_of(const fund_spec& fund, const donation_context& context) const {
    if (!fund.sub_budgets) return std::nullopt;
    switch (fund.sub_budgets->per) {
      case sub_budget_scope::project: return position(context.project);
      case sub_budget_scope::organization: return plan.organization_of_project[position(context.project)];
      case sub_budget_scope::donor: return context.donor;
    }
    return std::nullopt;
  }

  // What a pot still allows: its amount (a field; missing: 0) minus what the entity has used.
  money pot_remaining(std::size_t f, std::uint64_t pot, const donation_context& context) const {
    return funds.pot_left(f, pot, fields.amount_of(rules.funds()[f].sub_budgets->amount_from, context));
  }

  // ---- the donation --------------------------------------------------------------------------

  // engine::process(); `check_id` false when the host vouches that no earlier event had e.id.
  // The functions every donation runs are `hot`: the compiler groups them in one stretch of
  // code, which the instruction cache then holds whole (where the linker happened to put them,
  // they fought over the same cache sets: bench/RESULTS.md).
  // `refunded`: a refund's donation given by position (process_unchecked_refund_of), not by e.ref.
  [[gnu::hot]] event_result process(const event& e, bool check_id,
                                    std::optional<std::uint32_t> refunded = std::nullopt);
  [[gnu::hot]] event_result process_kind(const event& e, std::optional<std::uint32_t> refunded);

  // ---- one donation, in the steps of SPEC §5.2 (process_donation.cpp) ------------------------
  // The steps are defined in process_donation.cpp and used only there, forced inline: as calls,
  // the engine ran measurably slower than with one long function (bench/RESULTS.md).
  struct donation_run;
  struct rule_run;
  // A donation, a hold (SPEC §12) or a quote (engine::quote), evaluated alike: a hold's draws
  // are held and kept for its confirmation instead of written; a quote holds them too, and
  // quote() then takes everything back.
  enum class donation_mode : std::uint8_t { donation, hold, quote };
  [[gnu::hot]] event_result process_donation(const event& e, donation_mode mode);
#define MATCHFUND_STEP [[gnu::always_inline]] inline
  MATCHFUND_STEP void record_donation(donation_run& d);
  MATCHFUND_STEP void evaluate_rule(std::size_t r, donation_run& d);
  // What outcome_before_the_formula() gives when nothing stops the rule before its formula.
  static constexpr outcome goes_on = outcome::matched;
  MATCHFUND_STEP outcome outcome_before_the_formula(std::size_t r, const rule_spec& rule, const donation_run& d);
  [[gnu::cold, gnu::noinline]] void note_rank_opening(std::size_t r, const rule_spec& rule, const donation_run& d);
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

  // ---- holds (holds.cpp, SPEC §12) -------------------------------------------------------------
  // Time reaches `t` (an accepted event's): holds due expire and tranches due are released, in
  // time order, holds first at the same instant. Inline: it runs for every donation, and with
  // no hold open it is the release check alone.
  void advance_to(timestamp t) {
    if (holds.may_have_open()) [[unlikely]] expire_holds_due(t);
    funds.release_due(t, false);
    if (ranking.active()) [[unlikely]] ranking.advance_to(t, projects);
  }
  // The paths of holds and quotes, out of the donation's way: cold, so that the code every
  // donation runs stays as small as it was without them (the instruction cache, bench/RESULTS.md).
  [[gnu::cold, gnu::noinline]] void expire_holds_due(timestamp t);
  [[gnu::cold, gnu::noinline]] void hold_draw(const rule_evaluation& evaluation, std::size_t fund, money amount,
                                              const std::optional<std::uint64_t>& pot, timestamp t);
  [[gnu::cold, gnu::noinline]] void keep_held_candidate(const rematch_candidate& candidate);
  [[gnu::cold, gnu::noinline]] const char* quote_id_text(std::string_view id);
  // The hold just evaluated (its record `donation`, id and time): its lines, charges, line limits
  // and rematch candidates are those made since the given positions.
  struct hold_start {
    std::uint32_t line, charge, line_limit, candidate;
  };
  void record_hold(std::uint32_t donation, std::string_view id, timestamp t, const hold_start& start);
  event_result process_hold_resolution(const event& e);
  void confirm_hold(std::uint32_t h, timestamp t, std::string_view confirm_id);
  void release_hold(std::uint32_t h, hold_status status, timestamp t, std::string_view resolved_by);
  // What a hold's (or a quote's) lines and charges took of funds, pots and caps, given back; or
  // taken again (a quote's rollback reopens the holds its time expired): pots and caps only.
  enum class held_move : std::uint8_t { give_back, charge_again };
  void move_held(index_range lines, index_range charges, held_move move);
  [[nodiscard]] money held_by_rule(index_range lines, rule_index rule) const;
  void expire_every_open_hold(std::optional<timestamp> at);
  [[nodiscard]] hold_info info_of(const engine_detail::hold_record& hold) const;

  // ---- snapshots (snapshot.cpp, snapshot_books.cpp) ---------------------------------------------
  void save_payload(detail::binary_writer& out) const;
  void restore_payload(detail::binary_reader& in);
  void check_restored();
  void add_up_rule_totals();

  // ---- quotes (quote.cpp) ----------------------------------------------------------------------
  event_result quote(const event& e);
  std::string quote_id;  // the quoted donation's id as counted text (never kept in the arena)

  // ---- refunds, revocations, the close (engine.cpp) ------------------------------------------
  void reverse_line(const donation_record& donation, std::uint32_t line, money amount, refund_disposition disposition,
                    timestamp t, std::string_view event_id);
  void reverse_payment(std::uint32_t donation, rule_index rule, bool in_full,
                       std::optional<refund_disposition> disposition, timestamp t, std::string_view event_id);
  void reverse_donation(std::uint32_t donation, bool in_full, std::optional<refund_disposition> disposition,
                        timestamp t, std::string_view event_id, const std::vector<bool>* only_rules);
  event_result process_refund(const event& e, std::optional<std::uint32_t> refunded);
  event_result process_revoke(const event& e);
  void close(timestamp t);

  // ---- settlement at the close (settlement.cpp) ----------------------------------------------
  void settle(timestamp t);
  void count_payments_at_close();
  // Whether the close reverses what `rule` paid the donation at position `donation`: its project
  // fails the rule's `settle.when`, or its donor's payments fall short of `settle.payments`.
  [[nodiscard]] bool fails_settlement(rule_index rule, std::uint32_t donation) const;
  [[nodiscard]] bool payments_fall_short(const payments_requirement& required, std::uint32_t donation) const;

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
  [[nodiscard]] std::vector<money> marked_money_by_project(rule_index rule, field_kind kind) const;
  std::vector<money> quadratic_amounts(const closeout_spec& step, std::span<const project_index> receivers,
                                       money budget, const std::optional<money>& cap);
  [[nodiscard]] boost::unordered_flat_map<std::uint64_t, money> quadratic_contributions(
      const closeout_spec& step, const std::vector<std::int64_t>& slot) const;
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
