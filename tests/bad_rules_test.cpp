// The loader on bad rules files: a corpus of small files, each breaking one thing, with the exact
// diagnostics approved for it; and mutated valid files that must never make the loader throw.
//
// Corpus: tests/data/bad-rules/NAME.yaml (its first line is a comment saying what it breaks;
// side files it names live in files/) and NAME.expected, the diagnostics the loader gives for it,
// one `file:line:col: path: message [code]` per line, in the loader's order. Each case is loaded
// as <corpus>/NAME.yaml, <corpus> being the corpus directory in lexically normal form, and every
// occurrence of "<corpus>/" in a diagnostic line is removed before comparing, so the approved
// lines read `NAME.yaml:12:5: ...` and `files/x.csv:3:1: ...` wherever the tree is checked out.
//
// Approval: run with the environment variable MATCHFUND_APPROVE=1 to write the actual
// diagnostics to the .expected files (creating them for new cases) instead of comparing. Read the
// diff of the .expected files before committing it: an approved file is a claim that each message
// is the right one, at the right place, for what the case breaks.
//
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/diagnostic.hpp"
#include "matchfund/load_rules.hpp"
#include "approval.hpp"

// The build defines the data directory; without it, tests/data next to this file (the
// "bad_rules_test.cpp/.." of the literal is removed lexically, never asked of the file system).
#ifndef MATCHFUND_TEST_DATA_DIR
#define MATCHFUND_TEST_DATA_DIR __FILE__ "/../data"
#endif

using matchfund::testing::approving;
using matchfund::testing::normalize_line_ends;
using matchfund::testing::read_bytes;
using matchfund::testing::write_bytes;

namespace {

namespace fs = std::filesystem;
using matchfund::diagnostic;
using matchfund::load_result;

fs::path data_directory() { return fs::path(MATCHFUND_TEST_DATA_DIR).lexically_normal(); }

fs::path corpus_directory() { return (data_directory() / "bad-rules").lexically_normal(); }

// The repository root, for docs/errors.md: the data directory is <root>/tests/data.
fs::path source_directory() {
#ifdef MATCHFUND_SOURCE_DIR
  return fs::path(MATCHFUND_SOURCE_DIR);
#else
  return (data_directory() / ".." / "..").lexically_normal();
#endif
}

// NAME.yaml files of a directory (not of its subdirectories), in byte order of their names.
std::vector<fs::path> yaml_files(const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

std::vector<fs::path> corpus_cases() { return yaml_files(corpus_directory()); }

fs::path expected_file(const fs::path& yaml) {
  fs::path expected = yaml;
  return expected.replace_extension(".expected");
}

// One diagnostic per line, with every "<corpus>/" removed; each line ends with '\n'.
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

// An approved file as the test compares it: tolerant of CR LF from a checkout that converts.
bool has_internal_error(const std::vector<diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const diagnostic& d) { return d.code == matchfund::diagnostic_code::internal_error; });
}

std::set<std::string> codes_of(const std::vector<diagnostic>& diagnostics) {
  std::set<std::string> codes;
  for (const auto& d : diagnostics) codes.insert(std::string(to_string(d.code)));
  return codes;
}

// The codes of the tables of docs/errors.md: the first cell of each row, written `code`; only
// those of the section `heading` (a "## " line, up to the next) when one is given.
std::set<std::string> documented_codes(std::string_view heading = {}) {
  std::istringstream in(read_bytes(source_directory() / "docs" / "errors.md"));
  std::set<std::string> codes;
  bool in_section = heading.empty();
  for (std::string line; std::getline(in, line);) {
    if (!heading.empty() && line.starts_with("## ")) in_section = line == heading;
    if (!in_section || !line.starts_with("| `")) continue;
    const auto end = line.find('`', 3);
    if (end == std::string::npos) continue;
    codes.insert(line.substr(3, end - 3));
  }
  return codes;
}

// The codes the bad demand corpus (load_demand_test.cpp) produces: its files are demands for
// tencent-99-2018, loaded against that campaign's rules.
std::set<std::string> demand_corpus_codes() {
  const auto rules = matchfund::load_rules(source_directory() / "rules" / "tencent-99-2018.yaml");
  std::set<std::string> codes;
  for (const auto& yaml : yaml_files(data_directory() / "bad-demand")) {
    try {
      (void)matchfund::load_demand(yaml, rules);
    } catch (const matchfund::rules_error& e) {
      const auto of_file = codes_of(e.diagnostics());
      codes.insert(of_file.begin(), of_file.end());
    }
  }
  return codes;
}

}  // namespace

