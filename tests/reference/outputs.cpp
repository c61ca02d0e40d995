// SPEC §8: the output tables as exact bytes: the ledger in the order it was written, projects and
// funds in id byte order, one outcome row per donation (or hold) and rule, and SPEC §12's holds
// in id byte order.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/timestamp.hpp"
#include "model_state.hpp"

namespace matchfund::reference {
namespace {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string row;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row += ',';
    row += csv_field(fields[i]);
  }
  return row + "\n";
}

}  // namespace

std::string model::ledger_csv() const {
  std::string text = "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n";
  std::size_t seq = 0;
  for (const ledger_row& row : ledger_) {
    text += csv_row({std::to_string(++seq), format_rfc3339(row.time, offset_), row.kind, row.event_id,
                     row.donation_id, row.donor, row.project, row.rule, row.fund, money_text(row.amount),
                     row.limited_by, row.disposition});
  }
  return text;
}

std::string model::projects_csv() const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t p = 0; p < projects_.size(); ++p) by_id[project_id(p)] = p;
  std::string text = "project,organization,donations,donors,raised,refunded,matched,closeout,total\n";
  for (const auto& [id, p] : by_id) {
    const project_state& totals = projects_[p];
    text += csv_row({id, rules_.organizations()[position(rules_.projects()[p].organization)],
                     std::to_string(totals.donations), std::to_string(totals.donors.size()),
                     money_text(totals.raised), money_text(totals.refunded), money_text(totals.matched),
                     money_text(totals.closeout), money_text(totals.raised + totals.matched + totals.closeout)});
  }
  return text;
}

std::string model::funds_csv() const {
  std::map<std::string, std::size_t> by_id;
  for (std::size_t f = 0; f < funds_.size(); ++f) by_id[rules_.funds()[f].id] = f;
  std::string text =
      "fund,budget,released,drawn,returned,forfeited,expired,closeout,unallocated,available_end,exhausted_at\n";
  for (const auto& [id, f] : by_id) {
    const fund_state& fund = funds_[f];
    text += csv_row({id, money_text(rules_.funds()[f].budget), money_text(fund.released), money_text(fund.drawn),
                     money_text(fund.returned), money_text(fund.forfeited), money_text(fund.expired),
                     money_text(fund.closeout), money_text(fund.unallocated()), money_text(fund.available()),
                     fund.exhausted_at ? format_rfc3339(*fund.exhausted_at, offset_) : ""});
  }
  return text;
}

std::string model::outcomes_csv() const {
  std::string text = "event_id,rule,outcome,want,paid,limited_by\n";
  for (const outcome_row& row : outcomes_) {
    text += csv_row({row.event_id, row.rule, row.outcome, money_text(row.want), money_text(row.paid), row.limited_by});
  }
  return text;
}

// SPEC §12: written only when some hold was accepted (empty text otherwise).
std::string model::holds_csv() const {
  if (holds_.empty()) return "";
  std::string text = "hold,time,donor,project,amount,held,status,resolved_at,resolved_by\n";
  for (const auto& [id, h] : holds_) {  // std::map orders ids by bytes
    const event& d = h.record.donation;
    const char* status = h.state == hold_state::confirmed   ? "confirmed"
                         : h.state == hold_state::cancelled ? "cancelled"
                         : h.state == hold_state::expired   ? "expired"
                                                            : "open";
    text += csv_row({id, format_rfc3339(d.time, offset_), d.donor, project_id(position(*d.project)),
                     money_text(*d.amount), money_text(h.held), status,
                     h.resolved_at ? format_rfc3339(*h.resolved_at, offset_) : "", h.resolved_by});
  }
  return text;
}

}  // namespace matchfund::reference
