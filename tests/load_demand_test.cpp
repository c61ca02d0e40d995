// The demand loader (include/matchfund/demand.hpp): a corpus of bad demand files with the exact
// diagnostics approved for each, and the fields a good demand file loads into.
//
// Corpus: tests/data/bad-demand/NAME.yaml (its first line is a comment saying what it breaks) and
// NAME.expected, the diagnostics for it, one `file:line:col: path: message [code]` per line. Every
// case is a demand for tencent-99-2018 and is loaded against rules/tencent-99-2018.yaml, so that a
// case breaks only what it says and not the campaign it names. As in bad_rules_test.cpp, every
// "<corpus>/" is removed from the lines before comparing, and MATCHFUND_APPROVE=1 writes the
// actual diagnostics to the .expected files instead of comparing (read their diff before committing).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/diagnostic.hpp"
#include "matchfund/load_rules.hpp"
#include "approval.hpp"

#ifndef MATCHFUND_TEST_DATA_DIR
#define MATCHFUND_TEST_DATA_DIR __FILE__ "/../data"
#endif

using matchfund::testing::approving;
using matchfund::testing::normalize_line_ends;
using matchfund::testing::read_bytes;
using matchfund::testing::write_bytes;

namespace {

namespace fs = std::filesystem;
using matchfund::demand_model;
using matchfund::diagnostic;
using matchfund::law_kind;

// The cases of the corpus: a new case must be counted here too, so that one lost (a file
// renamed to another extension, say) is noticed.
constexpr std::size_t corpus_size = 25;

fs::path data_directory() { return fs::path(MATCHFUND_TEST_DATA_DIR).lexically_normal(); }

fs::path corpus_directory() { return (data_directory() / "bad-demand").lexically_normal(); }

fs::path source_directory() {
#ifdef MATCHFUND_SOURCE_DIR
  return fs::path(MATCHFUND_SOURCE_DIR);
#else
  return (data_directory() / ".." / "..").lexically_normal();
#endif
}

const matchfund::rule_set& tencent_rules() {
  static const matchfund::rule_set rules = matchfund::load_rules(source_directory() / "rules" / "tencent-99-2018.yaml");
  return rules;
}

std::vector<fs::path> corpus_cases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus_directory())) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

fs::path expected_file(const fs::path& yaml) {
  fs::path expected = yaml;
  return expected.replace_extension(".expected");
}

// The diagnostics of loading `yaml`, none if it loads (which no case of the corpus may).
std::vector<diagnostic> diagnostics_of(const fs::path& yaml) {
  try {
    (void)matchfund::load_demand(yaml, tencent_rules());
  } catch (const matchfund::rules_error& e) {
    return e.diagnostics();
  }
  return {};
}

std::string render(const std::vector<diagnostic>& diagnostics) {
  const std::string prefix = corpus_directory().generic_string() + "/";
  std::string text;
  for (const auto& d : diagnostics) {
    std::string line = d.to_string();
    for (auto at = line.find(prefix); at != std::string::npos; at = line.find(prefix, at)) line.erase(at, prefix.size());
    text += line + '\n';
  }
  return text;
}

// A demand that loads, for the cases below that change one part of it.
constexpr std::string_view small_demand = R"yaml(matchfund_demand: 1
campaign: tencent-99-2018
donations: { expected: 1000 }
donors: { expected: 400 }
amounts:
  table:
    - { amount: "10.00", weight: 3 }
    - { amount: "50.00", weight: 1 }
)yaml";

}  // namespace