TEST_CASE("each bad rules file gives exactly its approved diagnostics", "[bad_rules]") {
  const bool approve = approving();
  for (const auto& yaml : corpus_cases()) {
    const fs::path expected = expected_file(yaml);
    if (!approve && !fs::exists(expected)) continue;  // reported by the corpus test below
    DYNAMIC_SECTION(yaml.filename().string()) {
      load_result result;
      REQUIRE_NOTHROW(result = matchfund::try_load_rules(yaml));
      const std::string actual = render(result.diagnostics);
      INFO("diagnostics:\n" << actual);
      if (approve) {
        write_bytes(expected, actual);
        WARN("approved " << expected.filename().string());
      } else {
        CHECK(actual == normalize_line_ends(read_bytes(expected)));
      }
      CHECK_FALSE(result.ok());
      CHECK_FALSE(result.diagnostics.empty());
      CHECK_FALSE(has_internal_error(result.diagnostics));
    }
  }
}

TEST_CASE("the bad rules corpus is large and every case is approved and explained", "[bad_rules]") {
  const auto cases = corpus_cases();
  CHECK(cases.size() >= 40);
  for (const auto& yaml : cases) {
    INFO(yaml.filename().string());
    CHECK(fs::exists(expected_file(yaml)));
    // The empty file cannot say what it breaks; every other case opens with a comment that does.
    const std::string text = read_bytes(yaml);
    if (!text.empty()) CHECK(text.starts_with("# "));
  }
  for (const auto& entry : fs::directory_iterator(corpus_directory())) {
    if (entry.path().extension() != ".expected") continue;
    INFO(entry.path().filename().string());
    fs::path yaml = entry.path();
    CHECK(fs::exists(yaml.replace_extension(".yaml")));  // no approval left over from a removed case
  }
}

TEST_CASE("every documented error code is produced by the corpus and every produced one is documented", "[bad_rules]") {
  const std::set<std::string> documented = documented_codes();
  REQUIRE(documented.size() >= 40);
  std::set<std::string> produced;
  for (const auto& yaml : corpus_cases()) {
    const auto codes = codes_of(matchfund::try_load_rules(yaml).diagnostics);
    produced.insert(codes.begin(), codes.end());
  }
  // Codes whose smallest case is too big for the corpus: cap_limit needs 65,537 caps (about
  // 3 MB of YAML, aliases being refused); load_rules_test builds that file and checks the message.
  const std::set<std::string> built_elsewhere = {"cap_limit"};
  // The codes of demand files alone (docs/errors.md, "Demand files") cannot come from a rules file:
  // the bad demand corpus must produce them instead, and this corpus must not.
  const std::set<std::string> of_demand_files = documented_codes("## Demand files");
  CHECK(of_demand_files == std::set<std::string>{"bad_law", "bad_profile", "campaign_mismatch"});
  const std::set<std::string> produced_by_demands = demand_corpus_codes();
  for (const auto& code : documented) {
    if (of_demand_files.count(code) == 1) {
      INFO("code " << code << " is a demand file's, but no file of the bad demand corpus produces it");
      CHECK(produced_by_demands.count(code) == 1);
      CHECK(produced.count(code) == 0);
    } else {
      INFO("code " << code << " is in docs/errors.md but no file of the corpus produces it");
      CHECK(produced.count(code) + built_elsewhere.count(code) == 1);
    }
  }
  for (const auto& code : produced) {
    INFO("code " << code << " is produced by the corpus but not in docs/errors.md");
    CHECK(documented.count(code) == 1);
  }
  for (const auto& code : produced_by_demands) {
    INFO("code " << code << " is produced by the bad demand corpus but not in docs/errors.md");
    CHECK(documented.count(code) == 1);
  }
}

