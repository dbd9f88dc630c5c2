// Tasks (create, complete, reopen, reschedule, reassign, cancel) and support tickets (open,
// assign, status changes, reopen).
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

template <typename T>
fb::CommandT TaskCmd(const std::string& task) {
  T c;
  c.task_id = task;
  return Cmd(std::move(c));
}

fb::CommandT Reschedule(const std::string& task, Micros due) {
  fb::RescheduleTaskT r;
  r.task_id = task;
  r.due_us = due;
  return Cmd(std::move(r));
}

fb::CommandT Reassign(const std::string& task, const std::string& assignee) {
  fb::ReassignTaskT r;
  r.task_id = task;
  r.assignee_id = assignee;
  return Cmd(std::move(r));
}

fb::CommandT Cancel(const std::string& task, const std::string& reason = "") {
  fb::CancelTaskT c;
  c.task_id = task;
  c.reason = reason;
  return Cmd(std::move(c));
}

fb::CommandT Assign(const std::string& ticket, const std::string& assignee) {
  fb::AssignTicketT a;
  a.ticket_id = ticket;
  a.assignee_id = assignee;
  return Cmd(std::move(a));
}

fb::CommandT SetStatus(const std::string& ticket, fb::TicketStatus s) {
  fb::ChangeTicketStatusT c;
  c.ticket_id = ticket;
  c.status = s;
  return Cmd(std::move(c));
}

fb::CommandT ReopenTicket(const std::string& ticket) {
  fb::ReopenTicketT r;
  r.ticket_id = ticket;
  return Cmd(std::move(r));
}

}  // namespace

TEST_CASE("a task is created for its assignee with a due time and links", "[domain][task]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  fb::CreateTaskT t;
  t.title = " Send the quote ";
  t.notes = "Both options\nwith shipping";
  t.due_us = kNow + 2 * kMicrosPerDay;
  t.assignee_id = "u-ada";  // anyone active may be given a task
  t.priority = fb::Priority::High;
  t.links = ContactLinks({contact});
  h.MustRun(alan, Cmd(std::move(t)));
  CHECK(h.last_id == "TSK-1");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskCreated"});
  const RecordState& r = h.Get("task", "TSK-1");
  CHECK(r.Text("title") == "Send the quote");
  CHECK(r.Text("notes") == "Both options\nwith shipping");
  CHECK(r.Int("due") == kNow + 2 * kMicrosPerDay);
  CHECK(r.Text("assignee_id") == "u-ada");
  CHECK(r.Text("priority") == "high");
  CHECK(r.Text("status") == "open");
  CHECK(r.List("contact_ids") == std::vector<std::string>{contact});
  // Defaults: the actor is the assignee, the priority normal.
  std::string mine = MakeTask(h, alan);
  CHECK(h.Get("task", mine).Text("assignee_id") == "u-alan");
  CHECK(h.Get("task", mine).Text("priority") == "normal");
}

TEST_CASE("task creation refusals", "[domain][task]") {
  Harness h;
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.MustRun(h.admin(), Cmd(d));
  std::string existing = MakeTask(h, h.As("u-alan"));
  auto with = [&](auto spoil) {
    fb::CreateTaskT t;
    t.title = "Call";
    t.due_us = kNow;
    spoil(t);
    return h.Run(h.As("u-alan"), Cmd(std::move(t)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& t) { t.task_id = existing; }), S::kAlreadyExists,
                            "task " + existing + " already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.title = ""; }), S::kInvalidArgument,
                            "title is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.notes = std::string(100'001, 'n'); }),
                            S::kInvalidArgument, "notes is 100001 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.due_us = 0; }), S::kInvalidArgument,
                            "due is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.assignee_id = "u-zed"; }), S::kNotFound,
                            "assignee_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.assignee_id = "u-bob"; }),
                            S::kFailedPrecondition, "assignee_id: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.links = ContactLinks({"C-404"}); }),
                            S::kNotFound, "links.contact_ids: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), TaskCmd<fb::CreateTaskT>("")),
                            S::kPermissionDenied, "analyst");
}

