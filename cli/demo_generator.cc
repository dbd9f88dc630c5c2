// The demo generator's engine: the run loop, the daily arrivals, the summary, and sending one
// command as one user at the simulated instant. How the simulation works, and where each part of
// the story lives: cli/demo_generator_internal.h.
#include "cli/demo_generator.h"

#include "cli/demo_generator_internal.h"

namespace rapport::cli {
namespace demo {

std::unique_ptr<fb::MoneyT> MoneyOf(int64_t minor, const std::string& currency) {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = minor;
  m->currency = currency;
  return m;
}

std::unique_ptr<fb::FieldValueT> Field(std::string field, std::string text) {
  auto f = std::make_unique<fb::FieldValueT>();
  f->field = std::move(field);
  f->value = domain::Boxed(domain::TextValue(std::move(text)));
  return f;
}

Status Simulation::Send(int user, fb::CommandT c, Micros occurred, int* events) {
  c.command_id = "demo-" + std::to_string(o_.seed) + "-" + std::to_string(commands_ + 1);
  c.occurred_at_us = occurred != 0 ? occurred : now_;
  domain::Actor actor = domain::Actor::System();
  std::string who = "system";
  // Work left by a rep who has left (a contract to start for a deal they won) falls to their manager.
  if (user != kSystem && !users_[static_cast<size_t>(user)].active && users_[static_cast<size_t>(user)].team >= 0) {
    user = ManagerOf(user);
  }
  if (user != kSystem) {
    who = users_[user].id;
    auto a = service_->ActorFor(who);
    if (!a.ok()) return a.status().WithContext("demo: acting as " + who);
    actor = *a;
  }
  clock_->Set(now_);
  auto r = service_->Execute(actor, c, now_);
  if (!r.ok()) {
    return Status(r.status().code(), "demo command " + c.command_id + " (" +
                                         fb::EnumNameCommandBody(c.body.type) + " by " + who + " at " +
                                         FormatIso8601(now_) + ") was refused: " + r.status().message());
  }
  ++commands_;
  if (r->first_position != 0) {
    uint64_t n = r->last_position - r->first_position + 1;
    events_ += n;
    if (events) *events += static_cast<int>(n);
  }
  return Status::Ok();
}

int Simulation::ManagerOf(int user) const {
  int team = users_[user].team;
  for (size_t i = 0; i < users_.size(); ++i) {
    if (users_[i].team == team && users_[i].role == fb::Role::Manager) return static_cast<int>(i);
  }
  return kAdmin;
}

std::vector<int> Simulation::RepsOf(int territory) const {
  std::vector<int> out;
  for (size_t i = 0; i < users_.size(); ++i) {
    const User& u = users_[i];
    if (u.team == territory && u.role == fb::Role::Rep && u.active && !u.leaving) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::unique_ptr<fb::LinksT> Simulation::LinksFor(int contact, int company, int deal, int ticket) const {
  auto l = std::make_unique<fb::LinksT>();
  if (contact >= 0) l->contact_ids.push_back(contacts_[contact].id);
  if (company >= 0) l->company_ids.push_back(companies_[company].id);
  if (deal >= 0) l->deal_ids.push_back(deals_[deal].id);
  if (ticket >= 0) l->ticket_ids.push_back(tickets_[ticket].id);
  return l;
}

// ---- every day: new companies, new deals, the exchange rate, a newsletter signup or two ----

Status Simulation::Daily(int32_t day) {
  At(static_cast<Micros>(day + 1) * kMicrosPerDay + 6 * kHour, [this, day] { return Daily(day + 1); });
  if (Weekend(day)) return Status::Ok();
  int64_t y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  bool first_working_day = true;  // of the month
  for (unsigned k = 1; k < d; ++k) first_working_day = first_working_day && Weekend(day - static_cast<int32_t>(k));
  if (first_working_day) At(WorkTime(day), [this, day] { return SetGbpRate(day); });
  static const double kSeason[] = {0.9, 1.0, 1.1, 1.0, 1.0, 1.0, 0.85, 0.6, 1.1, 1.15, 1.15, 0.8};
  double season = kSeason[m - 1] * (day - DayOf(start_) > 365 ? 1.08 : 0.92);
  for (int i = Poisson(companies_per_day_); i > 0; --i) {
    double u = Uniform(), acc = 0;
    int territory = 0;
    for (size_t t = 0; t < Territories().size(); ++t) {
      acc += Territories()[t].share;
      if (u < acc) {
        territory = static_cast<int>(t);
        break;
      }
    }
    At(WorkTime(day), [this, territory] { return CreateCompany(territory, false); });
  }
  for (int i = Poisson(deals_per_day_ * season); i > 0; --i) {
    At(WorkTime(day), [this] {
      // An existing account: most often one without an open deal, sometimes a customer.
      if (companies_.empty()) return Status::Ok();
      for (int attempt = 0; attempt < 12; ++attempt) {
        int co = !customers_.empty() && Chance(0.15) ? Pick(customers_)
                                                      : static_cast<int>(Between(0, static_cast<int64_t>(companies_.size()) - 1));
        const Company& c = companies_[static_cast<size_t>(co)];
        if (c.open_deal >= 0 || c.contacts.empty() || c.created > now_ - 2 * kMicrosPerDay) continue;
        return OpenDeal(co, c.customer ? "existing customer" : Pick(kSources));
      }
      return Status::Ok();
    });
  }
  for (int i = Poisson(0.25 * o_.scale); i > 0; --i) {
    At(WorkTime(day), [this] {
      const auto& t = Territories()[static_cast<size_t>(Between(0, 3))];
      fb::SubmitFormT f;
      f.activity_id = NextId("A", &n_activities_);
      f.form_name = "Newsletter signup";
      f.email = Fold(Pick(t.first_names)) + "." + Fold(Pick(t.last_names)) + std::to_string(Between(1, 99)) + "@" +
                Pick(std::vector<std::string>{"gmail.com", "outlook.com", "proton.me", "web.de", "yahoo.co.uk"});
      auto kv = std::make_unique<fb::KeyValueT>();
      kv->key = "topics";
      kv->value = Pick(std::vector<std::string>{"cobots", "vision", "warehouse automation", "events"});
      f.fields.push_back(std::move(kv));
      return Exec(kMarketing, std::move(f));
    });
  }
  return Status::Ok();
}

// ---- the whole story --------------------------------------------------------------------------

Status Simulation::Run(DemoSummary* out) {
  now_ = WorkTime(DayOf(start_));
  now_ = static_cast<Micros>(DayOf(now_)) * kMicrosPerDay + 8 * kHour;  // 08:00 on the first working day
  RAPPORT_RETURN_IF_ERROR(Setup());

  double companies = 2500 * o_.scale;
  double deals = 3000 * o_.scale;
  double working_days = static_cast<double>(DayOf(end_) - DayOf(start_)) * 5 / 7;
  // 40 % of the accounts come from the old system on the first day; the rest arrive over time.
  int imported = static_cast<int>(companies * 0.4 + 0.5);
  companies_per_day_ = companies * 0.6 / working_days;
  deals_per_day_ = std::max(0.0, deals - companies * 0.6 * 0.45) / (working_days - 10);
  Micros t = now_ + 30 * kMinute;
  for (int i = 0; i < imported; ++i) {
    double u = Uniform(), acc = 0;
    int territory = 0;
    for (size_t k = 0; k < Territories().size(); ++k) {
      acc += Territories()[k].share;
      if (u < acc) {
        territory = static_cast<int>(k);
        break;
      }
    }
    t += Between(2, 8) * kMicrosPerSecond;
    At(t, [this, territory] { return CreateCompany(territory, true); });
  }
  At(static_cast<Micros>(DayOf(now_) + 7) * kMicrosPerDay + 6 * kHour, [this] { return Daily(DayOf(now_)); });
  At(WorkTime(DayOf(start_) + kLeaveDay), [this] { return Depart(kLeaver, kSuccessor); });

  int last_permille = -1;
  while (!jobs_.empty() && jobs_.top().at < end_) {
    Job job = std::move(const_cast<Job&>(jobs_.top()));
    jobs_.pop();
    now_ = job.at;
    RAPPORT_RETURN_IF_ERROR(job.fn());
    int permille = static_cast<int>((now_ - start_) * 1000 / (end_ - start_));
    if (progress_ && permille != last_permille) {
      last_permille = permille;
      progress_(permille / 1000.0);
    }
  }
  clock_->Set(end_);

  DemoSummary& s = *out;
  s = DemoSummary{};
  s.start = start_;
  s.end = end_;
  s.commands = commands_;
  s.events = events_;
  s.users = users_created_;
  s.teams = Territories().size();
  s.companies = companies_.size();
  s.contacts = contacts_.size();
  s.deals = deals_.size();
  for (const Deal& d : deals_) {
    (d.status == DealStatus::kOpen ? s.deals_open : d.status == DealStatus::kWon ? s.deals_won : s.deals_lost)++;
  }
  s.activities = n_activities_;
  s.late_entries = late_;
  s.tasks = tasks_.size();
  s.contracts = contracts_.size();
  s.tickets = tickets_.size();
  s.new_business_pipeline = "PL-1";
  s.renewals_pipeline = "PL-2";
  uint32_t most = 0;
  for (const Company& c : companies_) {
    if (c.touches > most) most = c.touches, s.busiest_company = c.id;
  }
  int best = -1;
  for (const Deal& d : deals_) {
    if (d.slips > 0 && d.moved_back && d.events > best) best = d.events, s.storied_deal = d.id;
  }
  std::vector<int> open_tasks(users_.size(), 0);
  for (const Task& x : tasks_) open_tasks[static_cast<size_t>(x.assignee)] += x.open ? 1 : 0;
  int max_open = 0;
  for (size_t i = 0; i < users_.size(); ++i) {
    if (users_[i].active && open_tasks[i] > max_open) max_open = open_tasks[i], s.busy_rep = users_[i].id;
  }
  return Status::Ok();
}

}  // namespace demo

int32_t DemoStartDay(int32_t until_day) { return AddMonths(until_day, -24); }

Status GenerateDemo(domain::CommandService* service, ManualClock* clock, const DemoOptions& options,
                    DemoSummary* summary, const std::function<void(double)>& progress) {
  if (!(options.scale > 0 && options.scale <= 20)) {
    return Status::InvalidArgument("scale must be greater than 0 and at most 20");
  }
  if (options.until_day < DaysFromCivil(1972, 1, 1) || options.until_day > DaysFromCivil(9000, 1, 1)) {
    return Status::InvalidArgument("until must be a date between 1972 and 9000");
  }
  if (service->initialised()) {
    return Status::AlreadyExists("the data directory already holds a workspace");
  }
  demo::Simulation sim(service, clock, options, progress);
  return sim.Run(summary);
}

}  // namespace rapport::cli
