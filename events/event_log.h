// EventLog: rapport's append-only, durable event log on RocksDB. The public face of events/.
//
// What it promises
//  - Append is atomic per request (one RocksDB WriteBatch for all its events, on any number
//    of streams) and acknowledged only after the WAL write is synced (WriteOptions::sync).
//    Concurrent appenders are grouped into one synced write (group commit).
//  - Positions are 1, 2, 3, ... with no gaps, assigned in commit order; recorded_at is set by
//    the log and never decreases with position. No reader ever sees a later position before
//    an earlier one is readable, so a tailer that reads up to LastPosition() never skips.
//  - No API updates or deletes an event.
//  - Every read verifies the stored bytes (VerifyEnvelopeBytes) and reports damage as
//    corruption; it never crashes on them.
//  - One process at a time: Open takes an exclusive lock on the data directory and names the
//    holder when it is taken.
//
// Thread safety: an EventLog may be used from any number of threads at once. LogIterator
// objects are not thread-safe; each belongs to one thread.
//
// Storage layout and byte formats: events/keys.h and docs/event-format.md.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/clock.h"
#include "events/event.h"
#include "events/recent_table.h"
#include "events/log_iterator.h"
#include "events/status.h"
#include "events/stream_name.h"

namespace rocksdb {
struct DBOptions;
struct ColumnFamilyDescriptor;
class DB;
class ColumnFamilyHandle;
class Cache;
}  // namespace rocksdb

namespace rapport::events {

class DirLock;

struct LogOptions {
  // The data directory. Holds rapport.lock and the RocksDB database in db/.
  std::string dir;

  // Create the directory and an empty log when missing.
  // Default: true
  bool create_if_missing = true;

  // Sync the WAL before acknowledging an append. Turning this off loses acknowledged appends
  // on an OS crash or power loss (not on a process crash); only benchmarks and bulk loads
  // that can be redone should do it.
  // Default: true
  bool sync = true;

  // Most append requests one group commit may combine, and most bytes of events in a group.
  // Default: 1024 requests, 16 MiB
  size_t max_group_requests = 1024;
  size_t max_group_bytes = 16 << 20;

  // Upper bounds on one append request.
  // Default: 10000 events, 32 MiB of encoded events
  size_t max_events_per_request = 10000;
  size_t max_request_bytes = 32 << 20;

  // How many recently written streams (and command ids) the commit thread remembers, per
  // generation (it keeps the last two). An append reads its streams' versions and its
  // command id from RocksDB before it queues; the commit thread trusts those reads when
  // nothing was written to them since, which it knows from what it remembers, and reads
  // again otherwise. So a generation needs only to outlast an append's time in the queue:
  // larger costs memory and processor-cache misses on every append.
  // Default: 65,536
  size_t stream_version_cache_entries = 65'536;

  // After an unclean shutdown, how many events at the end of the log Open re-checks
  // (verification, stream index, command index). 0 skips the check.
  // Default: 10000
  uint64_t tail_check_events = 10000;

  // RocksDB block cache shared by all column families, in bytes.
  // Default: 128 MiB
  size_t block_cache_bytes = 128 << 20;

  // RocksDB's own LOG file: level and size bounds (Debian's default level is DEBUG).
  // Default: "warn", files of at most 4 MiB, 3 kept
  std::string rocksdb_log_level = "warn";
  size_t rocksdb_log_file_bytes = 4 << 20;
  size_t rocksdb_log_files_kept = 3;

  // Stamps recorded_at. Must outlive the log. Default: SystemClock()
  Clock* clock = nullptr;

  // Open as a read-only follower of a log another process may hold (rapportd, or another
  // rapport command): no directory lock, no writes (Append is refused), no recovery. The
  // follower sees what the holder had made durable when it opened; CatchUpWithPrimary()
  // picks up later appends. For `rapport log tail -f` on a data directory.
  // Default: false
  bool follower = false;

  // Written into rapport.lock so a second opener can name the holder ("rapportd", "rapport").
  // Default: "rapport"
  std::string program_name = "rapport";
};

// What Append expects a stream's version to be before the append.
class ExpectedVersion {
 public:
  enum class Kind : uint8_t { kAny, kNoStream, kStreamExists, kExact };
  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion StreamExists() { return {Kind::kStreamExists, 0}; }
  // Exactly `version` events in the stream so far (0 is the same as NoStream).
  static ExpectedVersion Exact(uint64_t version) { return {Kind::kExact, version}; }

