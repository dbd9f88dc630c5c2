#include "domain/value.h"

#include <algorithm>
#include <cstdio>

#include "domain/money.h"
#include "domain/text.h"

namespace rapport::domain {

Value NullValue() { return Value(); }

Value TextValue(std::string text) {
  Value v;
  v.kind = ValueKind::Text;
  v.text = std::move(text);
  return v;
}

Value NumberValue(int64_t units, uint8_t scale) {
  Value v;
  v.kind = ValueKind::Number;
  v.int_value = units;
  v.scale = scale;
  return v;
}

Value MoneyValue(int64_t amount_minor, std::string currency) {
  Value v;
  v.kind = ValueKind::Money;
  v.int_value = amount_minor;
  v.currency = std::move(currency);
  return v;
}

Value DateValue(int32_t days) {
  Value v;
  v.kind = ValueKind::Date;
  v.int_value = days;
  v.text = FormatDate(days);
  return v;
}

Value BoolValue(bool b) {
  Value v;
  v.kind = ValueKind::Bool;
  v.int_value = b ? 1 : 0;
  return v;
}

Value ChoiceValue(std::string choice) {
  Value v;
  v.kind = ValueKind::Choice;
  v.text = std::move(choice);
  return v;
}

Value ListValue(std::vector<std::string> items) {
  Value v;
  v.kind = ValueKind::List;
  v.list = std::move(items);
  return v;
}

Value InstantValue(Micros t) {
  Value v;
  v.kind = ValueKind::Instant;
  v.int_value = t;
  return v;
}

Value RefValue(std::string id) {
  Value v;
  v.kind = ValueKind::Ref;
  v.text = std::move(id);
  return v;
}

bool IsNull(const Value& v) { return v.kind == ValueKind::Null; }

bool IsEmpty(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null:
      return true;
    case ValueKind::Text:
    case ValueKind::Choice:
    case ValueKind::Ref:
      return v.text.empty();
    case ValueKind::List:
      return v.list.empty();
    default:
      return false;
  }
}

std::string FormatDate(int32_t days) {
  // From the calendar, not through an instant: days * kMicrosPerDay leaves int64 for days
  // past about ±292,000 years, which an int32 can hold.
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

Status CheckDate(int64_t days, std::string_view field) {
  if (days >= kFirstDay && days <= kLastDay) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + ": day " + std::to_string(days) +
                                 " is not a date rapport keeps (0000-01-01 to 9999-12-31); send "
                                 "days since 1970-01-01, e.g. 17347 for 2017-06-30");
}

std::string FormatValue(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null:
      return "";
    case ValueKind::Text:
    case ValueKind::Choice:
    case ValueKind::Ref:
      return v.text;
    case ValueKind::Number: {
      if (v.scale == 0) return std::to_string(v.int_value);
      bool neg = v.int_value < 0;
      uint64_t u = neg ? 0 - static_cast<uint64_t>(v.int_value) : static_cast<uint64_t>(v.int_value);
      uint64_t p = 1;
      for (int k = 0; k < v.scale; ++k) p *= 10;
      std::string frac = std::to_string(u % p);
      return (neg ? "-" : "") + std::to_string(u / p) + "." +
             std::string(v.scale - frac.size(), '0') + frac;
    }
    case ValueKind::Money:
      return FormatMoney(v.int_value, v.currency);
    case ValueKind::Date:
      return FormatDate(static_cast<int32_t>(v.int_value));
    case ValueKind::Bool:
      return v.int_value ? "true" : "false";
    case ValueKind::List: {
      std::string s;
      for (size_t i = 0; i < v.list.size(); ++i) s += (i ? ", " : "") + v.list[i];
      return s;
    }
    case ValueKind::Instant:
      return FormatIso8601(v.int_value);
  }
  return "";
}

