// Snapshots (engine::save, engine::restore; SPEC §9): the engine's whole state in a versioned,
// checksummed stream that records the rules file's SHA-256 and the host's position in its
// input. Restored into an engine built from the same rules, it goes on exactly as the saved
// one would have. The stream:
//
//   "matchfund engine snapshot\n"  u32 format version  text rules SHA-256  u64 position
//   payload  u64 payload size  u64 checksum64 of everything before it
//
// A stream that is not a snapshot, of another format version, of other rules, cut short or
// damaged is a snapshot_error, found before any of its payload is used; the payload's reader
// also checks every count and index against what it points into (snapshot_books.cpp).
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine_state.hpp"
#include "engine/snapshot_records.hpp"
#include "support/binary_stream.hpp"
#include "support/huge_pages.hpp"

namespace matchfund {

namespace {

using detail::binary_reader;
using detail::binary_writer;

constexpr std::string_view snapshot_magic = "matchfund engine snapshot\n";
constexpr std::uint32_t snapshot_format_version = 1;

[[noreturn]] void refuse(const std::string& why) { throw snapshot_error(why); }

// The whole stream, on huge pages (a national snapshot is a GiB: 4 KiB page faults cost more
// than reading it); in one read when its size is known.
using snapshot_bytes = std::vector<char, detail::huge_page_allocator<char>>;

snapshot_bytes read_all(std::istream& in) {
  snapshot_bytes bytes;
  const auto start = in.tellg();
  if (start != std::istream::pos_type(-1) && in.seekg(0, std::ios::end)) {
    const auto end = in.tellg();
    in.seekg(start);
    if (end > start) {
      bytes.resize(static_cast<std::size_t>(end - start));
      in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      bytes.resize(static_cast<std::size_t>(in.gcount()));
    }
  }
  in.clear();
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) bytes.insert(bytes.end(), buffer, buffer + in.gcount());
  if (in.bad()) refuse("cannot read the snapshot");
  return bytes;
}

std::uint64_t u64_at(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < 8; ++k) v |= std::uint64_t{static_cast<unsigned char>(bytes[at + k])} << (8 * k);
  return v;
}

}  // namespace

// Written through a buffer (engine.hpp: a national snapshot is a GiB): the header, the payload,
// then the payload's size and the checksum of everything before it.
void engine::save(std::ostream& out, std::uint64_t position) const {
  const state& s = *state_;
  binary_writer writer(out);
  writer.raw(snapshot_magic);
  writer.u32(snapshot_format_version);
  writer.text(s.rules.source_sha256());
  writer.u64(position);
  const std::uint64_t header = writer.written();
  s.save_payload(writer);
  writer.u64(writer.written() - header);
  writer.finish_with_checksum();
}