TEST_CASE("each bad demand file gives exactly its approved diagnostics", "[demand]") {
  const bool approve = approving();
  std::size_t seen = 0;
  for (const auto& yaml : corpus_cases()) {
    ++seen;
    const fs::path expected = expected_file(yaml);
    INFO(yaml.filename().string());
    const std::string text = read_bytes(yaml);
    CHECK(text.starts_with("# "));  // every case says what it breaks
    const auto diagnostics = diagnostics_of(yaml);
    const std::string actual = render(diagnostics);
    INFO("diagnostics:\n" << actual);
    CHECK_FALSE(diagnostics.empty());
    CHECK(std::none_of(diagnostics.begin(), diagnostics.end(), [](const diagnostic& d) {
      return d.code == matchfund::diagnostic_code::internal_error;
    }));
    if (approve) {
      write_bytes(expected, actual);
      WARN("approved " << expected.filename().string());
    } else {
      REQUIRE(fs::exists(expected));
      CHECK(actual == normalize_line_ends(read_bytes(expected)));
    }
  }
  CHECK(seen == corpus_size);
  for (const auto& entry : fs::directory_iterator(corpus_directory())) {
    if (entry.path().extension() != ".expected") continue;
    INFO(entry.path().filename().string());
    fs::path yaml = entry.path();
    CHECK(fs::exists(yaml.replace_extension(".yaml")));  // no approval left over from a removed case
  }
}

TEST_CASE("each of the demand files' own codes is what its cases of the corpus report", "[demand]") {
  // A case named after a code (NAME.yaml or NAME-detail.yaml) reports that code first: the
  // corpus breaks one thing per file, and the names say which.
  for (const auto& yaml : corpus_cases()) {
    const std::string stem = yaml.stem().string();
    const std::string code = stem.substr(0, stem.find('-'));
    INFO(yaml.filename().string());
    const auto diagnostics = diagnostics_of(yaml);
    REQUIRE_FALSE(diagnostics.empty());
    CHECK(to_string(diagnostics.front().code) == code);
  }
}

TEST_CASE("a demand file that cannot be read is one file_unreadable diagnostic", "[demand]") {
  const fs::path missing = corpus_directory() / "no-such-demand.yaml";
  try {
    (void)matchfund::load_demand(missing, tencent_rules());
    FAIL("a missing file loaded");
  } catch (const matchfund::rules_error& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].code == matchfund::diagnostic_code::file_unreadable);
    CHECK(e.diagnostics()[0].file == missing.generic_string());
  }
}

