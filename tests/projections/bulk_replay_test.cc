// BulkReplay (reading and applying on four threads) gives the model a replay on one thread
// gives, byte for byte, whatever its batch sizes; rounds leave every projection at one
// position; damage in the log stops it after the events before the damage.
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

#include "workload.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

std::string SequentialReplay(const events::EventLog& log, uint64_t upto = 0) {
  ReadModel m;
  auto it = log.NewIterator({.upto_position = upto});
  for (it->Seek(1); it->Valid(); it->Next()) m.Apply(it->event());
  return m.Serialize();
}

struct Rounds {
  int begun = 0, ended = 0;
  bool open = false, nested = false, uneven = false, moved_between = false;
  uint64_t events = 0, largest = 0;
  std::vector<uint64_t> applied;  // each projection's position when the last round ended
};

std::vector<uint64_t> Applied(const ReadModel& m) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < m.all().size(); ++i) out.push_back(m.applied(i));
  return out;
}

// Replays the whole log with BulkReplay, checking the rounds as they go.
Status Bulk(const events::EventLog& log, ReadModel* m, const BulkReplayOptions& o, Rounds* r) {
  auto it = log.NewIterator();
  it->Seek(1);
  return BulkReplay(
      it.get(), m, o,
      [&] {
        r->nested |= r->open;
        r->open = true;
        ++r->begun;
        // Nothing was applied between rounds, while the caller's readers may look.
        if (!r->applied.empty()) r->moved_between |= Applied(*m) != r->applied;
      },
      [&](uint64_t n) {
        r->nested |= !r->open;
        r->open = false;
        ++r->ended;
        r->events += n;
        r->largest = std::max(r->largest, n);
        // Between rounds every projection has applied exactly the events so far.
        r->applied = Applied(*m);
        for (uint64_t a : r->applied) r->uneven |= a != r->events;
        // Give an applier that ran ahead of its round the time to show it.
        if (r->ended <= 20) std::this_thread::sleep_for(std::chrono::microseconds(300));
      });
}

}  // namespace

TEST_CASE("a threaded replay equals a replay on one thread byte for byte", "[projections][rebuild][random]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 51).Run(700);
  const uint64_t last = f.log->LastPosition();
  REQUIRE(last > 500);
  const std::string expected = SequentialReplay(*f.log);

  auto [batch, ahead, round] = GENERATE(table<size_t, size_t, size_t>(
      {{0, 2, 3}, {1, 2, 1}, {7, 3, 2}, {64, 2, 5}, {333, 8, 16}, {4096, 8, 16}}));
  INFO("batch " << batch << " ahead " << ahead << " round " << round);
  ReadModel m;
  Rounds r;
  Status s = Bulk(*f.log, &m, {.batch_events = batch, .batches_ahead = ahead, .round_batches = round}, &r);
  REQUIRE(s.ok());
  CHECK(m.Serialize() == expected);
  CHECK(m.position() == last);
  CHECK(r.events == last);
  CHECK(r.begun == r.ended);
  CHECK_FALSE(r.open);
  CHECK_FALSE(r.nested);
  CHECK_FALSE(r.uneven);
  CHECK_FALSE(r.moved_between);
  const size_t per_round = std::max<size_t>(batch, 1) * round;  // a batch of 0 events means 1
  CHECK(r.largest <= per_round);
  CHECK(r.begun == static_cast<int>((last + per_round - 1) / per_round));
}

