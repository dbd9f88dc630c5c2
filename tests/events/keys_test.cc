#include "events/keys.h"

#include <catch2/catch.hpp>

using namespace rapport::events;

TEST_CASE("position keys sort in numeric order", "[events][keys]") {
  CHECK(keys::PositionKey(1) < keys::PositionKey(2));
  CHECK(keys::PositionKey(255) < keys::PositionKey(256));
  CHECK(keys::PositionKey(0xffffffff) < keys::PositionKey(0x100000000ULL));
  CHECK(*keys::DecodeU64(keys::PositionKey(123456789012345ULL)) == 123456789012345ULL);
  CHECK_FALSE(keys::DecodeU64("short").has_value());
}

TEST_CASE("a stream's version keys are contiguous and ordered by version", "[events][keys]") {
  StreamName a{"deal", "D-1"}, ab{"deal", "D-10"};
  std::string k1 = keys::StreamVersionKey(a, 1), k2 = keys::StreamVersionKey(a, 300);
  std::string other = keys::StreamVersionKey(ab, 1);
  CHECK(k1 < k2);
  CHECK(k2 < other);  // all of D-1 sorts before any of D-10
  CHECK(k1.rfind(keys::StreamPrefix(a), 0) == 0);
  CHECK(other.rfind(keys::StreamPrefix(a), 0) != 0);
  StreamName parsed;
  uint64_t v = 0;
  REQUIRE(keys::ParseStreamVersionKey(k2, &parsed, &v));
  CHECK(parsed == a);
  CHECK(v == 300);
  CHECK(keys::HeadKey(a) < keys::HeadKey(ab));
  REQUIRE(keys::ParseHeadKey(keys::HeadKey(ab), &parsed));
  CHECK(parsed == ab);
}

TEST_CASE("command records round-trip and reject nonsense", "[events][keys]") {
  keys::CommandRecord r{10, 12, 1234567, 3};
  auto d = keys::DecodeCommandRecord(keys::EncodeCommandRecord(r));
  REQUIRE(d);
  CHECK(d->first_position == 10);
  CHECK(d->last_position == 12);
  CHECK(d->recorded_at_us == 1234567);
  CHECK(d->event_count == 3);
  r.event_count = 7;  // inconsistent with the range
  CHECK_FALSE(keys::DecodeCommandRecord(keys::EncodeCommandRecord(r)));
  CHECK_FALSE(keys::DecodeCommandRecord("garbage"));
}

TEST_CASE("stream names are validated and parsed", "[events][keys]") {
  CHECK(ValidateStreamName({"deal", "D-12"}).ok());
  CHECK(ValidateStreamName({"Deal", "D-12"}).IsInvalidArgument());
  CHECK(ValidateStreamName({"", "D-12"}).IsInvalidArgument());
  CHECK(ValidateStreamName({"deal", ""}).IsInvalidArgument());
  CHECK(ValidateStreamName({"deal", std::string("D\0x", 3)}).IsInvalidArgument());
  CHECK(ValidateStreamName({"deal", std::string(129, 'x')}).IsInvalidArgument());
  auto p = ParseStreamName("contact/C/7");
  REQUIRE(p.ok());
  CHECK(p->type == "contact");
  CHECK(p->id == "C/7");
  CHECK_FALSE(ParseStreamName("nostream").ok());
}