  Kind kind() const { return kind_; }
  uint64_t version() const { return version_; }
  bool Matches(uint64_t current) const;
  std::string ToString() const;

 private:
  ExpectedVersion(Kind k, uint64_t v) : kind_(k), version_(v) {}
  Kind kind_;
  uint64_t version_;
};

// Events for one stream within an append request.
struct StreamWrite {
  StreamName stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
};

// One command's worth of events: all written, or none.
struct AppendRequest {
  std::string command_id;      // required, 1..128 printable bytes; the idempotency key
  std::string actor;           // required, 1..128 printable bytes
  std::string correlation_id;  // optional
  std::string causation_id;    // optional
  std::vector<StreamWrite> writes;  // at least one event in all
};

struct AppendResult {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  Micros recorded_at_us = 0;
  // True when the command id had been appended before: nothing new was written and the
  // positions are the original ones.
  bool duplicate = false;
};

// What Open found.
struct OpenReport {
  bool created = false;           // the log was empty and has been initialised
  bool unclean_shutdown = false;  // the previous process did not Close the log
  uint64_t tail_events_checked = 0;
  uint64_t last_position = 0;
};

// An entry of the idempotency index.
struct CommandInfo {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  Micros recorded_at_us = 0;
};

struct VerifyOptions {
  // Also have RocksDB re-read every SST block and check its checksum.
  // Default: true
  bool check_file_checksums = true;
  // At most this many problems are described (all are counted).
  // Default: 100
  size_t max_problems = 100;
  // Called now and then with (events checked so far, last position). May be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

struct VerifyReport {
  uint64_t last_position = 0;
  uint64_t events_checked = 0;
  uint64_t unknown_type_events = 0;  // events of types this build does not know (not errors)
  uint64_t streams_checked = 0;
  uint64_t stream_entries_checked = 0;
  uint64_t commands_checked = 0;
  uint64_t problem_count = 0;
  std::vector<std::string> problems;  // the first VerifyOptions::max_problems
  bool ok() const { return problem_count == 0; }
};

struct LogStats {
  uint64_t last_position = 0;
  Micros first_recorded_at_us = 0;
  Micros last_recorded_at_us = 0;
  uint64_t estimated_streams = 0;
  uint64_t estimated_commands = 0;
  uint64_t disk_bytes = 0;  // SST + WAL files of the log
  std::string workspace_id;
};

struct BackupInfo {
  uint32_t id = 0;
  Micros created_at_us = 0;
  uint64_t bytes = 0;
  uint32_t files = 0;
  uint64_t last_position = 0;  // of the log when the backup was taken (0 if unknown)
};

// The backups in `backup_dir`, oldest first.
Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Restores backup `id` (0: the latest) of `backup_dir` into the data directory `data_dir`,
// which must not hold a log. The backup's checksums are verified first, the restore goes to
// a temporary directory, the restored log is opened and fully verified (every event, index
// and command entry), and only then is it moved into place: a damaged backup never becomes
// a data directory. *report receives the verification.
Status RestoreBackup(const std::string& backup_dir, uint32_t id, const std::string& data_dir,
                     VerifyReport* report);

class EventLog {
 public:
  // Opens (or creates) the log in options.dir. On success *log owns it.
  // Errors: unavailable if another process holds the directory (the message names it);
  // corruption if the tail check after an unclean shutdown finds damage; io_error.
  static Status Open(const LogOptions& options, std::unique_ptr<EventLog>* log,
                     OpenReport* report = nullptr);

  // Closes cleanly: waits for the appends in progress (later ones fail with unavailable),
  // marks the shutdown clean, closes RocksDB and releases the directory. Idempotent; the
  // destructor calls it. REQUIRES: no call other than Append and WaitForEvents runs
  // concurrently with Close, and none at all starts after it (or after destruction).
  Status Close();
  ~EventLog();

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends all events of `request` atomically and durably (see the header comment).
  // Errors (nothing written): invalid_argument naming the field; conflict naming the
  // stream, its actual version and the expected one; io_error/unavailable if the log
  // failed earlier (reopen it).
  Result<AppendResult> Append(const AppendRequest& request);
  // The same, and on success (not a duplicate) also hands back the events as stored, in
  // request order: what a reader of the log will see, so a caller can bring its in-memory
  // state up to date without reading them back. *stored is cleared first, and stays empty
  // for a duplicate (and, should the stored bytes fail verification, for a written request:
  // read those events from the log then).
  Result<AppendResult> Append(const AppendRequest& request, std::vector<Event>* stored);

