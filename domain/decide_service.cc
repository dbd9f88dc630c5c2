// Decisions about activities (emails, calls, meetings, notes, forms), tasks and tickets.
#include <set>

#include "domain/decide_internal.h"

namespace rapport::domain::internal {
namespace {

constexpr size_t kLongText = 100'000;

bool HasLinks(const fb::LinksT* l) {
  return l && (!l->contact_ids.empty() || !l->company_ids.empty() || !l->deal_ids.empty() ||
               !l->ticket_ids.empty());
}

std::string SubjectOf(const fb::LinksT* l) {
  return l && !l->contact_ids.empty() ? l->contact_ids.front() : std::string();
}

// The author of an activity: the actor unless given; logging for someone else needs to be
// their manager or an admin (rapport itself may name any user, e.g. importing history).
Result<std::string> Author(Env& env, const std::string& given) {
  std::string author = given.empty() ? env.actor.id : given;
  if (author == env.actor.id) return author;
  if (env.actor.system) {
    if (!env.dir.user(author)) return Status::NotFound("author_id: there is no user " + author);
    return author;
  }
  RAPPORT_RETURN_IF_ERROR(RequireCanAssignTo(env.actor, author, env.dir, "author_id"));
  return author;
}

// The checks every activity shares: id, author, links.
struct ActivityBasics {
  std::string id;
  std::string author;
};
Result<ActivityBasics> Basics(Env& env, const std::string& given_id, const std::string& given_author,
                              const fb::LinksT* links, bool links_required) {
  auto id = env.NewRecordId(kActivity, given_id, "activity_id");
  if (!id.ok()) return id.status();
  auto author = Author(env, given_author);
  if (!author.ok()) return author.status();
  if (links_required && !HasLinks(links)) {
    return Status::InvalidArgument(
        "links: an activity must be about a contact, company, deal or ticket");
  }
  RAPPORT_RETURN_IF_ERROR(CheckLinks(env, links));
  return ActivityBasics{*id, *author};
}

Result<Decision> LogEmail(Env& env, const fb::LogEmailT& c) {
  auto b = Basics(env, c.activity_id, c.author_id, c.links.get(), true);
  if (!b.ok()) return b.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.subject, "subject", 1000, false));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.body, "body", kLongText, false, true));
  if (!c.from_address.empty()) RAPPORT_RETURN_IF_ERROR(ValidateEmail(c.from_address, "from_address"));
  for (const auto& to : c.to_addresses) RAPPORT_RETURN_IF_ERROR(ValidateEmail(to, "to_addresses"));
  fb::EmailLoggedT e;
  e.activity_id = b->id;
  e.author_id = b->author;
  e.direction = c.direction;
  e.subject = c.subject;
  e.body = c.body;
  e.from_address = Trim(c.from_address);
  e.to_addresses = c.to_addresses;
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kActivity, b->id, std::move(e), SubjectOf(c.links.get()));
  return env.Done(kActivity, b->id);
}

Result<Decision> LogCall(Env& env, const fb::LogCallT& c) {
  auto b = Basics(env, c.activity_id, c.author_id, c.links.get(), true);
  if (!b.ok()) return b.status();
  if (c.duration_seconds < 0 || c.duration_seconds > 86400) {
    return Status::InvalidArgument("duration_seconds must be 0 to 86400");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.notes, "notes", kLongText, false, true));
  fb::CallLoggedT e;
  e.activity_id = b->id;
  e.author_id = b->author;
  e.direction = c.direction;
  e.duration_seconds = c.duration_seconds;
  e.outcome = c.outcome;
  e.notes = c.notes;
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kActivity, b->id, std::move(e), SubjectOf(c.links.get()));
  return env.Done(kActivity, b->id);
}

