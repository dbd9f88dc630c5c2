// How activity, task and ticket events change their records.
#include "domain/apply_internal.h"
#include "domain/enums.h"

namespace rapport::domain::internal {

bool ApplyService(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::EmailLogged: {
      auto* p = e.payload_as<fb::EmailLogged>();
      *st = Created(s, e);
      s->Set("kind", ChoiceValue("email"));
      s->Set("author_id", RefValue(Str(p->author_id())));
      s->Set("direction", ChoiceValue(DirectionName(p->direction())));
      s->Set("subject", TextValue(Str(p->subject())));
      s->Set("body", TextValue(Str(p->body())));
      s->Set("from_address", TextValue(Str(p->from_address())));
      s->Set("to_addresses", ListValue(Strs(p->to_addresses())));
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::CallLogged: {
      auto* p = e.payload_as<fb::CallLogged>();
      *st = Created(s, e);
      s->Set("kind", ChoiceValue("call"));
      s->Set("author_id", RefValue(Str(p->author_id())));
      s->Set("direction", ChoiceValue(DirectionName(p->direction())));
      s->Set("duration_seconds", NumberValue(p->duration_seconds()));
      s->Set("outcome", ChoiceValue(CallOutcomeName(p->outcome())));
      s->Set("notes", TextValue(Str(p->notes())));
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::MeetingLogged: {
      auto* p = e.payload_as<fb::MeetingLogged>();
      *st = Created(s, e);
      s->Set("kind", ChoiceValue("meeting"));
      s->Set("author_id", RefValue(Str(p->author_id())));
      s->Set("title", TextValue(Str(p->title())));
      s->Set("start", InstantValue(p->start_us()));
      s->Set("end", InstantValue(p->end_us()));
      s->Set("attendees", ListValue(Strs(p->attendees())));
      s->Set("location", TextValue(Str(p->location())));
      s->Set("notes", TextValue(Str(p->notes())));
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::NoteLogged: {
      auto* p = e.payload_as<fb::NoteLogged>();
      *st = Created(s, e);
      s->Set("kind", ChoiceValue("note"));
      s->Set("author_id", RefValue(Str(p->author_id())));
      s->Set("body", TextValue(Str(p->body())));
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::FormSubmitted: {
      auto* p = e.payload_as<fb::FormSubmitted>();
      *st = Created(s, e);
      s->Set("kind", ChoiceValue("form"));
      s->Set("form_name", TextValue(Str(p->form_name())));
      s->Set("email", TextValue(Str(p->email())));
      if (p->fields()) {
        for (const auto* kv : *p->fields()) {
          s->Set("form." + Str(kv->key()), TextValue(Str(kv->value())));
        }
      }
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::ActivityUpdated:
      ApplyChanges(e.payload_as<fb::ActivityUpdated>()->changes(), s);
      return true;
    case fb::Payload::ActivityDeleted:
      s->deleted = true;
      return true;

    case fb::Payload::TaskCreated: {
      auto* p = e.payload_as<fb::TaskCreated>();
      *st = Created(s, e);
      s->Set("title", TextValue(Str(p->title())));
      s->Set("notes", TextValue(Str(p->notes())));
      s->Set("due", InstantValue(p->due_us()));
      s->Set("assignee_id", RefValue(Str(p->assignee_id())));
      s->Set("priority", ChoiceValue(PriorityName(p->priority())));
      s->Set("status", ChoiceValue("open"));
      ApplyLinks(p->links(), s);
      return true;
    }
    case fb::Payload::TaskUpdated:
      ApplyChanges(e.payload_as<fb::TaskUpdated>()->changes(), s);
      return true;
    case fb::Payload::TaskCompleted:
      s->Set("status", ChoiceValue("done"));
      s->Set("completed_at", InstantValue(e.occurred_at_us()));
      return true;
    case fb::Payload::TaskReopened:
      s->Set("status", ChoiceValue("open"));
      s->Set("completed_at", NullValue());
      return true;
    case fb::Payload::TaskRescheduled:
      s->Set("due", InstantValue(e.payload_as<fb::TaskRescheduled>()->new_due_us()));
      return true;
    case fb::Payload::TaskReassigned:
      s->Set("assignee_id", RefValue(Str(e.payload_as<fb::TaskReassigned>()->new_assignee_id())));
      return true;
    case fb::Payload::TaskCancelled:
      s->Set("status", ChoiceValue("cancelled"));
      s->Set("cancel_reason", TextValue(Str(e.payload_as<fb::TaskCancelled>()->reason())));
      return true;

    case fb::Payload::TicketOpened: {
      auto* p = e.payload_as<fb::TicketOpened>();
      *st = Created(s, e);
      s->Set("subject", TextValue(Str(p->subject())));
      s->Set("description", TextValue(Str(p->description())));
      s->Set("priority", ChoiceValue(PriorityName(p->priority())));
      s->Set("contact_id", RefValue(Str(p->contact_id())));
      s->Set("company_id", RefValue(Str(p->company_id())));
      s->Set("assignee_id", RefValue(Str(p->assignee_id())));
      s->Set("channel", TextValue(Str(p->channel())));
      s->Set("status", ChoiceValue("open"));
      return true;
    }
    case fb::Payload::TicketUpdated:
      ApplyChanges(e.payload_as<fb::TicketUpdated>()->changes(), s);
      return true;
    case fb::Payload::TicketAssigned:
      s->Set("assignee_id", RefValue(Str(e.payload_as<fb::TicketAssigned>()->new_assignee_id())));
      return true;
    case fb::Payload::TicketStatusChanged:
      s->Set("status",
             ChoiceValue(TicketStatusName(e.payload_as<fb::TicketStatusChanged>()->new_status())));
      return true;
    case fb::Payload::TicketReopened:
      s->Set("status", ChoiceValue("open"));
      return true;
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
