// The engine's parts in a snapshot, each saved as what it means (records, totals, counters by
// key, map entries in key order), never as its hash tables or pointers, and restored into a new
// engine built from the same rules: the indexes are built again, the texts kept again, and every
// index read is checked against what it points into. Map entries are saved in key order, so a
// state saves to the same bytes however it was reached (restored or not).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/cap_book.hpp"
#include "engine/donation_book.hpp"
#include "engine/fund_book.hpp"
#include "engine/hold_book.hpp"
#include "engine/id_registry.hpp"
#include "engine/ledger_book.hpp"
#include "engine/revocations.hpp"
#include "engine/snapshot_records.hpp"
#include "support/binary_stream.hpp"

namespace matchfund::engine_detail {

using detail::binary_reader;
using detail::binary_writer;

namespace {

constexpr std::uint32_t none = UINT32_MAX;

template <class Map>
auto sorted_entries(const Map& map) {
  std::vector<std::pair<typename Map::key_type, typename Map::mapped_type>> entries(map.begin(), map.end());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return entries;
}

template <class Set>
auto sorted_keys(const Set& set) {
  std::vector<typename Set::key_type> keys(set.begin(), set.end());
  std::sort(keys.begin(), keys.end());
  return keys;
}

void write_totals(binary_writer& out, const fund_totals& t) {
  for (const money m : {t.released, t.drawn, t.returned, t.forfeited, t.expired, t.closeout, t.unallocated, t.held}) {
    out.amount(m);
  }
  out.optional_of(t.exhausted_at, &binary_writer::time);
}

fund_totals read_totals(binary_reader& in) {
  fund_totals t;
  for (money* m : {&t.released, &t.drawn, &t.returned, &t.forfeited, &t.expired, &t.closeout, &t.unallocated, &t.held}) {
    *m = in.amount();
  }
  t.exhausted_at = in.optional_time();
  return t;
}

void save_index(binary_writer& out, const auto& index) { out.boolean(index.has_value()); if (index) out.u32(static_cast<std::uint32_t>(position(*index))); }

template <class Index>
std::optional<Index> restore_index(binary_reader& in, std::size_t end, const char* what) {
  if (!in.boolean()) return std::nullopt;
  return index_at<Index>(in.index_below(end, what));
}

}  // namespace

// ---- records kept by more than one part

void save_rematch_candidate(binary_writer& out, const rematch_candidate& c) {
  out.u32(c.donation);
  out.u32(static_cast<std::uint32_t>(position(c.rule)));
  out.u32(c.cap_count);
  out.u64(c.first_cap);
  out.amount(c.base0);
  out.amount(c.want);
  out.amount(c.paid);
  out.amount(c.own_base);
  out.boolean(c.used_ratio.has_value());
  if (c.used_ratio) out.i64(c.used_ratio->millionths());
}

rematch_candidate restore_rematch_candidate(binary_reader& in, const rule_set& rules) {
  rematch_candidate c;
  c.donation = in.u32();
  c.rule = index_at<rule_index>(in.index_below(rules.rules().size(), "a rematch candidate's rule"));
  c.cap_count = in.u32();
  c.first_cap = in.u64();
  c.base0 = in.amount();
  c.want = in.amount();
  c.paid = in.amount();
  c.own_base = in.amount();
  if (in.boolean()) c.used_ratio = ratio::from_millionths(in.i64());
  return c;
}

// ---- the ledger: the lines not discarded yet, and what the discarded ones added up to

void ledger_book::save(binary_writer& out) const {
  out.u64(discarded_);
  for (const fund_totals& f : discarded_sums_.funds) write_totals(out, f);
  for (const money m : discarded_sums_.project_matched) out.amount(m);
  for (const money m : discarded_sums_.project_closeout) out.amount(m);
  out.u64(lines_.size());
  for (const ledger_line& line : lines_) {
    out.u64(line.seq);
    out.time(line.time);
    out.u8(static_cast<std::uint8_t>(line.kind));
    out.text(line.event_id);
    out.text(line.donation_id);
    out.text(line.donor);
    save_index(out, line.project);
    save_index(out, line.rule);
    save_index(out, line.step);
    save_index(out, line.fund);
    out.amount(line.amount);
    out.text(line.limited_by);
    out.boolean(line.disposition.has_value());
    if (line.disposition) out.u8(static_cast<std::uint8_t>(*line.disposition));
  }
}

void ledger_book::restore(binary_reader& in, id_registry& ids, const rule_set& rules) {
  discarded_ = in.u64();
  for (fund_totals& f : discarded_sums_.funds) f = read_totals(in);
  for (money& m : discarded_sums_.project_matched) m = in.amount();
  for (money& m : discarded_sums_.project_closeout) m = in.amount();
  const std::uint64_t count = in.count(40);
  lines_.clear();
  for (std::uint64_t k = 0; k < count; ++k) {
    ledger_line& line = lines_.emplace_back();
    line.seq = in.u64();
    if (line.seq != discarded_ + k + 1) binary_reader::fail("ledger lines out of sequence");
    line.time = in.time();
    line.kind = in.enumerated<ledger_kind>(4, "ledger line kind");
    line.event_id = ids.keep_text(in.text());
    line.donation_id = ids.keep_text(in.text());
    line.donor = ids.keep_text(in.text());
    line.project = restore_index<project_index>(in, rules.projects().size(), "a ledger line's project");
    line.rule = restore_index<rule_index>(in, rules.rules().size(), "a ledger line's rule");
    line.step = restore_index<closeout_index>(in, rules.closeout().size(), "a ledger line's step");
    line.fund = restore_index<fund_index>(in, rules.funds().size(), "a ledger line's fund");
    line.amount = in.amount();
    line.limited_by = ids.keep_text(in.text());
    if (in.boolean()) line.disposition = in.enumerated<refund_disposition>(2, "disposition");
  }
}

// ---- the funds

void fund_book::save(binary_writer& out) const {
  for (const fund_state& fund : funds_) {
    write_totals(out, fund.totals);
    out.u64(fund.next_release);
    out.amount(fund.closeout_peak);
    out.amount(fund.closeout_given);
    const auto pots = sorted_entries(fund.pot_used);
    out.u64(pots.size());
    for (const auto& [pot, used] : pots) {
      out.u64(pot);
      out.amount(used);
    }
  }
  out.boolean(next_release_known_);
  out.optional_of(next_release_at_, &binary_writer::time);
}

void fund_book::restore(binary_reader& in) {
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    fund_state& fund = funds_[f];
    fund.totals = read_totals(in);
    fund.next_release = in.u64();
    if (fund.next_release > rules_.funds()[f].releases.size()) binary_reader::fail("a fund's next release out of range");
    fund.closeout_peak = in.amount();
    fund.closeout_given = in.amount();
    const std::uint64_t pots = in.count(16);
    for (std::uint64_t k = 0; k < pots; ++k) {
      const std::uint64_t pot = in.u64();
      fund.pot_used[pot] = in.amount();
    }
  }
  next_release_known_ = in.boolean();
  next_release_at_ = in.optional_time();
}

