// Decisions about companies, contacts, merges, deletes, custom fields and products.
#include <set>

#include "domain/decide_internal.h"
#include "domain/money.h"

namespace rapport::domain::internal {
namespace {

// The owner a new record gets: the one given, else the acting user.
Result<std::string> OwnerFor(Env& env, const std::string& given) {
  std::string owner = given.empty() && !env.actor.system ? env.actor.id : given;
  RAPPORT_RETURN_IF_ERROR(RequireCanAssignTo(env.actor, owner, env.dir, "owner_id"));
  return owner;
}

Result<Decision> CreateCompany(Env& env, const fb::CreateCompanyT& c) {
  auto id = env.NewRecordId(kCompany, c.company_id, "company_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  fb::CompanyCreatedT e;
  if (!c.domain.empty()) {
    auto d = NormalizeDomain(c.domain, "domain");
    if (!d.ok()) return d.status();
    e.domain = *d;
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.industry, "industry", 100, false));
  if (c.employees < 0) return Status::InvalidArgument("employees may not be negative");
  RAPPORT_RETURN_IF_ERROR(CheckMoney(c.annual_revenue.get(), "annual_revenue", false));
  for (auto [v, f] : {std::pair{&c.city, "city"}, {&c.country, "country"}, {&c.region, "region"},
                      {&c.source, "source"}}) {
    RAPPORT_RETURN_IF_ERROR(ValidateText(*v, f, 100, false));
  }
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kCompany, c.parent_company_id, "parent_company_id"));
  auto owner = OwnerFor(env, c.owner_id);
  if (!owner.ok()) return owner.status();
  RAPPORT_RETURN_IF_ERROR(CheckTags(c.tags, "tags"));
  auto custom = CheckCustom(env, kCompany, c.custom);
  if (!custom.ok()) return custom.status();
  e.company_id = *id;
  e.name = Trim(c.name);
  e.industry = Trim(c.industry);
  e.employees = c.employees;
  e.annual_revenue = CloneMoney(c.annual_revenue.get());
  e.city = Trim(c.city);
  e.country = Trim(c.country);
  e.region = Trim(c.region);
  e.parent_company_id = c.parent_company_id;
  e.owner_id = *owner;
  e.tags = c.tags;
  e.custom = std::move(*custom);
  e.source = Trim(c.source);
  env.EmitNew(kCompany, *id, std::move(e));
  return env.Done(kCompany, *id);
}

Result<Decision> CreateContact(Env& env, const fb::CreateContactT& c) {
  auto id = env.NewRecordId(kContact, c.contact_id, "contact_id");
  if (!id.ok()) return id.status();
  if (Trim(c.first_name).empty() && Trim(c.last_name).empty() && c.emails.empty()) {
    return Status::InvalidArgument("a contact needs a first_name, a last_name or an email");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.first_name, "first_name", 100, false));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.last_name, "last_name", 100, false));
  RAPPORT_RETURN_IF_ERROR(CheckEmails(c.emails, "emails"));
  RAPPORT_RETURN_IF_ERROR(CheckPhones(c.phones, "phones"));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.title, "title", 200, false));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.source, "source", 100, false));
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kCompany, c.company_id, "company_id"));
  auto owner = OwnerFor(env, c.owner_id);
  if (!owner.ok()) return owner.status();
  RAPPORT_RETURN_IF_ERROR(CheckTags(c.tags, "tags"));
  auto custom = CheckCustom(env, kContact, c.custom);
  if (!custom.ok()) return custom.status();
  fb::ContactCreatedT e;
  e.contact_id = *id;
  e.first_name = Trim(c.first_name);
  e.last_name = Trim(c.last_name);
  for (const auto& m : c.emails) e.emails.push_back(Trim(m));
  for (const auto& p : c.phones) e.phones.push_back(Trim(p));
  e.title = Trim(c.title);
  e.company_id = c.company_id;
  e.owner_id = *owner;
  e.source = Trim(c.source);
  e.lifecycle = c.lifecycle;
  e.tags = c.tags;
  e.custom = std::move(*custom);
  e.email_opt_out = c.email_opt_out;
  e.phone_opt_out = c.phone_opt_out;
  env.EmitNew(kContact, *id, std::move(e), Subject(*id));
  return env.Done(kContact, *id);
}

