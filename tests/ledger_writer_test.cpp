// ledger.csv written on a thread of its own: the same bytes as writing in place, whatever the
// batches, and the lines' text copied at once (the engine reuses its memory).
#include <catch2/catch.hpp>

#include "file_text.hpp"

#include <algorithm>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "write/csv_writer.hpp"
#include "write/ledger_rows.hpp"
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

namespace {

// A row as SPEC §8 spells it, a field at a time with the library's own formatters.
std::string row_by_fields(const matchfund::rule_set& rules, const ledger_line& line) {
  matchfund::detail::csv_writer csv("");
  csv.field(std::to_string(line.seq))
      .field(matchfund::format_rfc3339(line.time, rules.campaign().timezone))
      .field(matchfund::to_string(line.kind))
      .field(line.event_id)
      .field(line.donation_id)
      .field(line.donor)
      .field(line.project ? std::string_view(rules.project(*line.project).id) : std::string_view())
      .field(line.step   ? std::string_view(rules.closeout()[matchfund::position(*line.step)].id)
             : line.rule ? std::string_view(rules.rule(*line.rule).id)
                         : std::string_view())
      .field(line.fund ? std::string_view(rules.fund(*line.fund).id) : std::string_view())
      .field(matchfund::format_money(line.amount, rules.minor_digits()))
      .field(line.limited_by)
      .field(line.disposition ? matchfund::to_string(*line.disposition) : std::string_view());
  csv.end_row();
  return csv.text().substr(1);  // after the empty header's line break
}

}  // namespace

TEST_CASE("ledger rows written in place are the rows written a field at a time", "[output][ledger]") {
  // East and west of UTC; times from the year 0000 to 9999, many within one second.
  const std::vector<std::string> files = {"spec-worked-example.yaml", "facebook-givingtuesday-2017.yaml"};
  const std::vector<std::string_view> texts = {"d-1", "", "a,b", "q\"q", "line\nbreak", "十元", "x"};
  std::uint64_t state = 12345;
  const auto next = [&state] {  // splitmix64: the test's own, fixed sequence
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  std::size_t compared = 0;
  for (const std::string& file : files) {
    const auto rules = matchfund::load_rules(std::string(MATCHFUND_SOURCE_DIR) + "/rules/" + file);
    const std::int64_t offset = rules.campaign().timezone.milliseconds();
    matchfund::detail::ledger_rows rows(rules);
    std::string written;
    std::string expected;
    std::int64_t previous_ms = 0;
    for (int i = 0; i < 20'000; ++i) {
      ledger_line line;
      line.seq = i % 3 == 0 ? next() : next() % 1000;
      // Anywhere in the writable range, or a few seconds after the line before.
      const std::int64_t first = matchfund::earliest_epoch_ms - offset;
      const std::int64_t last = matchfund::latest_epoch_ms - offset;
      const std::int64_t ms = i % 2 == 0 ? first + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(last - first + 1))
                                         : std::min(last, previous_ms + static_cast<std::int64_t>(next() % 3000));
      line.time = matchfund::timestamp::from_epoch_ms(ms);
      previous_ms = ms;
      line.kind = static_cast<ledger_kind>(next() % 4);
      line.event_id = texts[next() % texts.size()];
      line.donation_id = texts[next() % texts.size()];
      line.donor = texts[next() % texts.size()];
      if (next() % 4 != 0) line.project = matchfund::index_at<matchfund::project_index>(next() % rules.projects().size());
      if (next() % 4 != 0) line.rule = matchfund::index_at<matchfund::rule_index>(next() % rules.rules().size());
      if (next() % 4 != 0) line.fund = matchfund::index_at<matchfund::fund_index>(next() % rules.funds().size());
      if (next() % 4 == 0) line.disposition = matchfund::refund_disposition::forfeit;
      line.limited_by = texts[next() % texts.size()];
      const auto magnitude = static_cast<std::int64_t>(next() % (i % 5 == 0 ? 1'000'000'000'000'000ULL : 1000ULL));
      line.amount = money::from_minor(next() % 2 == 0 ? magnitude : -magnitude);
      rows.append(written, line);
      expected += row_by_fields(rules, line);
      ++compared;
    }
    CHECK(written == expected);
  }
  CHECK(compared == 40'000);
}

TEST_CASE("money written in place is format_money's text, for every number of minor digits", "[output][ledger]") {
  const std::vector<std::int64_t> amounts = {0, 1, -1, 9, 10, 99, 100, 12345, -12345, 1'000'000'000'000'000, -1'000'000'000'000'000};
  std::size_t compared = 0;
  for (matchfund::minor_digits_t digits = 0; digits <= matchfund::max_minor_digits; ++digits) {
    for (const std::int64_t minor : amounts) {
      char text[32];
      const std::size_t length = matchfund::detail::write_money(text, money::from_minor(minor), digits);
      CHECK(std::string(text, length) == matchfund::format_money(money::from_minor(minor), digits));
      ++compared;
    }
  }
  CHECK(compared == 10 * amounts.size());
}

TEST_CASE("ledger lines added with their texts kept by the caller are written as copied ones", "[output][ledger]") {
  const auto rules = worked_example();
  std::vector<std::string> ids;  // outlive both writers, as an engine's texts do
  for (int k = 0; k < 40'000; ++k) ids.push_back(k % 1000 == 0 ? "d," + std::to_string(k) : "d-" + std::to_string(k));
  std::vector<ledger_line> lines;
  for (std::size_t k = 0; k < ids.size(); ++k) lines.push_back(match_line(k + 1, ids[k], ids[(k * 7) % ids.size()], static_cast<std::int64_t>(k)));
  std::vector<std::string> written;
  for (const bool kept : {false, true}) {
    const fs::path directory = fresh_directory(kept ? "kept" : "copied");
    {
      output_set outputs(directory);
      ledger_writer ledger(rules, outputs.create("ledger.csv"));
      // In uneven pieces, across batches of 16,384 lines.
      for (std::size_t at = 0; at < lines.size();) {
        const std::size_t count = std::min<std::size_t>(lines.size() - at, 1 + at % 20'011);
        const std::span<const ledger_line> piece(lines.data() + at, count);
        if (kept) {
          ledger.add_kept(piece);
        } else {
          ledger.add(piece);
        }
        at += count;
      }
      ledger.finish();
      outputs.commit();
    }
    written.push_back(matchfund::testing::read_file(directory / "ledger.csv"));
    fs::remove_all(directory);
  }
  REQUIRE(written.size() == 2);
  CHECK(std::count(written[0].begin(), written[0].end(), '\n') == 40'001);
  CHECK(written[1] == written[0]);
}
