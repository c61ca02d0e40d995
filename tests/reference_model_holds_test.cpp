// The reference model's holds (SPEC §12) against outputs worked out by hand from the SPEC, one
// focused case per point of §12; the engine (through replay) must write the same bytes.
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "reference/reference_model.hpp"

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

const std::string events_header = "kind,id,time,donor,project,amount,ref,scope,disposition\n";

// A campaign from 2021-09-07 to 2021-09-10 (+08:00) with holds of `ttl`, three projects and
// `body` (funds, rules, close-out).
std::string rules_with(const std::string& ttl, const std::string& body) {
  return "matchfund: 1\n"
         "campaign:\n"
         "  id: c\n"
         "  name: Holds\n"
         "  currency: CNY\n"
         "  timezone: \"+08:00\"\n"
         "  start: 2021-09-07T00:00:00+08:00\n"
         "  end: 2021-09-10T00:00:00+08:00\n"
         "  holds: { ttl: " + ttl + " }\n" +
         "projects:\n"
         "  - { id: p1, organization: o1 }\n"
         "  - { id: p2, organization: o2 }\n"
         "  - { id: p3, organization: o3 }\n" + body;
}

const std::string one_fund_one_rule =
    "funds:\n"
    "  - { id: F, budget: \"100.00\" }\n"
    "rules:\n"
    "  - { id: M, sources: [F], ratio: \"1\" }\n";

// Expected output with its times abbreviated: "@07T10:00" -> "2021-09-07T10:00:00.000+08:00".
std::string expand(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@') {
      out += text[i];
      continue;
    }
    out += "2021-09-" + text.substr(i + 1, 8) + ":00.000+08:00";
    i += 8;
  }
  return out;
}

// The model's outputs for the rules and events; the engine's replay of the same files must write
// the same ledger, projects, funds, outcomes, holds and rejected tables.
reference::outputs both(const std::string& name, const std::string& yaml, const std::string& events_csv) {
  const fs::path directory = matchfund::testing::fresh_directory("holds-" + name);
  fs::create_directories(directory);
  const fs::path events_file = directory / "events.csv";
  std::ofstream(events_file, std::ios::binary) << events_header << events_csv;
  const rule_set rules = load_rules_text(yaml, "holds.yaml", directory);
  std::vector<event> events;
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); },
      [&](rejected_event&&) { FAIL_CHECK("an event rejected for its fields"); });
  const std::vector<std::string> names{events_file.generic_string()};
  reference::outputs model = reference::replay(rules, events, names);

  const fs::path out = directory / "out";
  replay_options options;
  options.trace = true;
  options.lenient = true;
  const std::vector<fs::path> files{events_file};
  (void)matchfund::replay(rules, files, out, options);
  std::string rejected = "file,line,id,reason\n";
  for (const auto& bad : model.rejected) {
    rejected += bad.file + "," + std::to_string(bad.line) + "," + bad.id + "," + bad.reason + "\n";
  }
  using matchfund::testing::read_file;
  CHECK(read_file(out / "ledger.csv") == model.ledger_csv);
  CHECK(read_file(out / "projects.csv") == model.projects_csv);
  CHECK(read_file(out / "funds.csv") == model.funds_csv);
  CHECK(read_file(out / "outcomes.csv") == model.outcomes_csv);
  CHECK(read_file(out / "holds.csv") == model.holds_csv);
  CHECK(read_file(out / "rejected.csv") == rejected);
  fs::remove_all(directory);
  return model;
}

// The data rows of a table whose first column starts with `prefix`, each with its newline.
std::string rows_of(const std::string& csv, const std::string& prefix) {
  std::string rows;
  std::size_t start = csv.find('\n') + 1;
  while (start < csv.size()) {
    const std::size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start + 1);
    if (line.starts_with(prefix)) rows += line;
    start = end + 1;
  }
  return rows;
}

std::string ids_and_reasons(const reference::outputs& out) {
  std::string text;
  for (const auto& bad : out.rejected) text += bad.id + ":" + bad.reason + " ";
  return text;
}

}  // namespace

