// CommandService: the one entry point the CLI and the server share for changing the CRM.
//
//   Execute(actor, command, now) loads the records the command touches, decides (Decide,
//   pure), and appends the events with the stream versions the decision was made on. A
//   concurrent change to one of those streams is a conflict; commands that did not name an
//   expected version are then decided again on the fresh state (up to max_attempts).
//   Retrying a command id returns the original result and writes nothing.
//
// It is the only part of domain/ that does I/O, and only through events::EventLog. It keeps
// replayed records in memory (an LRU cache: a long stream is replayed once, then only its new
// events) and the workspace Directory current by replaying what it appends.
//
// Thread safety: all methods may be called concurrently. Decisions are made one at a time
// under a mutex, on records in memory only: a record the cache does not hold is read from
// the log with the mutex released, and the command decided again. Appends run
// concurrently, so concurrent commands share the log's group commit, and the events an
// append wrote are applied to the cached records as the log hands them back (no reading
// back). A command whose decision reads or writes a stream another command of this process
// is still appending to waits for that append and decides again on its result: concurrent
// commands on one record do not conflict with each other, and no decision is made on a
// record whose new events are in the log (visible to its readers, automation among them)
// but not yet in memory: decisions agree with the order of the log. Ids a discarded or refused
// decision allocated are given back when no later one was handed out meanwhile, so ids are
// dense in the common case (and unique always; a gap remains only where concurrent commands
// interleave).
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "domain/decide.h"
#include "events/event_log.h"

namespace rapport::domain {

struct ServiceOptions {
  // Decide-and-append attempts when a concurrent change conflicts.
  // Default: 5
  int max_attempts = 5;
  // Records kept replayed in memory (the directory's records are always kept).
  // Default: 100,000
  size_t cache_records = 100'000;
  // How far in the future a command's occurred_at may lie (clock skew, meetings logged
  // ahead of time). Default: 1 day
  Micros max_future_occurred_at = kMicrosPerDay;
};

class CommandService {
 public:
  // Loads the workspace directory from `log`, which must outlive the service.
  static Result<std::unique_ptr<CommandService>> Open(events::EventLog* log,
                                                      ServiceOptions options = {});

  // The acting user for `user_id`: must exist and be active. "system" is refused: rapport's
  // own actor is Actor::System(), never a caller's identity.
  Result<Actor> ActorFor(std::string_view user_id) const;

  // Runs `command` for `actor` at `now`. On success the result names the record created or
  // changed, its new version and the positions appended (none when nothing changed, e.g. an
  // update setting fields to the values they have). Errors are typed Statuses; nothing is
  // appended on error.
  Result<fb::CommandResultT> Execute(const Actor& actor, const fb::CommandT& command, Micros now);

  using ExecuteCallback = std::function<void(Result<fb::CommandResultT>)>;
  // Runs a task on a thread that may block (a server's worker pool).
  using Offload = std::function<void(std::function<void()>)>;
  // Execute without waiting for the disk, for a caller with many commands in flight (the
  // server): decides at once and hands the append to the log's group commit; `done` gets
  // what Execute would have returned, exactly once. It runs on the calling thread when the
  // command is refused or changes nothing, and on the log's completion thread after the
  // append (so it must be quick, and must not call Execute). When deciding would wait (a
  // record not in memory, a record another command is still appending to, a retry after
  // a conflict), the command is given to `offload`, which runs Execute there and passes
  // its result to `done` (after a conflict that Execute has max_attempts of its own).
  // Concurrent Execute and ExecuteAsync calls mix freely.
  void ExecuteAsync(const Actor& actor, fb::CommandT command, Micros now, Offload offload,
                    ExecuteCallback done);

  // The current state of a record (not_found if it never existed).
  Result<RecordState> Get(std::string_view type, std::string_view id);
  // A copy of the directory as it is now.
  Directory directory() const;

  // True once the workspace exists (`rapport init` ran).
  bool initialised() const;

  // A number that changes whenever a directory record (user, team, pipeline, product, field,
  // token, workspace) changes: a cheap way for a holder of directory facts (the server's
  // sessions, which hold a token and a role) to notice it should look again.
  uint64_t directory_generation() const { return directory_generation_.load(std::memory_order_acquire); }

