// The C API's failures: every one an mf_status and a message, never an exception or a crash.
// (Its successful path is examples/c/checkout.c, run against a golden output.)
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "matchfund/matchfund.h"

#ifndef MATCHFUND_SOURCE_DIR
#define MATCHFUND_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;

namespace {

const std::string worked_example = std::string(MATCHFUND_SOURCE_DIR) + "/rules/spec-worked-example.yaml";

mf_event donation(const char* id, const char* time, const char* amount) {
  mf_event e{};
  e.id = id;
  e.time = time;
  e.donor = "A";
  e.project = "p1";
  e.amount = amount;
  return e;
}

}  // namespace

TEST_CASE("C API: rules that do not load give every diagnostic", "[capi]") {
  mf_error error{};
  CHECK(mf_rules_load(nullptr, &error) == nullptr);
  CHECK(error.code == MF_ERROR_ARGUMENT);
  const fs::path bad = std::string(MATCHFUND_SOURCE_DIR) + "/tests/data/bad-rules/duration.yaml";
  CHECK(mf_rules_load(bad.c_str(), &error) == nullptr);
  CHECK(error.code == MF_ERROR_RULES);
  CHECK(std::string(error.message).find("campaign.holds.ttl: invalid duration \"030m\": no leading zeros [duration]") !=
        std::string::npos);
  CHECK(mf_rules_load("/nonexistent/rules.yaml", nullptr) == nullptr);  // a null error is allowed
  CHECK(mf_engine_new(nullptr, &error) == nullptr);
  CHECK(error.code == MF_ERROR_ARGUMENT);
}

TEST_CASE("C API: bad events are decisions, bad calls are statuses", "[capi]") {
  mf_error error{};
  mf_rules* rules = mf_rules_load(worked_example.c_str(), &error);
  REQUIRE(rules != nullptr);
  CHECK(mf_rules_minor_digits(rules) == 2);
  CHECK(std::strlen(mf_rules_sha256(rules)) == 64);
  mf_engine* engine = mf_engine_new(rules, &error);
  REQUIRE(engine != nullptr);
  mf_decision decision{};

  mf_event e = donation("d2", "2021-09-07T10:00:00+08:00", "20.00");
  REQUIRE(mf_engine_process(engine, &e, &decision) == MF_OK);
  CHECK(decision.rejected == 0);
  REQUIRE(decision.rule_count == 1);
  CHECK(std::string(decision.rules[0].rule) == "M");
  CHECK(std::string(decision.rules[0].outcome) == "matched");
  CHECK(decision.rules[0].paid == 2000);
  CHECK(decision.matched == 2000);

  mf_event late = donation("d0", "2021-09-07T09:00:00+08:00", "5.00");  // earlier than d2
  REQUIRE(mf_engine_process(engine, &late, &decision) == MF_OK);
  CHECK(decision.rejected == 1);
  CHECK(std::string(decision.reason) == "out_of_order");
  mf_event garbled = donation("d3", "2021-09-07T10:05:00+08:00", "12.345");
  REQUIRE(mf_engine_process(engine, &garbled, &decision) == MF_OK);
  CHECK(std::string(decision.reason) == "bad_field:amount");
  mf_event hold = donation("h1", "2021-09-07T10:06:00+08:00", "1.00");
  hold.kind = "hold";  // the worked example has no campaign.holds
  REQUIRE(mf_engine_process(engine, &hold, &decision) == MF_OK);
  CHECK(std::string(decision.reason) == "holds_not_enabled");

  mf_attribute unnamed{nullptr, "x"};
  mf_event with_bad_attribute = donation("d4", "2021-09-07T10:07:00+08:00", "1.00");
  with_bad_attribute.attributes = &unnamed;
  with_bad_attribute.attribute_count = 1;
  CHECK(mf_engine_process(engine, &with_bad_attribute, &decision) == MF_ERROR_ARGUMENT);
  CHECK(std::string(mf_engine_error(engine)) == "an attribute without a name");
  mf_event refund = donation("r1", "2021-09-07T10:08:00+08:00", nullptr);
  refund.kind = "refund";
  refund.ref = "d2";
  CHECK(mf_engine_quote(engine, &refund, &decision) == MF_ERROR_ARGUMENT);
  CHECK(std::string(mf_engine_error(engine)) == "mf_engine_quote: a quote is of a donation, not a refund");
  CHECK(mf_engine_process(nullptr, &e, &decision) == MF_ERROR_ARGUMENT);
  CHECK(mf_engine_process(engine, nullptr, &decision) == MF_ERROR_ARGUMENT);

  mf_fund_totals fund{};
  CHECK(mf_engine_fund(engine, "nope", &fund) == MF_ERROR_ARGUMENT);
  CHECK(std::string(mf_engine_error(engine)) == "no fund \"nope\" in the rules");
  REQUIRE(mf_engine_fund(engine, "F", &fund) == MF_OK);
  CHECK(fund.drawn == 2000);
  CHECK(fund.available == 4000);
  mf_project_totals project{};
  REQUIRE(mf_engine_project(engine, "p1", &project) == MF_OK);
  CHECK(project.raised == 2000);
  mf_hold no_hold{};
  CHECK(mf_engine_hold(engine, "h1", &no_hold) == MF_ERROR_ARGUMENT);
  mf_ledger_line line{};
  CHECK(mf_engine_ledger_count(engine) == 1);
  REQUIRE(mf_engine_ledger_line(engine, 0, &line) == MF_OK);
  CHECK(std::string(line.kind) == "match");
  CHECK(std::string(line.donation_id) == "d2");
  CHECK(line.amount == 2000);
  CHECK(mf_engine_ledger_line(engine, 1, &line) == MF_ERROR_ARGUMENT);
  mf_engine_free(engine);
  mf_rules_free(rules);
}

TEST_CASE("C API: snapshots that cannot be restored say why", "[capi][snapshot]") {
  mf_error error{};
  mf_rules* rules = mf_rules_load(worked_example.c_str(), &error);
  REQUIRE(rules != nullptr);
  mf_engine* engine = mf_engine_new(rules, &error);
  const fs::path file = fs::temp_directory_path() / ("matchfund-capi-" + std::to_string(::getpid()) + ".snapshot");
  REQUIRE(mf_engine_save(engine, file.c_str(), 7) == MF_OK);
  CHECK(mf_engine_save(engine, "/nonexistent/dir/x.snapshot", 7) == MF_ERROR_IO);
  std::uint64_t position = 0;
  mf_engine* restored = mf_engine_restore(rules, file.c_str(), &position, &error);
  REQUIRE(restored != nullptr);
  CHECK(position == 7);
  CHECK(error.code == MF_OK);
  mf_engine_free(restored);

  CHECK(mf_engine_restore(rules, "/nonexistent/x.snapshot", nullptr, &error) == nullptr);
  CHECK(error.code == MF_ERROR_IO);
  {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << "not a snapshot";
  }
  CHECK(mf_engine_restore(rules, file.c_str(), nullptr, &error) == nullptr);
  CHECK(error.code == MF_ERROR_SNAPSHOT);
  CHECK(std::string(error.message) == "not a matchfund engine snapshot");
  fs::remove(file);
  mf_engine_free(engine);
  mf_rules_free(rules);
}
