// EntityTable<Delta>: for each entity (a deal, a task, a pipeline...), the decoded effects of
// its events in log order, each carrying the event's position and occurred_at. A query folds
// the deltas an AsOf can see; that is exactly replaying the events visible in that view.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "projections/as_of.h"
#include "projections/binary_io.h"
#include "projections/flat_map.h"
#include "projections/interner.h"

namespace rapport::projections {

template <typename Delta>
class EntityTable {
 public:
  // The deltas of `id`, created empty on first use.
  std::vector<Delta>& Of(Sym id) { return deltas_[Index(id)]; }
  // The dense index of `id` (first-seen order), created on first use.
  uint32_t Index(Sym id) {
    auto [index, added] = index_.Insert(id, static_cast<uint32_t>(ids_.size()));
    if (added) {
      ids_.push_back(id);
      deltas_.emplace_back();
    }
    return index;
  }
  // The index of `id`, or -1.
  int64_t IndexOf(Sym id) const {
    const uint32_t* i = index_.Find(id);
    return i ? *i : -1;
  }
  const std::vector<Delta>* Find(Sym id) const {
    const uint32_t* i = index_.Find(id);
    return i ? &deltas_[*i] : nullptr;
  }
  size_t size() const { return ids_.size(); }
  Sym id(size_t i) const { return ids_[i]; }
  const std::vector<Delta>& deltas(size_t i) const { return deltas_[i]; }

  void Clear() {
    ids_.clear();
    deltas_.clear();
    index_.Clear();
  }

  void Serialize(BinaryWriter* w, const std::function<void(BinaryWriter*, const Delta&)>& put) const {
    w->Var(ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) {
      w->Var(ids_[i]);
      w->Var(deltas_[i].size());
      for (const Delta& d : deltas_[i]) put(w, d);
    }
  }
  bool Deserialize(BinaryReader* r, const std::function<bool(BinaryReader*, Delta*)>& get) {
    Clear();
    uint64_t n = r->Count(2);
    for (uint64_t i = 0; i < n && r->ok(); ++i) {
      Sym id = static_cast<Sym>(r->Var());
      std::vector<Delta>& ds = Of(id);
      if (ds.size() != 0) return false;  // the same entity twice: damaged
      uint64_t m = r->Count(2);
      ds.resize(m);
      for (auto& d : ds) {
        if (!get(r, &d)) return false;
      }
    }
    return r->ok();
  }

 private:
  std::vector<Sym> ids_;
  std::vector<std::vector<Delta>> deltas_;
  FlatMap index_;  // Sym -> index
};

// Folds the deltas `at` can see, in log order. A record's deltas are appended as the log is
// applied, so their positions ascend: a recorded view stops at the first one after it.
template <typename Delta, typename F>
void Fold(const std::vector<Delta>& deltas, const AsOf& at, F&& f) {
  if (at.mode == AsOf::Mode::kRecorded) {
    for (const Delta& d : deltas) {
      if (d.position > at.position) break;
      f(d);
    }
    return;
  }
  for (const Delta& d : deltas) {
    if (at.Visible(d.position, d.occurred)) f(d);
  }
}

}  // namespace rapport::projections