TEST_CASE("timelines collected and flushed in batches equal timelines applied event by event",
          "[projections][timeline][rebuild][random]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 77).Run(600);
  std::vector<std::string> bytes;  // the events, owned (a view lives until the iterator moves)
  auto it = f.log->NewIterator();
  for (it->Seek(1); it->Valid(); it->Next()) bytes.emplace_back(it->event().bytes());
  REQUIRE(bytes.size() > 500);
  std::vector<events::EventView> events;
  for (const auto& b : bytes) events.emplace_back(b);
  // The workload logs activities up to 20 days late, so some entries are sorted in.
  bool backdated = false;
  for (size_t i = 1; i < events.size(); ++i) backdated |= events[i].occurred_at_us() < events[i - 1].occurred_at_us();
  REQUIRE(backdated);

  auto serialized = [](const TimelineProjection& t) {
    BinaryWriter w;
    t.Serialize(&w);
    return w.Take();
  };
  TimelineProjection one_by_one;
  for (const auto& e : events) one_by_one.Apply(e);
  const std::string expected = serialized(one_by_one);

  // Batches shorter than the flush's look-ahead, about as long, and the whole log at once.
  for (size_t batch : {size_t{1}, size_t{3}, size_t{17}, size_t{40}, events.size()}) {
    INFO("batch " << batch);
    TimelineProjection t;
    for (size_t i = 0; i < events.size(); i += batch) {
      for (size_t j = i; j < std::min(events.size(), i + batch); ++j) t.Collect(events[j]);
      t.Flush();
    }
    CHECK(serialized(t) == expected);
  }

  // Until the flush, what was collected is not in the lists.
  TimelineProjection pending;
  for (const auto& e : events) pending.Collect(e);
  CHECK(serialized(pending) != expected);
  pending.Flush();
  CHECK(serialized(pending) == expected);
}

TEST_CASE("a threaded replay of an empty stretch calls no round", "[projections][rebuild]") {
  ProjectionFixture f(Day(2025, 1, 1));
  f.Setup();
  auto it = f.log->NewIterator();
  it->Seek(f.log->LastPosition() + 1);
  ReadModel m;
  int rounds = 0;
  REQUIRE(BulkReplay(it.get(), &m, {}, [&] { ++rounds; }, [&](uint64_t) {}).ok());
  CHECK(rounds == 0);
  CHECK(m.position() == 0);
}

TEST_CASE("damage in the log stops a threaded replay after the events before it", "[projections][rebuild][corruption]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 52).Run(300);
  // Rounds here are 2 batches of 16 events: damage on a round's first event, or inside one.
  const uint64_t damaged = f.log->LastPosition() / 2 / 32 * 32 + GENERATE(1u, 7u);
  INFO("damage at " << damaged);
  const std::string before = SequentialReplay(*f.log, damaged - 1);
  std::mt19937 rng(3);
  std::string garbage(200, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  events::EventLogTestPeer::PutRaw(f.log.get(), events::kLog, events::keys::PositionKey(damaged), garbage);

  ReadModel m;
  Rounds r;
  Status s = Bulk(*f.log, &m, {.batch_events = 16, .batches_ahead = 3, .round_batches = 2}, &r);
  REQUIRE(s.IsCorruption());
  CHECK_THAT(s.message(), Catch::Contains("position " + std::to_string(damaged)));
  CHECK(m.position() == damaged - 1);
  CHECK(m.Serialize() == before);
  CHECK(r.begun == r.ended);
}

TEST_CASE("an exception in a threaded replay reaches the caller after every thread ended", "[projections][rebuild]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 53).Run(200);
  auto it = f.log->NewIterator();
  it->Seek(1);
  ReadModel m;
  int begun = 0, ended = 0;
  CHECK_THROWS_WITH(BulkReplay(it.get(), &m, {.batch_events = 8, .batches_ahead = 2, .round_batches = 2},
                               [&] { ++begun; },
                               [&](uint64_t) {
                                 if (++ended == 3) throw std::runtime_error("progress display failed");
                               }),
                    "progress display failed");
  CHECK(begun == 3);
  // Each projection applied a prefix; replaying the rest from the smallest evens them out.
  uint64_t from = m.position();
  CHECK(from >= 48);
  for (it->Seek(from + 1); it->Valid(); it->Next()) m.Apply(it->event());
  REQUIRE(it->status().ok());
  CHECK(m.Serialize() == SequentialReplay(*f.log));
}
