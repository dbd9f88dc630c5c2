// Time travel and the engine's promises, over random histories:
//  - a recorded view equals a replay of the log cut at that instant;
//  - an effective view equals a replay of only the events that occurred by then;
//  - snapshot + the rest of the log equals a full replay; a rebuild equals the model built
//    incrementally, byte for byte; a changed projection version or a damaged snapshot
//    rebuilds.
#include "workload.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

// A model fed only the events `keep` accepts, in log order.
template <typename Keep>
std::unique_ptr<ReadModel> Replay(const events::EventLog& log, Keep keep) {
  auto m = std::make_unique<ReadModel>();
  auto it = log.NewIterator();
  for (it->Seek(1); it->Valid(); it->Next()) {
    if (keep(it->event())) m->Apply(it->event());
  }
  REQUIRE(it->status().ok());
  return m;
}

void RequireSame(const Json& a, const Json& b) {
  if (a == b) return;
  for (auto& [k, v] : a.items()) {
    INFO("first difference under '" << k << "'");
    REQUIRE(v.dump() == b[k].dump());
  }
  REQUIRE(a == b);
}

}  // namespace

TEST_CASE("a recorded view equals a replay of the log cut at that instant", "[projections][asof][random]") {
  uint32_t seed = GENERATE(11u, 12u);
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, seed).Run(500);
  auto engine = f.Engine();
  Micros start = Day(2025, 1, 1), end = f.clock.NowMicros();
  std::mt19937 rng(seed);
  for (int i = 0; i < 6; ++i) {
    Micros t = start + static_cast<Micros>(std::uniform_real_distribution<double>(0, 1)(rng) * (end - start));
    AsOf live = engine->Resolve(AsOf::Recorded(t));
    INFO("as of " << FormatIso8601(t) << " = position " << live.position);
    auto cut = Replay(*f.log, [&](const events::EventView& e) { return e.position() <= live.position; });
    // The cut model holds nothing past the position, so the same view shows all of it.
    Json expected = Answers(*cut, *f.log, live);
    Json got = engine->Read(AsOf::Recorded(t), [&](const ReadModel& m, const AsOf& at) {
      return Answers(m, *f.log, at);
    });
    RequireSame(got, expected);
  }
}

TEST_CASE("an effective view equals a replay of what occurred by then", "[projections][asof][random]") {
  uint32_t seed = GENERATE(21u, 22u);
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, seed).Run(500);
  auto engine = f.Engine();
  Micros start = Day(2025, 1, 1), end = f.clock.NowMicros();
  std::mt19937 rng(seed);
  int differed = 0;
  for (int i = 0; i < 6; ++i) {
    Micros t = start + static_cast<Micros>(std::uniform_real_distribution<double>(0, 1)(rng) * (end - start));
    INFO("effective " << FormatIso8601(t));
    auto occurred = Replay(*f.log, [&](const events::EventView& e) { return e.occurred_at_us() <= t; });
    Json expected = Answers(*occurred, *f.log, AsOf::Effective(t));
    Json got = engine->Read(AsOf::Effective(t), [&](const ReadModel& m, const AsOf& at) {
      return Answers(m, *f.log, at);
    });
    RequireSame(got, expected);
    // The two views differ exactly because of events logged after they happened.
    Json recorded = engine->Read(AsOf::Recorded(t), [&](const ReadModel& m, const AsOf& at) {
      return Answers(m, *f.log, at);
    });
    differed += recorded != got;
  }
  CHECK(differed > 0);
}

TEST_CASE("a rebuilt model equals the one built incrementally, byte for byte", "[projections][rebuild][random]") {
  // On one thread, or on BulkReplay's four with small batches (as every large catch-up does).
  bool threaded = GENERATE(false, true);
  INFO((threaded ? "threaded" : "one thread"));
  EngineOptions o;
  o.bulk_replay_from = threaded ? 1 : UINT64_MAX;
  o.bulk_replay = {.batch_events = 5, .batches_ahead = 3, .round_batches = 4};
  ProjectionFixture f(Day(2025, 1, 1));
  auto engine = ProjectionEngine::Open(f.log.get(), o);
  REQUIRE(engine.ok());
  (*engine)->StartFollowing();  // applies events as they are appended
  Workload(&f, 31).Run(800);
  REQUIRE((*engine)->WaitFor(f.log->LastPosition(), std::chrono::seconds(30)));
  (*engine)->StopFollowing();
  std::string incremental = (*engine)->Serialized();
  REQUIRE((*engine)->Rebuild().ok());
  CHECK((*engine)->position() == f.log->LastPosition());
  CHECK((*engine)->Serialized() == incremental);
  auto fresh = Replay(*f.log, [](const events::EventView&) { return true; });
  CHECK(fresh->Serialize() == incremental);
}