  // What AppendAsync reports: what Append(request, &stored) would have returned, and the
  // stored events (empty unless the result is ok and not a duplicate).
  using AppendCallback = std::function<void(Result<AppendResult> result, std::vector<Event> stored)>;
  // The same append without waiting for the disk: the request joins the next group commit
  // and AppendAsync returns, so one thread can have any number of appends in flight. `done`
  // is called exactly once: on the log's completion thread once the group is durable (or
  // failed), or before AppendAsync returns, on the calling thread, when the request is
  // refused without being queued (invalid, or the log closed or failed). `done` must not
  // block for long: it holds up the completions of the appends behind it; in particular it
  // must not call Append (which could wait for this very thread). Close waits for
  // every `done` to return, and an append `done` starts after Close began is refused.
  void AppendAsync(AppendRequest request, AppendCallback done);

  // ---- Reads. All verify what they read. ----

  // Highest durable position (0 when empty). Every position 1..LastPosition() is readable.
  uint64_t LastPosition() const { return committed_position_.load(std::memory_order_acquire); }

  // The event at `position`: not_found past the end, corruption if damaged.
  Result<Event> Get(uint64_t position) const;

  // An iterator over the log in position order; see log_iterator.h.
  std::unique_ptr<LogIterator> NewIterator(const LogReadOptions& options = {}) const;

  // Up to `max_events` events with position >= from, in order, appended to *out.
  Status ReadForward(uint64_t from, size_t max_events, std::vector<Event>* out) const;

  // A stream's current version (0 if it has no events).
  Result<uint64_t> StreamVersion(const StreamName& stream) const;

  // Up to `max_events` events of one stream, starting at `from_version` and going forward
  // (versions from_version, from_version+1, ...) or backward (from_version, from_version-1,
  // ...; from_version 0 means "from the newest"). Appended to *out.
  enum class Direction { kForward, kBackward };
  Status ReadStream(const StreamName& stream, uint64_t from_version, Direction direction,
                    size_t max_events, std::vector<Event>* out) const;

  // Ids of the streams of `type`, in byte order, starting after `after` ("" for the first),
  // at most `max`; appended to *ids.
  Status ListStreams(std::string_view type, std::string_view after, size_t max,
                     std::vector<std::string>* ids) const;

  // The last position whose recorded_at is <= t (0 if none): "the log as it was at t".
  Result<uint64_t> PositionAt(Micros t) const;

  // The idempotency entry for a command id, or nullopt if it was never appended.
  Result<std::optional<CommandInfo>> LookupCommand(std::string_view command_id) const;

  // Blocks until LastPosition() > after, the timeout passes, or the log closes. Returns
  // LastPosition() at that moment. For live projections and subscriptions.
  uint64_t WaitForEvents(uint64_t after, std::chrono::milliseconds timeout) const;

  // Followers only (LogOptions::follower): reads what the holder appended since and moves
  // LastPosition() on. A no-op for a normal log.
  Status CatchUpWithPrimary();

  // Walks the whole log and every index; reports every inconsistency it finds.
  Result<VerifyReport> Verify(const VerifyOptions& options = {}) const;

  LogStats Stats() const;

  // ---- Backups (event_log_backup.cc) ----

  // Adds a backup of the log, as it is durable now, to `backup_dir` (RocksDB's backup engine:
  // incremental, files checksummed), then verifies the new backup's checksums. Appends may
  // continue meanwhile; the backup holds a consistent prefix of the log.
  Result<BackupInfo> CreateBackup(const std::string& backup_dir) const;

  const std::string& dir() const { return options_.dir; }
  const OpenReport& open_report() const { return open_report_; }

  // Status of the log: ok, or the write error that stopped it (all later appends fail with
  // it; reopening recovers from what is durable).
  Status health() const;

  // Number of synced writes (groups) and of requests they carried since Open: their ratio is
  // the average group size.
  uint64_t groups_written() const { return groups_written_.load(); }
  uint64_t requests_written() const { return requests_written_.load(); }

 private:
  friend class EventLogTestPeer;
  struct Writer;
  struct Group;

  explicit EventLog(const LogOptions& options);

