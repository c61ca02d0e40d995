// ledger.csv written on a thread of its own: the same bytes as writing in place, whatever the
// batches, and the lines' text copied at once (the engine reuses its memory).
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include "write/ledger_writer.hpp"
#include "matchfund/load_rules.hpp"
#include "write/output_files.hpp"

namespace fs = std::filesystem;
using matchfund::ledger_kind;
using matchfund::ledger_line;
using matchfund::money;
using matchfund::detail::ledger_writer;
using matchfund::detail::output_set;

using matchfund::testing::fresh_directory;

namespace {

matchfund::rule_set worked_example() {
  return matchfund::load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml");
}

matchfund::timestamp at(const char* text) { return matchfund::parse_rfc3339(text).value(); }

ledger_line match_line(std::uint64_t seq, std::string_view donation, std::string_view donor, std::int64_t minor) {
  ledger_line line;
  line.seq = seq;
  line.time = at("2021-09-07T10:00:00+08:00");
  line.kind = ledger_kind::match;
  line.event_id = line.donation_id = donation;
  line.donor = donor;
  line.project = matchfund::index_at<matchfund::project_index>(0);
  line.rule = matchfund::index_at<matchfund::rule_index>(0);
  line.fund = matchfund::index_at<matchfund::fund_index>(0);
  line.amount = money::from_minor(minor);
  return line;
}

constexpr const char* header = "seq,time,kind,event_id,donation_id,donor,project,rule,fund,amount,limited_by,disposition\n";

}  // namespace

TEST_CASE("ledger lines are written in order, each field as SPEC §8 spells it", "[output][ledger]") {
  const auto rules = worked_example();
  const fs::path directory = fresh_directory("fields");
  {
    output_set outputs(directory);
    ledger_writer ledger(rules, outputs.create("ledger.csv"));
    std::vector<ledger_line> lines;
    lines.push_back(match_line(1, "d,1", "u\"1", 3000));
    lines.back().limited_by = "F";
    ledger_line reversal = match_line(2, "d,1", "u\"1", -1000);
    reversal.kind = ledger_kind::reversal;
    reversal.event_id = "r1";
    reversal.time = at("2021-09-08T09:30:00.250+08:00");
    reversal.disposition = matchfund::refund_disposition::forfeit;
    lines.push_back(reversal);
    ledger_line expiry;
    expiry.seq = 3;
    expiry.time = at("2021-09-09T00:00:00+08:00");
    expiry.kind = ledger_kind::expiry;
    expiry.fund = matchfund::index_at<matchfund::fund_index>(0);
    expiry.amount = money::from_minor(-500);
    lines.push_back(expiry);
    ledger.add(lines);
    ledger.finish();
    outputs.commit();
  }
  CHECK(matchfund::testing::read_file(directory / "ledger.csv") ==
        std::string(header) +
            "1,2021-09-07T10:00:00.000+08:00,match,\"d,1\",\"d,1\",\"u\"\"1\",p1,M,F,30.00,F,\n"
            "2,2021-09-08T09:30:00.250+08:00,reversal,r1,\"d,1\",\"u\"\"1\",p1,M,F,-10.00,,forfeit\n"
            "3,2021-09-09T00:00:00.000+08:00,expiry,,,,,,F,-5.00,,\n");
  fs::remove_all(directory);
}

TEST_CASE("ledger batches: many lines, an id longer than a batch, text copied at once", "[output][ledger]") {
  const auto rules = worked_example();
  const fs::path directory = fresh_directory("batches");
  const std::string long_id(3 << 20, 'x');  // three batches' worth of text in one id
  constexpr std::uint64_t count = 40'000;   // more lines than two batches hold
  {
    output_set outputs(directory);
    ledger_writer ledger(rules, outputs.create("ledger.csv"));
    std::string reused;  // the caller's memory changes after each add()
    for (std::uint64_t seq = 1; seq <= count; ++seq) {
      reused = seq == 20'000 ? long_id : "d-" + std::to_string(seq);
      const ledger_line line = match_line(seq, reused, "u", static_cast<std::int64_t>(seq));
      ledger.add({&line, 1});
      reused.assign(reused.size(), '?');
    }
    ledger.finish();
    outputs.commit();
  }
  const std::string text = matchfund::testing::read_file(directory / "ledger.csv");
  REQUIRE(text.compare(0, std::string_view(header).size(), header) == 0);
  std::size_t at = std::string_view(header).size();
  std::uint64_t rows = 0;
  bool all_exact = true;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    REQUIRE(end != std::string::npos);
    ++rows;
    const std::string id = rows == 20'000 ? long_id : "d-" + std::to_string(rows);
    const std::string expected = std::to_string(rows) + ",2021-09-07T10:00:00.000+08:00,match," + id + "," + id + ",u,p1,M,F," +
                                 matchfund::format_money(money::from_minor(static_cast<std::int64_t>(rows)), 2) + ",,";
    if (text.compare(at, end - at, expected) != 0) all_exact = false;
    at = end + 1;
  }
  CHECK(rows == count);
  CHECK(all_exact);
  fs::remove_all(directory);
}

TEST_CASE("a ledger writer dropped without finish stops and leaves no file", "[output][ledger]") {
  const auto rules = worked_example();
  const fs::path directory = fresh_directory("dropped");
  {
    output_set outputs(directory);
    ledger_writer ledger(rules, outputs.create("ledger.csv"));
    const ledger_line line = match_line(1, "d-1", "u", 100);
    for (int i = 0; i < 50'000; ++i) ledger.add({&line, 1});
  }  // an error elsewhere ended the run: neither finish() nor commit()
  CHECK(fs::is_directory(directory));
  CHECK(fs::directory_iterator(directory) == fs::directory_iterator{});
  fs::remove_all(directory);
}
