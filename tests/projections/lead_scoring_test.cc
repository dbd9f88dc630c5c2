// Lead scoring over a real log: scores computed when leads act, decay written once a day,
// scores as of past instants, thresholds that trigger rules, exactly once across runners,
// imports scoring nothing, deleted activities taking their points back, and the conversion
// by score band. The clock is injected; every expected score is computed by hand.
#include "domain/rules.h"
#include "domain/scoring.h"
#include "projection_fixture.h"
#include "projections/automation_runner.h"
#include "projections/query.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

std::unique_ptr<fb::ScoringCriterionT> Attr(std::string label, int points, std::string field, std::string op,
                                            std::string value) {
  auto c = std::make_unique<fb::ScoringCriterionT>();
  c->label = std::move(label);
  c->points = points;
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

std::unique_ptr<fb::ScoringCriterionT> Does(std::string label, int points, fb::ScoreBehaviour b, int within_days = 0) {
  auto c = std::make_unique<fb::ScoringCriterionT>();
  c->label = std::move(label);
  c->points = points;
  c->behaviour = b;
  c->within_days = within_days;
  return c;
}

// Attributes: VP title 20, software company 10. Behaviour: meeting 30, email from them 10,
// a reply within 2 days 10 more, form 5; halving every 10 days, counting for 60.
fb::ScoringModelT Model() {
  fb::ScoringModelT m;
  m.half_life_days = 10;
  m.max_age_days = 60;
  m.cap = 100;
  m.criteria.push_back(Attr("VP", 20, "title", "contains", "VP"));
  m.criteria.push_back(Attr("software", 10, "company.industry", "=", "Software"));
  m.criteria.push_back(Does("meeting", 30, fb::ScoreBehaviour::Meeting));
  m.criteria.push_back(Does("email", 10, fb::ScoreBehaviour::InboundEmail));
  m.criteria.push_back(Does("reply", 10, fb::ScoreBehaviour::EmailReply, 2));
  m.criteria.push_back(Does("form", 5, fb::ScoreBehaviour::FormSubmitted));
  return m;
}

struct Scoring : ProjectionFixture {
  Scoring() {
    Setup();
    clock.Set(Day(2026, 3, 2, 0));
    fb::CreateCompanyT co;
    co.company_id = "CO-1";
    co.name = "Globex";
    co.industry = "Software";
    Run("U-1", std::move(co));
    Contact("C-1", "VP Operations", "CO-1");
    engine = Engine();
    runner = std::make_unique<AutomationRunner>(log.get(), service.get(), engine.get());
  }

  void Contact(const std::string& id, const std::string& title, const std::string& company,
               fb::Lifecycle stage = fb::Lifecycle::Lead, const std::string& command_id = "") {
    fb::CreateContactT c;
    c.contact_id = id;
    c.first_name = "Lead";
    c.last_name = id;
    c.title = title;
    c.company_id = company;
    c.owner_id = "U-3";
    c.lifecycle = stage;
    fb::CommandT cmd = Cmd(std::move(c));
    cmd.command_id = command_id;
    auto r = service->Execute(*service->ActorFor("U-1"), cmd, clock.NowMicros());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
  void SetModel(fb::ScoringModelT m) {
    fb::SetScoringModelT s;
    s.model = std::make_unique<fb::ScoringModelT>(std::move(m));
    Run("U-1", std::move(s));
  }
  void Email(const std::string& contact, fb::Direction d, const std::string& command_id = "") {
    fb::LogEmailT e;
    e.direction = d;
    e.subject = d == fb::Direction::Inbound ? "Re: pricing" : "Pricing";
    e.links = domain::testing::ContactLinks({contact});
    fb::CommandT cmd = Cmd(std::move(e));
    cmd.command_id = command_id;
    REQUIRE(service->Execute(*service->ActorFor("U-3"), cmd, clock.NowMicros()).ok());
  }
  std::string Meeting(const std::string& contact) {
    fb::LogMeetingT m;
    m.title = "Demo";
    m.start_us = clock.NowMicros();
    m.end_us = clock.NowMicros() + 3600 * kMicrosPerSecond;
    m.links = domain::testing::ContactLinks({contact});
    return Run("U-3", std::move(m)).record_id;
  }
  // The qualified-lead template as RUL-1, with `threshold`.
  void InstallQualifiedLead(const std::string& threshold) {
    domain::TemplateParams p;
    p.score = threshold;
    auto d = domain::RuleTemplate("qualified-lead", p, service->directory());
    REQUIRE(d.ok());
    fb::DefineRuleT rule;
    rule.rule_id = "RUL-1";
    rule.definition = std::make_unique<fb::RuleDefinitionT>(std::move(*d));
    Run("U-1", std::move(rule));
  }
  AutomationReport Events(AutomationRunner* r = nullptr) {
    auto rep = (r ? r : runner.get())->RunEvents(clock.NowMicros());
    INFO(rep.status().ToString());
    REQUIRE(rep.ok());
    for (const auto& p : rep->problems) UNSCOPED_INFO(p);
    CHECK(rep->problems.empty());
    return *rep;
  }
  AutomationReport Timers(AutomationRunner* r = nullptr) {
    auto rep = (r ? r : runner.get())->RunTimers(clock.NowMicros());
    INFO(rep.status().ToString());
    REQUIRE(rep.ok());
    CHECK(rep->problems.empty());
    return *rep;
  }
  int64_t Score(const std::string& contact) {
    auto r = service->Get("contact", contact);
    REQUIRE(r.ok());
    return r->Get("score").kind == fb::ValueKind::Null ? -1 : r->Int("score");
  }
  Json Ask(Query q) {
    REQUIRE(engine->CatchUp().ok());
    auto j = RunQuery(*engine, q, clock.NowMicros());
    INFO(j.status().ToString());
    REQUIRE(j.ok());
    return *j;
  }
  Json ScoreAsOf(const std::string& contact, Micros t) {
    Query q;
    q.kind = "score";
    q.record = "contact/" + contact;
    q.view = t == 0 ? AsOf::Now(0) : AsOf::Recorded(t);
    return Ask(q);
  }
  size_t CountEvents(const std::string& type) {
    std::vector<events::Event> all;
    REQUIRE(log->ReadForward(1, 1000000, &all).ok());
    size_t n = 0;
    for (const auto& e : all) n += e.view().type_name() == type;
    return n;
  }

  std::unique_ptr<ProjectionEngine> engine;
  std::unique_ptr<AutomationRunner> runner;
};

}  // namespace

TEST_CASE("scores follow what leads do and decay by the half-life once a day", "[scoring]") {
  Scoring s;
  s.Events();
  CHECK(s.Score("C-1") == -1);  // no model yet: nothing scored
  s.SetModel(Model());
  AutomationReport r = s.Events();
  CHECK(r.scores_written == 1);
  CHECK(s.Score("C-1") == 30);  // VP 20 + software company 10

  s.Email("C-1", fb::Direction::Outbound);  // ours: no points by itself
  s.clock.Set(Day(2026, 3, 3, 0));
  s.Email("C-1", fb::Direction::Inbound);  // a day later: an email from them, and a reply
  s.Events();
  CHECK(s.Score("C-1") == 50);
  s.Meeting("C-1");
  s.Events();
  CHECK(s.Score("C-1") == 80);

  // Ten days after the email and the meeting, their 50 points are worth half.
  s.clock.Set(Day(2026, 3, 13, 9));
  r = s.Timers();
  CHECK(r.scores_written == 1);
  CHECK(s.Score("C-1") == 55);  // 30 + 50 x 0.5
  Json now = s.ScoreAsOf("C-1", 0);
  CHECK(now["cause"] == "decay 2026-03-13");
  CHECK(now["computed_at"] == "2026-03-13T00:00:00Z");
  REQUIRE(now["reasons"].size() == 5);
  CHECK(now["reasons"][0]["label"] == "VP");
  CHECK(now["reasons"][0]["points"] == 20.0);
  CHECK(now["reasons"][2]["label"] == "meeting");
  CHECK(now["reasons"][2]["points"] == 15.0);
  CHECK(now["reasons"][2]["base_points"] == 30);
  CHECK(now["reasons"][2]["occurred"] == "2026-03-03T00:00:00Z");
  CHECK(now["reasons"][3]["points"] == 5.0);
  CHECK(now["reasons"][4]["label"] == "reply");

  // Again the same day: nothing more. Twenty days on: a quarter, 30 + 12.5 rounds to 43.
  r = s.Timers();
  CHECK(r.scores_written == 0);
  s.clock.Set(Day(2026, 3, 23, 9));
  s.Timers();
  CHECK(s.Score("C-1") == 43);
  // Past the 60 days they count nothing.
  s.clock.Set(Day(2026, 5, 3, 9));
  s.Timers();
  CHECK(s.Score("C-1") == 30);

  // Every score of the past is the one the log holds for that instant.
  CHECK(s.ScoreAsOf("C-1", Day(2026, 3, 2, 12))["score"] == 30);
  CHECK(s.ScoreAsOf("C-1", Day(2026, 3, 5, 12))["score"] == 80);
  CHECK(s.ScoreAsOf("C-1", Day(2026, 3, 15, 12))["score"] == 55);
  CHECK(s.ScoreAsOf("C-1", Day(2026, 3, 25, 12))["score"] == 43);
  Query before;  // C-1 did not exist yet
  before.kind = "score";
  before.record = "C-1";
  before.view = AsOf::Recorded(Day(2026, 3, 1, 12));
  CHECK(RunQuery(*s.engine, before, s.clock.NowMicros()).status().code() == StatusCode::kNotFound);
  Json history = s.ScoreAsOf("C-1", 0)["history"];
  REQUIRE(history.size() == 6);
  CHECK(history[0]["score"] == 30);
  CHECK(history[0]["previous_score"] == 43);
  CHECK(history[5]["score"] == 30);
  CHECK(history[5]["previous_score"] == 0);
}

TEST_CASE("a score crossing the threshold triggers the qualified-lead rule once", "[scoring]") {
  Scoring s;
  s.SetModel(Model());
  s.InstallQualifiedLead("75");
  s.Email("C-1", fb::Direction::Inbound);
  s.Events();
  CHECK(s.Score("C-1") == 40);
  CHECK(s.service->Get("contact", "C-1")->Text("lifecycle") == "lead");
  s.Meeting("C-1");
  AutomationReport r = s.Events();
  CHECK(s.Score("C-1") == 70);  // not there yet
  CHECK(r.firings == 0);
  s.Meeting("C-1");
  r = s.Events();
  CHECK(s.Score("C-1") == 100);  // 130, capped
  CHECK(r.firings == 1);
  CHECK(s.service->Get("contact", "C-1")->Text("lifecycle") == "marketing_qualified");
  CHECK(s.CountEvents("TaskCreated") == 1);
  // Rescoring above the line (decay, more meetings) fires nothing more.
  s.clock.Set(Day(2026, 3, 4, 9));
  s.Timers();
  s.Meeting("C-1");
  s.Events();
  CHECK(s.CountEvents("TaskCreated") == 1);
  // Not even a second runner reading the whole log again, or its timers the same day.
  AutomationRunner second(s.log.get(), s.service.get(), s.engine.get());
  size_t scored = s.CountEvents("LeadScored");
  AutomationReport again = s.Events(&second);
  CHECK(again.scores_written == 0);
  CHECK(again.actions_run == 0);
  s.Timers(&second);
  CHECK(s.CountEvents("LeadScored") == scored);
  CHECK(s.CountEvents("TaskCreated") == 1);
}

TEST_CASE("imported history scores nothing until recomputed and deleted activities lose their points",
          "[scoring]") {
  Scoring s;
  s.SetModel(Model());
  s.Events();
  s.Contact("C-2", "Intern", "", fb::Lifecycle::Lead, "import-row-1");
  s.Email("C-2", fb::Direction::Inbound, "import-row-2");
  AutomationReport r = s.Events();
  CHECK(r.scores_written == 0);
  CHECK(s.Score("C-2") == -1);
  auto rec = s.runner->RecomputeScores(s.clock.NowMicros());
  REQUIRE(rec.ok());
  CHECK(rec->scores_written == 1);  // C-2; C-1 unchanged
  CHECK(s.Score("C-2") == 10);

  std::string meeting = s.Meeting("C-1");
  s.Events();
  CHECK(s.Score("C-1") == 60);
  fb::DeleteRecordT del;
  del.record_type = "activity";
  del.record_id = meeting;
  del.reason = "logged on the wrong contact";
  s.Run("U-1", std::move(del));
  s.Events();
  CHECK(s.Score("C-1") == 30);
}

TEST_CASE("recorded scores are refused to anyone but automation and never go back in time", "[scoring]") {
  Scoring s;
  s.SetModel(Model());
  s.Events();
  fb::RecordScoreT forged;
  forged.contact_id = "C-1";
  forged.score = 99;
  forged.basis_position = s.log->LastPosition();
  forged.computed_at_us = s.clock.NowMicros();
  Status refused = s.Try("U-1", std::move(forged));
  CHECK(refused.code() == StatusCode::kPermissionDenied);
  // An older computation (a runner catching up) writes nothing over a newer one.
  fb::RecordScoreT old;
  old.contact_id = "C-1";
  old.score = 5;
  old.basis_position = 1;
  old.computed_at_us = s.clock.NowMicros();
  fb::CommandT cmd = Cmd(std::move(old));
  auto r = s.service->Execute(domain::Actor{"automation", fb::Role::Admin, true}, cmd, s.clock.NowMicros());
  REQUIRE(r.ok());
  CHECK(r->first_position == 0);
  CHECK(s.Score("C-1") == 30);
  // A model that does not hold together names the field, and writes nothing.
  fb::ScoringModelT bad = Model();
  bad.criteria[3]->within_days = 4;
  fb::SetScoringModelT set;
  set.model = std::make_unique<fb::ScoringModelT>(std::move(bad));
  Status invalid = s.Try("U-1", std::move(set));
  CHECK(invalid.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(invalid.message(), Catch::Contains("criteria[3].within_days"));
  fb::SetScoringModelT by_rep;
  by_rep.model = std::make_unique<fb::ScoringModelT>(Model());
  CHECK(s.Try("U-3", std::move(by_rep)).code() == StatusCode::kPermissionDenied);
}

TEST_CASE("the score report counts each band's later conversions", "[scoring]") {
  Scoring s;
  s.SetModel(Model());
  s.Contact("C-2", "Intern", "");  // 0 points
  s.Contact("C-3", "VP Sales", "");  // 20
  s.Events();
  Micros scored_at = s.clock.NowMicros();
  s.clock.Set(Day(2026, 4, 1, 9));
  fb::ChangeLifecycleT won;
  won.contact_id = "C-1";
  won.stage = fb::Lifecycle::Customer;
  s.Run("U-1", std::move(won));
  fb::ChangeLifecycleT qualified;
  qualified.contact_id = "C-3";
  qualified.stage = fb::Lifecycle::SalesQualified;
  s.Run("U-1", std::move(qualified));
  s.Events();
  Query q;
  q.kind = "score_report";
  q.view = AsOf::Recorded(scored_at);
  Json j = s.Ask(q);
  REQUIRE(j["bands"].size() == 5);
  CHECK(j["bands"][0]["band"] == "80-100");
  const Json& b20 = j["bands"][3];  // 20-39: C-1 (30) and C-3 (20)
  CHECK(b20["band"] == "20-39");
  CHECK(b20["contacts"] == 2);
  CHECK(b20["sales_qualified"] == 2);
  CHECK(b20["customers"] == 1);
  CHECK(b20["customer_rate"] == 50.0);
  const Json& b0 = j["bands"][4];
  CHECK(b0["contacts"] == 1);
  CHECK(b0["customers"] == 0);
  CHECK(j["scored"]["contacts"] == 3);
  CHECK(j["unscored"]["contacts"] == 0);

  Query list;
  list.kind = "scores";
  list.min_amount = "20";
  Json top = s.Ask(list);
  REQUIRE(top["contacts"].size() == 2);
  CHECK(top["contacts"][0]["contact_id"] == "C-1");
  CHECK(top["contacts"][1]["contact_id"] == "C-3");
  list.min_amount = "lots";
  auto bad = RunQuery(*s.engine, list, s.clock.NowMicros());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a lead that arrives above the threshold is qualified by its first score", "[scoring]") {
  Scoring s;
  s.SetModel(Model());
  s.InstallQualifiedLead("25");
  // The runner scores C-1 (30, from 0) when it reads the model, and that LeadScored comes
  // after the rule: it fires.
  CHECK(s.Events().firings == 1);
  CHECK(s.service->Get("contact", "C-1")->Text("lifecycle") == "marketing_qualified");
  s.Contact("C-2", "VP Finance", "CO-1");  // 30 on arrival; previous_score 0 is a field too
  AutomationReport r = s.Events();
  CHECK(r.firings == 1);
  CHECK(s.service->Get("contact", "C-2")->Text("lifecycle") == "marketing_qualified");
}

TEST_CASE("rules and scores that keep triggering each other stop like rule chains", "[scoring]") {
  Scoring s;
  fb::ScoringModelT m = Model();
  m.criteria.push_back(Attr("still a lead", 40, "lifecycle", "=", "lead"));
  s.SetModel(std::move(m));
  // Qualify at 50 or more; demote below 50. With the lifecycle in the model, each undoes the
  // other: lead 70 -> qualified -> 30 -> lead -> 70 -> ...
  auto rule = [&](const std::string& id, const std::string& op, fb::Lifecycle stage) {
    fb::RuleDefinitionT d;
    d.name = "flip " + id;
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "LeadScored";
    auto c = std::make_unique<fb::RuleConditionT>();
    c->field = "event.score";
    c->op = op;
    c->value = "50";
    d.conditions.push_back(std::move(c));
    auto a = std::make_unique<fb::RuleActionT>();
    a->kind = fb::RuleActionKind::SetLifecycle;
    a->lifecycle = stage;
    d.actions.push_back(std::move(a));
    fb::DefineRuleT r;
    r.rule_id = id;
    r.definition = std::make_unique<fb::RuleDefinitionT>(std::move(d));
    s.Run("U-1", std::move(r));
  };
  rule("RUL-1", ">=", fb::Lifecycle::MarketingQualified);
  rule("RUL-2", "<", fb::Lifecycle::Lead);
  auto r = s.runner->RunEvents(s.clock.NowMicros());
  REQUIRE(r.ok());
  CHECK(r->problem_count >= 1);
  REQUIRE_FALSE(r->problems.empty());
  CHECK_THAT(r->problems.front(), Catch::Contains("rule firings deep"));
  CHECK(s.CountEvents("ContactLifecycleChanged") <= 8);
  CHECK(s.CountEvents("LeadScored") <= 9);
  // An update of a field no criterion reads rescores nothing.
  size_t scored = s.CountEvents("LeadScored");
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = "C-1";
  u.set.push_back(Field("first_name", domain::TextValue("Marie")));
  s.Run("U-1", std::move(u));
  auto again = s.runner->RunEvents(s.clock.NowMicros());
  REQUIRE(again.ok());
  CHECK(again->contacts_scored == 0);
  CHECK(s.CountEvents("LeadScored") == scored);
}