TEST_CASE("a task is completed, reopened, rescheduled, reassigned and cancelled",
          "[domain][task]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string t = MakeTask(h, alan);
  h.occurred_at = kNow + 3600 * kMicrosPerSecond;
  h.MustRun(alan, TaskCmd<fb::CompleteTaskT>(t));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskCompleted"});
  CHECK(h.Get("task", t).Text("status") == "done");
  CHECK(h.Get("task", t).Int("completed_at") == kNow + 3600 * kMicrosPerSecond);
  h.occurred_at = 0;

  h.MustRun(alan, TaskCmd<fb::ReopenTaskT>(t));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskReopened"});
  CHECK(h.Get("task", t).Text("status") == "open");
  CHECK(IsNull(h.Get("task", t).Get("completed_at")));

  Micros old_due = h.Get("task", t).Int("due");
  h.MustRun(alan, Reschedule(t, kNow + 5 * kMicrosPerDay));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskRescheduled"});
  const auto* rs = h.LastEvent().payload_as<fb::TaskRescheduled>();
  CHECK(rs->old_due_us() == old_due);
  CHECK(rs->new_due_us() == kNow + 5 * kMicrosPerDay);
  CHECK(h.Get("task", t).Int("due") == kNow + 5 * kMicrosPerDay);

  h.MustRun(alan, Reassign(t, "u-bob"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskReassigned"});
  const auto* ra = h.LastEvent().payload_as<fb::TaskReassigned>();
  CHECK(ra->old_assignee_id()->str() == "u-alan");
  CHECK(ra->new_assignee_id()->str() == "u-bob");
  CHECK(h.Get("task", t).Text("assignee_id") == "u-bob");

  // The new assignee may cancel it.
  h.MustRun(h.As("u-bob"), Cancel(t, "not needed"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskCancelled"});
  CHECK(h.Get("task", t).Text("status") == "cancelled");
  CHECK(h.Get("task", t).Text("cancel_reason") == "not needed");
  // A cancelled task can be reopened.
  h.MustRun(alan, TaskCmd<fb::ReopenTaskT>(t));
  CHECK(h.Get("task", t).Text("status") == "open");
}

TEST_CASE("task state refusals", "[domain][task]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string t = MakeTask(h, alan);
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, TaskCmd<fb::ReopenTaskT>(t)), S::kFailedPrecondition,
                            "task " + t + " is open");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reschedule(t, h.Get("task", t).Int("due"))),
                            S::kFailedPrecondition, "task " + t + " is already due then");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reschedule(t, 0)), S::kInvalidArgument,
                            "due is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reassign(t, "u-alan")), S::kFailedPrecondition,
                            "task " + t + " is already assigned to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reassign(t, "u-zed")), S::kNotFound,
                            "assignee_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reassign(t, "")), S::kInvalidArgument,
                            "assignee_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cancel(t, std::string(501, 'r'))), S::kInvalidArgument,
                            "reason is 501 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, TaskCmd<fb::CompleteTaskT>("TSK-404")), S::kNotFound,
                            "task_id: there is no task TSK-404");
  h.MustRun(alan, TaskCmd<fb::CompleteTaskT>(t));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, TaskCmd<fb::CompleteTaskT>(t)), S::kFailedPrecondition,
                            "task " + t + " is done: only open tasks can be completed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reschedule(t, kNow + kMicrosPerDay * 9)),
                            S::kFailedPrecondition, "is done: reopen it before rescheduling it");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reassign(t, "u-ada")), S::kFailedPrecondition,
                            "is done: reopen it before reassigning it");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cancel(t)), S::kFailedPrecondition,
                            "is done: only open tasks can be cancelled");
}

TEST_CASE("tasks belong to their assignee and their creator", "[domain][task][permissions]") {
  Harness h;
  AddSouthTeam(h);
  // Alan creates a task for Bob: both may change it, and so may Bob's manager; Ada may not.
  std::string t = MakeTask(h, h.As("u-alan"), "u-bob");
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), TaskCmd<fb::CompleteTaskT>(t)),
                            S::kPermissionDenied, "task " + t + " belongs to u-bob");
  REQUIRE(h.Decide(h.As("u-alan"), TaskCmd<fb::CompleteTaskT>(t)).ok());
  REQUIRE(h.Decide(h.As("u-bob"), TaskCmd<fb::CompleteTaskT>(t)).ok());
  REQUIRE(h.Decide(h.As("u-mia"), TaskCmd<fb::CompleteTaskT>(t)).ok());   // manages Bob
  REQUIRE(h.Decide(h.As("u-grace"), TaskCmd<fb::CompleteTaskT>(t)).ok()); // manages Alan, the creator
  REQUIRE(h.Decide(h.admin(), TaskCmd<fb::CompleteTaskT>(t)).ok());
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), TaskCmd<fb::CompleteTaskT>(t)),
                            S::kPermissionDenied, "analyst");
}

TEST_CASE("a ticket is opened about a contact or a company", "[domain][ticket]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string company = MakeCompany(h, alan, "Radium");
  fb::OpenTicketT t;
  t.subject = " Arm stuck ";
  t.description = "Since the update.\nPlease help.";
  t.priority = fb::Priority::Urgent;
  t.contact_id = contact;
  t.company_id = company;
  t.assignee_id = "u-ada";
  t.channel = " email ";
  h.MustRun(alan, Cmd(std::move(t)));
  CHECK(h.last_id == "TKT-1");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketOpened"});
  CHECK(h.LastEvent().data_subject() == contact);
  const RecordState& r = h.Get("ticket", "TKT-1");
  CHECK(r.Text("subject") == "Arm stuck");
  CHECK(r.Text("description") == "Since the update.\nPlease help.");
  CHECK(r.Text("priority") == "urgent");
  CHECK(r.Text("contact_id") == contact);
  CHECK(r.Text("company_id") == company);
  CHECK(r.Text("assignee_id") == "u-ada");
  CHECK(r.Text("channel") == "email");
  CHECK(r.Text("status") == "open");
  // A company alone is enough; the priority defaults to normal and nobody is assigned.
  fb::OpenTicketT c;
  c.subject = "Invoice";
  c.company_id = company;
  h.MustRun(alan, Cmd(std::move(c)));
  CHECK(h.Get("ticket", h.last_id).Text("priority") == "normal");
  CHECK(h.Get("ticket", h.last_id).Text("assignee_id").empty());
}

