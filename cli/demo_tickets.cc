// The demo's support tickets: opened by customers, answered and resolved within a time that
// depends on the priority, sometimes waiting for the customer, reassigned or reopened.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::OpenTicket(int company) {
  At(After(Uniform(20, 260)), [this, company] { return OpenTicket(company); });
  const Company& co = companies_[static_cast<size_t>(company)];
  Ticket t;
  t.id = NextId("TKT", &n_tickets_);
  t.company = company;
  t.contact = Pick(co.contacts);
  t.assignee = Pick(support_);
  double u = Uniform();
  t.priority = u < 0.2 ? fb::Priority::Low : u < 0.7 ? fb::Priority::Normal : u < 0.92 ? fb::Priority::High
                                                                                       : fb::Priority::Urgent;
  static const std::vector<std::string> kSubjects = {
      "{product} stops with error E-{n}", "Gripper calibration drifts", "Vision system misreads labels",
      "Cannot log in to the fleet manager", "Request: operator training for the night shift",
      "Spare parts order for {product}", "Firmware update failed on {product}", "Safety scanner stops the cell",
      "Invoice question", "{product} overheats in three-shift operation"};
  std::string subject = Pick(kSubjects);
  for (auto [key, value] : {std::pair<std::string, std::string>{"{product}", kProducts[static_cast<size_t>(Between(0, 2))].code},
                            {"{n}", std::to_string(Between(100, 999))}}) {
    for (size_t at; (at = subject.find(key)) != std::string::npos;) subject.replace(at, key.size(), value);
  }
  t.subject = subject;
  fb::OpenTicketT c;
  c.ticket_id = t.id;
  c.subject = subject;
  c.description = "Reported by " + contacts_[static_cast<size_t>(t.contact)].first + " " +
                  contacts_[static_cast<size_t>(t.contact)].last + " at " + co.name + ".";
  c.priority = t.priority;
  c.contact_id = contacts_[static_cast<size_t>(t.contact)].id;
  c.company_id = co.id;
  c.assignee_id = users_[t.assignee].id;
  c.channel = Pick(std::vector<std::string>{"email", "phone", "portal"});
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  int index = static_cast<int>(tickets_.size());
  tickets_.push_back(std::move(t));
  Touch(company);
  double respond_h, resolve_d;
  switch (tickets_.back().priority) {
    case fb::Priority::Urgent: respond_h = Uniform(0.2, 2), resolve_d = Uniform(0.3, 2); break;
    case fb::Priority::High: respond_h = Uniform(1, 6), resolve_d = Uniform(1, 5); break;
    case fb::Priority::Low: respond_h = Uniform(4, 48), resolve_d = Uniform(3, 20); break;
    default: respond_h = Uniform(2, 24), resolve_d = Uniform(2, 10); break;
  }
  Micros respond_at = Working(now_ + static_cast<Micros>(respond_h * static_cast<double>(kHour)));
  Micros resolve_at = Working(std::max(respond_at + 4 * kHour, now_ + static_cast<Micros>(resolve_d * static_cast<double>(kMicrosPerDay))));
  At(respond_at, [this, index, resolve_at] { return TicketRespond(index, resolve_at); });
  return Status::Ok();
}

Status Simulation::TicketStatus(int index, fb::TicketStatus status) {
  Ticket& t = tickets_[static_cast<size_t>(index)];
  if (t.status == status || t.status == fb::TicketStatus::Closed) return Status::Ok();
  fb::ChangeTicketStatusT c;
  c.ticket_id = t.id;
  c.status = status;
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  t.status = status;
  return Status::Ok();
}

// The first answer, maybe a wait for the customer, the fix, closing (and now and then a reopen).
Status Simulation::TicketRespond(int index, Micros resolve_at) {
  Ticket& t = tickets_[static_cast<size_t>(index)];
  if (Chance(0.1)) {  // handed to a colleague who knows the product better
    int other = Pick(support_);
    if (other != t.assignee) {
      fb::AssignTicketT a;
      a.ticket_id = t.id;
      a.assignee_id = users_[other].id;
      RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(a)));
      t.assignee = other;
    }
  }
  const Contact& p = contacts_[static_cast<size_t>(t.contact)];
  fb::LogEmailT e;
  e.activity_id = NextId("A", &n_activities_);
  e.direction = fb::Direction::Outbound;
  e.subject = "Re: " + t.subject + " [" + t.id + "]";
  e.body = "Hello " + p.first + ",\n\nthanks for the report. Could you send us the controller log?\n\n" +
           users_[t.assignee].name;
  e.from_address = users_[t.assignee].email;
  e.to_addresses = {p.email};
  e.links = LinksFor(t.contact, t.company, -1, index);
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(e)));
  if (Chance(0.55)) {
    RAPPORT_RETURN_IF_ERROR(TicketStatus(index, fb::TicketStatus::Pending));
    At(After(Uniform(0.5, 3)), [this, index] {
      Ticket& x = tickets_[static_cast<size_t>(index)];
      if (x.status != fb::TicketStatus::Pending) return Status::Ok();
      const Contact& c = contacts_[static_cast<size_t>(x.contact)];
      fb::LogEmailT reply;
      reply.activity_id = NextId("A", &n_activities_);
      reply.direction = fb::Direction::Inbound;
      reply.subject = "Re: " + x.subject + " [" + x.id + "]";
      reply.body = "Log attached. The problem happened again this morning.\n\n" + c.first;
      reply.from_address = c.email;
      reply.to_addresses = {users_[x.assignee].email};
      reply.links = LinksFor(x.contact, x.company, -1, index);
      RAPPORT_RETURN_IF_ERROR(Exec(x.assignee, std::move(reply)));
      return TicketStatus(index, fb::TicketStatus::Open);
    });
  }
  At(std::max(resolve_at, now_ + kHour), [this, index] {
    RAPPORT_RETURN_IF_ERROR(TicketStatus(index, fb::TicketStatus::Resolved));
    if (Chance(0.06)) {
      At(After(Uniform(1, 4)), [this, index] {
        Ticket& x = tickets_[static_cast<size_t>(index)];
        if (x.status != fb::TicketStatus::Resolved) return Status::Ok();
        fb::ReopenTicketT r;
        r.ticket_id = x.id;
        RAPPORT_RETURN_IF_ERROR(Exec(x.assignee, std::move(r)));
        x.status = fb::TicketStatus::Open;
        At(After(Uniform(1, 4)), [this, index] { return TicketStatus(index, fb::TicketStatus::Resolved); });
        return Status::Ok();
      });
    } else if (Chance(0.75)) {
      At(After(Uniform(3, 7)), [this, index] {
        return tickets_[static_cast<size_t>(index)].status == fb::TicketStatus::Resolved
                   ? TicketStatus(index, fb::TicketStatus::Closed)
                   : Status::Ok();
      });
    }
    return Status::Ok();
  });
  return Status::Ok();
}

}  // namespace rapport::cli::demo
