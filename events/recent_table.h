// RecentTable: what the log's commit thread remembers about keys written recently (a
// stream's current version, a command id's positions), in bounded memory.
//
// The table keeps two generations of keys. Each group's keys go into the newer one; when a
// group would take the newer past `capacity` keys, the older generation is dropped and the
// newer becomes the older. So it always holds at least the last `capacity` keys written
// (about), never more than twice that or twice one group's keys, and stays small enough to
// sit in the processor's cache, where a table of every key written misses it on every
// lookup.
//
// Its contract is completeness: every key written at a position after since() is in the
// table, with its latest value. A key missing from it was not written after since(), so a
// value read from the database at a committed position >= since() is still current.
//
// Not thread-safe: owned by whoever writes the log (the commit thread's writer token).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace rapport::events {

template <typename Value>
class RecentTable {
 public:
  // capacity: keys per generation, at least 1.
  explicit RecentTable(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // The latest value recorded for `key`, or nullptr.
  const Value* Find(const std::string& key) const {
    if (auto it = newer_.find(key); it != newer_.end()) return &it->second;
    if (auto it = older_.find(key); it != older_.end()) return &it->second;
    return nullptr;
  }

  // Call before recording the keys of a group of writes whose first position is
  // `first_position`, with (at most) how many keys it will record.
  void MakeRoom(size_t incoming, uint64_t first_position) {
    if (newer_.empty()) {
      // Buckets for a full generation up front (when small): no rehash while it fills.
      if (capacity_ <= kReservedUpTo && newer_.bucket_count() < capacity_) newer_.reserve(capacity_);
      return;
    }
    if (newer_.size() + incoming <= capacity_) return;
    older_.swap(newer_);
    newer_.clear();  // keeps its buckets: no rehash while it refills
    since_ = newer_since_;
    newer_since_ = first_position - 1;
  }

  void Put(const std::string& key, Value value) { newer_.insert_or_assign(key, std::move(value)); }

  // Every key written at a position after this one is in the table.
  uint64_t since() const { return since_; }

  size_t size() const { return newer_.size() + older_.size(); }

 private:
  static constexpr size_t kReservedUpTo = size_t{1} << 18;

  size_t capacity_;
  std::unordered_map<std::string, Value> newer_;
  std::unordered_map<std::string, Value> older_;
  uint64_t since_ = 0;        // where older_ (and so the table) is complete from
  uint64_t newer_since_ = 0;  // where newer_ is complete from
};

}  // namespace rapport::events
