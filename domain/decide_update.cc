// UpdateRecord: setting and clearing fields of any record, with field-level old/new values.
// Each record type has a table of the fields it lets people change, their types and checks.
// Deal amount, expected close date and owner become their own events (DealAmountChanged,
// DealCloseDateChanged, DealOwnerChanged); every other change goes into <Type>Updated.
#include <set>

#include "domain/decide_internal.h"
#include "domain/money.h"

namespace rapport::domain::internal {

namespace {

enum class Check {
  kName,          // required-looking text, <= 200 bytes
  kShortText,     // <= 200 bytes
  kLongText,      // <= 100 kB, multi-line
  kEmail,
  kEmails,
  kPhones,
  kDomain,
  kTags,
  kCurrency,
  kTimeZone,
  kActiveUser,    // ref to an active user
  kCompany,       // ref to a live company
  kContact,       // ref to a live contact
  kContacts,      // list of live contacts
  kCompanies,
  kDeals,
  kTickets,
  kNonNegative,   // number or money >= 0
  kDate,
  kPriority,
  kCallOutcome,
  kDuration,      // 0..86400 seconds
  kChoices,       // list of choice names
  kProductCode,
};

struct Spec {
  const char* field;
  ValueKind kind;
  Check check;
  bool required;  // may not be cleared
};

struct TypeSpec {
  std::string_view type;
  bool admin_only;
  std::vector<Spec> fields;
  bool custom;  // accepts custom.<key>
};

const std::vector<TypeSpec>& Specs() {
  using K = ValueKind;
  using C = Check;
  static const std::vector<TypeSpec> specs = {
      {kWorkspace, true,
       {{"name", K::Text, C::kName, true},
        {"home_currency", K::Text, C::kCurrency, true},
        {"time_zone", K::Text, C::kTimeZone, false}},
       false},
      {kUser, true,
       {{"name", K::Text, C::kName, true},
        {"email", K::Text, C::kEmail, true},
        {"title", K::Text, C::kShortText, false},
        {"territory", K::Text, C::kShortText, false}},
       false},
      {kTeam, true, {{"name", K::Text, C::kName, true}, {"territory", K::Text, C::kShortText, false}}, false},
      {kCompany, false,
       {{"name", K::Text, C::kName, true},
        {"domain", K::Text, C::kDomain, false},
        {"industry", K::Text, C::kShortText, false},
        {"employees", K::Number, C::kNonNegative, false},
        {"annual_revenue", K::Money, C::kNonNegative, false},
        {"city", K::Text, C::kShortText, false},
        {"country", K::Text, C::kShortText, false},
        {"region", K::Text, C::kShortText, false},
        {"parent_company_id", K::Ref, C::kCompany, false},
        {"owner_id", K::Ref, C::kActiveUser, false},
        {"tags", K::List, C::kTags, false},
        {"source", K::Text, C::kShortText, false}},
       true},
      {kContact, false,
       {{"first_name", K::Text, C::kShortText, false},
        {"last_name", K::Text, C::kShortText, false},
        {"emails", K::List, C::kEmails, false},
        {"phones", K::List, C::kPhones, false},
        {"title", K::Text, C::kShortText, false},
        {"company_id", K::Ref, C::kCompany, false},
        {"owner_id", K::Ref, C::kActiveUser, false},
        {"source", K::Text, C::kShortText, false},
        {"tags", K::List, C::kTags, false}},
       true},
      {kDeal, false,
       {{"name", K::Text, C::kName, true},
        {"amount", K::Money, C::kNonNegative, true},
        {"expected_close_date", K::Date, C::kDate, false},
        {"owner_id", K::Ref, C::kActiveUser, true},
        {"company_id", K::Ref, C::kCompany, false},
        {"contact_ids", K::List, C::kContacts, false},
        {"source", K::Text, C::kShortText, false}},
       true},
      {kProduct, true,
       {{"name", K::Text, C::kName, true},
        {"code", K::Text, C::kProductCode, true},
        {"list_price", K::Money, C::kNonNegative, true},
        {"description", K::Text, C::kLongText, false}},
       false},
      {kPipeline, true, {{"name", K::Text, C::kName, true}}, false},
      {kField, true, {{"label", K::Text, C::kName, true}, {"choices", K::List, C::kChoices, false}}, false},
      {kActivity, false,
       {{"subject", K::Text, C::kShortText, false},
        {"body", K::Text, C::kLongText, false},
        {"notes", K::Text, C::kLongText, false},
        {"title", K::Text, C::kShortText, false},
        {"outcome", K::Choice, C::kCallOutcome, false},
        {"duration_seconds", K::Number, C::kDuration, false},
        {"contact_ids", K::List, C::kContacts, false},
        {"company_ids", K::List, C::kCompanies, false},
        {"deal_ids", K::List, C::kDeals, false},
        {"ticket_ids", K::List, C::kTickets, false}},
       false},
      {kTask, false,
       {{"title", K::Text, C::kName, true},
        {"notes", K::Text, C::kLongText, false},
        {"priority", K::Choice, C::kPriority, true},
        {"contact_ids", K::List, C::kContacts, false},
        {"company_ids", K::List, C::kCompanies, false},
        {"deal_ids", K::List, C::kDeals, false},
        {"ticket_ids", K::List, C::kTickets, false}},
       false},
      {kTicket, false,
       {{"subject", K::Text, C::kName, true},
        {"description", K::Text, C::kLongText, false},
        {"priority", K::Choice, C::kPriority, true},
        {"contact_id", K::Ref, C::kContact, false},
        {"company_id", K::Ref, C::kCompany, false},
        {"channel", K::Text, C::kShortText, false}},
       true},
  };
  return specs;
}

const TypeSpec* FindType(std::string_view type) {
  for (const auto& t : Specs()) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

std::string FieldList(const TypeSpec& t) {
  std::string s;
  for (const auto& f : t.fields) s += (s.empty() ? "" : ", ") + std::string(f.field);
  if (t.custom) s += ", custom.<key>";
  return s;
}

// Converts and checks one value for `spec`; `record` is the record being changed.
Result<Value> CheckValue(Env& env, const Spec& spec, const RecordState& record, Value v) {
  const std::string f = spec.field;
  if (v.kind != spec.kind) {
    if (v.kind != ValueKind::Text) {
      return Status::InvalidArgument(f + " takes a " + ValueKindName(spec.kind) + ", not a " +
                                     ValueKindName(v.kind));
    }
    auto parsed = ParseValue(spec.kind, v.text, f, env.dir.home_currency());
    if (!parsed.ok()) return parsed.status();
    v = *parsed;
  }
  switch (spec.check) {
    case Check::kName:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(ValidateText(v.text, f, 200, true));
      break;
    case Check::kShortText:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(ValidateText(v.text, f, 200, false));
      break;
    case Check::kLongText:
      RAPPORT_RETURN_IF_ERROR(ValidateText(v.text, f, 100'000, false, true));
      break;
    case Check::kEmail:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(ValidateEmail(v.text, f));
      if (record.type == kUser) {
        for (const auto& [uid, u] : env.dir.users()) {
          if (uid != record.id && NormalizeEmail(u.Text("email")) == NormalizeEmail(v.text)) {
            return Status::AlreadyExists(f + ": user " + uid + " already has " + v.text);
          }
        }
      }
      break;
    case Check::kEmails:
      RAPPORT_RETURN_IF_ERROR(CheckEmails(v.list, f));
      break;
    case Check::kPhones:
      RAPPORT_RETURN_IF_ERROR(CheckPhones(v.list, f));
      break;
    case Check::kDomain: {
      if (v.text.empty()) break;
      auto d = NormalizeDomain(v.text, f);
      if (!d.ok()) return d.status();
      v.text = *d;
      break;
    }
    case Check::kTags:
    case Check::kChoices:
      RAPPORT_RETURN_IF_ERROR(CheckTags(v.list, f));
      if (spec.check == Check::kChoices && record.Text("kind") != "choice") {
        return Status::InvalidArgument(f + ": only choice fields have choices");
      }
      break;
    case Check::kCurrency:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(ValidateCurrency(v.text, f));
      break;
    case Check::kTimeZone:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(CheckTimeZone(v.text));
      break;
    case Check::kActiveUser:
      RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, v.text, f));
      break;
    case Check::kCompany:
      RAPPORT_RETURN_IF_ERROR(CheckRef(env, kCompany, v.text, f));
      if (f == "parent_company_id") {
        // No company may be its own ancestor.
        std::string at = v.text;
        for (int depth = 0; !at.empty() && depth < 100; ++depth) {
          if (at == record.id) {
            return Status::InvalidArgument(f + ": " + v.text + " is " + record.id +
                                           " or one of its subsidiaries");
          }
          auto parent = env.Maybe(kCompany, at);
          if (!parent.ok()) return parent.status();
          at = *parent ? (*parent)->Text("parent_company_id") : "";
        }
      }
      break;
    case Check::kContact:
      RAPPORT_RETURN_IF_ERROR(CheckRef(env, kContact, v.text, f));
      break;
    case Check::kContacts:
      RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kContact, v.list, f));
      break;
    case Check::kCompanies:
      RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kCompany, v.list, f));
      break;
    case Check::kDeals:
      RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kDeal, v.list, f));
      break;
    case Check::kTickets:
      RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kTicket, v.list, f));
      break;
    case Check::kNonNegative:
      if (v.int_value < 0) return Status::InvalidArgument(f + " may not be negative");
      if (v.kind == ValueKind::Money) {
        RAPPORT_RETURN_IF_ERROR(ValidateCurrency(v.currency, f));
        RAPPORT_RETURN_IF_ERROR(CheckAmountBound(v.int_value, v.currency, f));
      }
      break;
    case Check::kDate:
      break;
    case Check::kPriority: {
      auto p = ParsePriority(v.text);
      if (!p) return Status::InvalidArgument(f + ": '" + v.text + "' is not one of " + PriorityNames());
      v.text = PriorityName(*p);
      break;
    }
    case Check::kCallOutcome: {
      auto o = ParseCallOutcome(v.text);
      if (!o) return Status::InvalidArgument(f + ": '" + v.text + "' is not a call outcome");
      v.text = CallOutcomeName(*o);
      break;
    }
    case Check::kDuration:
      if (v.scale != 0 || v.int_value < 0 || v.int_value > 86400) {
        return Status::InvalidArgument(f + " must be whole seconds, 0 to 86400");
      }
      break;
    case Check::kProductCode:
      v.text = Trim(v.text);
      RAPPORT_RETURN_IF_ERROR(ValidateText(v.text, f, 64, true));
      if (const RecordState* other = env.dir.product_by_code(v.text); other && other->id != record.id) {
        return Status::AlreadyExists(f + ": product " + other->id + " already has code " + v.text);
      }
      break;
  }
  return v;
}

