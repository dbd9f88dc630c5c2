// Follow-up queues: tasks due, stale deals, renewals, tickets waiting on us.
#include <algorithm>

#include "domain/enums.h"
#include "projections/query_internal.h"

namespace rapport::projections {

using namespace internal;

std::vector<FollowUp> BuildFollowUps(const ReadModel& m, const AsOf& at, std::string_view user) {
  std::vector<FollowUp> out;
  Micros day_start = static_cast<Micros>(ViewDay(at)) * kMicrosPerDay;
  Micros day_end = day_start + kMicrosPerDay;
  Sym who = user.empty() ? 0 : m.strings.Find(user);
  if (!user.empty() && who == 0) return out;
  for (const auto& t : m.work.Tasks(at)) {
    if (t.status != 0 || t.due >= day_end) continue;
    if (who && t.assignee != who) continue;
    FollowUp f;
    f.user = m.strings.Str(t.assignee);
    f.task_id = m.strings.Str(t.id);
    f.title = m.strings.Str(t.title);
    f.link = m.strings.Str(t.link);
    f.due = t.due;
    f.overdue = t.due < day_start;
    f.days_overdue = f.overdue ? static_cast<int>((day_start - t.due + kMicrosPerDay - 1) / kMicrosPerDay) : 0;
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const FollowUp& a, const FollowUp& b) {
    if (a.user != b.user) return a.user < b.user;
    return a.due < b.due;
  });
  return out;
}

std::vector<StaleDeal> BuildStale(const ReadModel& m, const AsOf& at, int days, int64_t min_amount_home,
                                  std::vector<std::string>* warnings) {
  std::vector<StaleDeal> out;
  Converter conv(m, at);
  int32_t today = ViewDay(at);
  m.deals.ForEach(at, [&](const DealView& d, size_t index) {
    if (d.status != DealStatus::kOpen) return;
    int64_t home = 0;
    if (!conv.ToHome(d.amount, d.currency, today, &home) || home < min_amount_home) return;
    Micros last = std::max(m.deals.LastActivity(index, at), d.opened_at);
    int idle = DaysBetween(last, at.instant);
    if (idle < days) return;
    StaleDeal s;
    s.id = m.strings.Str(d.id);
    s.name = m.strings.Str(d.name);
    s.owner = m.strings.Str(d.owner);
    s.pipeline = m.strings.Str(d.pipeline);
    s.stage = m.strings.Str(d.stage);
    s.currency = m.strings.Str(d.currency);
    s.amount = d.amount;
    s.amount_home = home;
    s.days_idle = idle;
    out.push_back(std::move(s));
  });
  std::sort(out.begin(), out.end(), [](const StaleDeal& a, const StaleDeal& b) {
    return a.days_idle != b.days_idle ? a.days_idle > b.days_idle : a.id < b.id;
  });
  if (warnings) conv.Warnings(warnings);
  return out;
}

std::vector<Renewal> BuildRenewals(const ReadModel& m, const AsOf& at, int days) {
  std::vector<Renewal> out;
  int32_t today = ViewDay(at);
  for (const auto& c : m.work.Contracts(at)) {
    if (!c.active || c.renewal_date == kNoDate || c.renewal_date > today + days) continue;
    Renewal r;
    r.contract_id = m.strings.Str(c.id);
    r.deal_id = m.strings.Str(c.deal);
    r.company = m.strings.Str(c.company);
    r.owner = m.strings.Str(c.owner);
    r.currency = m.strings.Str(c.currency);
    r.amount = c.amount;
    r.renewal_date = c.renewal_date;
    r.days_left = c.renewal_date - today;
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const Renewal& a, const Renewal& b) {
    return a.renewal_date != b.renewal_date ? a.renewal_date < b.renewal_date : a.contract_id < b.contract_id;
  });
  return out;
}

std::vector<WaitingTicket> BuildWaitingTickets(const ReadModel& m, const AsOf& at) {
  std::vector<WaitingTicket> out;
  for (const auto& t : m.work.Tickets(at)) {
    if (t.status != 0) continue;
    WaitingTicket w;
    w.ticket_id = m.strings.Str(t.id);
    w.subject = m.strings.Str(t.subject);
    w.contact = m.strings.Str(t.contact);
    w.company = m.strings.Str(t.company);
    w.assignee = m.strings.Str(t.assignee);
    w.priority = domain::PriorityName(static_cast<fb::Priority>(t.priority));
    w.hours_waiting = std::max<double>(0, static_cast<double>(at.instant - t.status_since) / (3600.0 * kMicrosPerSecond));
    out.push_back(std::move(w));
  }
  std::sort(out.begin(), out.end(), [](const WaitingTicket& a, const WaitingTicket& b) {
    return a.hours_waiting != b.hours_waiting ? a.hours_waiting > b.hours_waiting : a.ticket_id < b.ticket_id;
  });
  return out;
}

}  // namespace rapport::projections