TEST_CASE("ticket opening refusals", "[domain][ticket]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.MustRun(h.admin(), Cmd(d));
  auto with = [&](auto spoil) {
    fb::OpenTicketT t;
    t.subject = "Help";
    t.contact_id = contact;
    spoil(t);
    return h.Run(alan, Cmd(std::move(t)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.subject = " "; }), S::kInvalidArgument,
                            "subject is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.description = std::string(100'001, 'd'); }),
                            S::kInvalidArgument, "description is 100001 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.contact_id.clear(); }), S::kInvalidArgument,
                            "a ticket needs a contact_id or a company_id");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.contact_id = "C-404"; }), S::kNotFound,
                            "contact_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.company_id = "CO-404"; }), S::kNotFound,
                            "company_id: there is no company CO-404");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.assignee_id = "u-bob"; }),
                            S::kFailedPrecondition, "assignee_id: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.assignee_id = "u-zed"; }), S::kNotFound,
                            "assignee_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.channel = std::string(51, 'c'); }),
                            S::kInvalidArgument, "channel is 51 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.ticket_id = "tkt 1"; }), S::kInvalidArgument,
                            "ticket id 'tkt 1'");
}

TEST_CASE("tickets are assigned, move through statuses, close and reopen", "[domain][ticket]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string t = MakeTicket(h, alan, contact);

  h.MustRun(alan, Assign(t, "u-ada"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketAssigned"});
  const auto* a = h.LastEvent().payload_as<fb::TicketAssigned>();
  CHECK((a->old_assignee_id() == nullptr || a->old_assignee_id()->str().empty()));
  CHECK(a->new_assignee_id()->str() == "u-ada");
  CHECK(h.Get("ticket", t).Text("assignee_id") == "u-ada");

  for (auto s : {fb::TicketStatus::Pending, fb::TicketStatus::Open, fb::TicketStatus::Resolved}) {
    h.MustRun(alan, SetStatus(t, s));
    CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketStatusChanged"});
  }
  const auto* sc = h.LastEvent().payload_as<fb::TicketStatusChanged>();
  CHECK(sc->old_status() == fb::TicketStatus::Open);
  CHECK(sc->new_status() == fb::TicketStatus::Resolved);
  CHECK(h.Get("ticket", t).Text("status") == "resolved");

  h.MustRun(alan, ReopenTicket(t));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketReopened"});
  CHECK(h.LastEvent().payload_as<fb::TicketReopened>()->old_status() == fb::TicketStatus::Resolved);
  CHECK(h.Get("ticket", t).Text("status") == "open");

  h.MustRun(h.As("u-ada"), SetStatus(t, fb::TicketStatus::Closed));  // the assignee may too
  CHECK(h.Get("ticket", t).Text("status") == "closed");
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, SetStatus(t, fb::TicketStatus::Open)), S::kFailedPrecondition,
                            "ticket " + t + " is closed: reopen it first");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Assign(t, "u-alan")), S::kFailedPrecondition,
                            "ticket " + t + " is closed: reopen it first");
  h.MustRun(alan, ReopenTicket(t));
  CHECK(h.LastEvent().payload_as<fb::TicketReopened>()->old_status() == fb::TicketStatus::Closed);
  CHECK(h.Get("ticket", t).Text("status") == "open");
}

TEST_CASE("ticket change refusals", "[domain][ticket]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string t = MakeTicket(h, alan, contact, "u-alan");
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Assign(t, "u-alan")), S::kFailedPrecondition,
                            "ticket " + t + " is already assigned to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Assign(t, "u-zed")), S::kNotFound,
                            "assignee_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Assign("TKT-404", "u-ada")), S::kNotFound,
                            "ticket_id: there is no ticket TKT-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, SetStatus(t, fb::TicketStatus::Open)),
                            S::kFailedPrecondition, "ticket " + t + " is already open");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, ReopenTicket(t)), S::kFailedPrecondition,
                            "ticket " + t + " is open: only resolved or closed tickets are reopened");
  h.MustRun(alan, SetStatus(t, fb::TicketStatus::Pending));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, ReopenTicket(t)), S::kFailedPrecondition,
                            "is pending: only resolved or closed tickets are reopened");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), SetStatus(t, fb::TicketStatus::Resolved)),
                            S::kPermissionDenied, "ticket " + t + " belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Assign(t, "u-bob")), S::kPermissionDenied,
                            "belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), ReopenTicket(t)), S::kPermissionDenied,
                            "belongs to u-alan");
}
