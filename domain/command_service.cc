#include "domain/command_service.h"

#include <algorithm>
#include <optional>
#include <random>

#include "domain/enums.h"
#include "domain/rules.h"

namespace rapport::domain {
namespace {

std::string Key(std::string_view type, std::string_view id) {
  return std::string(type) + "/" + std::string(id);
}

std::string RandomCommandId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char* kHex = "0123456789abcdef";
  std::string s = "cmd-";
  for (int i = 0; i < 2; ++i) {
    uint64_t v = rng();
    for (int k = 0; k < 16; ++k) {
      s.push_back(kHex[v & 0xf]);
      v >>= 4;
    }
  }
  return s;
}

}  // namespace

std::string_view IdPrefix(std::string_view type);

namespace {

// 17 for "C-17" (a contact): the number of an id of the form allocation gives `type`, if
// `id` has that form (at most 18 digits, so it fits).
std::optional<uint64_t> AllocatedNumber(std::string_view type, std::string_view id) {
  std::string_view prefix = IdPrefix(type);
  if (id.size() <= prefix.size() + 1 || id.size() > prefix.size() + 19 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : id.substr(prefix.size() + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

std::string_view IdPrefix(std::string_view type) {
  if (type == kUser) return "U";
  if (type == kTeam) return "T";
  if (type == kCompany) return "CO";
  if (type == kContact) return "C";
  if (type == kProduct) return "P";
  if (type == kPipeline) return "PL";
  if (type == kDeal) return "D";
  if (type == kContract) return "K";
  if (type == kActivity) return "A";
  if (type == kTask) return "TSK";
  if (type == kTicket) return "TKT";
  if (type == kWorkspace) return "W";
  if (type == kToken) return "TOK";
  if (type == kRule) return "RUL";
  if (type == kNotification) return "N";
  if (type == kFiring) return "F";
  return "X";
}

fb::CommandResultT ErrorResult(const Status& s, const std::string& command_id) {
  fb::CommandResultT r;
  r.code = std::string(StatusCodeName(s.code()));
  r.message = s.message();
  r.command_id = command_id;
  return r;
}

// The RecordSource decisions read through: the service's cache, under its mutex. A record
// not in the cache is not read here (that would hold the mutex across a RocksDB read):
// the miss is noted, and Execute reads it with the mutex released and decides again.
class CommandService::Source final : public RecordSource {
 public:
  Source(CommandService* s, bool may_read_log) : s_(s), may_read_log_(may_read_log) {}
  Result<const RecordState*> Load(std::string_view type, std::string_view id) override {
    if (Directory::Holds(type)) {
      if (!s_->busy_.empty() && s_->busy_.count(Key(type, id)) > 0) read_busy_ = true;
      return s_->directory_.record(type, id);
    }
    std::string key = Key(type, id);
    if (!s_->busy_.empty() && s_->busy_.count(key) > 0) read_busy_ = true;
    if (!may_read_log_ && !s_->cache_.count(key)) {
      if (!events::ValidateStreamName({std::string(type), std::string(id)}).ok()) {
        return Status::InvalidArgument(std::string(type) + " id '" + std::string(id) +
                                       "' is not valid");
      }
      misses_.push_back({std::string(type), std::string(id)});
      return static_cast<const RecordState*>(nullptr);
    }
    auto r = s_->LoadLocked(type, id);
    if (!r.ok()) return r.status();
    return (*r)->created ? static_cast<const RecordState*>(*r) : nullptr;
  }
  std::string NewId(std::string_view type) override {
    std::string id = s_->NewIdLocked(type);
    allocated_.push_back({std::string(type), id});
    return id;
  }
  const Directory& directory() override { return s_->directory_; }

  // Records the decision wanted and the cache did not hold; a decision made with misses is
  // void.
  const std::vector<events::StreamName>& misses() const { return misses_; }
  // Whether the decision read a record a command of this process is appending to: its new
  // events may be in the log already and not yet here, so the decision is void (refusals
  // too: "there is no scoring model" while the model is being set).
  bool read_busy() const { return read_busy_; }
  // The ids this decision allocated (type, id), oldest first.
  std::vector<std::pair<std::string, std::string>> TakeAllocated() { return std::move(allocated_); }

 private:
  CommandService* s_;
  bool may_read_log_;
  std::vector<events::StreamName> misses_;
  std::vector<std::pair<std::string, std::string>> allocated_;
  bool read_busy_ = false;
};

void CommandService::GiveBackIdsLocked(const std::vector<std::pair<std::string, std::string>>& ids) {
  // Newest first: each is given back only while it is still the last one handed out, so an id
  // another decision got meanwhile is never handed out twice.
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    auto next = next_id_.find(it->first);
    if (next == next_id_.end() || next->second < 2) continue;
    if (it->second == std::string(IdPrefix(it->first)) + "-" + std::to_string(next->second - 1)) --next->second;
  }
}

CommandService::CommandService(events::EventLog* log, ServiceOptions options)
    : log_(log), options_(options) {
  // Buckets for a full cache up front: growing it rehashes every record under mu_.
  cache_.reserve(std::min<size_t>(options_.cache_records, size_t{1} << 18));
}

Result<std::unique_ptr<CommandService>> CommandService::Open(events::EventLog* log,
                                                             ServiceOptions options) {
  std::unique_ptr<CommandService> s(new CommandService(log, options));
  std::lock_guard<std::mutex> l(s->mu_);
  RAPPORT_RETURN_IF_ERROR(s->LoadDirectory());
  return s;
}

Status CommandService::LoadDirectory() {
  for (std::string_view type : {kWorkspace, kUser, kTeam, kPipeline, kProduct, kField, kToken}) {
    std::string after;
    for (;;) {
      std::vector<std::string> ids;
      RAPPORT_RETURN_IF_ERROR(log_->ListStreams(type, after, 1000, &ids));
      if (ids.empty()) break;
      for (const auto& id : ids) {
        RecordState r;
        r.type = std::string(type);
        r.id = id;
        RAPPORT_RETURN_IF_ERROR(CatchUp(&r));
        directory_.Put(r);
      }
      after = ids.back();
    }
  }
  return Status::Ok();
}

Status CommandService::CatchUp(RecordState* r) const {
  events::StreamName stream{r->type, r->id};
  for (;;) {
    std::vector<events::Event> evs;
    RAPPORT_RETURN_IF_ERROR(log_->ReadStream(stream, r->version + 1,
                                             events::EventLog::Direction::kForward, 1000, &evs));
    for (const auto& e : evs) RAPPORT_RETURN_IF_ERROR(Apply(e.view(), r));
    if (evs.size() < 1000) return Status::Ok();
  }
}

void CommandService::TouchLocked(CacheIterator it) {
  CachedRecord& c = it->second;
  if (c.linked) {
    lru_.splice(lru_.begin(), lru_, c.lru);  // no allocation, no lookup
  } else {
    lru_.push_front(it->first);
    c.lru = lru_.begin();
    c.linked = true;
  }
  while (lru_.size() > options_.cache_records && lru_.size() > 1) {
    auto victim = cache_.find(lru_.back());
    lru_.pop_back();
    if (victim != cache_.end()) cache_.erase(victim);
  }
}

void CommandService::EraseLocked(CacheIterator it) {
  if (it->second.linked) lru_.erase(it->second.lru);
  cache_.erase(it);
}

Result<RecordState*> CommandService::LoadLocked(std::string_view type, std::string_view id) {
  std::string key = Key(type, id);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    RecordState r;
    r.type = std::string(type);
    r.id = std::string(id);
    if (Status s = events::ValidateStreamName({r.type, r.id}); !s.ok()) {
      return Status::InvalidArgument(std::string(type) + " id '" + std::string(id) + "' is not valid");
    }
    RAPPORT_RETURN_IF_ERROR(CatchUp(&r));
    it = cache_.emplace(key, CachedRecord(std::move(r))).first;
  }
  TouchLocked(it);
  return &it->second.state;
}

std::string CommandService::NewIdLocked(std::string_view type) {
  auto it = next_id_.find(type);
  if (it == next_id_.end()) {
    // Start after the highest allocated-looking id of this type.
    uint64_t max = 0;
    std::string after;
    for (;;) {
      std::vector<std::string> ids;
      if (!log_->ListStreams(type, after, 10000, &ids).ok() || ids.empty()) break;
      for (const auto& id : ids) {
        if (auto n = AllocatedNumber(type, id)) max = std::max(max, *n);
      }
      after = ids.back();
    }
    it = next_id_.emplace(std::string(type), max + 1).first;
  }
  // Ids someone chose by hand later moved the counter past them (NoteCreatedLocked), so
  // the log need not be asked. Should one still be taken (its events could not be applied
  // here), the append conflicts and the retry takes the next id.
  for (;;) {
    std::string id = std::string(IdPrefix(type)) + "-" + std::to_string(it->second++);
    if (!cache_.count(Key(type, id)) && (!Directory::Holds(type) || directory_.record(type, id) == nullptr)) {
      return id;
    }
  }
}

void CommandService::NoteCreatedLocked(std::string_view type, std::string_view id) {
  auto it = next_id_.find(type);
  if (it == next_id_.end()) return;  // counted when the type's first id is allocated
  if (auto n = AllocatedNumber(type, id); n && *n >= it->second) it->second = *n + 1;
}

Result<Actor> CommandService::ActorFor(std::string_view user_id) const {
  if (user_id == kSystemActor || user_id == kAutomationActor) {
    return Status::PermissionDenied("'" + std::string(user_id) + "' is rapport's own identity and cannot be used");
  }
  std::lock_guard<std::mutex> l(mu_);
  const RecordState* u = directory_.user(user_id);
  if (u == nullptr) return Status::PermissionDenied("there is no user " + std::string(user_id));
  if (!u->Int("active")) {
    return Status::PermissionDenied("user " + std::string(user_id) + " is deactivated");
  }
  return Actor{std::string(user_id), ParseRole(u->Text("role")).value_or(fb::Role::Unspecified),
               false};
}

Result<fb::CommandResultT> CommandService::DuplicateResult(const std::string& command_id,
                                                           const events::CommandInfo& info) const {
  fb::CommandResultT r;
  r.code = "ok";
  r.command_id = command_id;
  r.first_position = info.first_position;
  r.last_position = info.last_position;
  r.duplicate = true;
  auto first = log_->Get(info.first_position);
  if (!first.ok()) return first.status();
  r.record_type = std::string(first->view().stream_type());
  r.record_id = std::string(first->view().stream_id());
  r.version = first->view().stream_version();
  for (uint64_t p = info.first_position + 1; p <= info.last_position; ++p) {
    auto e = log_->Get(p);
    if (!e.ok()) return e.status();
    if (e->view().stream_type() == r.record_type && e->view().stream_id() == r.record_id) {
      r.version = e->view().stream_version();
    }
  }
  r.message = "already done: command " + command_id + " was applied at position " +
              std::to_string(info.first_position);
  return r;
}

// What the checks before deciding found: the command's id and when it happened, or that
// the command id was used before (then `duplicate` holds the original outcome).
struct CommandService::Checked {
  std::string command_id;
  Micros occurred_at = 0;
  std::optional<fb::CommandResultT> duplicate;
};

// A decision on its way to the log: what Settle needs once the append returned.
struct CommandService::InFlight {
  fb::CommandResultT result;                   // code and record named; positions to come
  std::vector<events::StreamName> streams;     // the streams written, marked busy
  std::vector<std::pair<std::string, std::string>> allocated;  // ids the decision allocated
  bool explicit_version = false;
};

Result<CommandService::Checked> CommandService::Check(const Actor& actor, const fb::CommandT& command,
                                                      Micros now) const {
  Checked c;
  c.command_id = command.command_id.empty() ? RandomCommandId() : command.command_id;
  if (!events::IsPrintableToken(c.command_id, 128)) {
    return Status::InvalidArgument("command_id must be 1 to 128 printable bytes");
  }
  // Automation's ids say which rule fired for what: nobody else may take one in advance.
  if (c.command_id.rfind("auto-", 0) == 0 && !(actor.system && actor.id == kAutomationActor)) {
    return Status::InvalidArgument("command_id: ids starting with 'auto-' belong to automation; choose another");
  }
  c.occurred_at = command.occurred_at_us == 0 ? now : command.occurred_at_us;
  if (c.occurred_at < 0 || c.occurred_at > now + options_.max_future_occurred_at) {
    return Status::InvalidArgument("occurred_at " + FormatIso8601(c.occurred_at) +
                                   " is in the future; it says when something happened");
  }
  if (!command.command_id.empty()) {
    auto seen = log_->LookupCommand(c.command_id);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      auto dup = DuplicateResult(c.command_id, **seen);
      if (!dup.ok()) return dup.status();
      c.duplicate = std::move(*dup);
    }
  }
  return c;
}

CommandService::InFlight CommandService::StartAppendLocked(const Actor& actor, const fb::CommandT& command,
                                                           const std::string& command_id, Decision* decision,
                                                           std::vector<std::pair<std::string, std::string>> allocated,
                                                           events::AppendRequest* request) {
  InFlight f;
  f.result.code = "ok";
  f.result.command_id = command_id;
  f.result.record_type = decision->record_type;
  f.result.record_id = decision->record_id;
  f.allocated = std::move(allocated);
  f.explicit_version = decision->explicit_version;
  for (const auto& w : decision->writes) {
    f.streams.push_back(w.stream);
    busy_.insert(Key(w.stream.type, w.stream.id));
  }
  request->command_id = command_id;
  request->actor = actor.id;
  request->correlation_id = command.correlation_id.empty() ? command_id : command.correlation_id;
  request->causation_id = command.causation_id;
  request->writes = std::move(decision->writes);
  return f;
}

fb::CommandResultT CommandService::NoChangeResult(const std::string& command_id, const Decision& decision) {
  fb::CommandResultT result;
  result.code = "ok";
  result.command_id = command_id;
  result.record_type = decision.record_type;
  result.record_id = decision.record_id;
  auto r = Get(decision.record_type, decision.record_id);
  if (r.ok()) result.version = r->version;
  result.message = "no change: " + decision.record_type + " " + decision.record_id +
                   " already had those values";
  return result;
}

Result<fb::CommandResultT> CommandService::Settle(InFlight* f, const Result<events::AppendResult>& appended,
                                                  const std::vector<events::Event>& stored, bool* retry) {
  *retry = false;
  Status refreshed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (appended.ok() && !appended->duplicate && !stored.empty()) {
      // Apply what was written to the records in memory: no reading back.
      refreshed = ApplyWrittenLocked(stored);
    } else {
      // Nothing written by this command, or the events could not be handed back: forget
      // what may be stale; the next decision reads these records from the log.
      refreshed = ForgetLocked(f->streams);
      // A conflict keeps the ids it allocated: one may be taken, and the retry must not
      // allocate it again.
      if (!appended.ok() && !appended.status().IsConflict()) GiveBackIdsLocked(f->allocated);
    }
    for (const auto& s : f->streams) busy_.erase(Key(s.type, s.id));
  }
  busy_cv_.notify_all();

