// Decide(): dispatch to the area deciders, and the checks they share.
#include "domain/decide.h"

#include <set>

#include "domain/decide_internal.h"
#include "domain/money.h"

namespace rapport::domain {
namespace internal {

Result<const RecordState*> Env::Maybe(std::string_view type, std::string_view id) {
  return src->Load(type, id);
}

Result<const RecordState*> Env::Live(std::string_view type, std::string_view id,
                                     std::string_view field) {
  if (id.empty()) return Status::InvalidArgument(std::string(field) + " is required");
  auto r = src->Load(type, id);
  if (!r.ok()) return r.status();
  const RecordState* s = *r;
  std::string name = std::string(type) + " " + std::string(id);
  if (s == nullptr || !s->created) {
    return Status::NotFound(std::string(field) + ": there is no " + name);
  }
  if (!s->merged_into.empty()) {
    return Status::FailedPrecondition(std::string(field) + ": " + name + " was merged into " + s->merged_into +
                                      ": use " + s->merged_into + " instead");
  }
  if (s->deleted) return Status::FailedPrecondition(std::string(field) + ": " + name + " was deleted");
  return s;
}

Result<std::string> Env::NewRecordId(std::string_view type, const std::string& given,
                                     std::string_view field) {
  if (given.empty()) return src->NewId(type);
  RAPPORT_RETURN_IF_ERROR(ValidateRecordId(given, type));
  if (given == kSystemActor || given == "automation") {  // rapport's own actors
    return Status::InvalidArgument(std::string(field) + ": '" + given + "' is reserved");
  }
  auto r = src->Load(type, given);
  if (!r.ok()) return r.status();
  if (*r != nullptr && (*r)->created) {
    return Status::AlreadyExists(std::string(type) + " " + given + " already exists");
  }
  return given;
}

Status CheckRef(Env& env, std::string_view type, const std::string& id, std::string_view field) {
  if (id.empty()) return Status::Ok();
  auto r = env.Live(type, id, field);
  return r.ok() ? Status::Ok() : r.status();
}

Status CheckRefs(Env& env, std::string_view type, const std::vector<std::string>& ids,
                 std::string_view field) {
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) {
      return Status::InvalidArgument(std::string(field) + ": " + id + " is listed twice");
    }
    RAPPORT_RETURN_IF_ERROR(CheckRef(env, type, id, field));
  }
  return Status::Ok();
}

Status CheckEmails(const std::vector<std::string>& emails, std::string_view field) {
  std::set<std::string> seen;
  for (const auto& e : emails) {
    RAPPORT_RETURN_IF_ERROR(ValidateEmail(e, field));
    if (!seen.insert(NormalizeEmail(e)).second) {
      return Status::InvalidArgument(std::string(field) + ": " + e + " is listed twice");
    }
  }
  if (emails.size() > 20) return Status::InvalidArgument(std::string(field) + ": at most 20");
  return Status::Ok();
}

Status CheckPhones(const std::vector<std::string>& phones, std::string_view field) {
  std::set<std::string> seen;
  for (const auto& p : phones) {
    RAPPORT_RETURN_IF_ERROR(ValidatePhone(p, field));
    if (!seen.insert(NormalizePhone(p)).second) {
      return Status::InvalidArgument(std::string(field) + ": " + p + " is listed twice");
    }
  }
  if (phones.size() > 20) return Status::InvalidArgument(std::string(field) + ": at most 20");
  return Status::Ok();
}

Status CheckTags(const std::vector<std::string>& tags, std::string_view field) {
  std::set<std::string> seen;
  for (const auto& t : tags) {
    RAPPORT_RETURN_IF_ERROR(ValidateTag(t, field));
    if (!seen.insert(FoldName(t)).second) {
      return Status::InvalidArgument(std::string(field) + ": tag '" + t + "' is listed twice");
    }
  }
  if (tags.size() > 100) return Status::InvalidArgument(std::string(field) + ": at most 100 tags");
  return Status::Ok();
}

Status CheckMoney(const fb::MoneyT* m, std::string_view field, bool required, bool allow_negative) {
  if (m == nullptr) {
    return required ? Status::InvalidArgument(std::string(field) + " is required")
                    : Status::Ok();
  }
  RAPPORT_RETURN_IF_ERROR(ValidateCurrency(m->currency, std::string(field) + " currency"));
  if (!allow_negative && m->amount_minor < 0) {
    return Status::InvalidArgument(std::string(field) + " may not be negative");
  }
  return CheckAmountBound(m->amount_minor, m->currency, std::string(field) + ".amount_minor");
}

Status CheckLinks(Env& env, const fb::LinksT* links) {
  if (links == nullptr) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kContact, links->contact_ids, "links.contact_ids"));
  RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kCompany, links->company_ids, "links.company_ids"));
  RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kDeal, links->deal_ids, "links.deal_ids"));
  RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kTicket, links->ticket_ids, "links.ticket_ids"));
  return Status::Ok();
}

Status CheckActiveUser(Env& env, const std::string& user_id, std::string_view field) {
  if (user_id.empty()) return Status::InvalidArgument(std::string(field) + " is required");
  if (env.dir.user(user_id) == nullptr) {
    return Status::NotFound(std::string(field) + ": there is no user " + user_id);
  }
  if (env.dir.active_user(user_id) == nullptr) {
    return Status::FailedPrecondition(std::string(field) + ": user " + user_id +
                                      " is deactivated: choose an active user");
  }
  return Status::Ok();
}

