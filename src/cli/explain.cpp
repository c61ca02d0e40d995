#include "cli/explain.hpp"

#include <fmt/format.h>

#include "matchfund/bad_event.hpp"
#include "matchfund/engine.hpp"
#include "matchfund/replay.hpp"

namespace matchfund::cli {

namespace {

std::string describe_cap_amount(const cap_spec& cap, std::int64_t value, minor_digits_t digits) {
  return cap.measure == cap_measure::count ? std::to_string(value) : format_money(money::from_minor(value), digits);
}

}  // namespace

std::string describe_evaluations(const rule_set& rules, std::span<const rule_evaluation> evaluations,
                                 std::string_view paid, std::string_view drew) {
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  std::string text;
  std::size_t n = 0;
  for (const auto& evaluation : evaluations) {
    const rule_spec& rule = rules.rule(evaluation.rule);
    text += fmt::format("  {}. rule {}: {}{}\n", ++n, rule.id, to_string(evaluation.code),
                        evaluation.limit.empty() ? "" : ":" + std::string(evaluation.limit));
    if (evaluation.code < outcome::cap_reached && evaluation.code != outcome::no_match) continue;
    text += fmt::format("       formula: want {} (with no limits {}), {} {}\n", amount(evaluation.want),
                        amount(evaluation.full), paid, amount(evaluation.paid));
    for (const auto& cap : evaluation.caps) {
      const cap_spec& spec = rules.cap(cap.cap);
      text += fmt::format("       cap {}: remaining {} -> {}\n", spec.id,
                          describe_cap_amount(spec, cap.remaining_before, rules.minor_digits()),
                          describe_cap_amount(spec, cap.remaining_after, rules.minor_digits()));
    }
    for (const auto& [fund, drawn] : evaluation.draws) {
      text += fmt::format("       fund {}: {} {}\n", rules.fund(fund).id, drew, amount(drawn));
    }
  }
  return text;
}

std::string explain_donation(const rule_set& rules, const std::vector<std::filesystem::path>& event_files,
                             const std::string& donation_id) {
  const auto amount = [&](money value) { return format_money(value, rules.minor_digits()); };
  const auto time = [&](timestamp t) { return format_rfc3339(t, rules.campaign().timezone); };
  std::optional<bad_event_reason> rejected_reason;  // the first of the donation's id
  const auto events = load_events(rules, event_files, [&](rejected_event&& bad) {
    if (bad.id == donation_id && !rejected_reason) rejected_reason = std::move(bad.reason);
  });
  engine matcher(rules);
  std::string text;
  bool found = false;
  for (const auto& e : events) {
    const bool target = (e.kind == event_kind::donation || e.kind == event_kind::hold) && e.id == donation_id;
    matcher.explain(target);
    const auto result = matcher.process(e);
    if (!target) continue;
    found = true;
    const bool hold = e.kind == event_kind::hold;
    text += fmt::format("{} {} at {}: donor {}, project {}, amount {}\n", hold ? "hold" : "donation", e.id, time(e.time),
                        e.donor, rules.project(*e.project).id, amount(*e.amount));
    if (result.rejected) {
      text += "  not processed: " + to_string(*result.rejected) + "\n";
      continue;
    }
    text += describe_evaluations(rules, result.evaluations, hold ? "held" : "paid", hold ? "held" : "drew");
  }
  matcher.explain(false);
  if (!found) {
    if (rejected_reason) return "donation " + donation_id + " is a bad event: " + to_string(*rejected_reason) + "\n";
    throw error("no donation with id \"" + donation_id + "\" in the event files");
  }
  matcher.finish();
  // A hold: how it was resolved (its match lines, if confirmed, follow).
  if (const auto hold = matcher.find_hold(donation_id)) {
    text += fmt::format("  later: {} {}{}\n", time(*hold->resolved_at), to_string(hold->status),
                        hold->resolved_by.empty() ? std::string() : " by event " + std::string(hold->resolved_by));
  }
  // What happened to its match afterwards: a hold's confirmation, refunds, revocations, settlement.
  for (const auto& line : matcher.ledger()) {
    if (line.donation_id != donation_id) continue;
    if (line.kind == ledger_kind::match && line.event_id != donation_id) {
      text += fmt::format("  later: {} drew {} from fund {} (held, confirmed by event {})\n", time(line.time),
                          amount(line.amount), rules.fund(*line.fund).id, line.event_id);
      continue;
    }
    if (line.kind == ledger_kind::closeout) {
      text += fmt::format("  later: {} close-out step {} paid {} from {}\n", time(line.time),
                          rules.closeout()[position(*line.step)].id, amount(line.amount),
                          line.fund ? "fund " + rules.fund(*line.fund).id : std::string("outside money"));
      continue;
    }
    if (line.kind != ledger_kind::reversal) continue;
    text += fmt::format("  later: {} reversed {} from fund {} ({}{})\n", time(line.time), amount(-line.amount),
                        rules.fund(*line.fund).id,
                        line.event_id.empty() ? "settlement at close" : "event " + std::string(line.event_id),
                        *line.disposition == refund_disposition::give_back ? ", returned to the fund"
                                                                           : ", forfeited to the funder");
  }
  return text;
}

}  // namespace matchfund::cli
