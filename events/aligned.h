// FlatBuffers reads offsets and 8-byte scalars in place, which needs memory aligned for them;
// RocksDB hands out values at any address. AlignedForFlatBuffers gives bytes that may be
// read in place: `bytes` itself when 8-byte aligned, else a copy in *scratch (valid until
// *scratch changes).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace rapport::events {

inline std::string_view AlignedForFlatBuffers(std::string_view bytes, std::vector<uint64_t>* scratch) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) return bytes;
  scratch->resize((bytes.size() + sizeof(uint64_t) - 1) / sizeof(uint64_t));
  if (!bytes.empty()) std::memcpy(scratch->data(), bytes.data(), bytes.size());
  return std::string_view(reinterpret_cast<const char*>(scratch->data()), bytes.size());
}

}  // namespace rapport::events
