// Rule definitions: names, validation and conditions. Planning actions is in
// rule_actions.cc, the built-in templates in rule_templates.cc.
#include "domain/rules.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "domain/enums.h"
#include "domain/text.h"
#include "domain/value.h"

namespace rapport::domain {
namespace {

const char* const kOps[] = {"=", "!=", ">", ">=", "<", "<=", "contains", "in", "set", "empty"};

bool KnownOp(std::string_view op) {
  return std::find(std::begin(kOps), std::end(kOps), op) != std::end(kOps);
}

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.emplace_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool KnownEventType(std::string_view name) {
  for (fb::Payload p : fb::EnumValuesPayload()) {
    if (p != fb::Payload::NONE && name == fb::EnumNamePayload(p)) return true;
  }
  return false;
}

bool KnownRecordType(std::string_view t) {
  for (std::string_view k : {kContact, kCompany, kDeal, kContract, kActivity, kTask, kTicket}) {
    if (t == k) return true;
  }
  return false;
}

// The record type a time trigger is about.
std::string TimeTriggerRecordType(fb::RuleTrigger t) {
  switch (t) {
    case fb::RuleTrigger::DealIdle:
    case fb::RuleTrigger::CloseDateNear: return std::string(kDeal);
    case fb::RuleTrigger::RenewalNear: return std::string(kContract);
    case fb::RuleTrigger::TaskOverdue: return std::string(kTask);
    case fb::RuleTrigger::TicketWaiting: return std::string(kTicket);
    case fb::RuleTrigger::LeadUncontacted: return std::string(kContact);
    default: return "";
  }
}

// A value to compare: numbers compare as numbers, everything else as case-folded text.
struct Operand {
  bool present = false;
  ValueKind kind = ValueKind::Text;  // of a record value; Text for event fields
  bool numeric = false;
  long double number = 0;
  std::string currency;  // money
  std::string text;      // lower case
  std::vector<std::string> list;  // lower case (lists)
  bool is_list = false;
};

long double Scaled(int64_t units, int scale) {
  long double v = static_cast<long double>(units);
  for (int i = 0; i < scale; ++i) v /= 10;
  return v;
}

Operand FromValue(const Value& v) {
  Operand o;
  if (IsEmpty(v)) return o;
  o.present = true;
  o.kind = v.kind;
  switch (v.kind) {
    case ValueKind::Number:
      o.numeric = true;
      o.number = Scaled(v.int_value, v.scale);
      break;
    case ValueKind::Money:
      o.numeric = true;
      o.number = static_cast<long double>(v.int_value);  // minor units
      o.currency = v.currency;
      break;
    case ValueKind::Date:
    case ValueKind::Instant:
    case ValueKind::Bool:
      o.numeric = true;
      o.number = static_cast<long double>(v.int_value);
      break;
    case ValueKind::List:
      o.is_list = true;
      for (const auto& i : v.list) o.list.push_back(Lower(i));
      break;
    default:
      break;
  }
  o.text = Lower(FormatValue(v));
  return o;
}

Operand FromJson(const nlohmann::json& j) {
  Operand o;
  if (j.is_null()) return o;
  o.present = true;
  if (j.is_number()) {
    o.numeric = true;
    o.number = j.get<long double>();
    o.text = j.dump();
  } else if (j.is_boolean()) {
    o.numeric = true;
    o.number = j.get<bool>() ? 1 : 0;
    o.text = j.get<bool>() ? "true" : "false";
  } else if (j.is_string()) {
    o.text = Lower(j.get<std::string>());
    o.present = !o.text.empty();
    // Form fields and other text that holds a number compare as numbers.
    auto n = ParseValue(ValueKind::Number, o.text, "value", "");
    if (o.present && n.ok()) {
      o.numeric = true;
      o.number = Scaled(n->int_value, n->scale);
    }
  } else if (j.is_array()) {
    o.is_list = true;
    for (const auto& x : j) o.list.push_back(x.is_string() ? Lower(x.get<std::string>()) : Lower(x.dump()));
    o.present = !o.list.empty();
  } else {
    o.text = Lower(j.dump());
  }
  return o;
}

// "event.fields.country" in a payload: objects by member, [{key, value}] lists by key.
const nlohmann::json* JsonPath(const nlohmann::json& root, std::string_view path) {
  const nlohmann::json* at = &root;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string part(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (at->is_object()) {
      auto it = at->find(part);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      const nlohmann::json* found = nullptr;
      for (const auto& x : *at) {
        if (x.is_object() && x.contains("key") && x["key"].is_string() &&
            Lower(x["key"].get<std::string>()) == Lower(part)) {
          found = x.contains("value") ? &x["value"] : nullptr;
          break;
        }
      }
      if (!found) return nullptr;
      at = found;
    } else {
      return nullptr;
    }
  }
  return at;
}

// The condition's value read like the field it is compared with.
Operand Expected(const fb::RuleConditionT& c, const Operand& actual, const TriggerFacts& facts) {
  Operand o;
  o.present = true;
  o.text = Lower(Trim(c.value));
  if (actual.numeric) {
    if (!actual.currency.empty()) {
      auto v = ParseValue(ValueKind::Money, c.value, c.field, actual.currency);
      if (v.ok()) {
        o.numeric = true;
        o.number = static_cast<long double>(v->int_value);
        o.currency = v->currency;
      }
    } else if (actual.kind == ValueKind::Date || actual.kind == ValueKind::Instant || actual.kind == ValueKind::Bool) {
      auto v = ParseValue(actual.kind, c.value, c.field, facts.home_currency);
      if (v.ok()) {
        o.numeric = true;
        o.number = static_cast<long double>(v->int_value);
      }
    } else {
      for (ValueKind k : {ValueKind::Number, ValueKind::Date, ValueKind::Instant, ValueKind::Bool}) {
        auto v = ParseValue(k, c.value, c.field, facts.home_currency);
        if (!v.ok()) continue;
        o.numeric = true;
        o.number = k == ValueKind::Number ? Scaled(v->int_value, v->scale)
                                          : static_cast<long double>(v->int_value);
        break;
      }
    }
  }
  return o;
}

// Money in two currencies compares in the home currency at the rates of `day`.
void ToCommonCurrency(Operand* a, Operand* b, const TriggerFacts& facts) {
  if (a->currency == b->currency || facts.rates == nullptr || a->currency.empty() || b->currency.empty()) return;
  auto x = facts.rates->ToHome(static_cast<int64_t>(a->number), a->currency, facts.day);
  auto y = facts.rates->ToHome(static_cast<int64_t>(b->number), b->currency, facts.day);
  if (!x.ok() || !y.ok()) return;  // no rate: they stay apart and compare unequal
  a->number = static_cast<long double>(*x);
  b->number = static_cast<long double>(*y);
  a->currency = b->currency = facts.home_currency;
}

bool Compare(const std::string& op, const Operand& a, const Operand& b) {
  if (op == "set") return a.present;
  if (op == "empty") return !a.present;
  if (!a.present) return op == "!=";
  if (op == "in") {
    std::vector<std::string> options;
    for (const auto& part : SplitCommas(b.text)) options.push_back(Lower(Trim(part)));
    if (a.is_list) {
      for (const auto& x : a.list) {
        if (std::find(options.begin(), options.end(), x) != options.end()) return true;
      }
      return false;
    }
    return std::find(options.begin(), options.end(), a.text) != options.end();
  }
  if (op == "contains") {
    if (a.is_list) return std::find(a.list.begin(), a.list.end(), b.text) != a.list.end();
    return a.text.find(b.text) != std::string::npos;
  }
  int cmp;
  if (a.numeric && b.numeric) {
    if (a.currency != b.currency) return op == "!=";  // money in another currency: never equal
    cmp = a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
  } else {
    cmp = a.text.compare(b.text);
    cmp = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
  }
  if (op == "=") return cmp == 0;
  if (op == "!=") return cmp != 0;
  if (op == ">") return cmp > 0;
  if (op == ">=") return cmp >= 0;
  if (op == "<") return cmp < 0;
  if (op == "<=") return cmp <= 0;
  return false;
}

Status CheckAction(const fb::RuleActionT& a, const std::string& at, const std::string& record_type,
                   fb::RuleTrigger trigger, const std::string& event_type, bool after_create_contact,
                   const Directory& dir) {
  // Every field bounded, whatever the kind uses: a rule is read again for every event.
  RAPPORT_RETURN_IF_ERROR(ValidateText(a.text, at + "text", 1000, false));
  for (auto [value, name] : {std::pair{&a.assignee, "assignee"}, {&a.routing, "routing"}, {&a.team_id, "team_id"},
                             {&a.tag, "tag"}}) {
    RAPPORT_RETURN_IF_ERROR(ValidateText(*value, at + name, 100, false));
  }
  if (a.due_minutes > 3660LL * 24 * 60) return Status::InvalidArgument(at + "due_minutes: at most 10 years");
  if (static_cast<int>(a.priority) > static_cast<int>(fb::Priority::MAX)) {
    return Status::InvalidArgument(at + "priority: one of " + PriorityNames());
  }
  if (static_cast<int>(a.lifecycle) > static_cast<int>(fb::Lifecycle::MAX)) {
    return Status::InvalidArgument(at + "lifecycle: one of " + LifecycleNames());
  }
  // The record an action changes: activities act on their contact.
  std::string target = after_create_contact ? std::string(kContact) : record_type;
  if (target == kActivity) target = std::string(kContact);
  auto user_or_role = [&](const std::string& who, const std::string& field) -> Status {
    if (who.empty() || who == "owner" || who == "manager") return Status::Ok();
    if (dir.active_user(who) == nullptr) {
      return Status::InvalidArgument(at + field + ": " + who +
                                     " is not an active user (or use \"owner\" or \"manager\")");
    }
    return Status::Ok();
  };
  switch (a.kind) {
    case fb::RuleActionKind::CreateTask:
      RAPPORT_RETURN_IF_ERROR(ValidateText(a.text, at + "text", 300, true));
      if (a.due_minutes < 0) return Status::InvalidArgument(at + "due_minutes must not be negative");
      return user_or_role(a.assignee, "assignee");
    case fb::RuleActionKind::Notify:
      RAPPORT_RETURN_IF_ERROR(ValidateText(a.text, at + "text", 1000, true));
      return user_or_role(a.assignee, "assignee");
    case fb::RuleActionKind::AssignOwner: {
      if (a.routing != "round_robin" && a.routing != "territory" && a.routing != "least_open_deals" &&
          a.routing != "team_lead") {
        return Status::InvalidArgument(at + "routing must be round_robin, territory, least_open_deals or team_lead");
      }
      const RecordState* team = dir.team(a.team_id);
      if (a.team_id.empty()) return Status::InvalidArgument(at + "team_id is required to route within");
      if (team == nullptr || !team->live()) {
        return Status::InvalidArgument(at + "team_id: team " + a.team_id + " does not exist");
      }
      if (target != kContact && target != kCompany && target != kDeal && target != kTicket) {
        return Status::InvalidArgument(at + "AssignOwner applies to contacts, companies, deals and tickets, not " + target);
      }
      return Status::Ok();
    }
    case fb::RuleActionKind::SetLifecycle:
      if (a.lifecycle == fb::Lifecycle::Unspecified) {
        return Status::InvalidArgument(at + "lifecycle is required (" + LifecycleNames() + ")");
      }
      if (target != kContact) return Status::InvalidArgument(at + "SetLifecycle applies to contacts, not " + target);
      return Status::Ok();
    case fb::RuleActionKind::AddTag:
    case fb::RuleActionKind::RemoveTag:
      RAPPORT_RETURN_IF_ERROR(ValidateTag(a.tag, at + "tag"));
      if (target != kContact && target != kCompany) {
        return Status::InvalidArgument(at + "tags apply to contacts and companies, not " + target);
      }
      return Status::Ok();
    case fb::RuleActionKind::OpenRenewalDeal:
      if (record_type != kContract) {
        return Status::InvalidArgument(at + "OpenRenewalDeal applies to contracts (trigger RenewalNear or a Contract event)");
      }
      return Status::Ok();
    case fb::RuleActionKind::CreateContact:
      if (trigger != fb::RuleTrigger::Event || event_type != "FormSubmitted") {
        return Status::InvalidArgument(at + "CreateContact applies to FormSubmitted events");
      }
      return Status::Ok();
    default:
      return Status::InvalidArgument(at + "kind is required (CreateTask, AssignOwner, SetLifecycle, AddTag, "
                                          "RemoveTag, OpenRenewalDeal, Notify, CreateContact)");
  }
}

}  // namespace

fb::RuleDefinitionT RuleDefinitionOf(const RecordState& rule) {
  fb::RuleDefinitionT d;
  if (rule.packed_definition.empty()) return d;
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(rule.packed_definition.data()),
                          rule.packed_definition.size());
  if (!v.VerifyBuffer<fb::RuleDefinition>(nullptr)) return d;
  flatbuffers::GetRoot<fb::RuleDefinition>(rule.packed_definition.data())->UnPackTo(&d);
  return d;
}

