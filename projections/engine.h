// ProjectionEngine: keeps the ReadModel current with the log and answers queries against it,
// now or as of any instant.
//
//  - Open() loads the newest usable snapshot from DIR/projections; CatchUp() applies the rest
//    of the log. A snapshot section whose projection version changed is ignored and that
//    projection rebuilt from the log; a damaged snapshot is reported and everything rebuilt.
//  - StartFollowing() tails the log in a background thread (live projections).
//  - A snapshot (the whole read model with the position it reflects, in one atomic write) is
//    taken every `snapshot_every` applied events and on Close().
//  - Read(at, f) runs f(model, resolved_at) under a shared lock: queries never block appends
//    (the log is separate) and block the tailer only while they run.
//  - Consistency: a read sees every event up to position(); WaitFor(p) waits until the model
//    has applied p, which is how a caller that appended at p reads its own writes.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <thread>

#include "events/event_log.h"
#include "projections/bulk_replay.h"
#include "projections/read_model.h"
#include "projections/snapshot_store.h"

namespace rapport::projections {

struct EngineOptions {
  // Take a snapshot after this many events have been applied since the last one.
  // Default: 1,000,000
  uint64_t snapshot_every = 1'000'000;
  // Snapshots kept (the newest).
  // Default: 3
  size_t keep_snapshots = 3;
  // Called now and then while catching up or rebuilding, with (applied, target position).
  std::function<void(uint64_t, uint64_t)> progress;
  // Ignore stored snapshots and rebuild from the log.
  // Default: false
  bool ignore_snapshots = false;
  // Catching up on at least this many events reads and applies them on four threads
  // (BulkReplay); fewer are applied on the calling thread, straight from the log.
  // Default: 16384
  uint64_t bulk_replay_from = 16384;
  // How the threaded replay batches its work (tests make these small).
  BulkReplayOptions bulk_replay;
};

struct EngineReport {
  uint64_t snapshot_position = 0;       // snapshot loaded (0: none)
  std::vector<std::string> rebuilt;     // sections rebuilt because their version changed
  std::string snapshot_problem;         // a damaged snapshot that was thrown away
  uint64_t events_applied = 0;          // by the last CatchUp/Rebuild
  double seconds = 0;
};

class ProjectionEngine {
 public:
  static Result<std::unique_ptr<ProjectionEngine>> Open(events::EventLog* log,
                                                        EngineOptions options = {});
  ~ProjectionEngine();

  // Applies the log from where the model is to its current end.
  Status CatchUp();
  // Forgets the model and the snapshots and replays the whole log.
  Status Rebuild();
  // Tails the log in a background thread until StopFollowing() or destruction.
  void StartFollowing();
  void StopFollowing();
  // Waits until the model has applied `position`; false on timeout.
  bool WaitFor(uint64_t position, std::chrono::milliseconds timeout) const;
  // Takes a snapshot now.
  Status Snapshot();
  // Stops following and takes a snapshot if enough has happened since the last one.
  Status Close();

  uint64_t position() const { return position_.load(); }
  const EngineReport& report() const { return report_; }
  events::EventLog* log() const { return log_; }

  // The view `at` resolves to: kRecorded gets the position of its instant (never past what
  // the model has applied); kNow gets position().
  AsOf Resolve(AsOf at) const;

  // Runs f(const ReadModel&, const AsOf& resolved) under a shared lock and returns its result.
  template <typename F>
  auto Read(AsOf at, F&& f) const {
    std::shared_lock<std::shared_mutex> l(mu_);
    return f(model_, Resolve(at));
  }
  // The serialised model (for tests that compare rebuilds byte for byte).
  std::string Serialized() const;

 private:
  ProjectionEngine(events::EventLog* log, EngineOptions options);
  Status Load();
  Status ApplyUpTo(uint64_t end, bool report_progress);
  void FollowLoop();

  events::EventLog* log_;
  EngineOptions options_;
  std::unique_ptr<SnapshotStore> store_;
  mutable std::shared_mutex mu_;
  ReadModel model_;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> position_{0};
  uint64_t last_snapshot_position_ = 0;
  EngineReport report_;

  std::mutex apply_mu_;  // one applier at a time (CatchUp, the follower)
  mutable std::mutex wait_mu_;
  mutable std::condition_variable wait_cv_;
  std::atomic<bool> following_{false};
  std::thread follower_;
};

}  // namespace rapport::projections
