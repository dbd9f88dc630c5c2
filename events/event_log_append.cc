// EventLog::Append: validation, encoding, and group commit.
//
// Each appender validates and encodes its events on its own thread (no lock held), queues
// them, and sleeps. The commit thread takes everything queued (up to the group limits),
// decides each request (idempotency, expected versions), stamps positions, versions and
// recorded_at into the encoded envelopes, writes the group as one synced WriteBatch, and
// wakes the appenders. Appenders that arrive during a write queue up and form the next
// group, so the number of appends sharing one fsync grows with concurrency. A single thread
// writes the database, so positions become visible strictly in order.
//
// Keeping the commit thread's own work small is what lets group commit keep up with the
// disk, so two things happen elsewhere:
//  - Pre-reads. Before queueing, the appender notes the committed position C0 and reads its
//    command id and stream versions from RocksDB itself. Those reads see every write up to
//    C0. The commit thread keeps the versions of every stream, and the ids of every command,
//    written since a position "since" (version_cache_, recent_commands_: see
//    recent_table.h). A stream missing
//    from the cache was not written after "since"; so when C0 >= since, the pre-read value
//    is exact, and otherwise the commit thread reads again.
//  - Completion. Waking forty appenders costs more than a write's worth of syscalls; large
//    groups are handed to a completion thread.
//  - Asynchronous appenders. AppendAsync queues its request the same way and returns; the
//    completion thread runs its callback once the group is durable. Such a request never
//    takes the idle fast path (that would make its caller wait for the disk).
//  - The idle fast path. An appender that finds nothing queued and nothing being written
//    takes the writer token and writes its own request on its own thread: a lone appender
//    pays no thread hand-offs. Whoever holds the token (writing_) is the only writer.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cassert>
#include <chrono>

#include "events/event_log.h"
#include "events/keys.h"
#include "events/log_families.h"

