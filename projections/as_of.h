// AsOf: which view of the past a query asks for.
//
//  - now:       everything in the log (up to the projections' applied position).
//  - recorded:  exactly what rapport showed at an instant: events recorded up to it
//               (recorded_at <= t, i.e. positions 1..EventLog::PositionAt(t)).
//  - effective: what we now know had happened by an instant: events that occurred up to it
//               (occurred_at <= t), including ones logged late or imported with their dates.
//
// Projections keep, for each record, its decoded events with both their position and their
// occurred_at, and fold the visible ones in log order: a recorded view equals replaying the
// log cut at the instant; an effective view equals replaying the log keeping only events
// that occurred by the instant.
#pragma once

#include <cstdint>
#include <string>

#include "events/clock.h"

namespace rapport::projections {

struct AsOf {
  enum class Mode : uint8_t { kNow, kRecorded, kEffective };
  Mode mode = Mode::kNow;
  Micros instant = 0;     // for kRecorded / kEffective; for kNow, "now" (ages are measured to it)
  uint64_t position = 0;  // for kRecorded: the last visible position (set by the engine)

  static AsOf Now(Micros now) { return {Mode::kNow, now, UINT64_MAX}; }
  static AsOf Recorded(Micros t) { return {Mode::kRecorded, t, 0}; }
  static AsOf Effective(Micros t) { return {Mode::kEffective, t, UINT64_MAX}; }

  // Whether an event with this position and occurred_at is part of the view.
  bool Visible(uint64_t event_position, Micros occurred_at) const {
    switch (mode) {
      case Mode::kNow:
        return true;
      case Mode::kRecorded:
        return event_position <= position;
      case Mode::kEffective:
        return occurred_at <= instant;
    }
    return true;
  }
  bool is_now() const { return mode == Mode::kNow; }

  // "now", "as of 2017-06-30T00:00:00Z (recorded)", "effective 2017-06-30T00:00:00Z".
  std::string ToString() const;
};

}  // namespace rapport::projections
