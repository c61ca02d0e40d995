// Holds through the engine's API (SPEC §12), as a live host uses them: what a hold reserves and
// what a host reads while it is open, its confirmation, cancellation and expiry, their order
// with releases and the close, and the events they make bad.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "matchfund/engine.hpp"
#include "matchfund/load_rules.hpp"

using namespace matchfund;

namespace {

// One fund F of 100.00: 40.00 at 10:00 and 60.00 at 12:00 (expire_unused as asked), 1:1, at most
// 30.00 of match per donor; holds live 10 minutes.
rule_set holds_rules(bool expire_unused = false, const std::string& ttl = "10m") {
  return load_rules_text(R"(matchfund: 1
campaign:
  id: holds
  name: Holds
  currency: CNY
  timezone: "+08:00"
  start: 2021-09-07T00:00:00+08:00
  end: 2021-09-08T00:00:00+08:00
  holds: { ttl: )" + ttl + R"( }
projects:
  - { id: p1, organization: o1 }
  - { id: p2, organization: o1 }
funds:
  - id: F
    funder: Example Foundation
    budget: "100.00"
    expire_unused: )" + (expire_unused ? "true" : "false") + R"(
    releases:
      - { at: 2021-09-07T10:00:00+08:00, amount: "40.00" }
      - { at: 2021-09-07T12:00:00+08:00, amount: "60.00" }
rules:
  - id: M
    sources: [F]
    ratio: "1"
    caps: [ { id: per-donor, per: donor, measure: match, max: "30.00" } ]
)",
                         "holds.yaml", ".");
}

timestamp at(const std::string& clock) { return parse_rfc3339("2021-09-07T" + clock + "+08:00").value(); }

event gift(const rule_set& rules, event_kind kind, const std::string& id, const std::string& clock,
           const std::string& donor, const std::string& project, std::int64_t minor) {
  event e;
  e.kind = kind;
  e.id = id;
  e.time = at(clock);
  e.donor = donor;
  e.project = rules.find_project(project);
  e.amount = money::from_minor(minor);
  return e;
}

event resolution(event_kind kind, const std::string& id, const std::string& clock, const std::string& hold) {
  event e;
  e.kind = kind;
  e.id = id;
  e.time = at(clock);
  e.ref = hold;
  return e;
}

std::optional<bad_event_code> rejected(const engine::event_result& result) {
  return result.rejected ? std::optional<bad_event_code>(result.rejected->code()) : std::nullopt;
}

const fund_totals& fund_f(const engine& e) { return e.fund(fund_index{0}); }

}  // namespace

TEST_CASE("a hold reserves its match: funds and caps see it, projects and the ledger do not", "[engine][holds]") {
  const rule_set rules = holds_rules();
  engine e(rules);
  const auto held = e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 2500));
  REQUIRE_FALSE(held.rejected);
  REQUIRE(held.evaluations.size() == 1);
  CHECK(held.evaluations[0].code == outcome::matched);
  CHECK(held.evaluations[0].paid == money::from_minor(2500));
  CHECK(fund_f(e).held == money::from_minor(2500));
  CHECK(fund_f(e).available() == money::from_minor(1500));
  CHECK(fund_f(e).drawn.is_zero());
  CHECK(e.ledger().empty());
  CHECK(e.project(*rules.find_project("p1")).donations == 0);
  CHECK(e.project(*rules.find_project("p1")).raised.is_zero());
  // The donor's cap is charged while held: 5.00 left of 30.00.
  const auto capped = e.process(gift(rules, event_kind::donation, "d1", "10:01:00", "ann", "p2", 2000));
  CHECK(capped.evaluations[0].code == outcome::partial);
  CHECK(capped.evaluations[0].limit == "per-donor");
  CHECK(capped.evaluations[0].paid == money::from_minor(500));
  const auto info = e.find_hold("h1");
  REQUIRE(info);
  CHECK(info->status == hold_status::open);
  CHECK(info->expires_at == at("10:10:00"));
  CHECK(info->held == money::from_minor(2500));
  CHECK(e.check_invariants().front().holds);  // the fund identity, with what is held
}

