// SnapshotStore: projection snapshots in their own RocksDB database (DIR/projections), so
// they can be thrown away and rebuilt without touching the log.
//
// Keys (big-endian numbers, so RocksDB orders them numerically):
//   "m" position(u64)            -> chunk count (u32 LE) | size (u64 LE) | fnv1a-64 (u64 LE)
//   "c" position(u64) chunk(u32) -> up to 4 MiB of the snapshot
// A snapshot's chunks and meta entry are written in one WriteBatch: a crash leaves either the
// whole snapshot or none of it. The checksum catches damage RocksDB's block checksums would
// not (e.g. a bug); a damaged snapshot is reported and the projections rebuild.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/status.h"

namespace rocksdb {
class DB;
}

namespace rapport::projections {

class SnapshotStore {
 public:
  static Result<std::unique_ptr<SnapshotStore>> Open(const std::string& dir);
  ~SnapshotStore();

  // Stores `bytes` as the snapshot at `position` and deletes all but the newest `keep`.
  Status Put(uint64_t position, const std::string& bytes, size_t keep);
  // Positions of the stored snapshots, oldest first.
  Result<std::vector<uint64_t>> List() const;
  // The newest snapshot at or before `position` (nullopt if none).
  Result<std::optional<std::pair<uint64_t, std::string>>> Latest(uint64_t position = UINT64_MAX) const;
  Status Delete(uint64_t position);
  Status DeleteAll();
  uint64_t DiskBytes() const;

 private:
  SnapshotStore() = default;
  Result<std::string> Read(uint64_t position) const;
  rocksdb::DB* db_ = nullptr;
  std::string dir_;
};

}  // namespace rapport::projections
