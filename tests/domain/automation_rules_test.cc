// Automation rules in the domain: defining and changing rules, their conditions, the
// commands their actions plan, routing owners (round robin, territory, team lead, least open
// deals), tags and notifications.
#include "domain/rules.h"
#include "domain_builders.h"
#include "events/event_json.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

std::unique_ptr<fb::RuleConditionT> Cond(std::string field, std::string op, std::string value = "") {
  auto c = std::make_unique<fb::RuleConditionT>();
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

std::unique_ptr<fb::RuleActionT> TaskAction(std::string title = "Follow up {name}", std::string assignee = "owner") {
  auto a = std::make_unique<fb::RuleActionT>();
  a->kind = fb::RuleActionKind::CreateTask;
  a->text = std::move(title);
  a->assignee = std::move(assignee);
  a->due_minutes = 60;
  return a;
}

// "Deal moved, amount >= 10,000 EUR: a task for the owner."
fb::RuleDefinitionT ProposalRule() {
  fb::RuleDefinitionT d;
  d.name = "Big deal in proposal";
  d.trigger = fb::RuleTrigger::Event;
  d.event_type = "DealStageMoved";
  d.conditions.push_back(Cond("stage_id", "=", "s2"));
  d.conditions.push_back(Cond("amount", ">=", "10000 EUR"));
  d.actions.push_back(TaskAction());
  return d;
}

fb::CommandT Define(const std::string& id, const fb::RuleDefinitionT& d) {
  fb::DefineRuleT c;
  c.rule_id = id;
  flatbuffers::FlatBufferBuilder b;
  b.Finish(fb::RuleDefinition::Pack(b, &d));
  c.definition = std::make_unique<fb::RuleDefinitionT>();
  flatbuffers::GetRoot<fb::RuleDefinition>(b.GetBufferPointer())->UnPackTo(c.definition.get());
  return Cmd(std::move(c));
}

fb::CommandT Route(const std::string& type, const std::string& id, const std::string& team,
                   const std::string& routing, const std::string& candidate = "") {
  fb::RouteOwnerT r;
  r.record_type = type;
  r.record_id = id;
  r.team_id = team;
  r.routing = routing;
  r.candidate = candidate;
  return Cmd(std::move(r));
}

}  // namespace

TEST_CASE("a rule is defined by an admin and stored with its record type", "[domain][automation]") {
  Harness h;
  REQUIRE_REFUSED(h.Run(h.As("u-alan"), Define("RUL-1", ProposalRule())), StatusCode::kPermissionDenied,
                  "automation rules");
  h.MustRun(h.admin(), Define("RUL-1", ProposalRule()));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"RuleDefined"});
  const RecordState& r = h.Get("rule", "RUL-1");
  CHECK(RuleEnabled(r));
  CHECK(r.Text("name") == "Big deal in proposal");
  CHECK(r.Text("trigger") == "Event");
  fb::RuleDefinitionT stored = RuleDefinitionOf(r);
  CHECK(stored.record_type == "deal");
  CHECK(stored.conditions.size() == 2);
  CHECK(stored.actions.at(0)->text == "Follow up {name}");
  // Defining it again is refused.
  REQUIRE_REFUSED(h.Run(h.admin(), Define("RUL-1", ProposalRule())), StatusCode::kAlreadyExists, "RUL-1");
}

