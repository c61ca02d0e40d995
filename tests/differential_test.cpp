// The fast engine (through replay) against the deliberately simple reference model of the test
// tree: the same rules and events must give byte-identical ledger, projects, funds and outcomes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "reference/reference_model.hpp"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

using namespace matchfund;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_agreement(const rule_set& rules, const fs::path& events_file) {
  std::vector<event> events;
  read_event_file(
      rules, events_file, 0, [&](event&& e) { events.push_back(std::move(e)); }, [](rejected_event&&) {});
  const std::vector<std::string> names{events_file.generic_string()};
  const auto expected = reference::replay(rules, events, names);

  const fs::path out = fs::temp_directory_path() / ("matchfund-differential-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const std::vector<fs::path> files{events_file};
  (void)matchfund::replay(rules, files, out, replay_options{.trace = true, .lenient = true});
  CHECK(read_file(out / "ledger.csv") == expected.ledger_csv);
  CHECK(read_file(out / "projects.csv") == expected.projects_csv);
  CHECK(read_file(out / "funds.csv") == expected.funds_csv);
  CHECK(read_file(out / "outcomes.csv") == expected.outcomes_csv);
  fs::remove_all(out);
}

}  // namespace

TEST_CASE("engine and reference model agree on the bundled campaigns with events", "[differential]") {
  const fs::path rules_dir = fs::path(MATCHFUND_SOURCE_DIR) / "rules";
  for (const auto& entry : fs::directory_iterator(rules_dir)) {
    const std::string stem = entry.path().stem().string();
    const fs::path events = rules_dir / (stem + "-events.csv");
    if (entry.path().extension() != ".yaml" || !fs::exists(events)) continue;
    DYNAMIC_SECTION(stem) { check_agreement(load_rules(entry.path()), events); }
  }
}
