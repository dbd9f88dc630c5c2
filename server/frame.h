// Frames: how protocol messages travel on a TCP stream.
//
//   frame = length (4 bytes, unsigned, little-endian) + message (length bytes, a FlatBuffer)
//
// length is 1..max_frame_bytes. FrameParser cuts a byte stream into frames incrementally and
// never buffers more than one frame (plus the 4 length bytes): a peer announcing a larger
// frame is refused before any of it is read. No I/O; fuzzed by server/fuzz/request_fuzzer.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport::server {

inline constexpr size_t kFrameHeaderBytes = 4;
// Default limit on one frame's message.
inline constexpr size_t kDefaultMaxFrameBytes = 4 << 20;

// Prefixes `message` with its length.
std::string EncodeFrame(std::string_view message);
// The same, appended to *out (framing many messages into one buffer).
void AppendFrame(std::string_view message, std::string* out);

class FrameParser {
 public:
  explicit FrameParser(size_t max_frame_bytes = kDefaultMaxFrameBytes);

  enum class State { kNeedMore, kFrame, kError };

  // Consumes bytes from [*data, *data + *size) and advances past what it used. Returns kFrame
  // when a whole frame is ready (read it with TakeFrame() before calling Feed again), kError
  // on a frame length of 0 or above the limit (error() says which; the stream is unusable
  // from then on), kNeedMore when everything was consumed without completing a frame.
  State Feed(const char** data, size_t* size);

  // The completed frame's message, moved out. REQUIRES: Feed returned kFrame.
  std::string TakeFrame();

  const std::string& error() const { return error_; }
  // Bytes of a frame received so far (0 between frames).
  size_t buffered() const { return header_used_ + message_.size(); }

 private:
  size_t max_frame_bytes_;
  char header_[kFrameHeaderBytes] = {};
  size_t header_used_ = 0;
  size_t expected_ = 0;  // the current frame's length, once the header is complete
  std::string message_;
  bool ready_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace rapport::server