  if (!appended.ok()) {
    // Only another process could have moved the stream (the log is exclusive to one
    // process, and this one waits for its own appends); decide again unless the user
    // named the version.
    *retry = appended.status().IsConflict() && !f->explicit_version;
    return appended.status();
  }
  RAPPORT_RETURN_IF_ERROR(refreshed);
  fb::CommandResultT& result = f->result;
  if (appended->duplicate) {
    return DuplicateResult(result.command_id, {appended->first_position, appended->last_position,
                                               appended->recorded_at_us});
  }
  for (const auto& e : stored) {
    if (e.view().stream_type() == result.record_type && e.view().stream_id() == result.record_id) {
      result.version = e.view().stream_version();
    }
  }
  if (stored.empty()) {
    auto r = Get(result.record_type, result.record_id);
    if (r.ok()) result.version = r->version;
  }
  result.first_position = appended->first_position;
  result.last_position = appended->last_position;
  return std::move(result);
}

Result<fb::CommandResultT> CommandService::Execute(const Actor& actor, const fb::CommandT& command,
                                                   Micros now) {
  auto checked = Check(actor, command, now);
  if (!checked.ok()) return checked.status();
  if (checked->duplicate) return std::move(*checked->duplicate);
  const std::string& command_id = checked->command_id;

  DecideContext ctx{now, checked->occurred_at};
  for (int attempt = 1;; ++attempt) {
    std::unique_lock<std::mutex> lock(mu_);
    Decision decision;
    std::vector<std::pair<std::string, std::string>> allocated;
    for (int reads = 0;;) {
      // After a few rounds of reading missed records (a long chain of records, or a cache
      // too small for one command), decide reading the log under the mutex: slower, but it
      // always finishes.
      Source source(this, /*may_read_log=*/reads >= 4);
      auto d = Decide(actor, command, ctx, &source);
      allocated = source.TakeAllocated();
      // A decision that is void (records missing from the cache) or refused gives back the
      // ids it allocated, so ids stay dense: the first task is TSK-1, not TSK-2.
      if (!source.misses().empty()) {
        GiveBackIdsLocked(allocated);
        ++reads;
        lock.unlock();
        RAPPORT_RETURN_IF_ERROR(ReadIntoCache(source.misses(), &lock));
        continue;
      }
      // A command of this process is appending to a stream this decision read or writes:
      // wait for it and decide again on what it wrote, instead of deciding on a record
      // older than the log or losing a race in the log.
      if (source.read_busy() || (d.ok() && BusyLocked(*d))) {
        GiveBackIdsLocked(allocated);
        busy_cv_.wait(lock);
        continue;
      }
      if (!d.ok()) {
        GiveBackIdsLocked(allocated);
        return d.status();
      }
      decision = std::move(*d);
      break;
    }
    if (decision.writes.empty()) {
      lock.unlock();
      return NoChangeResult(command_id, decision);
    }
    events::AppendRequest req;
    InFlight f = StartAppendLocked(actor, command, command_id, &decision, std::move(allocated), &req);
    lock.unlock();

    std::vector<events::Event> stored;
    auto appended = log_->Append(req, &stored);
    bool retry = false;
    auto result = Settle(&f, appended, stored, &retry);
    if (retry && attempt < options_.max_attempts) continue;
    return result;
  }
}