TEST_CASE("a rule definition names the field at fault", "[domain][automation]") {
  Harness h;
  auto refused = [&](auto change, const std::string& text) {
    fb::RuleDefinitionT d = ProposalRule();
    change(d);
    REQUIRE_REFUSED(h.Run(h.admin(), Define("RUL-9", d)), StatusCode::kInvalidArgument, text);
    CHECK_FALSE(h.Exists("rule", "RUL-9"));
  };
  refused([](auto& d) { d.name = ""; }, "name");
  refused([](auto& d) { d.trigger = fb::RuleTrigger::Unspecified; }, "trigger is required");
  refused([](auto& d) { d.event_type = "DealTeleported"; }, "event_type: DealTeleported is not an event type");
  refused([](auto& d) { d.event_type = "UserCreated"; }, "event_type: UserCreated is not about");
  refused([](auto& d) { d.wait_minutes = 5; }, "wait_minutes applies to time triggers only");
  refused([](auto& d) { d.conditions[0]->op = "=~"; }, "conditions[0].op");
  refused([](auto& d) { d.conditions[1]->value = ""; }, "conditions[1].value is required");
  refused([](auto& d) { d.actions.clear(); }, "at least one action");
  refused([](auto& d) { d.actions[0]->text = ""; }, "actions[0].text");
  refused([](auto& d) { d.actions[0]->assignee = "u-nobody"; }, "actions[0].assignee: u-nobody");
  refused([](auto& d) { d.record_type = "contact"; }, "record_type");
  refused([](auto& d) {
    auto a = std::make_unique<fb::RuleActionT>();
    a->kind = fb::RuleActionKind::AddTag;
    a->tag = "vip";
    d.actions.push_back(std::move(a));
  }, "actions[1].tags apply to contacts and companies, not deal");
  refused([](auto& d) {
    auto a = std::make_unique<fb::RuleActionT>();
    a->kind = fb::RuleActionKind::AssignOwner;
    a->routing = "round_robin";
    a->team_id = "t-nowhere";
    d.actions.push_back(std::move(a));
  }, "actions[1].team_id: team t-nowhere does not exist");
  refused([](auto& d) {
    d.trigger = fb::RuleTrigger::DealIdle;
    d.event_type = "";
  }, "wait_minutes must be between");
  refused([](auto& d) {
    d.trigger = fb::RuleTrigger::DealIdle;
    d.event_type = "";
    d.wait_minutes = 60;
    d.conditions.push_back(Cond("event.new_stage_id", "=", "s2"));
  }, "conditions[2].field: event fields apply to Event triggers only");
}

TEST_CASE("rules are changed as a whole and enabled and disabled with their history", "[domain][automation]") {
  Harness h;
  h.MustRun(h.admin(), Define("RUL-1", ProposalRule()));
  fb::RuleDefinitionT next = ProposalRule();
  next.conditions[1]->value = "50000 EUR";
  fb::ChangeRuleT change;
  change.rule_id = "RUL-1";
  change.definition = std::make_unique<fb::RuleDefinitionT>();
  {
    flatbuffers::FlatBufferBuilder b;
    b.Finish(fb::RuleDefinition::Pack(b, &next));
    flatbuffers::GetRoot<fb::RuleDefinition>(b.GetBufferPointer())->UnPackTo(change.definition.get());
  }
  h.MustRun(h.admin(), Cmd(change));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"RuleChanged"});
  const auto* e = h.LastEvent().payload_as<fb::RuleChanged>();
  CHECK(e->old_definition()->conditions()->Get(1)->value()->str() == "10000 EUR");
  CHECK(e->new_definition()->conditions()->Get(1)->value()->str() == "50000 EUR");
  CHECK(RuleDefinitionOf(h.Get("rule", "RUL-1")).conditions[1]->value == "50000 EUR");
  // The same definition again writes nothing.
  h.MustRun(h.admin(), Cmd(change));
  CHECK(h.last_events.empty());

  fb::DisableRuleT off;
  off.rule_id = "RUL-1";
  off.reason = "quarter end";
  h.MustRun(h.admin(), Cmd(off));
  CHECK_FALSE(RuleEnabled(h.Get("rule", "RUL-1")));
  CHECK(h.Get("rule", "RUL-1").Text("disabled_reason") == "quarter end");
  REQUIRE_REFUSED(h.Run(h.admin(), Cmd(off)), StatusCode::kFailedPrecondition, "already disabled");
  fb::EnableRuleT on;
  on.rule_id = "RUL-1";
  h.MustRun(h.admin(), Cmd(on));
  CHECK(RuleEnabled(h.Get("rule", "RUL-1")));
  REQUIRE_REFUSED(h.Run(h.admin(), Cmd(on)), StatusCode::kFailedPrecondition, "already enabled");
  on.rule_id = "RUL-404";
  REQUIRE_REFUSED(h.Run(h.admin(), Cmd(on)), StatusCode::kNotFound, "RUL-404");
}

