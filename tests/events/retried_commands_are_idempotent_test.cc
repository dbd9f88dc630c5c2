// A command id is appended at most once: a retry returns the original positions.
#include <thread>

#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

TEST_CASE("a retried command id returns the original positions and writes nothing",
          "[events][idempotency]") {
  TempDir dir;
  auto log = OpenOrDie(TestOptions(dir.path()));
  StreamName a{"deal", "D-1"};
  auto first = log->Append(NotesTo("cmd-42", a, ExpectedVersion::NoStream(), 3));
  REQUIRE(first.ok());
  REQUIRE(log->Append(NotesTo("other", a, ExpectedVersion::Any())).ok());

  // Even with an expected version that would now conflict: the command already happened.
  auto retry = log->Append(NotesTo("cmd-42", a, ExpectedVersion::NoStream(), 3));
  REQUIRE(retry.ok());
  CHECK(retry->duplicate);
  CHECK(retry->first_position == first->first_position);
  CHECK(retry->last_position == first->last_position);
  CHECK(retry->recorded_at_us == first->recorded_at_us);
  CHECK(log->LastPosition() == 4);

  auto info = log->LookupCommand("cmd-42");
  REQUIRE(info.ok());
  REQUIRE(info->has_value());
  CHECK((*info)->first_position == 1);
  CHECK((*info)->last_position == 3);
}

TEST_CASE("idempotency survives a reopen", "[events][idempotency]") {
  TempDir dir;
  AppendResult original;
  {
    auto log = OpenOrDie(TestOptions(dir.path()));
    original = *log->Append(NotesTo("cmd-1", {"deal", "D-1"}, ExpectedVersion::Any(), 2));
  }
  auto log = OpenOrDie(TestOptions(dir.path()));
  auto retry = log->Append(NotesTo("cmd-1", {"deal", "D-1"}, ExpectedVersion::Any(), 2));
  REQUIRE(retry.ok());
  CHECK(retry->duplicate);
  CHECK(retry->first_position == original.first_position);
  CHECK(log->LastPosition() == 2);
}

TEST_CASE("concurrent retries of one command write it once", "[events][idempotency]") {
  TempDir dir;
  LogOptions options = TestOptions(dir.path());
  options.stream_version_cache_entries = GENERATE(size_t{1'000'000}, size_t{1});
  auto log = OpenOrDie(options);
  std::vector<std::thread> threads;
  std::vector<AppendResult> results(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto r = log->Append(NotesTo("same", {"deal", "D-9"}, ExpectedVersion::Any(), 2));
      REQUIRE(r.ok());
      results[t] = *r;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(log->LastPosition() == 2);
  int originals = 0;
  for (const auto& r : results) {
    CHECK(r.first_position == 1);
    CHECK(r.last_position == 2);
    originals += r.duplicate ? 0 : 1;
  }
  CHECK(originals == 1);
  CHECK(*log->StreamVersion({"deal", "D-9"}) == 2);
}
