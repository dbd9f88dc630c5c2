#include "cli/demo_command.h"

#include <iostream>

#include "cli/log_command.h"
#include "domain/command_service.h"
#include "events/event_log.h"

namespace rapport::cli {
namespace {

using domain::Actor;

Micros Day(int y, unsigned m, unsigned d, int hour = 10) {
  return DaysFromCivil(y, m, d) * kMicrosPerDay + hour * 3600 * kMicrosPerSecond;
}
int32_t DateOf(int y, unsigned m, unsigned d) { return static_cast<int32_t>(DaysFromCivil(y, m, d)); }

std::unique_ptr<fb::MoneyT> Eur(int64_t euros) {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = euros * 100;
  m->currency = "EUR";
  return m;
}

std::unique_ptr<fb::LinksT> Links(std::vector<std::string> contacts, std::vector<std::string> deals = {}) {
  auto l = std::make_unique<fb::LinksT>();
  l->contact_ids = std::move(contacts);
  l->deal_ids = std::move(deals);
  return l;
}

// Runs the demo's story through the domain, one command at a time.
class Story {
 public:
  Story(domain::CommandService* s, Micros now) : s_(s), now_(now) {}

  // Runs `body` as `user` ("" = rapport itself) at business time `when` (0 = now).
  template <typename T>
  Result<fb::CommandResultT> Run(const std::string& user, T body, Micros when = 0) {
    fb::CommandT c;
    c.command_id = "demo-" + std::to_string(++n_);
    c.occurred_at_us = when;
    c.body.Set(std::move(body));
    Actor actor = Actor::System();
    if (!user.empty()) {
      auto a = s_->ActorFor(user);
      if (!a.ok()) return a.status();
      actor = *a;
    }
    auto r = s_->Execute(actor, c, now_);
    if (r.ok() && !r->duplicate && r->first_position != 0) ++appended_;
    return r;
  }
  int appended() const { return appended_; }

