// EventLog: opening, closing, the unclean-shutdown check, stats. Appends are in
// event_log_append.cc, reads in event_log_read.cc, Verify in event_log_verify.cc.
#include "events/event_log.h"

#include <pthread.h>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <unistd.h>

#include <filesystem>
#include <random>

#include "events/dir_lock.h"
#include "events/keys.h"
#include "events/log_families.h"

namespace rapport::events {

const std::vector<std::string>& LogFamilyNames() {
  static const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                                 "log", "streams", "heads", "commands",
                                                 "by_time"};
  return names;
}

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  std::string m = what + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Status::Unavailable(m);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(m);
  return Status::IOError(m);
}

bool ExpectedVersion::Matches(uint64_t current) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return current == 0;
    case Kind::kStreamExists:
      return current > 0;
    case Kind::kExact:
      return current == version_;
  }
  return false;
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any version";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kStreamExists:
      return "an existing stream";
    case Kind::kExact:
      return "version " + std::to_string(version_);
  }
  return "?";
}

namespace {

rocksdb::InfoLogLevel ParseLogLevel(const std::string& s) {
  if (s == "debug") return rocksdb::InfoLogLevel::DEBUG_LEVEL;
  if (s == "info") return rocksdb::InfoLogLevel::INFO_LEVEL;
  if (s == "error") return rocksdb::InfoLogLevel::ERROR_LEVEL;
  return rocksdb::InfoLogLevel::WARN_LEVEL;
}

std::string RandomHex128() {
  std::random_device rd;
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int k = 0; k < 8; ++k) {
      out.push_back(kHex[v & 0xf]);
      v >>= 4;
    }
  }
  return out;
}

}  // namespace

