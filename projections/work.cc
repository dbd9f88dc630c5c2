#include "projections/work.h"

#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

// Task fields: a title, b assignee, c link; n due; status; priority.
// Ticket fields: a subject, b contact, c company, d assignee; status; priority.
// Contract fields: a deal, b company, c owner, d currency; n amount; date1 start,
// date2 renewal; m end date; status 0 active / 1 ended.
enum Field : uint16_t {
  kCreated = 1 << 0,
  kA = 1 << 1,
  kB = 1 << 2,
  kC = 1 << 3,
  kD = 1 << 4,
  kN = 1 << 5,
  kStatus = 1 << 6,
  kPriority = 1 << 7,
  kDate2 = 1 << 8,
  kM = 1 << 9,
};

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

const fb::FieldChange* Change(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* v,
                              std::string_view field) {
  if (!v) return nullptr;
  for (const auto* c : *v) {
    if (c && Str(c->field()) == field) return c;
  }
  return nullptr;
}

void PutDelta(BinaryWriter* w, const WorkProjection::Delta& d) {
  w->Var(d.position);
  w->SVar(d.occurred);
  w->Var(d.mask);
  w->U8(d.status);
  w->U8(d.priority);
  for (Sym x : {d.a, d.b, d.c, d.d, d.e}) w->Var(x);
  w->SVar(d.n);
  w->SVar(d.m);
  w->SVar(d.date1);
  w->SVar(d.date2);
}

bool GetDelta(BinaryReader* r, WorkProjection::Delta* d) {
  d->position = r->Var();
  d->occurred = r->SVar();
  d->mask = static_cast<uint16_t>(r->Var());
  d->status = r->U8();
  d->priority = r->U8();
  for (Sym* x : {&d->a, &d->b, &d->c, &d->d, &d->e}) *x = static_cast<Sym>(r->Var());
  d->n = r->SVar();
  d->m = r->SVar();
  d->date1 = static_cast<int32_t>(r->SVar());
  d->date2 = static_cast<int32_t>(r->SVar());
  return r->ok();
}

// The first linked record of a task, as "type/id", or "".
std::string FirstLink(const fb::Links* l) {
  if (!l) return "";
  if (l->deal_ids() && l->deal_ids()->size()) return "deal/" + l->deal_ids()->Get(0)->str();
  if (l->contact_ids() && l->contact_ids()->size()) return "contact/" + l->contact_ids()->Get(0)->str();
  if (l->company_ids() && l->company_ids()->size()) return "company/" + l->company_ids()->Get(0)->str();
  if (l->ticket_ids() && l->ticket_ids()->size()) return "ticket/" + l->ticket_ids()->Get(0)->str();
  return "";
}

}  // namespace

void WorkProjection::Apply(const events::EventView& e) {
  Delta d;
  d.position = e.position();
  d.occurred = e.occurred_at_us();
  EntityTable<Delta>* table = nullptr;
  switch (e.type()) {
    case fb::Payload::TaskCreated: {
      auto* p = e.payload_as<fb::TaskCreated>();
      d.mask = kCreated | kA | kB | kC | kN | kStatus | kPriority;
      d.a = s_->Intern(Str(p->title()));
      d.b = s_->Intern(Str(p->assignee_id()));
      d.c = s_->Intern(FirstLink(p->links()));
      d.n = p->due_us();
      d.priority = static_cast<uint8_t>(p->priority());
      table = &tasks_;
      break;
    }
    case fb::Payload::TaskUpdated: {
      auto* ch = e.payload_as<fb::TaskUpdated>()->changes();
      if (const auto* c = Change(ch, "title")) {
        d.mask |= kA;
        d.a = s_->Intern(c->new_value() ? Str(c->new_value()->text()) : "");
      }
      if (const auto* c = Change(ch, "priority")) {
        d.mask |= kPriority;
        std::string_view p = c->new_value() ? Str(c->new_value()->text()) : "";
        d.priority = p == "low" ? 1 : p == "high" ? 3 : p == "urgent" ? 4 : 2;
      }
      if (!d.mask) return;
      table = &tasks_;
      break;
    }
    case fb::Payload::TaskCompleted:
    case fb::Payload::TaskReopened:
    case fb::Payload::TaskCancelled:
      d.mask = kStatus;
      d.status = e.type() == fb::Payload::TaskCompleted ? 1 : e.type() == fb::Payload::TaskCancelled ? 2 : 0;
      table = &tasks_;
      break;
    case fb::Payload::TaskRescheduled:
      d.mask = kN;
      d.n = e.payload_as<fb::TaskRescheduled>()->new_due_us();
      table = &tasks_;
      break;
    case fb::Payload::TaskReassigned:
      d.mask = kB;
      d.b = s_->Intern(Str(e.payload_as<fb::TaskReassigned>()->new_assignee_id()));
      table = &tasks_;
      break;
    case fb::Payload::TicketOpened: {
      auto* p = e.payload_as<fb::TicketOpened>();
      d.mask = kCreated | kA | kB | kC | kD | kStatus | kPriority;
      d.a = s_->Intern(Str(p->subject()));
      d.b = s_->Intern(Str(p->contact_id()));
      d.c = s_->Intern(Str(p->company_id()));
      d.d = s_->Intern(Str(p->assignee_id()));
      d.priority = static_cast<uint8_t>(p->priority());
      d.status = 0;
      table = &tickets_;
      break;
    }
    case fb::Payload::TicketUpdated: {
      auto* ch = e.payload_as<fb::TicketUpdated>()->changes();
      if (const auto* c = Change(ch, "subject")) {
        d.mask |= kA;
        d.a = s_->Intern(c->new_value() ? Str(c->new_value()->text()) : "");
      }
      if (const auto* c = Change(ch, "priority")) {
        d.mask |= kPriority;
        std::string_view p = c->new_value() ? Str(c->new_value()->text()) : "";
        d.priority = p == "low" ? 1 : p == "high" ? 3 : p == "urgent" ? 4 : 2;
      }
      if (!d.mask) return;
      table = &tickets_;
      break;
    }
    case fb::Payload::TicketAssigned:
      d.mask = kD;
      d.d = s_->Intern(Str(e.payload_as<fb::TicketAssigned>()->new_assignee_id()));
      table = &tickets_;
      break;
    case fb::Payload::TicketStatusChanged:
      d.mask = kStatus;
      d.status = static_cast<uint8_t>(e.payload_as<fb::TicketStatusChanged>()->new_status());
      table = &tickets_;
      break;
    case fb::Payload::TicketReopened:
      d.mask = kStatus;
      d.status = 0;
      table = &tickets_;
      break;
    case fb::Payload::ContractStarted: {
      auto* p = e.payload_as<fb::ContractStarted>();
      d.mask = kCreated | kA | kB | kC | kD | kN | kDate2 | kStatus;
      d.a = s_->Intern(Str(p->deal_id()));
      d.b = s_->Intern(Str(p->company_id()));
      d.c = s_->Intern(Str(p->owner_id()));
      if (p->amount()) {
        d.d = s_->Intern(Str(p->amount()->currency()));
        d.n = p->amount()->amount_minor();
      }
      d.date1 = p->start_date();
      d.date2 = p->renewal_date();
      d.status = 0;
      table = &contracts_;
      break;
    }
    case fb::Payload::ContractRenewed:
      d.mask = kDate2;
      d.date2 = e.payload_as<fb::ContractRenewed>()->new_renewal_date();
      table = &contracts_;
      break;
    case fb::Payload::ContractEnded:
      d.mask = kStatus | kM;
      d.status = 1;
      d.m = e.payload_as<fb::ContractEnded>()->end_date();
      table = &contracts_;
      break;
    default:
      return;
  }
  table->Of(s_->Intern(e.stream_id())).push_back(d);
}