// ---- the caps: each counter with its key and value, the charges, the dense scope ids

void cap_book::save(binary_writer& out) const {
  std::vector<cap_key> keys(counters_.size());
  counter_of_.for_each([&](const cap_key& key, std::uint32_t counter) { keys[counter] = key; });
  out.u64(counters_.size());
  for (std::size_t k = 0; k < counters_.size(); ++k) {
    out.u64(keys[k].scope);
    out.i64(keys[k].period);
    out.u32(keys[k].cap);
    out.i64(counters_[k]);
  }
  out.u64(charges_.size());
  for (const counter_charge& charge : charges_) {
    out.u32(charge.counter);
    out.u8(static_cast<std::uint8_t>(charge.measure));
  }
  std::vector<std::pair<std::uint32_t, std::string>> scopes;
  for (const auto& [text, id] : scope_ids_) scopes.emplace_back(id, text);
  std::sort(scopes.begin(), scopes.end());
  out.u64(scopes.size());
  for (const auto& [id, text] : scopes) out.text(text);
}

void cap_book::restore(binary_reader& in) {
  const std::uint64_t counters = in.count(28);
  counter_of_.reserve(counters);
  for (std::uint64_t k = 0; k < counters; ++k) {
    cap_key key;
    key.scope = in.u64();
    const std::int64_t period = in.i64();
    key.cap = in.index_below(rules_.caps().size(), "a counter's cap");
    if (period < INT16_MIN || period > cap_key::max_period) binary_reader::fail("a counter's period out of range");
    key.period = static_cast<std::int32_t>(period);
    if (counter_of_.find(key)) binary_reader::fail("a cap counter given twice");
    counter_of_.insert(key, static_cast<std::uint32_t>(k));
    counters_.push_back(in.i64());
    counter_caps_.push_back(key.cap);
  }
  const std::uint64_t charges = in.count(5);
  for (std::uint64_t k = 0; k < charges; ++k) {
    const std::uint32_t counter = in.index_below(counters_.size(), "a charge's counter");
    charges_.push_back({counter, in.enumerated<cap_measure>(3, "cap measure")});
  }
  const std::uint64_t scopes = in.count(8);
  for (std::uint64_t id = 0; id < scopes; ++id) {
    if (!scope_ids_.emplace(std::string(in.text()), static_cast<std::uint32_t>(id)).second) {
      binary_reader::fail("a cap scope value given twice");
    }
  }
}

