// A random but plausible CRM history for projection tests: deals moving, won, lost and
// reopened; amounts and close dates slipping; activities (often logged days late); tasks,
// tickets, contracts, merges, exchange rates and stage changes. Deterministic for a seed.
#pragma once

#include <random>
#include <vector>

#include "projection_fixture.h"

namespace rapport::projections::testing {

class Workload {
 public:
  Workload(ProjectionFixture* f, uint32_t seed) : f_(f), rng_(seed) {}

  // The fixture's Setup, a second pipeline, then `steps` random commands.
  void Run(int steps) {
    f_->Setup();
    fb::CreatePipelineT p;
    p.pipeline_id = "PL-2";
    p.name = "Renewals";
    for (auto [id, prob] : {std::pair{"r1", 30}, {"r2", 70}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = std::string("Renewal ") + id;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    f_->Run("U-1", std::move(p));
    Steps(steps);
  }
  // More random commands on a workspace Run() set up.
  void Steps(int steps) {
    for (int i = 0; i < steps; ++i) {
      f_->clock.Advance(static_cast<Micros>(1 + Pick(8)) * 3600 * kMicrosPerSecond);
      Step();
    }
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool Maybe(uint32_t one_in) { return Pick(one_in) == 0; }
  std::string User() {
    static const char* kReps[] = {"U-3", "U-4", "U-5", "U-2"};
    return kReps[Pick(4)];
  }
  template <typename T>
  std::string Any(const std::vector<T>& v) { return v.empty() ? "" : v[Pick(static_cast<uint32_t>(v.size()))]; }
  Micros Late() {  // a business time up to 20 days before now, or now
    return Maybe(2) ? f_->clock.NowMicros() - static_cast<Micros>(Pick(20 * 24)) * 3600 * kMicrosPerSecond : 0;
  }
  template <typename T>
  bool Try(const std::string& user, T body, Micros occurred = 0) {
    return f_->Try(user, std::move(body), occurred).ok();
  }
  void Step() {
    std::string who = "U-1";  // admin does everything without permission noise
    switch (Pick(20)) {
      case 0:
      case 1: {
        fb::CreateContactT c;
        c.contact_id = "C-" + std::to_string(++contacts_);
        static const char* kFirst[] = {"Marie", "Ada", "Alan", "Grace", "Émile", "Hedy"};
        static const char* kLast[] = {"Curie", "Lovelace", "Turing", "Hopper", "Zola", "Lamarr"};
        c.first_name = kFirst[Pick(6)];
        c.last_name = kLast[Pick(6)];
        c.emails = {std::string(c.first_name == "Émile" ? "emile" : c.first_name) + std::to_string(Pick(30)) + "@mail.example"};
        c.source = Maybe(2) ? "web form" : "referral";
        if (!companies_.empty() && Maybe(2)) c.company_id = Any(companies_);
        c.owner_id = User();
        if (Try(who, std::move(c))) ids_.push_back("C-" + std::to_string(contacts_));
        break;
      }
      case 2: {
        fb::CreateCompanyT c;
        c.company_id = "CO-" + std::to_string(companies_.size() + 1);
        c.name = "Company " + std::to_string(companies_.size() + 1);
        c.domain = "co" + std::to_string(companies_.size() + 1) + ".example";
        if (Try(who, c)) companies_.push_back(c.company_id);
        break;
      }
      case 3:
      case 4: {
        fb::OpenDealT d;
        d.deal_id = "D-" + std::to_string(deals_.size() + 1);
        d.name = "Deal " + d.deal_id;
        bool second = Maybe(4);
        d.pipeline_id = second ? "PL-2" : "PL-1";
        d.stage_id = second ? (Maybe(2) ? "r1" : "r2") : std::string(1, "qpn"[Pick(3)]);
        d.amount = Money(static_cast<int64_t>(100 + Pick(50000)) * 100, Maybe(5) ? "USD" : "EUR");
        if (!Maybe(4)) d.expected_close_date = static_cast<int32_t>(f_->clock.NowMicros() / kMicrosPerDay) + static_cast<int32_t>(Pick(120));
        d.owner_id = User();
        if (!ids_.empty() && Maybe(2)) d.contact_ids = {Any(ids_)};
        if (!companies_.empty() && Maybe(2)) d.company_id = Any(companies_);
        d.source = Maybe(2) ? "web form" : "partner";
        if (Try(who, d, Late())) deals_.push_back(d.deal_id);
        break;
      }
      case 5:
      case 6: {
        fb::MoveDealT m;
        m.deal_id = Any(deals_);
        m.stage_id = Maybe(3) ? std::string(Maybe(2) ? "r1" : "r2") : std::string(1, "qpn"[Pick(3)]);
        Try(who, std::move(m), Late());
        break;
      }
      case 7: {
        fb::WinDealT w;
        w.deal_id = Any(deals_);
        if (Try(who, w, Late()) && Maybe(2)) {
          fb::StartContractT k;
          k.deal_id = w.deal_id;
          k.term_months = static_cast<int>(1 + Pick(24));
          Try(who, std::move(k));
        }
        break;
      }
      case 8: {
        fb::LoseDealT l;
        l.deal_id = Any(deals_);
        l.reason = Maybe(2) ? "price" : "timing";
        Try(who, std::move(l), Late());
        break;
      }
      case 9: {
        fb::ReopenDealT r;
        r.deal_id = Any(deals_);
        Try(who, std::move(r));
        break;
      }
      case 10: {
        fb::UpdateRecordT u;
        u.record_type = "deal";
        u.record_id = Any(deals_);
        if (Maybe(2)) u.set.push_back(Field("amount", domain::TextValue(std::to_string(1 + Pick(90000)) + " EUR")));
        if (Maybe(2)) u.set.push_back(Field("expected_close_date", domain::DateValue(static_cast<int32_t>(f_->clock.NowMicros() / kMicrosPerDay) + static_cast<int32_t>(Pick(200)))));
        if (Maybe(3)) u.set.push_back(Field("owner_id", domain::RefValue(User())));
        if (u.set.empty()) u.set.push_back(Field("name", domain::TextValue("Renamed " + u.record_id)));
        Try(who, std::move(u));
        break;
      }
      case 11:
      case 12:
      case 13: {
        fb::LogCallT c;
        c.duration_seconds = static_cast<int>(Pick(3600));
        c.author_id = User();
        c.links = std::make_unique<fb::LinksT>();
        if (!deals_.empty()) c.links->deal_ids = {Any(deals_)};
        if (!ids_.empty() && Maybe(2)) c.links->contact_ids = {Any(ids_)};
        Try(who, std::move(c), Late());
        break;
      }
      case 14: {
        fb::LogNoteT n;
        n.body = "note " + std::to_string(Pick(1000));
        n.author_id = User();
        n.links = std::make_unique<fb::LinksT>();
        if (!ids_.empty()) n.links->contact_ids = {Any(ids_)};
        if (!companies_.empty() && Maybe(2)) n.links->company_ids = {Any(companies_)};
        Try(who, std::move(n), Late());
        break;
      }
      case 15: {
        fb::CreateTaskT t;
        t.task_id = "TSK-" + std::to_string(++tasks_);
        t.title = "Follow up " + std::to_string(tasks_);
        t.due_us = f_->clock.NowMicros() + (static_cast<Micros>(Pick(10)) - 3) * kMicrosPerDay;
        t.assignee_id = User();
        if (!deals_.empty()) {
          t.links = std::make_unique<fb::LinksT>();
          t.links->deal_ids = {Any(deals_)};
        }
        Try(who, std::move(t));
        break;
      }
      case 16: {
        if (tasks_ == 0) break;
        std::string id = "TSK-" + std::to_string(1 + Pick(tasks_));
        if (Maybe(2)) {
          fb::CompleteTaskT c;
          c.task_id = id;
          Try(who, std::move(c));
        } else {
          fb::RescheduleTaskT r;
          r.task_id = id;
          r.due_us = f_->clock.NowMicros() + static_cast<Micros>(Pick(5)) * kMicrosPerDay;
          Try(who, std::move(r));
        }
        break;
      }
      case 17: {
        if (Maybe(2) && !ids_.empty()) {
          fb::OpenTicketT t;
          t.ticket_id = "TKT-" + std::to_string(++tickets_);
          t.subject = "Problem " + std::to_string(tickets_);
          t.contact_id = Any(ids_);
          Try(who, std::move(t));
        } else if (tickets_ > 0) {
          fb::ChangeTicketStatusT c;
          c.ticket_id = "TKT-" + std::to_string(1 + Pick(tickets_));
          c.status = static_cast<fb::TicketStatus>(Pick(4));
          Try(who, std::move(c));
        }
        break;
      }
      case 18: {
        if (ids_.size() < 2) break;
        if (Maybe(3)) {
          fb::MergeRecordsT m;
          m.record_type = "contact";
          m.survivor_id = Any(ids_);
          m.merged_id = Any(ids_);
          Try(who, std::move(m));
        } else {
          fb::ChangeLifecycleT l;
          l.contact_id = Any(ids_);
          l.stage = static_cast<fb::Lifecycle>(1 + Pick(7));
          Try(who, std::move(l));
        }
        break;
      }
      default: {
        if (Maybe(2)) {
          fb::SetExchangeRateT r;
          r.currency = "USD";
          r.rate_e9 = 850'000'000 + static_cast<int64_t>(Pick(100)) * 1'000'000;
          r.effective_date = static_cast<int32_t>(f_->clock.NowMicros() / kMicrosPerDay) - static_cast<int32_t>(Pick(90));
          Try(who, std::move(r));
        } else {
          fb::UpdateStageT s;
          s.pipeline_id = "PL-1";
          s.stage_id = std::string(1, "qpn"[Pick(3)]);
          s.probability = static_cast<int>(Pick(101));
          Try(who, std::move(s));
        }
        break;
      }
    }
  }

  ProjectionFixture* f_;
  std::mt19937 rng_;
  int contacts_ = 0, tasks_ = 0, tickets_ = 0;
  std::vector<std::string> ids_, companies_, deals_;
};

// Every query's answer in the view, as one JSON document, for comparing two ways of getting
// to the same view.
inline Json Answers(const ReadModel& m, const events::EventLog& log, const AsOf& at) {
  Json j;
  for (const char* p : {"PL-1", "PL-2"}) {
    auto b = BuildBoard(m, at, p);
    j["board"][p] = b.ok() ? ToJson(*b) : Json(b.status().ToString());
  }
  ForecastOptions byowner;
  byowner.group = GroupBy::kOwner;
  byowner.period = Period::kQuarter;
  j["forecast"] = ToJson(BuildForecast(m, at, {}));
  j["forecast_owner"] = ToJson(BuildForecast(m, at, byowner));
  for (int i = 0; kReportKinds[i]; ++i) {
    auto r = BuildReport(m, at, kReportKinds[i], {});
    j["report"][kReportKinds[i]] = r.ok() ? ToJson(*r) : Json(r.status().ToString());
  }
  j["followups"] = ToJson(BuildFollowUps(m, at, ""));
  j["stale"] = ToJson(BuildStale(m, at, 7, 0, nullptr));
  j["renewals"] = ToJson(BuildRenewals(m, at, 400));
  j["tickets"] = ToJson(BuildWaitingTickets(m, at));
  for (const char* q : {"a", "m", "cu", "co"}) j["search"][q] = ToJson(m.search.Search(q, "", at, 100));
  j["duplicates"] = ToJson(m.search.Duplicates(at));
  for (const char* r : {"contact/C-1", "contact/C-3", "deal/D-1", "deal/D-5", "company/CO-1"}) {
    auto t = BuildTimeline(m, log, at, r, 30, nullptr);
    j["timeline"][r] = t.ok() ? ToJson(*t) : Json(t.status().ToString());
  }
  return j;
}

}  // namespace rapport::projections::testing