namespace rapport::events {

struct EventLog::Writer {
  const AppendRequest* request = nullptr;
  std::vector<std::string> encoded;  // one envelope per event, in request order
  size_t bytes = 0;
  // Pre-reads (see the top of this file); pre_read_status not ok means "read again".
  uint64_t observed_position = 0;
  Status pre_read_status;
  std::optional<CommandInfo> pre_command;
  std::vector<uint64_t> pre_versions;  // per request.writes entry
  Status status;
  AppendResult result;
  // AppendAsync only: the request (request points at it) and the callback. Such a Writer
  // lives on the heap and is freed once the callback returned.
  std::unique_ptr<AppendRequest> owned_request;
  AppendCallback callback;
  // The commit thread sets done under mu and notifies while holding it, so the appender
  // cannot return (destroying this Writer) before the notification is complete.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};

struct EventLog::Group {
  std::vector<Writer*> members;
  rocksdb::WriteBatch batch;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  Micros recorded_at = 0;
  size_t written_requests = 0;
  // The versions the group gives its streams, by head key; folded into version_cache_ once
  // the write succeeded.
  std::unordered_map<std::string, uint64_t> versions;
};

namespace {

Status CheckToken(std::string_view value, const char* field, bool required) {
  if (value.empty()) {
    return required ? Status::InvalidArgument(std::string(field) + " is required")
                    : Status::Ok();
  }
  if (!IsPrintableToken(value, 128)) {
    return Status::InvalidArgument(std::string(field) +
                                   " must be at most 128 bytes with no control characters");
  }
  return Status::Ok();
}

}  // namespace

Status EventLog::PrepareRequest(const AppendRequest& req, Writer* w) const {
  RAPPORT_RETURN_IF_ERROR(CheckToken(req.command_id, "command_id", true));
  RAPPORT_RETURN_IF_ERROR(CheckToken(req.actor, "actor", true));
  RAPPORT_RETURN_IF_ERROR(CheckToken(req.correlation_id, "correlation_id", false));
  RAPPORT_RETURN_IF_ERROR(CheckToken(req.causation_id, "causation_id", false));
  if (req.writes.empty()) return Status::InvalidArgument("writes: a command must append events");
  size_t n = 0;
  for (const auto& sw : req.writes) {
    RAPPORT_RETURN_IF_ERROR(ValidateStreamName(sw.stream));
    if (sw.events.empty()) {
      return Status::InvalidArgument("writes: no events for stream " + sw.stream.ToString());
    }
    n += sw.events.size();
  }
  if (n > options_.max_events_per_request) {
    return Status::InvalidArgument("writes: " + std::to_string(n) +
                                   " events in one command; the limit is " +
                                   std::to_string(options_.max_events_per_request));
  }

  thread_local flatbuffers::FlatBufferBuilder fbb(1024);
  w->encoded.reserve(n);
  EnvelopeHeader h;
  h.actor = req.actor;
  h.command_id = req.command_id;
  h.correlation_id = req.correlation_id;
  h.causation_id = req.causation_id;
  for (const auto& sw : req.writes) {
    h.stream = sw.stream;
    for (const auto& e : sw.events) {
      if (e.type == fb::Payload::NONE || !e.write_payload) {
        return Status::InvalidArgument("event type missing for stream " + sw.stream.ToString());
      }
      if (e.occurred_at_us < 0 || e.occurred_at_us > kMaxMicros) {
        return Status::InvalidArgument("occurred_at must lie between 1970 and 9999");
      }
      RAPPORT_RETURN_IF_ERROR(CheckToken(e.data_subject, "data_subject", false));
      std::string bytes = EncodeUnstampedEnvelope(h, e, &fbb);
      if (bytes.size() > kMaxEventBytes) {
        return Status::InvalidArgument("a " + EventTypeName(e.type) + " event of " +
                                       std::to_string(bytes.size()) +
                                       " bytes exceeds the 1 MiB limit per event");
      }
      if (!VerifyEnvelopeLayout(bytes).ok()) {
        return Status::InvalidArgument("the " + EventTypeName(e.type) + " payload for " +
                                       sw.stream.ToString() +
                                       " is malformed (FlatBuffers verification failed)");
      }
      w->bytes += bytes.size();
      w->encoded.push_back(std::move(bytes));
    }
  }
  if (fbb.GetSize() > (1 << 20)) fbb.Reset();  // do not keep a huge buffer per thread
  if (w->bytes > options_.max_request_bytes) {
    return Status::InvalidArgument("the command's events take " + std::to_string(w->bytes) +
                                   " bytes; the limit is " +
                                   std::to_string(options_.max_request_bytes));
  }
  return Status::Ok();
}

Result<AppendResult> EventLog::Append(const AppendRequest& request) {
  return Append(request, nullptr);
}

Result<AppendResult> EventLog::Append(const AppendRequest& request, std::vector<Event>* stored) {
  if (stored != nullptr) stored->clear();
  if (options_.follower) {
    return Status::FailedPrecondition("this log is open as a read-only follower: appends go to the process holding it");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the log is closed");
    if (!failed_.ok()) return failed_;
    ++inflight_;
  }
  Result<AppendResult> result = AppendInFlight(request, stored);
  EndInFlight();
  return result;
}

void EventLog::EndInFlight() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--inflight_ == 0 && stopping_) work_cv_.notify_one();  // Close may be waiting
}

void EventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  if (options_.follower) {
    done(Status::FailedPrecondition("this log is open as a read-only follower: appends go to the process holding it"), {});
    return;
  }
  Status refused;
  {
    std::lock_guard<std::mutex> lock(mu_);
    refused = stopping_ ? Status::Unavailable("the log is closed") : failed_;
    ++inflight_;  // even when refused: Close waits for `done` to return
  }
  if (!refused.ok()) {
    done(refused, {});  // without mu_ held: `done` may use the log
    EndInFlight();
    return;
  }
  auto w = std::make_unique<Writer>();
  w->owned_request = std::make_unique<AppendRequest>(std::move(request));
  w->request = w->owned_request.get();
  w->callback = std::move(done);
  if (Status s = PrepareRequest(*w->request, w.get()); !s.ok()) {
    w->status = s;
    Finish(w.release());
    return;
  }
  PreRead(w.get());
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.ok()) {
      w->status = failed_;
    } else {
      queue_.push_back(w.release());
      wake = commit_idle_;
      commit_idle_ = false;
    }
  }
  if (w) {
    Finish(w.release());
    return;
  }
  if (wake) work_cv_.notify_one();
}