TEST_CASE("a snapshot plus the rest of the log equals a full replay", "[projections][snapshot][random]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload w(&f, 41);
  w.Run(300);
  uint64_t snapshot_at;
  {
    auto engine = f.Engine();
    REQUIRE(engine->Snapshot().ok());
    snapshot_at = engine->position();
  }
  w.Steps(300);
  REQUIRE(f.log->LastPosition() > snapshot_at);
  auto engine = f.Engine();
  CHECK(engine->report().snapshot_position == snapshot_at);
  CHECK(engine->report().rebuilt.empty());
  CHECK(engine->report().events_applied == f.log->LastPosition() - snapshot_at);
  auto full = Replay(*f.log, [](const events::EventView&) { return true; });
  CHECK(engine->Serialized() == full->Serialize());
}

namespace {

// Rewrites the newest snapshot with `section`'s version changed, as a newer rapport with a
// changed projection would find it.
void MakeSectionStale(const std::string& dir, const std::string& section) {
  auto store = SnapshotStore::Open(dir + "/projections");
  REQUIRE(store.ok());
  auto latest = (*store)->Latest();
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  BinaryReader r((*latest)->second);
  BinaryWriter w;
  for (int i = 0; i < 4; ++i) w.U8(r.U8());
  w.U64(r.U64());
  w.U64(r.U64());
  Interner strings;
  REQUIRE(strings.Deserialize(&r));
  strings.Serialize(&w);
  uint64_t n = r.Var();
  w.Var(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string name = r.Str();
    uint64_t version = r.Var();
    w.Str(name);
    w.Var(name == section ? version + 100 : version);
    w.Var(r.Var());
    w.Str(r.Str());
  }
  REQUIRE(r.ok());
  REQUIRE((*store)->Put((*latest)->first, w.Take(), 3).ok());
}

}  // namespace

TEST_CASE("a projection whose version changed rebuilds instead of reading its stale snapshot",
          "[projections][snapshot][random]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 51).Run(300);
  {
    auto engine = f.Engine();
    REQUIRE(engine->Snapshot().ok());
  }
  MakeSectionStale(f.dir.path(), "deals");
  auto engine = f.Engine();
  CHECK(engine->report().rebuilt == std::vector<std::string>{"deals"});
  CHECK(engine->report().snapshot_position == f.log->LastPosition());
  CHECK(engine->position() == f.log->LastPosition());
  // The rebuilt projection answers as a full replay does.
  auto full = Replay(*f.log, [](const events::EventView&) { return true; });
  AsOf now = AsOf::Now(f.clock.NowMicros());
  Json got = engine->Read(now, [&](const ReadModel& m, const AsOf& at) { return Answers(m, *f.log, at); });
  RequireSame(got, Answers(*full, *f.log, now));
}

TEST_CASE("a damaged snapshot is reported and the model rebuilt from the log", "[projections][snapshot]") {
  ProjectionFixture f(Day(2025, 1, 1));
  Workload(&f, 61).Run(200);
  {
    auto store = SnapshotStore::Open(f.dir.path() + "/projections");
    REQUIRE(store.ok());
    std::string garbage = "RPSN";
    garbage.append(300, '\x7f');
    REQUIRE((*store)->Put(f.log->LastPosition(), garbage, 3).ok());
  }
  auto engine = f.Engine();
  CHECK_THAT(engine->report().snapshot_problem, Catch::Contains("corruption"));
  CHECK(engine->report().snapshot_position == 0);
  auto full = Replay(*f.log, [](const events::EventView&) { return true; });
  CHECK(engine->Serialized() == full->Serialize());
}

TEST_CASE("readers wait for their own writes", "[projections][engine]") {
  ProjectionFixture f(Day(2025, 1, 1));
  f.Setup();
  auto engine = f.Engine();
  engine->StartFollowing();
  fb::CreateContactT c;
  c.first_name = "Marie";
  auto r = f.Run("U-3", std::move(c));
  REQUIRE(engine->WaitFor(r.last_position, std::chrono::seconds(10)));
  auto hits = engine->Read(AsOf::Now(f.clock.NowMicros()), [](const ReadModel& m, const AsOf& at) {
    return m.search.Search("marie", "", at, 10);
  });
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].record == "contact/" + r.record_id);
  CHECK_FALSE(engine->WaitFor(r.last_position + 100, std::chrono::milliseconds(20)));
}
