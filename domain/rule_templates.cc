// The built-in rule templates (domain/rules.h; docs/automation.md shows each).
#include "domain/rules.h"
#include "domain/text.h"
#include "domain/value.h"

namespace rapport::domain {
namespace {

std::unique_ptr<fb::RuleActionT> Action(fb::RuleActionKind kind) {
  auto a = std::make_unique<fb::RuleActionT>();
  a->kind = kind;
  return a;
}

std::unique_ptr<fb::RuleActionT> Task(std::string title, int64_t due_minutes, std::string assignee,
                                      fb::Priority priority) {
  auto a = Action(fb::RuleActionKind::CreateTask);
  a->text = std::move(title);
  a->due_minutes = due_minutes;
  a->assignee = std::move(assignee);
  a->priority = priority;
  return a;
}

std::unique_ptr<fb::RuleConditionT> Condition(std::string field, std::string op, std::string value) {
  auto c = std::make_unique<fb::RuleConditionT>();
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

Result<std::string> RequireTeam(const TemplateParams& p, std::string_view name, const Directory& dir) {
  if (p.team_id.empty()) {
    return Status::InvalidArgument("team_id: template " + std::string(name) + " routes within a team: name one (--team)");
  }
  const RecordState* t = dir.team(p.team_id);
  if (t == nullptr || !t->live()) return Status::NotFound("team_id: team " + p.team_id + " does not exist");
  return p.team_id;
}

Result<int64_t> Days(const TemplateParams& p, int64_t fallback) {
  if (p.days.empty()) return fallback;
  char* end = nullptr;
  long long d = std::strtoll(p.days.c_str(), &end, 10);
  if (end == p.days.c_str() || *end != '\0' || d <= 0 || d > 3650) {
    return Status::InvalidArgument("days: \"" + p.days + "\" is not a number of days from 1 to 3650");
  }
  return d;
}

Result<std::string> Amount(const TemplateParams& p, const std::string& fallback, const Directory& dir) {
  std::string text = p.amount.empty() ? fallback : p.amount;
  auto v = ParseValue(ValueKind::Money, text, "amount", dir.home_currency());
  if (!v.ok()) return v.status();
  return FormatValue(*v);
}

}  // namespace

Result<int64_t> ScoreThreshold(const TemplateParams& p) {
  if (p.score.empty()) return 70;
  char* end = nullptr;
  long long v = std::strtoll(p.score.c_str(), &end, 10);
  if (end == p.score.c_str() || *end != '\0' || v <= 0 || v > 1000) {
    return Status::InvalidArgument("score: \"" + p.score + "\" is not a score from 1 to 1000");
  }
  return v;
}

std::vector<RuleTemplateInfo> RuleTemplates() {
  return {
      {"web-form-lead",
       "A web form without a known contact creates one (lifecycle lead), routes its owner round robin "
       "within --team, and gives the owner a follow-up task due in 1 hour"},
      {"idle-deal",
       "An open deal of at least --amount (default 25000 in the home currency) idle for --days (default 14) "
       "gets a task for its owner and a notification to the owner's manager"},
      {"renewal-ahead",
       "--days (default 60) before a contract renews, a renewal deal is opened and the account owner gets a task"},
      {"urgent-ticket",
       "A high or urgent ticket waiting on us for 4 hours is reassigned to the lead of --team"},
      {"qualified-lead",
       "A subscriber or lead whose score reaches --score (default 70) becomes marketing-qualified, and its "
       "owner gets a task to reach out within a day (needs a scoring model: `rapport score model`)"},
  };
}

Result<fb::RuleDefinitionT> RuleTemplate(std::string_view name, const TemplateParams& p, const Directory& dir) {
  fb::RuleDefinitionT d;
  for (const auto& t : RuleTemplates()) {
    if (t.name == name) d.description = t.summary;
  }
  if (d.description.empty()) {
    std::string names;
    for (const auto& t : RuleTemplates()) names += (names.empty() ? "" : ", ") + t.name;
    return Status::NotFound("no rule template \"" + std::string(name) + "\": the templates are " + names);
  }
  if (name == "web-form-lead") {
    auto team = RequireTeam(p, name, dir);
    if (!team.ok()) return team.status();
    d.name = "Web-form lead: contact, owner by round robin, follow-up in 1 hour";
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "FormSubmitted";
    d.actions.push_back(Action(fb::RuleActionKind::CreateContact));
    auto route = Action(fb::RuleActionKind::AssignOwner);
    route->routing = "round_robin";
    route->team_id = *team;
    d.actions.push_back(std::move(route));
    d.actions.push_back(Task("Follow up with {name} (web form)", 60, "owner", fb::Priority::High));
  } else if (name == "idle-deal") {
    auto days = Days(p, 14);
    if (!days.ok()) return days.status();
    auto amount = Amount(p, "25000", dir);
    if (!amount.ok()) return amount.status();
    d.name = "Deal over " + *amount + " idle " + std::to_string(*days) + " days";
    d.trigger = fb::RuleTrigger::DealIdle;
    d.wait_minutes = *days * 24 * 60;
    d.conditions.push_back(Condition("amount", ">=", *amount));
    d.actions.push_back(Task("Deal {name} ({amount}) has had no activity for " + std::to_string(*days) +
                                 " days: plan the next step",
                             24 * 60, "owner", fb::Priority::High));
    auto notify = Action(fb::RuleActionKind::Notify);
    notify->assignee = "manager";
    notify->text = "Deal {name} ({amount}, owner {owner}) has been idle for " + std::to_string(*days) + " days";
    d.actions.push_back(std::move(notify));
  } else if (name == "renewal-ahead") {
    auto days = Days(p, 60);
    if (!days.ok()) return days.status();
    d.name = "Contract renewal " + std::to_string(*days) + " days ahead";
    d.trigger = fb::RuleTrigger::RenewalNear;
    d.wait_minutes = *days * 24 * 60;
    d.actions.push_back(Action(fb::RuleActionKind::OpenRenewalDeal));
    d.actions.push_back(Task("Prepare the renewal of contract {id}", 7 * 24 * 60, "owner", fb::Priority::High));
  } else if (name == "urgent-ticket") {
    auto team = RequireTeam(p, name, dir);
    if (!team.ok()) return team.status();
    d.name = "High-priority ticket unanswered 4 hours: to the team lead";
    d.trigger = fb::RuleTrigger::TicketWaiting;
    d.wait_minutes = 4 * 60;
    d.conditions.push_back(Condition("priority", "in", "high,urgent"));
    auto route = Action(fb::RuleActionKind::AssignOwner);
    route->routing = "team_lead";
    route->team_id = *team;
    d.actions.push_back(std::move(route));
  } else if (name == "qualified-lead") {
    auto threshold = ScoreThreshold(p);
    if (!threshold.ok()) return threshold.status();
    std::string t = std::to_string(*threshold);
    d.name = "Lead score reaches " + t + ": marketing-qualified, owner reaches out";
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "LeadScored";
    // Crossing the line, not every rescore above it.
    d.conditions.push_back(Condition("event.score", ">=", t));
    d.conditions.push_back(Condition("event.previous_score", "<", t));
    d.conditions.push_back(Condition("lifecycle", "in", "subscriber,lead"));
    auto stage = Action(fb::RuleActionKind::SetLifecycle);
    stage->lifecycle = fb::Lifecycle::MarketingQualified;
    d.actions.push_back(std::move(stage));
    d.actions.push_back(Task("Reach out to {name}: lead score passed " + t, 24 * 60, "owner", fb::Priority::High));
  }
  return d;
}

}  // namespace rapport::domain
