// Time in rapport: microseconds since the Unix epoch, UTC, as int64 ("Micros").
//
// The log stamps recorded_at with a Clock so tests can inject time. SystemClock is
// thread-safe; ManualClock is thread-safe and only moves when told to.
// ISO 8601 helpers live here too because every layer prints and parses instants.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace rapport {

using Micros = int64_t;

constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;
// The largest instant rapport accepts: 9999-12-31T23:59:59.999999Z.
constexpr Micros kMaxMicros = 253'402'300'799'999'999;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros NowMicros() = 0;
};

// Wall-clock time from std::chrono::system_clock. A process-wide instance.
Clock* SystemClock();

// A clock for tests: returns what it was set to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Micros start) : now_(start) {}
  Micros NowMicros() override { return now_.load(); }
  void Set(Micros t) { now_.store(t); }
  void Advance(Micros d) { now_.fetch_add(d); }

 private:
  std::atomic<Micros> now_;
};

// "2017-06-30T12:34:56.789012Z" (fraction omitted when zero; always UTC, always 'Z').
std::string FormatIso8601(Micros t);
// "2017-06-30" (UTC date of the instant).
std::string FormatIsoDate(Micros t);

// Parses an ISO 8601 date or instant: "2017-06-30" (midnight UTC), "2017-06-30T12:00",
// "2017-06-30T12:00:00Z", "2017-06-30 12:00:00.5+02:00", "20170630T120000Z".
// Returns invalid_argument naming the problem for anything else.
Result<Micros> ParseIso8601(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// `months` calendar months after (or before) a day, clamped to the month's last day
// (2017-01-31 + 1 month = 2017-02-28).
int32_t AddMonths(int32_t day, int months);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace rapport
