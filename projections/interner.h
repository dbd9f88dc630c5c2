// Interner: ids and short strings as dense 32-bit numbers, in first-seen order.
//
// Projections hold millions of references to records, users and stages; keeping each as a
// uint32 instead of a string keeps memory small and comparisons cheap. Numbers are assigned in
// the order strings are first seen, so replaying the same log always gives the same numbers
// (snapshots and rebuilds compare byte for byte). 0 is the empty string.
//
// Strings live back to back in large chunks (no allocation per string); lookups go through an
// open-addressing table of (hash, number) slots, compared by hash first. About 12 bytes per
// string for its reference, and 11-23 bytes for its slot (8 bytes at 35-70 % load).
// Not thread-safe: owned by the read model, written only while applying events.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "projections/binary_io.h"
#include "projections/large_table.h"

namespace rapport::projections {

using Sym = uint32_t;  // an interned string; 0 = ""

class Interner {
 public:
  Interner() { Clear(); }

  Sym Intern(std::string_view s) {
    if (s.empty()) return 0;
    uint32_t h = Hash(s);
    if ((count() + 1) * 10 > table_.size() * 7) Grow();
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      uint64_t slot = table_[i];
      if (slot == 0) {
        Sym id = Add(s);
        table_[i] = Slot(h, id);
        return id;
      }
      if (SlotHash(slot) == h && View(SlotId(slot)) == s) return SlotId(slot);
    }
  }
  // The number of `s`, or 0 if it was never interned.
  Sym Find(std::string_view s) const {
    if (s.empty()) return 0;
    uint32_t h = Hash(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      uint64_t slot = table_[i];
      if (slot == 0) return 0;
      if (SlotHash(slot) == h && View(SlotId(slot)) == s) return SlotId(slot);
    }
  }
  std::string_view View(Sym id) const {
    if (id == 0 || id >= offsets_.size()) return {};
    const Ref& r = offsets_[id];
    return std::string_view(chunks_[r.chunk].get() + r.offset, r.length);
  }
  // The string of `id` (empty for 0 or an unknown number).
  std::string Str(Sym id) const { return std::string(View(id)); }
  size_t count() const { return offsets_.size(); }
  size_t size() const { return count(); }

  void Clear() {
    chunks_.clear();
    chunk_used_ = kChunk;
    offsets_.assign(1, Ref{});
    table_.assign(1024, 0);
    mask_ = table_.size() - 1;
  }
  void Serialize(BinaryWriter* w) const {
    w->Var(count());
    for (Sym i = 1; i < count(); ++i) w->Str(View(i));
  }
  bool Deserialize(BinaryReader* r) {
    Clear();
    uint64_t n = r->Count();
    for (uint64_t i = 1; i < n && r->ok(); ++i) {
      std::string s = r->Str();
      if (s.empty() || Find(s) != 0) return false;  // damaged: duplicates or empties
      Intern(s);
    }
    return r->ok();
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  struct Ref {
    uint32_t chunk = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  static uint32_t Hash(std::string_view s) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  // A table slot holds a string's hash beside its number, so a probe that passes other
  // strings reads only the table: linear probing at 70 % load looks at several slots for a
  // string not yet interned, and each used to cost a cache miss in a separate array of
  // hashes (perf: a third of the interner's time in the follow thread, 2026-11-28).
  // 0 is an empty slot (no string has number 0).
  static uint64_t Slot(uint32_t h, Sym id) { return (uint64_t{h} << 32) | id; }
  static uint32_t SlotHash(uint64_t slot) { return static_cast<uint32_t>(slot >> 32); }
  static Sym SlotId(uint64_t slot) { return static_cast<Sym>(slot); }

  Sym Add(std::string_view s) {
    if (chunk_used_ + s.size() > kChunk) {
      chunks_.emplace_back(new char[std::max(kChunk, s.size())]);
      chunk_used_ = 0;
    }
    std::memcpy(chunks_.back().get() + chunk_used_, s.data(), s.size());
    offsets_.push_back({static_cast<uint32_t>(chunks_.size() - 1), static_cast<uint32_t>(chunk_used_),
                        static_cast<uint32_t>(s.size())});
    chunk_used_ += s.size();
    if (s.size() > kChunk) chunk_used_ = kChunk;  // an oversized string fills its own chunk
    return static_cast<Sym>(offsets_.size() - 1);
  }
  void Grow() {
    Table old(table_.size() * 2, 0);
    old.swap(table_);
    mask_ = table_.size() - 1;
    for (uint64_t slot : old) {
      if (slot == 0) continue;
      size_t i = SlotHash(slot) & mask_;
      while (table_[i] != 0) i = (i + 1) & mask_;
      table_[i] = slot;
    }
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = kChunk;
  std::vector<Ref> offsets_;
  using Table = std::vector<uint64_t, LargeTableAllocator<uint64_t>>;
  Table table_;  // Slot(hash, number), 0 = empty
  size_t mask_ = 0;
};

}  // namespace rapport::projections
