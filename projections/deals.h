// DealsProjection: every deal's history (stage moves, amounts, close dates, owners, outcomes,
// forecast categories) and the times of the activities logged on it, so that the board, the
// forecast, the reports and the stale-deal list can see any deal as it was in any view.
#pragma once

#include <cstdint>

#include <array>
#include <limits>
#include <vector>

#include "projections/entity_table.h"
#include "projections/projection.h"

namespace rapport::projections {

inline constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();

enum class DealStatus : uint8_t { kOpen = 0, kWon = 1, kLost = 2 };

// A deal folded in one view.
struct DealView {
  bool exists = false;
  Sym id = 0;
  Sym name = 0, pipeline = 0, stage = 0, owner = 0, company = 0, source = 0, currency = 0;
  DealStatus status = DealStatus::kOpen;
  uint8_t category = 0;              // fb::ForecastCategory; 0 = from the stage
  int64_t amount = 0;                // minor units of `currency`
  int32_t expected_close = kNoDate;  // days since 1970-01-01
  int32_t close_date = kNoDate;      // when won or lost
  Micros opened_at = 0;              // occurred_at of DealOpened
  Micros stage_entered_at = 0;       // occurred_at of the move into the current stage
  Micros closed_at = 0;              // occurred_at of the win or loss
  Micros last_change_at = 0;
  uint64_t opened_position = 0;
  // Stages the deal has been in, in first-visit order (at most 16 kept).
  std::array<Sym, 16> reached{};
  uint8_t reached_count = 0;
  bool Reached(Sym stage) const;
};

class DealsProjection final : public Projection {
 public:
  explicit DealsProjection(Interner* strings) : s_(strings) {}
  std::string_view name() const override { return "deals"; }
  uint32_t version() const override { return 1; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  // Every deal that exists in the view, folded.
  template <typename F>
  void ForEach(const AsOf& at, F&& f) const {
    for (size_t i = 0; i < deals_.size(); ++i) {
      Prefetch(i + kPrefetchAhead);
      DealView v = FoldDeal(i, at);
      if (v.exists) f(v, i);
    }
  }
  // Only the deals of one pipeline (deals never change pipeline, so no fold is needed to skip
  // the others). With `open_only`, deals the view sees whole and that ended closed are skipped
  // without a fold too.
  template <typename F>
  void ForEachIn(Sym pipeline, const AsOf& at, F&& f, bool open_only = false) const {
    for (size_t i = 0; i < deals_.size(); ++i) {
      Prefetch(i + kPrefetchAhead);
      const auto& ds = deals_.deltas(i);
      if (ds.empty() || ds.front().pipeline != pipeline) continue;
      if (open_only && closed_[i] && SeesAll(i, at)) continue;
      DealView v = FoldDeal(i, at);
      if (v.exists) f(v, i);
    }
  }
  DealView Deal(Sym id, const AsOf& at) const;
  // occurred_at of the latest activity on the deal visible in the view (0 if none).
  Micros LastActivity(size_t deal_index, const AsOf& at) const;
  size_t size() const { return deals_.size(); }

  struct Delta {
    uint64_t position = 0;
    Micros occurred = 0;
    uint16_t mask = 0;  // which of the fields below this event sets
    uint8_t status = 0;
    uint8_t category = 0;
    Sym pipeline = 0, stage = 0, owner = 0, company = 0, source = 0, name = 0, currency = 0;
    int64_t amount = 0;
    int32_t expected_close = kNoDate;
    int32_t close_date = kNoDate;
  };
  struct ActivityTime {
    uint64_t position = 0;
    Micros occurred = 0;
  };

 private:
  // Each deal's deltas are an allocation of their own: a pass over every deal would wait on
  // one cache miss per deal, one after the other. Asking for deal i + kPrefetchAhead's first
  // deltas while folding deal i overlaps those misses (the forecast's pass over 300,000 deals
  // spends most of its time on them).
  static constexpr size_t kPrefetchAhead = 32;
  // (No test for an empty vector: a prefetch never faults, and GCC 12 drops a prefetch
  // behind such a test. The second address is computed as an integer: a deal known only
  // from activities linking it has no deltas, its data() is null, and null + 64 is undefined
  // behaviour, which the handler fuzzer's UBSan build caught.)
  void Prefetch(size_t i) const {
    if (i >= deals_.size()) return;
    const auto first = reinterpret_cast<uintptr_t>(deals_.deltas(i).data());
    __builtin_prefetch(reinterpret_cast<const void*>(first));
    __builtin_prefetch(reinterpret_cast<const void*>(first + 64));
  }
  DealView FoldDeal(size_t i, const AsOf& at) const;
  // Whether every event of deal i is in the view.
  bool SeesAll(size_t i, const AsOf& at) const {
    switch (at.mode) {
      case AsOf::Mode::kNow:
        return true;
      case AsOf::Mode::kRecorded:
        return deals_.deltas(i).back().position <= at.position;
      case AsOf::Mode::kEffective:
        return max_occurred_[i] <= at.instant;
    }
    return false;
  }
  void Push(const events::EventView& e, Delta d);
  void NoteActivity(const events::EventView& e, const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* deals);

  Interner* s_;
  EntityTable<Delta> deals_;
  std::vector<std::vector<ActivityTime>> activity_;  // parallel to deals_
  // Per deal, derived from its deltas (not serialised): whether it ends closed, and the
  // latest occurred_at of its events.
  std::vector<uint8_t> closed_;
  std::vector<Micros> max_occurred_;
  void Derive(size_t i);
};

}  // namespace rapport::projections