engine engine::restore(rule_set rules, std::istream& in, std::uint64_t* position) {
  const snapshot_bytes stored = read_all(in);
  const std::string_view bytes(stored.data(), stored.size());
  if (!bytes.starts_with(snapshot_magic)) refuse("not a matchfund engine snapshot");
  try {
    const std::string cut_short = "the snapshot is cut short (" + std::to_string(bytes.size()) + " bytes)";
    binary_reader header(bytes.substr(snapshot_magic.size()));
    if (bytes.size() < snapshot_magic.size() + 4) refuse(cut_short);
    const std::uint32_t version = header.u32();
    if (version != snapshot_format_version) {
      refuse("a snapshot of format version " + std::to_string(version) + "; this matchfund reads version " +
             std::to_string(snapshot_format_version));
    }
    std::string digest;
    std::uint64_t saved_position = 0;
    try {
      digest = header.text();
      saved_position = header.u64();
    } catch (const snapshot_error&) {
      refuse(cut_short);
    }
    const std::size_t header_size = snapshot_magic.size() + header.offset();
    if (bytes.size() < header_size + 16) refuse(cut_short);
    const std::uint64_t payload_size = u64_at(bytes, bytes.size() - 16);
    const std::size_t payload_found = bytes.size() - 16 - header_size;
    if (payload_size > payload_found) refuse(cut_short);
    if (payload_size < payload_found) refuse("the snapshot has bytes after its end");
    if (u64_at(bytes, bytes.size() - 8) != detail::checksum64(bytes.substr(0, bytes.size() - 8))) {
      refuse("the snapshot is damaged (its checksum does not match)");
    }
    if (digest != rules.source_sha256()) {
      refuse("the snapshot was saved with other rules (rules SHA-256 " + (digest.empty() ? "none" : digest) +
             ", these rules " + (rules.source_sha256().empty() ? "none" : rules.source_sha256()) + ")");
    }
    engine restored(std::move(rules));
    binary_reader payload(bytes.substr(header_size, payload_size));
    restored.state_->restore_payload(payload);
    if (!payload.at_end()) refuse("the snapshot is damaged: bytes left after its state");
    if (position != nullptr) *position = saved_position;
    return restored;
  } catch (const snapshot_error&) {
    throw;
  } catch (const error& e) {  // a limit of the engine met while restoring: the data cannot be right
    refuse(std::string("the snapshot is damaged: ") + e.what());
  }
}

// ---- the state as a whole: its parts, then what the state keeps itself

void engine::state::save_payload(binary_writer& out) const {
  ids.save(out);
  donations.save(out);
  ledger.save(out);
  funds.save(out);
  caps.save(out);
  revoked.save(out);
  holds.save(out);
  for (const project_totals& p : projects) {
    out.i64(p.donations);
    out.i64(p.donors);
    for (const money m : {p.raised, p.refunded, p.matched, p.closeout}) out.amount(m);
  }
  out.u64(matches_above_formula);
  out.u64(rematch_candidates.size());
  for (const rematch_candidate& c : rematch_candidates) engine_detail::save_rematch_candidate(out, c);
  out.u64(rematch_caps.size());
  for (const rematch_cap& c : rematch_caps) {
    out.u32(c.cap);
    out.u64(c.key.scope);
    out.i64(c.key.period);
    out.i64(c.limit);
  }
  out.optional_of(last_time, &binary_writer::time);
  out.text(close_event_id);
  out.u64(settles.size());
  for (const auto& verdicts : settles) {
    out.u64(verdicts.size());
    for (const bool settled : verdicts) out.boolean(settled);
  }
  out.boolean(is_closed);
  out.boolean(ids_vouched);
  ranking.save(out);  // nothing unless a rule reads a day rank
  marks.save(out);    // nothing unless a close-out weight names qualifying or outside money
  times.save(out);    // nothing unless a rule settles on the donor's later payments
}

void engine::state::restore_payload(binary_reader& in) {
  ids.restore(in);
  donations.restore(in, ids, rules);
  ledger.restore(in, ids, rules);
  funds.restore(in);
  caps.restore(in);
  revoked.restore(in);
  holds.restore(in, ids, rules);
  for (project_totals& p : projects) {
    p.donations = in.i64();
    p.donors = in.i64();
    for (money* m : {&p.raised, &p.refunded, &p.matched, &p.closeout}) *m = in.amount();
  }
  matches_above_formula = in.u64();
  const std::uint64_t candidates = in.count(45);
  for (std::uint64_t k = 0; k < candidates; ++k) rematch_candidates.push_back(engine_detail::restore_rematch_candidate(in, rules));
  const std::uint64_t caps_kept = in.count(28);
  for (std::uint64_t k = 0; k < caps_kept; ++k) {
    rematch_cap& c = rematch_caps.emplace_back();
    c.cap = in.index_below(rules.caps().size(), "a rematch cap");
    c.key.cap = c.cap;
    c.key.scope = in.u64();
    const std::int64_t period = in.i64();
    if (period < INT16_MIN || period > cap_key::max_period) binary_reader::fail("a rematch cap's period");
    c.key.period = static_cast<std::int32_t>(period);
    c.limit = in.i64();
  }
  last_time = in.optional_time();
  close_event_id = ids.keep_text(in.text());
  const std::uint64_t settled_rules = in.count(8);
  if (settled_rules != 0 && settled_rules != rules.rules().size()) binary_reader::fail("settlement verdicts");
  settles.resize(settled_rules);
  for (auto& verdicts : settles) {
    const std::uint64_t n = in.count(1);
    if (n != 0 && n != rules.projects().size()) binary_reader::fail("settlement verdicts");
    for (std::uint64_t p = 0; p < n; ++p) verdicts.push_back(in.boolean());
  }
  is_closed = in.boolean();
  ids_vouched = in.boolean();
  ranking.restore(in);
  marks.restore(in);
  times.restore(in);
  check_restored();
}

