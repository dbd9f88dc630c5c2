// Projection: a read model built purely from the log, one event at a time, in log order.
//
// A projection's state must be a function of the events applied so far and nothing else (no
// clock, no I/O), so that replaying the log from scratch, applying events as they are
// appended, and loading a snapshot then applying the rest all give byte-identical state
// (Serialize() of each is compared in tests).
//
// version() names the state format and the rules of Apply(): change either and bump it, and a
// snapshot written by older code is ignored and the projection rebuilt from the log.
#pragma once

#include <cstdint>
#include <string_view>

#include "events/event.h"
#include "events/status.h"
#include "projections/binary_io.h"
#include "projections/interner.h"

namespace rapport::projections {

class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t version() const = 0;
  // Applies one event (known type or not; unknown ones are ignored). Events arrive in log
  // order, each exactly once.
  virtual void Apply(const events::EventView& e) = 0;
  virtual void Serialize(BinaryWriter* w) const = 0;
  // Restores what Serialize wrote; false when the bytes are damaged (the caller rebuilds).
  virtual bool Deserialize(BinaryReader* r) = 0;
  virtual void Clear() = 0;
};

}  // namespace rapport::projections
