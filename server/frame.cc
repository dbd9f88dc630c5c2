#include "server/frame.h"

#include <algorithm>
#include <cstring>

namespace rapport::server {

void AppendFrame(std::string_view message, std::string* out) {
  const uint32_t n = static_cast<uint32_t>(message.size());
  char header[kFrameHeaderBytes];
  for (size_t i = 0; i < kFrameHeaderBytes; ++i) header[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out->append(header, kFrameHeaderBytes);
  out->append(message.data(), message.size());
}

std::string EncodeFrame(std::string_view message) {
  std::string out;
  out.reserve(kFrameHeaderBytes + message.size());
  AppendFrame(message, &out);
  return out;
}

FrameParser::FrameParser(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

FrameParser::State FrameParser::Feed(const char** data, size_t* size) {
  if (failed_) return State::kError;
  if (ready_) return State::kFrame;
  while (*size > 0) {
    if (header_used_ < kFrameHeaderBytes) {
      size_t n = std::min(kFrameHeaderBytes - header_used_, *size);
      std::memcpy(header_ + header_used_, *data, n);
      header_used_ += n;
      *data += n;
      *size -= n;
      if (header_used_ < kFrameHeaderBytes) return State::kNeedMore;
      uint32_t len = 0;
      for (size_t i = 0; i < kFrameHeaderBytes; ++i) {
        len |= static_cast<uint32_t>(static_cast<unsigned char>(header_[i])) << (8 * i);
      }
      if (len == 0 || len > max_frame_bytes_) {
        failed_ = true;
        error_ = len == 0 ? "frame of length 0"
                          : "frame of " + std::to_string(len) + " bytes is larger than the limit of " +
                                std::to_string(max_frame_bytes_) + " bytes";
        return State::kError;
      }
      expected_ = len;
      message_.clear();
      message_.reserve(std::min<size_t>(len, 64 << 10));  // grows as bytes really arrive
    }
    size_t n = std::min(expected_ - message_.size(), *size);
    message_.append(*data, n);
    *data += n;
    *size -= n;
    if (message_.size() == expected_) {
      ready_ = true;
      return State::kFrame;
    }
  }
  return State::kNeedMore;
}

std::string FrameParser::TakeFrame() {
  std::string m = std::move(message_);
  message_.clear();
  header_used_ = 0;
  expected_ = 0;
  ready_ = false;
  return m;
}

}  // namespace rapport::server
