// Damage in stored bytes is reported as corruption by reads and by Verify, never a crash.
#include <fstream>
#include <random>

#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

namespace {
std::unique_ptr<EventLog> LogWithEvents(const std::string& dir, int n) {
  auto log = OpenOrDie(TestOptions(dir));
  for (int i = 0; i < n; ++i) {
    REQUIRE(log->Append(NotesTo("c" + std::to_string(i), {"deal", "D-" + std::to_string(i % 3)},
                                ExpectedVersion::Any()))
                .ok());
  }
  return log;
}
}  // namespace

TEST_CASE("garbage in place of an event is corruption for every reader", "[events][corruption]") {
  TempDir dir;
  auto log = LogWithEvents(dir.path(), 10);
  std::mt19937 rng(7);
  std::string garbage(300, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  EventLogTestPeer::PutRaw(log.get(), kLog, keys::PositionKey(5), garbage);

  auto e = log->Get(5);
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().IsCorruption());
  CHECK_THAT(e.status().message(), Catch::Contains("position 5"));

  auto it = log->NewIterator();
  uint64_t last_seen = 0;
  for (it->Seek(1); it->Valid(); it->Next()) last_seen = it->event().position();
  CHECK(last_seen == 4);
  CHECK(it->status().IsCorruption());

  std::vector<Event> evs;
  CHECK(log->ReadForward(1, 100, &evs).IsCorruption());
  CHECK(log->ReadStream({"deal", "D-1"}, 1, EventLog::Direction::kForward, 100, &evs)
            .IsCorruption());  // D-1 holds positions 2, 5, 8

  auto r = log->Verify();
  REQUIRE(r.ok());
  CHECK_FALSE(r->ok());
  CHECK(r->problem_count >= 1);
  CHECK_THAT(r->problems.front(), Catch::Contains("position 5"));
}

TEST_CASE("every truncation and bit flip of an envelope is caught or harmless",
          "[events][corruption]") {
  TempDir dir;
  auto log = LogWithEvents(dir.path(), 1);
  std::string good = log->Get(1)->bytes();
  // Cutting into referenced data always fails; only the final alignment padding (at most
  // 7 bytes) may go unnoticed, and nothing reads it.
  for (size_t len = 0; len + 8 <= good.size(); ++len) {
    CHECK_FALSE(VerifyEnvelopeBytes(good.substr(0, len), 1).ok());
  }
  // Flipped bits either fail verification or still yield a readable envelope; reading every
  // field of those must stay in bounds (run under the sanitizers too).
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      if (VerifyEnvelopeBytes(bad, 0).ok()) {
        EventView v(bad);
        (void)v.stream_type();
        (void)v.command_id();
        (void)v.type_name();
        if (auto* n = v.payload_as<fb::NoteLogged>()) (void)(n->body() ? n->body()->size() : 0);
      }
    }
  }
}

TEST_CASE("a missing position is a gap, reported by iterators and Verify",
          "[events][corruption]") {
  TempDir dir;
  auto log = LogWithEvents(dir.path(), 6);
  EventLogTestPeer::DeleteRaw(log.get(), kLog, keys::PositionKey(3));
  auto it = log->NewIterator();
  std::vector<uint64_t> seen;
  for (it->Seek(1); it->Valid(); it->Next()) seen.push_back(it->event().position());
  CHECK(seen == std::vector<uint64_t>{1, 2});
  CHECK(it->status().IsCorruption());
  CHECK_THAT(it->status().message(), Catch::Contains("position 3 is missing"));
  auto r = log->Verify();
  CHECK_FALSE(r->ok());
  CHECK_THAT(r->problems.front(), Catch::Contains("3..3 are missing"));
}

TEST_CASE("index entries that disagree with the log are reported by Verify",
          "[events][corruption]") {
  TempDir dir;
  auto log = LogWithEvents(dir.path(), 6);
  SECTION("a stream head that lags") {
    EventLogTestPeer::PutRaw(log.get(), kHeads, keys::HeadKey({"deal", "D-0"}), keys::EncodeU64(1));
    auto r = log->Verify();
    CHECK_FALSE(r->ok());
    CHECK_THAT(r->problems.front(), Catch::Contains("head of deal/D-0"));
  }
  SECTION("a command entry that points at another command's events") {
    keys::CommandRecord rec{4, 4, 0, 1};
    EventLogTestPeer::PutRaw(log.get(), kCommands, "c0", keys::EncodeCommandRecord(rec));
    auto r = log->Verify();
    CHECK_FALSE(r->ok());
    bool found = false;
    for (auto& p : r->problems) found |= p.find("belongs to another command") != std::string::npos;
    CHECK(found);
  }
  SECTION("a stream index entry for an event that does not exist") {
    EventLogTestPeer::PutRaw(log.get(), kStreams, keys::StreamVersionKey({"deal", "D-0"}, 3),
                             keys::EncodeU64(2));
    auto r = log->Verify();
    CHECK_FALSE(r->ok());
  }
}

TEST_CASE("flipped bytes in a RocksDB table file are corruption, not a crash",
          "[events][corruption]") {
  TempDir dir;
  {
    auto log = LogWithEvents(dir.path(), 200);
    EventLogTestPeer::Flush(log.get());
  }
  // Damage the middle of every table file of the database.
  int damaged = 0;
  for (auto& entry : std::filesystem::directory_iterator(dir.path() + "/db")) {
    if (entry.path().extension() != ".sst") continue;
    auto size = std::filesystem::file_size(entry.path());
    std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    for (std::streamoff off = 64; off < static_cast<std::streamoff>(size / 2); off += 97) {
      f.seekp(off);
      f.put('\x5a');
    }
    ++damaged;
  }
  REQUIRE(damaged > 0);
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(TestOptions(dir.path()), &log);
  if (!s.ok()) {
    CHECK((s.IsCorruption() || s.code() == StatusCode::kIOError));
    return;
  }
  std::vector<Event> evs;
  Status read = log->ReadForward(1, 1000, &evs);
  auto r = log->Verify();
  REQUIRE(r.ok());
  CHECK_FALSE(r->ok());
  CHECK(read.IsCorruption());
}
