// Atomicity and validation: a bad request is refused whole, naming the field at fault.
#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

namespace {
void RequireNothingWritten(EventLog* log, uint64_t last) {
  CHECK(log->LastPosition() == last);
  auto report = log->Verify();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked == last);
}
}  // namespace

TEST_CASE("a conflict on any stream of a command writes none of its streams",
          "[events][atomicity]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  REQUIRE(log->Append(NotesTo("seed", {"contact", "C-2"}, ExpectedVersion::Any())).ok());
  AppendRequest r = NotesTo("merge", {"contact", "C-1"}, ExpectedVersion::Any(), 3);
  StreamWrite w;
  w.stream = {"contact", "C-2"};
  w.expected = ExpectedVersion::NoStream();  // C-2 exists: conflict
  w.events.push_back(Note("x"));
  r.writes.push_back(std::move(w));
  auto res = log->Append(r);
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().IsConflict());
  CHECK(*log->StreamVersion({"contact", "C-1"}) == 0);
  CHECK_FALSE(log->LookupCommand("merge")->has_value());
  RequireNothingWritten(log.get(), 1);
}

TEST_CASE("malformed requests are refused naming the field", "[events][validation]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  AppendRequest good = NotesTo("ok", {"deal", "D-1"}, ExpectedVersion::Any());
  struct Case {
    const char* what;
    std::function<void(AppendRequest*)> spoil;
    const char* mentions;
  };
  std::vector<Case> cases = {
      {"no command id", [](AppendRequest* r) { r->command_id.clear(); }, "command_id"},
      {"control characters in the command id", [](AppendRequest* r) { r->command_id = "a\nb"; },
       "command_id"},
      {"no actor", [](AppendRequest* r) { r->actor.clear(); }, "actor"},
      {"no writes", [](AppendRequest* r) { r->writes.clear(); }, "writes"},
      {"no events for a stream", [](AppendRequest* r) { r->writes[0].events.clear(); }, "writes"},
      {"bad stream type", [](AppendRequest* r) { r->writes[0].stream.type = "Deal!"; },
       "stream type"},
      {"empty stream id", [](AppendRequest* r) { r->writes[0].stream.id.clear(); }, "stream id"},
      {"an event with no type", [](AppendRequest* r) { r->writes[0].events[0].type = fb::Payload::NONE; },
       "event type"},
      {"an occurred_at before 1970",
       [](AppendRequest* r) { r->writes[0].events[0].occurred_at_us = -5; }, "occurred_at"},
      {"an event over 1 MiB",
       [](AppendRequest* r) { r->writes[0].events[0] = Note(std::string(1 << 20, 'x')); },
       "1 MiB"},
      {"a payload writer that builds garbage",
       [](AppendRequest* r) {
         // A string where a NoteLogged table should be.
         r->writes[0].events[0].write_payload = [](flatbuffers::FlatBufferBuilder& fbb) {
           return flatbuffers::Offset<void>(fbb.CreateString("x").o);
         };
       },
       "malformed"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    AppendRequest bad = good;
    c.spoil(&bad);
    auto r = log->Append(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsInvalidArgument());
    CHECK_THAT(r.status().message(), Catch::Contains(c.mentions));
  }
  RequireNothingWritten(log.get(), 0);
  REQUIRE(log->Append(good).ok());
  CHECK(log->LastPosition() == 1);
}

TEST_CASE("too many events in one command are refused", "[events][validation]") {
  TempDir dir;
  LogOptions o = TestOptions(dir.path());
  o.max_events_per_request = 10;
  auto log = OpenOrDie(o);
  auto r = log->Append(NotesTo("big", {"deal", "D-1"}, ExpectedVersion::Any(), 11));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("the limit is 10"));
  RequireNothingWritten(log.get(), 0);
}