Result<Value> CheckCustomValue(Env& env, std::string_view record_type, std::string_view key,
                               const Value& given) {
  std::string field = "custom." + std::string(key);
  const RecordState* def = env.dir.field(record_type, key);
  if (def == nullptr) {
    return Status::NotFound(field + ": " + std::string(record_type) +
                            " has no custom field '" + std::string(key) +
                            "': define it with `rapport field add`");
  }
  if (def->Int("retired")) {
    return Status::FailedPrecondition(field + ": the custom field was retired");
  }
  if (IsNull(given)) return given;
  auto kind = ParseFieldKind(def->Text("kind")).value_or(fb::FieldKind::Text);
  ValueKind want = ValueKind::Text;
  switch (kind) {
    case fb::FieldKind::Text: want = ValueKind::Text; break;
    case fb::FieldKind::Number: want = ValueKind::Number; break;
    case fb::FieldKind::Money: want = ValueKind::Money; break;
    case fb::FieldKind::Date: want = ValueKind::Date; break;
    case fb::FieldKind::Choice: want = ValueKind::Choice; break;
    case fb::FieldKind::Bool: want = ValueKind::Bool; break;
  }
  Value v = given;
  if (v.kind != want) {
    if (v.kind != ValueKind::Text) {
      return Status::InvalidArgument(field + " takes a " + ValueKindName(want) + ", not a " +
                                     ValueKindName(v.kind));
    }
    auto parsed = ParseValue(want, v.text, field, env.dir.home_currency());
    if (!parsed.ok()) return parsed.status();
    v = *parsed;
  }
  switch (want) {
    case ValueKind::Text:
      RAPPORT_RETURN_IF_ERROR(ValidateText(v.text, field, 2000, false, true));
      break;
    case ValueKind::Money:
      RAPPORT_RETURN_IF_ERROR(ValidateCurrency(v.currency, field));
      RAPPORT_RETURN_IF_ERROR(CheckAmountBound(v.int_value, v.currency, field));
      break;
    case ValueKind::Choice: {
      const auto& choices = def->List("choices");
      if (std::find(choices.begin(), choices.end(), v.text) == choices.end()) {
        std::string all;
        for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
        return Status::InvalidArgument(field + ": '" + v.text + "' is not one of: " + all);
      }
      break;
    }
    default:
      break;
  }
  return v;
}

Result<std::vector<std::unique_ptr<fb::FieldValueT>>> CheckCustom(
    Env& env, std::string_view record_type,
    const std::vector<std::unique_ptr<fb::FieldValueT>>& values) {
  std::vector<std::unique_ptr<fb::FieldValueT>> out;
  std::set<std::string> seen;
  for (const auto& fv : values) {
    if (!fv) continue;
    std::string key = fv->field;
    if (key.rfind("custom.", 0) == 0) key = key.substr(7);
    if (!seen.insert(key).second) {
      return Status::InvalidArgument("custom." + key + " is given twice");
    }
    auto v = CheckCustomValue(env, record_type, key, fv->value ? *fv->value : NullValue());
    if (!v.ok()) return v.status();
    if (IsEmpty(*v)) continue;
    auto x = std::make_unique<fb::FieldValueT>();
    x->field = "custom." + key;
    x->value = Boxed(*v);
    out.push_back(std::move(x));
  }
  return out;
}

std::unique_ptr<fb::MoneyT> CloneMoney(const fb::MoneyT* m) {
  return m ? std::make_unique<fb::MoneyT>(*m) : nullptr;
}

std::unique_ptr<fb::LinksT> CloneLinks(const fb::LinksT* l) {
  return l ? std::make_unique<fb::LinksT>(*l) : nullptr;
}

Value MoneyValueOf(const fb::MoneyT* m) {
  return m ? MoneyValue(m->amount_minor, m->currency) : NullValue();
}

}  // namespace internal

Result<Decision> Decide(const Actor& actor, const fb::CommandT& command, const DecideContext& ctx,
                        RecordSource* source) {
  internal::Env env(actor, ctx, source);
  const fb::CommandBodyUnion& body = command.body;
  if (body.type == fb::CommandBody::NONE || body.value == nullptr) {
    return Status::InvalidArgument("command body is missing");
  }
  if (!actor.system) {
    if (actor.id.empty()) return Status::PermissionDenied("no acting user");
    RAPPORT_RETURN_IF_ERROR(RequireWriter(actor));
  }
  // Every workspace must exist before anything happens in it.
  if (body.type != fb::CommandBody::CreateWorkspace && env.dir.workspace() == nullptr) {
    return Status::FailedPrecondition(
        "the workspace is not initialised: run `rapport init` first");
  }
  if (body.type == fb::CommandBody::UpdateRecord) {
    return internal::DecideUpdate(env, *body.AsUpdateRecord());
  }
  for (auto* area : {internal::DecidePeople, internal::DecideRecords, internal::DecideSales,
                     internal::DecideService, internal::DecideAutomation,
                     internal::DecideScoring}) {
    if (internal::MaybeDecision r = area(env, body)) return std::move(*r);
  }
  return Status::InvalidArgument("command " + CommandName(body.type) +
                                 " is not known to this rapport: upgrade it");
}

}  // namespace rapport::domain
