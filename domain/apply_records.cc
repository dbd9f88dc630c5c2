// How company, contact, custom field and product events change their records.
#include "domain/apply_internal.h"
#include "domain/enums.h"

namespace rapport::domain::internal {

bool ApplyRecords(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::CompanyCreated: {
      auto* p = e.payload_as<fb::CompanyCreated>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      s->Set("domain", TextValue(Str(p->domain())));
      s->Set("industry", TextValue(Str(p->industry())));
      if (p->employees() != 0) s->Set("employees", NumberValue(p->employees()));
      s->Set("annual_revenue", MoneyOf(p->annual_revenue()));
      s->Set("city", TextValue(Str(p->city())));
      s->Set("country", TextValue(Str(p->country())));
      s->Set("region", TextValue(Str(p->region())));
      s->Set("parent_company_id", RefValue(Str(p->parent_company_id())));
      s->Set("owner_id", RefValue(Str(p->owner_id())));
      s->Set("tags", ListValue(Strs(p->tags())));
      s->Set("source", TextValue(Str(p->source())));
      ApplyCustom(p->custom(), s);
      return true;
    }
    case fb::Payload::CompanyUpdated:
      ApplyChanges(e.payload_as<fb::CompanyUpdated>()->changes(), s);
      return true;
    case fb::Payload::CompanyMerged: {
      auto* p = e.payload_as<fb::CompanyMerged>();
      ApplyChanges(p->changes(), s);
      auto merged = s->List("merged_ids");
      merged.push_back(Str(p->merged_id()));
      s->Set("merged_ids", ListValue(merged));
      return true;
    }
    case fb::Payload::CompanyMergedInto:
      s->merged_into = Str(e.payload_as<fb::CompanyMergedInto>()->survivor_id());
      return true;
    case fb::Payload::CompanyDeleted:
      s->deleted = true;
      return true;

    case fb::Payload::ContactCreated: {
      auto* p = e.payload_as<fb::ContactCreated>();
      *st = Created(s, e);
      s->Set("first_name", TextValue(Str(p->first_name())));
      s->Set("last_name", TextValue(Str(p->last_name())));
      s->Set("emails", ListValue(Strs(p->emails())));
      s->Set("phones", ListValue(Strs(p->phones())));
      s->Set("title", TextValue(Str(p->title())));
      s->Set("company_id", RefValue(Str(p->company_id())));
      s->Set("owner_id", RefValue(Str(p->owner_id())));
      s->Set("source", TextValue(Str(p->source())));
      if (p->lifecycle() != fb::Lifecycle::Unspecified) {
        s->Set("lifecycle", ChoiceValue(LifecycleName(p->lifecycle())));
      }
      s->Set("tags", ListValue(Strs(p->tags())));
      if (p->email_opt_out()) s->Set("email_opt_out", BoolValue(true));
      if (p->phone_opt_out()) s->Set("phone_opt_out", BoolValue(true));
      ApplyCustom(p->custom(), s);
      return true;
    }
    case fb::Payload::ContactUpdated:
      ApplyChanges(e.payload_as<fb::ContactUpdated>()->changes(), s);
      return true;
    case fb::Payload::ContactLifecycleChanged: {
      auto stage = e.payload_as<fb::ContactLifecycleChanged>()->new_stage();
      s->Set("lifecycle", stage == fb::Lifecycle::Unspecified ? NullValue()
                                                              : ChoiceValue(LifecycleName(stage)));
      return true;
    }
    case fb::Payload::ContactConsentChanged: {
      auto* p = e.payload_as<fb::ContactConsentChanged>();
      std::string field = p->channel() == fb::ConsentChannel::Email ? "email_opt_out"
                                                                     : "phone_opt_out";
      s->Set(field, p->opted_out() ? BoolValue(true) : NullValue());
      return true;
    }
    case fb::Payload::ContactMerged: {
      auto* p = e.payload_as<fb::ContactMerged>();
      ApplyChanges(p->changes(), s);
      auto merged = s->List("merged_ids");
      merged.push_back(Str(p->merged_id()));
      s->Set("merged_ids", ListValue(merged));
      return true;
    }
    case fb::Payload::ContactMergedInto:
      s->merged_into = Str(e.payload_as<fb::ContactMergedInto>()->survivor_id());
      return true;
    case fb::Payload::ContactDeleted:
      s->deleted = true;
      return true;

    case fb::Payload::FieldDefined: {
      auto* p = e.payload_as<fb::FieldDefined>();
      *st = Created(s, e);
      s->Set("record_type", TextValue(Str(p->record_type())));
      s->Set("key", TextValue(Str(p->key())));
      s->Set("label", TextValue(Str(p->label())));
      s->Set("kind", ChoiceValue(FieldKindName(p->kind())));
      s->Set("choices", ListValue(Strs(p->choices())));
      return true;
    }
    case fb::Payload::FieldUpdated:
      ApplyChanges(e.payload_as<fb::FieldUpdated>()->changes(), s);
      return true;
    case fb::Payload::FieldRetired:
      s->Set("retired", BoolValue(true));
      return true;

    case fb::Payload::ProductCreated: {
      auto* p = e.payload_as<fb::ProductCreated>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      s->Set("code", TextValue(Str(p->code())));
      s->Set("list_price", MoneyOf(p->list_price()));
      s->Set("description", TextValue(Str(p->description())));
      return true;
    }
    case fb::Payload::ProductUpdated:
      ApplyChanges(e.payload_as<fb::ProductUpdated>()->changes(), s);
      return true;
    case fb::Payload::ProductRetired:
      s->Set("retired", BoolValue(true));
      return true;
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