bool RuleEnabled(const RecordState& rule) { return rule.live() && rule.Int("enabled") != 0; }

bool IsTimeTrigger(fb::RuleTrigger t) {
  return t != fb::RuleTrigger::Unspecified && t != fb::RuleTrigger::Event;
}

std::string RuleTriggerName(fb::RuleTrigger t) {
  const char* n = fb::EnumNameRuleTrigger(t);
  return n && *n ? n : "unknown";
}

std::string RuleActionKindName(fb::RuleActionKind k) {
  const char* n = fb::EnumNameRuleActionKind(k);
  return n && *n ? n : "unknown";
}

std::string RecordTypeOfEvent(std::string_view t) {
  auto starts = [&](std::string_view p) { return t.substr(0, p.size()) == p; };
  if (starts("Deal")) return std::string(kDeal);
  if (starts("Contract")) return std::string(kContract);
  if (starts("Contact") || t == "LeadScored") return std::string(kContact);
  if (starts("Company")) return std::string(kCompany);
  if (starts("Task")) return std::string(kTask);
  if (starts("Ticket")) return std::string(kTicket);
  for (std::string_view a : {"EmailLogged", "CallLogged", "MeetingLogged", "NoteLogged", "FormSubmitted",
                             "ActivityUpdated", "ActivityDeleted"}) {
    if (t == a) return std::string(kActivity);
  }
  return "";
}

