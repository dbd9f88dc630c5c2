#include "events/event.h"

#include <memory>

namespace rapport::events {

NewEvent NewEvent::From(fb::PayloadUnion payload, Micros occurred_at_us,
                        std::string data_subject) {
  NewEvent e;
  e.type = payload.type;
  auto shared = std::make_shared<fb::PayloadUnion>(std::move(payload));
  e.write_payload = [shared](flatbuffers::FlatBufferBuilder& fbb) { return shared->Pack(fbb); };
  e.occurred_at_us = occurred_at_us;
  e.data_subject = std::move(data_subject);
  return e;
}

bool IsKnownEventType(fb::Payload type) {
  if (type == fb::Payload::NONE || type > fb::Payload::MAX) return false;
  const char* name = fb::EnumNamePayload(type);
  return name != nullptr && name[0] != '\0';
}

std::string EventTypeName(fb::Payload type) {
  if (IsKnownEventType(type)) return fb::EnumNamePayload(type);
  return "unknown(" + std::to_string(static_cast<unsigned>(type)) + ")";
}

namespace {

Status Bad(uint64_t expected_position, const std::string& why) {
  std::string where = expected_position ? "event at position " + std::to_string(expected_position)
                                        : std::string("event");
  return Status::Corruption(where + " is damaged: " + why);
}

bool Present(const flatbuffers::String* s) { return s != nullptr && s->size() > 0; }

}  // namespace

namespace {
Status VerifyLayout(std::string_view bytes, uint64_t expected_position) {
  if (bytes.size() < 12) return Bad(expected_position, "too short to be an envelope");
  if (bytes.size() > kMaxEventBytes) return Bad(expected_position, "larger than the 1 MiB limit");
  if (!flatbuffers::BufferHasIdentifier(bytes.data(), fb::EnvelopeIdentifier())) {
    return Bad(expected_position, "missing the RPEV file identifier");
  }
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 32;
  opts.max_tables = 100000;
  opts.check_alignment = true;
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), opts);
  if (!fb::VerifyEnvelopeBuffer(v)) {
    return Bad(expected_position, "FlatBuffers verification failed");
  }
  return Status::Ok();
}
}  // namespace

Status VerifyEnvelopeLayout(std::string_view bytes) { return VerifyLayout(bytes, 0); }

Status VerifyEnvelopeBytes(std::string_view bytes, uint64_t expected_position) {
  RAPPORT_RETURN_IF_ERROR(VerifyLayout(bytes, expected_position));
  const fb::Envelope* e = fb::GetEnvelope(bytes.data());
  if (e->position() == 0) return Bad(expected_position, "position is 0");
  if (expected_position != 0 && e->position() != expected_position) {
    return Bad(expected_position,
               "its envelope says position " + std::to_string(e->position()));
  }
  if (!Present(e->stream_type()) || !Present(e->stream_id())) {
    return Bad(expected_position, "stream name missing");
  }
  if (e->stream_version() == 0) return Bad(expected_position, "stream version is 0");
  if (!Present(e->command_id())) return Bad(expected_position, "command id missing");
  if (!Present(e->actor())) return Bad(expected_position, "actor missing");
  if (e->payload_type() == fb::Payload::NONE || e->payload() == nullptr) {
    return Bad(expected_position, "payload missing");
  }
  return Status::Ok();
}

EventView::EventView(std::string_view bytes)
    : bytes_(bytes), env_(fb::GetEnvelope(bytes.data())) {}

Result<Event> Event::FromBytes(std::string bytes, uint64_t expected_position) {
  RAPPORT_RETURN_IF_ERROR(VerifyEnvelopeBytes(bytes, expected_position));
  return Event(std::move(bytes));
}

std::string EncodeUnstampedEnvelope(const EnvelopeHeader& h, const NewEvent& event,
                                    flatbuffers::FlatBufferBuilder* fbb) {
  fbb->Clear();
  auto payload = event.write_payload ? event.write_payload(*fbb) : flatbuffers::Offset<void>();
  auto stream_type = fbb->CreateString(h.stream.type);
  auto stream_id = fbb->CreateString(h.stream.id);
  auto actor = fbb->CreateString(h.actor);
  auto command_id = fbb->CreateString(h.command_id);
  auto correlation =
      h.correlation_id.empty() ? flatbuffers::Offset<flatbuffers::String>()
                               : fbb->CreateString(h.correlation_id);
  auto causation = h.causation_id.empty() ? flatbuffers::Offset<flatbuffers::String>()
                                          : fbb->CreateString(h.causation_id);
  auto subject = event.data_subject.empty() ? flatbuffers::Offset<flatbuffers::String>()
                                            : fbb->CreateString(event.data_subject);
  // Scalars the log stamps later must be physically present: force defaults for them.
  fbb->ForceDefaults(true);
  fb::EnvelopeBuilder b(*fbb);
  b.add_position(0);
  b.add_stream_version(0);
  b.add_recorded_at_us(0);
  b.add_occurred_at_us(event.occurred_at_us);
  b.add_schema_version(kEnvelopeSchemaVersion);
  b.add_stream_type(stream_type);
  b.add_stream_id(stream_id);
  b.add_actor(actor);
  b.add_command_id(command_id);
  if (!correlation.IsNull()) b.add_correlation_id(correlation);
  if (!causation.IsNull()) b.add_causation_id(causation);
  if (!subject.IsNull()) b.add_data_subject(subject);
  b.add_payload_type(event.type);
  if (!payload.IsNull()) b.add_payload(payload);
  auto root = b.Finish();
  fbb->ForceDefaults(false);
  fb::FinishEnvelopeBuffer(*fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb->GetBufferPointer()), fbb->GetSize());
}

bool StampEnvelope(std::string* bytes, uint64_t position, uint64_t stream_version,
                   Micros recorded_at_us) {
  fb::Envelope* e = fb::GetMutableEnvelope(bytes->data());
  bool ok = e->mutate_position(position) && e->mutate_stream_version(stream_version) &&
            e->mutate_recorded_at_us(recorded_at_us);
  if (ok && e->occurred_at_us() == 0) ok = e->mutate_occurred_at_us(recorded_at_us);
  return ok;
}

}  // namespace rapport::events