TEST_CASE("a confirm writes the held lines as of its time and makes the hold a donation", "[engine][holds]") {
  const rule_set rules = holds_rules();
  engine e(rules);
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 2500));
  REQUIRE_FALSE(e.process(resolution(event_kind::confirm, "c1", "10:04:00", "h1")).rejected);
  REQUIRE(e.ledger().size() == 1);
  const ledger_line& line = e.ledger()[0];
  CHECK(line.kind == ledger_kind::match);
  CHECK(line.time == at("10:04:00"));
  CHECK(line.event_id == "c1");
  CHECK(line.donation_id == "h1");
  CHECK(line.donor == "ann");
  CHECK(line.amount == money::from_minor(2500));
  CHECK(fund_f(e).held.is_zero());
  CHECK(fund_f(e).drawn == money::from_minor(2500));
  const project_totals& p1 = e.project(*rules.find_project("p1"));
  CHECK(p1.donations == 1);
  CHECK(p1.donors == 1);
  CHECK(p1.raised == money::from_minor(2500));
  CHECK(p1.matched == money::from_minor(2500));
  // Now a donation: a refund reverses it, and the hold is resolved for good.
  event refund;
  refund.kind = event_kind::refund;
  refund.id = "r1";
  refund.time = at("10:05:00");
  refund.ref = "h1";
  CHECK_FALSE(e.process(refund).rejected);
  CHECK(fund_f(e).returned == money::from_minor(2500));
  CHECK(rejected(e.process(resolution(event_kind::cancel, "x1", "10:06:00", "h1"))) == bad_event_code::hold_resolved);
  const auto info = e.find_hold("h1");
  CHECK(info->status == hold_status::confirmed);
  CHECK(info->resolved_at == at("10:04:00"));
  CHECK(info->resolved_by == "c1");
}

TEST_CASE("a cancel gives back the fund and the caps; the next donor gets them", "[engine][holds]") {
  const rule_set rules = holds_rules();
  engine e(rules);
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 3000));
  e.process(gift(rules, event_kind::hold, "h2", "10:00:01", "bob", "p1", 3000));
  // 40.00 released, 30.00 + 10.00 held: nothing left for cat.
  CHECK(e.find_hold("h2")->held == money::from_minor(1000));
  CHECK(fund_f(e).exhausted_at == std::nullopt);  // a release is pending
  CHECK(e.process(gift(rules, event_kind::donation, "d1", "10:01:00", "cat", "p1", 1000)).evaluations[0].code ==
        outcome::fund_empty);
  CHECK_FALSE(e.process(resolution(event_kind::cancel, "x1", "10:02:00", "h1")).rejected);
  CHECK(fund_f(e).held == money::from_minor(1000));
  // ann's cap is whole again, and the fund has her 30.00 for her.
  const auto again = e.process(gift(rules, event_kind::donation, "d2", "10:03:00", "ann", "p2", 3000));
  CHECK(again.evaluations[0].code == outcome::matched);
  CHECK(again.evaluations[0].paid == money::from_minor(3000));
  CHECK(e.find_hold("h1")->status == hold_status::cancelled);
  CHECK(e.find_hold("h1")->resolved_by == "x1");
}

