// Optimistic concurrency: an append states what it expects of each stream; a mismatch is a
// conflict that names the actual version and writes nothing.
#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

TEST_CASE("appends assign gap-free positions and per-stream versions", "[events][append]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName a{"deal", "D-1"}, b{"deal", "D-2"};
  auto r1 = log->Append(NotesTo("c1", a, ExpectedVersion::NoStream(), 2));
  REQUIRE(r1.ok());
  CHECK(r1->first_position == 1);
  CHECK(r1->last_position == 2);
  CHECK_FALSE(r1->duplicate);
  auto r2 = log->Append(NotesTo("c2", b, ExpectedVersion::NoStream()));
  REQUIRE(r2.ok());
  CHECK(r2->first_position == 3);
  auto r3 = log->Append(NotesTo("c3", a, ExpectedVersion::Exact(2)));
  REQUIRE(r3.ok());
  CHECK(r3->first_position == 4);
  CHECK(log->LastPosition() == 4);
  CHECK(*log->StreamVersion(a) == 3);
  CHECK(*log->StreamVersion(b) == 1);
  CHECK(*log->StreamVersion({"deal", "D-404"}) == 0);

  auto e = log->Get(4);
  REQUIRE(e.ok());
  CHECK(e->view().stream_version() == 3);
  CHECK(e->view().stream_id() == "D-1");
  CHECK(e->view().command_id() == "c3");
  CHECK(e->view().actor() == "u-test");
  CHECK(e->view().schema_version() == kEnvelopeSchemaVersion);
  CHECK(e->view().recorded_at_us() >= r1->recorded_at_us);
}

TEST_CASE("a conflicting expected version names the actual version and writes nothing",
          "[events][append]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName a{"deal", "D-12"};
  REQUIRE(log->Append(NotesTo("c1", a, ExpectedVersion::NoStream(), 7)).ok());

  SECTION("exact version behind") {
    auto r = log->Append(NotesTo("c2", a, ExpectedVersion::Exact(5)));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsConflict());
    CHECK(r.status().message().find("deal/D-12 is at version 7, expected version 5") !=
          std::string::npos);
  }
  SECTION("no-stream on an existing stream") {
    auto r = log->Append(NotesTo("c2", a, ExpectedVersion::NoStream()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsConflict());
    CHECK(r.status().message().find("expected no stream") != std::string::npos);
  }
  SECTION("stream-exists on a missing stream") {
    auto r = log->Append(NotesTo("c2", {"deal", "D-13"}, ExpectedVersion::StreamExists()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().IsConflict());
    CHECK(r.status().message().find("at version 0") != std::string::npos);
  }
  CHECK(log->LastPosition() == 7);
  CHECK(*log->StreamVersion(a) == 7);
  CHECK_FALSE(log->LookupCommand("c2")->has_value());
  auto report = log->Verify();
  REQUIRE(report.ok());
  CHECK(report->ok());
}

TEST_CASE("any-version appends never conflict", "[events][append]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName a{"contact", "C-1"};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log->Append(NotesTo("c" + std::to_string(i), a, ExpectedVersion::Any())).ok());
  }
  CHECK(*log->StreamVersion(a) == 5);
}

TEST_CASE("one command may write several streams atomically", "[events][append]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  AppendRequest merge = NotesTo("merge-1", {"contact", "C-1"}, ExpectedVersion::Any(), 2);
  StreamWrite second;
  second.stream = {"contact", "C-2"};
  second.expected = ExpectedVersion::NoStream();
  second.events.push_back(Note("merged into C-1"));
  merge.writes.push_back(std::move(second));
  auto r = log->Append(merge);
  REQUIRE(r.ok());
  CHECK(r->first_position == 1);
  CHECK(r->last_position == 3);
  CHECK(*log->StreamVersion({"contact", "C-1"}) == 2);
  CHECK(*log->StreamVersion({"contact", "C-2"}) == 1);
  // The same stream twice in one command continues its versions.
  AppendRequest twice = NotesTo("twice", {"contact", "C-3"}, ExpectedVersion::NoStream());
  StreamWrite again;
  again.stream = {"contact", "C-3"};
  again.expected = ExpectedVersion::Exact(1);
  again.events.push_back(Note("again"));
  twice.writes.push_back(std::move(again));
  REQUIRE(log->Append(twice).ok());
  CHECK(*log->StreamVersion({"contact", "C-3"}) == 2);
  CHECK(log->Verify()->ok());
}
