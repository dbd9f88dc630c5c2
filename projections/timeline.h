// TimelineProjection: for every contact, company and deal, the positions of every event that
// involves it — its own changes, activities linked to it, its deals' events, tasks and tickets
// about it — ordered by when they happened. Entries hold only (occurred_at, position); the
// query reads the events themselves from the log for the page it shows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "projections/as_of.h"
#include "projections/flat_map.h"
#include "projections/large_table.h"
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
  // Collect(e) then Flush().
  void Apply(const events::EventView& e) override;
  // Applies `e` except the writes to the timelines' lists, which wait for Flush(). A bulk
  // replay collects a batch of events and flushes once: the lists' writes are then done
  // together, each list prefetched some entries ahead, so their cache misses overlap instead
  // of stalling one after another (one random write per entry into ~300 MB of lists was the
  // largest cost of a rebuild's timeline thread). The result is the same as applying each
  // event in turn. Queries and Serialize see only what was flushed.
  void Collect(const events::EventView& e);
  // Writes the entries collected since the last Flush, in the order they were collected.
  void Flush();
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

  // A record's entries, sorted by (occurred, position), in one buffer that doubles as it
  // grows. Like a vector of them, in 16 bytes instead of 24.
  class EntryList {
   public:
    EntryList() = default;
    EntryList(EntryList&& o) noexcept : data_(o.data_), size_(o.size_), capacity_(o.capacity_) {
      o.data_ = nullptr;
      o.size_ = o.capacity_ = 0;
    }
    EntryList& operator=(EntryList&& o) noexcept;
    EntryList(const EntryList&) = delete;
    EntryList& operator=(const EntryList&) = delete;
    ~EntryList() { ::operator delete(data_); }

    const TimelineEntry* begin() const { return data_; }
    const TimelineEntry* end() const { return data_ + size_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    void PushBack(const TimelineEntry& e) {
      if (size_ == capacity_) Grow(size_ + 1);
      data_[size_++] = e;
    }
    // Puts `e` after every entry not greater than it.
    void InsertSorted(const TimelineEntry& e);
    // Makes the list `n` entries long; the new entries are {0, 0} for the caller to fill.
    TimelineEntry* Resize(size_t n);
    // Asks the CPU to fetch, for writing, the memory the next PushBack writes.
    void PrefetchEnd() const {
      if (size_ < capacity_) __builtin_prefetch(data_ + size_, 1, 3);
    }

   private:
    void Grow(size_t at_least);
    TimelineEntry* data_ = nullptr;
    uint32_t size_ = 0;
    uint32_t capacity_ = 0;
  };

  // The timelines, in an open-addressing table whose slots hold the record key, the time of
  // its newest entry and its list together. Finding a record's list costs one cache miss;
  // appending to it needs no read of the list's memory (events arrive in log order, so the
  // slot alone says whether the new entry goes last), only a write, which the CPU overlaps
  // with the next event's work (a read of the list's last entry was 12 % of a rebuild's
  // samples, perf 2026-11-29).
  struct Slot {
    uint64_t key = 0;       // 0: empty
    Micros newest = 0;      // the largest `occurred` in `list` (when it is not empty)
    EntryList list;
  };
  static_assert(sizeof(Slot) == 32, "two slots per cache line");
  // Grows the table (it never exceeds 70 % full) so that it can hold `records` records.
  void ReserveSlots(size_t records);
  // The slot of `key`, added if missing, starting the probe at `i`; the table must have room.
  Slot& ProbeSlot(uint64_t key, size_t i);
  Slot& FindOrAddSlot(uint64_t key);
  // Writes `entry` into the slot's list (in order: last, or sorted in if backdated).
  static void Write(Slot* slot, const TimelineEntry& entry);
  const EntryList* FindList(uint64_t key) const;

  Interner strings_;  // its own: record ids (timelines are applied beside the rest)
  using Slots = std::vector<Slot, LargeTableAllocator<Slot>>;
  Slots slots_;
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
  // Entries collected and not yet written (Collect, Flush).
  struct Pending {
    uint64_t key = 0;
    TimelineEntry entry;
    Slot* slot = nullptr;  // found by Flush
  };
  std::vector<Pending> pending_;
  // The records the event being applied was added to so far (an event is listed once per
  // record, however many of its links name it).
  uint64_t adding_position_ = UINT64_MAX;
  std::vector<uint64_t> added_keys_;
};

}  // namespace rapport::projections
