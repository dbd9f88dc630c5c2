// Many threads appending at once: one gap-free log, every stream's versions 1..N, and no
// acknowledged append missing. Group commit shares synced writes between them.
#include <map>
#include <mutex>
#include <thread>

#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

TEST_CASE("concurrent appenders produce a gap-free log with versions 1..N per stream",
          "[events][concurrency]") {
  TempDir dir;
  // A tiny cache makes the commit thread drop what it knows all the time, so appenders'
  // pre-reads are often too old to trust and must be read again: the answers must not change.
  size_t cache_entries = GENERATE(size_t{1'000'000}, size_t{3});
  LogOptions options = TestOptions(dir.path());
  options.stream_version_cache_entries = cache_entries;
  auto log = OpenOrDie(options);
  constexpr int kThreads = 8;
  constexpr int kCommandsPerThread = 150;
  constexpr int kStreams = 12;
  std::mutex mu;
  std::map<std::string, AppendResult> acked;  // command id -> result
  int conflicts_retried = 0;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommandsPerThread; ++i) {
        StreamName s{"deal", "D-" + std::to_string((t * 7 + i) % kStreams)};
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        int events = 1 + (i % 3);
        // Half the commands read-then-write with an exact version and retry on conflict;
        // the other half append at any version.
        for (;;) {
          ExpectedVersion ev = ExpectedVersion::Any();
          if (i % 2 == 0) ev = ExpectedVersion::Exact(*log->StreamVersion(s));
          auto r = log->Append(NotesTo(id, s, ev, events));
          if (!r.ok()) {
            REQUIRE(r.status().IsConflict());
            std::lock_guard<std::mutex> l(mu);
            ++conflicts_retried;
            continue;
          }
          std::lock_guard<std::mutex> l(mu);
          acked[id] = *r;
          break;
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  REQUIRE(acked.size() == kThreads * kCommandsPerThread);
  uint64_t expected_events = 0;
  for (auto& [id, r] : acked) expected_events += r.last_position - r.first_position + 1;
  CHECK(log->LastPosition() == expected_events);

  // Walk the log: positions contiguous, each command's events contiguous and its own,
  // each stream's versions exactly 1, 2, 3, ...
  std::map<std::string, uint64_t> versions;
  auto it = log->NewIterator();
  uint64_t expect = 1;
  for (it->Seek(1); it->Valid(); it->Next(), ++expect) {
    const EventView& e = it->event();
    REQUIRE(e.position() == expect);
    std::string key(e.stream_id());
    REQUIRE(e.stream_version() == ++versions[key]);
    const AppendResult& r = acked.at(std::string(e.command_id()));
    REQUIRE(e.position() >= r.first_position);
    REQUIRE(e.position() <= r.last_position);
  }
  REQUIRE(it->status().ok());
  CHECK(expect - 1 == expected_events);
  for (auto& [id, v] : versions) CHECK(*log->StreamVersion({"deal", id}) == v);

  CHECK(log->requests_written() == acked.size());
  CHECK(log->groups_written() <= log->requests_written());
  auto report = log->Verify();
  REQUIRE(report.ok());
  CHECK(report->ok());
  UNSCOPED_INFO("conflicts retried: " << conflicts_retried << ", groups: "
                                      << log->groups_written());
}

TEST_CASE("readers never see a later position before an earlier one", "[events][concurrency]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        REQUIRE(log->Append(NotesTo("w" + std::to_string(t) + "-" + std::to_string(i),
                                    {"deal", "D-" + std::to_string(t)}, ExpectedVersion::Any(),
                                    1 + i % 4))
                    .ok());
      }
    });
  }
  // A tailer reads forward from where it is, as live projections do; it must never find a
  // gap, and must end having read everything.
  uint64_t next = 1;
  std::thread tailer([&] {
    while (!stop.load() || next <= log->LastPosition()) {
      log->WaitForEvents(next - 1, std::chrono::milliseconds(20));
      auto it = log->NewIterator();
      for (it->Seek(next); it->Valid(); it->Next()) {
        REQUIRE(it->event().position() == next);
        ++next;
      }
      REQUIRE(it->status().ok());
    }
  });
  for (auto& w : writers) w.join();
  stop.store(true);
  tailer.join();
  CHECK(next == log->LastPosition() + 1);
}
