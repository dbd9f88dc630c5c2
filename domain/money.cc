#include "domain/money.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "domain/value.h"
#include "events/clock.h"

namespace rapport::domain {
namespace {

struct Currency {
  const char* code;
  int exponent;
};

// ISO 4217 codes in current use, with their minor units.
constexpr std::array<Currency, 78> kCurrencies = {{
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2},
    {"CAD", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CZK", 2}, {"DKK", 2},
    {"DZD", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"GHS", 2}, {"HKD", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0},
    {"KES", 2}, {"KRW", 0}, {"KWD", 3}, {"KZT", 2}, {"LKR", 2}, {"LYD", 3}, {"MAD", 2},
    {"MXN", 2}, {"MYR", 2}, {"NGN", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PEN", 2},
    {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"VND", 0}, {"XAF", 0}, {"XOF", 0},
    {"ZAR", 2}, {"BAM", 2}, {"BOB", 2}, {"CRC", 2}, {"DOP", 2}, {"ETB", 2}, {"GEL", 2},
    {"GTQ", 2}, {"HRK", 2}, {"JMD", 2}, {"MNT", 2}, {"NPR", 2}, {"PYG", 0}, {"TZS", 2},
    {"VES", 2},
}};

int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string Format(int64_t minor, std::string_view currency, bool grouped) {
  int exp = CurrencyExponent(currency).value_or(2);
  bool neg = minor < 0;
  // Work in unsigned to print INT64_MIN correctly.
  uint64_t u = neg ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  uint64_t p = static_cast<uint64_t>(Pow10(exp));
  std::string whole = std::to_string(u / p);
  if (grouped) {
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  }
  std::string out = neg ? "-" + whole : whole;
  if (exp > 0) {
    std::string frac = std::to_string(u % p);
    out += "." + std::string(exp - frac.size(), '0') + frac;
  }
  return out + " " + std::string(currency);
}

}  // namespace

std::optional<int> CurrencyExponent(std::string_view code) {
  for (const auto& c : kCurrencies) {
    if (code == c.code) return c.exponent;
  }
  return std::nullopt;
}

Status ValidateCurrency(std::string_view code, std::string_view field) {
  if (CurrencyExponent(code)) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + ": '" + std::string(code) +
                                 "' is not an ISO 4217 currency code this rapport knows "
                                 "(use e.g. EUR, USD, GBP, JPY)");
}

std::string FormatMoney(int64_t amount_minor, std::string_view currency) {
  return Format(amount_minor, currency, false);
}

std::string FormatMoneyGrouped(int64_t amount_minor, std::string_view currency) {
  return Format(amount_minor, currency, true);
}

Result<MoneyAmount> ParseMoney(std::string_view text, std::string_view default_currency,
                               std::string_view field) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(text) +
                                   "' is not an amount (" + why +
                                   "); write e.g. 1250.00 EUR or 1250");
  };
  std::string s = Trim(text);
  std::string currency;
  // A 3-letter code at either end.
  auto is_code = [](std::string_view c) {
    return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) {
             return ch >= 'A' && ch <= 'Z';
           });
  };
  if (s.size() > 4 && is_code(std::string_view(s).substr(s.size() - 3)) && s[s.size() - 4] == ' ') {
    currency = s.substr(s.size() - 3);
    s = Trim(std::string_view(s).substr(0, s.size() - 4));
  } else if (s.size() > 4 && is_code(std::string_view(s).substr(0, 3)) && s[3] == ' ') {
    currency = s.substr(0, 3);
    s = Trim(std::string_view(s).substr(4));
  } else {
    currency = std::string(default_currency);
  }
  if (currency.empty()) return bad("no currency given and no default");
  auto exp = CurrencyExponent(currency);
  if (!exp) return ValidateCurrency(currency, field);
  if (s.empty()) return bad("no number");
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  __int128 whole = 0;
  int64_t frac = 0;
  int frac_digits = 0;
  bool seen_digit = false, in_frac = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == ',' && !in_frac) continue;  // thousands separator
    if (c == '.' && !in_frac) {
      in_frac = true;
      continue;
    }
    if (c < '0' || c > '9') return bad(std::string("unexpected '") + c + "'");
    seen_digit = true;
    if (in_frac) {
      if (++frac_digits > *exp) {
        return bad(currency + " has " + std::to_string(*exp) + " decimal places");
      }
      frac = frac * 10 + (c - '0');
    } else {
      whole = whole * 10 + (c - '0');
      if (whole > INT64_MAX) return bad("too large");
    }
  }
  if (!seen_digit) return bad("no digits");
  for (int k = frac_digits; k < *exp; ++k) frac *= 10;
  __int128 minor = whole * Pow10(*exp) + frac;
  if (minor > kMaxAmountMinor) return bad("at most " + FormatMoneyGrouped(kMaxAmountMinor, currency));
  int64_t v = static_cast<int64_t>(minor);
  return MoneyAmount{neg ? -v : v, currency};
}

Status CheckAmountBound(int64_t amount_minor, std::string_view currency, std::string_view field) {
  if (amount_minor >= -kMaxAmountMinor && amount_minor <= kMaxAmountMinor) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + ": " + std::to_string(amount_minor) +
                                 " minor units is beyond the largest amount rapport takes, " +
                                 FormatMoneyGrouped(kMaxAmountMinor, currency) + " either way");
}

void ExchangeRates::Set(const std::string& currency, int32_t effective_day, int64_t rate_e9) {
  rates_[currency][effective_day] = rate_e9;
}

int64_t ExchangeRates::RateOn(const std::string& currency, int32_t day) const {
  if (currency == home_) return 1'000'000'000;
  auto c = rates_.find(currency);
  if (c == rates_.end()) return 0;
  auto it = c->second.upper_bound(day);
  if (it == c->second.begin()) return 0;
  return std::prev(it)->second;
}

Result<int64_t> ExchangeRates::ToHome(int64_t amount_minor, const std::string& currency,
                                      int32_t day) const {
  if (currency == home_) return amount_minor;
  int64_t rate = RateOn(currency, day);
  if (rate == 0) {
    return Status::FailedPrecondition(
        "no exchange rate from " + currency + " to " + home_ + " is in force on " +
        FormatDate(day) +
        ": set one with `rapport workspace rate " + currency + " RATE --from DATE`");
  }
  int from_exp = CurrencyExponent(currency).value_or(2);
  int to_exp = CurrencyExponent(home_).value_or(2);
  // amount_minor / 10^from * rate/1e9 * 10^to, rounded half away from zero.
  __int128 num = static_cast<__int128>(amount_minor) * rate;
  __int128 den = static_cast<__int128>(1'000'000'000);
  if (to_exp >= from_exp) {
    num *= Pow10(to_exp - from_exp);
  } else {
    den *= Pow10(from_exp - to_exp);
  }
  __int128 q = num / den, r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) q += (num < 0) ? -1 : 1;
  if (q > INT64_MAX || q < INT64_MIN) return Status::InvalidArgument("converted amount overflows");
  return static_cast<int64_t>(q);
}

}  // namespace rapport::domain
