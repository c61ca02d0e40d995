// Which ids the replay may hand the engine as new: never one that repeats an earlier id, and
// every id of an increasing run or with a hash never seen.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "read/id_novelty.hpp"

using matchfund::detail::id_novelty;

namespace {

std::vector<bool> verdicts(id_novelty& novelty, const std::vector<std::string>& ids) {
  std::vector<bool> out;
  for (const auto& id : ids) out.push_back(novelty.is_new(id));
  return out;
}

}  // namespace

TEST_CASE("increasing ids are new; a short run that ends leaves nothing unknown", "[replay][novelty]") {
  id_novelty novelty(100);
  // By length, then bytes: n-9 < n-10.
  CHECK(verdicts(novelty, {"n-8", "n-9", "n-10", "n-11"}) == std::vector<bool>{true, true, true, true});
  // The run ends; its ids were kept by hash, so only true repeats are doubted.
  CHECK(verdicts(novelty, {"a", "n-9", "b", "n-12", "a", "n-1"}) ==
        std::vector<bool>{true, false, true, true, false, true});
}

TEST_CASE("after a long increasing run, ids not above it are doubted; above it, only repeats", "[replay][novelty]") {
  id_novelty novelty(0);
  constexpr int run = 70'000;  // more than the run's ids kept by hash
  int new_in_run = 0;
  for (int i = 1; i <= run; ++i) new_in_run += novelty.is_new("n-" + std::to_string(i));
  CHECK(new_in_run == run);
  CHECK(verdicts(novelty, {
                              "n-5",       // a repeat of the run
                              "n-69999",   // a repeat of the run
                              "m-1",       // not a repeat, but not above the run's top: doubted
                              "n-70000",   // the top itself
                              "n-70001",   // above the run, never seen
                              "n-70001",   // a repeat above the run
                              "zz-999999", // above the run, never seen
                          }) == std::vector<bool>{false, false, false, false, true, false, true});
}

TEST_CASE("ids in no order: every repeat is doubted, every first sight is new", "[replay][novelty]") {
  id_novelty novelty(1000);
  std::vector<std::string> ids;
  std::vector<bool> expected;
  std::uint64_t x = 7;
  std::vector<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string id = (i % 10 == 9 && !seen.empty()) ? seen[(x >> 33) % seen.size()] : std::to_string(x >> 20);
    const bool first = std::find(seen.begin(), seen.end(), id) == seen.end();
    if (first) seen.push_back(id);
    ids.push_back(id);
    expected.push_back(first);
  }
  CHECK(verdicts(novelty, ids) == expected);
  CHECK(std::count(expected.begin(), expected.end(), false) >= 400);
}