TEST_CASE("reference model holds: a hold holds, the donation after it sees the rest, the confirm writes its lines",
          "[reference][holds]") {
  const auto out = both("confirm", rules_with("30m", one_fund_one_rule),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,80.00,,,\n"
                        "donation,d1,2021-09-07T10:01:00+08:00,u2,p1,50.00,,,\n"
                        "confirm,c1,2021-09-07T10:05:00+08:00,,,,h1,,\n");
  CHECK(out.ledger_csv == expand("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,"
                                 "disposition\n"
                                 "1,@07T10:01,match,d1,d1,u2,p1,M,F,20.00,F,\n"
                                 "2,@07T10:05,match,c1,h1,u1,p1,M,F,80.00,,\n"));
  CHECK(out.outcomes_csv ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "h1,M,matched,80.00,80.00,\n"
        "d1,M,partial:F,50.00,20.00,F\n");
  CHECK(rows_of(out.projects_csv, "p1,") == "p1,o1,2,2,130.00,0.00,100.00,0.00,230.00\n");
  CHECK(rows_of(out.funds_csv, "F,") == expand("F,100.00,100.00,100.00,0.00,0.00,0.00,0.00,0.00,0.00,@07T10:01\n"));
  CHECK(out.holds_csv == expand("hold,time,donor,project,amount,held,status,resolved_at,resolved_by\n"
                                "h1,@07T10:00,u1,p1,80.00,80.00,confirmed,@07T10:05,c1\n"));
}

TEST_CASE("reference model holds: a hold that takes the last money sets exhausted_at; its expiry frees the money",
          "[reference][holds]") {
  // c1 comes at h1's expiry: too late (and, being bad, it makes nothing expire); d2 at the same
  // instant finds the money back.
  const auto out = both("exhausted", rules_with("30m", one_fund_one_rule),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,100.00,,,\n"
                        "donation,d1,2021-09-07T10:01:00+08:00,u2,p1,50.00,,,\n"
                        "confirm,c1,2021-09-07T10:30:00+08:00,,,,h1,,\n"
                        "donation,d2,2021-09-07T10:30:00+08:00,u2,p2,50.00,,,\n");
  CHECK(ids_and_reasons(out) == "c1:hold_resolved ");
  CHECK(rows_of(out.outcomes_csv, "d") == "d1,M,fund_empty,50.00,0.00,\nd2,M,matched,50.00,50.00,\n");
  CHECK(rows_of(out.funds_csv, "F,") == expand("F,100.00,100.00,50.00,0.00,0.00,0.00,0.00,0.00,50.00,@07T10:00\n"));
  CHECK(rows_of(out.holds_csv, "h1,") == expand("h1,@07T10:00,u1,p1,100.00,100.00,expired,@07T10:30,\n"));
  CHECK(rows_of(out.projects_csv, "p1,") == "p1,o1,1,1,50.00,0.00,0.00,0.00,50.00\n");
}

TEST_CASE("reference model holds: a hold expiring at a release gives back first, then expire_unused expires it",
          "[reference][holds]") {
  const std::string funds =
      "funds:\n"
      "  - id: F\n"
      "    budget: \"100.00\"\n"
      "    releases:\n"
      "      - { at: 2021-09-07T10:00:00+08:00, amount: \"50.00\" }\n"
      "      - { at: 2021-09-08T10:00:00+08:00, amount: \"50.00\" }\n"
      "    expire_unused: true\n"
      "rules:\n"
      "  - { id: M, sources: [F], ratio: \"1\" }\n";
  const auto out = both("release", rules_with("30m", funds),
                        "hold,h1,2021-09-08T09:30:00+08:00,u1,p1,40.00,,,\n"
                        "donation,d1,2021-09-08T11:00:00+08:00,u2,p2,5.00,,,\n");
  CHECK(out.ledger_csv == expand("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,"
                                 "disposition\n"
                                 "1,@08T10:00,expiry,,,,,,F,50.00,,\n"
                                 "2,@08T11:00,match,d1,d1,u2,p2,M,F,5.00,,\n"
                                 "3,@10T00:00,expiry,,,,,,F,45.00,,\n"));
  CHECK(rows_of(out.holds_csv, "h1,") == expand("h1,@08T09:30,u1,p1,40.00,40.00,expired,@08T10:00,\n"));
}

