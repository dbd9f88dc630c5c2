// Field values: the typed values records hold and field-level changes carry (fb::ValueT, the
// object-API form of the Value table in events/schema/common.fbs), with constructors,
// display, and conversion from text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/clock.h"
#include "events/schema/common_generated.h"
#include "events/status.h"

namespace rapport::domain {

using Value = fb::ValueT;
using ValueKind = fb::ValueKind;

Value NullValue();
Value TextValue(std::string text);
Value NumberValue(int64_t units, uint8_t scale = 0);  // units x 10^-scale
Value MoneyValue(int64_t amount_minor, std::string currency);
Value DateValue(int32_t days_since_epoch);
Value BoolValue(bool b);
Value ChoiceValue(std::string choice);
Value ListValue(std::vector<std::string> items);
Value InstantValue(Micros t);
Value RefValue(std::string id);

bool IsNull(const Value& v);
// An empty text, list or ref counts as null too (cleared).
bool IsEmpty(const Value& v);

// For people: "Marie", "1250.00 EUR", "2017-06-30", "true", "a, b", "" for null.
std::string FormatValue(const Value& v);

// Converts `text` into a value of `kind`, as a person would type it:
//   Number "12.5", Money "1250 EUR" (currency defaults to `default_currency`), Date
//   "2017-06-30", Bool "true|false|yes|no|1|0", List "a, b, c", Instant ISO 8601.
// invalid_argument names `field` and shows an example.
Result<Value> ParseValue(ValueKind kind, std::string_view text, std::string_view field,
                         std::string_view default_currency);

std::string ValueKindName(ValueKind kind);

// A boxed copy for object-API fields that hold std::unique_ptr<ValueT>.
std::unique_ptr<Value> Boxed(const Value& v);

// A FieldChange of `field` from `old_value` to `new_value`.
fb::FieldChangeT MakeChange(std::string field, const Value& old_value, const Value& new_value);

// Days since 1970-01-01 of an ISO date "2017-06-30" (or instant); invalid_argument naming field.
Result<int32_t> ParseDate(std::string_view text, std::string_view field);
// "2017-06-30" for days since 1970-01-01; any int32 (years past 9999 get more digits).
std::string FormatDate(int32_t days);

// The dates rapport keeps, as days since 1970-01-01: 0000-01-01 to 9999-12-31, what ParseDate
// accepts. Commands that carry a date as a number (a deal's expected close, a contract's
// renewal) are checked against them.
constexpr int64_t kFirstDay = -719528;
constexpr int64_t kLastDay = 2932896;
// ok if `days` is one of those dates; otherwise invalid_argument naming `field`.
Status CheckDate(int64_t days, std::string_view field);

}  // namespace rapport::domain