namespace {

// Moves a finished writer's stamped envelopes into *stored (when asked and written). The
// append is durable by now, so a surprise here must not turn it into an error: *stored is
// left empty instead and the caller reads the events back from the log.
void HandBack(std::vector<std::string>* encoded, const AppendResult& result,
              std::vector<Event>* stored) {
  if (stored == nullptr || result.duplicate) return;
  stored->reserve(encoded->size());
  uint64_t position = result.first_position;
  for (auto& bytes : *encoded) {
    auto e = Event::FromBytes(std::move(bytes), position++);
    if (!e.ok()) {
      stored->clear();
      return;
    }
    stored->push_back(std::move(*e));
  }
}

}  // namespace

Result<AppendResult> EventLog::AppendInFlight(const AppendRequest& request,
                                              std::vector<Event>* stored) {
  Writer w;
  w.request = &request;
  RAPPORT_RETURN_IF_ERROR(PrepareRequest(request, &w));
  PreRead(&w);
  bool wake = false;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!failed_.ok()) return failed_;
    if (!writing_ && queue_.empty()) {
      // Idle fast path: write this request here, as a group of one.
      writing_ = true;
      lock.unlock();
      Group group;
      group.members.push_back(&w);
      Status status = WriteGroup(&group);
      lock.lock();
      writing_ = false;
      if (!status.ok() && failed_.ok()) failed_ = status;
      wake = !queue_.empty() && commit_idle_;
      if (wake) commit_idle_ = false;
      lock.unlock();
      if (wake) work_cv_.notify_one();
      if (!w.status.ok()) return w.status;
      HandBack(&w.encoded, w.result, stored);
      return w.result;
    }
    queue_.push_back(&w);
    wake = commit_idle_;
    commit_idle_ = false;
  }
  if (wake) work_cv_.notify_one();
  std::unique_lock<std::mutex> l(w.mu);
  w.cv.wait(l, [&] { return w.done; });
  if (!w.status.ok()) return w.status;
  HandBack(&w.encoded, w.result, stored);
  return w.result;
}

void EventLog::CommitLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    while (queue_.empty() || writing_) {
      // Stop only once every Append that got in has been answered.
      if (stopping_ && queue_.empty() && !writing_ && inflight_ == 0) return;
      commit_idle_ = true;
      work_cv_.wait(lock);
    }
    commit_idle_ = false;

    Group group;
    size_t bytes = 0;
    while (!queue_.empty()) {
      Writer* m = queue_.front();
      if (!group.members.empty() && (group.members.size() >= options_.max_group_requests ||
                                     bytes + m->bytes > options_.max_group_bytes)) {
        break;
      }
      group.members.push_back(m);
      bytes += m->bytes;
      queue_.pop_front();
    }
    Status status = failed_;
    writing_ = true;
    lock.unlock();
    if (status.ok()) {
      status = WriteGroup(&group);
    } else {
      FinishGroup(&group, status);
    }
    lock.lock();
    writing_ = false;
    if (!status.ok() && failed_.ok()) failed_ = status;
  }
}

Status EventLog::WriteGroup(Group* group) {
  BuildGroup(group);
  Status status;
  if (group->written_requests > 0) {
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    status = FromRocks(db_->Write(wo, &group->batch), "appending to the log");
    if (!status.ok()) {
      // What is durable is unknown now: stop appending until the log is reopened.
      status = status.WithContext("the log stopped accepting appends (reopen it)");
    }
  }
  FinishGroup(group, status);
  return status;
}

void EventLog::StopThreads() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (commit_thread_.joinable()) commit_thread_.join();
  {
    std::lock_guard<std::mutex> lock(completion_mu_);
    completion_stopping_ = true;
  }
  completion_cv_.notify_one();
  if (completion_thread_.joinable()) completion_thread_.join();
}