// What one part's records say of another's, checked once all are back.
void engine::state::check_restored() {
  if (ids.restored_indexed() > donations.size()) binary_reader::fail("the indexed donations");
  if (times.kept() && times.size() != donations.size()) binary_reader::fail("the donations' times");
  ids.index_restored_donations();
  const auto payments = donations.payments().size();
  for (std::uint32_t d = 0; d < ids.donor_count(); ++d) {
    const std::uint32_t last = ids.donor(d).last_payment;
    if (last != engine_detail::no_payment && last >= payments) binary_reader::fail("a donor's last payment");
  }
  for (std::uint32_t c = 0; c < donations.charge_count(); ++c) {
    const rule_charge& charge = donations.charge(c);
    if (std::uint64_t{charge.first_counter} + charge.counter_count > caps.next_charge()) binary_reader::fail("a rule's cap charges");
  }
  const auto candidate_ok = [&](const rematch_candidate& c) {
    return c.donation < donations.size() && c.first_cap <= rematch_caps.size() && c.cap_count <= rematch_caps.size() - c.first_cap;
  };
  for (const rematch_candidate& c : rematch_candidates) {
    if (!candidate_ok(c)) binary_reader::fail("a rematch candidate");
  }
  for (std::uint32_t k = 0; k < holds.candidate_count(); ++k) {
    if (!candidate_ok(holds.candidate(k))) binary_reader::fail("a hold's rematch candidate");
  }
  for (std::uint32_t h = 0; h < holds.size(); ++h) {
    const engine_detail::hold_record& hold = holds[h];
    const bool ranges_ok = hold.donation < donations.size() &&
                           std::uint64_t{hold.first_line} + hold.line_count <= donations.line_count() &&
                           std::uint64_t{hold.first_charge} + hold.charge_count <= donations.charge_count() &&
                           std::uint64_t{hold.first_line_limit} + hold.line_count <= holds.line_limit_count() &&
                           std::uint64_t{hold.first_candidate} + hold.candidate_count <= holds.candidate_count();
    if (!ranges_ok) binary_reader::fail("a hold's records");
    holds.index_restored(engine_detail::id_of(donations[hold.donation]), h);
  }
  add_up_rule_totals();
}

// rule_running_totals as the state's lines say: every donation's match lines net of reversals, and the
// lines of the open holds.
void engine::state::add_up_rule_totals() {
  const auto add_lines = [&](std::uint32_t first, std::uint32_t count) {
    for (std::uint32_t l = first; l < first + count; ++l) {
      const match_record& line = donations.line(l);
      rule_running_totals[position(line.rule)] += line.amount - donations.reversed_of(l);
    }
  };
  for (const payment_record& payment : donations.payments()) add_lines(payment.first_line, payment.line_count);
  for (std::uint32_t h = 0; h < holds.size(); ++h) {
    const engine_detail::hold_record& hold = holds[h];
    if (hold.status == hold_status::open) add_lines(hold.first_line, hold.line_count);
  }
}

}  // namespace matchfund
