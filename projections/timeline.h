// TimelineProjection: for every contact, company and deal, the positions of every event that
// involves it — its own changes, activities linked to it, its deals' events, tasks and tickets
// about it — ordered by when they happened. Entries hold only (occurred_at, position); the
// query reads the events themselves from the log for the page it shows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "projections/as_of.h"
#include "projections/flat_map.h"
#include "projections/projection.h"

namespace rapport::projections {

struct TimelineEntry {
  Micros occurred = 0;
  uint64_t position = 0;
  friend bool operator<(const TimelineEntry& a, const TimelineEntry& b) {
    return a.occurred != b.occurred ? a.occurred < b.occurred : a.position < b.position;
  }
};

struct TimelinePage {
  std::vector<TimelineEntry> entries;  // newest first
  size_t total = 0;                    // entries visible in the view
  bool more = false;                   // entries older than the last one shown exist
};

class TimelineProjection final : public Projection {
 public:
  TimelineProjection() = default;
  std::string_view name() const override { return "timeline"; }
  // 2: notifications join the timeline of the record they are about.
  uint32_t version() const override { return 2; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  // Newest-first entries of record "type/id" (and of the records merged into it) visible in
  // `at`, older than `before` (nullptr for the first page; for the next page, the last entry
  // of the previous one), at most `limit`.
  TimelinePage Page(std::string_view record, const AsOf& at, size_t limit,
                    const TimelineEntry* before) const;
  // True if activity `id` was deleted in the view (its entries are then shown as deleted).
  bool ActivityDeleted(std::string_view id, const AsOf& at) const;

 private:
  // A record as a number: its type's code and its interned id.
  uint64_t Key(std::string_view type, std::string_view id);
  uint64_t FindKey(std::string_view type, std::string_view id) const;
  void Add(uint64_t key, const events::EventView& e);
  // Adds `e` to the timelines of the linked records; `remember` keeps the links for the later
  // events of the same task or ticket.
  void AddLinks(const fb::Links* links, const events::EventView& e, bool remember);
  std::vector<uint64_t>& WorkLinks(uint64_t key);

  struct Merge {
    uint64_t merged = 0;
    uint64_t position = 0;
    Micros occurred = 0;
  };
  struct DealLinks {
    uint64_t company = 0;
    std::vector<uint64_t> contacts;
  };
  struct Deleted {
    uint64_t position = 0;
    Micros occurred = 0;
  };

  // The timelines, in an open-addressing table whose slots hold the record key and its list
  // together (one cache miss to find a record's list, one to append to it).
  struct Slot {
    uint64_t key = 0;  // 0: empty
    std::vector<TimelineEntry> list;  // sorted by (occurred, position)
  };
  std::vector<TimelineEntry>& List(uint64_t key);
  const std::vector<TimelineEntry>* FindList(uint64_t key) const;

  Interner strings_;  // its own: record ids (timelines are applied beside the rest)
  std::vector<Slot> slots_;
  size_t slot_count_ = 0;
  std::vector<uint64_t> keys_;  // record keys, first-seen order (for serialising)
  std::map<uint64_t, std::vector<Merge>> merges_;   // survivor -> records merged into it
  FlatMap deal_index_;                              // deal key -> index in deal_links_
  std::vector<uint64_t> deal_keys_;
  std::vector<DealLinks> deal_links_;
  FlatMap work_index_;                              // task/ticket key -> index in work_links_
  std::vector<uint64_t> work_keys_;
  std::vector<std::vector<uint64_t>> work_links_;
  std::map<std::string, Deleted> deleted_;          // activity id -> its deletion
};

}  // namespace rapport::projections