void EventLog::PreRead(Writer* w) const {
  w->observed_position = committed_position_.load(std::memory_order_acquire);
  auto cmd = LookupCommand(w->request->command_id);
  if (!cmd.ok()) {
    w->pre_read_status = cmd.status();
    return;
  }
  w->pre_command = *cmd;
  if (w->pre_command) return;  // a retry: no versions needed
  w->pre_versions.reserve(w->request->writes.size());
  for (const auto& sw : w->request->writes) {
    auto v = StreamVersion(sw.stream);
    if (!v.ok()) {
      w->pre_read_status = v.status();
      return;
    }
    w->pre_versions.push_back(*v);
  }
}

void EventLog::Finish(Writer* w) {
  if (!w->callback) {
    std::lock_guard<std::mutex> l(w->mu);
    w->done = true;
    w->cv.notify_one();
    return;
  }
  std::unique_ptr<Writer> owned(w);
  std::vector<Event> stored;
  if (w->status.ok()) HandBack(&w->encoded, w->result, &stored);
  Result<AppendResult> result = w->status.ok() ? Result<AppendResult>(w->result) : Result<AppendResult>(w->status);
  AppendCallback done = std::move(w->callback);
  owned.reset();
  done(std::move(result), std::move(stored));
  EndInFlight();
}

void EventLog::Complete(std::vector<Writer*> members) {
  // Small groups of waiting appenders are woken here; callbacks always run on the
  // completion thread, so the commit thread can start the next write at once.
  const bool any_callback =
      std::any_of(members.begin(), members.end(), [](const Writer* w) { return bool(w->callback); });
  if (members.size() <= 2 && !any_callback) {
    for (Writer* w : members) Finish(w);
    return;
  }
  {
    std::lock_guard<std::mutex> l(completion_mu_);
    completions_.push_back(std::move(members));
  }
  completion_cv_.notify_one();
}

void EventLog::CompletionLoop() {
  std::unique_lock<std::mutex> lock(completion_mu_);
  for (;;) {
    completion_cv_.wait(lock, [&] { return !completions_.empty() || completion_stopping_; });
    if (completions_.empty()) return;
    std::vector<Writer*> members = std::move(completions_.front());
    completions_.pop_front();
    lock.unlock();
    for (Writer* w : members) Finish(w);
    lock.lock();
  }
}

Result<uint64_t> EventLog::CachedStreamVersion(const std::string& head_key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family(kHeads), head_key, &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "reading a stream's version");
  auto v = keys::DecodeU64(value);
  if (!v) return Status::Corruption("the stream head entry is not 8 bytes");
  return *v;
}

