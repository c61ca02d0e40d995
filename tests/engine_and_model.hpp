// A campaign from rules and events texts, replayed by the engine (matchfund::replay, with
// outcomes.csv) and by the reference model: for focused tests that check exact amounts and that
// both sides agree; and the diagnostics of rules that must not load.
#ifndef MATCHFUND_TESTS_ENGINE_AND_MODEL_HPP
#define MATCHFUND_TESTS_ENGINE_AND_MODEL_HPP

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "file_text.hpp"
#include "matchfund/load_rules.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "reference/reference_model.hpp"

namespace matchfund::testing {

struct both_outputs {
  std::string ledger, outcomes, funds;                    // the engine's files
  std::string model_ledger, model_outcomes, model_funds;  // the reference model's
};

// Every event must be good (a rejected one fails the test).
inline both_outputs replay_engine_and_model(const std::string& rules_text, const std::string& events_text) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("matchfund-engine-and-model-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "rules.yaml", std::ios::binary) << rules_text;
  std::ofstream(dir / "events.csv", std::ios::binary) << events_text;
  const rule_set rules = load_rules(dir / "rules.yaml");
  std::vector<event> events;
  read_event_file(
      rules, dir / "events.csv", 0, [&](event&& e) { events.push_back(std::move(e)); },
      [](rejected_event&& bad) { FAIL("rejected " << bad.id << ": " << to_string(bad.reason)); });
  const auto model = reference::replay(rules, events);
  replay_options options;
  options.trace = true;  // outcomes.csv
  (void)matchfund::replay(rules, std::vector<fs::path>{dir / "events.csv"}, dir / "out", options);
  both_outputs result{read_file(dir / "out" / "ledger.csv"),   read_file(dir / "out" / "outcomes.csv"),
                      read_file(dir / "out" / "funds.csv"),    model.ledger_csv,
                      model.outcomes_csv,                      model.funds_csv};
  fs::remove_all(dir);
  return result;
}

// The engine wrote what the reference model wrote.
inline void check_engine_and_model_agree(const both_outputs& result) {
  CHECK(result.outcomes == result.model_outcomes);
  CHECK(result.ledger == result.model_ledger);
  CHECK(result.funds == result.model_funds);
}

// Every diagnostic of a rules text that must not load, one per line.
inline std::string load_errors(const std::string& rules_text) {
  const auto loaded = try_load_rules_text(rules_text, "r.yaml", std::filesystem::temp_directory_path());
  REQUIRE_FALSE(loaded.ok());
  std::string text;
  for (const auto& d : loaded.diagnostics) text += d.to_string() + "\n";
  return text;
}

}  // namespace matchfund::testing

#endif