Result<Decision> LogMeeting(Env& env, const fb::LogMeetingT& c) {
  auto b = Basics(env, c.activity_id, c.author_id, c.links.get(), true);
  if (!b.ok()) return b.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.title, "title", 300, true));
  if (c.start_us <= 0 || c.end_us <= 0) return Status::InvalidArgument("start and end are required");
  if (c.end_us < c.start_us) return Status::InvalidArgument("end is before start");
  if (c.end_us - c.start_us > 7 * kMicrosPerDay) {
    return Status::InvalidArgument("a meeting may last at most 7 days");
  }
  if (c.attendees.size() > 200) return Status::InvalidArgument("attendees: at most 200");
  for (const auto& a : c.attendees) RAPPORT_RETURN_IF_ERROR(ValidateText(a, "attendees", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.location, "location", 300, false));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.notes, "notes", kLongText, false, true));
  fb::MeetingLoggedT e;
  e.activity_id = b->id;
  e.author_id = b->author;
  e.title = Trim(c.title);
  e.start_us = c.start_us;
  e.end_us = c.end_us;
  e.attendees = c.attendees;
  e.location = c.location;
  e.notes = c.notes;
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kActivity, b->id, std::move(e), SubjectOf(c.links.get()));
  return env.Done(kActivity, b->id);
}

Result<Decision> LogNote(Env& env, const fb::LogNoteT& c) {
  auto b = Basics(env, c.activity_id, c.author_id, c.links.get(), true);
  if (!b.ok()) return b.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.body, "body", kLongText, true, true));
  fb::NoteLoggedT e;
  e.activity_id = b->id;
  e.author_id = b->author;
  e.body = c.body;
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kActivity, b->id, std::move(e), SubjectOf(c.links.get()));
  return env.Done(kActivity, b->id);
}

Result<Decision> SubmitForm(Env& env, const fb::SubmitFormT& c) {
  // A form may come from someone unknown: an email instead of links is enough.
  bool has_email = !Trim(c.email).empty();
  auto b = Basics(env, c.activity_id, "", c.links.get(), !has_email);
  if (!b.ok()) return b.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.form_name, "form_name", 200, true));
  if (has_email) RAPPORT_RETURN_IF_ERROR(ValidateEmail(c.email, "email"));
  if (c.fields.size() > 200) return Status::InvalidArgument("fields: at most 200");
  std::set<std::string> keys;
  for (const auto& kv : c.fields) {
    if (!kv) continue;
    RAPPORT_RETURN_IF_ERROR(ValidateText(kv->key, "fields key", 100, true));
    RAPPORT_RETURN_IF_ERROR(ValidateText(kv->value, "fields." + kv->key, 10'000, false, true));
    if (!keys.insert(kv->key).second) {
      return Status::InvalidArgument("fields: '" + kv->key + "' is given twice");
    }
  }
  fb::FormSubmittedT e;
  e.activity_id = b->id;
  e.form_name = Trim(c.form_name);
  for (const auto& kv : c.fields) {
    if (kv) e.fields.push_back(std::make_unique<fb::KeyValueT>(*kv));
  }
  e.email = Trim(c.email);
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kActivity, b->id, std::move(e), SubjectOf(c.links.get()));
  return env.Done(kActivity, b->id);
}

Result<Decision> CreateTask(Env& env, const fb::CreateTaskT& c) {
  auto id = env.NewRecordId(kTask, c.task_id, "task_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.title, "title", 300, true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.notes, "notes", kLongText, false, true));
  if (c.due_us <= 0) return Status::InvalidArgument("due is required");
  std::string assignee = c.assignee_id.empty() ? env.actor.id : c.assignee_id;
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, assignee, "assignee_id"));
  RAPPORT_RETURN_IF_ERROR(CheckLinks(env, c.links.get()));
  fb::TaskCreatedT e;
  e.task_id = *id;
  e.title = Trim(c.title);
  e.notes = c.notes;
  e.due_us = c.due_us;
  e.assignee_id = assignee;
  e.priority = c.priority == fb::Priority::Unspecified ? fb::Priority::Normal : c.priority;
  e.links = CloneLinks(c.links.get());
  env.EmitNew(kTask, *id, std::move(e));
  return env.Done(kTask, *id);
}