TEST_CASE("the demand of 99公益日 2018 loads into exactly the model its file describes", "[demand]") {
  const fs::path file = source_directory() / "rules" / "tencent-99-2018-demand.yaml";
  const auto& rules = tencent_rules();
  const demand_model model = matchfund::load_demand(file, rules);

  CHECK(model.source_file == file.generic_string());
  CHECK(model.source_sha256.size() == 64);
  CHECK(model.source_sha256.find_first_not_of("0123456789abcdef") == std::string::npos);

  CHECK(model.donations == 28'000'000);
  CHECK(model.volume.kind == law_kind::normal);
  CHECK(model.volume.first == 1'000'000);
  CHECK(model.volume.second == 150'000);
  CHECK(model.donors == 10'000'000);
  CHECK(model.repeat_exponent.millionths() == 1'100'000);
  CHECK(model.repeat_offset == 0);  // donors / 1000 when drawn

  const std::vector<std::int64_t> amounts{100, 500, 990, 1000, 2000, 5000, 9900, 10000, 20000, 50000};
  const std::vector<std::uint64_t> weights{22, 14, 8, 20, 12, 11, 5, 6, 1, 1};
  REQUIRE(model.amount_table.size() == amounts.size());
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    INFO("row " << i);
    CHECK(model.amount_table[i].amount.minor_units() == amounts[i]);
    CHECK(model.amount_table[i].weight == weights[i]);
  }
  CHECK_FALSE(model.amount_pareto.has_value());
  CHECK(model.amount_round.minor_units() == 1);  // no round: the minor unit
  CHECK(model.amount_scale.kind == law_kind::normal);
  CHECK(model.amount_scale.first == 1'000'000);
  CHECK(model.amount_scale.second == 100'000);

  const std::array<std::uint64_t, 24> hours{2, 1, 1, 1, 1, 1, 2, 4, 6, 30, 14, 10, 8, 7, 7, 7, 7, 7, 8, 10, 12, 12, 8, 4};
  const std::array<const char*, 3> dates{"2018-09-07", "2018-09-08", "2018-09-09"};
  const std::array<std::uint64_t, 3> shares{40, 32, 28};
  REQUIRE(model.days.size() == 3);
  for (std::size_t d = 0; d < 3; ++d) {
    INFO("day " << d);
    CHECK(matchfund::format_local_date(model.days[d].date) == dates[d]);
    CHECK(model.days[d].share == shares[d]);
    CHECK(model.days[d].hours == hours);
  }

  REQUIRE(model.rush.has_value());
  REQUIRE(model.rush->funds.size() == 1);
  CHECK(rules.fund(model.rush->funds[0]).id == "tencent");
  CHECK(model.rush->share.millionths() == 80'000);
  CHECK(model.rush->minutes == 30);
  CHECK(model.rush->size.kind == law_kind::uniform);
  CHECK(model.rush->size.first == 500'000);
  CHECK(model.rush->size.second == 1'500'000);

  CHECK(model.popularity.kind == matchfund::popularity_kind::zipf);
  CHECK(model.popularity.exponent.millionths() == 1'000'000);
  CHECK(model.popularity.weights.empty());  // only a column's weights are resolved when loading
  CHECK(model.popularity.spread.kind == law_kind::constant);
  CHECK(model.popularity.spread.first == 1'000'000);
}

TEST_CASE("the demand of 99公益日 2018 has its flowers table and refunds", "[demand]") {
  const auto& rules = tencent_rules();
  const demand_model model =
      matchfund::load_demand(source_directory() / "rules" / "tencent-99-2018-demand.yaml", rules);
  REQUIRE(model.donation_attributes.size() == 1);
  const auto& flowers = model.donation_attributes[0];
  CHECK(flowers.name == "flowers");
  const auto attributes = rules.attributes(matchfund::attribute_owner::donation);
  REQUIRE(flowers.slot < attributes.size());
  CHECK(attributes[flowers.slot].name == "flowers");
  // The rules compare flowers with integers, so the table's values are integers.
  CHECK(flowers.values == std::vector<matchfund::value>{std::int64_t{0}, std::int64_t{50}, std::int64_t{120},
                                                        std::int64_t{250}});
  CHECK(flowers.weights == std::vector<std::uint64_t>{80, 12, 6, 2});
  CHECK(model.donor_attributes.empty());

  REQUIRE(model.refunds.has_value());
  CHECK(model.refunds->rate.kind == law_kind::constant);
  CHECK(model.refunds->rate.first == 2'000);
  CHECK(model.refunds->after_min.count() == 10 * 60'000);
  CHECK(model.refunds->after_max.count() == 48 * 3'600'000);
}

TEST_CASE("a demand without timing, projects or refunds takes every day evenly and a Zipf popularity", "[demand]") {
  const demand_model model = matchfund::load_demand_text(small_demand, "small.yaml", tencent_rules());
  CHECK(model.source_file == "small.yaml");
  REQUIRE(model.days.size() == 3);  // 2018-09-07 to 2018-09-09 in +08:00
  CHECK(matchfund::format_local_date(model.days.front().date) == "2018-09-07");
  CHECK(matchfund::format_local_date(model.days.back().date) == "2018-09-09");
  for (const auto& day : model.days) {
    CHECK(day.share == 1);
    CHECK(std::all_of(day.hours.begin(), day.hours.end(), [](std::uint64_t w) { return w == 1; }));
  }
  CHECK_FALSE(model.rush.has_value());
  CHECK(model.popularity.kind == matchfund::popularity_kind::zipf);
  CHECK(model.donation_attributes.empty());
  CHECK_FALSE(model.refunds.has_value());
  CHECK(model.volume.kind == law_kind::constant);
  CHECK(model.volume.first == 1'000'000);
}

TEST_CASE("a demand's sha256 is of its text, so that a changed file is noticed", "[demand]") {
  const auto& rules = tencent_rules();
  const demand_model a = matchfund::load_demand_text(small_demand, "a.yaml", rules);
  const demand_model b = matchfund::load_demand_text(small_demand, "b.yaml", rules);
  const demand_model c = matchfund::load_demand_text(std::string(small_demand) + "# a comment\n", "a.yaml", rules);
  CHECK(a.source_sha256 == b.source_sha256);
  CHECK(a.source_sha256 != c.source_sha256);
}