Result<const RecordState*> ChangeableContact(Env& env, const std::string& id) {
  auto r = env.Live(kContact, id, "contact_id");
  if (!r.ok()) return r.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **r, env.dir));
  return r;
}

Result<Decision> ChangeLifecycle(Env& env, const fb::ChangeLifecycleT& c) {
  auto r = ChangeableContact(env, c.contact_id);
  if (!r.ok()) return r.status();
  if (c.stage == fb::Lifecycle::Unspecified) {
    return Status::InvalidArgument("stage is required: one of " + LifecycleNames());
  }
  auto old = ParseLifecycle((*r)->Text("lifecycle")).value_or(fb::Lifecycle::Unspecified);
  if (old == c.stage) {
    return Status::FailedPrecondition("contact " + c.contact_id + " is already " +
                                      LifecycleName(c.stage));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  fb::ContactLifecycleChangedT e;
  e.contact_id = c.contact_id;
  e.old_stage = old;
  e.new_stage = c.stage;
  e.reason = c.reason;
  env.EmitOn(**r, std::move(e), Subject(c.contact_id));
  return env.Done(kContact, c.contact_id);
}

Result<Decision> SetConsent(Env& env, const fb::SetConsentT& c) {
  auto r = ChangeableContact(env, c.contact_id);
  if (!r.ok()) return r.status();
  std::string field = c.channel == fb::ConsentChannel::Email ? "email_opt_out" : "phone_opt_out";
  if (((*r)->Int(field) != 0) == c.opted_out) {
    return Status::FailedPrecondition("contact " + c.contact_id + " is already " +
                                      (c.opted_out ? "opted out of " : "reachable by ") +
                                      ConsentChannelName(c.channel));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.source, "source", 200, false));
  fb::ContactConsentChangedT e;
  e.contact_id = c.contact_id;
  e.channel = c.channel;
  e.opted_out = c.opted_out;
  e.source = c.source;
  env.EmitOn(**r, std::move(e), Subject(c.contact_id));
  return env.Done(kContact, c.contact_id);
}

// The survivor's field changes when `merged` is folded into it: blanks filled from the
// merged record, lists united (survivor's items first), opt-outs kept if either had one.
std::vector<std::unique_ptr<fb::FieldChangeT>> MergeChanges(const RecordState& survivor,
                                                            const RecordState& merged) {
  std::vector<std::unique_ptr<fb::FieldChangeT>> out;
  for (const auto& [field, value] : merged.fields) {
    // A lead score is automation's: the survivor is rescored from both timelines.
    if (field == "merged_ids" || field == "score") continue;
    const Value& mine = survivor.Get(field);
    Value next = mine;
    if (value.kind == ValueKind::List) {
      std::vector<std::string> items = mine.list;
      std::set<std::string> seen;
      for (const auto& i : items) seen.insert(field == "emails" ? NormalizeEmail(i) : i);
      for (const auto& i : value.list) {
        if (seen.insert(field == "emails" ? NormalizeEmail(i) : i).second) items.push_back(i);
      }
      next = ListValue(items);
    } else if (IsEmpty(mine)) {
      next = value;
    } else if ((field == "email_opt_out" || field == "phone_opt_out") && value.int_value) {
      next = BoolValue(true);
    }
    if (!(next == mine)) {
      out.push_back(std::make_unique<fb::FieldChangeT>(MakeChange(field, mine, next)));
    }
  }
  return out;
}

// A company's parent once `merged` is folded into `survivor`: the survivor's own, or the
// merged record's when the survivor had none or its parent was the merged record itself; and
// none at all where that would make the survivor its own ancestor (docs/domain.md: parent
// chains may not loop). Replaces any parent_company_id change MergeChanges made.
Status MergedParent(Env& env, const RecordState& survivor, const RecordState& merged,
                    std::vector<std::unique_ptr<fb::FieldChangeT>>* changes) {
  const Value& mine = survivor.Get("parent_company_id");
  std::string parent = mine.text;
  if (parent.empty() || parent == merged.id) parent = merged.Text("parent_company_id");
  std::string at = parent;
  for (int depth = 0; !at.empty() && depth < 100; ++depth) {
    if (at == survivor.id || at == merged.id) {
      parent.clear();
      break;
    }
    auto p = env.Maybe(kCompany, at);
    if (!p.ok()) return p.status();
    at = *p ? (*p)->Text("parent_company_id") : "";
  }
  std::erase_if(*changes, [](const auto& ch) { return ch->field == "parent_company_id"; });
  if (parent != mine.text) {
    changes->push_back(std::make_unique<fb::FieldChangeT>(MakeChange(
        "parent_company_id", mine, parent.empty() ? NullValue() : RefValue(parent))));
  }
  return Status::Ok();
}