// ---- the donations, their payments, lines and charges, and what refunds took back

void donation_book::save(binary_writer& out) const {
  out.u64(donations_.size());
  for (const donation_record& d : donations_) {
    out.text(id_of(d));
    out.amount(d.amount);
    out.u32(d.donor);
    out.u32(static_cast<std::uint32_t>(position(d.project)));
    out.u32(d.payment);
    out.boolean(d.inside_campaign);
    out.boolean(d.pending_hold);
  }
  out.u64(payments_.size());
  for (const payment_record& p : payments_) {
    for (const std::uint32_t v : {p.donation, p.first_line, p.line_count, p.first_charge, p.charge_count,
                                  p.previous_of_donor, p.previous_of_project}) {
      out.u32(v);
    }
  }
  out.u64(lines_.size());
  for (const match_record& line : lines_) {
    out.u32(static_cast<std::uint32_t>(position(line.rule)));
    out.u32(static_cast<std::uint32_t>(position(line.fund)));
    out.amount(line.amount);
  }
  out.u64(charges_.size());
  for (const rule_charge& c : charges_) {
    out.amount(c.base_used);
    out.u32(static_cast<std::uint32_t>(position(c.rule)));
    out.u32(c.counter_count);
    out.u32(c.first_counter);
    out.boolean(c.counted);
  }
  const auto write_amounts = [&](const auto& map) {
    const auto entries = sorted_entries(map);
    out.u64(entries.size());
    for (const auto& [key, amount] : entries) {
      out.u32(key);
      out.amount(amount);
    }
  };
  write_amounts(refunded_);
  write_amounts(reversed_);
  const auto pots = sorted_entries(pots_);
  out.u64(pots.size());
  for (const auto& [line, pot] : pots) {
    out.u32(line);
    out.u64(pot);
  }
  const auto given = sorted_entries(given_back_);
  out.u64(given.size());
  for (const auto& [charge, back] : given) {
    out.u32(charge);
    out.amount(back.base);
    out.boolean(back.count);
  }
  for (const std::uint32_t p : last_payment_of_project_) out.u32(p);
}