  // event_log.cc
  Status OpenDb(OpenReport* report);
  // Re-checks the last `events` events and their index entries; corruption on damage.
  Status CheckTail(uint64_t events, uint64_t* checked) const;
  Status OpenFollowerDb(rocksdb::DBOptions dbo, const std::string& path,
                        const std::vector<rocksdb::ColumnFamilyDescriptor>& families, OpenReport* report);

  // event_log_append.cc
  Result<AppendResult> AppendInFlight(const AppendRequest& request, std::vector<Event>* stored);
  Status PrepareRequest(const AppendRequest& request, Writer* w) const;
  // The commit thread: takes queued writers in groups, decides, writes, wakes them.
  void CommitLoop();
  // Writes one group: decide, batch, sync, publish. REQUIRES: the caller holds the writer
  // token (writing_), so it alone touches the WRITER-OWNED state.
  Status WriteGroup(Group* group);
  // Decides every member of `group` and fills its WriteBatch. Writer only.
  void BuildGroup(Group* group);
  Result<uint64_t> CachedStreamVersion(const std::string& head_key);
  // Publishes a written group (or fails its members). Writer only.
  void FinishGroup(Group* group, const Status& write_status);
  // Reads, on the appender's thread, what the commit thread will need to decide `w`.
  void PreRead(Writer* w) const;
  // Wakes the appenders of a finished group; large groups are handed to the completion
  // thread so the commit thread can start the next write at once.
  void Complete(std::vector<Writer*> members);
  void CompletionLoop();
  // Wakes a waiting Append, or runs an AppendAsync's callback and frees its Writer.
  void Finish(Writer* w);
  // Counts an append as ended; Close may be waiting for the last one.
  void EndInFlight();
  void StopThreads();

  // event_log_verify.cc: checks one event's entries in the streams, heads and commands
  // families; appends a description of each problem to *problems.
  void CheckEventIndexes(const EventView& e, std::vector<std::string>* problems) const;

  rocksdb::ColumnFamilyHandle* family(int i) const { return handles_[i]; }

  LogOptions options_;
  Clock* clock_ = nullptr;
  std::unique_ptr<DirLock> lock_;
  std::shared_ptr<rocksdb::Cache> cache_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // indexed by LogFamily
  OpenReport open_report_;
  std::string workspace_id_;
  std::string follower_dir_;  // a follower's own RocksDB directory (removed on Close)
  std::atomic<bool> closed_{false};

  // Highest durable, readable position.
  std::atomic<uint64_t> committed_position_{0};
  std::atomic<uint64_t> groups_written_{0};
  std::atomic<uint64_t> requests_written_{0};

  // Group commit (event_log_append.cc). Appenders encode their events on their own thread,
  // queue, and sleep; the commit thread takes everything queued (up to the group limits),
  // decides it, writes it as one synced WriteBatch and wakes the appenders. One writer of
  // the database means positions become visible strictly in order.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the commit thread waits here for work
  std::deque<Writer*> queue_;        // GUARDED_BY(mu_)
  bool commit_idle_ = false;         // GUARDED_BY(mu_): the commit thread is waiting
  // The writer token: whoever sets it (the commit thread, or an appender that finds the log
  // idle and writes its own request directly) owns the WRITER-OWNED state until it clears it.
  bool writing_ = false;             // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  int inflight_ = 0;                 // GUARDED_BY(mu_): Append calls between entry and return,
                                     // and AppendAsync requests until their callback returned
  Status failed_;                    // GUARDED_BY(mu_): the write error that stopped the log
  std::thread commit_thread_;
  uint64_t next_position_ = 1;    // WRITER-OWNED
  Micros last_recorded_at_ = 0;   // WRITER-OWNED
  // Current versions of streams written recently, by head key: a stream missing from it
  // has not been written after version_cache_.since().
  RecentTable<uint64_t> version_cache_;  // WRITER-OWNED
  // Command ids written recently, likewise.
  RecentTable<CommandInfo> recent_commands_;  // WRITER-OWNED

  // Completion thread: wakes the appenders of large groups and runs AppendAsync callbacks.
  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  std::deque<std::vector<Writer*>> completions_;  // GUARDED_BY(completion_mu_)
  bool completion_stopping_ = false;              // GUARDED_BY(completion_mu_)
  std::thread completion_thread_;

  // Tailing: WaitForEvents sleeps on tail_cv_.
  mutable std::mutex tail_mu_;
  mutable std::condition_variable tail_cv_;
};

}  // namespace rapport::events