Result<Decision> MergeRecords(Env& env, const fb::MergeRecordsT& c) {
  if (c.record_type != kContact && c.record_type != kCompany) {
    return Status::InvalidArgument("record_type: only contacts and companies can be merged");
  }
  if (c.survivor_id == c.merged_id) {
    return Status::InvalidArgument("merged_id: a record cannot be merged into itself");
  }
  auto survivor = env.Live(c.record_type, c.survivor_id, "survivor_id");
  if (!survivor.ok()) return survivor.status();
  auto merged = env.Live(c.record_type, c.merged_id, "merged_id");
  if (!merged.ok()) return merged.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **survivor, env.dir));
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **merged, env.dir));
  auto changes = MergeChanges(**survivor, **merged);
  if (c.record_type == kCompany) {
    RAPPORT_RETURN_IF_ERROR(MergedParent(env, **survivor, **merged, &changes));
  }
  if (c.record_type == kContact) {
    fb::ContactMergedT e;
    e.contact_id = c.survivor_id;
    e.merged_id = c.merged_id;
    e.changes = std::move(changes);
    env.EmitOn(**survivor, std::move(e), Subject(c.survivor_id));
    fb::ContactMergedIntoT m;
    m.contact_id = c.merged_id;
    m.survivor_id = c.survivor_id;
    env.EmitOn(**merged, std::move(m), Subject(c.merged_id));
  } else {
    fb::CompanyMergedT e;
    e.company_id = c.survivor_id;
    e.merged_id = c.merged_id;
    e.changes = std::move(changes);
    env.EmitOn(**survivor, std::move(e));
    fb::CompanyMergedIntoT m;
    m.company_id = c.merged_id;
    m.survivor_id = c.survivor_id;
    env.EmitOn(**merged, std::move(m));
  }
  return env.Done(c.record_type, c.survivor_id);
}

Result<Decision> DeleteRecord(Env& env, const fb::DeleteRecordT& c) {
  if (c.record_type != kContact && c.record_type != kCompany && c.record_type != kActivity) {
    return Status::InvalidArgument(
        "record_type: contacts, companies and activities can be deleted; close deals (win or "
        "lose), cancel tasks and close tickets instead");
  }
  auto r = env.Live(c.record_type, c.record_id, "record_id");
  if (!r.ok()) return r.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **r, env.dir));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  if (c.record_type == kContact) {
    fb::ContactDeletedT e;
    e.contact_id = c.record_id;
    e.reason = c.reason;
    env.EmitOn(**r, std::move(e), Subject(c.record_id));
  } else if (c.record_type == kCompany) {
    fb::CompanyDeletedT e;
    e.company_id = c.record_id;
    e.reason = c.reason;
    env.EmitOn(**r, std::move(e));
  } else {
    fb::ActivityDeletedT e;
    e.activity_id = c.record_id;
    e.reason = c.reason;
    const RecordState& a = **r;
    e.links = std::make_unique<fb::LinksT>();
    e.links->contact_ids = a.List("contact_ids");
    e.links->company_ids = a.List("company_ids");
    e.links->deal_ids = a.List("deal_ids");
    e.links->ticket_ids = a.List("ticket_ids");
    e.created_position = a.created_position;
    env.EmitOn(**r, std::move(e));
  }
  return env.Done(c.record_type, c.record_id);
}

Status CheckChoices(const std::vector<std::string>& choices, fb::FieldKind kind) {
  if (kind != fb::FieldKind::Choice) {
    if (!choices.empty()) return Status::InvalidArgument("choices: only choice fields have choices");
    return Status::Ok();
  }
  if (choices.empty()) return Status::InvalidArgument("choices: a choice field needs choices");
  std::set<std::string> seen;
  for (const auto& ch : choices) {
    RAPPORT_RETURN_IF_ERROR(ValidateTag(ch, "choices"));
    if (!seen.insert(ch).second) {
      return Status::InvalidArgument("choices: '" + ch + "' is listed twice");
    }
  }
  return Status::Ok();
}

