#include "projections/engine.h"

#include <pthread.h>

#include <filesystem>

namespace rapport::projections {

ProjectionEngine::ProjectionEngine(events::EventLog* log, EngineOptions options)
    : log_(log), options_(std::move(options)) {}

Result<std::unique_ptr<ProjectionEngine>> ProjectionEngine::Open(events::EventLog* log,
                                                                 EngineOptions options) {
  std::unique_ptr<ProjectionEngine> e(new ProjectionEngine(log, std::move(options)));
  auto store = SnapshotStore::Open(log->dir() + "/projections");
  if (!store.ok()) return store.status();
  e->store_ = std::move(*store);
  RAPPORT_RETURN_IF_ERROR(e->Load());
  return e;
}

ProjectionEngine::~ProjectionEngine() { StopFollowing(); }

Status ProjectionEngine::Load() {
  if (options_.ignore_snapshots) return Status::Ok();
  auto latest = store_->Latest(log_->LastPosition());
  if (!latest.ok()) {
    report_.snapshot_problem = latest.status().ToString();
    return Status::Ok();
  }
  if (!*latest) return Status::Ok();
  std::unique_lock<std::shared_mutex> l(mu_);
  std::vector<std::string> stale;
  Status s = model_.Deserialize((*latest)->second, &stale);
  if (!s.ok()) {
    report_.snapshot_problem = s.ToString();
    model_.Clear();
    return Status::Ok();
  }
  report_.snapshot_position = (*latest)->first;
  report_.rebuilt = stale;
  last_snapshot_position_ = (*latest)->first;
  position_.store(model_.position());
  return Status::Ok();
}

AsOf ProjectionEngine::Resolve(AsOf at) const {
  uint64_t applied = position_.load();
  switch (at.mode) {
    case AsOf::Mode::kNow:
      at.position = applied;
      break;
    case AsOf::Mode::kRecorded: {
      auto p = log_->PositionAt(at.instant);
      at.position = std::min(p.ok() ? *p : 0, applied);
      break;
    }
    case AsOf::Mode::kEffective:
      at.position = applied;
      break;
  }
  return at;
}

Status ProjectionEngine::ApplyUpTo(uint64_t end, bool report_progress) {
  uint64_t start = position_.load();
  if (end <= start) return Status::Ok();
  auto t0 = std::chrono::steady_clock::now();
  auto it = log_->NewIterator({.upto_position = end, .fill_cache = false, .readahead_bytes = 2 << 20});
  it->Seek(start + 1);
  uint64_t applied = 0;
  // After each round, with the model's new position published: wake those waiting for it,
  // report progress.
  auto settle = [&](uint64_t events) {
    applied += events;
    {
      std::lock_guard<std::mutex> w(wait_mu_);
    }
    wait_cv_.notify_all();
    if (report_progress && options_.progress) options_.progress(position_.load(), end);
  };
  // Following the log as it grows (a few events at a time): threads would cost more than
  // they save, so apply here, straight from the iterator.
  // (At most this many events under one exclusive lock, so queries get in between.)
  constexpr uint64_t kFollowChunk = 4096;
  if (end - start < options_.bulk_replay_from) {
    while (it->Valid()) {
      uint64_t events = 0;
      {
        std::unique_lock<std::shared_mutex> l(mu_);
        for (; events < kFollowChunk && it->Valid(); ++events, it->Next()) model_.Apply(it->event());
        position_.store(model_.position());
      }
      settle(events);
    }
    RAPPORT_RETURN_IF_ERROR(it->status());
  } else {
    std::unique_lock<std::shared_mutex> l(mu_, std::defer_lock);
    RAPPORT_RETURN_IF_ERROR(BulkReplay(
        it.get(), &model_, options_.bulk_replay, [&] { l.lock(); },
        [&](uint64_t events) {
          position_.store(model_.position());
          l.unlock();
          settle(events);
        }));
  }
  report_.events_applied = applied;
  report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (position_.load() - last_snapshot_position_ >= options_.snapshot_every) {
    RAPPORT_RETURN_IF_ERROR(Snapshot());
  }
  return Status::Ok();
}

Status ProjectionEngine::CatchUp() {
  std::lock_guard<std::mutex> a(apply_mu_);
  return ApplyUpTo(log_->LastPosition(), true);
}

Status ProjectionEngine::Rebuild() {
  std::lock_guard<std::mutex> a(apply_mu_);
  {
    std::unique_lock<std::shared_mutex> l(mu_);
    model_.Clear();
    position_.store(0);
  }
  RAPPORT_RETURN_IF_ERROR(store_->DeleteAll());
  last_snapshot_position_ = 0;
  return ApplyUpTo(log_->LastPosition(), true);
}

Status ProjectionEngine::Snapshot() {
  std::string bytes;
  uint64_t at;
  {
    std::shared_lock<std::shared_mutex> l(mu_);
    at = model_.position();
    bytes = model_.Serialize();
  }
  if (at == 0) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(store_->Put(at, bytes, options_.keep_snapshots));
  last_snapshot_position_ = at;
  return Status::Ok();
}

std::string ProjectionEngine::Serialized() const {
  std::shared_lock<std::shared_mutex> l(mu_);
  return model_.Serialize();
}

bool ProjectionEngine::WaitFor(uint64_t position, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(wait_mu_);
  return wait_cv_.wait_for(l, timeout, [&] { return position_.load() >= position; });
}

void ProjectionEngine::FollowLoop() {
  while (following_.load()) {
    log_->WaitForEvents(position_.load(), std::chrono::milliseconds(200));
    if (!following_.load()) break;
    std::lock_guard<std::mutex> a(apply_mu_);
    Status s = ApplyUpTo(log_->LastPosition(), false);
    (void)s;  // a read error is retried on the next round; health shows on the log
  }
}

void ProjectionEngine::StartFollowing() {
  if (following_.exchange(true)) return;
  follower_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rapport-follow");
    FollowLoop();
  });
}

void ProjectionEngine::StopFollowing() {
  if (!following_.exchange(false)) return;
  if (follower_.joinable()) follower_.join();
}

Status ProjectionEngine::Close() {
  StopFollowing();
  uint64_t since = position_.load() - last_snapshot_position_;
  if (since > 0 && since >= options_.snapshot_every / 10) return Snapshot();
  return Status::Ok();
}

}  // namespace rapport::projections