TEST_CASE("the spelling table of diagnostic codes lists exactly the codes of docs/errors.md", "[bad_rules]") {
  using matchfund::diagnostic_code;
  using matchfund::diagnostic_code_from_string;
  using matchfund::diagnostic_code_spellings;
  const std::set<std::string> documented = documented_codes();
  // internal_error is no property of a file: the prose of docs/errors.md names it, no table does.
  CHECK(read_bytes(source_directory() / "docs" / "errors.md").find("`internal_error`") != std::string::npos);
  CHECK(documented.count("internal_error") == 0);
  std::set<std::string> spelled;
  std::set<diagnostic_code> coded;
  for (const auto& [name, code] : diagnostic_code_spellings) {
    INFO("code " << name);
    CHECK(spelled.insert(std::string(name)).second);  // every spelling once
    CHECK(coded.insert(code).second);                 // every enumerator once
    CHECK(to_string(code) == name);
    CHECK(diagnostic_code_from_string(name) == code);
    if (code != diagnostic_code::internal_error) CHECK(documented.count(std::string(name)) == 1);
  }
  // internal_error is the last enumerator and they are numbered from 0 without gaps: the table
  // has one row for each, in enumerator order.
  REQUIRE(std::size(diagnostic_code_spellings) == static_cast<std::size_t>(diagnostic_code::internal_error) + 1);
  for (std::size_t i = 0; i < std::size(diagnostic_code_spellings); ++i) {
    const auto code = static_cast<diagnostic_code>(i);
    INFO("enumerator " << i);
    CHECK(diagnostic_code_spellings[i].second == code);
    CHECK(diagnostic_code_from_string(to_string(code)) == code);
  }
  for (const auto& code : documented) {
    INFO("code " << code << " is in docs/errors.md but has no enumerator");
    CHECK(diagnostic_code_from_string(code).has_value());
  }
  CHECK(spelled.size() == documented.size() + 1);
  CHECK_FALSE(diagnostic_code_from_string("no_such_code").has_value());
  CHECK_FALSE(diagnostic_code_from_string("").has_value());
}