// A task the actor may change, whose status is `need` ("" for any).
Result<const RecordState*> ChangeableTask(Env& env, const std::string& id, const char* need,
                                          const char* doing) {
  auto t = env.Live(kTask, id, "task_id");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **t, env.dir));
  const std::string& status = (*t)->Text("status");
  if (need && status != need) {
    return Status::FailedPrecondition("task " + id + " is " + status + ": " + doing);
  }
  return t;
}

Result<Decision> CompleteTask(Env& env, const fb::CompleteTaskT& c) {
  auto t = ChangeableTask(env, c.task_id, "open", "only open tasks can be completed");
  if (!t.ok()) return t.status();
  fb::TaskCompletedT e;
  e.task_id = c.task_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTask, c.task_id);
}

Result<Decision> ReopenTask(Env& env, const fb::ReopenTaskT& c) {
  auto t = ChangeableTask(env, c.task_id, nullptr, "");
  if (!t.ok()) return t.status();
  if ((*t)->Text("status") == "open") return Status::FailedPrecondition("task " + c.task_id + " is open");
  fb::TaskReopenedT e;
  e.task_id = c.task_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTask, c.task_id);
}

Result<Decision> RescheduleTask(Env& env, const fb::RescheduleTaskT& c) {
  auto t = ChangeableTask(env, c.task_id, "open", "reopen it before rescheduling it");
  if (!t.ok()) return t.status();
  if (c.due_us <= 0) return Status::InvalidArgument("due is required");
  if ((*t)->Int("due") == c.due_us) {
    return Status::FailedPrecondition("task " + c.task_id + " is already due then");
  }
  fb::TaskRescheduledT e;
  e.task_id = c.task_id;
  e.old_due_us = (*t)->Int("due");
  e.new_due_us = c.due_us;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTask, c.task_id);
}

Result<Decision> ReassignTask(Env& env, const fb::ReassignTaskT& c) {
  auto t = ChangeableTask(env, c.task_id, "open", "reopen it before reassigning it");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.assignee_id, "assignee_id"));
  if ((*t)->Text("assignee_id") == c.assignee_id) {
    return Status::FailedPrecondition("task " + c.task_id + " is already assigned to " + c.assignee_id);
  }
  fb::TaskReassignedT e;
  e.task_id = c.task_id;
  e.old_assignee_id = (*t)->Text("assignee_id");
  e.new_assignee_id = c.assignee_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTask, c.task_id);
}

Result<Decision> CancelTask(Env& env, const fb::CancelTaskT& c) {
  auto t = ChangeableTask(env, c.task_id, "open", "only open tasks can be cancelled");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  fb::TaskCancelledT e;
  e.task_id = c.task_id;
  e.reason = c.reason;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTask, c.task_id);
}

Result<Decision> OpenTicket(Env& env, const fb::OpenTicketT& c) {
  auto id = env.NewRecordId(kTicket, c.ticket_id, "ticket_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.subject, "subject", 300, true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.description, "description", kLongText, false, true));
  if (c.contact_id.empty() && c.company_id.empty()) {
    return Status::InvalidArgument("a ticket needs a contact_id or a company_id (who asked?)");
  }
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kContact, c.contact_id, "contact_id"));
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kCompany, c.company_id, "company_id"));
  if (!c.assignee_id.empty()) RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.assignee_id, "assignee_id"));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.channel, "channel", 50, false));
  fb::TicketOpenedT e;
  e.ticket_id = *id;
  e.subject = Trim(c.subject);
  e.description = c.description;
  e.priority = c.priority == fb::Priority::Unspecified ? fb::Priority::Normal : c.priority;
  e.contact_id = c.contact_id;
  e.company_id = c.company_id;
  e.assignee_id = c.assignee_id;
  e.channel = Trim(c.channel);
  env.EmitNew(kTicket, *id, std::move(e), c.contact_id);
  return env.Done(kTicket, *id);
}

Result<const RecordState*> ChangeableTicket(Env& env, const std::string& id) {
  auto t = env.Live(kTicket, id, "ticket_id");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **t, env.dir));
  return t;
}

