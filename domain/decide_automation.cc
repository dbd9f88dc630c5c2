// Deciding automation commands: rules, tags, routed owners and notifications.
#include <algorithm>

#include "domain/decide_internal.h"
#include "domain/rules.h"

namespace rapport::domain::internal {
namespace {

std::unique_ptr<fb::RuleDefinitionT> Clone(const fb::RuleDefinitionT& d) {
  flatbuffers::FlatBufferBuilder b;
  b.Finish(fb::RuleDefinition::Pack(b, &d));
  auto out = std::make_unique<fb::RuleDefinitionT>();
  flatbuffers::GetRoot<fb::RuleDefinition>(b.GetBufferPointer())->UnPackTo(out.get());
  return out;
}

// The definition as stored: trimmed name, record type filled in.
Result<std::unique_ptr<fb::RuleDefinitionT>> Checked(Env& env, const std::unique_ptr<fb::RuleDefinitionT>& given) {
  if (!given) return Status::InvalidArgument("definition is required");
  auto d = Clone(*given);
  d->name = Trim(d->name);
  RAPPORT_RETURN_IF_ERROR(CheckRuleDefinition(*d, env.dir));
  d->record_type = RuleRecordType(*d);
  return d;
}

Result<const RecordState*> LiveRule(Env& env, const std::string& id) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "automation rules"));
  return env.Live(kRule, id, "rule_id");
}

Result<Decision> DefineRule(Env& env, const fb::DefineRuleT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "automation rules"));
  auto id = env.NewRecordId(kRule, c.rule_id, "rule_id");
  if (!id.ok()) return id.status();
  auto d = Checked(env, c.definition);
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.template_, "template", 100, false));
  fb::RuleDefinedT e;
  e.rule_id = *id;
  e.definition = std::move(*d);
  e.enabled = !c.disabled;
  e.template_ = c.template_;
  env.EmitNew(kRule, *id, std::move(e));
  return env.Done(kRule, *id);
}

Result<Decision> ChangeRule(Env& env, const fb::ChangeRuleT& c) {
  auto r = LiveRule(env, c.rule_id);
  if (!r.ok()) return r.status();
  auto d = Checked(env, c.definition);
  if (!d.ok()) return d.status();
  fb::RuleDefinitionT old = RuleDefinitionOf(**r);
  if (old == **d) return env.Done(kRule, c.rule_id);  // the same definition: nothing to write
  fb::RuleChangedT e;
  e.rule_id = c.rule_id;
  e.old_definition = Clone(old);
  e.new_definition = std::move(*d);
  env.EmitOn(**r, std::move(e));
  return env.Done(kRule, c.rule_id);
}

Result<Decision> EnableRule(Env& env, const fb::EnableRuleT& c) {
  auto r = LiveRule(env, c.rule_id);
  if (!r.ok()) return r.status();
  if (RuleEnabled(**r)) return Status::FailedPrecondition("rule " + c.rule_id + " is already enabled");
  fb::RuleEnabledT e;
  e.rule_id = c.rule_id;
  env.EmitOn(**r, std::move(e));
  return env.Done(kRule, c.rule_id);
}

Result<Decision> DisableRule(Env& env, const fb::DisableRuleT& c) {
  auto r = LiveRule(env, c.rule_id);
  if (!r.ok()) return r.status();
  if (!RuleEnabled(**r)) return Status::FailedPrecondition("rule " + c.rule_id + " is already disabled");
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  fb::RuleDisabledT e;
  e.rule_id = c.rule_id;
  e.reason = c.reason;
  env.EmitOn(**r, std::move(e));
  return env.Done(kRule, c.rule_id);
}