 private:
  domain::CommandService* s_;
  Micros now_;
  int n_ = 0;
  int appended_ = 0;
};

Status Tell(Story& st, std::string* refusal) {
  auto must = [](const Result<fb::CommandResultT>& r) { return r.ok() ? Status::Ok() : r.status(); };
  {
    fb::CreateWorkspaceT w;
    w.workspace_id = "acme";
    w.name = "Acme Robotics";
    w.home_currency = "EUR";
    w.time_zone = "Europe/Berlin";
    w.admin_user_id = "U-1";
    w.admin_name = "Ada Lovelace";
    w.admin_email = "ada@acme.example";
    RAPPORT_RETURN_IF_ERROR(must(st.Run("", std::move(w), Day(2024, 12, 2))));
  }
  struct U { const char* id; const char* name; fb::Role role; };
  for (const U& u : {U{"U-2", "Grace Hopper", fb::Role::Manager}, U{"U-3", "Alan Turing", fb::Role::Rep},
                     U{"U-4", "Katherine Johnson", fb::Role::Rep}, U{"U-5", "Hedy Lamarr", fb::Role::Analyst}}) {
    fb::CreateUserT c;
    c.user_id = u.id;
    c.name = u.name;
    c.email = std::string(u.id) + "@acme.example";
    c.role = u.role;
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-1", std::move(c), Day(2024, 12, 2))));
  }
  {
    fb::CreateTeamT t;
    t.team_id = "T-1";
    t.name = "North";
    t.manager_id = "U-2";
    t.territory = "north";
    t.member_ids = {"U-3", "U-4"};
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-1", std::move(t), Day(2024, 12, 2))));
  }
  {
    fb::CreatePipelineT p;
    p.pipeline_id = "PL-1";
    p.name = "New business";
    for (auto [id, name, prob] : {std::tuple{"qualify", "Qualify", 10}, {"demo", "Demo", 30},
                                  {"proposal", "Proposal", 60}, {"negotiation", "Negotiation", 80}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = name;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-1", std::move(p), Day(2024, 12, 2))));
  }
  {
    fb::CreateProductT p;
    p.product_id = "P-1";
    p.name = "Robot arm RA-100";
    p.code = "RA-100";
    p.list_price = Eur(45000);
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-1", std::move(p), Day(2024, 12, 2))));
  }
  struct Co { const char* id; const char* name; const char* domain; const char* owner; };
  for (const Co& c : {Co{"CO-1", "Curie Labs", "curie.example", "U-3"},
                      Co{"CO-2", "Tesla Works", "tesla-works.example", "U-3"},
                      Co{"CO-3", "Châtelet Physique", "chatelet.example", "U-4"}}) {
    fb::CreateCompanyT x;
    x.company_id = c.id;
    x.name = c.name;
    x.domain = c.domain;
    x.owner_id = c.owner;
    x.industry = "Research";
    RAPPORT_RETURN_IF_ERROR(must(st.Run(c.owner, std::move(x), Day(2025, 1, 6))));
  }
  struct Ct { const char* id; const char* first; const char* last; const char* email; const char* co; const char* owner; };
  for (const Ct& c : {Ct{"C-1", "Marie", "Curie", "marie@curie.example", "CO-1", "U-3"},
                      Ct{"C-2", "Nikola", "Tesla", "nikola@tesla-works.example", "CO-2", "U-3"},
                      Ct{"C-3", "Émilie", "du Châtelet", "emilie@chatelet.example", "CO-3", "U-4"}}) {
    fb::CreateContactT x;
    x.contact_id = c.id;
    x.first_name = c.first;
    x.last_name = c.last;
    x.emails = {c.email};
    x.company_id = c.co;
    x.owner_id = c.owner;
    x.source = "web form";
    x.lifecycle = fb::Lifecycle::Lead;
    RAPPORT_RETURN_IF_ERROR(must(st.Run(c.owner, std::move(x), Day(2025, 1, 6))));
  }
  // D-1: Curie Labs buys two robot arms (opened in January, won in April).
  {
    fb::OpenDealT d;
    d.deal_id = "D-1";
    d.name = "Curie Labs: two RA-100";
    d.pipeline_id = "PL-1";
    d.company_id = "CO-1";
    d.contact_ids = {"C-1"};
    d.expected_close_date = DateOf(2025, 3, 31);
    auto line = std::make_unique<fb::DealLineT>();
    line->product_id = "P-1";
    line->quantity = 2;
    line->unit_price = Eur(45000);
    d.lines.push_back(std::move(line));
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(d), Day(2025, 1, 10))));
  }
  {
    fb::LogCallT c;
    c.duration_seconds = 1260;
    c.outcome = fb::CallOutcome::Connected;
    c.notes = "Wants a demo of the arm in their lab";
    c.links = Links({"C-1"}, {"D-1"});
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(c), Day(2025, 1, 14, 15))));
  }
  for (auto [stage, when] : {std::pair{"demo", Day(2025, 2, 3)}, {"proposal", Day(2025, 3, 3)}}) {
    fb::MoveDealT m;
    m.deal_id = "D-1";
    m.stage_id = stage;
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(m), when)));
  }
  {
    fb::UpdateRecordT u;  // the close date slips a month
    u.record_type = "deal";
    u.record_id = "D-1";
    auto f = std::make_unique<fb::FieldValueT>();
    f->field = "expected_close_date";
    f->value = domain::Boxed(domain::TextValue("2025-04-30"));
    u.set.push_back(std::move(f));
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(u), Day(2025, 3, 20))));
  }
  {
    fb::WinDealT w;
    w.deal_id = "D-1";
    w.close_date = DateOf(2025, 4, 15);
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(w), Day(2025, 4, 15))));
  }
  {
    fb::StartContractT k;
    k.contract_id = "K-1";
    k.deal_id = "D-1";
    k.term_months = 12;
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(k), Day(2025, 4, 15))));
  }
  // D-2: Tesla Works, lost on price.
  {
    fb::OpenDealT d;
    d.deal_id = "D-2";
    d.name = "Tesla Works: pilot cell";
    d.pipeline_id = "PL-1";
    d.company_id = "CO-2";
    d.contact_ids = {"C-2"};
    d.amount = Eur(120000);
    d.expected_close_date = DateOf(2025, 5, 31);
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(d), Day(2025, 2, 20))));
    fb::MoveDealT m;
    m.deal_id = "D-2";
    m.stage_id = "demo";
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(m), Day(2025, 3, 12))));
    fb::LoseDealT l;
    l.deal_id = "D-2";
    l.reason = "price";
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-3", std::move(l), Day(2025, 5, 2))));
  }
  // D-3: Châtelet Physique, still open; Katherine's manager Grace helps.
  {
    fb::OpenDealT d;
    d.deal_id = "D-3";
    d.name = "Châtelet Physique: lab automation";
    d.pipeline_id = "PL-1";
    d.stage_id = "proposal";
    d.company_id = "CO-3";
    d.contact_ids = {"C-3"};
    d.amount = Eur(80000);
    d.expected_close_date = DateOf(2025, 9, 30);
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-4", std::move(d), Day(2025, 6, 2))));
    fb::LogMeetingT m;
    m.title = "On-site visit";
    m.start_us = Day(2025, 6, 16, 9);
    m.end_us = Day(2025, 6, 16, 11);
    m.attendees = {"U-4", "U-2", "C-3"};
    m.links = Links({"C-3"}, {"D-3"});
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-2", std::move(m), Day(2025, 6, 16, 9))));
    fb::CreateTaskT t;
    t.title = "Send revised proposal to Émilie";
    t.due_us = Day(2025, 6, 20, 17);
    t.assignee_id = "U-4";
    t.priority = fb::Priority::High;
    t.links = Links({"C-3"}, {"D-3"});
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-2", std::move(t), Day(2025, 6, 16, 12))));
  }
  {
    fb::OpenTicketT t;
    t.subject = "RA-100 gripper calibration drifts";
    t.contact_id = "C-1";
    t.company_id = "CO-1";
    t.priority = fb::Priority::High;
    t.assignee_id = "U-4";
    t.channel = "email";
    RAPPORT_RETURN_IF_ERROR(must(st.Run("U-1", std::move(t), Day(2025, 7, 1))));
  }
  // A refused command: moving a won deal. Nothing is appended.
  {
    fb::MoveDealT m;
    m.deal_id = "D-1";
    m.stage_id = "negotiation";
    auto r = st.Run("U-3", std::move(m));
    *refusal = r.ok() ? "(unexpectedly accepted)" : r.status().ToString();
  }
  return Status::Ok();
}