TEST_CASE("load_rules throws rules_error with the diagnostics try_load_rules returns", "[bad_rules]") {
  const fs::path yaml = corpus_directory() / "multiple-errors.yaml";
  const load_result result = matchfund::try_load_rules(yaml);
  REQUIRE(result.diagnostics.size() >= 8);
  try {
    (void)matchfund::load_rules(yaml);
    FAIL("load_rules did not throw");
  } catch (const matchfund::rules_error& e) {
    CHECK(e.diagnostics() == result.diagnostics);
    std::string lines;
    for (const auto& d : result.diagnostics) lines += (lines.empty() ? "" : "\n") + d.to_string();
    CHECK(std::string(e.what()) == lines);
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of valid files: whatever the damage, the loader answers with rules or diagnostics.

namespace {

// A copy of rules/spec-worked-example.yaml, so that the mutations stay the same when the
// bundled example changes.
constexpr std::string_view worked_example = R"yaml(# The worked example of the matching semantics (SPEC §10).
matchfund: 1
campaign:
  id: worked-example
  name: Worked example
  currency: CNY
  timezone: "+08:00"
  start: 2021-09-07T00:00:00+08:00
  end: 2021-09-09T00:00:00+08:00
projects:
  - { id: p1, organization: o1 }
  - { id: p2, organization: o2 }
  - { id: p3, organization: o3 }
funds:
  - id: F
    funder: Example Foundation
    budget: "100.00"
    releases:
      - { at: 2021-09-07T10:00:00+08:00, amount: "60.00" }
      - { at: 2021-09-08T10:00:00+08:00, amount: "40.00" }
rules:
  - id: M
    description: 1:1 from 10:00 each day, at most 30.00 of match per donor per day
    sources: [F]
    ratio: "1"
    windows: [ { daily: "10:00-24:00" } ]
    caps:
      - { per: donor, period: day, measure: match, max: "30.00" }
)yaml";

// A valid file that uses most of the format, so that mutations reach most of the loader.
constexpr std::string_view every_part = R"yaml(matchfund: 1
campaign:
  id: every-part
  name: 模糊测试 every part
  currency: CNY
  timezone: "+08:00"
  start: 2021-09-07T00:00:00+08:00
  end: 2021-09-10T00:00:00+08:00
  seed: 20210907
projects:
  - { id: p1, organization: o1, region: 上海, category: health, tags: [green, kids], attr: { pledge: "500.00", target: "1000.00", verified: true, stars: 3 } }
  - { id: p2, organization: o2, region: 广东, tags: [kids], attr: { pledge: "200.00", target: "400.00", verified: false, stars: 5 } }
  - { id: p3, organization: o2, attr: { verified: true } }
donors:
  - { id: alice, attr: { flagged: false, employer: acme } }
  - { id: bob, attr: { flagged: true } }
funds:
  - id: platform
    funder: 平台
    budget: 2.9999亿
    daily: { from: 2021-09-07, to: 2021-09-09, at: "09:00", amount: 9999万 }
    expire_unused: true
  - id: pledges
    funder: Pledgers
    budget: "700.00"
    sub_budgets: { per: project, amount_from: project.attr.pledge }
    leftover: retro
  - id: rest
    budget: "1000.00"
    releases:
      - { at: 2021-09-07T10:00:00+08:00, amount: "600.00" }
      - { at: 2021-09-08T10:00:00+08:00, amount: "400.00" }
rules:
  - id: random
    priority: 10
    sources: [platform]
    windows: [ { from: 2021-09-07T00:00:00+08:00, to: 2021-09-10T00:00:00+08:00, daily: "09:00-24:00" } ]
    eligible: { not: { field: donor.attr.flagged, op: "==", value: true, default: false } }
    min_donation: "1.00"
    matchable_max: "1000.00"
    probability: "70%"
    ratio: { random: { min: "0.05", max: "1.00", step: "0.05" } }
    caps:
      - { id: once-a-day, per: donor_project, period: day, measure: count, max: 1 }
      - { per: "attr:donor.attr.employer", period: year, year_start: "04-01", measure: donation, max: "5000.00" }
  - id: bonus
    priority: 20
    sources: [platform]
    ratio_of:
      rule: random
      tiers:
        - { when: { field: donation.attr.flowers, op: ">=", value: 99, default: 0 }, ratio: "0.10" }
        - { ratio: "0.05" }
  - id: pledge-match
    priority: 30
    sources: [pledges, rest]
    eligible:
      all:
        - { field: project.tags, op: contains, value: kids }
        - any:
            - { field: project.region, op: in, value: [上海, 广东] }
            - { field: donation.local_clock, op: ">=", value: "20:00" }
        - { field: rule.random.matched, op: "==", value: "0" }
    ratio:
      tiers:
        - { when: { field: donation.amount, op: ">=", value: "100.00" }, ratio: "2" }
        - { ratio: "1" }
    partial: skip
    rounding: half_even
    exclusive: true
    on_refund: forfeit
    settle: { when: { field: project.raised, op: ">=", value: "10" }, payments: { min: 2, within_days: 30 } }
  - id: gift
    priority: 40
    sources: [rest]
    eligible: { field: donation.local_date, op: "<=", value: "2021-09-08" }
    amount: { random: { min: "1.00", max: "5.00" } }
    caps:
      - { per: project, measure: match, max_from: project.attr.pledge }
caps:
  - { id: daily-999, per: donor, period: day, measure: match, max: "999.00", rules: [random, bonus] }
closeout:
  - { id: share, kind: proportional, from: rest, weight: project.donors, eligible: { field: project.attr.verified, op: "==", value: true }, max_share: "50%" }
  - { id: even, kind: equal, budget: "10.00", cap: "5.00" }
  - { id: qf, kind: quadratic, budget: "100.00", min_contribution: "1.00", saturation: gitcoin }
  - id: blocks
    kind: fixed
    from: rest
    amounts:
      - { project: p1, amount: "10.00" }
      - { organization: o2, amount: "20.00", when: { field: project.raised, op: ">", value: "0" } }
  - { id: challenge, kind: challenge, from: rest, target_from: project.attr.target, pay: { ratio: "1", cap: "100.00" }, all_or_nothing: false }
  - { id: retro, kind: rematch, rule: pledge-match }
tests:
  - id: one-donation
    events:
      - { id: d1, time: 2021-09-07T10:00:00+08:00, donor: alice, project: p1, amount: "20.00", attr: { flowers: 100 } }
      - { kind: refund, id: r1, time: 2021-09-07T11:00:00+08:00, ref: d1, amount: "5.00" }
    expect:
      matched:
        d1: { pledge-match: "20.00" }
      funds:
        pledges: { drawn: "20.00", exhausted_at: "" }
)yaml";

// SplitMix64: the same numbers on every platform (std distributions are not).
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto stop = end == std::string_view::npos ? text.size() : end + 1;
    lines.emplace_back(text.substr(start, stop - start));
    start = stop;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line;
  return text;
}

