// Interner: ids and short strings as dense 32-bit numbers, in first-seen order.
//
// Projections hold millions of references to records, users and stages; keeping each as a
// uint32 instead of a string keeps memory small and comparisons cheap. Numbers are assigned in
// the order strings are first seen, so replaying the same log always gives the same numbers
// (snapshots and rebuilds compare byte for byte). 0 is the empty string.
//
// Strings live back to back in large chunks (no allocation per string); lookups go through an
// open-addressing table of (hash, number) slots, compared by hash first, except record ids
// like "C-123": those are packed into 64-bit keys (PackId) and found in an array per letter
// prefix indexed by the number, where ids come in sequence, or else in a table of packed keys.
// About 12 bytes per string for its reference, and 11-23 bytes for its slot (8 bytes at
// 35-70 % load; 4-8 bytes for an id in sequence, 16 at 35-70 % for other ids).
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
#include "projections/flat_map.h"
#include "projections/large_table.h"

namespace rapport::projections {

using Sym = uint32_t;  // an interned string; 0 = ""

// A record id of the form "C-123" or "TSK-9" (one to four capital letters, a dash, and a
// number of up to 12 digits without a leading zero) as a number below 2^60: the
// letters in bits 40-59, 5 bits each, the number below. 0 for every other string. Different
// ids give different numbers.
inline uint64_t PackRecordId(std::string_view id) {
  size_t dash = id.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 4) return 0;
  size_t digits = id.size() - dash - 1;
  if (digits == 0 || digits > 12 || id[dash + 1] == '0') return 0;
  uint64_t prefix = 0;
  for (size_t i = 0; i < dash; ++i) {
    char c = id[i];
    if (c < 'A' || c > 'Z') return 0;
    prefix = prefix * 32 + static_cast<uint64_t>(c - 'A' + 1);
  }
  uint64_t n = 0;
  for (size_t i = dash + 1; i < id.size(); ++i) {
    char c = id[i];
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n >= (uint64_t{1} << 40)) return 0;
  return (prefix << 40) | n;
}

class Interner {
 public:
  Interner() { Clear(); }

  Sym Intern(std::string_view s) {
    if (s.empty()) return 0;
    if (uint64_t key = PackId(s)) return InternId(key, s);
    uint32_t h = Hash(s);
    if ((hashed_ + 1) * 10 > table_.size() * 7) Grow();
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      uint64_t slot = table_[i];
      if (slot == 0) {
        Sym id = Add(s);
        table_[i] = Slot(h, id);
        ++hashed_;
        return id;
      }
      if (SlotHash(slot) == h && View(SlotId(slot)) == s) return SlotId(slot);
    }
  }
  // The number of `s`, or 0 if it was never interned.
  Sym Find(std::string_view s) const {
    if (s.empty()) return 0;
    if (uint64_t key = PackId(s)) {
      if (const Dense* d = FindDense(key)) {
        uint64_t n = key & kNumberMask;
        if (n < d->ids.size() && (d->ids[n] != 0 || d->hashed == 0)) return d->ids[n];
      }
      return FindPacked(key);
    }
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
    hashed_ = 0;
    packed_.assign(1024, PackedSlot{});
    packed_mask_ = packed_.size() - 1;
    packed_count_ = 0;
    dense_.clear();
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

  // Record ids ("C-123") as one nonzero key (bit 63 above PackRecordId). Such ids are most of
  // what projections intern, and are looked up at random among millions: their table slot
  // holds the key beside the number, so a hit costs one cache miss (a string's slot costs
  // three: the slot, the string's reference, its bytes) and no hashing of bytes.
  static uint64_t PackId(std::string_view id) {
    uint64_t packed = PackRecordId(id);
    return packed == 0 ? 0 : (uint64_t{1} << 63) | packed;
  }
  struct PackedSlot {
    uint64_t key = 0;  // 0 = empty
    Sym id = 0;
  };
  // Ids are mostly numbered in sequence per letters ("C-1", "C-2", ...): for each of the
  // first kMaxDense letter prefixes seen, an array indexed by the number holds the ids whose
  // number is below twice the count already there plus 4096, so it stays at most about twice
  // as large as what it holds. New ids in sequence are written at its end (no random probe),
  // and a hit is one load in 4 bytes per id. Other ids go to the packed table; `hashed`
  // counts those of a prefix, and while it is 0 an empty array entry means "never seen".
  static constexpr uint64_t kNumberMask = (uint64_t{1} << 40) - 1;
  static constexpr size_t kMaxDense = 16;
  struct Dense {
    uint64_t prefix = 0;  // key >> 40
    std::vector<Sym, LargeTableAllocator<Sym>> ids;
    size_t used = 0;    // ids in the array
    size_t hashed = 0;  // ids of this prefix in the packed table
  };
  const Dense* FindDense(uint64_t key) const {
    uint64_t prefix = key >> 40;
    for (const Dense& d : dense_) {
      if (d.prefix == prefix) return &d;
    }
    return nullptr;
  }
  Sym InternId(uint64_t key, std::string_view s) {
    Dense* d = const_cast<Dense*>(FindDense(key));
    if (d == nullptr && dense_.size() < kMaxDense) {
      d = &dense_.emplace_back();
      d->prefix = key >> 40;
    }
    if (d == nullptr) return InternPacked(key, s);
    uint64_t n = key & kNumberMask;
    if (n < d->ids.size() && d->ids[n] != 0) return d->ids[n];
    if (d->hashed != 0) {  // it may be in the packed table
      Sym found = FindPacked(key);
      if (found != 0) return found;
    }
    if (n >= d->ids.size()) {
      if (n >= 2 * d->used + 4096) {
        ++d->hashed;
        return InternPacked(key, s);
      }
      d->ids.resize(n + 1, 0);
    }
    ++d->used;
    return d->ids[n] = Add(s);
  }
  Sym FindPacked(uint64_t key) const {
    for (size_t i = MixKey(key) & packed_mask_;; i = (i + 1) & packed_mask_) {
      const PackedSlot& slot = packed_[i];
      if (slot.key == key) return slot.id;
      if (slot.key == 0) return 0;
    }
  }
  Sym InternPacked(uint64_t key, std::string_view s) {
    if ((packed_count_ + 1) * 10 > packed_.size() * 7) GrowPacked();
    for (size_t i = MixKey(key) & packed_mask_;; i = (i + 1) & packed_mask_) {
      PackedSlot& slot = packed_[i];
      if (slot.key == key) return slot.id;
      if (slot.key == 0) {
        slot.key = key;
        slot.id = Add(s);
        ++packed_count_;
        return slot.id;
      }
    }
  }
  void GrowPacked() {
    PackedTable old(packed_.size() * 2, PackedSlot{});
    old.swap(packed_);
    packed_mask_ = packed_.size() - 1;
    for (const PackedSlot& slot : old) {
      if (slot.key == 0) continue;
      size_t i = MixKey(slot.key) & packed_mask_;
      while (packed_[i].key != 0) i = (i + 1) & packed_mask_;
      packed_[i] = slot;
    }
  }

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
  Table table_;  // Slot(hash, number) of strings that are not packed ids, 0 = empty
  size_t mask_ = 0;
  size_t hashed_ = 0;  // strings in table_
  using PackedTable = std::vector<PackedSlot, LargeTableAllocator<PackedSlot>>;
  PackedTable packed_;  // packed ids
  size_t packed_mask_ = 0;
  size_t packed_count_ = 0;
  std::vector<Dense> dense_;  // by letter prefix, at most kMaxDense
};

}  // namespace rapport::projections
