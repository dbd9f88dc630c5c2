// Helpers shared by the query implementations (internal to projections/).
#pragma once

#include <set>
#include <string>

#include "domain/money.h"
#include "domain/value.h"
#include "projections/queries.h"

namespace rapport::projections::internal {

// The UTC day (days since 1970-01-01) of the view's instant.
inline int32_t ViewDay(const AsOf& at) { return static_cast<int32_t>(at.instant / kMicrosPerDay); }

// Totals of amounts (minor units): `total + v`, held at int64's bounds instead of overflowing.
// The domain takes amounts up to 10^15 (domain::kMaxAmountMinor), so only ~9,000 of the
// largest could reach the bound; a total must still never be undefined behaviour.
inline int64_t AddAmount(int64_t total, int64_t v) {
  int64_t sum;
  if (__builtin_add_overflow(total, v, &sum)) return v > 0 ? INT64_MAX : INT64_MIN;
  return sum;
}
// `a - b`, held at int64's bounds the same way.
inline int64_t SubAmount(int64_t a, int64_t b) {
  int64_t d;
  if (__builtin_sub_overflow(a, b, &d)) return b < 0 ? INT64_MAX : INT64_MIN;
  return d;
}
// `amount` × `percent` / 100 without overflow (percent is 0..100, so the result fits).
inline int64_t PercentOf(int64_t amount, int percent) {
  return static_cast<int64_t>(static_cast<__int128>(amount) * percent / 100);
}

inline int DaysBetween(Micros from, Micros to) {
  return from <= 0 || to < from ? 0 : static_cast<int>((to - from) / kMicrosPerDay);
}

// Converts into the home currency, remembering which conversions had no rate.
class Converter {
 public:
  Converter(const ReadModel& m, const AsOf& at)
      : m_(m), rates_(m.org.Rates(at)), home_sym_(m.strings.Find(rates_.home())) {}
  const std::string& home() const { return rates_.home(); }
  // false when no rate is in force (the amount should stay out of totals).
  bool ToHome(int64_t amount, Sym currency, int32_t day, int64_t* out) {
    if (currency == home_sym_ || currency == 0) {
      *out = amount;
      return true;
    }
    std::string cur = m_.strings.Str(currency);
    if (cur.empty() || cur == rates_.home()) {
      *out = amount;
      return true;
    }
    auto r = rates_.ToHome(amount, cur, day);
    if (!r.ok()) {
      missing_.insert(cur + " on " + domain::FormatDate(day));
      *out = 0;
      return false;
    }
    *out = *r;
    return true;
  }
  void Warnings(std::vector<std::string>* out) const {
    for (const auto& m : missing_) {
      out->push_back("no exchange rate into " + rates_.home() + " for " + m +
                     ": those amounts are left out of totals (set one with SetExchangeRate)");
    }
  }

 private:
  const ReadModel& m_;
  domain::ExchangeRates rates_;
  Sym home_sym_;
  std::set<std::string> missing_;
};

// The pipeline a query is about: by id, or the first one that exists in the view.
Result<PipelineView> FindPipeline(const ReadModel& m, const AsOf& at, std::string_view id);

// Users a team has in the view, by team id ("" for none).
std::set<Sym> TeamMembers(const ReadModel& m, const AsOf& at, std::string_view team_id);

}  // namespace rapport::projections::internal
