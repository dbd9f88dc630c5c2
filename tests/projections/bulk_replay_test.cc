// BulkReplay (reading and applying on four threads) gives the model a replay on one thread
// gives, byte for byte, whatever its batch sizes; rounds leave every projection at one
// position; damage in the log stops it after the events before the damage.
#include <random>

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
  bool open = false, nested = false, uneven = false;
  uint64_t events = 0, largest = 0;
};

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
      },
      [&](uint64_t n) {
        r->nested |= !r->open;
        r->open = false;
        ++r->ended;
        r->events += n;
        r->largest = std::max(r->largest, n);
        // Between rounds every projection has applied exactly the events so far.
        r->uneven |= m->position() != r->events;
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
      {{1, 2, 1}, {7, 3, 2}, {64, 2, 5}, {333, 8, 16}, {4096, 8, 16}}));
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
  CHECK(r.largest <= batch * round);
  CHECK(r.begun == static_cast<int>((last + batch * round - 1) / (batch * round)));
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
  const uint64_t damaged = f.log->LastPosition() / 2;
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