void EventLog::BuildGroup(Group* g) {
  g->recorded_at = std::max(clock_->NowMicros(), last_recorded_at_);
  uint64_t next = next_position_;
  // Command ids appended earlier in this group, for duplicates within the group.
  std::unordered_map<std::string, CommandInfo> group_commands;
  group_commands.reserve(g->members.size());
  g->versions.reserve(g->members.size());

  for (Writer* w : g->members) {
    const AppendRequest& req = *w->request;

    // Idempotency: a command id seen before returns its original positions.
    const bool pre_ok = w->pre_read_status.ok();
    std::optional<CommandInfo> seen;
    if (auto it = group_commands.find(req.command_id); it != group_commands.end()) {
      seen = it->second;
    } else if (const CommandInfo* r = recent_commands_.Find(req.command_id)) {
      seen = *r;
    } else if (pre_ok && w->observed_position >= recent_commands_.since()) {
      seen = w->pre_command;
    } else {
      auto r = LookupCommand(req.command_id);
      if (!r.ok()) {
        w->status = r.status();
        continue;
      }
      seen = *r;
    }
    if (seen) {
      w->result = {seen->first_position, seen->last_position, seen->recorded_at_us, true};
      continue;
    }

    // Optimistic concurrency: decide every stream write before changing anything.
    // Versions this request gives its streams so far (a request names few streams: a
    // vector searched in order costs less than a hash table built per request).
    std::vector<std::pair<std::string, uint64_t>> tentative;
    std::vector<std::pair<std::string, uint64_t>> bases;  // head key, version before write
    Status decision;
    const bool pre_versions_ok = pre_ok && w->observed_position >= version_cache_.since() &&
                                 w->pre_versions.size() == req.writes.size();
    for (size_t i = 0; i < req.writes.size(); ++i) {
      const StreamWrite& sw = req.writes[i];
      std::string head = keys::HeadKey(sw.stream);
      uint64_t current;
      auto t = std::find_if(tentative.begin(), tentative.end(), [&](const auto& e) { return e.first == head; });
      if (t != tentative.end()) {
        current = t->second;
      } else if (auto v = g->versions.find(head); v != g->versions.end()) {
        current = v->second;
      } else if (const uint64_t* c = version_cache_.Find(head)) {
        current = *c;
      } else if (pre_versions_ok) {
        current = w->pre_versions[i];
      } else {
        auto r = CachedStreamVersion(head);
        if (!r.ok()) {
          decision = r.status();
          break;
        }
        current = *r;
      }
      if (!sw.expected.Matches(current)) {
        decision = Status::Conflict("stream " + sw.stream.ToString() + " is at version " +
                                    std::to_string(current) + ", expected " +
                                    sw.expected.ToString() +
                                    ": reload the record and retry the command");
        break;
      }
      bases.emplace_back(head, current);
      if (t != tentative.end()) {
        t->second = current + sw.events.size();
      } else {
        tentative.emplace_back(head, current + sw.events.size());
      }
    }
    if (!decision.ok()) {
      w->status = decision;
      continue;
    }

    // Accepted: stamp and stage every event.
    uint64_t first = next;
    size_t k = 0;
    for (size_t i = 0; i < req.writes.size(); ++i) {
      const StreamWrite& sw = req.writes[i];
      uint64_t version = bases[i].second;
      for (size_t j = 0; j < sw.events.size(); ++j, ++k) {
        std::string& bytes = w->encoded[k];
        ++version;
        bool stamped = StampEnvelope(&bytes, next, version, g->recorded_at);
        assert(stamped);  // EncodeUnstampedEnvelope always writes the placeholders
        (void)stamped;
        g->batch.Put(family(kLog), keys::PositionKey(next), bytes);
        g->batch.Put(family(kStreams), keys::StreamVersionKey(sw.stream, version),
                     keys::EncodeU64(next));
        ++next;
      }
      g->batch.Put(family(kHeads), bases[i].first, keys::EncodeU64(version));
      g->versions[bases[i].first] = version;
    }
    keys::CommandRecord rec{first, next - 1, g->recorded_at, static_cast<uint32_t>(next - first)};
    g->batch.Put(family(kCommands), req.command_id, keys::EncodeCommandRecord(rec));
    group_commands[req.command_id] = {first, next - 1, g->recorded_at};
    w->result = {first, next - 1, g->recorded_at, false};
    if (g->first_position == 0) g->first_position = first;
    g->last_position = next - 1;
    ++g->written_requests;
  }
  if (g->written_requests > 0) {
    g->batch.Put(family(kByTime), keys::TimeKey(g->recorded_at),
                 keys::EncodeU64(g->last_position));
  }
}

void EventLog::FinishGroup(Group* g, const Status& write_status) {
  if (!write_status.ok()) {
    for (Writer* w : g->members) {
      if (w->status.ok()) w->status = write_status;
    }
  } else if (g->written_requests > 0) {
    next_position_ = g->last_position + 1;
    last_recorded_at_ = g->recorded_at;
    version_cache_.MakeRoom(g->versions.size(), g->first_position);
    for (auto& [head, version] : g->versions) version_cache_.Put(head, version);
    recent_commands_.MakeRoom(g->written_requests, g->first_position);
    for (Writer* w : g->members) {
      if (w->status.ok() && !w->result.duplicate) {
        recent_commands_.Put(w->request->command_id, {w->result.first_position,
                                                      w->result.last_position,
                                                      w->result.recorded_at_us});
      }
    }
    committed_position_.store(g->last_position, std::memory_order_release);
    groups_written_.fetch_add(1);
    requests_written_.fetch_add(g->written_requests);
    {
      std::lock_guard<std::mutex> l(tail_mu_);
    }
    tail_cv_.notify_all();
  }
  Complete(std::move(g->members));
}

}  // namespace rapport::events
