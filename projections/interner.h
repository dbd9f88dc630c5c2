// Interner: ids and short strings as dense 32-bit numbers, in first-seen order.
//
// Projections hold millions of references to records, users and stages; keeping each as a
// uint32 instead of a string keeps memory small and comparisons cheap. Numbers are assigned in
// the order strings are first seen, so replaying the same log always gives the same numbers
// (snapshots and rebuilds compare byte for byte). 0 is the empty string.
// Not thread-safe: owned by the read model, written only while applying events.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "projections/binary_io.h"

namespace rapport::projections {

using Sym = uint32_t;  // an interned string; 0 = ""

class Interner {
 public:
  Interner() { Clear(); }

  Sym Intern(std::string_view s) {
    if (s.empty()) return 0;
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    strings_.emplace_back(s);
    Sym id = static_cast<Sym>(strings_.size() - 1);
    index_.emplace(std::string_view(strings_.back()), id);
    return id;
  }
  // The number of `s`, or 0 if it was never interned.
  Sym Find(std::string_view s) const {
    auto it = index_.find(s);
    return it == index_.end() ? 0 : it->second;
  }
  const std::string& Str(Sym id) const { return id < strings_.size() ? strings_[id] : strings_[0]; }
  size_t size() const { return strings_.size(); }

  void Clear() {
    strings_.clear();
    index_.clear();
    strings_.emplace_back();
  }
  void Serialize(BinaryWriter* w) const {
    w->Var(strings_.size());
    for (size_t i = 1; i < strings_.size(); ++i) w->Str(strings_[i]);
  }
  bool Deserialize(BinaryReader* r) {
    Clear();
    uint64_t n = r->Count();
    for (uint64_t i = 1; i < n && r->ok(); ++i) {
      std::string s = r->Str();
      if (s.empty() || index_.count(s)) return false;  // damaged: duplicates or empties
      strings_.push_back(std::move(s));
      index_.emplace(std::string_view(strings_.back()), static_cast<Sym>(strings_.size() - 1));
    }
    return r->ok();
  }

 private:
  std::deque<std::string> strings_;  // stable addresses for the string_views in index_
  std::unordered_map<std::string_view, Sym> index_;
};

}  // namespace rapport::projections
