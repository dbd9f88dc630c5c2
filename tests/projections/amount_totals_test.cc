// Totals of amounts in the read models (boards, diffs, forecasts, reports) saturate at int64's
// bounds instead of overflowing: the handler fuzzer built a diff whose total overflowed (UBSan
// reported it) before the domain bounded amounts to 10^15 minor units.
#include <catch2/catch.hpp>

#include <climits>

#include "projections/query_internal.h"

using rapport::projections::internal::AddAmount;
using rapport::projections::internal::PercentOf;
using rapport::projections::internal::SubAmount;

TEST_CASE("amount totals saturate instead of overflowing", "[projections][money]") {
  CHECK(AddAmount(1, 2) == 3);
  CHECK(AddAmount(-5, 3) == -2);
  CHECK(AddAmount(INT64_MAX - 1, 1) == INT64_MAX);
  CHECK(AddAmount(INT64_MAX - 1, 5) == INT64_MAX);
  CHECK(AddAmount(8'751'735'936'722'284'933, 8'751'735'933'184'009'057) == INT64_MAX);  // the fuzzer's pair
  CHECK(AddAmount(INT64_MIN + 1, -5) == INT64_MIN);
  CHECK(AddAmount(INT64_MAX, INT64_MIN) == -1);
  CHECK(SubAmount(5, 7) == -2);
  CHECK(SubAmount(INT64_MAX, -1) == INT64_MAX);
  CHECK(SubAmount(INT64_MIN, 1) == INT64_MIN);
  CHECK(SubAmount(0, INT64_MIN) == INT64_MAX);
  CHECK(PercentOf(1000, 40) == 400);
  CHECK(PercentOf(INT64_MAX, 100) == INT64_MAX);
  CHECK(PercentOf(INT64_MAX, 80) == static_cast<int64_t>(static_cast<__int128>(INT64_MAX) * 80 / 100));
  CHECK(PercentOf(-1000, 10) == -100);
}

TEST_CASE("a waterfall whose totals are each within int64 reconciles without overflowing", "[projections][money]") {
  rapport::projections::PipelineDiff d;
  d.start = INT64_MAX - 10;
  d.added = 20;
  d.won = 20;
  d.end = INT64_MAX - 10;
  CHECK(d.Reconciles());
  d.end = INT64_MAX;
  CHECK_FALSE(d.Reconciles());
}