Result<Decision> TagRecord(Env& env, const fb::TagRecordT& c) {
  if (c.record_type != kContact && c.record_type != kCompany) {
    return Status::InvalidArgument("record_type: tags belong to contacts and companies, not '" + c.record_type + "'");
  }
  if (c.add.empty() && c.remove.empty()) return Status::InvalidArgument("add or remove: name a tag");
  if (c.add.size() > 100 || c.remove.size() > 100) return Status::InvalidArgument("add, remove: at most 100 tags each");
  auto r = env.Live(c.record_type, c.record_id, "record_id");
  if (!r.ok()) return r.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **r, env.dir));
  std::vector<std::string> tags = (*r)->List("tags");
  if (tags.size() > 1000) return Status::FailedPrecondition((*r)->Name() + " has too many tags to change");
  auto find = [&](const std::string& tag) {
    std::string folded = FoldName(tag);
    return std::find_if(tags.begin(), tags.end(), [&](const std::string& t) { return FoldName(t) == folded; });
  };
  for (const auto& t : c.add) {
    RAPPORT_RETURN_IF_ERROR(ValidateTag(t, "add"));
    if (find(t) == tags.end()) tags.push_back(Trim(t));
  }
  for (const auto& t : c.remove) {
    RAPPORT_RETURN_IF_ERROR(ValidateTag(t, "remove"));
    auto it = find(t);
    if (it != tags.end()) tags.erase(it);
  }
  fb::UpdateRecordT u;
  u.record_type = c.record_type;
  u.record_id = c.record_id;
  if (tags.empty()) {
    u.unset.push_back("tags");
  } else {
    auto fv = std::make_unique<fb::FieldValueT>();
    fv->field = "tags";
    fv->value = Boxed(ListValue(tags));
    u.set.push_back(std::move(fv));
  }
  return DecideUpdate(env, u);
}

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The member after `last` among `members` (sorted), wrapping around.
std::string NextInTurn(const std::vector<std::string>& members, const std::string& last) {
  auto it = std::upper_bound(members.begin(), members.end(), last);
  return it == members.end() ? members.front() : *it;
}

// The user `routing` picks in `team` for `record`.
Result<std::string> Route(Env& env, const fb::RouteOwnerT& c, const RecordState& team, const RecordState& record) {
  if (c.routing == "team_lead") {
    const std::string& lead = team.Text("manager_id");
    if (lead.empty() || env.dir.active_user(lead) == nullptr) {
      return Status::FailedPrecondition("team " + team.id + " has no active manager to route to");
    }
    return lead;
  }
  std::vector<std::string> active;
  for (const auto& m : team.members) {
    if (env.dir.active_user(m) != nullptr) active.push_back(m);  // team.members is sorted
  }
  if (active.empty()) return Status::FailedPrecondition("team " + team.id + " has no active members to route to");
  if (c.routing == "least_open_deals") {
    if (std::find(active.begin(), active.end(), c.candidate) == active.end()) {
      return Status::InvalidArgument("candidate: " + (c.candidate.empty() ? std::string("(none)") : c.candidate) +
                                     " is not an active member of team " + team.id);
    }
    return c.candidate;
  }
  if (c.routing == "territory") {
    std::string where;
    const RecordState* place = &record;
    if (record.type != kCompany && !record.Text("company_id").empty()) {
      auto co = env.Maybe(kCompany, record.Text("company_id"));
      if (!co.ok()) return co.status();
      if (*co != nullptr) place = *co;
    }
    std::vector<std::string> local;
    for (const char* f : {"region", "country", "territory"}) {
      std::string v = Lower(Trim(place->Text(f)));
      if (v.empty()) continue;
      for (const auto& m : active) {
        if (Lower(Trim(env.dir.user(m)->Text("territory"))) == v) local.push_back(m);
      }
      if (!local.empty()) break;
    }
    if (!local.empty()) return NextInTurn(local, team.Text("last_routed_id"));
  } else if (c.routing != "round_robin") {
    return Status::InvalidArgument("routing must be round_robin, territory, least_open_deals or team_lead");
  }
  return NextInTurn(active, team.Text("last_routed_id"));
}

Result<Decision> RouteOwner(Env& env, const fb::RouteOwnerT& c) {
  if (c.record_type != kContact && c.record_type != kCompany && c.record_type != kDeal && c.record_type != kTicket) {
    return Status::InvalidArgument("record_type: owners are routed for contacts, companies, deals and tickets");
  }
  auto team = env.Live(kTeam, c.team_id, "team_id");
  if (!team.ok()) return team.status();
  auto r = env.Live(c.record_type, c.record_id, "record_id");
  if (!r.ok()) return r.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **r, env.dir));
  auto chosen = Route(env, c, **team, **r);
  if (!chosen.ok()) return chosen.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanAssignTo(env.actor, *chosen, env.dir, "team_id"));
  const char* field = c.record_type == kTicket ? "assignee_id" : "owner_id";
  if ((*r)->Text(field) == *chosen) return env.Done(c.record_type, c.record_id);  // already theirs
  if (c.record_type == kTicket) {
    if ((*r)->Text("status") == "closed") {
      return Status::FailedPrecondition("ticket " + c.record_id + " is closed: reopen it first");
    }
    fb::TicketAssignedT e;
    e.ticket_id = c.record_id;
    e.old_assignee_id = (*r)->Text("assignee_id");
    e.new_assignee_id = *chosen;
    env.EmitOn(**r, std::move(e));
  } else {
    fb::UpdateRecordT u;
    u.record_type = c.record_type;
    u.record_id = c.record_id;
    auto fv = std::make_unique<fb::FieldValueT>();
    fv->field = "owner_id";
    fv->value = Boxed(RefValue(*chosen));
    u.set.push_back(std::move(fv));
    auto d = DecideUpdate(env, u);
    if (!d.ok()) return d.status();
    env.decision = std::move(*d);
  }
  fb::TeamAssignmentRoutedT e;
  e.team_id = c.team_id;
  e.user_id = *chosen;
  e.routing = c.routing;
  e.record_type = c.record_type;
  e.record_id = c.record_id;
  env.EmitOn(**team, std::move(e));
  return env.Done(c.record_type, c.record_id);
}

