#include "events/event_json.h"

#include <flatbuffers/idl.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace rapport::events {

extern const char* const kSchemaText;

namespace {

// The schema, parsed once. GenerateText only reads the parser, so sharing it is safe.
const flatbuffers::Parser* SchemaParser() {
  static const flatbuffers::Parser* parser = [] {
    flatbuffers::IDLOptions opts;
    opts.strict_json = true;
    opts.indent_step = -1;
    opts.natural_utf8 = true;
    opts.output_enum_identifiers = true;
    // Scalars at their default (0, false, the first enum value) are fields like any other:
    // a rule's condition on event.previous_score or event.direction must find them.
    opts.output_default_scalars_in_json = true;
    auto* p = new flatbuffers::Parser(opts);
    if (!p->Parse(kSchemaText)) {
      // The schema compiled at build time; failing here means the embedding is broken.
      std::fprintf(stderr, "rapport: embedded event schema does not parse: %s\n",
                   p->error_.c_str());
      std::abort();
    }
    return p;
  }();
  return parser;
}

}  // namespace

nlohmann::ordered_json PayloadToJson(const EventView& e) {
  if (!e.known_type()) return nullptr;
  std::string text;
  std::string table_name = std::string("rapport.fb.") + e.type_name();
  if (!flatbuffers::GenerateTextFromTable(*SchemaParser(), e.envelope()->payload(), table_name,
                                          &text)) {
    return nullptr;
  }
  return nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
}

nlohmann::ordered_json EventToJson(const EventView& e) {
  nlohmann::ordered_json j;
  j["position"] = e.position();
  j["stream"] = std::string(e.stream_type()) + "/" + std::string(e.stream_id());
  j["stream_type"] = e.stream_type();
  j["stream_id"] = e.stream_id();
  j["version"] = e.stream_version();
  j["type"] = e.type_name();
  if (!e.known_type()) j["known"] = false;
  j["recorded_at"] = FormatIso8601(e.recorded_at_us());
  j["occurred_at"] = FormatIso8601(e.occurred_at_us());
  j["actor"] = e.actor();
  j["command_id"] = e.command_id();
  if (!e.correlation_id().empty()) j["correlation_id"] = e.correlation_id();
  if (!e.causation_id().empty()) j["causation_id"] = e.causation_id();
  j["schema_version"] = e.schema_version();
  if (!e.data_subject().empty()) j["data_subject"] = e.data_subject();
  if (e.known_type()) j["payload"] = PayloadToJson(e);
  return j;
}

}  // namespace rapport::events