std::string RuleRecordType(const fb::RuleDefinitionT& d) {
  if (!d.record_type.empty()) return d.record_type;
  if (d.trigger == fb::RuleTrigger::Event) return RecordTypeOfEvent(d.event_type);
  return TimeTriggerRecordType(d.trigger);
}

Status CheckCondition(const std::string& field, const std::string& op, const std::string& value,
                      const std::string& at) {
  if (field.empty()) return Status::InvalidArgument(at + "field is required");
  RAPPORT_RETURN_IF_ERROR(ValidateText(field, at + "field", 100, true));
  if (!KnownOp(op)) {
    return Status::InvalidArgument(at + "op: \"" + op + "\" is not one of = != > >= < <= contains in set empty");
  }
  if (op != "set" && op != "empty" && Trim(value).empty()) {
    return Status::InvalidArgument(at + "value is required for " + op);
  }
  return ValidateText(value, at + "value", 1000, false);
}

Status CheckRuleDefinition(const fb::RuleDefinitionT& d, const Directory& dir) {
  RAPPORT_RETURN_IF_ERROR(ValidateText(d.name, "name", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(d.description, "description", 2000, false));
  if (d.trigger == fb::RuleTrigger::Unspecified) {
    return Status::InvalidArgument(
        "trigger is required: Event, DealIdle, CloseDateNear, RenewalNear, TaskOverdue, TicketWaiting or LeadUncontacted");
  }
  if (d.trigger == fb::RuleTrigger::Event) {
    if (d.event_type.empty()) return Status::InvalidArgument("event_type is required for an Event trigger (e.g. DealStageMoved)");
    if (!KnownEventType(d.event_type)) {
      return Status::InvalidArgument("event_type: " + d.event_type + " is not an event type (see docs/events.md)");
    }
    if (RecordTypeOfEvent(d.event_type).empty()) {
      return Status::InvalidArgument("event_type: " + d.event_type +
                                     " is not about a contact, company, deal, contract, activity, task or ticket");
    }
    if (d.wait_minutes != 0) return Status::InvalidArgument("wait_minutes applies to time triggers only");
  } else {
    if (!d.event_type.empty()) return Status::InvalidArgument("event_type applies to Event triggers only");
    if (d.wait_minutes <= 0 || d.wait_minutes > 3660LL * 24 * 60) {
      return Status::InvalidArgument("wait_minutes must be between 1 minute and 10 years for a " +
                                     RuleTriggerName(d.trigger) + " trigger");
    }
    if (d.include_imports) return Status::InvalidArgument("include_imports applies to Event triggers only");
  }
  std::string record_type = RuleRecordType(d);
  std::string natural = d.trigger == fb::RuleTrigger::Event ? RecordTypeOfEvent(d.event_type)
                                                             : TimeTriggerRecordType(d.trigger);
  if (!d.record_type.empty() && d.record_type != natural) {
    return Status::InvalidArgument("record_type: a " + RuleTriggerName(d.trigger) +
                                   (d.trigger == fb::RuleTrigger::Event ? " " + d.event_type : "") +
                                   " trigger is about a " + natural + ", not a " + d.record_type);
  }
  if (!KnownRecordType(record_type)) return Status::InvalidArgument("record_type: unknown record type " + record_type);
  if (d.conditions.size() > 32) return Status::InvalidArgument("conditions: at most 32");
  for (size_t i = 0; i < d.conditions.size(); ++i) {
    const auto& c = *d.conditions[i];
    std::string at = "conditions[" + std::to_string(i) + "].";
    RAPPORT_RETURN_IF_ERROR(CheckCondition(c.field, c.op, c.value, at));
    if (c.field.rfind("event.", 0) == 0 && d.trigger != fb::RuleTrigger::Event) {
      return Status::InvalidArgument(at + "field: event fields apply to Event triggers only");
    }
  }
  if (d.actions.empty()) return Status::InvalidArgument("actions: a rule needs at least one action");
  if (d.actions.size() > 16) return Status::InvalidArgument("actions: at most 16");
  bool created_contact = false;
  for (size_t i = 0; i < d.actions.size(); ++i) {
    const auto& a = *d.actions[i];
    std::string at = "actions[" + std::to_string(i) + "].";
    RAPPORT_RETURN_IF_ERROR(CheckAction(a, at, record_type, d.trigger, d.event_type, created_contact, dir));
    if (a.kind == fb::RuleActionKind::CreateContact) {
      if (created_contact) return Status::InvalidArgument(at + "kind: CreateContact is given twice");
      created_contact = true;
    }
  }
  return Status::Ok();
}

bool ConditionsHold(const fb::RuleDefinitionT& d, const TriggerFacts& facts) {
  for (const auto& cp : d.conditions) {
    if (!ConditionHolds(*cp, facts)) return false;
  }
  return true;
}

bool ConditionHolds(const fb::RuleConditionT& c, const TriggerFacts& facts) {
  {
    Operand actual;
    if (c.field.rfind("event.", 0) == 0) {
      if (facts.event != nullptr) {
        if (const nlohmann::json* j = JsonPath(*facts.event, std::string_view(c.field).substr(6))) {
          actual = FromJson(*j);
        }
      }
    } else if (facts.record != nullptr) {
      if (c.field == "id") {
        actual = FromValue(TextValue(facts.record->id));
      } else {
        actual = FromValue(facts.record->Get(c.field));
      }
    }
    // A field the record or event does not have: only `empty` and `!=` hold (as Compare
    // says), whatever the expected value is, so it is not parsed.
    if (!actual.present) return c.op == "empty" || c.op == "!=";
    Operand expected = Expected(c, actual, facts);
    ToCommonCurrency(&actual, &expected, facts);
    return Compare(c.op, actual, expected);
  }
}

namespace {

std::string StableSuffix(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string ActionCommandId(const Firing& f, size_t index) {
  std::string id = "auto-" + f.rule_id + "-" + f.trigger_key + "-" + std::to_string(index);
  if (id.size() <= 128) return id;
  return "auto-" + StableSuffix(id) + "-" + std::to_string(index);
}

std::string FiringCommandId(const Firing& f) {
  std::string id = "auto-" + f.rule_id + "-" + f.trigger_key + "-done";
  if (id.size() <= 128) return id;
  return "auto-" + StableSuffix(id) + "-done";
}

std::string FormField(const nlohmann::json* event, std::string_view key) {
  if (event == nullptr || !event->is_object()) return "";
  auto fields = event->find("fields");
  if (fields == event->end() || !fields->is_array()) return "";
  for (const auto& kv : *fields) {
    if (kv.is_object() && kv.contains("key") && kv["key"].is_string() && Lower(kv["key"].get<std::string>()) == Lower(key) &&
        kv.contains("value") && kv["value"].is_string()) {
      return Trim(kv["value"].get<std::string>());
    }
  }
  return "";
}

std::string FormEmail(const nlohmann::json* event) {
  std::string email;
  if (event != nullptr && event->is_object() && event->contains("email") && (*event)["email"].is_string()) {
    email = Trim((*event)["email"].get<std::string>());
  }
  return email.empty() ? FormField(event, "email") : email;
}

const Actor& AutomationActor() {
  static const Actor actor{std::string(kAutomationActor), fb::Role::Admin, true};
  return actor;
}

std::string AutomationCausation(const Firing& f) {
  if (f.trigger_position != 0) return "rule:" + f.rule_id + " event:" + std::to_string(f.trigger_position);
  return "rule:" + f.rule_id + " time:" + f.trigger_key;
}

std::optional<AutomationCause> ParseCausation(std::string_view c) {
  bool scoring = c.rfind("scoring ", 0) == 0;
  if (!scoring && c.rfind("rule:", 0) != 0) return std::nullopt;
  size_t sp = c.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  AutomationCause out;
  out.scoring = scoring;
  if (!scoring) out.rule_id = std::string(c.substr(5, sp - 5));
  std::string_view rest = c.substr(sp + 1);
  if (rest.rfind("event:", 0) == 0) {
    out.event_position = std::strtoull(std::string(rest.substr(6)).c_str(), nullptr, 10);
    if (out.event_position == 0) return std::nullopt;
  } else if (rest.rfind("time:", 0) == 0) {
    out.time_key = std::string(rest.substr(5));
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace rapport::domain