// One ExecuteAsync command, shared by the paths it may take.
struct CommandService::AsyncCommand {
  Actor actor;
  fb::CommandT command;
  Micros now = 0;
  Offload offload;
  ExecuteCallback done;
  InFlight in_flight;

  // What cannot be done without waiting goes to Execute on the caller's pool.
  static void RunBlocking(CommandService* service, std::shared_ptr<AsyncCommand> c) {
    Offload offload = c->offload;
    offload([service, c = std::move(c)]() { c->done(service->Execute(c->actor, c->command, c->now)); });
  }
};

void CommandService::ExecuteAsync(const Actor& actor, fb::CommandT command, Micros now,
                                  Offload offload, ExecuteCallback done) {
  auto checked = Check(actor, command, now);
  if (!checked.ok()) return done(checked.status());
  if (checked->duplicate) return done(std::move(*checked->duplicate));
  auto c = std::make_shared<AsyncCommand>();
  c->actor = actor;
  c->command = std::move(command);
  // The same id on every path from here, so a retry elsewhere is still the same command.
  c->command.command_id = checked->command_id;
  c->now = now;
  c->offload = std::move(offload);
  c->done = std::move(done);

  std::unique_lock<std::mutex> lock(mu_);
  Source source(this, /*may_read_log=*/false);
  auto d = Decide(actor, c->command, DecideContext{now, checked->occurred_at}, &source);
  auto allocated = source.TakeAllocated();
  if (!source.misses().empty() || source.read_busy() || (d.ok() && BusyLocked(*d))) {
    GiveBackIdsLocked(allocated);
    lock.unlock();
    return AsyncCommand::RunBlocking(this, std::move(c));
  }
  if (!d.ok()) {
    GiveBackIdsLocked(allocated);
    lock.unlock();
    return c->done(d.status());
  }
  if (d->writes.empty()) {
    lock.unlock();
    return c->done(NoChangeResult(checked->command_id, *d));
  }
  events::AppendRequest req;
  c->in_flight = StartAppendLocked(actor, c->command, checked->command_id, &*d, std::move(allocated), &req);
  lock.unlock();

  log_->AppendAsync(std::move(req), [this, c = std::move(c)](Result<events::AppendResult> appended,
                                                             std::vector<events::Event> stored) mutable {
    bool retry = false;
    auto result = Settle(&c->in_flight, appended, stored, &retry);
    if (retry && options_.max_attempts > 1) return AsyncCommand::RunBlocking(this, std::move(c));
    c->done(std::move(result));
  });
}

