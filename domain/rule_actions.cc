// PlanAction: the command one action of a firing rule runs (domain/rules.h).
#include <algorithm>

#include "domain/enums.h"
#include "domain/rules.h"
#include "domain/text.h"
#include "domain/value.h"

namespace rapport::domain {
namespace {

using Planned = Result<std::optional<fb::CommandT>>;

// The action does not apply here: nothing to run.
Planned Skip() { return std::optional<fb::CommandT>(); }

// The user a record belongs to: its owner, or its assignee (tasks, tickets), or its author.
std::string OwnerOf(const RecordState& r) {
  for (const char* f : {"owner_id", "assignee_id", "author_id"}) {
    if (!r.Text(f).empty()) return r.Text(f);
  }
  return "";
}

std::string NameOf(const RecordState& r) {
  if (!r.Text("name").empty()) return r.Text("name");
  std::string person = Trim(r.Text("first_name") + " " + r.Text("last_name"));
  if (!person.empty()) return person;
  for (const char* f : {"title", "subject", "form_name"}) {
    if (!r.Text(f).empty()) return r.Text(f);
  }
  return r.id;
}

std::string Render(const std::string& text, const RecordState& r, const fb::RuleDefinitionT& rule,
                   const Directory& dir) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      size_t end = text.find('}', i);
      if (end != std::string::npos) {
        std::string key = text.substr(i + 1, end - i - 1);
        bool known = true;
        std::string v;
        if (key == "id") v = r.id;
        else if (key == "name") v = NameOf(r);
        else if (key == "type") v = r.type;
        else if (key == "rule") v = rule.name;
        else if (key == "amount") v = FormatValue(r.Get("amount"));
        else if (key == "owner") {
          std::string o = OwnerOf(r);
          const RecordState* u = dir.user(o);
          v = u ? u->Text("name") : o;
        } else known = false;
        if (known) {
          out += v;
          i = end;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

// The user an action names: "owner", "manager" or a user id.
Result<std::string> ResolveUser(const std::string& who, const RecordState& subject, const Directory& dir) {
  std::string owner = OwnerOf(subject);
  if (who.empty() || who == "owner") {
    if (owner.empty()) return Status::FailedPrecondition(subject.Name() + " has no owner to act for");
    return owner;
  }
  if (who == "manager") {
    if (owner.empty()) return Status::FailedPrecondition(subject.Name() + " has no owner, so no manager");
    for (const std::string& team : dir.TeamsOf(owner)) {
      const RecordState* t = dir.team(team);
      if (t == nullptr) continue;
      const std::string& m = t->Text("manager_id");
      if (!m.empty() && dir.active_user(m) != nullptr) return m;
    }
    return Status::FailedPrecondition("user " + owner + " (owner of " + subject.Name() +
                                      ") is in no team with an active manager");
  }
  return who;
}

// Links a task created for `r` carries.
std::unique_ptr<fb::LinksT> LinksFor(const RecordState& r) {
  auto l = std::make_unique<fb::LinksT>();
  auto add = [](std::vector<std::string>* v, const std::string& id) {
    if (!id.empty() && std::find(v->begin(), v->end(), id) == v->end()) v->push_back(id);
  };
  if (r.type == kContact) add(&l->contact_ids, r.id);
  if (r.type == kCompany) add(&l->company_ids, r.id);
  if (r.type == kDeal) add(&l->deal_ids, r.id);
  if (r.type == kTicket) add(&l->ticket_ids, r.id);
  if (r.type == kContract) add(&l->deal_ids, r.Text("deal_id"));
  if (r.type == kDeal || r.type == kContract || r.type == kContact || r.type == kTicket) {
    add(&l->company_ids, r.Text("company_id"));
  }
  if (r.type == kTicket) add(&l->contact_ids, r.Text("contact_id"));
  if (r.type == kActivity || r.type == kTask) {
    for (const auto& id : r.List("contact_ids")) add(&l->contact_ids, id);
    for (const auto& id : r.List("company_ids")) add(&l->company_ids, id);
    for (const auto& id : r.List("deal_ids")) add(&l->deal_ids, id);
    for (const auto& id : r.List("ticket_ids")) add(&l->ticket_ids, id);
  }
  return l;
}

fb::CommandT NewCommand(const PlanInput& in) {
  fb::CommandT c;
  c.command_id = ActionCommandId(*in.firing, in.index);
  c.causation_id = AutomationCausation(*in.firing);
  c.correlation_id = in.firing->correlation_id;
  c.occurred_at_us = in.firing->at;
  return c;
}

template <typename T>
Planned With(const PlanInput& in, T body) {
  fb::CommandT c = NewCommand(in);
  c.body.Set(std::move(body));
  return std::optional<fb::CommandT>(std::move(c));
}

const nlohmann::json* Member(const nlohmann::json* j, const char* key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

Planned PlanCreateContact(const PlanInput& in) {
  const nlohmann::json* event = in.event;
  std::string email = FormEmail(event);
  std::string first = FormField(event, "first_name"), last = FormField(event, "last_name");
  if (first.empty() && last.empty()) {
    std::string name = FormField(event, "name");
    size_t sp = name.rfind(' ');
    if (sp == std::string::npos) {
      last = name;
    } else {
      first = Trim(name.substr(0, sp));
      last = Trim(name.substr(sp + 1));
    }
  }
  if (email.empty() && first.empty() && last.empty()) {
    return Status::FailedPrecondition("the form has neither an email nor a name to create a contact from");
  }
  fb::CreateContactT c;
  if (!email.empty()) c.emails.push_back(email);
  c.first_name = first;
  c.last_name = last;
  c.title = FormField(event, "title");
  std::string form = event ? event->value("form_name", "") : "";
  c.source = form.empty() ? "web form" : "web form: " + form;
  c.lifecycle = fb::Lifecycle::Lead;
  return With(in, std::move(c));
}

Planned PlanRenewal(const PlanInput& in, const RecordState& contract) {
  const RecordState* deal = in.lookup ? in.lookup(kDeal, contract.Text("deal_id")) : nullptr;
  if (deal == nullptr) {
    return Status::FailedPrecondition(contract.Name() + " has no deal to renew from");
  }
  const RecordState* pipeline = in.dir->pipeline(deal->Text("pipeline_id"));
  if (pipeline == nullptr || pipeline->stages.empty()) {
    return Status::FailedPrecondition("pipeline " + deal->Text("pipeline_id") + " of " + deal->Name() +
                                      " has no open stage for a renewal");
  }
  fb::OpenDealT d;
  d.name = "Renewal: " + NameOf(*deal);
  d.name = TruncateUtf8(std::move(d.name), 200);
  d.pipeline_id = deal->Text("pipeline_id");
  d.stage_id = pipeline->stages.front().id;
  const Value& amount = contract.Get("amount").kind == ValueKind::Money ? contract.Get("amount") : deal->Get("amount");
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = amount.int_value;
  m->currency = amount.currency;
  d.amount = std::move(m);
  if (contract.Get("renewal_date").kind == ValueKind::Date) {
    d.expected_close_date = static_cast<int32_t>(contract.Int("renewal_date"));
  }
  d.owner_id = contract.Text("owner_id").empty() ? deal->Text("owner_id") : contract.Text("owner_id");
  if (in.dir->active_user(d.owner_id) == nullptr) {
    return Status::FailedPrecondition("owner " + d.owner_id + " of " + contract.Name() + " is not active");
  }
  d.company_id = contract.Text("company_id");
  d.contact_ids = deal->List("contact_ids");
  d.source = "renewal of " + contract.id;
  return With(in, std::move(d));
}

}  // namespace

Result<std::optional<fb::CommandT>> PlanAction(const PlanInput& in) {
  const fb::RuleActionT& a = *in.rule->actions.at(in.index);
  const RecordState& s = *in.subject;
  const Directory& dir = *in.dir;
  switch (a.kind) {
    case fb::RuleActionKind::CreateTask: {
      auto who = ResolveUser(a.assignee, s, dir);
      if (!who.ok()) return who.status();
      fb::CreateTaskT t;
      t.title = Render(a.text, s, *in.rule, dir);
      t.title = TruncateUtf8(std::move(t.title), 300);
      t.notes = "Created by rule " + in.firing->rule_id + " (" + in.rule->name + ")";
      t.due_us = in.firing->at + a.due_minutes * 60 * kMicrosPerSecond;
      t.assignee_id = *who;
      t.priority = a.priority;
      t.links = LinksFor(s);
      return With(in, std::move(t));
    }
    case fb::RuleActionKind::Notify: {
      auto who = ResolveUser(a.assignee, s, dir);
      if (!who.ok()) return who.status();
      fb::SendNotificationT n;
      n.recipient_ids = {*who};
      n.message = Render(a.text, s, *in.rule, dir);
      n.message = TruncateUtf8(std::move(n.message), 1000);
      n.record_type = s.type;
      n.record_id = s.id;
      return With(in, std::move(n));
    }
    case fb::RuleActionKind::AssignOwner: {
      if (s.type != kContact && s.type != kCompany && s.type != kDeal && s.type != kTicket) return Skip();
      fb::RouteOwnerT r;
      r.record_type = s.type;
      r.record_id = s.id;
      r.team_id = a.team_id;
      r.routing = a.routing;
      if (a.routing == "least_open_deals") {
        const RecordState* team = dir.team(a.team_id);
        int64_t best = INT64_MAX;
        if (team != nullptr) {
          for (const std::string& m : team->members) {  // std::set: ties go to the first id
            if (dir.active_user(m) == nullptr) continue;
            auto it = in.open_deals.find(m);
            int64_t n = it == in.open_deals.end() ? 0 : it->second;
            if (n < best) {
              best = n;
              r.candidate = m;
            }
          }
        }
      }
      return With(in, std::move(r));
    }
    case fb::RuleActionKind::SetLifecycle: {
      if (s.type != kContact) return Skip();
      if (s.Text("lifecycle") == LifecycleName(a.lifecycle)) return Skip();
      fb::ChangeLifecycleT c;
      c.contact_id = s.id;
      c.stage = a.lifecycle;
      c.reason = "rule " + in.firing->rule_id + ": " + in.rule->name;
      c.reason = TruncateUtf8(std::move(c.reason), 500);
      return With(in, std::move(c));
    }
    case fb::RuleActionKind::AddTag:
    case fb::RuleActionKind::RemoveTag: {
      if (s.type != kContact && s.type != kCompany) return Skip();
      const auto& tags = s.List("tags");
      bool has = std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return FoldName(t) == FoldName(a.tag); });
      bool add = a.kind == fb::RuleActionKind::AddTag;
      if (has == add) return Skip();
      fb::TagRecordT t;
      t.record_type = s.type;
      t.record_id = s.id;
      (add ? t.add : t.remove).push_back(a.tag);
      return With(in, std::move(t));
    }
    case fb::RuleActionKind::OpenRenewalDeal:
      if (s.type != kContract) return Skip();
      if (s.Text("status") != "active") return Skip();
      return PlanRenewal(in, s);
    case fb::RuleActionKind::CreateContact: {
      const nlohmann::json* links = Member(in.event, "links");
      const nlohmann::json* contacts = Member(links, "contact_ids");
      if (contacts != nullptr && contacts->is_array() && !contacts->empty()) return Skip();
      return PlanCreateContact(in);
    }
    default:
      return Status::InvalidArgument("action " + std::to_string(in.index) + " of rule " + in.firing->rule_id +
                                     " has an unknown kind: upgrade rapport");
  }
}

}  // namespace rapport::domain
