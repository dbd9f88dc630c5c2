// The automation runner over a real log: event and time triggers, exactly-once across
// restarts and lost checkpoints, rules applying only from their time on, imports, chains,
// and the clock injected (no sleeping).
#include <algorithm>
#include <fstream>

#include "domain/rules.h"
#include "projection_fixture.h"
#include "projections/automation_runner.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

std::unique_ptr<fb::RuleConditionT> Cond(std::string field, std::string op, std::string value = "") {
  auto c = std::make_unique<fb::RuleConditionT>();
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

std::unique_ptr<fb::RuleActionT> Act(fb::RuleActionKind kind, std::string text = "", std::string assignee = "") {
  auto a = std::make_unique<fb::RuleActionT>();
  a->kind = kind;
  a->text = std::move(text);
  a->assignee = std::move(assignee);
  return a;
}

struct Automation : ProjectionFixture {
  Automation() {
    Setup();
    clock.Set(Day(2026, 3, 2, 9));
    engine = Engine();
    AutomationOptions o;
    o.checkpoint_path = dir.path() + "/automation.checkpoint";
    options = o;
    runner = std::make_unique<AutomationRunner>(log.get(), service.get(), engine.get(), options);
  }

  void DefineRule(const std::string& id, fb::RuleDefinitionT d) {
    fb::DefineRuleT c;
    c.rule_id = id;
    c.definition = std::make_unique<fb::RuleDefinitionT>(std::move(d));
    Run("U-1", std::move(c));
  }

  // "Deal moved to p with amount >= 10,000 EUR: task to the owner, notification to the manager."
  fb::RuleDefinitionT ProposalRule() {
    fb::RuleDefinitionT d;
    d.name = "Big deal in proposal";
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "DealStageMoved";
    d.conditions.push_back(Cond("stage_id", "=", "p"));
    d.conditions.push_back(Cond("amount", ">=", "10000 EUR"));
    d.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Send the proposal for {name}", "owner"));
    d.actions.push_back(Act(fb::RuleActionKind::Notify, "{name} ({amount}) is in proposal", "manager"));
    return d;
  }

  std::string OpenDeal(const std::string& id, const std::string& owner, int64_t amount) {
    fb::OpenDealT d;
    d.deal_id = id;
    d.name = "Deal " + id;
    d.pipeline_id = "PL-1";
    d.stage_id = "q";
    d.amount = Money(amount);
    d.owner_id = owner;
    Run(owner, std::move(d));
    return id;
  }
  void Move(const std::string& deal, const std::string& stage, const std::string& user = "U-1") {
    fb::MoveDealT m;
    m.deal_id = deal;
    m.stage_id = stage;
    Run(user, std::move(m));
  }

  AutomationReport RunEvents() {
    auto r = runner->RunEvents(clock.NowMicros());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    for (const auto& p : r->problems) UNSCOPED_INFO(p);
    return *r;
  }
  AutomationReport RunTimers() {
    REQUIRE(engine->CatchUp().ok());
    auto r = runner->RunTimers(clock.NowMicros());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    for (const auto& p : r->problems) UNSCOPED_INFO(p);
    return *r;
  }

  // Events appended by automation, as "Type stream causation".
  std::vector<std::string> AutomaticEvents() {
    std::vector<std::string> out;
    std::vector<events::Event> all;
    REQUIRE(log->ReadForward(1, 100000, &all).ok());
    for (const auto& e : all) {
      if (e.view().actor() != domain::kAutomationActor || e.view().type_name() == "RuleFired") continue;
      out.push_back(e.view().type_name() + " " + e.view().stream().ToString() + " " +
                    std::string(e.view().causation_id()));
    }
    return out;
  }

  std::vector<domain::RecordState> Tasks() {
    std::vector<std::string> ids;
    REQUIRE(log->ListStreams("task", "", 1000, &ids).ok());
    std::vector<domain::RecordState> out;
    for (const auto& id : ids) out.push_back(*service->Get("task", id));
    return out;
  }

  std::unique_ptr<ProjectionEngine> engine;
  AutomationOptions options;
  std::unique_ptr<AutomationRunner> runner;
};

}  // namespace

