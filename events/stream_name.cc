#include "events/stream_name.h"

namespace rapport::events {

bool IsPrintableToken(std::string_view s, size_t max_bytes) {
  if (s.empty() || s.size() > max_bytes) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Status ValidateStreamName(const StreamName& s) {
  if (s.type.empty() || s.type.size() > kMaxStreamTypeBytes) {
    return Status::InvalidArgument("stream type must be 1.." +
                                   std::to_string(kMaxStreamTypeBytes) + " bytes, got " +
                                   std::to_string(s.type.size()));
  }
  for (char c : s.type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return Status::InvalidArgument("stream type '" + s.type +
                                     "' may only hold lower-case letters, digits and '_'");
    }
  }
  if (!IsPrintableToken(s.id, kMaxStreamIdBytes)) {
    return Status::InvalidArgument("stream id of " + s.type + " must be 1.." +
                                   std::to_string(kMaxStreamIdBytes) +
                                   " bytes with no control characters");
  }
  return Status::Ok();
}

Result<StreamName> ParseStreamName(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a stream name: use type/id, e.g. deal/D-12");
  }
  StreamName s{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  RAPPORT_RETURN_IF_ERROR(ValidateStreamName(s));
  return s;
}

}  // namespace rapport::events