TEST_CASE("reference model holds: a cancel gives back match caps, and a donation cap a rule charged holding nothing",
          "[reference][holds]") {
  const std::string funds_and_rules =
      "funds:\n"
      "  - { id: F, budget: \"100.00\" }\n"
      "rules:\n"
      "  - id: M\n"
      "    sources: [F]\n"
      "    ratio: \"1\"\n"
      "    caps: [ { id: mc, per: donor, measure: match, max: \"30.00\" } ]\n"
      "  - id: H\n"
      "    sources: [F]\n"
      "    ratio: \"0.5\"\n"
      "    caps: [ { id: dc, per: donor, measure: donation, max: \"0.01\" } ]\n";
  const auto out = both("caps", rules_with("30m", funds_and_rules),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,50.00,,,\n"
                        "donation,d1,2021-09-07T10:01:00+08:00,u1,p1,10.00,,,\n"
                        "cancel,x1,2021-09-07T10:02:00+08:00,,,,h1,,\n"
                        "donation,d2,2021-09-07T10:03:00+08:00,u1,p1,10.00,,,\n");
  // SPEC §11.4: H's donation cap leaves a base of 0.01, whose half rounds to 0; charged all the same.
  CHECK(out.outcomes_csv ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "h1,M,partial:mc,50.00,30.00,mc\n"
        "h1,H,partial:dc,0.00,0.00,dc\n"
        "d1,M,cap_reached:mc,10.00,0.00,mc\n"
        "d1,H,cap_reached:dc,0.00,0.00,dc\n"
        "d2,M,matched,10.00,10.00,\n"
        "d2,H,partial:dc,0.00,0.00,dc\n");
  CHECK(rows_of(out.holds_csv, "h1,") == expand("h1,@07T10:00,u1,p1,50.00,30.00,cancelled,@07T10:02,x1\n"));
}

TEST_CASE("reference model holds: a revocation leaves an open hold alone; its confirm writes its lines",
          "[reference][holds]") {
  const auto out = both("revoke", rules_with("30m", one_fund_one_rule),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,20.00,,,\n"
                        "revoke,v1,2021-09-07T10:05:00+08:00,,,,u1,donor,\n"
                        "confirm,c1,2021-09-07T10:10:00+08:00,,,,h1,,\n"
                        "hold,h2,2021-09-07T10:20:00+08:00,u1,p1,20.00,,,\n"
                        "donation,d1,2021-09-07T10:30:00+08:00,u1,p2,20.00,,,\n");
  CHECK(out.ledger_csv == expand("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,"
                                 "disposition\n"
                                 "1,@07T10:10,match,c1,h1,u1,p1,M,F,20.00,,\n"));
  CHECK(rows_of(out.outcomes_csv, "h2,") == "h2,M,revoked,0.00,0.00,\n");
  CHECK(rows_of(out.outcomes_csv, "d1,") == "d1,M,revoked,0.00,0.00,\n");
  CHECK(rows_of(out.projects_csv, "p1,") == "p1,o1,1,1,20.00,0.00,20.00,0.00,40.00\n");
  CHECK(rows_of(out.holds_csv, "h2,") == expand("h2,@07T10:20,u1,p1,20.00,0.00,expired,@07T10:50,\n"));
}

TEST_CASE("reference model holds: bad confirms, cancels, refunds and revocations", "[reference][holds]") {
  const auto out = both("bad", rules_with("30m", one_fund_one_rule),
                        "donation,d1,2021-09-07T10:00:00+08:00,u1,p1,10.00,,,\n"
                        "confirm,c0,2021-09-07T10:00:00+08:00,,,,h1,,\n"  // before its hold
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,10.00,,,\n"
                        "confirm,c1,2021-09-07T10:01:00+08:00,,,,d1,,\n"  // a donation
                        "cancel,c2,2021-09-07T10:02:00+08:00,,,,nothere,,\n"
                        "refund,r1,2021-09-07T10:03:00+08:00,,,,h1,,\n"  // an open hold
                        "revoke,v1,2021-09-07T10:04:00+08:00,,,,h1,donation,\n"
                        "confirm,c3,2021-09-07T10:30:00+08:00,,,,h1,,\n"  // at its expiry
                        "hold,h2,2021-09-07T11:00:00+08:00,u2,p1,10.00,,,\n"
                        "cancel,x2,2021-09-07T11:01:00+08:00,,,,h2,,\n"
                        "confirm,c4,2021-09-07T11:02:00+08:00,,,,h2,,\n"  // cancelled
                        "refund,r2,2021-09-07T11:03:00+08:00,,,,h2,,\n"   // cancelled
                        "hold,h3,2021-09-07T12:00:00+08:00,u3,p2,10.00,,,\n"
                        "confirm,c5,2021-09-07T12:05:00+08:00,,,3.00,h3,,\n"  // the amount is ignored
                        "refund,r3,2021-09-07T12:10:00+08:00,,,5.00,h3,,\n"
                        "hold,d1,2021-09-07T12:20:00+08:00,u3,p2,10.00,,,\n");
  CHECK(ids_and_reasons(out) ==
        "c0:unknown_hold c1:unknown_hold c2:unknown_hold r1:unknown_donation v1:unknown_donation c3:hold_resolved "
        "c4:hold_resolved r2:unknown_donation d1:duplicate_id ");
  CHECK(rows_of(out.ledger_csv, "3,") == expand("3,@07T12:10,reversal,r3,h3,u3,p2,M,F,-5.00,,return\n"));
  CHECK(rows_of(out.projects_csv, "p2,") == "p2,o2,1,1,5.00,5.00,5.00,0.00,10.00\n");
}

