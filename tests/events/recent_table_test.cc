// RecentTable keeps its promise: every key written after since() is in it with its latest
// value, while its size stays bounded by two generations and a group.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>

#include "events/recent_table.h"

using rapport::events::RecentTable;

TEST_CASE("a recent table holds every key written after since(), with its latest value",
          "[events][recent_table]") {
  const size_t capacity = GENERATE(size_t{1}, size_t{7}, size_t{100});
  RecentTable<uint64_t> table(capacity);
  std::mt19937_64 rng(capacity);
  std::map<std::string, std::pair<uint64_t, uint64_t>> truth;  // key -> (value, position)
  uint64_t position = 0;
  size_t rolls_seen = 0;
  uint64_t last_since = 0;
  for (int group = 0; group < 2000; ++group) {
    const size_t keys = 1 + rng() % 12;
    table.MakeRoom(keys, position + 1);
    for (size_t k = 0; k < keys; ++k) {
      std::string key = "contact/C-" + std::to_string(rng() % 300);
      uint64_t value = rng();
      table.Put(key, value);
      truth[key] = {value, ++position};
    }
    REQUIRE(table.size() <= 2 * std::max<size_t>(capacity, 12));  // 12: the largest group
    REQUIRE(table.since() >= last_since);  // never moves back
    if (table.since() != last_since) ++rolls_seen;
    last_since = table.since();
    for (const auto& [key, vp] : truth) {
      const uint64_t* found = table.Find(key);
      if (vp.second > table.since()) {
        INFO(key << " written at " << vp.second << ", since " << table.since());
        REQUIRE(found != nullptr);
        REQUIRE(*found == vp.first);
      } else if (found != nullptr) {
        REQUIRE(*found == vp.first);  // an old key may linger, but never with a stale value
      }
    }
  }
  CHECK(rolls_seen > 10);  // the test exercised generations rolling over
}

TEST_CASE("a recent table with room to spare never drops anything", "[events][recent_table]") {
  RecentTable<int> table(1000);
  for (int i = 1; i <= 900; ++i) {
    table.MakeRoom(1, i);
    table.Put("k" + std::to_string(i), i);
  }
  CHECK(table.since() == 0);
  for (int i = 1; i <= 900; ++i) REQUIRE(*table.Find("k" + std::to_string(i)) == i);
  CHECK(table.Find("k0") == nullptr);
}
