// Large tables are mapped on their own, aligned for huge pages, and behave as any vector's
// memory: filled, grown, moved and freed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "projections/large_table.h"

using rapport::projections::LargeTableAllocator;
namespace large_table = rapport::projections::large_table;

TEST_CASE("a large table is aligned to a huge page and holds what it is given", "[projections][large-table]") {
  using Table = std::vector<uint64_t, LargeTableAllocator<uint64_t>>;
  Table small(1000, 7);
  Table big((size_t{8} << 20) / sizeof(uint64_t) + 3, 0);
  if (large_table::kThreshold != SIZE_MAX) {  // not an AddressSanitizer build
    CHECK(reinterpret_cast<uintptr_t>(big.data()) % large_table::kHugePage == 0);
  }
  for (size_t i = 0; i < big.size(); ++i) big[i] = i * 3;
  big.resize(big.size() * 2 + 1, 1);  // grows into a new mapping and copies
  bool kept = true;
  for (size_t i = 0; i < big.size() / 2; ++i) kept &= big[i] == i * 3;
  CHECK(kept);
  CHECK(big.back() == 1);
  Table moved = std::move(big);
  CHECK(moved[5] == 15);
  Table copy = moved;
  CHECK(copy == moved);
  for (uint64_t v : small) REQUIRE(v == 7);
  moved = Table();  // frees the mapping
  CHECK(moved.empty());
}
