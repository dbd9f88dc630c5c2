// AppendAsync: many appends in flight from one thread share group commits; each callback
// runs exactly once with what Append would have returned; refusals come back at once; Close
// waits for every callback.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

namespace {

// Collects AppendAsync outcomes by command id and lets a test wait for a number of them.
struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Result<AppendResult>> results;
  std::map<std::string, std::vector<Event>> stored;
  int calls = 0;

  EventLog::AppendCallback For(const std::string& id) {
    return [this, id](Result<AppendResult> r, std::vector<Event> evs) {
      std::lock_guard<std::mutex> l(mu);
      ++calls;
      results.emplace(id, std::move(r));
      stored[id] = std::move(evs);
      cv.notify_all();
    };
  }
  void WaitFor(int n) {
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(30), [&] { return calls >= n; }));
  }
};

}  // namespace

TEST_CASE("many async appends from one thread are all written, gap-free, each answered once",
          "[events][async]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  Outcomes out;
  constexpr int kAppends = 600, kStreams = 7;
  for (int i = 0; i < kAppends; ++i) {
    std::string id = "async-" + std::to_string(i);
    log->AppendAsync(NotesTo(id, {"deal", "D-" + std::to_string(i % kStreams)}, ExpectedVersion::Any(),
                             1 + i % 3),
                     out.For(id));
  }
  out.WaitFor(kAppends);
  REQUIRE(out.results.size() == kAppends);

  uint64_t events = 0;
  for (auto& [id, r] : out.results) {
    INFO(id << ": " << r.status().ToString());
    REQUIRE(r.ok());
    CHECK_FALSE(r->duplicate);
    // The events handed back are the ones in the log, byte for byte.
    const auto& evs = out.stored[id];
    REQUIRE(evs.size() == r->last_position - r->first_position + 1);
    for (const auto& e : evs) {
      auto read = log->Get(e.view().position());
      REQUIRE(read.ok());
      CHECK(read->bytes() == e.bytes());
      CHECK(e.view().command_id() == id);
    }
    events += evs.size();
  }
  CHECK(log->LastPosition() == events);
  // Versions 1..N per stream, in position order.
  std::map<std::string, uint64_t> versions;
  auto it = log->NewIterator();
  for (it->Seek(1); it->Valid(); it->Next()) {
    REQUIRE(it->event().stream_version() == ++versions[std::string(it->event().stream_id())]);
  }
  REQUIRE(it->status().ok());
  // They shared synced writes.
  CHECK(log->groups_written() < log->requests_written());
}

TEST_CASE("async appends report conflicts and duplicates like Append does", "[events][async]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName s{"deal", "D-1"};
  REQUIRE(log->Append(NotesTo("first", s, ExpectedVersion::NoStream())).ok());
  Outcomes out;
  log->AppendAsync(NotesTo("stale", s, ExpectedVersion::Exact(0)), out.For("stale"));
  log->AppendAsync(NotesTo("first", s, ExpectedVersion::Any()), out.For("first"));
  log->AppendAsync(NotesTo("next", s, ExpectedVersion::Exact(1)), out.For("next"));
  out.WaitFor(3);
  REQUIRE_FALSE(out.results.at("stale").ok());
  CHECK(out.results.at("stale").status().IsConflict());
  CHECK(out.results.at("stale").status().message().find("is at version 1") != std::string::npos);
  REQUIRE(out.results.at("first").ok());
  CHECK(out.results.at("first")->duplicate);
  CHECK(out.results.at("first")->first_position == 1);
  CHECK(out.stored.at("first").empty());
  REQUIRE(out.results.at("next").ok());
  CHECK(out.results.at("next")->first_position == 2);
  CHECK(log->LastPosition() == 2);
}

TEST_CASE("an invalid async append is refused before AppendAsync returns and writes nothing",
          "[events][async]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  AppendRequest r = NotesTo("", {"deal", "D-1"}, ExpectedVersion::Any());
  bool called = false;
  std::thread::id caller = std::this_thread::get_id(), ran_on;
  log->AppendAsync(std::move(r), [&](Result<AppendResult> a, std::vector<Event> stored) {
    called = true;
    ran_on = std::this_thread::get_id();
    REQUIRE_FALSE(a.ok());
    CHECK(a.status().code() == StatusCode::kInvalidArgument);
    CHECK(a.status().message().find("command_id") != std::string::npos);
    CHECK(stored.empty());
  });
  CHECK(called);
  CHECK(ran_on == caller);
  CHECK(log->LastPosition() == 0);
}

TEST_CASE("Close waits for every async callback and later async appends are refused",
          "[events][async]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  std::atomic<int> done{0}, failed{0};
  constexpr int kAppends = 300;
  for (int i = 0; i < kAppends; ++i) {
    log->AppendAsync(NotesTo("c-" + std::to_string(i), {"deal", "D-" + std::to_string(i % 5)},
                             ExpectedVersion::Any()),
                     [&](Result<AppendResult> r, std::vector<Event>) {
                       if (!r.ok()) failed.fetch_add(1);
                       std::this_thread::sleep_for(std::chrono::microseconds(50));  // a slow callback
                       done.fetch_add(1);
                     });
  }
  REQUIRE(log->Close().ok());
  CHECK(done.load() == kAppends);
  CHECK(failed.load() == 0);

  Status refused;
  log->AppendAsync(NotesTo("late", {"deal", "D-1"}, ExpectedVersion::Any()),
                   [&](Result<AppendResult> r, std::vector<Event>) { refused = r.status(); });
  CHECK(refused.code() == StatusCode::kUnavailable);

  // Everything acknowledged is there after reopening.
  auto reopened = OpenOrDie(TestOptions(dir.path()));
  uint64_t n = 0;
  auto it = reopened->NewIterator();
  for (it->Seek(1); it->Valid(); it->Next()) ++n;
  CHECK(n == kAppends);
}

TEST_CASE("async and waiting appenders mix without gaps or lost answers", "[events][async]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  Outcomes out;
  constexpr int kAsync = 400, kThreads = 4, kEach = 50;
  std::thread async_thread([&] {
    for (int i = 0; i < kAsync; ++i) {
      std::string id = "a-" + std::to_string(i);
      log->AppendAsync(NotesTo(id, {"deal", "D-" + std::to_string(i % 9)}, ExpectedVersion::Any()),
                       out.For(id));
    }
  });
  std::atomic<int> waited_ok{0};
  std::vector<std::thread> waiters;
  for (int t = 0; t < kThreads; ++t) {
    waiters.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = log->Append(NotesTo("w-" + std::to_string(t) + "-" + std::to_string(i),
                                     {"deal", "D-" + std::to_string(i % 9)}, ExpectedVersion::Any()));
        if (r.ok()) waited_ok.fetch_add(1);
      }
    });
  }
  async_thread.join();
  for (auto& w : waiters) w.join();
  out.WaitFor(kAsync);
  CHECK(waited_ok.load() == kThreads * kEach);
  for (auto& [id, r] : out.results) REQUIRE(r.ok());
  CHECK(log->LastPosition() == kAsync + kThreads * kEach);
  uint64_t expect = 1;
  auto it = log->NewIterator();
  for (it->Seek(1); it->Valid(); it->Next()) REQUIRE(it->event().position() == expect++);
  CHECK(expect - 1 == log->LastPosition());
}
