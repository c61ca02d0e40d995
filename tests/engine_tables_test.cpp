// The engine's own tables (src/): chunked_vector, string_arena, id_index, key_set and
// counter_table, each against a plain standard container on random data, across chunk
// boundaries and table growth.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "support/chunked_vector.hpp"
#include "engine/counter_table.hpp"
#include "support/id_index.hpp"
#include "support/key_set.hpp"
#include "support/string_arena.hpp"

using namespace matchfund::detail;

TEST_CASE("chunked_vector keeps elements in place across chunks", "[tables]") {
  struct odd_sized {
    std::uint64_t a;
    std::uint32_t b;
    std::uint8_t c;
  };  // 16 bytes: 131,072 a chunk
  chunked_vector<odd_sized> v;
  CHECK(v.empty());
  const std::size_t n = 3 * chunked_vector<odd_sized>::chunk_length + 7;
  std::vector<const odd_sized*> addresses;
  for (std::size_t i = 0; i < n; ++i) {
    addresses.push_back(&v.emplace_back(odd_sized{i, static_cast<std::uint32_t>(i * 3), static_cast<std::uint8_t>(i)}));
  }
  REQUIRE(v.size() == n);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (&v[i] != addresses[i] || v[i].a != i || v[i].b != i * 3 || v[i].c != static_cast<std::uint8_t>(i)) break;
    ++checked;
  }
  CHECK(checked == n);
  std::size_t visited = 0;
  for (const auto& element : v) visited += element.a == visited ? 1U : 0U;
  CHECK(visited == n);
  CHECK(v.back().a == n - 1);
  v.clear();
  CHECK(v.size() == 0);
  v.push_back({5, 6, 7});
  CHECK(v[0].b == 6);
}

TEST_CASE("string_arena keeps texts and counted texts of any length", "[tables]") {
  string_arena arena;
  std::vector<std::string> texts = {"", "a", std::string(127, 'x'), std::string(128, 'y'), std::string(16383, 'z'),
                                    std::string(16384, 'w'), std::string(3u << 20, 'v'), "\xE6\x8D\x90\xE8\xB5\xA0"};
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) texts.push_back(std::string(random() % 40, static_cast<char>('a' + random() % 26)));
  std::vector<const char*> counted;
  std::vector<std::string_view> plain;
  for (const auto& text : texts) {
    counted.push_back(arena.store_counted(text));
    plain.push_back(arena.store(text));
  }
  std::size_t same = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (string_arena::counted(counted[i]) == texts[i] && plain[i] == texts[i]) ++same;
  }
  CHECK(same == texts.size());
  CHECK(string_arena::counted(nullptr).empty());
}

TEST_CASE("id_index finds exactly the ids inserted, through growth and reserve", "[tables]") {
  // Grown by doubling only, reserved for all before the first id, or reserved when half are in.
  const int reserve_after = GENERATE(-1, 0, 150000);
  std::vector<std::string> ids;
  const auto id_at = [](const void* owner, std::uint32_t at) -> std::string_view {
    return (*static_cast<const std::vector<std::string>*>(owner))[at];
  };
  id_index index(id_at, &ids);
  CHECK_FALSE(index.find("nothing"));
  std::mt19937_64 random(11);
  std::unordered_map<std::string, std::uint32_t> model;
  for (int i = 0; i < 300000; ++i) {
    if (i == reserve_after) index.reserve(300000);
    std::string id = "id-" + std::to_string(random() % 1'000'000);
    if (model.contains(id)) continue;
    ids.push_back(id);
    const auto at = static_cast<std::uint32_t>(ids.size() - 1);
    index.insert(id, at);
    model.emplace(id, at);
  }
  CHECK(index.size() == model.size());
  std::size_t right = 0;
  for (const auto& [id, at] : model) right += index.find(id) == at ? 1U : 0U;
  CHECK(right == model.size());
  std::size_t absent = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = "id-" + std::to_string(1'000'000 + random() % 1'000'000);
    absent += index.contains(id) ? 0U : 1U;
  }
  CHECK(absent == 100000);
  // prefetch() gives the hash bits that candidate() follows to the first id with them.
  const auto bits = index.prefetch(ids.front());
  CHECK(index.candidate(bits).has_value());
}

TEST_CASE("key_set and counter_table agree with standard containers", "[tables]") {
  std::mt19937_64 random(13);
  key_set keys;
  std::unordered_set<std::uint64_t> model_keys;
  counter_table counters;
  std::unordered_map<std::uint64_t, std::uint32_t> model_counters;  // packed key -> counter
  std::size_t agreed = 0;
  const int rounds = 400000;
  for (int i = 0; i < rounds; ++i) {
    const std::uint64_t key = (random() % 5000) << 32 | (random() % 3000);
    keys.prefetch(key);
    agreed += keys.insert(key) == model_keys.insert(key).second ? 1U : 0U;

    const cap_key cap{random() % 20000, static_cast<std::int32_t>(random() % 10) - 5, static_cast<std::uint32_t>(random() % 4)};
    const std::uint64_t packed = cap.scope << 8 | static_cast<std::uint64_t>(cap.period + 5) << 4 | cap.cap;
    counters.prefetch(cap);
    const auto found = counters.find(cap);
    const auto expected = model_counters.find(packed);
    if (expected == model_counters.end()) {
      agreed += found ? 0U : 1U;
      const auto counter = static_cast<std::uint32_t>(model_counters.size());
      counters.insert(cap, counter);
      model_counters.emplace(packed, counter);
    } else {
      agreed += found == expected->second ? 1U : 0U;
    }
  }
  CHECK(agreed == 2 * static_cast<std::size_t>(rounds));
  CHECK(keys.size() == model_keys.size());
}