TEST_CASE("holds expire at their expiry, before a release at the same instant, and at the close", "[engine][holds]") {
  const rule_set rules = holds_rules(true, "2h");
  engine e(rules);
  // Held at 10:00, expires at 12:00, when the second tranche comes: it gives its 25.00 back
  // first, and expire_unused then expires all 40.00 at the release.
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 2500));
  e.process(gift(rules, event_kind::hold, "h2", "11:00:00", "bob", "p1", 500));
  e.process(gift(rules, event_kind::donation, "d1", "12:00:00", "cat", "p1", 100));
  CHECK(e.find_hold("h1")->status == hold_status::expired);
  CHECK(e.find_hold("h1")->resolved_at == at("12:00:00"));
  CHECK(e.find_hold("h1")->resolved_by.empty());
  REQUIRE(e.ledger().size() == 2);
  CHECK(e.ledger()[0].kind == ledger_kind::expiry);
  CHECK(e.ledger()[0].amount == money::from_minor(3500));  // 40.00 less the 5.00 h2 still holds
  CHECK(e.ledger()[0].time == at("12:00:00"));
  CHECK(fund_f(e).held == money::from_minor(500));
  // The close expires what is still open, at the close time.
  event close;
  close.kind = event_kind::close;
  close.id = "end";
  close.time = at("12:30:00");
  e.process(close);
  CHECK(e.find_hold("h2")->status == hold_status::expired);
  CHECK(e.find_hold("h2")->resolved_at == at("12:30:00"));
  CHECK(fund_f(e).held.is_zero());
  // A hold after the close holds nothing, and the end of input expires it at its own expiry.
  const auto late = e.process(gift(rules, event_kind::hold, "h3", "13:00:00", "dan", "p1", 100));
  CHECK(late.evaluations[0].code == outcome::outside_campaign);
  e.finish();
  CHECK(e.find_hold("h3")->status == hold_status::expired);
  CHECK(e.find_hold("h3")->resolved_at == at("15:00:00"));
}

TEST_CASE("bad hold events are refused and change nothing", "[engine][holds]") {
  const rule_set rules = holds_rules();
  engine e(rules);
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 1000));
  e.process(gift(rules, event_kind::donation, "d1", "10:00:30", "bob", "p1", 1000));
  CHECK(rejected(e.process(resolution(event_kind::confirm, "c0", "10:01:00", "nope"))) == bad_event_code::unknown_hold);
  CHECK(rejected(e.process(resolution(event_kind::confirm, "c1", "10:01:00", "d1"))) == bad_event_code::unknown_hold);
  event refund;
  refund.kind = event_kind::refund;
  refund.id = "r1";
  refund.time = at("10:02:00");
  refund.ref = "h1";
  CHECK(rejected(e.process(refund)) == bad_event_code::unknown_donation);
  event revoke;
  revoke.kind = event_kind::revoke;
  revoke.id = "v1";
  revoke.time = at("10:02:00");
  revoke.ref = "h1";
  revoke.scope = revoke_scope::donation;
  CHECK(rejected(e.process(revoke)) == bad_event_code::unknown_donation);
  CHECK(rejected(e.process(gift(rules, event_kind::hold, "d1", "10:03:00", "cat", "p1", 100))) ==
        bad_event_code::duplicate_id);
  // A confirm at the very expiry comes too late; refused, it does not move time on either.
  CHECK(rejected(e.process(resolution(event_kind::confirm, "c2", "10:10:00", "h1"))) == bad_event_code::hold_resolved);
  CHECK(e.find_hold("h1")->status == hold_status::open);
  CHECK(fund_f(e).held == money::from_minor(1000));
  e.process(gift(rules, event_kind::donation, "d2", "10:20:00", "dan", "p1", 100));
  CHECK(e.find_hold("h1")->status == hold_status::expired);
  CHECK(e.find_hold("h1")->resolved_at == at("10:10:00"));
  // Rules without campaign.holds refuse all three kinds.
  const rule_set plain = load_rules_text(R"(matchfund: 1
campaign: { id: c, name: C, currency: CNY, timezone: "+08:00", start: 2021-09-07T00:00:00+08:00, end: 2021-09-08T00:00:00+08:00 }
projects: [ { id: p1, organization: o1 } ]
funds: [ { id: F, funder: X, budget: "1.00" } ]
rules: [ { id: M, sources: [F], ratio: "1" } ]
)",
                                         "plain.yaml", ".");
  engine without(plain);
  CHECK(rejected(without.process(gift(plain, event_kind::hold, "h1", "10:00:00", "ann", "p1", 100))) ==
        bad_event_code::holds_not_enabled);
  CHECK(rejected(without.process(resolution(event_kind::cancel, "x1", "10:00:00", "h1"))) ==
        bad_event_code::holds_not_enabled);
}

