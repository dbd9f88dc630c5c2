// EngagementProjection: contacts (source, owner, lifecycle, lead score) and activities (author, kind,
// time) in every view — what the "leads and conversions by source" and "activities per owner
// per week" reports count.
#pragma once

#include <unordered_map>
#include <vector>

#include "projections/entity_table.h"
#include "projections/projection.h"

namespace rapport::projections {

struct ContactView {
  bool exists = false;  // created, not merged away or deleted
  Sym id = 0, source = 0, owner = 0;
  Micros created_at = 0;
  uint8_t lifecycle = 0;  // fb::Lifecycle
  bool converted = false;  // reached "customer" at some point
  Micros converted_at = 0;
  uint8_t furthest = 0;    // the furthest lifecycle stage reached (churned counts as customer)
  int32_t score = -1;      // the lead score (LeadScored); -1: never scored
};

enum class ActivityKind : uint8_t { kEmail = 0, kCall = 1, kMeeting = 2, kNote = 3, kForm = 4 };

struct ActivityRecord {
  uint64_t position = 0;
  Micros occurred = 0;
  Sym author = 0;
  ActivityKind kind = ActivityKind::kNote;
  uint64_t deleted_position = UINT64_MAX;  // when ActivityDeleted was recorded
  Micros deleted_occurred = 0;
};

class EngagementProjection final : public Projection {
 public:
  explicit EngagementProjection(Interner* strings) : s_(strings) {}
  std::string_view name() const override { return "engagement"; }
  uint32_t version() const override { return 2; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  std::vector<ContactView> Contacts(const AsOf& at) const;
  // Activities that exist in the view (logged and not deleted in it).
  template <typename F>
  void ForEachActivity(const AsOf& at, F&& f) const {
    for (const auto& a : activities_) {
      if (!at.Visible(a.position, a.occurred)) continue;
      if (a.deleted_position != UINT64_MAX && at.Visible(a.deleted_position, a.deleted_occurred)) continue;
      f(a);
    }
  }

  struct Delta {
    uint64_t position = 0;
    Micros occurred = 0;
    uint8_t kind = 0;  // created, source, owner, lifecycle, gone (merged/deleted), score
    Sym a = 0, b = 0;  // score: `a` holds the score
    uint8_t lifecycle = 0;
  };

 private:
  Interner* s_;
  EntityTable<Delta> contacts_;
  std::vector<ActivityRecord> activities_;  // in log order: found by position
};

}  // namespace rapport::projections
