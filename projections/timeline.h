// TimelineProjection: for every contact, company and deal, the positions of every event that
// involves it — its own changes, activities linked to it, its deals' events, tasks and tickets
// about it — ordered by when they happened. Entries hold only (occurred_at, position); the
// query reads the events themselves from the log for the page it shows.
#pragma once

#include <unordered_map>
#include <vector>

#include "projections/as_of.h"
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
  explicit TimelineProjection(Interner* strings) : s_(strings) {}
  std::string_view name() const override { return "timeline"; }
  uint32_t version() const override { return 1; }
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
  void Add(std::string_view type, std::string_view id, const events::EventView& e);
  // Adds `e` to the timelines of the linked records; `remember` keeps the links for the later
  // events of the same task or ticket.
  void AddLinks(const fb::Links* links, const events::EventView& e, bool remember);

  struct Merge {
    Sym merged = 0;
    uint64_t position = 0;
    Micros occurred = 0;
  };
  struct DealLinks {
    Sym company = 0;
    std::vector<Sym> contacts;
  };
  struct Deleted {
    uint64_t position = 0;
    Micros occurred = 0;
  };

  Interner* s_;
  std::unordered_map<Sym, std::vector<TimelineEntry>> entries_;  // "type/id" -> sorted entries
  std::unordered_map<Sym, std::vector<Merge>> merges_;           // survivor "type/id" -> merged
  std::unordered_map<Sym, DealLinks> deal_links_;                // deal id -> company, contacts
  std::unordered_map<Sym, std::vector<Sym>> work_links_;         // "task/id", "ticket/id" -> record keys
  std::unordered_map<Sym, Deleted> deleted_;                     // activity id -> its deletion
};

}  // namespace rapport::projections
