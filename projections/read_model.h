// ReadModel: every projection of the CRM, fed the log one event at a time.
//
// All projections share one Interner. Each remembers the last position it applied, so after
// loading a snapshot in which one projection's version was stale (and is therefore empty),
// replaying the log brings that one up from the start while the others skip what they have.
//
// Snapshot byte format (see docs/projections.md):
//   snapshot := "RPSN" | u64 format (1) | u64 position | interner | varint n | section * n
//   section  := string name | varint version | varint applied_position | string bytes
// Not thread-safe: the engine serialises writers and readers (engine.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "projections/deals.h"
#include "projections/engagement.h"
#include "projections/org.h"
#include "projections/search.h"
#include "projections/timeline.h"
#include "projections/work.h"

namespace rapport::projections {

class ReadModel {
 public:
  ReadModel();
  ReadModel(const ReadModel&) = delete;
  ReadModel& operator=(const ReadModel&) = delete;

  // Applies `e` to every projection that has not applied its position yet.
  void Apply(const events::EventView& e);
  // The same, split in groups that share no state and may run on threads of their own at
  // once: group 0 (org, deals, work, engagement: the shared strings), group 1 (timeline) and
  // group 2 (search), each with its own strings. Apply(e) == ApplyGroup(e, 0), (e, 1), (e, 2).
  static constexpr int kGroups = 3;
  void ApplyGroup(const events::EventView& e, int group);
  // ApplyGroup for a run of events whose timeline writes wait for FlushGroup, which does them
  // together (TimelineProjection::Collect). A run of CollectGroup calls and a FlushGroup
  // leave the same state as ApplyGroup on each event; nothing may be read or serialised
  // between them.
  void CollectGroup(const events::EventView& e, int group);
  void FlushGroup(int group);
  // The position every projection has reached (the smallest of them).
  uint64_t position() const;
  void Clear();

  std::string Serialize() const;
  // Loads a snapshot. Sections whose version differs from the code's are left empty at
  // position 0 (they rebuild). Returns corruption if the bytes are damaged (then everything
  // is cleared). *stale receives the names of the sections that must rebuild.
  Status Deserialize(std::string_view bytes, std::vector<std::string>* stale);

  Interner strings;
  OrgProjection org{&strings};
  DealsProjection deals{&strings};
  WorkProjection work{&strings};
  EngagementProjection engagement{&strings};
  TimelineProjection timeline;  // keeps its own strings: applied beside the others
  SearchProjection search;      // likewise

  const std::vector<Projection*>& all() const { return all_; }
  uint64_t applied(size_t i) const { return applied_[i]; }
  uint64_t events_applied() const { return events_applied_; }
  uint64_t unknown_skipped() const { return unknown_skipped_; }

 private:
  void ApplyGroup(const events::EventView& e, int group, bool collect);

  std::vector<Projection*> all_;
  std::vector<uint64_t> applied_;
  uint64_t events_applied_ = 0;
  uint64_t unknown_skipped_ = 0;
};

}  // namespace rapport::projections
