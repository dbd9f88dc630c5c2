// LogIterator: reads the global log in position order, verifying every entry.
//
//   auto it = log->NewIterator();
//   for (it->Seek(from); it->Valid(); it->Next()) Use(it->event());
//   if (!it->status().ok()) ...  // damage stops the iteration and is reported here
//
// The iterator reads a consistent snapshot of the log taken when it was created. It checks
// that positions are contiguous: a missing position is corruption, never silently skipped.
// Not thread-safe: use one iterator from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Iterator;
class Slice;
}  // namespace rocksdb

namespace rapport::events {

struct LogReadOptions {
  // Read nothing after this position (inclusive bound). 0: up to the end of the snapshot.
  // Default: 0
  uint64_t upto_position = 0;
  // Pass over events whose type this build does not know, counting them in
  // unknown_skipped(). When false they are returned (EventView::known_type() is false).
  // Default: false
  bool skip_unknown_types = false;
  // Keep the blocks read in the block cache. Full scans should say false.
  // Default: true
  bool fill_cache = true;
  // Read ahead this many bytes on sequential scans (0: RocksDB's automatic readahead).
  // Default: 0
  size_t readahead_bytes = 0;
};

class LogIterator {
 public:
  // Used by EventLog::NewIterator: iterates `log_family` of `db`.
  LogIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log_family, LogReadOptions options);
  ~LogIterator();
  LogIterator(const LogIterator&) = delete;
  LogIterator& operator=(const LogIterator&) = delete;

  // Positions at the first event with position >= `position` (0 and 1 both mean the start).
  void Seek(uint64_t position);
  bool Valid() const { return valid_; }
  // REQUIRES: Valid()
  void Next();
  // REQUIRES: Valid(). The view stays valid until the next Seek or Next.
  const EventView& event() const { return view_; }
  // ok, or the damage or I/O error that ended the iteration.
  const Status& status() const { return status_; }
  uint64_t unknown_skipped() const { return unknown_skipped_; }

 private:
  // Verifies the entry under it_ (or stops); skips unknown types when asked.
  void Settle();

  LogReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> it_;
  // A copy of the current value when RocksDB's bytes are not 8-byte aligned: FlatBuffers
  // reads its offsets and 8-byte scalars in place, which needs aligned memory.
  std::vector<uint64_t> aligned_;
  bool valid_ = false;
  Status status_;
  EventView view_;
  uint64_t expected_next_ = 1;
  uint64_t unknown_skipped_ = 0;
};

}  // namespace rapport::events
