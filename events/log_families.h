// The RocksDB column families of the event log (internal to events/). Key and value formats
// are in events/keys.h; the long form is docs/event-format.md.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/options.h>

#include <memory>
#include <rocksdb/status.h>

#include <string>
#include <vector>

#include "events/status.h"

namespace rapport::events {

enum LogFamily : int {
  kMeta = 0,      // "default": format, workspace id, open/closed state
  kLog = 1,       // position -> envelope
  kStreams = 2,   // (stream, version) -> position
  kHeads = 3,     // stream -> current version
  kCommands = 4,  // command id -> CommandRecord
  kByTime = 5,    // recorded_at -> last position stamped with it
  kFamilyCount = 6,
};

// Names, in LogFamily order.
const std::vector<std::string>& LogFamilyNames();

// Meta keys.
inline constexpr const char* kMetaFormat = "format";          // "rapport-log/1"
inline constexpr const char* kMetaWorkspace = "workspace_id";  // 32 hex digits
inline constexpr const char* kMetaCreatedAt = "created_at";    // ISO 8601
inline constexpr const char* kMetaState = "state";             // "open" | "closed"
inline constexpr const char* kFormatValue = "rapport-log/1";

// The RocksDB options the log opens its database with (shared with bench/ so that raw
// RocksDB baselines run on identically configured column families).
struct LogOptions;
rocksdb::DBOptions LogDbOptions(const LogOptions& options);
rocksdb::ColumnFamilyOptions LogFamilyOptions(int family, const std::shared_ptr<rocksdb::Cache>& cache);

// Maps a RocksDB status to ours, prefixing `what` ("writing the log").
Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace rapport::events