 private:
  class Source;
  struct Checked;
  struct InFlight;
  struct AsyncCommand;
  // A record in the cache, with its place in the LRU list.
  struct CachedRecord {
    explicit CachedRecord(RecordState s) : state(std::move(s)) {}
    RecordState state;
    std::list<std::string>::iterator lru;  // its key in lru_, once linked
    bool linked = false;
  };
  using CacheIterator = std::unordered_map<std::string, CachedRecord>::iterator;
  explicit CommandService(events::EventLog* log, ServiceOptions options);

  // The checks before deciding (command id, occurred_at), and the original outcome when the
  // command id was used before.
  Result<Checked> Check(const Actor& actor, const fb::CommandT& command, Micros now) const;
  // True when a command of this process is appending to a stream `decision` writes.
  // REQUIRES: mu_ held.
  bool BusyLocked(const Decision& decision) const;
  // Marks the decision's streams busy and moves its writes into *request. REQUIRES: mu_.
  InFlight StartAppendLocked(const Actor& actor, const fb::CommandT& command,
                             const std::string& command_id, Decision* decision,
                             std::vector<std::pair<std::string, std::string>> allocated,
                             events::AppendRequest* request);
  // The answer to a decision that writes nothing.
  fb::CommandResultT NoChangeResult(const std::string& command_id, const Decision& decision);
  // After an append returned: brings the cache up to date, frees the streams, and says
  // what the command did. *retry: the append conflicted and the command may be decided
  // again.
  Result<fb::CommandResultT> Settle(InFlight* f, const Result<events::AppendResult>& appended,
                                    const std::vector<events::Event>& stored, bool* retry);

  Status LoadDirectory();
  // The record, replayed up to the end of its stream (reading the log on a cache miss).
  // REQUIRES: mu_ held.
  Result<RecordState*> LoadLocked(std::string_view type, std::string_view id);
  // Replays into *r the events of its stream after r->version. Reads only the log: needs
  // no lock.
  Status CatchUp(RecordState* r) const;
  // Reads `streams` from the log with *lock released, then relocks it and caches them
  // (keeping a newer copy another thread cached meanwhile). Returns with *lock held.
  Status ReadIntoCache(const std::vector<events::StreamName>& streams,
                       std::unique_lock<std::mutex>* lock);
  // Applies events this process just appended to the cached records and the directory.
  // REQUIRES: mu_ held.
  Status ApplyWrittenLocked(const std::vector<events::Event>& written);
  // Drops the streams' records from the cache (directory records are re-read). REQUIRES: mu_.
  Status ForgetLocked(const std::vector<events::StreamName>& streams);
  std::string NewIdLocked(std::string_view type);
  // A record `id` of `type` was created: an id of the allocated form (C-17) moves the type's
  // counter past it. REQUIRES: mu_ held.
  void NoteCreatedLocked(std::string_view type, std::string_view id);
  // Undoes NewIdLocked for ids a discarded decision allocated, where no later id was handed
  // out since. REQUIRES: mu_ held.
  void GiveBackIdsLocked(const std::vector<std::pair<std::string, std::string>>& ids);
  Result<fb::CommandResultT> DuplicateResult(const std::string& command_id,
                                             const events::CommandInfo& info) const;
  // Makes the record the newest in the cache (linking it if new), then evicts the oldest
  // beyond ServiceOptions::cache_records. REQUIRES: mu_ held.
  void TouchLocked(CacheIterator it);
  void EraseLocked(CacheIterator it);

  events::EventLog* log_;
  ServiceOptions options_;
  mutable std::mutex mu_;
  Directory directory_;                                   // GUARDED_BY(mu_)
  std::unordered_map<std::string, CachedRecord> cache_;   // GUARDED_BY(mu_): "type/id"
  std::list<std::string> lru_;                            // GUARDED_BY(mu_): front = newest
  std::map<std::string, uint64_t, std::less<>> next_id_;  // GUARDED_BY(mu_): type -> counter
  // Streams a command of this process is appending to ("type/id"); others wait for them.
  std::set<std::string> busy_;                            // GUARDED_BY(mu_)
  std::condition_variable busy_cv_;
  std::atomic<uint64_t> directory_generation_{0};  // bumped after each directory change
};

// The id prefix of allocated ids of a record type ("C" for contacts: C-1, C-2, ...).
std::string_view IdPrefix(std::string_view type);

// A CommandResult carrying an error, for callers that answer with one (the server).
fb::CommandResultT ErrorResult(const Status& s, const std::string& command_id);

}  // namespace rapport::domain
