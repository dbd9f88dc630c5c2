#include "events/clock.h"

#include <algorithm>

#include <chrono>
#include <cstdio>

namespace rapport {
namespace {

class SystemClockImpl final : public Clock {
 public:
  Micros NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A small cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Reads exactly n digits.
  bool Digits(int n, int64_t* out) {
    int64_t v = 0;
    for (int k = 0; k < n; ++k) {
      char c = peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++i;
    }
    *out = v;
    return true;
  }
};

Status Bad(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(text) + "' is not an ISO 8601 instant (" +
                                 std::string(why) +
                                 "); use e.g. 2017-06-30 or 2017-06-30T14:05:00Z");
}

}  // namespace

Clock* SystemClock() {
  static SystemClockImpl clock;
  return &clock;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatIso8601(Micros t) {
  int64_t days = FloorDiv(t, kMicrosPerDay);
  // The floor remainder without days * kMicrosPerDay, which overflows near INT64_MIN.
  int64_t rem = t % kMicrosPerDay;
  if (rem < 0) rem += kMicrosPerDay;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), mo, d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, n);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%06lld", static_cast<long long>(frac));
    std::string fs(f);
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  out += 'Z';
  return out;
}

std::string FormatIsoDate(Micros t) { return FormatIso8601(t).substr(0, 10); }

Result<Micros> ParseIso8601(std::string_view text) {
  Cursor c{text};
  int64_t y, mo, d;
  if (!c.Digits(4, &y)) return Bad(text, "expected a 4-digit year");
  bool basic = !c.Eat('-');
  if (!c.Digits(2, &mo)) return Bad(text, "expected a 2-digit month");
  if (!basic && !c.Eat('-')) return Bad(text, "expected '-' after the month");
  if (!c.Digits(2, &d)) return Bad(text, "expected a 2-digit day");
  if (mo < 1 || mo > 12) return Bad(text, "month out of range");
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) {
    return Bad(text, "day out of range for the month");
  }
  int64_t hh = 0, mm = 0, ss = 0, frac_us = 0;
  Micros offset = 0;
  if (!c.done()) {
    if (!c.Eat('T') && !c.Eat('t') && !c.Eat(' ')) return Bad(text, "expected 'T' after the date");
    if (!c.Digits(2, &hh)) return Bad(text, "expected a 2-digit hour");
    bool colon = c.Eat(':');
    if (!c.Digits(2, &mm)) return Bad(text, "expected 2-digit minutes");
    if (c.peek() == ':' || (!colon && c.peek() >= '0' && c.peek() <= '9')) {
      if (colon && !c.Eat(':')) return Bad(text, "expected ':' before the seconds");
      if (!c.Digits(2, &ss)) return Bad(text, "expected 2-digit seconds");
      if (c.Eat('.') || c.Eat(',')) {
        int n = 0;
        while (c.peek() >= '0' && c.peek() <= '9') {
          if (n < 6) frac_us = frac_us * 10 + (c.peek() - '0');
          ++n;
          ++c.i;
        }
        if (n == 0) return Bad(text, "expected digits after the decimal point");
        for (int k = n; k < 6; ++k) frac_us *= 10;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return Bad(text, "time of day out of range");
    if (ss == 60) ss = 59;  // a leap second is clamped to the second before it
    if (c.Eat('Z') || c.Eat('z')) {
    } else if (c.peek() == '+' || c.peek() == '-') {
      int sign = c.peek() == '-' ? -1 : 1;
      ++c.i;
      int64_t oh, om = 0;
      if (!c.Digits(2, &oh)) return Bad(text, "expected a 2-digit offset hour");
      c.Eat(':');
      if (!c.done() && !c.Digits(2, &om)) return Bad(text, "expected 2-digit offset minutes");
      if (oh > 23 || om > 59) return Bad(text, "offset out of range");
      offset = sign * (oh * 3600 + om * 60) * kMicrosPerSecond;
    }
  }
  if (!c.done()) return Bad(text, "unexpected text after the instant");
  Micros t = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kMicrosPerDay +
             (hh * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac_us - offset;
  if (t < 0 || t > kMaxMicros) return Bad(text, "outside 1970..9999");
  return t;
}

int32_t AddMonths(int32_t day, int months) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  // Floor division: years before 0000 count down (total % 12 is negative there).
  int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
  unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
  unsigned last = kDays[nm - 1] + (nm == 2 && leap ? 1 : 0);
  return static_cast<int32_t>(DaysFromCivil(ny, nm, std::min(d, last)));
}

}  // namespace rapport
