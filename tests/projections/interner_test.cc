// The interner numbers strings in first-seen order and finds them again, across the table's
// growth; its snapshot bytes depend only on that order.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "projections/interner.h"

using rapport::projections::Interner;
using rapport::projections::Sym;

TEST_CASE("the interner numbers strings in first-seen order and finds every one after growing", "[projections][interner]") {
  Interner in;
  CHECK(in.Intern("") == 0);
  CHECK(in.Find("") == 0);
  // Enough strings to grow the table many times, with shared prefixes like record ids and
  // strings that differ only at the end.
  std::vector<std::string> strings;
  for (int i = 0; i < 200'000; ++i) strings.push_back("contact/ct-" + std::to_string(i));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50'000; ++i) strings.push_back(std::to_string(rng()));
  for (size_t i = 0; i < strings.size(); ++i) {
    REQUIRE(in.Find(strings[i]) == 0);
    REQUIRE(in.Intern(strings[i]) == static_cast<Sym>(i + 1));
  }
  CHECK(in.count() == strings.size() + 1);
  for (size_t i = 0; i < strings.size(); ++i) {
    REQUIRE(in.Intern(strings[i]) == static_cast<Sym>(i + 1));  // again: the same number
    REQUIRE(in.Find(strings[i]) == static_cast<Sym>(i + 1));
    REQUIRE(in.View(static_cast<Sym>(i + 1)) == strings[i]);
  }
  CHECK(in.count() == strings.size() + 1);
  CHECK(in.Find("contact/ct-200000") == 0);
  CHECK(in.Find("contact/ct-") == 0);
  CHECK(in.View(static_cast<Sym>(strings.size() + 1)).empty());
}

TEST_CASE("the interner's snapshot round-trips and refuses duplicates", "[projections][interner]") {
  Interner a;
  for (int i = 0; i < 5'000; ++i) a.Intern("s" + std::to_string(i * 7919 % 5'000));
  rapport::projections::BinaryWriter w;
  a.Serialize(&w);

  Interner b;
  b.Intern("left over");  // Deserialize replaces what was there
  rapport::projections::BinaryReader r(w.bytes());
  REQUIRE(b.Deserialize(&r));
  REQUIRE(b.count() == a.count());
  for (Sym id = 1; id < a.count(); ++id) REQUIRE(b.View(id) == a.View(id));
  CHECK(b.Find("left over") == 0);
  rapport::projections::BinaryWriter again;
  b.Serialize(&again);
  CHECK(again.bytes() == w.bytes());

  rapport::projections::BinaryWriter dup;
  dup.Var(3);
  dup.Str("x");
  dup.Str("x");
  Interner c;
  rapport::projections::BinaryReader rd(dup.bytes());
  CHECK_FALSE(c.Deserialize(&rd));
}

TEST_CASE("record ids are packed into keys and numbered with every other string in first-seen order",
          "[projections][interner]") {
  using rapport::projections::PackRecordId;
  CHECK(PackRecordId("C-1") != 0);
  CHECK(PackRecordId("TSK-999999999999") != 0);
  CHECK(PackRecordId("ABCD-1") != PackRecordId("ABC-1"));
  CHECK(PackRecordId("Z-1") != PackRecordId("AA-1"));
  // Not of the packed shape: interned as strings, and never mistaken for a packed id.
  for (const char* other : {"C-0", "C-012", "c-1", "ABCDE-1", "-1", "C-", "C1", "C-1x", "C-1099511627776",
                            "C-1234567890123", "Ç-1"}) {
    INFO(other);
    CHECK(PackRecordId(other) == 0);
  }
  CHECK(PackRecordId("C-999999999999") != 0);  // 12 digits, the most

  Interner in;
  std::vector<std::string> strings;
  for (int i = 1; i <= 120'000; ++i) {
    strings.push_back("C-" + std::to_string(i));      // packed
    if (i % 3 == 0) strings.push_back("c-" + std::to_string(i));  // a string
    if (i % 5 == 0) strings.push_back("C-0" + std::to_string(i));  // a string
    if (i % 7 == 0) strings.push_back("CO-" + std::to_string(i));  // packed, sparser than in sequence
  }
  for (int i = 5'000; i >= 1; --i) strings.push_back("TKT-" + std::to_string(i * 3));  // backwards
  for (char letter = 'A'; letter <= 'Z'; ++letter) {  // more letter prefixes than get arrays
    for (int i : {1, 2, 900'000'000, 3}) strings.push_back(std::string(1, letter) + "X-" + std::to_string(i));
  }
  for (size_t i = 0; i < strings.size(); ++i) {
    REQUIRE(in.Find(strings[i]) == 0);
    REQUIRE(in.Intern(strings[i]) == static_cast<Sym>(i + 1));
  }
  for (size_t i = 0; i < strings.size(); ++i) {
    REQUIRE(in.Intern(strings[i]) == static_cast<Sym>(i + 1));
    REQUIRE(in.Find(strings[i]) == static_cast<Sym>(i + 1));
    REQUIRE(in.View(static_cast<Sym>(i + 1)) == strings[i]);
  }
  CHECK(in.Find("C-120001") == 0);
  CHECK(in.Find("CO-1") == 0);

  // Read back from its bytes: the same numbers, packed or not.
  rapport::projections::BinaryWriter w;
  in.Serialize(&w);
  Interner back;
  rapport::projections::BinaryReader r(w.bytes());
  REQUIRE(back.Deserialize(&r));
  for (size_t i = 0; i < strings.size(); ++i) REQUIRE(back.Find(strings[i]) == static_cast<Sym>(i + 1));
  rapport::projections::BinaryWriter again;
  back.Serialize(&again);
  CHECK(again.bytes() == w.bytes());

  // An id first seen far ahead of its sequence, which the sequence then reaches: one number.
  Interner ahead;
  REQUIRE(ahead.Intern("D-5000") == 1);
  for (int i = 1; i <= 6'000; ++i) {
    REQUIRE(ahead.Intern("D-" + std::to_string(i)) == static_cast<Sym>(i == 5'000 ? 1 : i < 5'000 ? i + 1 : i));
  }
  CHECK(ahead.Find("D-5000") == 1);
  CHECK(ahead.count() == 6'001);
  // Cleared, it starts again from nothing.
  ahead.Clear();
  CHECK(ahead.Find("D-1") == 0);
  CHECK(ahead.Find("D-5000") == 0);
  CHECK(ahead.Intern("D-7") == 1);
  CHECK(ahead.Find("D-1") == 0);
  rapport::projections::BinaryWriter dup;  // a packed id twice is damage like any other
  dup.Var(3);
  dup.Str("C-7");
  dup.Str("C-7");
  rapport::projections::BinaryReader d(dup.bytes());
  CHECK_FALSE(back.Deserialize(&d));
}
