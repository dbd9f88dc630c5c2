#include "events/clock.h"

#include <catch2/catch.hpp>

using namespace rapport;

TEST_CASE("ISO 8601 dates and instants parse to UTC microseconds", "[events][time]") {
  CHECK(*ParseIso8601("1970-01-01") == 0);
  CHECK(*ParseIso8601("2017-06-30") == DaysFromCivil(2017, 6, 30) * kMicrosPerDay);
  CHECK(*ParseIso8601("2017-06-30T12:00:00Z") ==
        DaysFromCivil(2017, 6, 30) * kMicrosPerDay + 12 * 3600 * kMicrosPerSecond);
  CHECK(*ParseIso8601("2017-06-30T14:00:00+02:00") == *ParseIso8601("2017-06-30T12:00:00Z"));
  CHECK(*ParseIso8601("2017-06-30T10:30-01:30") == *ParseIso8601("2017-06-30T12:00:00Z"));
  CHECK(*ParseIso8601("20170630T120000Z") == *ParseIso8601("2017-06-30T12:00:00Z"));
  CHECK(*ParseIso8601("2017-06-30 12:00:00.25Z") ==
        *ParseIso8601("2017-06-30T12:00:00Z") + 250000);
  CHECK(*ParseIso8601("2016-02-29") == DaysFromCivil(2016, 2, 29) * kMicrosPerDay);
}

TEST_CASE("malformed instants are refused with a reason", "[events][time]") {
  for (const char* bad : {"", "2017", "2017-13-01", "2017-02-29", "2017-06-31", "2017-06-30T25:00",
                          "2017-06-30T12:00:00Zjunk", "yesterday", "1969-12-31",
                          "2017-06-30T12:00:00+25:00"}) {
    INFO(bad);
    auto r = ParseIso8601(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find("ISO 8601") != std::string::npos);
  }
}

TEST_CASE("instants format as ISO 8601 UTC and round-trip", "[events][time]") {
  CHECK(FormatIso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatIso8601(*ParseIso8601("2017-06-30T12:34:56.5Z")) == "2017-06-30T12:34:56.5Z");
  CHECK(FormatIsoDate(*ParseIso8601("2024-02-29T23:59:59Z")) == "2024-02-29");
  for (Micros t : {Micros{1}, Micros{1'500'000'000'123'456}, kMaxMicros}) {
    CHECK(*ParseIso8601(FormatIso8601(t)) == t);
  }
  // Any instant a client sends formats without overflow: the handler fuzzer sent a diff from
  // an instant near INT64_MIN, and days * micros-per-day went below it (UBSan).
  CHECK(FormatIso8601(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(FormatIso8601(INT64_MIN) == "-290308-12-21T19:59:05.224192Z");
  CHECK(FormatIso8601(INT64_MAX) == "294247-01-10T04:00:54.775807Z");
}

TEST_CASE("civil dates convert both ways across centuries", "[events][time]") {
  for (int64_t days = -800000; days < 800000; days += 997) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    REQUIRE(DaysFromCivil(y, m, d) == days);
  }
}

TEST_CASE("months are added across year 0000 and before it", "[events][time]") {
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(2017, 1, 31)), 1) == DaysFromCivil(2017, 2, 28));
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(2017, 3, 15)), -24) == DaysFromCivil(2015, 3, 15));
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(0, 1, 15)), -1) == DaysFromCivil(-1, 12, 15));
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(-1, 12, 31)), 2) == DaysFromCivil(0, 2, 29));  // 0000 leaps
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(-5, 3, 31)), -1) == DaysFromCivil(-5, 2, 28));
  CHECK(AddMonths(static_cast<int32_t>(DaysFromCivil(-4, 3, 31)), -13) == DaysFromCivil(-5, 2, 28));
  // The smallest day an int32 holds, -5877641-06-23: before, a month before year 0000 came
  // out of range (a read past the table of month lengths).
  CHECK(AddMonths(INT32_MIN, 1) == INT32_MIN + 30);
}