TEST_CASE("an event rule fires once per matching event with its rule and trigger as causation",
          "[automation]") {
  Automation a;
  a.DefineRule("RUL-1", a.ProposalRule());
  a.OpenDeal("D-1", "U-3", 20000'00);
  a.OpenDeal("D-2", "U-4", 5000'00);  // below the floor
  a.Move("D-1", "p");
  uint64_t moved = a.log->LastPosition();
  a.Move("D-2", "p");
  a.Move("D-1", "n");  // not the stage the rule watches

  AutomationReport r = a.RunEvents();
  CHECK(r.firings == 1);
  CHECK(r.actions_run == 2);
  CHECK(r.problems.empty());
  CHECK(r.to_position >= moved);
  std::string cause = "rule:RUL-1 event:" + std::to_string(moved);
  CHECK(a.AutomaticEvents() == std::vector<std::string>{"TaskCreated task/TSK-1 " + cause,
                                                        "NotificationSent notification/N-1 " + cause});
  auto task = a.service->Get("task", "TSK-1");
  REQUIRE(task.ok());
  CHECK(task->Text("title") == "Send the proposal for Deal D-1");
  CHECK(task->Text("assignee_id") == "U-3");
  CHECK(task->List("deal_ids") == std::vector<std::string>{"D-1"});
  auto note = a.service->Get("notification", "N-1");
  REQUIRE(note.ok());
  CHECK(note->List("recipient_ids") == std::vector<std::string>{"U-2"});  // U-3's team manager
  CHECK(note->Text("message") == "Deal D-1 (20000.00 EUR) is in proposal");
  auto first = a.log->Get(task->created_position);
  REQUIRE(first.ok());
  CHECK(first->view().command_id() == "auto-RUL-1-p" + std::to_string(moved) + "-0");

  // Nothing new: a second run writes nothing.
  uint64_t end = a.log->LastPosition();
  r = a.RunEvents();
  CHECK(r.firings == 0);
  CHECK(a.log->LastPosition() == end);
}

TEST_CASE("a lost checkpoint or a second runner never fires an action twice", "[automation]") {
  Automation a;
  a.DefineRule("RUL-1", a.ProposalRule());
  a.OpenDeal("D-1", "U-3", 20000'00);
  a.Move("D-1", "p");
  a.RunEvents();
  uint64_t end = a.log->LastPosition();
  // A restart that lost its checkpoint reads the whole log again.
  std::remove(a.options.checkpoint_path.c_str());
  AutomationRunner again(a.log.get(), a.service.get(), a.engine.get(), a.options);
  auto r = again.RunEvents(a.clock.NowMicros());
  REQUIRE(r.ok());
  CHECK(r->matched == 1);
  CHECK(r->firings == 0);
  CHECK(r->firings_repeated == 1);
  CHECK(r->actions_run == 0);
  CHECK(a.log->LastPosition() == end);
  // A second worker with its own (empty) checkpoint: the same.
  AutomationRunner second(a.log.get(), a.service.get(), a.engine.get(), {});
  r = second.RunEvents(a.clock.NowMicros());
  REQUIRE(r.ok());
  CHECK(r->firings_repeated == 1);
  CHECK(a.log->LastPosition() == end);
  // The firing is on record with what it did.
  auto fired = a.service->Get("firing", "F-1");
  REQUIRE(fired.ok());
  CHECK(fired->Text("rule_id") == "RUL-1");
  CHECK(fired->Text("record_id") == "D-1");
  CHECK(fired->Int("actions_run") == 2);
}

TEST_CASE("a crash between two actions of a rule runs only the missing one on restart", "[automation]") {
  Automation a;
  a.DefineRule("RUL-1", a.ProposalRule());
  a.OpenDeal("D-1", "U-3", 20000'00);
  a.Move("D-1", "p");
  uint64_t moved = a.log->LastPosition();
  // What the runner did before it died: the first action only, and no checkpoint.
  fb::RuleDefinitionT rule = domain::RuleDefinitionOf(*a.service->Get("rule", "RUL-1"));
  domain::Firing f;
  f.rule_id = "RUL-1";
  f.trigger_key = "p" + std::to_string(moved);
  f.trigger_position = moved;
  f.at = a.clock.NowMicros();
  domain::Directory dir = a.service->directory();
  auto deal = *a.service->Get("deal", "D-1");
  domain::PlanInput in;
  in.rule = &rule;
  in.index = 0;
  in.firing = &f;
  in.subject = &deal;
  in.dir = &dir;
  auto plan = domain::PlanAction(in);
  REQUIRE(plan.ok());
  auto done = a.service->Execute(domain::Actor{"automation", fb::Role::Admin, true}, **plan, a.clock.NowMicros());
  REQUIRE(done.ok());

  AutomationReport r = a.RunEvents();
  CHECK(r.actions_repeated == 1);
  CHECK(r.actions_run == 1);
  CHECK(a.Tasks().size() == 1);
  CHECK(a.AutomaticEvents().size() == 2);
  CHECK(a.service->Get("firing", "F-1")->Int("actions_run") == 1);
}

TEST_CASE("rules that keep triggering each other stop and say so", "[automation]") {
  Automation a;
  for (auto [id, kind] : {std::pair{"RUL-1", fb::RuleActionKind::AddTag}, {"RUL-2", fb::RuleActionKind::RemoveTag}}) {
    fb::RuleDefinitionT d;
    d.name = std::string("Flip ") + id;
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "ContactUpdated";
    auto act = Act(kind);
    act->tag = "flip";
    d.actions.push_back(std::move(act));
    a.DefineRule(id, std::move(d));
  }
  fb::CreateContactT c;
  c.contact_id = "C-1";
  c.first_name = "Marie";
  a.Run("U-1", std::move(c));
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = "C-1";
  u.set.push_back(Field("title", domain::TextValue("Physicist")));
  a.Run("U-1", std::move(u));
  auto r = a.runner->RunEvents(a.clock.NowMicros());  // returns: the chain is cut
  REQUIRE(r.ok());
  REQUIRE_FALSE(r->problems.empty());
  CHECK_THAT(r->problems.back(), Catch::Contains("rule firings deep"));
  CHECK(r->actions_run <= 10);
}

TEST_CASE("rules apply from their definition on and not while disabled", "[automation]") {
  Automation a;
  a.OpenDeal("D-1", "U-3", 20000'00);
  a.OpenDeal("D-2", "U-3", 20000'00);
  a.OpenDeal("D-3", "U-3", 20000'00);
  a.OpenDeal("D-4", "U-3", 20000'00);
  a.Move("D-1", "p");  // before the rule existed
  a.DefineRule("RUL-1", a.ProposalRule());
  a.Move("D-2", "p");  // fires
  fb::DisableRuleT off;
  off.rule_id = "RUL-1";
  a.Run("U-1", off);
  a.Move("D-3", "p");  // disabled: no
  fb::EnableRuleT on;
  on.rule_id = "RUL-1";
  a.Run("U-1", on);
  a.Move("D-4", "p");  // fires
  // One run after all of it still sees each event with the rules of its moment.
  AutomationReport r = a.RunEvents();
  CHECK(r.firings == 2);
  std::vector<std::string> linked;
  for (const auto& t : a.Tasks()) linked.push_back(t.List("deal_ids").at(0));
  CHECK(linked == std::vector<std::string>{"D-2", "D-4"});
}

TEST_CASE("imported history fires nothing unless the rule asks for it", "[automation]") {
  Automation a;
  fb::RuleDefinitionT d;
  d.name = "New contact: welcome task";
  d.trigger = fb::RuleTrigger::Event;
  d.event_type = "ContactCreated";
  d.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Welcome {name}", "U-3"));
  a.DefineRule("RUL-1", std::move(d));
  auto contact = [&](const std::string& id, const std::string& command_id) {
    fb::CreateContactT c;
    c.contact_id = id;
    c.first_name = id;
    fb::CommandT cmd = Cmd(std::move(c));
    cmd.command_id = command_id;
    REQUIRE(a.service->Execute(*a.service->ActorFor("U-1"), cmd, a.clock.NowMicros()).ok());
  };
  contact("C-1", "import-csv-0001");
  contact("C-2", "");
  CHECK(a.RunEvents().firings == 1);
  CHECK(a.Tasks().size() == 1);
  CHECK(a.Tasks()[0].Text("title") == "Welcome C-2");

  fb::RuleDefinitionT with = domain::RuleDefinitionOf(*a.service->Get("rule", "RUL-1"));
  with.include_imports = true;
  fb::ChangeRuleT change;
  change.rule_id = "RUL-1";
  change.definition = std::make_unique<fb::RuleDefinitionT>(std::move(with));
  a.Run("U-1", std::move(change));
  contact("C-3", "import-csv-0002");
  CHECK(a.RunEvents().firings == 1);
  CHECK(a.Tasks().size() == 2);
}

TEST_CASE("a rule never fires on what its own actions did", "[automation]") {
  Automation a;
  fb::RuleDefinitionT d;
  d.name = "Tag changed contacts";
  d.trigger = fb::RuleTrigger::Event;
  d.event_type = "ContactUpdated";
  auto tag = Act(fb::RuleActionKind::AddTag);
  tag->tag = "touched";
  d.actions.push_back(std::move(tag));
  a.DefineRule("RUL-1", std::move(d));
  fb::CreateContactT c;
  c.contact_id = "C-1";
  c.first_name = "Marie";
  a.Run("U-1", std::move(c));
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = "C-1";
  u.set.push_back(Field("title", domain::TextValue("Physicist")));
  a.Run("U-1", std::move(u));
  AutomationReport r = a.RunEvents();
  CHECK(r.firings == 1);
  CHECK(r.actions_run == 1);
  CHECK(a.service->Get("contact", "C-1")->List("tags") == std::vector<std::string>{"touched"});
  CHECK(a.AutomaticEvents().size() == 1);
}

TEST_CASE("the web-form lead template: contact, owner by round robin, task due in an hour", "[automation]") {
  Automation a;
  domain::TemplateParams p;
  p.team_id = "T-1";
  auto d = domain::RuleTemplate("web-form-lead", p, a.service->directory());
  REQUIRE(d.ok());
  a.DefineRule("RUL-1", std::move(*d));
  auto form = [&](const std::string& email, const std::string& name) {
    fb::SubmitFormT f;
    f.form_name = "Contact us";
    f.email = email;
    auto kv = std::make_unique<fb::KeyValueT>();
    kv->key = "name";
    kv->value = name;
    f.fields.push_back(std::move(kv));
    a.Run("U-1", std::move(f));
  };
  form("lise@meitner.example", "Lise Meitner");
  Micros submitted = a.clock.NowMicros();
  a.clock.Advance(10 * kMicrosPerSecond);
  form("otto@hahn.example", "Otto Hahn");
  AutomationReport r = a.RunEvents();
  CHECK(r.problems.empty());
  CHECK(r.firings == 2);
  CHECK(r.actions_run == 6);
  std::vector<std::string> ids;
  REQUIRE(a.log->ListStreams("contact", "", 10, &ids).ok());
  REQUIRE(ids.size() == 2);
  auto lise = *a.service->Get("contact", ids[0]);
  auto otto = *a.service->Get("contact", ids[1]);
  CHECK(lise.Text("first_name") == "Lise");
  CHECK(lise.Text("last_name") == "Meitner");
  CHECK(lise.Text("lifecycle") == "lead");
  CHECK(lise.Text("source") == "web form: Contact us");
  // T-1 is U-3 and U-4: one each.
  CHECK(lise.Text("owner_id") != otto.Text("owner_id"));
  auto tasks = a.Tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].Text("assignee_id") == lise.Text("owner_id"));
  CHECK(tasks[0].Int("due") == submitted + 3600 * kMicrosPerSecond);
  CHECK(tasks[0].List("contact_ids") == std::vector<std::string>{lise.id});
  CHECK(tasks[0].Text("title") == "Follow up with Lise Meitner (web form)");

  // The same person again: no second contact, a new task for the owner they have.
  form("Lise@Meitner.example", "Lise Meitner");
  r = a.RunEvents();
  CHECK(r.problems.empty());
  ids.clear();
  REQUIRE(a.log->ListStreams("contact", "", 10, &ids).ok());
  CHECK(ids.size() == 2);
  CHECK(a.Tasks().size() == 3);
}

TEST_CASE("an idle deal fires once per idle period and only over its amount", "[automation]") {
  Automation a;
  domain::TemplateParams p;
  p.amount = "25000 EUR";
  auto d = domain::RuleTemplate("idle-deal", p, a.service->directory());
  REQUIRE(d.ok());
  a.DefineRule("RUL-1", std::move(*d));
  a.OpenDeal("D-1", "U-3", 30000'00);
  a.OpenDeal("D-2", "U-3", 1000'00);
  a.clock.Advance(13 * kMicrosPerDay);
  CHECK(a.RunTimers().firings == 0);
  a.clock.Advance(2 * kMicrosPerDay);
  AutomationReport r = a.RunTimers();
  CHECK(r.firings == 1);
  CHECK(r.actions_run == 2);
  auto events = a.AutomaticEvents();
  REQUIRE(events.size() == 2);
  CHECK(events[0].rfind("TaskCreated task/TSK-1 rule:RUL-1 time:deal-D-1-idle-", 0) == 0);
  CHECK(events[1].rfind("NotificationSent notification/N-1", 0) == 0);
  // Later ticks in the same idle period: nothing new.
  a.clock.Advance(3 * kMicrosPerDay);
  CHECK(a.RunTimers().actions_run == 0);
  CHECK(a.AutomaticEvents().size() == 2);
  // Activity ends the period; 14 idle days later it fires again.
  fb::LogCallT call;
  call.author_id = "U-3";
  call.notes = "Checked in";
  call.links = std::make_unique<fb::LinksT>();
  call.links->deal_ids = {"D-1"};
  a.Run("U-3", std::move(call));
  a.clock.Advance(10 * kMicrosPerDay);
  CHECK(a.RunTimers().firings == 0);
  a.clock.Advance(5 * kMicrosPerDay);
  CHECK(a.RunTimers().actions_run == 2);
  CHECK(a.AutomaticEvents().size() == 4);
}

TEST_CASE("a missed window after downtime fires once on restart", "[automation]") {
  Automation a;
  auto d = domain::RuleTemplate("renewal-ahead", {}, a.service->directory());
  REQUIRE(d.ok());
  a.DefineRule("RUL-1", std::move(*d));
  a.OpenDeal("D-1", "U-3", 12000'00);
  fb::WinDealT win;
  win.deal_id = "D-1";
  a.Run("U-3", std::move(win));
  fb::StartContractT k;
  k.contract_id = "K-1";
  k.deal_id = "D-1";
  const int32_t renews = static_cast<int32_t>(a.clock.NowMicros() / kMicrosPerDay) + 90;
  k.renewal_date = renews;
  a.Run("U-3", std::move(k));
  a.clock.Advance(29 * kMicrosPerDay);
  CHECK(a.RunTimers().firings == 0);
  // Down for ten days across the window: one firing, however many ticks were missed.
  a.clock.Advance(10 * kMicrosPerDay);
  AutomationRunner restarted(a.log.get(), a.service.get(), a.engine.get(), a.options);
  REQUIRE(a.engine->CatchUp().ok());
  auto r = restarted.RunTimers(a.clock.NowMicros());
  REQUIRE(r.ok());
  CHECK(r->problems.empty());
  CHECK(r->firings == 1);
  CHECK(r->actions_run == 2);
  auto again = restarted.RunTimers(a.clock.NowMicros() + kMicrosPerDay);
  REQUIRE(again.ok());
  CHECK(again->actions_run == 0);
  std::vector<std::string> deals;
  REQUIRE(a.log->ListStreams("deal", "", 10, &deals).ok());
  REQUIRE(deals.size() == 2);
  auto renewal = *a.service->Get("deal", deals[1]);
  CHECK(renewal.Text("name") == "Renewal: Deal D-1");
  CHECK(renewal.Text("owner_id") == "U-3");
  CHECK(renewal.Int("expected_close_date") == renews);
  CHECK(renewal.Get("amount").int_value == 12000'00);
}

TEST_CASE("time triggers: overdue tasks waiting tickets and uncontacted leads", "[automation]") {
  Automation a;
  fb::RuleDefinitionT overdue;
  overdue.name = "Overdue by a day: tell the manager";
  overdue.trigger = fb::RuleTrigger::TaskOverdue;
  overdue.wait_minutes = 24 * 60;
  overdue.actions.push_back(Act(fb::RuleActionKind::Notify, "{name} is overdue", "manager"));
  a.DefineRule("RUL-1", std::move(overdue));
  domain::TemplateParams p;
  p.team_id = "T-1";
  a.DefineRule("RUL-2", std::move(*domain::RuleTemplate("urgent-ticket", p, a.service->directory())));
  fb::RuleDefinitionT lead;
  lead.name = "Lead not contacted in 30 minutes";
  lead.trigger = fb::RuleTrigger::LeadUncontacted;
  lead.wait_minutes = 30;
  lead.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Call {name} now", "owner"));
  a.DefineRule("RUL-3", std::move(lead));

  fb::CreateTaskT t;
  t.task_id = "TSK-1";
  t.title = "Send contract";
  t.assignee_id = "U-3";
  t.due_us = a.clock.NowMicros() + 3600 * kMicrosPerSecond;
  a.Run("U-3", std::move(t));
  fb::CreateContactT c1;
  c1.contact_id = "C-1";
  c1.first_name = "Lise";
  c1.owner_id = "U-4";
  c1.lifecycle = fb::Lifecycle::Lead;
  a.Run("U-1", std::move(c1));
  fb::CreateContactT c2;
  c2.contact_id = "C-2";
  c2.first_name = "Otto";
  c2.owner_id = "U-4";
  c2.lifecycle = fb::Lifecycle::Lead;
  a.Run("U-1", std::move(c2));
  fb::OpenTicketT high;
  high.ticket_id = "TKT-1";
  high.subject = "Line down";
  high.priority = fb::Priority::High;
  high.contact_id = "C-1";
  high.assignee_id = "U-3";
  a.Run("U-1", std::move(high));
  fb::OpenTicketT low;
  low.ticket_id = "TKT-2";
  low.subject = "Typo on invoice";
  low.priority = fb::Priority::Low;
  low.contact_id = "C-1";
  a.Run("U-1", std::move(low));
  // Otto gets a call within the half hour; Lise does not.
  a.clock.Advance(10 * 60 * kMicrosPerSecond);
  fb::LogCallT call;
  call.author_id = "U-4";
  call.links = std::make_unique<fb::LinksT>();
  call.links->contact_ids = {"C-2"};
  a.Run("U-4", std::move(call));

  a.clock.Advance(25 * 60 * kMicrosPerSecond);  // 35 minutes in
  AutomationReport r = a.RunTimers();
  CHECK(r.problems.empty());
  CHECK(r.firings == 1);  // Lise only
  auto tasks = a.Tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[1].Text("title") == "Call Lise now");
  CHECK(tasks[1].Text("assignee_id") == "U-4");

  a.clock.Advance(4 * 3600 * kMicrosPerSecond);  // 4 h 35 min: the high ticket has waited 4 h
  r = a.RunTimers();
  CHECK(r.firings == 1);
  CHECK(a.service->Get("ticket", "TKT-1")->Text("assignee_id") == "U-2");  // T-1's lead
  CHECK(a.service->Get("ticket", "TKT-2")->Text("assignee_id").empty());

  // A day later both tasks are a day overdue: the one the lead rule made (due at once) too.
  a.clock.Advance(24 * 3600 * kMicrosPerSecond);
  r = a.RunTimers();
  CHECK(r.firings == 2);
  std::vector<std::string> messages;
  for (const char* id : {"N-1", "N-2"}) {
    auto n = a.service->Get("notification", id);
    REQUIRE(n.ok());
    CHECK(n->List("recipient_ids") == std::vector<std::string>{"U-2"});
    messages.push_back(n->Text("message"));
  }
  std::sort(messages.begin(), messages.end());
  CHECK(messages == std::vector<std::string>{"Call Lise now is overdue", "Send contract is overdue"});
  CHECK(a.RunTimers().firings == 0);
}

TEST_CASE("a client's causation or auto- command id cannot steer automation", "[automation]") {
  Automation a;
  fb::RuleDefinitionT d;
  d.name = "Welcome";
  d.trigger = fb::RuleTrigger::Event;
  d.event_type = "ContactCreated";
  d.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Welcome {name}", "U-3"));
  a.DefineRule("RUL-1", std::move(d));
  auto admin = *a.service->ActorFor("U-1");
  // A causation naming the rule and a position far past the end: just text from a client.
  fb::CreateContactT c;
  c.contact_id = "C-1";
  c.first_name = "Forged";
  fb::CommandT cmd = Cmd(std::move(c));
  cmd.causation_id = "rule:RUL-1 event:999999999";
  REQUIRE(a.service->Execute(admin, cmd, a.clock.NowMicros()).ok());
  AutomationReport r = a.RunEvents();
  CHECK(r.firings == 1);
  CHECK(r.problems.empty());
  // Nobody but automation may take an id of automation's.
  fb::CreateContactT c2;
  c2.first_name = "Squatter";
  fb::CommandT squat = Cmd(std::move(c2));
  squat.command_id = "auto-RUL-1-p999-done";
  auto refused = a.service->Execute(admin, squat, a.clock.NowMicros());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(refused.status().message(), Catch::Contains("belong to automation"));
}

TEST_CASE("a close date drawing near fires once per close date", "[automation]") {
  Automation a;
  fb::RuleDefinitionT d;
  d.name = "Closing within a week";
  d.trigger = fb::RuleTrigger::CloseDateNear;
  d.wait_minutes = 7 * 24 * 60;
  d.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Get {name} signed", "owner"));
  a.DefineRule("RUL-1", std::move(d));
  const int32_t today = static_cast<int32_t>(a.clock.NowMicros() / kMicrosPerDay);
  fb::OpenDealT deal;
  deal.deal_id = "D-1";
  deal.name = "Robots";
  deal.pipeline_id = "PL-1";
  deal.amount = Money(5000'00);
  deal.owner_id = "U-3";
  deal.expected_close_date = today + 10;
  a.Run("U-3", std::move(deal));
  a.clock.Advance(2 * kMicrosPerDay);  // 8 days (less 9 hours) to go
  CHECK(a.RunTimers().firings == 0);
  a.clock.Advance(2 * kMicrosPerDay);  // 6 days to go
  CHECK(a.RunTimers().firings == 1);
  CHECK(a.Tasks().at(0).Text("title") == "Get Robots signed");
  CHECK(a.RunTimers().firings == 0);  // the same close date
  // The date slips by a month, and draws near again: a new window.
  fb::UpdateRecordT u;
  u.record_type = "deal";
  u.record_id = "D-1";
  u.set.push_back(Field("expected_close_date", domain::DateValue(today + 40)));
  a.Run("U-3", std::move(u));
  CHECK(a.RunTimers().firings == 0);
  a.clock.Advance(31 * kMicrosPerDay);
  CHECK(a.RunTimers().firings == 1);
  CHECK(a.Tasks().size() == 2);
}