void donation_book::restore(binary_reader& in, id_registry& ids, const rule_set& rules) {
  const std::uint64_t donations = in.count(31);
  for (std::uint64_t k = 0; k < donations; ++k) {
    donation_record& d = donations_.emplace_back();
    d.id = ids.keep_donation_id(static_cast<std::uint32_t>(k), in.text());
    d.amount = in.amount();
    d.donor = in.index_below(ids.donor_count(), "a donation's donor");
    d.project = index_at<project_index>(in.index_below(rules.projects().size(), "a donation's project"));
    d.payment = in.u32();  // checked with the payments below
    d.inside_campaign = in.boolean();
    d.pending_hold = in.boolean();
  }
  const std::uint64_t payments = in.count(28);
  for (std::uint64_t k = 0; k < payments; ++k) {
    payment_record& p = payments_.emplace_back();
    for (std::uint32_t* v : {&p.donation, &p.first_line, &p.line_count, &p.first_charge, &p.charge_count,
                             &p.previous_of_donor, &p.previous_of_project}) {
      *v = in.u32();
    }
    // Chains point back only (chain_from follows them), and a payment's donation points to it.
    if (p.donation >= donations_.size() || donations_[p.donation].payment != k) binary_reader::fail("a payment's donation");
    if ((p.previous_of_donor != none && p.previous_of_donor >= k) ||
        (p.previous_of_project != none && p.previous_of_project >= k)) {
      binary_reader::fail("a payment's chain");
    }
  }
  for (const donation_record& d : donations_) {
    if (d.payment != no_payment && d.payment >= payments_.size()) binary_reader::fail("a donation's payment");
  }
  const std::uint64_t lines = in.count(16);
  for (std::uint64_t k = 0; k < lines; ++k) {
    const auto rule = index_at<rule_index>(in.index_below(rules.rules().size(), "a match line's rule"));
    const auto fund = index_at<fund_index>(in.index_below(rules.funds().size(), "a match line's fund"));
    lines_.push_back({rule, fund, in.amount()});
  }
  const std::uint64_t charges = in.count(21);
  for (std::uint64_t k = 0; k < charges; ++k) {
    rule_charge& c = charges_.emplace_back();
    c.base_used = in.amount();
    c.rule = index_at<rule_index>(in.index_below(rules.rules().size(), "a charge's rule"));
    c.counter_count = in.u32();
    c.first_counter = in.u32();  // checked against the cap book's charges by the engine
    c.counted = in.boolean();
  }
  for (const payment_record& p : payments_) {
    if (std::uint64_t{p.first_line} + p.line_count > lines_.size() ||
        std::uint64_t{p.first_charge} + p.charge_count > charges_.size()) {
      binary_reader::fail("a payment's lines or charges");
    }
  }
  const auto read_amounts = [&](auto& map, std::size_t end, const char* what) {
    const std::uint64_t n = in.count(12);
    for (std::uint64_t k = 0; k < n; ++k) {
      const std::uint32_t key = in.index_below(end, what);
      map[key] = in.amount();
    }
  };
  read_amounts(refunded_, donations_.size(), "a refunded donation");
  read_amounts(reversed_, lines_.size(), "a reversed line");
  const std::uint64_t pots = in.count(12);
  for (std::uint64_t k = 0; k < pots; ++k) {
    const std::uint32_t line = in.index_below(lines_.size(), "a line's pot");
    pots_[line] = in.u64();
  }
  const std::uint64_t given = in.count(13);
  for (std::uint64_t k = 0; k < given; ++k) {
    const std::uint32_t charge = in.index_below(charges_.size(), "a charge given back");
    charge_given_back& back = given_back_[charge];
    back.base = in.amount();
    back.count = in.boolean();
  }
  for (std::uint32_t& p : last_payment_of_project_) p = in.index_below(payments_.size(), "a project's last payment", none, true);
}

// ---- the ids: donors and the events that are not donations

void id_registry::save(binary_writer& out) const {
  out.u64(donors_.size());
  for (std::uint32_t d = 0; d < donors_.size(); ++d) {
    const donor_record& record = donors_[d];
    out.text(donor_name(d));
    out.u32(record.spec);
    out.u32(record.last_payment);
    out.u32(record.first_projects[0]);
    out.u32(record.first_projects[1]);
  }
  std::vector<std::uint64_t> pairs;
  project_donors_.for_each([&](std::uint64_t key) { pairs.push_back(key); });
  std::sort(pairs.begin(), pairs.end());
  out.u64(pairs.size());
  for (const std::uint64_t key : pairs) out.u64(key);
  out.u64(other_event_ids_.size());
  for (const std::string_view id : other_event_ids_) out.text(id);
  out.u32(donations_indexed_);
}

