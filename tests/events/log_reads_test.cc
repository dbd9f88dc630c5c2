// Reads: one event, streams both ways, the log as of an instant, tailing.
#include <atomic>
#include <thread>

#include "events/aligned.h"
#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

TEST_CASE("streams read forward and backward from any version", "[events][reads]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName a{"deal", "D-1"}, b{"deal", "D-10"};
  for (int i = 0; i < 5; ++i) {
    REQUIRE(log->Append(NotesTo("a" + std::to_string(i), a, ExpectedVersion::Any())).ok());
    REQUIRE(log->Append(NotesTo("b" + std::to_string(i), b, ExpectedVersion::Any())).ok());
  }
  auto versions = [](const std::vector<Event>& evs) {
    std::vector<uint64_t> v;
    for (auto& e : evs) v.push_back(e->stream_version());
    return v;
  };
  std::vector<Event> out;
  REQUIRE(log->ReadStream(a, 1, EventLog::Direction::kForward, 100, &out).ok());
  CHECK(versions(out) == std::vector<uint64_t>{1, 2, 3, 4, 5});
  for (auto& e : out) CHECK(e->stream_id() == "D-1");  // not D-10
  out.clear();
  REQUIRE(log->ReadStream(a, 3, EventLog::Direction::kForward, 2, &out).ok());
  CHECK(versions(out) == std::vector<uint64_t>{3, 4});
  out.clear();
  REQUIRE(log->ReadStream(a, 0, EventLog::Direction::kBackward, 3, &out).ok());
  CHECK(versions(out) == std::vector<uint64_t>{5, 4, 3});
  out.clear();
  REQUIRE(log->ReadStream(b, 2, EventLog::Direction::kBackward, 100, &out).ok());
  CHECK(versions(out) == std::vector<uint64_t>{2, 1});
  out.clear();
  REQUIRE(log->ReadStream({"deal", "D-2"}, 0, EventLog::Direction::kBackward, 100, &out).ok());
  CHECK(out.empty());
  CHECK(log->ReadStream({"Deal", "x"}, 0, EventLog::Direction::kForward, 1, &out)
            .IsInvalidArgument());
}

TEST_CASE("the log as of an instant ends at the last event recorded by then", "[events][reads]") {
  TempDir dir;
  ManualClock clock(1'000'000'000);
  auto log = OpenOrDie(TestOptions(dir.path(), &clock));
  // Three commands at t=1000s, 2000s and 3000s (the middle one with 3 events).
  REQUIRE(log->Append(NotesTo("a", {"deal", "D-1"}, ExpectedVersion::Any())).ok());
  clock.Set(2'000'000'000);
  REQUIRE(log->Append(NotesTo("b", {"deal", "D-1"}, ExpectedVersion::Any(), 3)).ok());
  clock.Set(3'000'000'000);
  REQUIRE(log->Append(NotesTo("c", {"deal", "D-1"}, ExpectedVersion::Any())).ok());
  CHECK(*log->PositionAt(999'999'999) == 0);
  CHECK(*log->PositionAt(1'000'000'000) == 1);
  CHECK(*log->PositionAt(1'999'999'999) == 1);
  CHECK(*log->PositionAt(2'000'000'000) == 4);
  CHECK(*log->PositionAt(2'500'000'000) == 4);
  CHECK(*log->PositionAt(kMaxMicros) == 5);
  // An iterator bounded by that position reads exactly the log as it was.
  auto it = log->NewIterator({.upto_position = *log->PositionAt(2'500'000'000)});
  int n = 0;
  for (it->Seek(1); it->Valid(); it->Next()) ++n;
  CHECK(n == 4);
}

TEST_CASE("Get names the end of the log for positions past it", "[events][reads]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  REQUIRE(log->Append(NotesTo("a", {"deal", "D-1"}, ExpectedVersion::Any())).ok());
  CHECK(log->Get(0).status().IsNotFound());
  auto r = log->Get(2);
  CHECK(r.status().IsNotFound());
  CHECK_THAT(r.status().message(), Catch::Contains("ends at 1"));
}

TEST_CASE("a tailer waiting for events wakes when one is appended", "[events][reads]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  // Nothing to wait for: returns at the timeout with the current end.
  CHECK(log->WaitForEvents(0, std::chrono::milliseconds(10)) == 0);
  std::atomic<uint64_t> seen{0};
  std::thread waiter([&] { seen = log->WaitForEvents(0, std::chrono::seconds(30)); });
  REQUIRE(log->Append(NotesTo("a", {"deal", "D-1"}, ExpectedVersion::Any(), 2)).ok());
  waiter.join();
  CHECK(seen.load() == 2);
}

TEST_CASE("an append hands back exactly the events a reader of the log sees", "[events][reads]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  REQUIRE(log->Append(NotesTo("first", {"deal", "D-1"}, ExpectedVersion::Any(), 2)).ok());
  // Two streams in one request, concurrent appenders so some go through group commit.
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        AppendRequest r = NotesTo("c" + std::to_string(t) + "-" + std::to_string(i),
                                  {"deal", "D-" + std::to_string(t)}, ExpectedVersion::Any(), 2);
        StreamWrite second;
        second.stream = {"contact", "C-" + std::to_string(i)};
        second.events.push_back(Note("on the contact"));
        r.writes.push_back(std::move(second));
        std::vector<Event> stored;
        auto a = log->Append(r, &stored);
        if (!a.ok() || stored.size() != 3 || a->last_position - a->first_position != 2) {
          ++mismatches;
          continue;
        }
        for (size_t k = 0; k < stored.size(); ++k) {
          auto read = log->Get(a->first_position + k);
          if (!read.ok() || read->bytes() != stored[k].bytes()) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches.load() == 0);
  // A retried command id writes nothing and hands back nothing.
  std::vector<Event> stored{*log->Get(1)};
  auto again = log->Append(NotesTo("first", {"deal", "D-1"}, ExpectedVersion::Any(), 2), &stored);
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(stored.empty());
}

TEST_CASE("event bytes at any address are read from 8-byte aligned memory", "[events][reads]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  REQUIRE(log->Append(NotesTo("a", {"deal", "D-1"}, ExpectedVersion::Any())).ok());
  auto e = log->Get(1);
  REQUIRE(e.ok());
  // RocksDB hands out values at any address; FlatBuffers needs aligned ones.
  std::string shifted = "x" + e->bytes();
  std::string_view misaligned(shifted.data() + 1, e->bytes().size());
  std::vector<uint64_t> scratch;
  auto bytes = AlignedForFlatBuffers(misaligned, &scratch);
  CHECK(reinterpret_cast<uintptr_t>(bytes.data()) % 8 == 0);
  CHECK(bytes == e->bytes());
  CHECK(VerifyEnvelopeBytes(bytes, 1).ok());
  CHECK(EventView(bytes).stream_id() == "D-1");
  // Already aligned bytes are used in place.
  CHECK(AlignedForFlatBuffers(e->bytes(), &scratch).data() == e->bytes().data());
}