rocksdb::ColumnFamilyOptions LogFamilyOptions(int family,
                                              const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.format_version = 5;
  switch (family) {
    case kLog:
      // Sequential keys, scanned in order: bigger blocks, compressed.
      t.block_size = 32 << 10;
      o.compression = rocksdb::kLZ4Compression;
      o.bottommost_compression = rocksdb::kZSTD;
      break;
    case kHeads:
    case kCommands:
      // Point lookups, mostly for keys that do not exist yet: bloom filters everywhere.
      t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      t.whole_key_filtering = true;
      o.memtable_prefix_bloom_size_ratio = 0.05;
      o.memtable_whole_key_filtering = true;
      o.compression = rocksdb::kLZ4Compression;
      break;
    default:
      o.compression = rocksdb::kLZ4Compression;
      break;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::DBOptions LogDbOptions(const LogOptions& options) {
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = options.create_if_missing;
  dbo.create_missing_column_families = true;
  dbo.info_log_level = ParseLogLevel(options.rocksdb_log_level);
  dbo.max_log_file_size = options.rocksdb_log_file_bytes;
  dbo.keep_log_file_num = options.rocksdb_log_files_kept;
  dbo.recycle_log_file_num = 0;
  // A torn write at the end of the WAL can only belong to an unacknowledged append: drop it.
  dbo.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  dbo.max_background_jobs = 2;
  dbo.bytes_per_sync = 1 << 20;
  dbo.paranoid_checks = true;
  return dbo;
}

EventLog::EventLog(const LogOptions& options)
    : options_(options),
      version_cache_(options.stream_version_cache_entries),
      recent_commands_(options.stream_version_cache_entries) {}

Status EventLog::Open(const LogOptions& options, std::unique_ptr<EventLog>* out,
                      OpenReport* report) {
  if (options.dir.empty()) return Status::InvalidArgument("log options: dir is empty");
  std::unique_ptr<EventLog> log(new EventLog(options));
  log->clock_ = options.clock ? options.clock : SystemClock();

  std::error_code ec;
  if (!std::filesystem::exists(options.dir, ec)) {
    if (!options.create_if_missing) {
      return Status::NotFound("data directory " + options.dir +
                              " does not exist: create it with `rapport init`");
    }
    std::filesystem::create_directories(options.dir, ec);
    if (ec) return Status::IOError("cannot create " + options.dir + ": " + ec.message());
  }
  if (!options.follower) {
    RAPPORT_RETURN_IF_ERROR(DirLock::Acquire(options.dir, options.program_name, &log->lock_));
  }
  OpenReport r;
  RAPPORT_RETURN_IF_ERROR(log->OpenDb(&r));
  log->open_report_ = r;
  if (report) *report = r;
  *out = std::move(log);
  return Status::Ok();
}

Status EventLog::OpenDb(OpenReport* report) {
  cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  rocksdb::DBOptions dbo = LogDbOptions(options_);

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int i = 0; i < kFamilyCount; ++i) {
    families.emplace_back(LogFamilyNames()[i], LogFamilyOptions(i, cache_));
  }
  std::string path = options_.dir + "/db";
  if (options_.follower) return OpenFollowerDb(dbo, path, families, report);
  rocksdb::Status s = rocksdb::DB::Open(dbo, path, families, &handles_, &db_);
  if (!s.ok()) {
    if (s.IsInvalidArgument() && !options_.create_if_missing) {
      return Status::NotFound("no rapport log in " + options_.dir);
    }
    return FromRocks(s, "opening the log in " + path);
  }

  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  std::string format;
  s = db_->Get(rocksdb::ReadOptions(), family(kMeta), kMetaFormat, &format);
  if (s.IsNotFound()) {
    // A new log: stamp its format and identity.
    workspace_id_ = RandomHex128();
    rocksdb::WriteBatch b;
    b.Put(family(kMeta), kMetaFormat, kFormatValue);
    b.Put(family(kMeta), kMetaWorkspace, workspace_id_);
    b.Put(family(kMeta), kMetaCreatedAt, FormatIso8601(clock_->NowMicros()));
    b.Put(family(kMeta), kMetaState, "closed");
    RAPPORT_RETURN_IF_ERROR(FromRocks(db_->Write(sync_write, &b), "initialising the log"));
    report->created = true;
  } else if (!s.ok()) {
    return FromRocks(s, "reading the log's format");
  } else if (format != kFormatValue) {
    return Status::FailedPrecondition("the log in " + options_.dir + " has format '" + format +
                                      "', this rapport reads '" + kFormatValue +
                                      "': use the rapport release that wrote it");
  } else {
    s = db_->Get(rocksdb::ReadOptions(), family(kMeta), kMetaWorkspace, &workspace_id_);
    RAPPORT_RETURN_IF_ERROR(FromRocks(s, "reading the workspace id"));
  }

  std::string state;
  s = db_->Get(rocksdb::ReadOptions(), family(kMeta), kMetaState, &state);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the log state");
  report->unclean_shutdown = s.ok() && state == "open";

  // Find the end of the log.
  uint64_t last = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kLog)));
    it->SeekToLast();
    if (it->Valid()) {
      auto pos = keys::DecodeU64(std::string_view(it->key().data(), it->key().size()));
      if (!pos) return Status::Corruption("the last key of the log is not a position");
      last = *pos;
      std::string bytes(it->value().data(), it->value().size());  // aligned for FlatBuffers
      RAPPORT_RETURN_IF_ERROR(VerifyEnvelopeBytes(bytes, last));
      last_recorded_at_ = EventView(bytes).recorded_at_us();
    }
    RAPPORT_RETURN_IF_ERROR(FromRocks(it->status(), "finding the end of the log"));
  }
  committed_position_.store(last);
  next_position_ = last + 1;
  report->last_position = last;

  if (report->unclean_shutdown && options_.tail_check_events > 0) {
    RAPPORT_RETURN_IF_ERROR(CheckTail(options_.tail_check_events, &report->tail_events_checked));
  }
  RAPPORT_RETURN_IF_ERROR(FromRocks(db_->Put(sync_write, family(kMeta), kMetaState, "open"),
                                    "marking the log open"));
  commit_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rapport-commit");  // names show in top -H and perf
    CommitLoop();
  });
  completion_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rapport-done");
    CompletionLoop();
  });
  return Status::Ok();
}

Status EventLog::OpenFollowerDb(rocksdb::DBOptions dbo, const std::string& path,
                                const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
                                OpenReport* report) {
  if (!std::filesystem::exists(path + "/CURRENT")) return Status::NotFound("no rapport log in " + options_.dir);
  std::error_code ec;
  follower_dir_ = (std::filesystem::temp_directory_path(ec) /
                   ("rapport-follower-" + std::to_string(::getpid()) + "-" + RandomHex128().substr(0, 8)))
                      .string();
  dbo.create_if_missing = false;
  dbo.max_open_files = -1;  // required by secondary instances
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(dbo, path, follower_dir_, families, &handles_, &db_);
  if (!s.ok()) return FromRocks(s, "following the log in " + path);
  std::string id;
  if (db_->Get(rocksdb::ReadOptions(), family(kMeta), kMetaWorkspace, &id).ok()) workspace_id_ = id;
  stopping_ = true;  // Append refuses: nothing is ever written through a follower
  RAPPORT_RETURN_IF_ERROR(CatchUpWithPrimary());
  report->last_position = LastPosition();
  return Status::Ok();
}

