// Forward compatibility: events written by a newer rapport, of types this build does not
// know, are passed over safely and counted.
#include "events/event_json.h"
#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

namespace {
// An event of type 200, which this build does not know, with a table a future schema wrote.
NewEvent FutureEvent() {
  NewEvent e;
  e.type = static_cast<fb::Payload>(200);
  e.write_payload = [](flatbuffers::FlatBufferBuilder& fbb) {
    auto s = fbb.CreateString("from the future");
    auto start = fbb.StartTable();
    fbb.AddOffset(4, s);
    fbb.AddElement<int64_t>(6, 42, 0);
    return flatbuffers::Offset<void>(fbb.EndTable(start));
  };
  return e;
}
}  // namespace

TEST_CASE("events of unknown types are skipped and counted, never fatal",
          "[events][compat]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  REQUIRE(log->Append(NotesTo("a", {"deal", "D-1"}, ExpectedVersion::Any())).ok());
  AppendRequest future = NotesTo("b", {"deal", "D-1"}, ExpectedVersion::Any());
  future.writes[0].events[0] = FutureEvent();
  REQUIRE(log->Append(future).ok());
  REQUIRE(log->Append(NotesTo("c", {"deal", "D-1"}, ExpectedVersion::Any())).ok());

  auto e = log->Get(2);
  REQUIRE(e.ok());
  CHECK_FALSE(e->view().known_type());
  CHECK(e->view().type_name() == "unknown(200)");
  CHECK(e->view().payload_as<fb::NoteLogged>() == nullptr);

  SECTION("iterators skip them when asked and count them") {
    auto it = log->NewIterator({.skip_unknown_types = true});
    std::vector<uint64_t> seen;
    for (it->Seek(1); it->Valid(); it->Next()) seen.push_back(it->event().position());
    CHECK(it->status().ok());
    CHECK(seen == std::vector<uint64_t>{1, 3});
    CHECK(it->unknown_skipped() == 1);
  }
  SECTION("iterators return them, marked unknown, by default") {
    auto it = log->NewIterator();
    int unknown = 0, n = 0;
    for (it->Seek(1); it->Valid(); it->Next(), ++n) unknown += it->event().known_type() ? 0 : 1;
    CHECK(n == 3);
    CHECK(unknown == 1);
  }
  SECTION("verify counts them without calling them problems") {
    auto r = log->Verify();
    REQUIRE(r.ok());
    CHECK(r->ok());
    CHECK(r->unknown_type_events == 1);
  }
  SECTION("JSON shows the envelope and says the type is unknown") {
    auto j = EventToJson(e->view());
    CHECK(j["type"] == "unknown(200)");
    CHECK(j["known"] == false);
    CHECK_FALSE(j.contains("payload"));
    CHECK(j["stream"] == "deal/D-1");
  }
}

TEST_CASE("known events render as JSON from the schema", "[events][json]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  AppendRequest r = NotesTo("c1", {"activity", "A-1"}, ExpectedVersion::NoStream(), 1,
                            "Émilie said \"yes\"");
  r.correlation_id = "corr-1";
  r.writes[0].events[0].occurred_at_us = *ParseIso8601("2024-02-06T09:30:00Z");
  r.writes[0].events[0].data_subject = "C-3";
  REQUIRE(log->Append(r).ok());
  auto j = EventToJson(log->Get(1)->view());
  CHECK(j["type"] == "NoteLogged");
  CHECK(j["occurred_at"] == "2024-02-06T09:30:00Z");
  CHECK(j["correlation_id"] == "corr-1");
  CHECK(j["data_subject"] == "C-3");
  CHECK(j["payload"]["body"] == "Émilie said \"yes\" 0");
  CHECK(j["payload"]["activity_id"] == "A");
}