enum class mutation { delete_line, swap_lines, truncate, insert_bytes, duplicate_line, replace_byte };
constexpr mutation all_mutations[] = {mutation::delete_line,  mutation::swap_lines,     mutation::truncate,
                                      mutation::insert_bytes, mutation::duplicate_line, mutation::replace_byte};

const char* name_of(mutation m) {
  switch (m) {
    case mutation::delete_line: return "delete a line";
    case mutation::swap_lines: return "swap two lines";
    case mutation::truncate: return "truncate";
    case mutation::insert_bytes: return "insert bytes";
    case mutation::duplicate_line: return "duplicate a line";
    case mutation::replace_byte: return "replace a byte";
  }
  return "?";
}

// Bytes that matter to YAML, to the scalar grammars and to UTF-8, and then any byte at all.
char random_byte(random_source& random) {
  static constexpr std::string_view significant = ":-{}[],#&*!|>'\"%@`?\t\n\r 0123456789.+eE_x万亿TZ";
  if (random.below(4) != 0) return significant[random.below(significant.size())];
  return static_cast<char>(random.below(256));
}

std::string mutate(std::string_view base, mutation kind, random_source& random) {
  auto lines = split_lines(base);
  std::string text(base);
  switch (kind) {
    case mutation::delete_line:
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(random.below(lines.size())));
      return join(lines);
    case mutation::swap_lines:
      std::swap(lines[random.below(lines.size())], lines[random.below(lines.size())]);
      return join(lines);
    case mutation::truncate:
      return text.substr(0, random.below(text.size() + 1));
    case mutation::insert_bytes: {
      std::string inserted;
      for (std::size_t n = 1 + random.below(8); n > 0; --n) inserted += random_byte(random);
      return text.insert(random.below(text.size() + 1), inserted);
    }
    case mutation::duplicate_line: {
      const auto which = random.below(lines.size());
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(random.below(lines.size() + 1)), lines[which]);
      return join(lines);
    }
    case mutation::replace_byte:
      text[random.below(text.size())] = random_byte(random);
      return text;
  }
  return text;
}

}  // namespace

TEST_CASE("mutated rules files give rules or diagnostics and never an exception", "[bad_rules][fuzz]") {
  constexpr std::uint64_t seeds = 300;
  const std::pair<const char*, std::string_view> bases[] = {{"worked example", worked_example},
                                                            {"every part", every_part}};
  for (const auto& [base_name, base] : bases) {
    INFO("base: " << base_name);
    const load_result unchanged = matchfund::try_load_rules_text(base, "fuzz.yaml", corpus_directory());
    INFO(render(unchanged.diagnostics));
    REQUIRE(unchanged.ok());  // otherwise every mutation below would fail for the same reason
  }
  std::size_t failed = 0, rejected = 0, accepted = 0;
  for (const auto& [base_name, base] : bases) {
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      for (const mutation kind : all_mutations) {
        random_source random(seed * 0x100 + static_cast<std::uint64_t>(kind));
        const std::string text = mutate(base, kind, random);
        bool threw = false;
        load_result result;
        try {
          result = matchfund::try_load_rules_text(text, "fuzz.yaml", corpus_directory());
        } catch (...) {
          threw = true;
        }
        const bool good = !threw && (result.ok() ? result.diagnostics.empty()
                                                 : !result.diagnostics.empty() && !has_internal_error(result.diagnostics));
        if (!good && ++failed <= 10) {
          // Only the first few failures in full: one bug tends to fail many seeds.
          INFO("base " << base_name << ", seed " << seed << ", " << name_of(kind) << (threw ? ": threw" : "")
                       << "\n--- text ---\n" << text << "\n--- diagnostics ---\n" << render(result.diagnostics));
          CHECK(good);
        }
        (result.ok() ? accepted : rejected) += good ? 1 : 0;
      }
    }
  }
  CHECK(failed == 0);
  // The mutations must actually break files, or the test proves little.
  CHECK(rejected > accepted);
}
