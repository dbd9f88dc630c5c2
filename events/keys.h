// Key encodings of the event log's column families. The long form is docs/event-format.md.
//
//   log       : position (u64 BE, 8 bytes)                  -> Envelope (FlatBuffer, "RPEV")
//   streams   : type 0x00 id 0x00 version (u64 BE)          -> position (u64 BE)
//   heads     : type 0x00 id                                -> version (u64 BE)
//   commands  : command id (raw bytes)                      -> CommandRecord (28 bytes, below)
//   by_time   : recorded_at_us (u64 BE)                     -> last position stamped then (u64 BE)
//   meta      : ASCII name                                  -> value (see docs)
//
// Big-endian integers make RocksDB's bytewise order the numeric order. Stream types and ids
// never contain 0x00 (ValidateStreamName), so a stream's entries are one contiguous range.
//
// CommandRecord := first_position u64 BE | last_position u64 BE | recorded_at_us i64 BE |
//                  event_count u32 BE
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/stream_name.h"

namespace rapport::events::keys {

void PutFixed64BE(std::string* dst, uint64_t v);
uint64_t DecodeFixed64BE(const char* p);
std::string EncodeU64(uint64_t v);
// nullopt unless `s` is exactly 8 bytes.
std::optional<uint64_t> DecodeU64(std::string_view s);

std::string PositionKey(uint64_t position);

// "type\0id\0" — the prefix every version key of the stream starts with.
std::string StreamPrefix(const StreamName& s);
std::string StreamVersionKey(const StreamName& s, uint64_t version);
// Splits a streams-family key; false if it is malformed.
bool ParseStreamVersionKey(std::string_view key, StreamName* s, uint64_t* version);

std::string HeadKey(const StreamName& s);
bool ParseHeadKey(std::string_view key, StreamName* s);

std::string TimeKey(int64_t recorded_at_us);

struct CommandRecord {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  int64_t recorded_at_us = 0;
  uint32_t event_count = 0;
};
std::string EncodeCommandRecord(const CommandRecord& r);
std::optional<CommandRecord> DecodeCommandRecord(std::string_view s);

}  // namespace rapport::events::keys
