// StreamName: the identity of a record's event stream, a record type plus a record id
// ("deal" + "D-12", printed "deal/D-12").
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace rapport::events {

// Size limits, also stated in docs/event-format.md.
constexpr size_t kMaxStreamTypeBytes = 32;
constexpr size_t kMaxStreamIdBytes = 128;

struct StreamName {
  std::string type;  // [a-z0-9_], 1..32 bytes, e.g. "deal"
  std::string id;    // 1..128 printable bytes (no control characters), e.g. "D-12"

  std::string ToString() const { return type + "/" + id; }
  friend bool operator==(const StreamName&, const StreamName&) = default;
  friend auto operator<=>(const StreamName&, const StreamName&) = default;
};

// ok, or invalid_argument naming the part at fault.
Status ValidateStreamName(const StreamName& s);

// Parses "type/id"; the id may itself contain '/'.
Result<StreamName> ParseStreamName(std::string_view text);

// True for 1..max_bytes bytes with no byte below 0x20 and no 0x7f.
bool IsPrintableToken(std::string_view s, size_t max_bytes);

}  // namespace rapport::events