TEST_CASE("reference model holds: at the close, and quadratic funding counts a confirm by its time",
          "[reference][holds]") {
  // p1 and p3 have two donors of 10.00 each (p3's second a hold confirmed in the campaign); p2's
  // second donor confirmed after the end, so p2 has one donor that counts: weight 0.
  const std::string body =
      "funds:\n"
      "  - { id: F, budget: \"1000.00\" }\n"
      "rules:\n"
      "  - { id: M, sources: [F], ratio: \"1\" }\n"
      "closeout:\n"
      "  - { id: qf, kind: quadratic, budget: \"100.00\" }\n";
  const auto out = both("close", rules_with("2h", body),
                        "donation,d1,2021-09-07T10:00:00+08:00,u1,p1,10.00,,,\n"
                        "donation,d2,2021-09-07T10:00:00+08:00,u2,p1,10.00,,,\n"
                        "donation,d3,2021-09-07T10:00:00+08:00,u3,p2,10.00,,,\n"
                        "donation,d4,2021-09-07T10:00:00+08:00,u5,p3,10.00,,,\n"
                        "hold,h2,2021-09-09T10:00:00+08:00,u6,p3,10.00,,,\n"
                        "confirm,c2,2021-09-09T10:05:00+08:00,,,,h2,,\n"
                        "hold,h3,2021-09-09T23:50:00+08:00,u7,p1,10.00,,,\n"
                        "hold,h1,2021-09-09T23:55:00+08:00,u4,p2,10.00,,,\n"
                        "confirm,c1,2021-09-10T00:10:00+08:00,,,,h1,,\n"
                        "close,k1,2021-09-10T01:00:00+08:00,,,,,,\n"
                        "hold,h4,2021-09-10T02:00:00+08:00,u8,p2,10.00,,,\n"
                        "hold,h5,2021-09-10T02:10:00+08:00,u9,p2,10.00,,,\n"
                        "confirm,c5,2021-09-10T02:20:00+08:00,,,,h5,,\n"
                        "confirm,c6,2021-09-10T02:30:00+08:00,,,,h3,,\n");
  CHECK(ids_and_reasons(out) == "c6:hold_resolved ");
  CHECK(rows_of(out.ledger_csv, "5,") == expand("5,@09T10:05,match,c2,h2,u6,p3,M,F,10.00,,\n"));
  CHECK(rows_of(out.ledger_csv, "6,") == expand("6,@10T00:10,match,c1,h1,u4,p2,M,F,10.00,,\n"));
  CHECK(rows_of(out.ledger_csv, "7,") == expand("7,@10T01:00,closeout,k1,,,p1,qf,,50.00,,\n"));
  CHECK(rows_of(out.ledger_csv, "8,") == expand("8,@10T01:00,closeout,k1,,,p3,qf,,50.00,,\n"));
  CHECK(rows_of(out.ledger_csv, "9,").empty());
  CHECK(rows_of(out.outcomes_csv, "h4,") == "h4,M,outside_campaign,0.00,0.00,\n");
  CHECK(rows_of(out.projects_csv, "p2,") == "p2,o2,3,3,30.00,0.00,20.00,0.00,50.00\n");
  CHECK(out.holds_csv == expand("hold,time,donor,project,amount,held,status,resolved_at,resolved_by\n"
                                "h1,@09T23:55,u4,p2,10.00,10.00,confirmed,@10T00:10,c1\n"
                                "h2,@09T10:00,u6,p3,10.00,10.00,confirmed,@09T10:05,c2\n"
                                "h3,@09T23:50,u7,p1,10.00,10.00,expired,@10T01:00,\n"
                                "h4,@10T02:00,u8,p2,10.00,0.00,expired,@10T04:00,\n"
                                "h5,@10T02:10,u9,p2,10.00,0.00,confirmed,@10T02:20,c5\n"));
}