Result<Decision> DefineField(Env& env, const fb::DefineFieldT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "custom fields"));
  if (c.record_type != kContact && c.record_type != kCompany && c.record_type != kDeal &&
      c.record_type != kTicket) {
    return Status::InvalidArgument("record_type: custom fields exist for contact, company, deal "
                                   "and ticket");
  }
  bool key_ok = !c.key.empty() && c.key.size() <= 40;
  for (char ch : c.key) key_ok = key_ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (!key_ok) {
    return Status::InvalidArgument("key: '" + c.key +
                                   "' must be 1 to 40 lower-case letters, digits or _");
  }
  std::string id = c.record_type + "." + c.key;
  auto existing = env.Maybe(kField, id);
  if (!existing.ok()) return existing.status();
  if (*existing && (*existing)->created) {
    return Status::AlreadyExists("custom field " + id + " already exists" +
                                 ((*existing)->Int("retired") ? " (retired): choose another key"
                                                              : ""));
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.label, "label", 100, true));
  RAPPORT_RETURN_IF_ERROR(CheckChoices(c.choices, c.kind));
  fb::FieldDefinedT e;
  e.record_type = c.record_type;
  e.key = c.key;
  e.label = Trim(c.label);
  e.kind = c.kind;
  e.choices = c.choices;
  env.EmitNew(kField, id, std::move(e));
  return env.Done(kField, id);
}

Result<Decision> RetireField(Env& env, const fb::RetireFieldT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "custom fields"));
  std::string id = c.record_type + "." + c.key;
  auto r = env.Live(kField, id, "key");
  if (!r.ok()) return r.status();
  if ((*r)->Int("retired")) return Status::FailedPrecondition("custom field " + id + " is already retired");
  fb::FieldRetiredT e;
  e.record_type = c.record_type;
  e.key = c.key;
  env.EmitOn(**r, std::move(e));
  return env.Done(kField, id);
}

Result<Decision> CreateProduct(Env& env, const fb::CreateProductT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "products"));
  auto id = env.NewRecordId(kProduct, c.product_id, "product_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.code, "code", 64, true));
  if (const RecordState* other = env.dir.product_by_code(Trim(c.code))) {
    return Status::AlreadyExists("code: product " + other->id + " already has code " + c.code);
  }
  RAPPORT_RETURN_IF_ERROR(CheckMoney(c.list_price.get(), "list_price", true));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.description, "description", 2000, false, true));
  fb::ProductCreatedT e;
  e.product_id = *id;
  e.name = Trim(c.name);
  e.code = Trim(c.code);
  e.list_price = CloneMoney(c.list_price.get());
  e.description = c.description;
  env.EmitNew(kProduct, *id, std::move(e));
  return env.Done(kProduct, *id);
}

Result<Decision> RetireProduct(Env& env, const fb::RetireProductT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "products"));
  auto r = env.Live(kProduct, c.product_id, "product_id");
  if (!r.ok()) return r.status();
  if ((*r)->Int("retired")) return Status::FailedPrecondition("product " + c.product_id + " is already retired");
  fb::ProductRetiredT e;
  e.product_id = c.product_id;
  env.EmitOn(**r, std::move(e));
  return env.Done(kProduct, c.product_id);
}

}  // namespace

MaybeDecision DecideRecords(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::CreateCompany: return CreateCompany(env, *b.AsCreateCompany());
    case fb::CommandBody::CreateContact: return CreateContact(env, *b.AsCreateContact());
    case fb::CommandBody::ChangeLifecycle: return ChangeLifecycle(env, *b.AsChangeLifecycle());
    case fb::CommandBody::SetConsent: return SetConsent(env, *b.AsSetConsent());
    case fb::CommandBody::MergeRecords: return MergeRecords(env, *b.AsMergeRecords());
    case fb::CommandBody::DeleteRecord: return DeleteRecord(env, *b.AsDeleteRecord());
    case fb::CommandBody::DefineField: return DefineField(env, *b.AsDefineField());
    case fb::CommandBody::RetireField: return RetireField(env, *b.AsRetireField());
    case fb::CommandBody::CreateProduct: return CreateProduct(env, *b.AsCreateProduct());
    case fb::CommandBody::RetireProduct: return RetireProduct(env, *b.AsRetireProduct());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
