#include "projections/automation_queries.h"

#include "domain/enums.h"
#include "domain/rules.h"
#include "projections/describe.h"
#include "projections/queries.h"

namespace rapport::projections {
namespace {

using domain::RecordState;

// A rule stream replayed with the events the view shows (nullopt: it did not exist yet).
Result<std::optional<RecordState>> RuleInView(const events::EventLog& log, const std::string& id, const AsOf& at) {
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(
      log.ReadStream({std::string(domain::kRule), id}, 1, events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  RecordState r;
  for (const auto& e : evs) {
    if (!at.Visible(e.view().position(), e.view().occurred_at_us())) {
      if (at.mode == AsOf::Mode::kRecorded) break;  // positions only grow
      continue;
    }
    // A view by business time may skip an event and show a later one: apply what it shows
    // to a copy that keeps the stream's versions in order.
    if (e.view().stream_version() != r.version + 1) continue;
    RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &r));
  }
  if (!r.created) return std::optional<RecordState>();
  return std::optional<RecordState>(std::move(r));
}

Json ActionToJson(const fb::RuleActionT& a) {
  Json j;
  j["kind"] = domain::RuleActionKindName(a.kind);
  if (!a.text.empty()) j["text"] = a.text;
  if (a.kind == fb::RuleActionKind::CreateTask) j["due_minutes"] = a.due_minutes;
  if (!a.assignee.empty()) j["assignee"] = a.assignee;
  if (!a.routing.empty()) j["routing"] = a.routing;
  if (!a.team_id.empty()) j["team_id"] = a.team_id;
  if (a.lifecycle != fb::Lifecycle::Unspecified) j["lifecycle"] = domain::LifecycleName(a.lifecycle);
  if (!a.tag.empty()) j["tag"] = a.tag;
  if (a.priority != fb::Priority::Unspecified) j["priority"] = domain::PriorityName(a.priority);
  return j;
}

}  // namespace

Json RuleToJson(const RecordState& rule) {
  fb::RuleDefinitionT d = domain::RuleDefinitionOf(rule);
  Json j;
  j["rule_id"] = rule.id;
  j["name"] = d.name;
  j["enabled"] = domain::RuleEnabled(rule);
  if (!rule.Text("disabled_reason").empty()) j["disabled_reason"] = rule.Text("disabled_reason");
  j["trigger"] = domain::RuleTriggerName(d.trigger);
  j["event_type"] = d.event_type;
  j["record_type"] = domain::RuleRecordType(d);
  j["wait_minutes"] = d.wait_minutes;
  j["include_imports"] = d.include_imports;
  j["description"] = d.description;
  Json conditions = Json::array();
  for (const auto& c : d.conditions) conditions.push_back({{"field", c->field}, {"op", c->op}, {"value", c->value}});
  j["conditions"] = conditions;
  Json actions = Json::array();
  for (const auto& a : d.actions) actions.push_back(ActionToJson(*a));
  j["actions"] = actions;
  j["template"] = rule.Text("template");
  j["defined_at"] = FormatIso8601(rule.created_at_us);
  j["defined_by"] = rule.created_by;
  j["changed_at"] = FormatIso8601(rule.updated_at_us);
  j["version"] = rule.version;
  return j;
}

Result<Json> RulesView(const ProjectionEngine& engine, const AsOf& view) {
  AsOf at = engine.Resolve(view);
  const events::EventLog& log = *engine.log();
  Json rules = Json::array();
  std::string after;
  while (true) {
    std::vector<std::string> ids;
    RAPPORT_RETURN_IF_ERROR(log.ListStreams(domain::kRule, after, 512, &ids));
    if (ids.empty()) break;
    for (const auto& id : ids) {
      auto r = RuleInView(log, id, at);
      if (!r.ok()) return r.status();
      if (r->has_value()) rules.push_back(RuleToJson(**r));
    }
    after = ids.back();
  }
  Json j;
  j["view"] = ToJson(at);
  j["rules"] = rules;
  return j;
}

Result<Json> AutomationView(const ProjectionEngine& engine, const AsOf& view, const std::string& record,
                            size_t limit) {
  if (limit == 0) limit = 50;
  const events::EventLog& log = *engine.log();
  Json actions = Json::array();
  AsOf resolved = engine.Resolve(view);
  std::optional<TimelineEntry> cursor;
  // Walk the record's timeline, newest first, keeping what automation did.
  while (actions.size() < limit) {
    auto page = engine.Read(view, [&](const ReadModel& m, const AsOf& a) {
      resolved = a;
      return BuildTimeline(m, log, a, record, 500, cursor ? &*cursor : nullptr);
    });
    if (!page.ok()) return page.status();
    for (const auto& row : page->rows) {
      if (row.actor != domain::kAutomationActor || actions.size() >= limit) continue;
      auto e = log.Get(row.position);
      if (!e.ok()) return e.status();
      // The daily decay of a lead score is time passing, not an action: `rapport score show`
      // lists it.
      if (e->view().causation_id().rfind("scoring time:decay-", 0) == 0) continue;
      Json a;
      a["position"] = row.position;
      a["occurred"] = FormatIso8601(row.occurred);
      a["recorded"] = FormatIso8601(row.recorded);
      a["type"] = row.type;
      a["stream"] = row.stream;
      a["summary"] = row.summary;
      a["command_id"] = std::string(e->view().command_id());
      auto cause = domain::ParseCausation(e->view().causation_id());
      if (e->view().type() == fb::Payload::LeadScored) {
        // Scoring is automation too, by the model rather than a rule (its cause is in the summary).
        a["scoring"] = true;
      } else if (cause) {
        a["rule_id"] = cause->rule_id;
        auto rule = RuleInView(log, cause->rule_id, AsOf{AsOf::Mode::kRecorded, row.recorded, row.position});
        if (rule.ok() && rule->has_value()) a["rule_name"] = domain::RuleDefinitionOf(**rule).name;
        if (cause->event_position != 0) {
          auto t = log.Get(cause->event_position);
          if (!t.ok()) return t.status();
          a["trigger"] = {{"position", cause->event_position},
                          {"type", t->view().type_name()},
                          {"stream", t->view().stream().ToString()},
                          {"actor", std::string(t->view().actor())},
                          {"recorded", FormatIso8601(t->view().recorded_at_us())},
                          {"summary", Describe(t->view())}};
        } else {
          a["trigger"] = {{"window", cause->time_key}};
        }
      }
      actions.push_back(std::move(a));
    }
    if (!page->more || !page->next) break;
    cursor = page->next;
  }
  Json j;
  j["record"] = record;
  j["view"] = ToJson(resolved);
  j["actions"] = actions;
  return j;
}

Json RecomputeReportToJson(const AutomationReport& r, Micros now) {
  return Json{{"now", FormatIso8601(now)},
              {"contacts_scored", r.contacts_scored},
              {"scores_written", r.scores_written},
              {"problems", r.problems}};
}

}  // namespace rapport::projections