TEST_CASE("reference model holds: a rematch takes confirmed holds in the order they became donations",
          "[reference][holds]") {
  // h1 is made before d1 but confirmed after it: d1 is older, and the pool's 15.00 go to it.
  const std::string body =
      "funds:\n"
      "  - { id: F, budget: \"10.00\" }\n"
      "  - { id: P, budget: \"15.00\" }\n"
      "rules:\n"
      "  - { id: M, sources: [F], ratio: \"1\" }\n"
      "closeout:\n"
      "  - { id: s0, kind: rematch, rule: M, from: P }\n";
  const auto out = both("rematch", rules_with("30m", body),
                        "hold,h1,2021-09-07T10:50:00+08:00,u1,p1,20.00,,,\n"
                        "donation,d1,2021-09-07T10:55:00+08:00,u2,p1,20.00,,,\n"
                        "confirm,c1,2021-09-07T11:00:00+08:00,,,,h1,,\n");
  CHECK(out.outcomes_csv ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "h1,M,partial:F,20.00,10.00,F\n"
        "d1,M,fund_empty,20.00,0.00,\n");
  CHECK(out.ledger_csv == expand("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,"
                                 "disposition\n"
                                 "1,@07T11:00,match,c1,h1,u1,p1,M,F,10.00,F,\n"
                                 "2,@10T00:00,closeout,,d1,u2,p1,s0,P,15.00,,\n"));
  CHECK(rows_of(out.funds_csv, "F,") == expand("F,10.00,10.00,10.00,0.00,0.00,0.00,0.00,0.00,0.00,@07T10:50\n"));
}

TEST_CASE("reference model holds: conditions see a fund's available net of holds, and drawn without them",
          "[reference][holds]") {
  const std::string body =
      "funds:\n"
      "  - { id: F, budget: \"100.00\" }\n"
      "  - { id: G, budget: \"100.00\" }\n"
      "rules:\n"
      "  - id: A\n"
      "    sources: [G]\n"
      "    ratio: \"1\"\n"
      "    eligible: { field: fund.F.available, op: \">=\", value: 50 }\n"
      "  - id: D\n"
      "    sources: [G]\n"
      "    amount: \"1.00\"\n"
      "    eligible: { field: fund.F.drawn, op: \">=\", value: 50 }\n"
      "  - { id: M, sources: [F], ratio: \"1\" }\n";
  const auto out = both("conditions", rules_with("30m", body),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,60.00,,,\n"
                        "donation,d1,2021-09-07T10:05:00+08:00,u2,p2,10.00,,,\n"
                        "confirm,c1,2021-09-07T10:10:00+08:00,,,,h1,,\n"
                        "donation,d2,2021-09-07T10:15:00+08:00,u3,p2,10.00,,,\n");
  CHECK(out.outcomes_csv ==
        "event_id,rule,outcome,want,paid,limited_by\n"
        "h1,A,matched,60.00,60.00,\n"
        "h1,D,not_eligible,0.00,0.00,\n"
        "h1,M,matched,60.00,60.00,\n"
        "d1,A,not_eligible,0.00,0.00,\n"
        "d1,D,not_eligible,0.00,0.00,\n"
        "d1,M,matched,10.00,10.00,\n"
        "d2,A,not_eligible,0.00,0.00,\n"
        "d2,D,matched,1.00,1.00,\n"
        "d2,M,matched,10.00,10.00,\n");
}

TEST_CASE("reference model holds: a hold confirmed after its donor was revoked keeps its lines but is no QF donation",
          "[reference][holds]") {
  // Without h1, p1 has one donor that counts (weight 0): the whole budget goes to p2.
  const std::string body =
      "funds:\n"
      "  - { id: F, budget: \"100.00\" }\n"
      "rules:\n"
      "  - { id: M, sources: [F], ratio: \"1\" }\n"
      "closeout:\n"
      "  - { id: qf, kind: quadratic, budget: \"100.00\" }\n";
  const auto out = both("revoked-qf", rules_with("30m", body),
                        "hold,h1,2021-09-07T10:00:00+08:00,u1,p1,20.00,,,\n"
                        "revoke,v1,2021-09-07T10:05:00+08:00,,,,u1,donor,\n"
                        "confirm,c1,2021-09-07T10:10:00+08:00,,,,h1,,\n"
                        "donation,d1,2021-09-07T10:20:00+08:00,u2,p1,10.00,,,\n"
                        "donation,d2,2021-09-07T10:30:00+08:00,u3,p2,10.00,,,\n"
                        "donation,d3,2021-09-07T10:40:00+08:00,u4,p2,10.00,,,\n");
  CHECK(out.ledger_csv == expand("seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,"
                                 "disposition\n"
                                 "1,@07T10:10,match,c1,h1,u1,p1,M,F,20.00,,\n"
                                 "2,@07T10:20,match,d1,d1,u2,p1,M,F,10.00,,\n"
                                 "3,@07T10:30,match,d2,d2,u3,p2,M,F,10.00,,\n"
                                 "4,@07T10:40,match,d3,d3,u4,p2,M,F,10.00,,\n"
                                 "5,@10T00:00,closeout,,,,p2,qf,,100.00,,\n"));
}
