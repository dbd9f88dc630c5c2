// Events as rapport stores them: an Envelope FlatBuffer (events/schema/envelope.fbs).
//
//  - NewEvent: what a writer hands to EventLog::Append (a payload plus its business time).
//  - EventView: a read-only view over verified envelope bytes; does not own them.
//  - Event: owns its bytes and a view over them.
//  - VerifyEnvelopeBytes: the check every stored byte passes before it is used.
//
// Thread safety: all are values; const methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "events/clock.h"
#include "events/schema/envelope_generated.h"
#include "events/status.h"
#include "events/stream_name.h"

namespace rapport::events {

// The envelope layout this code writes (Envelope.schema_version).
constexpr uint16_t kEnvelopeSchemaVersion = 1;
// Upper bound on one stored event, envelope included. Larger appends are refused.
constexpr size_t kMaxEventBytes = 1 << 20;

// Writes one payload table into `fbb` and returns its offset.
using PayloadWriter = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;

struct NewEvent {
  fb::Payload type = fb::Payload::NONE;  // the event type: the union member
  PayloadWriter write_payload;           // builds the member's table
  Micros occurred_at_us = 0;             // business time; 0 means "when recorded"
  std::string data_subject;              // whose personal data the payload holds, if anyone's

  // Convenience: an event from an object-API union value, e.g.
  //   fb::PayloadUnion u; u.Set(fb::NoteLoggedT{...}); NewEvent::From(std::move(u));
  static NewEvent From(fb::PayloadUnion payload, Micros occurred_at_us = 0,
                       std::string data_subject = {});
};

// True when this build knows the event type (its number is in the generated enum).
bool IsKnownEventType(fb::Payload type);
// "ContactCreated", or "unknown(200)" for a type this build does not know.
std::string EventTypeName(fb::Payload type);

// Verifies `bytes` as an Envelope: FlatBuffers verifier (bounds, alignment, nesting), file
// identifier, size limit, and the invariants every stored event has (position >= 1, stream
// name valid, version >= 1, command id and actor present, a payload). When
// `expected_position` is non-zero the stored position must equal it. Returns corruption
// describing the first problem found; never reads outside `bytes`.
Status VerifyEnvelopeBytes(std::string_view bytes, uint64_t expected_position);

// The structural part of VerifyEnvelopeBytes only (size, identifier, FlatBuffers verifier):
// also accepts the unstamped envelopes a writer builds before the log stamps them.
Status VerifyEnvelopeLayout(std::string_view bytes);

class EventView {
 public:
  EventView() = default;
  // REQUIRES: VerifyEnvelopeBytes(bytes, ...) returned ok, and bytes outlive the view.
  explicit EventView(std::string_view bytes);

  const fb::Envelope* envelope() const { return env_; }
  std::string_view bytes() const { return bytes_; }

  uint64_t position() const { return env_->position(); }
  std::string_view stream_type() const { return Str(env_->stream_type()); }
  std::string_view stream_id() const { return Str(env_->stream_id()); }
  StreamName stream() const { return {std::string(stream_type()), std::string(stream_id())}; }
  uint64_t stream_version() const { return env_->stream_version(); }
  Micros recorded_at_us() const { return env_->recorded_at_us(); }
  Micros occurred_at_us() const { return env_->occurred_at_us(); }
  std::string_view actor() const { return Str(env_->actor()); }
  std::string_view command_id() const { return Str(env_->command_id()); }
  std::string_view correlation_id() const { return Str(env_->correlation_id()); }
  std::string_view causation_id() const { return Str(env_->causation_id()); }
  uint16_t schema_version() const { return env_->schema_version(); }
  std::string_view data_subject() const { return Str(env_->data_subject()); }
  fb::Payload type() const { return env_->payload_type(); }
  bool known_type() const { return IsKnownEventType(type()); }
  std::string type_name() const { return EventTypeName(type()); }

  // The payload as table T, or nullptr if the event is of another type.
  template <typename T>
  const T* payload_as() const {
    return env_->payload_type() == fb::PayloadTraits<T>::enum_value
               ? static_cast<const T*>(env_->payload())
               : nullptr;
  }

 private:
  static std::string_view Str(const flatbuffers::String* s) {
    return s ? std::string_view(s->data(), s->size()) : std::string_view();
  }
  std::string_view bytes_;
  const fb::Envelope* env_ = nullptr;
};

// An event that owns its bytes. Movable; copying copies the bytes.
class Event {
 public:
  // Verifies `bytes` (see VerifyEnvelopeBytes) and takes ownership.
  static Result<Event> FromBytes(std::string bytes, uint64_t expected_position = 0);

  Event(const Event& o) : bytes_(o.bytes_), view_(bytes_) {}
  Event(Event&& o) noexcept : bytes_(std::move(o.bytes_)), view_(bytes_) {}
  Event& operator=(Event o) noexcept {
    bytes_.swap(o.bytes_);
    view_ = EventView(bytes_);
    return *this;
  }

  const EventView& view() const { return view_; }
  const EventView* operator->() const { return &view_; }
  const std::string& bytes() const { return bytes_; }

 private:
  explicit Event(std::string bytes) : bytes_(std::move(bytes)), view_(bytes_) {}
  std::string bytes_;
  EventView view_;
};

// ---- Used by the log to build stored events (exposed for tests and tools). ----

// The envelope fields a writer supplies; the log fills position, version and recorded_at.
struct EnvelopeHeader {
  StreamName stream;
  std::string actor;
  std::string command_id;
  std::string correlation_id;
  std::string causation_id;
};

// Encodes an envelope whose position, stream_version and recorded_at_us are zero placeholders
// that are physically present, so StampEnvelope can set them in place without re-encoding.
std::string EncodeUnstampedEnvelope(const EnvelopeHeader& header, const NewEvent& event,
                                    flatbuffers::FlatBufferBuilder* scratch);

// Sets the log-assigned fields of an envelope made by EncodeUnstampedEnvelope. An
// occurred_at of 0 becomes recorded_at. Returns false if the bytes lack the placeholders.
bool StampEnvelope(std::string* bytes, uint64_t position, uint64_t stream_version,
                   Micros recorded_at_us);

}  // namespace rapport::events
