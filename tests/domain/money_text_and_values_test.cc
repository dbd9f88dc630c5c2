// The domain's value rules: money without floats, exchange rates, emails, names, phones,
// domains, and text-to-value conversion.
#include <catch2/catch.hpp>

#include "domain/money.h"
#include "domain/text.h"
#include "domain/value.h"

using namespace rapport;
using namespace rapport::domain;

TEST_CASE("money parses and prints in minor units per currency", "[domain][money]") {
  CHECK(ParseMoney("1250.5 EUR", "", "amount")->amount_minor == 125050);
  CHECK(ParseMoney("EUR 1,250.00", "", "amount")->amount_minor == 125000);
  CHECK(ParseMoney("1250", "USD", "amount")->currency == "USD");
  CHECK(ParseMoney("-3.25 GBP", "", "amount")->amount_minor == -325);
  CHECK(ParseMoney("1500 JPY", "", "amount")->amount_minor == 1500);
  CHECK(ParseMoney("1.234 BHD", "", "amount")->amount_minor == 1234);
  CHECK_THAT(ParseMoney("12.5 JPY", "", "amount").status().message(),
             Catch::Contains("JPY has 0 decimal places"));
  CHECK_THAT(ParseMoney("12.345 EUR", "", "amount").status().message(),
             Catch::Contains("EUR has 2 decimal places"));
  CHECK_THAT(ParseMoney("12 ABC", "", "deal amount").status().message(),
             Catch::Contains("deal amount"));
  CHECK_FALSE(ParseMoney("12", "", "amount").ok());           // no currency anywhere
  CHECK_FALSE(ParseMoney("twelve EUR", "", "amount").ok());
  CHECK_FALSE(ParseMoney("99999999999999999999 EUR", "", "amount").ok());
  // The largest amount rapport takes: 10^15 minor units either way.
  CHECK(ParseMoney("10,000,000,000,000.00 EUR", "", "amount")->amount_minor == kMaxAmountMinor);
  CHECK(ParseMoney("-10000000000000 EUR", "", "amount")->amount_minor == -kMaxAmountMinor);
  CHECK_THAT(ParseMoney("10000000000000.01 EUR", "", "amount").status().message(),
             Catch::Contains("at most 10,000,000,000,000.00 EUR"));
  CHECK_FALSE(ParseMoney("1000000000000001 JPY", "", "amount").ok());
  CHECK(CheckAmountBound(kMaxAmountMinor, "EUR", "x").ok());
  CHECK(CheckAmountBound(-kMaxAmountMinor, "EUR", "x").ok());
  CHECK_FALSE(CheckAmountBound(INT64_MIN, "EUR", "x").ok());
  CHECK(FormatMoney(125050, "EUR") == "1250.50 EUR");
  CHECK(FormatMoney(-5, "EUR") == "-0.05 EUR");
  CHECK(FormatMoney(1500, "JPY") == "1500 JPY");
  CHECK(FormatMoneyGrouped(123456789, "USD") == "1,234,567.89 USD");
  CHECK(FormatMoney(INT64_MIN, "EUR") == "-92233720368547758.08 EUR");
}

TEST_CASE("exchange rates convert with the rate in force on the day", "[domain][money]") {
  ExchangeRates rates("EUR");
  int32_t jan1 = static_cast<int32_t>(DaysFromCivil(2025, 1, 1));
  int32_t jul1 = static_cast<int32_t>(DaysFromCivil(2025, 7, 1));
  rates.Set("USD", jan1, 900'000'000);  // 0.90 EUR per USD
  rates.Set("USD", jul1, 850'000'000);
  rates.Set("JPY", jan1, 6'100'000);    // 0.0061 EUR per JPY
  CHECK_THAT(rates.ToHome(100, "USD", jan1 - 1).status().message(),
             Catch::Contains("no exchange rate from USD to EUR is in force on 2024-12-31"));
  CHECK(*rates.ToHome(10000, "USD", jan1) == 9000);        // 100.00 USD -> 90.00 EUR
  CHECK(*rates.ToHome(10000, "USD", jul1 - 1) == 9000);
  CHECK(*rates.ToHome(10000, "USD", jul1) == 8500);
  CHECK(*rates.ToHome(1000, "JPY", jul1) == 610);          // 1000 JPY -> 6.10 EUR
  CHECK(*rates.ToHome(1, "USD", jan1) == 1);               // 0.9 cent rounds half away from zero
  CHECK(*rates.ToHome(-1, "USD", jan1) == -1);
  CHECK(*rates.ToHome(12345, "EUR", 0) == 12345);
}

TEST_CASE("emails are validated and compared normalised", "[domain][text]") {
  CHECK(ValidateEmail("marie@radium.example", "email").ok());
  CHECK(ValidateEmail("  m.curie+lab@Radium.Example ", "email").ok());
  for (const char* bad : {"", "marie", "marie@", "@radium.example", "marie@radium", "ma rie@x.example",
                          "a@b@c.example", "marie@radium..example"}) {
    INFO(bad);
    CHECK(ValidateEmail(bad, "emails").IsInvalidArgument());
  }
  CHECK(NormalizeEmail("  Marie@Radium.EXAMPLE ") == "marie@radium.example");
}