// Which changeable fields each kind of activity has (links belong to all).
bool ActivityHasField(const RecordState& a, const std::string& field) {
  if (field == "contact_ids" || field == "company_ids" || field == "deal_ids" ||
      field == "ticket_ids") {
    return true;
  }
  const std::string& kind = a.Text("kind");
  if (kind == "email") return field == "subject" || field == "body";
  if (kind == "call") return field == "notes" || field == "outcome" || field == "duration_seconds";
  if (kind == "meeting") return field == "title" || field == "notes";
  if (kind == "note") return field == "body";
  return false;  // forms: what was submitted stays as submitted
}

std::unique_ptr<fb::MoneyT> MoneyOfValue(const Value& v) {
  if (IsNull(v)) return nullptr;
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = v.int_value;
  m->currency = v.currency;
  return m;
}

}  // namespace

Result<Decision> DecideUpdate(Env& env, const fb::UpdateRecordT& c) {
  const TypeSpec* type = FindType(c.record_type);
  if (type == nullptr) {
    if (c.record_type == kContract) {
      return Status::InvalidArgument("record_type: contracts change through renew and end");
    }
    return Status::InvalidArgument("record_type: '" + c.record_type + "' cannot be updated");
  }
  std::string id = c.record_type == kWorkspace && c.record_id.empty() ? std::string(kWorkspaceId)
                                                                       : c.record_id;
  auto r = env.Live(c.record_type, id, "record_id");
  if (!r.ok()) return r.status();
  const RecordState& rec = **r;
  if (type->admin_only) {
    RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, c.record_type + "s"));
  } else {
    RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, rec, env.dir));
  }
  if (c.expected_version != 0 && c.expected_version != rec.version) {
    return Status::Conflict(rec.Name() + " is at version " + std::to_string(rec.version) +
                            ", you expected " + std::to_string(c.expected_version) +
                            ": reload it and retry");
  }
  if (c.set.empty() && c.unset.empty()) {
    return Status::InvalidArgument("nothing to change: give fields to set or unset");
  }

  // The new value of every field named, checked.
  std::vector<std::pair<std::string, Value>> wanted;
  std::set<std::string> seen;
  auto want = [&](const std::string& field, const Value& given) -> Status {
    if (!seen.insert(field).second) {
      return Status::InvalidArgument(field + " is given twice");
    }
    if (field.rfind("custom.", 0) == 0) {
      if (!type->custom) {
        return Status::InvalidArgument(field + ": " + c.record_type + " has no custom fields");
      }
      auto v = CheckCustomValue(env, c.record_type, field.substr(7), given);
      if (!v.ok()) return v.status();
      wanted.emplace_back(field, *v);
      return Status::Ok();
    }
    const Spec* spec = nullptr;
    for (const auto& s : type->fields) {
      if (field == s.field) spec = &s;
    }
    if (spec != nullptr && c.record_type == kActivity && !ActivityHasField(rec, field)) {
      return Status::InvalidArgument(field + ": a " + rec.Text("kind") + " has no " + field);
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(field + ": " + c.record_type + " has no field '" + field +
                                     "' that can be changed; changeable: " + FieldList(*type));
    }
    if (IsEmpty(given)) {
      if (spec->required) {
        return Status::InvalidArgument(field + " is required and cannot be cleared");
      }
      wanted.emplace_back(field, NullValue());
      return Status::Ok();
    }
    auto v = CheckValue(env, *spec, rec, given);
    if (!v.ok()) return v.status();
    wanted.emplace_back(field, *v);
    return Status::Ok();
  };
  for (const auto& fv : c.set) {
    if (!fv) continue;
    RAPPORT_RETURN_IF_ERROR(want(fv->field, fv->value ? *fv->value : NullValue()));
  }
  for (const auto& f : c.unset) RAPPORT_RETURN_IF_ERROR(want(f, NullValue()));

  // Only what differs is a change.
  std::vector<std::unique_ptr<fb::FieldChangeT>> changes;
  RecordState after = rec;
  for (auto& [field, v] : wanted) {
    const Value& old = rec.Get(field);
    bool same = (IsEmpty(old) && IsEmpty(v)) || old == v;
    if (same) continue;
    changes.push_back(std::make_unique<fb::FieldChangeT>(MakeChange(field, old, v)));
    after.Set(field, v);
  }
  if (c.record_type == kContact && after.Text("first_name").empty() &&
      after.Text("last_name").empty() && after.List("emails").empty()) {
    return Status::InvalidArgument("a contact needs a first_name, a last_name or an email");
  }
  if (c.record_type == kTicket && after.Text("contact_id").empty() &&
      after.Text("company_id").empty()) {  // as OpenTicket requires
    return Status::InvalidArgument("a ticket needs a contact_id or a company_id (who asked?)");
  }
  env.decision.explicit_version = c.expected_version != 0;
  if (changes.empty()) return env.Done(c.record_type, id);  // nothing differs: no events

  auto expected = c.expected_version != 0 ? events::ExpectedVersion::Exact(c.expected_version)
                                          : events::ExpectedVersion::Exact(rec.version);
  auto emit = [&](auto event, std::string subject = {}) {
    env.Emit(c.record_type, id, expected, std::move(event), std::move(subject));
  };
  if (c.record_type == kDeal) {
    const std::string& status = rec.Text("status");
    std::vector<std::unique_ptr<fb::FieldChangeT>> rest;
    for (auto& ch : changes) {
      const Value& nv = *ch->new_value;
      if (ch->field == "amount" || ch->field == "expected_close_date") {
        if (status != "open") {
          return Status::FailedPrecondition("deal " + id + " is " + status + ": reopen it before changing its " +
                                            ch->field);
        }
      }
      if (ch->field == "amount" && !rec.lines.empty()) {
        // With product lines the amount is their total (docs/domain.md).
        return Status::FailedPrecondition("deal " + id +
                                          " has product lines: its amount is their total; "
                                          "change the lines instead");
      }
      if (ch->field == "amount") {
        fb::DealAmountChangedT e;
        e.deal_id = id;
        e.old_amount = MoneyOfValue(*ch->old_value);
        e.new_amount = MoneyOfValue(nv);
        emit(std::move(e));
      } else if (ch->field == "expected_close_date") {
        fb::DealCloseDateChangedT e;
        e.deal_id = id;
        if (!IsNull(*ch->old_value)) e.old_date = static_cast<int32_t>(ch->old_value->int_value);
        if (!IsNull(nv)) e.new_date = static_cast<int32_t>(nv.int_value);
        emit(std::move(e));
      } else if (ch->field == "owner_id") {
        fb::DealOwnerChangedT e;
        e.deal_id = id;
        e.old_owner_id = ch->old_value->text;
        e.new_owner_id = nv.text;
        emit(std::move(e));
      } else {
        rest.push_back(std::move(ch));
      }
    }
    if (!rest.empty()) {
      fb::DealUpdatedT e;
      e.deal_id = id;
      e.changes = std::move(rest);
      emit(std::move(e));
    }
  } else if (c.record_type == kWorkspace) {
    fb::WorkspaceUpdatedT e;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kUser) {
    fb::UserUpdatedT e;
    e.user_id = id;
    e.changes = std::move(changes);
    emit(std::move(e), id);
  } else if (c.record_type == kTeam) {
    fb::TeamUpdatedT e;
    e.team_id = id;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kCompany) {
    fb::CompanyUpdatedT e;
    e.company_id = id;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kContact) {
    fb::ContactUpdatedT e;
    e.contact_id = id;
    e.changes = std::move(changes);
    emit(std::move(e), Subject(id));
  } else if (c.record_type == kProduct) {
    fb::ProductUpdatedT e;
    e.product_id = id;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kPipeline) {
    fb::PipelineUpdatedT e;
    e.pipeline_id = id;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kField) {
    fb::FieldUpdatedT e;
    e.record_type = rec.Text("record_type");
    e.key = rec.Text("key");
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kActivity) {
    fb::ActivityUpdatedT e;
    e.activity_id = id;
    e.changes = std::move(changes);
    emit(std::move(e), rec.List("contact_ids").empty() ? "" : rec.List("contact_ids").front());
  } else if (c.record_type == kTask) {
    if (rec.Text("status") != "open") {
      return Status::FailedPrecondition("task " + id + " is " + rec.Text("status") +
                                        ": reopen it before changing it");
    }
    fb::TaskUpdatedT e;
    e.task_id = id;
    e.changes = std::move(changes);
    emit(std::move(e));
  } else if (c.record_type == kTicket) {
    fb::TicketUpdatedT e;
    e.ticket_id = id;
    e.changes = std::move(changes);
    emit(std::move(e), rec.Text("contact_id"));
  }
  return env.Done(c.record_type, id);
}

}  // namespace rapport::domain::internal
