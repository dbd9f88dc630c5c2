// Apply(): how each event changes its record. The per-area rules are in apply_people.cc,
// apply_records.cc, apply_sales.cc, apply_service.cc and apply_automation.cc.
#include "domain/apply_internal.h"

namespace rapport::domain {
namespace internal {

void ApplyChanges(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* changes,
                  RecordState* s) {
  if (!changes) return;
  for (const auto* c : *changes) {
    if (!c || !c->field()) continue;
    s->Set(c->field()->str(), ValueOf(c->new_value()));
  }
}

void ApplyCustom(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldValue>>* values,
                 RecordState* s) {
  if (!values) return;
  for (const auto* v : *values) {
    if (!v || !v->field()) continue;
    s->Set(v->field()->str(), ValueOf(v->value()));
  }
}

void ApplyLinks(const fb::Links* links, RecordState* s) {
  if (!links) return;
  s->Set("contact_ids", ListValue(Strs(links->contact_ids())));
  s->Set("company_ids", ListValue(Strs(links->company_ids())));
  s->Set("deal_ids", ListValue(Strs(links->deal_ids())));
  s->Set("ticket_ids", ListValue(Strs(links->ticket_ids())));
}

Status Created(RecordState* s, const events::EventView& e) {
  if (s->created) {
    return Status::Corruption(s->Name() + " is created twice (position " +
                              std::to_string(e.position()) + ")");
  }
  s->created = true;
  s->created_at_us = e.occurred_at_us();
  s->created_position = e.position();
  s->created_by = std::string(e.actor());
  return Status::Ok();
}

}  // namespace internal

Status Apply(const events::EventView& e, RecordState* s) {
  if (s->type.empty()) {
    s->type = std::string(e.stream_type());
    s->id = std::string(e.stream_id());
  }
  if (e.stream_type() != s->type || e.stream_id() != s->id) {
    return Status::Corruption("event at position " + std::to_string(e.position()) +
                              " belongs to " + std::string(e.stream_type()) + "/" +
                              std::string(e.stream_id()) + ", not " + s->Name());
  }
  if (e.stream_version() != s->version + 1) {
    return Status::Corruption(s->Name() + ": expected version " + std::to_string(s->version + 1) +
                              ", found " + std::to_string(e.stream_version()));
  }
  s->version = e.stream_version();
  if (!e.known_type()) return Status::Ok();  // written by a newer rapport: nothing to do here
  Status st;
  bool handled = internal::ApplyPeople(e, s, &st) || internal::ApplyRecords(e, s, &st) ||
                 internal::ApplySales(e, s, &st) || internal::ApplyService(e, s, &st) ||
                 internal::ApplyAutomation(e, s, &st) || internal::ApplyScoring(e, s, &st);
  if (!handled) {
    return Status::Corruption("event " + e.type_name() + " at position " +
                              std::to_string(e.position()) + " does not belong to a " + s->type);
  }
  if (!st.ok()) return st;
  if (!s->created) {
    return Status::Corruption(s->Name() + " has a " + e.type_name() + " before it was created");
  }
  s->updated_at_us = e.occurred_at_us();
  return Status::Ok();
}

}  // namespace rapport::domain