TEST_CASE("names fold case and accents for comparison", "[domain][text]") {
  CHECK(FoldName("  Émilie du Châtelet") == "emilie du chatelet");
  CHECK(FoldName("ÅNGSTRÖM, Anders") == "angstrom anders");
  CHECK(FoldName("Łukasz Żółć") == "lukasz zolc");
  CHECK(FoldName("Straße") == "strasse");
  CHECK(FoldName("O'Brien-Smith") == "o brien smith");
  CHECK(FoldName("e\xCC\x81mile") == "emile");  // combining acute accent
  CHECK(FoldName("山田 太郎") == "山田 太郎");     // other scripts kept
}

TEST_CASE("phones, domains and ids are validated", "[domain][text]") {
  CHECK(ValidatePhone("+49 (30) 1234-567", "phone").ok());
  CHECK(NormalizePhone("+49 (30) 1234-567") == "+49301234567");
  CHECK(ValidatePhone("1234", "phone").IsInvalidArgument());
  CHECK(ValidatePhone("+49 30 abc", "phone").IsInvalidArgument());
  CHECK(*NormalizeDomain("https://www.Acme.Example/about", "domain") == "acme.example");
  CHECK_FALSE(NormalizeDomain("acme", "domain").ok());
  CHECK_FALSE(NormalizeDomain("acme .example", "domain").ok());
  CHECK(ValidateRecordId("D-12", "deal").ok());
  CHECK(ValidateRecordId("bad id", "deal").IsInvalidArgument());
  CHECK(ValidateText("line1\nline2", "notes", 100, false, true).ok());
  CHECK(ValidateText("line1\nline2", "name", 100, false, false).IsInvalidArgument());
  CHECK(ValidateText("\xff\xfe", "name", 100, false).IsInvalidArgument());
  CHECK(ValidateText("   ", "name", 100, true).IsInvalidArgument());
}

TEST_CASE("text converts to typed values the way people write them", "[domain][values]") {
  CHECK(ParseValue(ValueKind::Number, "12.55", "x", "EUR")->int_value == 1255);
  CHECK(ParseValue(ValueKind::Number, "12.55", "x", "EUR")->scale == 2);
  // One value, one form: trailing zeros do not make a different number.
  CHECK(*ParseValue(ValueKind::Number, "12.50", "x", "EUR") == NumberValue(125, 1));
  CHECK(*ParseValue(ValueKind::Number, "250.0", "x", "EUR") == NumberValue(250));
  CHECK(FormatValue(*ParseValue(ValueKind::Number, "-0.05", "x", "EUR")) == "-0.05");
  CHECK(ParseValue(ValueKind::Money, "99", "x", "EUR")->currency == "EUR");
  CHECK(FormatValue(*ParseValue(ValueKind::Date, "2017-06-30", "x", "")) == "2017-06-30");
  CHECK(ParseValue(ValueKind::Bool, "Yes", "x", "")->int_value == 1);
  CHECK(ParseValue(ValueKind::List, " a, b ,,c ", "x", "")->list ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK_THAT(ParseValue(ValueKind::Date, "30/06/2017", "close", "").status().message(),
             Catch::Contains("close: '30/06/2017' is not a date"));
  CHECK_FALSE(ParseValue(ValueKind::Bool, "maybe", "x", "").ok());
  CHECK_FALSE(ParseValue(ValueKind::Number, "1e5", "x", "").ok());
  CHECK(IsEmpty(ListValue({})));
  CHECK(IsEmpty(TextValue("")));
  CHECK_FALSE(IsEmpty(BoolValue(false)));
}

TEST_CASE("dates as day numbers: the range rapport keeps, and any int32 formats", "[domain][values]") {
  CHECK(kFirstDay == DaysFromCivil(0, 1, 1));
  CHECK(kLastDay == DaysFromCivil(9999, 12, 31));
  CHECK(*ParseDate("0000-01-01", "d") == kFirstDay);
  CHECK(*ParseDate("9999-12-31", "d") == kLastDay);
  CHECK(FormatDate(0) == "1970-01-01");
  CHECK(FormatDate(17347) == "2017-06-30");
  CHECK(FormatDate(static_cast<int32_t>(kFirstDay)) == "0000-01-01");
  CHECK(FormatDate(static_cast<int32_t>(kLastDay)) == "9999-12-31");
  CHECK(FormatDate(-1) == "1969-12-31");
  // Past what an instant in microseconds can hold (days * 86,400,000,000 leaves int64).
  CHECK(FormatDate(INT32_MAX) == "5881580-07-11");
  CHECK(FormatDate(INT32_MIN) == "-5877641-06-23");
  CHECK(CheckDate(kFirstDay, "d").ok());
  CHECK(CheckDate(kLastDay, "d").ok());
  CHECK_THAT(CheckDate(kLastDay + 1, "close_date").message(),
             Catch::Contains("close_date: day 2932897 is not a date rapport keeps (0000-01-01 to 9999-12-31)"));
  CHECK(CheckDate(kFirstDay - 1, "d").code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(CheckDate(INT32_MAX, "d").ok());
}

TEST_CASE("text is truncated on a character boundary", "[domain][text]") {
  CHECK(TruncateUtf8("abc", 5) == "abc");
  CHECK(TruncateUtf8("abcdef", 3) == "abc");
  CHECK(TruncateUtf8("ab\xC3\xA9", 3) == "ab");          // "abé": é is 2 bytes, not split
  CHECK(TruncateUtf8("ab\xE2\x82\xAC" "c", 4) == "ab");  // "ab€c": € is 3 bytes
  CHECK(TruncateUtf8("ab\xE2\x82\xAC" "c", 5) == "ab\xE2\x82\xAC");
}