Result<Decision> AssignTicket(Env& env, const fb::AssignTicketT& c) {
  auto t = ChangeableTicket(env, c.ticket_id);
  if (!t.ok()) return t.status();
  if ((*t)->Text("status") == "closed") {
    return Status::FailedPrecondition("ticket " + c.ticket_id + " is closed: reopen it first");
  }
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.assignee_id, "assignee_id"));
  if ((*t)->Text("assignee_id") == c.assignee_id) {
    return Status::FailedPrecondition("ticket " + c.ticket_id + " is already assigned to " + c.assignee_id);
  }
  fb::TicketAssignedT e;
  e.ticket_id = c.ticket_id;
  e.old_assignee_id = (*t)->Text("assignee_id");
  e.new_assignee_id = c.assignee_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTicket, c.ticket_id);
}

Result<Decision> ChangeTicketStatus(Env& env, const fb::ChangeTicketStatusT& c) {
  auto t = ChangeableTicket(env, c.ticket_id);
  if (!t.ok()) return t.status();
  auto old = ParseTicketStatus((*t)->Text("status")).value_or(fb::TicketStatus::Open);
  if (old == c.status) {
    return Status::FailedPrecondition("ticket " + c.ticket_id + " is already " + TicketStatusName(c.status));
  }
  if (old == fb::TicketStatus::Closed) {
    return Status::FailedPrecondition("ticket " + c.ticket_id + " is closed: reopen it first");
  }
  fb::TicketStatusChangedT e;
  e.ticket_id = c.ticket_id;
  e.old_status = old;
  e.new_status = c.status;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTicket, c.ticket_id);
}

Result<Decision> ReopenTicket(Env& env, const fb::ReopenTicketT& c) {
  auto t = ChangeableTicket(env, c.ticket_id);
  if (!t.ok()) return t.status();
  auto old = ParseTicketStatus((*t)->Text("status")).value_or(fb::TicketStatus::Open);
  if (old != fb::TicketStatus::Resolved && old != fb::TicketStatus::Closed) {
    return Status::FailedPrecondition("ticket " + c.ticket_id + " is " + TicketStatusName(old) +
                                      ": only resolved or closed tickets are reopened");
  }
  fb::TicketReopenedT e;
  e.ticket_id = c.ticket_id;
  e.old_status = old;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTicket, c.ticket_id);
}

}  // namespace

MaybeDecision DecideService(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::LogEmail: return LogEmail(env, *b.AsLogEmail());
    case fb::CommandBody::LogCall: return LogCall(env, *b.AsLogCall());
    case fb::CommandBody::LogMeeting: return LogMeeting(env, *b.AsLogMeeting());
    case fb::CommandBody::LogNote: return LogNote(env, *b.AsLogNote());
    case fb::CommandBody::SubmitForm: return SubmitForm(env, *b.AsSubmitForm());
    case fb::CommandBody::CreateTask: return CreateTask(env, *b.AsCreateTask());
    case fb::CommandBody::CompleteTask: return CompleteTask(env, *b.AsCompleteTask());
    case fb::CommandBody::ReopenTask: return ReopenTask(env, *b.AsReopenTask());
    case fb::CommandBody::RescheduleTask: return RescheduleTask(env, *b.AsRescheduleTask());
    case fb::CommandBody::ReassignTask: return ReassignTask(env, *b.AsReassignTask());
    case fb::CommandBody::CancelTask: return CancelTask(env, *b.AsCancelTask());
    case fb::CommandBody::OpenTicket: return OpenTicket(env, *b.AsOpenTicket());
    case fb::CommandBody::AssignTicket: return AssignTicket(env, *b.AsAssignTicket());
    case fb::CommandBody::ChangeTicketStatus: return ChangeTicketStatus(env, *b.AsChangeTicketStatus());
    case fb::CommandBody::ReopenTicket: return ReopenTicket(env, *b.AsReopenTicket());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