std::string ValueKindName(ValueKind kind) {
  const char* n = fb::EnumNameValueKind(kind);
  std::string s = n ? n : "unknown";
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<int32_t> ParseDate(std::string_view text, std::string_view field) {
  std::string s = Trim(text);
  auto t = ParseIso8601(s);
  // Dates before 1970 (birthdays, founding dates) are dates too, though not instants the log
  // stamps: the Gregorian calendar repeats every 400 years (146097 days), so read the same
  // day 400·k years later and step back.
  int64_t shift = 0;
  if (!t.ok() && s.size() >= 4 &&
      std::all_of(s.begin(), s.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
    int year = std::stoi(s.substr(0, 4));
    if (year < 1970) {
      shift = (1970 - year + 399) / 400;
      t = ParseIso8601(std::to_string(year + 400 * shift) + s.substr(4));
    }
  }
  if (!t.ok()) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(text) +
                                   "' is not a date; write e.g. 2017-06-30");
  }
  return static_cast<int32_t>(*t / kMicrosPerDay - shift * 146097);
}

Result<Value> ParseValue(ValueKind kind, std::string_view raw, std::string_view field,
                         std::string_view default_currency) {
  std::string text = Trim(raw);
  auto bad = [&](const std::string& example) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(raw) + "' is not a " +
                                   ValueKindName(kind) + "; write e.g. " + example);
  };
  switch (kind) {
    case ValueKind::Null:
      return NullValue();
    case ValueKind::Text:
      return TextValue(std::string(raw));
    case ValueKind::Choice:
      return ChoiceValue(text);
    case ValueKind::Ref:
      return RefValue(text);
    case ValueKind::Number: {
      if (text.empty()) return bad("12 or 12.5");
      bool neg = text[0] == '-';
      size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
      __int128 units = 0;
      int scale = -1;
      bool digit = false;
      for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && scale < 0) {
          scale = 0;
          continue;
        }
        if (c == ',' && scale < 0) continue;
        if (c < '0' || c > '9') return bad("12 or 12.5");
        digit = true;
        units = units * 10 + (c - '0');
        if (scale >= 0 && ++scale > 9) return bad("a number with at most 9 decimals");
        if (units > INT64_MAX) return bad("a smaller number");
      }
      if (!digit) return bad("12 or 12.5");
      // One value, one form: "250.0" is 250.
      while (scale > 0 && units % 10 == 0) {
        units /= 10;
        --scale;
      }
      int64_t u = static_cast<int64_t>(units);
      return NumberValue(neg ? -u : u, static_cast<uint8_t>(scale < 0 ? 0 : scale));
    }
    case ValueKind::Money: {
      auto m = ParseMoney(text, default_currency, field);
      if (!m.ok()) return m.status();
      return MoneyValue(m->amount_minor, m->currency);
    }
    case ValueKind::Date: {
      auto d = ParseDate(text, field);
      if (!d.ok()) return d.status();
      return DateValue(*d);
    }
    case ValueKind::Bool: {
      std::string l = text;
      std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
      if (l == "true" || l == "yes" || l == "1" || l == "y") return BoolValue(true);
      if (l == "false" || l == "no" || l == "0" || l == "n") return BoolValue(false);
      return bad("true or false");
    }
    case ValueKind::List: {
      std::vector<std::string> items;
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string item = Trim(std::string_view(text).substr(
            start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!item.empty()) items.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return ListValue(std::move(items));
    }
    case ValueKind::Instant: {
      auto t = ParseIso8601(text);
      if (!t.ok()) return bad("2017-06-30T14:00:00Z");
      return InstantValue(*t);
    }
  }
  return bad("a value");
}

std::unique_ptr<Value> Boxed(const Value& v) { return std::make_unique<Value>(v); }

fb::FieldChangeT MakeChange(std::string field, const Value& old_value, const Value& new_value) {
  fb::FieldChangeT c;
  c.field = std::move(field);
  c.old_value = Boxed(old_value);
  c.new_value = Boxed(new_value);
  return c;
}

}  // namespace rapport::domain