TEST_CASE("round robin spreads evenly and skips deactivated users", "[domain][automation]") {
  Harness h;
  fb::AddTeamMemberT add;
  add.team_id = "t-north";
  add.user_id = "u-bob";
  h.MustRun(h.admin(), Cmd(add));
  std::map<std::string, int> count;
  for (int i = 0; i < 9; ++i) {
    std::string c = MakeContact(h, h.admin(), "Lead" + std::to_string(i));
    h.MustRun(Actor::System(), Route("contact", c, "t-north", "round_robin"));
    CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactUpdated", "TeamAssignmentRouted"});
    ++count[h.Get("contact", c).Text("owner_id")];
  }
  CHECK(count == std::map<std::string, int>{{"u-ada", 3}, {"u-alan", 3}, {"u-bob", 3}});
  CHECK(h.Get("team", "t-north").Text("last_routed_id") == "u-bob");

  fb::DeactivateUserT off;
  off.user_id = "u-ada";
  h.MustRun(h.admin(), Cmd(off));
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    std::string c = MakeContact(h, h.admin(), "Next" + std::to_string(i));
    h.MustRun(Actor::System(), Route("contact", c, "t-north", "round_robin"));
    order.push_back(h.Get("contact", c).Text("owner_id"));
  }
  CHECK(order == std::vector<std::string>{"u-alan", "u-bob", "u-alan", "u-bob"});
}