TEST_CASE("a revocation leaves an open hold alone; its confirm still writes its lines", "[engine][holds]") {
  const rule_set rules = holds_rules();
  engine e(rules);
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 1000));
  event revoke;
  revoke.kind = event_kind::revoke;
  revoke.id = "v1";
  revoke.time = at("10:01:00");
  revoke.ref = "ann";
  revoke.scope = revoke_scope::donor;
  REQUIRE_FALSE(e.process(revoke).rejected);
  CHECK(fund_f(e).held == money::from_minor(1000));
  CHECK(e.process(gift(rules, event_kind::hold, "h2", "10:02:00", "ann", "p1", 1000)).evaluations[0].code ==
        outcome::revoked);
  e.process(resolution(event_kind::confirm, "c1", "10:03:00", "h1"));
  REQUIRE(e.ledger().size() == 1);
  CHECK(e.ledger()[0].event_id == "c1");
  CHECK(fund_f(e).drawn == money::from_minor(1000));
}

TEST_CASE("a quote later in time sees the holds expire and the tranches come, and takes it all back", "[engine][holds][quote]") {
  const rule_set rules = holds_rules(true, "2h");
  engine e(rules);
  e.process(gift(rules, event_kind::hold, "h1", "10:00:00", "ann", "p1", 3000));
  e.process(gift(rules, event_kind::donation, "d1", "10:30:00", "bob", "p1", 2000));  // 10.00 left: partial
  const std::string before_ledger = std::to_string(e.ledger().size());
  const fund_totals before = fund_f(e);
  // At 12:00 h1 expires (30.00 back), the 40.00 then available expire with the second tranche,
  // and 60.00 come: cat gets her 30.00.
  const auto quote = e.quote(gift(rules, event_kind::donation, "q1", "12:00:00", "cat", "p2", 3000));
  REQUIRE(quote.evaluations.size() == 1);
  CHECK(quote.evaluations[0].code == outcome::matched);
  CHECK(quote.evaluations[0].paid == money::from_minor(3000));
  // Nothing changed: the hold is open, the fund as it was, no line written.
  CHECK(e.find_hold("h1")->status == hold_status::open);
  CHECK(std::to_string(e.ledger().size()) == before_ledger);
  CHECK(fund_f(e).held == before.held);
  CHECK(fund_f(e).released == before.released);
  CHECK(fund_f(e).expired == before.expired);
  CHECK(fund_f(e).available() == money::from_minor(0));
  // ann's cap is still charged by her hold: a quote for her now is cap_reached.
  const auto capped = e.quote(gift(rules, event_kind::donation, "q2", "10:31:00", "ann", "p2", 100));
  CHECK(capped.evaluations[0].code == outcome::cap_reached);
  // And the quote is what processing decides.
  const auto processed = e.process(gift(rules, event_kind::donation, "q1", "12:00:00", "cat", "p2", 3000));
  CHECK(processed.evaluations[0].paid == money::from_minor(3000));
  CHECK(rejected(e.quote(gift(rules, event_kind::donation, "q1", "12:00:00", "dan", "p2", 100))) ==
        bad_event_code::duplicate_id);
  CHECK(rejected(e.quote(gift(rules, event_kind::donation, "q3", "11:00:00", "dan", "p2", 100))) ==
        bad_event_code::out_of_order);
  CHECK_THROWS_AS(e.quote(resolution(event_kind::confirm, "c9", "12:00:00", "h1")), error);
}
