// Helpers shared by the apply_*.cc files (internal to domain/).
#pragma once

#include <string>
#include <vector>

#include "domain/record_state.h"

namespace rapport::domain::internal {

inline std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

inline std::vector<std::string> Strs(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v) {
    for (const auto* s : *v) out.push_back(s ? s->str() : std::string());
  }
  return out;
}

inline Value ValueOf(const fb::Value* v) {
  Value out;
  if (v) v->UnPackTo(&out);
  return out;
}

inline Value MoneyOf(const fb::Money* m) {
  return m ? MoneyValue(m->amount_minor(), Str(m->currency())) : NullValue();
}

// Sets every field a list of changes names to its new value.
void ApplyChanges(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* changes,
                  RecordState* s);
// Sets "custom.<key>" fields from creation-time values (FieldValue.field is the full name).
void ApplyCustom(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldValue>>* values,
                 RecordState* s);
// Sets the four link lists ("contact_ids", "company_ids", "deal_ids", "ticket_ids").
void ApplyLinks(const fb::Links* links, RecordState* s);

Status Created(RecordState* s, const events::EventView& e);  // corruption if already created

// Area appliers: return true when they know the event type (and set *status on trouble).
bool ApplyPeople(const events::EventView& e, RecordState* s, Status* status);
bool ApplyRecords(const events::EventView& e, RecordState* s, Status* status);
bool ApplySales(const events::EventView& e, RecordState* s, Status* status);
bool ApplyService(const events::EventView& e, RecordState* s, Status* status);
bool ApplyAutomation(const events::EventView& e, RecordState* s, Status* status);
bool ApplyScoring(const events::EventView& e, RecordState* s, Status* status);

}  // namespace rapport::domain::internal