bool CommandService::BusyLocked(const Decision& decision) const {
  for (const auto& w : decision.writes) {
    if (busy_.count(Key(w.stream.type, w.stream.id)) > 0) return true;
  }
  return false;
}

Status CommandService::ReadIntoCache(const std::vector<events::StreamName>& streams,
                                     std::unique_lock<std::mutex>* lock) {
  std::vector<RecordState> read;
  for (const auto& s : streams) {
    RecordState r;
    r.type = s.type;
    r.id = s.id;
    Status st = CatchUp(&r);
    if (!st.ok()) {
      lock->lock();
      return st;
    }
    read.push_back(std::move(r));
  }
  lock->lock();
  for (auto& r : read) {
    std::string key = Key(r.type, r.id);
    auto it = cache_.find(key);
    // Another thread may have cached it meanwhile, possibly newer than what was read.
    if (it == cache_.end()) {
      it = cache_.emplace(key, CachedRecord(std::move(r))).first;
    } else if (it->second.state.version < r.version) {
      it->second.state = std::move(r);
    }
    TouchLocked(it);
  }
  return Status::Ok();
}

Status CommandService::ApplyWrittenLocked(const std::vector<events::Event>& written) {
  Status status;
  size_t i = 0;
  while (i < written.size()) {
    // One stream's run of events (a request writes each stream's events together).
    const auto& first = written[i].view();
    std::string type(first.stream_type());
    std::string id(first.stream_id());
    size_t j = i;
    while (j < written.size() && written[j].view().stream_type() == type &&
           written[j].view().stream_id() == id) {
      ++j;
    }
    const uint64_t base = first.stream_version() - 1;
    auto apply_run = [&](RecordState* r) -> Status {
      for (size_t k = i; k < j; ++k) RAPPORT_RETURN_IF_ERROR(Apply(written[k].view(), r));
      return Status::Ok();
    };
    if (Directory::Holds(type)) {
      const RecordState* current = directory_.record(type, id);
      RecordState fresh;
      if (current != nullptr) {
        fresh = *current;
      } else {
        fresh.type = type;
        fresh.id = id;
      }
      if (base == 0) NoteCreatedLocked(type, id);
      Status s = fresh.version == base ? apply_run(&fresh) : CatchUp(&fresh);
      if (s.ok() && fresh.created) {
        directory_.Put(fresh);
        directory_generation_.fetch_add(1, std::memory_order_acq_rel);
      }
      if (status.ok()) status = s;
    } else {
      std::string key = Key(type, id);
      auto it = cache_.find(key);
      if (base == 0) NoteCreatedLocked(type, id);
      if (it == cache_.end() && base == 0) {
        RecordState r;
        r.type = type;
        r.id = id;
        it = cache_.emplace(key, CachedRecord(std::move(r))).first;
      }
      if (it != cache_.end()) {
        // A cached copy that is not exactly one step behind (another process wrote the
        // stream) is dropped and read from the log when next needed.
        const bool in_step = it->second.state.version == base;
        Status s = in_step ? apply_run(&it->second.state) : Status::Ok();
        if (in_step && s.ok()) {
          TouchLocked(it);
        } else {
          EraseLocked(it);
          if (status.ok()) status = s;
        }
      }
    }
    i = j;
  }
  return status;
}