int RunDemo(const GlobalOptions& g) {
  std::unique_ptr<events::EventLog> log;
  Status s = OpenLog(g, true, &log);
  if (!s.ok()) return ReportError(g, s);
  auto service = domain::CommandService::Open(log.get());
  if (!service.ok()) return ReportError(g, service.status());
  Story story(service->get(), SystemClock()->NowMicros());
  std::string refusal;
  s = Tell(story, &refusal);
  if (!s.ok()) return ReportError(g, s.WithContext("demo"));
  std::vector<events::Event> evs;
  s = log->ReadForward(1, 10000, &evs);
  if (!s.ok()) return ReportError(g, s);
  if (!g.json) {
    std::cout << "rapport demo: " << story.appended() << " commands appended to "
              << ResolveDataDir(g) << " (" << log->LastPosition() << " events in the log)\n\n";
  }
  PrintEvents(g, evs);
  auto report = log->Verify();
  if (!report.ok()) return ReportError(g, report.status());
  if (!g.json) {
    std::cout << "\nA refused command appends nothing: " << refusal << "\n"
              << "log verify: " << (report->ok() ? "clean" : "PROBLEMS FOUND") << " ("
              << report->events_checked << " events, " << report->streams_checked
              << " streams, " << report->commands_checked << " commands)\n"
              << "Try: rapport --data " << ResolveDataDir(g) << " log show 30\n";
  }
  return report->ok() ? kExitOk : kExitCorruption;
}

}  // namespace

void SetupDemoCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  CLI::App* demo = app->add_subcommand("demo", "Create an example workspace and show its log");
  demo->callback([g, exit_code] { *exit_code = RunDemo(*g); });
}

}  // namespace rapport::cli
