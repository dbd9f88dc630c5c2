// Events as JSON: every envelope field plus the payload rendered from the schema itself, so
// every event type (including ones added later) prints without code of its own.
//
//   {"position":42,"stream":"contact/C-7","stream_type":"contact","stream_id":"C-7",
//    "version":3,"type":"NoteLogged","recorded_at":"2026-11-26T17:00:00.123Z",
//    "occurred_at":"2026-11-20T09:30:00Z","actor":"u-admin","command_id":"...",
//    "correlation_id":"...","causation_id":"...","schema_version":1,"data_subject":"C-7",
//    "payload":{"activity_id":"A-1","body":"Called about renewal"}}
//
// Events of a type this build does not know render with "type":"unknown(N)", "known":false
// and no payload. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "events/event.h"

namespace rapport::events {

nlohmann::ordered_json EventToJson(const EventView& e);

// The payload table alone, rendered with the schema (null for unknown types).
nlohmann::ordered_json PayloadToJson(const EventView& e);

}  // namespace rapport::events