// Donor payments are checked by the engine once the donation book is back.
void id_registry::restore(binary_reader& in) {
  const std::uint64_t donors = in.count(24);
  donor_ids_.reserve(donors);
  for (std::uint64_t k = 0; k < donors; ++k) {
    const std::string_view id = in.text();
    if (intern_donor(id) != k) binary_reader::fail("a donor given twice");
    donor_record& record = donors_[static_cast<std::uint32_t>(k)];
    const std::uint32_t spec = in.index_below(rules_.donors().size(), "a donor's entry", none, true);
    if (spec != record.spec) binary_reader::fail("a donor's entry in the rules");
    record.last_payment = in.u32();
    for (std::uint32_t& project : record.first_projects) {
      project = in.index_below(rules_.projects().size(), "a donor's project", no_project, true);
    }
  }
  const std::uint64_t pairs = in.count(8);
  project_donors_.reserve(pairs);
  for (std::uint64_t k = 0; k < pairs; ++k) {
    const std::uint64_t key = in.u64();
    if ((key >> 32) >= rules_.projects().size() || (key & 0xFFFFFFFF) >= donors_.size()) binary_reader::fail("a (project, donor) pair");
    project_donors_.insert(key);
  }
  const std::uint64_t others = in.count(8);
  for (std::uint64_t k = 0; k < others; ++k) {
    const std::string_view id = in.text();
    if (id.empty() || event_ids_.find(id)) binary_reader::fail("an event id given twice");
    remember_event(id);
  }
  restored_indexed_ = in.u32();  // checked against the donations by the engine
}

// ---- revocations

void revocations::save(binary_writer& out) const {
  out.boolean(any_);
  for (const auto* ids : {&donations_, &donors_}) {
    const auto keys = sorted_keys(*ids);
    out.u64(keys.size());
    for (const std::string& id : keys) out.text(id);
  }
  const auto projects = sorted_keys(projects_);
  out.u64(projects.size());
  for (const std::uint32_t p : projects) out.u32(p);
}

void revocations::restore(binary_reader& in) {
  any_ = in.boolean();
  for (auto* ids : {&donations_, &donors_}) {
    const std::uint64_t n = in.count(8);
    for (std::uint64_t k = 0; k < n; ++k) ids->insert(std::string(in.text()));
  }
  const std::uint64_t n = in.count(4);
  for (std::uint64_t k = 0; k < n; ++k) projects_.insert(in.u32());  // a project beyond the rules covers nothing
}

// ---- holds

void hold_book::save(binary_writer& out) const {
  out.u64(holds_.size());
  for (const hold_record& h : holds_) {
    for (const std::uint32_t v : {h.donation, h.first_line, h.line_count, h.first_charge, h.charge_count,
                                  h.first_line_limit, h.first_candidate, h.candidate_count}) {
      out.u32(v);
    }
    out.time(h.time);
    out.time(h.expires_at);
    out.amount(h.held);
    out.u8(static_cast<std::uint8_t>(h.status));
    out.optional_of(h.resolved_at, &binary_writer::time);
    out.text(h.resolved_by);
  }
  out.u64(line_limits_.size());
  for (const std::string_view limit : line_limits_) out.text(limit);
  out.u64(candidates_.size());
  for (const rematch_candidate& c : candidates_) save_rematch_candidate(out, c);
  out.u64(next_open_);
}

void hold_book::restore(binary_reader& in, id_registry& ids, const rule_set& rules) {
  const std::uint64_t holds = in.count(58);
  for (std::uint64_t k = 0; k < holds; ++k) {
    hold_record h;
    for (std::uint32_t* v : {&h.donation, &h.first_line, &h.line_count, &h.first_charge, &h.charge_count,
                             &h.first_line_limit, &h.first_candidate, &h.candidate_count}) {
      *v = in.u32();
    }
    h.time = in.time();
    h.expires_at = in.time();
    h.held = in.amount();
    h.status = in.enumerated<hold_status>(4, "hold status");
    h.resolved_at = in.optional_time();
    h.resolved_by = ids.keep_text(in.text());
    holds_.push_back(h);  // ids and ranges are checked by the engine, which has the donation book
  }
  const std::uint64_t limits = in.count(8);
  for (std::uint64_t k = 0; k < limits; ++k) line_limits_.push_back(ids.keep_text(in.text()));
  const std::uint64_t candidates = in.count(45);
  for (std::uint64_t k = 0; k < candidates; ++k) candidates_.push_back(restore_rematch_candidate(in, rules));
  next_open_ = in.u64();
  if (next_open_ > holds_.size()) binary_reader::fail("the first open hold out of range");
}

}  // namespace matchfund::engine_detail