Status CommandService::ForgetLocked(const std::vector<events::StreamName>& streams) {
  Status status;
  for (const auto& stream : streams) {
    if (Directory::Holds(stream.type)) {
      RecordState fresh;
      fresh.type = stream.type;
      fresh.id = stream.id;
      Status s = CatchUp(&fresh);
      if (s.ok() && fresh.created) {
        directory_.Put(fresh);
        directory_generation_.fetch_add(1, std::memory_order_acq_rel);
      }
      if (status.ok()) status = s;
      continue;
    }
    if (auto it = cache_.find(Key(stream.type, stream.id)); it != cache_.end()) EraseLocked(it);
  }
  return status;
}

Result<RecordState> CommandService::Get(std::string_view type, std::string_view id) {
  if (Directory::Holds(type)) {
    std::lock_guard<std::mutex> l(mu_);
    const RecordState* r = directory_.record(type, id);
    if (r == nullptr) return Status::NotFound("there is no " + std::string(type) + " " + std::string(id));
    return *r;
  }
  if (!events::ValidateStreamName({std::string(type), std::string(id)}).ok()) {
    return Status::InvalidArgument(std::string(type) + " id '" + std::string(id) + "' is not valid");
  }
  // Copy what the cache holds, catch the copy up with the log without the mutex (another
  // process may have appended), and keep it if it is newer.
  std::string key = Key(type, id);
  RecordState r;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      r = it->second.state;
    } else {
      r.type = std::string(type);
      r.id = std::string(id);
    }
  }
  RAPPORT_RETURN_IF_ERROR(CatchUp(&r));
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      it = cache_.emplace(key, CachedRecord(r)).first;
    } else if (it->second.state.version < r.version) {
      it->second.state = r;
    }
    TouchLocked(it);
  }
  if (!r.created) return Status::NotFound("there is no " + std::string(type) + " " + std::string(id));
  return r;
}

Directory CommandService::directory() const {
  std::lock_guard<std::mutex> l(mu_);
  return directory_;
}

bool CommandService::initialised() const {
  std::lock_guard<std::mutex> l(mu_);
  return directory_.workspace() != nullptr;
}

}  // namespace rapport::domain
