// Apply() for automation events: rules, routing turns (on teams) and notifications.
#include "domain/apply_internal.h"
#include "domain/rules.h"

namespace rapport::domain::internal {
namespace {

// The packed bytes of a definition, as a rule record keeps it.
std::string Packed(const fb::RuleDefinition* d) {
  if (d == nullptr) return "";
  fb::RuleDefinitionT t;
  d->UnPackTo(&t);
  flatbuffers::FlatBufferBuilder b;
  b.Finish(fb::RuleDefinition::Pack(b, &t));
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

void SetDefinitionFields(const fb::RuleDefinition* d, RecordState* s) {
  s->packed_definition = Packed(d);
  if (d == nullptr) return;
  s->Set("name", TextValue(Str(d->name())));
  s->Set("description", TextValue(Str(d->description())));
  s->Set("trigger", ChoiceValue(RuleTriggerName(d->trigger())));
  s->Set("event_type", TextValue(Str(d->event_type())));
  s->Set("wait_minutes", d->wait_minutes() ? NumberValue(d->wait_minutes()) : NullValue());
}

}  // namespace

bool ApplyAutomation(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::RuleDefined: {
      auto* p = e.payload_as<fb::RuleDefined>();
      *st = Created(s, e);
      SetDefinitionFields(p->definition(), s);
      s->Set("enabled", BoolValue(p->enabled()));
      s->Set("template", TextValue(Str(p->template_())));
      return true;
    }
    case fb::Payload::RuleChanged:
      SetDefinitionFields(e.payload_as<fb::RuleChanged>()->new_definition(), s);
      return true;
    case fb::Payload::RuleEnabled:
      s->Set("enabled", BoolValue(true));
      s->Set("disabled_reason", NullValue());
      return true;
    case fb::Payload::RuleDisabled:
      s->Set("enabled", BoolValue(false));
      s->Set("disabled_reason", TextValue(Str(e.payload_as<fb::RuleDisabled>()->reason())));
      return true;
    case fb::Payload::TeamAssignmentRouted:
      s->Set("last_routed_id", RefValue(Str(e.payload_as<fb::TeamAssignmentRouted>()->user_id())));
      return true;
    case fb::Payload::NotificationSent: {
      auto* p = e.payload_as<fb::NotificationSent>();
      *st = Created(s, e);
      s->Set("recipient_ids", ListValue(Strs(p->recipient_ids())));
      s->Set("message", TextValue(Str(p->message())));
      s->Set("record_type", TextValue(Str(p->record_type())));
      s->Set("record_id", RefValue(Str(p->record_id())));
      return true;
    }
    case fb::Payload::RuleFired: {
      auto* p = e.payload_as<fb::RuleFired>();
      *st = Created(s, e);
      s->Set("rule_id", RefValue(Str(p->rule_id())));
      s->Set("trigger_key", TextValue(Str(p->trigger_key())));
      s->Set("trigger_position", p->trigger_position() ? NumberValue(static_cast<int64_t>(p->trigger_position())) : NullValue());
      s->Set("record_type", TextValue(Str(p->record_type())));
      s->Set("record_id", RefValue(Str(p->record_id())));
      s->Set("actions_run", NumberValue(p->actions_run()));
      s->Set("problems", ListValue(Strs(p->problems())));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