Status EventLog::CatchUpWithPrimary() {
  if (!options_.follower) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the log"));
  uint64_t last = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kLog)));
  it->SeekToLast();
  if (it->Valid()) {
    auto pos = keys::DecodeU64(std::string_view(it->key().data(), it->key().size()));
    if (!pos) return Status::Corruption("the last key of the log is not a position");
    last = *pos;
  }
  RAPPORT_RETURN_IF_ERROR(FromRocks(it->status(), "finding the end of the log"));
  if (last > committed_position_.load()) {
    committed_position_.store(last, std::memory_order_release);
    {
      std::lock_guard<std::mutex> l(tail_mu_);
    }
    tail_cv_.notify_all();
  }
  return Status::Ok();
}

Status EventLog::CheckTail(uint64_t events, uint64_t* checked) const {
  uint64_t last = LastPosition();
  if (last == 0) return Status::Ok();
  uint64_t from = last > events ? last - events + 1 : 1;
  auto it = NewIterator({.upto_position = last});
  std::vector<std::string> problems;
  uint64_t n = 0;
  for (it->Seek(from); it->Valid(); it->Next()) {
    CheckEventIndexes(it->event(), &problems);
    ++n;
    if (!problems.empty()) break;
  }
  *checked = n;
  if (!it->status().ok()) {
    return it->status().WithContext("checking the end of the log after an unclean shutdown");
  }
  if (!problems.empty()) {
    return Status::Corruption("checking the end of the log after an unclean shutdown: " +
                              problems.front() + " (run `rapport log verify` for a full report)");
  }
  if (n != last - from + 1) {
    return Status::Corruption("the end of the log holds " + std::to_string(n) +
                              " events where " + std::to_string(last - from + 1) +
                              " were expected");
  }
  return Status::Ok();
}

Status EventLog::Close() {
  if (closed_.exchange(true)) return Status::Ok();
  StopThreads();  // answers every queued append first
  Status result;
  if (db_ != nullptr) {
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    bool healthy;
    {
      std::lock_guard<std::mutex> l(mu_);
      healthy = failed_.ok();
    }
    if (healthy && !options_.follower) {
      result = FromRocks(db_->Put(sync_write, family(kMeta), kMetaState, "closed"),
                         "marking the log closed");
    }
    for (auto* h : handles_) {
      rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
      if (result.ok()) result = FromRocks(s, "closing a column family");
    }
    handles_.clear();
    rocksdb::Status s = db_->Close();
    if (result.ok()) result = FromRocks(s, "closing the log");
    delete db_;
    db_ = nullptr;
  }
  lock_.reset();
  if (!follower_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(follower_dir_, ec);
  }
  {
    std::lock_guard<std::mutex> l(tail_mu_);
  }
  tail_cv_.notify_all();
  return result;
}

EventLog::~EventLog() {
  Status s = Close();
  (void)s;
}

Status EventLog::health() const {
  std::lock_guard<std::mutex> l(mu_);
  return failed_;
}

LogStats EventLog::Stats() const {
  LogStats st;
  st.last_position = LastPosition();
  st.workspace_id = workspace_id_;
  if (st.last_position > 0) {
    auto first = Get(1);
    if (first.ok()) st.first_recorded_at_us = first->view().recorded_at_us();
    auto last = Get(st.last_position);
    if (last.ok()) st.last_recorded_at_us = last->view().recorded_at_us();
  }
  uint64_t v = 0;
  if (db_->GetIntProperty(family(kHeads), "rocksdb.estimate-num-keys", &v)) {
    st.estimated_streams = v;
  }
  if (db_->GetIntProperty(family(kCommands), "rocksdb.estimate-num-keys", &v)) {
    st.estimated_commands = v;
  }
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(options_.dir + "/db", ec)) {
    if (entry.is_regular_file(ec)) st.disk_bytes += entry.file_size(ec);
  }
  return st;
}

}  // namespace rapport::events
