#include "projections/read_model.h"

#include <algorithm>

namespace rapport::projections {
namespace {
constexpr char kMagic[] = "RPSN";
constexpr uint64_t kFormat = 1;
}  // namespace

ReadModel::ReadModel() {
  all_ = {&org, &deals, &work, &engagement, &timeline, &search};
  applied_.assign(all_.size(), 0);
}

void ReadModel::Apply(const events::EventView& e) {
  for (int g = 0; g < kGroups; ++g) ApplyGroup(e, g);
}

void ReadModel::ApplyGroup(const events::EventView& e, int group) { ApplyGroup(e, group, false); }

void ReadModel::CollectGroup(const events::EventView& e, int group) { ApplyGroup(e, group, true); }

void ReadModel::FlushGroup(int group) {
  if (group == 1) timeline.Flush();
}

void ReadModel::ApplyGroup(const events::EventView& e, int group, bool collect) {
  // all_ is {org, deals, work, engagement, timeline, search}: the first four are group 0,
  // the timeline group 1, search group 2.
  size_t from = group == 0 ? 0 : static_cast<size_t>(group) + 3, to = group == 0 ? 4 : from + 1;
  if (group == 0) {
    ++events_applied_;
    if (!e.known_type()) ++unknown_skipped_;
  }
  bool known = e.known_type();
  for (size_t i = from; i < to; ++i) {
    if (e.position() <= applied_[i]) continue;
    if (known && collect && all_[i] == &timeline) {
      timeline.Collect(e);
    } else if (known) {
      all_[i]->Apply(e);
    }
    applied_[i] = e.position();
  }
}

uint64_t ReadModel::position() const {
  return *std::min_element(applied_.begin(), applied_.end());
}

void ReadModel::Clear() {
  strings.Clear();
  for (auto* p : all_) p->Clear();
  applied_.assign(all_.size(), 0);
  events_applied_ = unknown_skipped_ = 0;
}

std::string ReadModel::Serialize() const {
  BinaryWriter w;
  for (int i = 0; i < 4; ++i) w.U8(static_cast<uint8_t>(kMagic[i]));
  w.U64(kFormat);
  w.U64(position());
  strings.Serialize(&w);
  w.Var(all_.size());
  for (size_t i = 0; i < all_.size(); ++i) {
    BinaryWriter section;
    all_[i]->Serialize(&section);
    w.Str(all_[i]->name());
    w.Var(all_[i]->version());
    w.Var(applied_[i]);
    w.Str(section.bytes());
  }
  return w.Take();
}

Status ReadModel::Deserialize(std::string_view bytes, std::vector<std::string>* stale) {
  Clear();
  BinaryReader r(bytes);
  for (int i = 0; i < 4; ++i) {
    if (r.U8() != static_cast<uint8_t>(kMagic[i])) return Status::Corruption("not a snapshot");
  }
  if (r.U64() != kFormat) return Status::Corruption("snapshot format unknown");
  r.U64();  // position: recomputed from the sections
  if (!strings.Deserialize(&r)) {
    Clear();
    return Status::Corruption("snapshot strings are damaged");
  }
  uint64_t n = r.Count(4);
  std::vector<bool> loaded(all_.size(), false);
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    std::string name = r.Str();
    uint64_t version = r.Var();
    uint64_t applied = r.Var();
    std::string body = r.Str();
    for (size_t i = 0; i < all_.size(); ++i) {
      if (all_[i]->name() != name) continue;
      if (all_[i]->version() != version) break;  // stale: leave empty, rebuild
      BinaryReader sr(body);
      if (!all_[i]->Deserialize(&sr) || !sr.done()) {
        Clear();
        return Status::Corruption("snapshot section " + name + " is damaged");
      }
      applied_[i] = applied;
      loaded[i] = true;
    }
  }
  if (!r.ok()) {
    Clear();
    return Status::Corruption("snapshot is truncated");
  }
  for (size_t i = 0; i < all_.size(); ++i) {
    if (!loaded[i]) stale->push_back(std::string(all_[i]->name()));
  }
  return Status::Ok();
}

}  // namespace rapport::projections
