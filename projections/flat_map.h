// FlatMap: an open-addressing hash map from uint64 keys to uint32 values, for the projections'
// millions of small lookups (std::unordered_map costs a heap node and a cache miss per entry).
// Linear probing, power-of-two capacity, load factor <= 0.7; no erase. Key UINT64_MAX is
// reserved (the empty slot).
#pragma once

#include <cstdint>
#include <vector>

#include "projections/large_table.h"

namespace rapport::projections {

// Spreads a 64-bit key's bits over all 64 (the splitmix64 finaliser), for tables that index
// by its low bits: FlatMap, the interner's packed ids, the timelines' slots.
inline uint64_t MixKey(uint64_t k) {
  k ^= k >> 30;
  k *= 0xbf58476d1ce4e5b9ULL;
  k ^= k >> 27;
  k *= 0x94d049bb133111ebULL;
  return k ^ (k >> 31);
}

class FlatMap {
 public:
  static constexpr uint64_t kEmpty = UINT64_MAX;

  // The value of `key`, or nullptr.
  const uint32_t* Find(uint64_t key) const {
    if (keys_.empty()) return nullptr;
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == kEmpty) return nullptr;
    }
  }
  // Inserts `value` unless `key` is present; returns the value stored and whether it was new.
  std::pair<uint32_t, bool> Insert(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 10 > keys_.size() * 7) Grow();
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return {values_[i], false};
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        return {value, true};
      }
    }
  }
  void Set(uint64_t key, uint32_t value) {
    auto [v, added] = Insert(key, value);
    if (!added) {
      for (size_t i = Slot(key);; i = (i + 1) & mask_) {
        if (keys_[i] == key) {
          values_[i] = value;
          return;
        }
      }
    }
    (void)v;
  }
  size_t size() const { return size_; }
  void Clear() {
    keys_.clear();
    values_.clear();
    size_ = 0;
    mask_ = 0;
  }
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != kEmpty) f(keys_[i], values_[i]);
    }
  }

 private:
  size_t Slot(uint64_t key) const { return MixKey(key) & mask_; }
  void Grow() {
    Keys old_keys = std::move(keys_);
    Values old_values = std::move(values_);
    size_t cap = old_keys.empty() ? 16 : old_keys.size() * 2;
    keys_.assign(cap, kEmpty);
    values_.assign(cap, 0);
    mask_ = cap - 1;
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != kEmpty) Insert(old_keys[i], old_values[i]);
    }
  }
  using Keys = std::vector<uint64_t, LargeTableAllocator<uint64_t>>;
  using Values = std::vector<uint32_t, LargeTableAllocator<uint32_t>>;
  Keys keys_;
  Values values_;
  size_t size_ = 0;
  size_t mask_ = 0;
};

}  // namespace rapport::projections