TEST_CASE("routing by territory, to the team lead, and to the member with fewest open deals", "[domain][automation]") {
  Harness h;
  fb::UpdateRecordT terr = Update("user", "u-ada", {{"territory", "DE"}});
  h.MustRun(h.admin(), Cmd(std::move(terr)));
  std::string co = MakeCompany(h, h.admin(), "Berlin GmbH");
  h.MustRun(h.admin(), Cmd(Update("company", co, {{"country", "de"}})));
  std::string c = MakeContact(h, h.admin(), "Jana");
  h.MustRun(h.admin(), Cmd(Update("contact", c, {{"company_id", co}})));
  // The contact's company is in DE: Ada's territory, every time.
  h.MustRun(Actor::System(), Route("contact", c, "t-north", "territory"));
  CHECK(h.Get("contact", c).Text("owner_id") == "u-ada");
  h.MustRun(Actor::System(), Route("company", co, "t-north", "territory"));
  CHECK(h.Get("company", co).Text("owner_id") == "u-ada");
  // Nobody's territory: round robin.
  std::string other = MakeCompany(h, h.admin(), "Paris SA");
  h.MustRun(Actor::System(), Route("company", other, "t-north", "territory"));
  CHECK_FALSE(h.Get("company", other).Text("owner_id").empty());

  std::string t = MakeTicket(h, h.admin(), c, "u-alan");
  h.MustRun(Actor::System(), Route("ticket", t, "t-north", "team_lead"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketAssigned", "TeamAssignmentRouted"});
  CHECK(h.Get("ticket", t).Text("assignee_id") == "u-grace");
  // Already theirs: nothing to write.
  h.MustRun(Actor::System(), Route("ticket", t, "t-north", "team_lead"));
  CHECK(h.last_events.empty());

  std::string d = MakeDeal(h, h.admin(), 100000, "u-alan");
  h.MustRun(Actor::System(), Route("deal", d, "t-north", "least_open_deals", "u-ada"));
  CHECK(h.Get("deal", d).Text("owner_id") == "u-ada");
  REQUIRE_REFUSED(h.Run(Actor::System(), Route("deal", d, "t-north", "least_open_deals", "u-bob")),
                  StatusCode::kInvalidArgument, "candidate: u-bob is not an active member of team t-north");
  REQUIRE_REFUSED(h.Run(Actor::System(), Route("task", d, "t-north", "round_robin")), StatusCode::kInvalidArgument,
                  "record_type");
  // A rep may not route records to others.
  std::string mine = MakeContact(h, h.As("u-alan"), "Mine", "", "u-alan");
  REQUIRE_REFUSED(h.Run(h.As("u-alan"), Route("contact", mine, "t-north", "team_lead")),
                  StatusCode::kPermissionDenied, "");
}

TEST_CASE("tags are added and removed without regard to case", "[domain][automation]") {
  Harness h;
  std::string c = MakeContact(h, h.admin(), "Tess");
  fb::TagRecordT t;
  t.record_type = "contact";
  t.record_id = c;
  t.add = {"VIP", "trade-fair"};
  h.MustRun(h.admin(), Cmd(t));
  CHECK(h.Get("contact", c).List("tags") == std::vector<std::string>{"VIP", "trade-fair"});
  t.add = {"vip"};
  h.MustRun(h.admin(), Cmd(t));
  CHECK(h.last_events.empty());
  t.add.clear();
  t.remove = {"Vip", "trade-fair"};
  h.MustRun(h.admin(), Cmd(t));
  CHECK(h.Get("contact", c).List("tags").empty());
  t.record_type = "deal";
  REQUIRE_REFUSED(h.Run(h.admin(), Cmd(t)), StatusCode::kInvalidArgument, "record_type");
}

TEST_CASE("notifications go to active users and may name a record", "[domain][automation]") {
  Harness h;
  std::string d = MakeDeal(h, h.admin());
  fb::SendNotificationT n;
  n.notification_id = "N-1";
  n.recipient_ids = {"u-grace"};
  n.message = "Deal idle";
  n.record_type = "deal";
  n.record_id = d;
  h.MustRun(Actor::System(), Cmd(n));
  CHECK(h.Get("notification", "N-1").List("recipient_ids") == std::vector<std::string>{"u-grace"});
  n.notification_id = "N-2";
  n.recipient_ids = {"u-nobody"};
  REQUIRE_REFUSED(h.Run(Actor::System(), Cmd(n)), StatusCode::kNotFound, "recipient_ids");
  n.recipient_ids = {"u-grace"};
  n.record_id = "D-404";
  REQUIRE_REFUSED(h.Run(Actor::System(), Cmd(n)), StatusCode::kNotFound, "D-404");
  n.record_type = "rule";
  REQUIRE_REFUSED(h.Run(Actor::System(), Cmd(n)), StatusCode::kInvalidArgument, "record_type");
}

TEST_CASE("conditions compare money numbers text lists and event fields", "[domain][automation]") {
  RecordState deal;
  deal.type = "deal";
  deal.id = "D-1";
  deal.Set("amount", MoneyValue(1'200'000, "EUR"));  // 12,000.00 EUR
  deal.Set("stage_id", RefValue("s2"));
  deal.Set("contact_ids", ListValue({"C-1", "C-2"}));
  deal.Set("name", TextValue("Robot Arms for ACME"));
  nlohmann::json event = {{"new_stage_id", "s2"},
                          {"fields", {{{"key", "country"}, {"value", "DE"}}, {{"key", "size"}, {"value", "250"}}}}};
  auto holds = [&](std::string field, std::string op, std::string value) {
    fb::RuleDefinitionT d;
    d.conditions.push_back(Cond(std::move(field), std::move(op), std::move(value)));
    TriggerFacts f;
    f.record = &deal;
    f.event = &event;
    f.home_currency = "EUR";
    return ConditionsHold(d, f);
  };
  CHECK(holds("amount", ">=", "10000 EUR"));
  CHECK(holds("amount", ">=", "10000"));  // the record's currency by default
  CHECK_FALSE(holds("amount", ">=", "12000.01 EUR"));
  CHECK(holds("amount", "=", "12000"));
  CHECK_FALSE(holds("amount", ">=", "10 USD"));  // another currency never compares
  CHECK(holds("stage_id", "=", "S2"));
  CHECK(holds("stage_id", "in", "s1, s2"));
  CHECK_FALSE(holds("stage_id", "!=", "s2"));
  CHECK(holds("name", "contains", "robot arms"));
  CHECK(holds("contact_ids", "contains", "c-2"));
  CHECK_FALSE(holds("contact_ids", "contains", "C-3"));
  CHECK(holds("source", "empty", ""));
  CHECK_FALSE(holds("source", "set", ""));
  CHECK(holds("source", "!=", "web"));  // absent is unequal to anything
  CHECK_FALSE(holds("source", "=", "web"));
  CHECK(holds("event.new_stage_id", "=", "s2"));
  CHECK(holds("event.fields.country", "=", "de"));
  CHECK(holds("event.fields.size", ">", "99"));  // numbers compare as numbers
  CHECK_FALSE(holds("event.fields.city", "set", ""));
  CHECK(holds("id", "=", "D-1"));
  // Instants compare as instants (not as the day they fall on).
  deal.Set("due", InstantValue(1'772'442'000'000'000));  // 2026-03-02T09:00:00Z
  CHECK(holds("due", "<", "2026-03-02T10:00:00Z"));
  CHECK_FALSE(holds("due", "<", "2026-03-02T08:00:00Z"));
}

TEST_CASE("money in another currency compares in the home currency", "[domain][automation]") {
  RecordState deal;
  deal.type = "deal";
  deal.id = "D-1";
  deal.Set("amount", MoneyValue(30'000'00, "USD"));
  ExchangeRates rates("EUR");
  rates.Set("USD", 0, 900'000'000);  // 1 USD = 0.90 EUR from 1970 on
  fb::RuleDefinitionT d;
  d.conditions.push_back(Cond("amount", ">=", "25000 EUR"));
  TriggerFacts f;
  f.record = &deal;
  f.home_currency = "EUR";
  CHECK_FALSE(ConditionsHold(d, f));  // no rates: never
  f.rates = &rates;
  f.day = 20000;
  CHECK(ConditionsHold(d, f));  // 27,000 EUR
  d.conditions[0]->value = "28000 EUR";
  CHECK_FALSE(ConditionsHold(d, f));
}

TEST_CASE("planned actions carry the rule the trigger and a stable command id", "[domain][automation]") {
  Harness h;
  h.MustRun(h.admin(), Define("RUL-1", ProposalRule()));
  std::string d = MakeDeal(h, h.admin(), 2'000'000, "u-alan");
  fb::RuleDefinitionT rule = RuleDefinitionOf(h.Get("rule", "RUL-1"));
  Firing f;
  f.rule_id = "RUL-1";
  f.trigger_key = "p42";
  f.trigger_position = 42;
  f.correlation_id = "cli-abc";
  f.at = kNow;
  PlanInput in;
  in.rule = &rule;
  in.index = 0;
  in.firing = &f;
  in.subject = &h.Get("deal", d);
  in.dir = &h.source().directory();
  auto plan = PlanAction(in);
  REQUIRE(plan.ok());
  REQUIRE(plan->has_value());
  const fb::CommandT& c = **plan;
  CHECK(c.command_id == "auto-RUL-1-p42-0");
  CHECK(c.causation_id == "rule:RUL-1 event:42");
  CHECK(c.correlation_id == "cli-abc");
  const auto* task = c.body.AsCreateTask();
  REQUIRE(task != nullptr);
  CHECK(task->title == "Follow up Deal");
  CHECK(task->assignee_id == "u-alan");
  CHECK(task->due_us == kNow + 60 * 60 * kMicrosPerSecond);
  CHECK(task->links->deal_ids == std::vector<std::string>{d});
  // The manager of the owner's team.
  rule.actions[0]->assignee = "manager";
  plan = PlanAction(in);
  REQUIRE(plan.ok());
  CHECK((**plan).body.AsCreateTask()->assignee_id == "u-grace");
  // u-bob is in no team: there is no manager to give it to, and the message says so.
  std::string bobs = MakeDeal(h, h.admin(), 2'000'000, "u-bob");
  in.subject = &h.Get("deal", bobs);
  REQUIRE_REFUSED(PlanAction(in).status(), StatusCode::kFailedPrecondition, "no team with an active manager");

  auto cause = ParseCausation("rule:RUL-1 event:42");
  REQUIRE(cause.has_value());
  CHECK(cause->rule_id == "RUL-1");
  CHECK(cause->event_position == 42);
  cause = ParseCausation("rule:RUL-7 time:deal-D-5-idle-100");
  REQUIRE(cause.has_value());
  CHECK(cause->time_key == "deal-D-5-idle-100");
  CHECK_FALSE(ParseCausation("cli-17").has_value());
  f.trigger_key = std::string(200, 'k');
  CHECK(ActionCommandId(f, 3).size() <= 128);
  CHECK(ActionCommandId(f, 3) != ActionCommandId(f, 2));
}

TEST_CASE("every built-in template is a valid rule", "[domain][automation]") {
  Harness h;
  REQUIRE(RuleTemplates().size() == 5);
  TemplateParams p;
  p.team_id = "t-north";
  for (const auto& t : RuleTemplates()) {
    auto d = RuleTemplate(t.name, p, h.source().directory());
    INFO(t.name << ": " << d.status().ToString());
    REQUIRE(d.ok());
    CHECK(CheckRuleDefinition(*d, h.source().directory()).ok());
    fb::DefineRuleT c;
    c.definition = std::make_unique<fb::RuleDefinitionT>(std::move(*d));
    c.template_ = t.name;
    h.MustRun(h.admin(), Cmd(std::move(c)));
  }
  REQUIRE_REFUSED(RuleTemplate("web-form-lead", {}, h.source().directory()).status(), StatusCode::kInvalidArgument,
                  "--team");
  REQUIRE_REFUSED(RuleTemplate("nope", p, h.source().directory()).status(), StatusCode::kNotFound, "idle-deal");
  p.amount = "lots";
  REQUIRE_REFUSED(RuleTemplate("idle-deal", p, h.source().directory()).status(), StatusCode::kInvalidArgument,
                  "amount");
}