Result<Decision> SendNotification(Env& env, const fb::SendNotificationT& c) {
  auto id = env.NewRecordId(kNotification, c.notification_id, "notification_id");
  if (!id.ok()) return id.status();
  if (c.recipient_ids.empty() || c.recipient_ids.size() > 100) {
    return Status::InvalidArgument("recipient_ids: name 1 to 100 users");
  }
  for (const auto& u : c.recipient_ids) RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, u, "recipient_ids"));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.message, "message", 1000, true, true));
  if (!c.record_type.empty() || !c.record_id.empty()) {
    bool known = false;
    for (std::string_view t : {kContact, kCompany, kDeal, kContract, kActivity, kTask, kTicket}) known |= c.record_type == t;
    if (!known) return Status::InvalidArgument("record_type: '" + c.record_type + "' is not a record notifications can be about");
    auto r = env.Maybe(c.record_type, c.record_id);
    if (!r.ok()) return r.status();
    if (*r == nullptr) return Status::NotFound("record_id: " + c.record_type + " " + c.record_id + " does not exist");
  }
  fb::NotificationSentT e;
  e.notification_id = *id;
  e.recipient_ids = c.recipient_ids;
  e.message = c.message;
  e.record_type = c.record_type;
  e.record_id = c.record_id;
  env.EmitNew(kNotification, *id, std::move(e));
  return env.Done(kNotification, *id);
}

Result<Decision> RecordFiring(Env& env, const fb::RecordFiringT& c) {
  if (!env.actor.system) {
    return Status::PermissionDenied("only rapport's automation records rule firings");
  }
  auto id = env.NewRecordId(kFiring, c.firing_id, "firing_id");
  if (!id.ok()) return id.status();
  auto rule = env.Maybe(kRule, c.rule_id);
  if (!rule.ok()) return rule.status();
  if (*rule == nullptr) return Status::NotFound("rule_id: rule " + c.rule_id + " does not exist");
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.trigger_key, "trigger_key", 200, true));
  if (c.problems.size() > 32) return Status::InvalidArgument("problems: at most 32");
  fb::RuleFiredT e;
  e.firing_id = *id;
  e.rule_id = c.rule_id;
  e.trigger_key = c.trigger_key;
  e.trigger_position = c.trigger_position;
  e.record_type = c.record_type;
  e.record_id = c.record_id;
  e.actions_run = c.actions_run;
  e.actions_repeated = c.actions_repeated;
  e.actions_skipped = c.actions_skipped;
  for (const auto& p : c.problems) e.problems.push_back(TruncateUtf8(p, 1000));
  env.EmitNew(kFiring, *id, std::move(e));
  return env.Done(kFiring, *id);
}

}  // namespace

MaybeDecision DecideAutomation(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::DefineRule: return DefineRule(env, *b.AsDefineRule());
    case fb::CommandBody::ChangeRule: return ChangeRule(env, *b.AsChangeRule());
    case fb::CommandBody::EnableRule: return EnableRule(env, *b.AsEnableRule());
    case fb::CommandBody::DisableRule: return DisableRule(env, *b.AsDisableRule());
    case fb::CommandBody::TagRecord: return TagRecord(env, *b.AsTagRecord());
    case fb::CommandBody::RouteOwner: return RouteOwner(env, *b.AsRouteOwner());
    case fb::CommandBody::SendNotification: return SendNotification(env, *b.AsSendNotification());
    case fb::CommandBody::RecordFiring: return RecordFiring(env, *b.AsRecordFiring());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
