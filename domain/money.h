// Money without floating point: integer minor units of an ISO 4217 currency, formatting and
// parsing that respect each currency's minor unit, and conversion with dated exchange rates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "events/schema/common_generated.h"
#include "events/status.h"

namespace rapport::domain {

// Minor-unit exponent of an ISO 4217 code (EUR 2, JPY 0, BHD 3); nullopt if unknown.
std::optional<int> CurrencyExponent(std::string_view code);
// ok for a known ISO 4217 code; invalid_argument naming `field` otherwise.
Status ValidateCurrency(std::string_view code, std::string_view field);

// "1234.50 EUR" (minus sign for negatives, no grouping, as many decimals as the currency).
std::string FormatMoney(int64_t amount_minor, std::string_view currency);
// "1,234.50 EUR": grouped for people.
std::string FormatMoneyGrouped(int64_t amount_minor, std::string_view currency);

// The largest amount rapport takes, in minor units either way: 10^15 (10,000,000,000,000.00
// EUR). Far beyond any deal, and small enough that sums over millions of records cannot
// come near int64's bounds in practice (the read models' totals saturate if they ever do).
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;
// ok when |amount_minor| <= kMaxAmountMinor; invalid_argument naming `field` otherwise.
Status CheckAmountBound(int64_t amount_minor, std::string_view currency, std::string_view field);

struct MoneyAmount {
  int64_t amount_minor = 0;
  std::string currency;
};

// Parses "1234.5 EUR", "EUR 1234.50", "1,234.50 EUR", "1234" (in `default_currency`).
// Refuses more decimals than the currency has, unknown currencies and amounts beyond
// kMaxAmountMinor, naming `field` and giving an example.
Result<MoneyAmount> ParseMoney(std::string_view text, std::string_view default_currency,
                               std::string_view field);

// Dated exchange rates into the workspace's home currency. A rate is units of home currency
// per unit of the foreign currency, as rate_e9 / 1e9, in force from its effective date until
// the next one.
class ExchangeRates {
 public:
  explicit ExchangeRates(std::string home = "") : home_(std::move(home)) {}
  const std::string& home() const { return home_; }
  void set_home(std::string home) { home_ = std::move(home); }

  void Set(const std::string& currency, int32_t effective_day, int64_t rate_e9);
  const std::map<std::string, std::map<int32_t, int64_t>>& all() const { return rates_; }
  // The rate in force on `day`, 0 if none is known yet.
  int64_t RateOn(const std::string& currency, int32_t day) const;

  // Converts into the home currency with the rate in force on `day`, rounding half away
  // from zero to the home currency's minor unit. failed_precondition naming the currency
  // and date when no rate is in force.
  Result<int64_t> ToHome(int64_t amount_minor, const std::string& currency, int32_t day) const;

 private:
  std::string home_;
  std::map<std::string, std::map<int32_t, int64_t>> rates_;  // currency -> day -> rate_e9
};

}  // namespace rapport::domain