std::vector<TaskView> WorkProjection::Tasks(const AsOf& at) const {
  std::vector<TaskView> out;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    TaskView v;
    v.id = tasks_.id(i);
    Fold(tasks_.deltas(i), at, [&](const Delta& d) {
      if (d.mask & kCreated) {
        v.exists = true;
        v.created_at = d.occurred;
      }
      if (d.mask & kA) v.title = d.a;
      if (d.mask & kB) v.assignee = d.b;
      if (d.mask & kC) v.link = d.c;
      if (d.mask & kN) v.due = d.n;
      if (d.mask & kStatus) v.status = d.status;
      if (d.mask & kPriority) v.priority = d.priority;
    });
    if (v.exists) out.push_back(v);
  }
  return out;
}

std::vector<TicketView> WorkProjection::Tickets(const AsOf& at) const {
  std::vector<TicketView> out;
  for (size_t i = 0; i < tickets_.size(); ++i) {
    TicketView v;
    v.id = tickets_.id(i);
    Fold(tickets_.deltas(i), at, [&](const Delta& d) {
      if (d.mask & kCreated) {
        v.exists = true;
        v.opened_at = d.occurred;
        v.status_since = d.occurred;
      }
      if (d.mask & kA) v.subject = d.a;
      if (d.mask & kB) v.contact = d.b;
      if (d.mask & kC) v.company = d.c;
      if (d.mask & kD) v.assignee = d.d;
      if (d.mask & kPriority) v.priority = d.priority;
      if (d.mask & kStatus) {
        if (d.status != v.status || (d.mask & kCreated)) v.status_since = d.occurred;
        v.status = d.status;
      }
    });
    if (v.exists) out.push_back(v);
  }
  return out;
}

std::vector<ContractView> WorkProjection::Contracts(const AsOf& at) const {
  std::vector<ContractView> out;
  for (size_t i = 0; i < contracts_.size(); ++i) {
    ContractView v;
    v.id = contracts_.id(i);
    Fold(contracts_.deltas(i), at, [&](const Delta& d) {
      if (d.mask & kCreated) {
        v.exists = true;
        v.deal = d.a;
        v.company = d.b;
        v.owner = d.c;
        v.currency = d.d;
        v.amount = d.n;
        v.start_date = d.date1;
      }
      if (d.mask & kDate2) v.renewal_date = d.date2;
      if (d.mask & kStatus) v.active = d.status == 0;
      if (d.mask & kM) v.end_date = static_cast<int32_t>(d.m);
    });
    if (v.exists) out.push_back(v);
  }
  return out;
}

void WorkProjection::Serialize(BinaryWriter* w) const {
  for (const auto* t : {&tasks_, &tickets_, &contracts_}) t->Serialize(w, PutDelta);
}

bool WorkProjection::Deserialize(BinaryReader* r) {
  for (auto* t : {&tasks_, &tickets_, &contracts_}) {
    if (!t->Deserialize(r, GetDelta)) return false;
  }
  return true;
}

void WorkProjection::Clear() {
  for (auto* t : {&tasks_, &tickets_, &contracts_}) t->Clear();
}

}  // namespace rapport::projections
