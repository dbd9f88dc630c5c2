// How workspace, user and team events change their records.
#include "domain/apply_internal.h"
#include "domain/enums.h"

namespace rapport::domain::internal {

bool ApplyPeople(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::WorkspaceCreated: {
      auto* p = e.payload_as<fb::WorkspaceCreated>();
      *st = Created(s, e);
      s->Set("workspace_id", TextValue(Str(p->workspace_id())));
      s->Set("name", TextValue(Str(p->name())));
      s->Set("home_currency", TextValue(Str(p->home_currency())));
      s->Set("time_zone", TextValue(Str(p->time_zone())));
      s->rates.set_home(Str(p->home_currency()));
      return true;
    }
    case fb::Payload::TokenIssued: {
      auto* p = e.payload_as<fb::TokenIssued>();
      *st = Created(s, e);
      s->Set("user_id", RefValue(Str(p->user_id())));
      s->Set("name", TextValue(Str(p->name())));
      s->Set("secret_hash", TextValue(Str(p->secret_hash())));
      s->Set("hint", TextValue(Str(p->hint())));
      if (p->expires_at_us() != 0) s->Set("expires_at", InstantValue(p->expires_at_us()));
      s->Set("status", ChoiceValue("active"));
      return true;
    }
    case fb::Payload::TokenRevoked:
      s->Set("status", ChoiceValue("revoked"));
      s->Set("revoked_reason", TextValue(Str(e.payload_as<fb::TokenRevoked>()->reason())));
      return true;
    case fb::Payload::WorkspaceUpdated:
      ApplyChanges(e.payload_as<fb::WorkspaceUpdated>()->changes(), s);
      s->rates.set_home(s->Text("home_currency"));
      return true;
    case fb::Payload::ExchangeRateSet: {
      auto* p = e.payload_as<fb::ExchangeRateSet>();
      s->rates.Set(Str(p->currency()), p->effective_date(), p->rate_e9());
      return true;
    }
    case fb::Payload::UserCreated: {
      auto* p = e.payload_as<fb::UserCreated>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      s->Set("email", TextValue(Str(p->email())));
      s->Set("role", ChoiceValue(RoleName(p->role())));
      s->Set("title", TextValue(Str(p->title())));
      s->Set("territory", TextValue(Str(p->territory())));
      s->Set("active", BoolValue(true));
      return true;
    }
    case fb::Payload::UserUpdated:
      ApplyChanges(e.payload_as<fb::UserUpdated>()->changes(), s);
      return true;
    case fb::Payload::UserRoleChanged:
      s->Set("role", ChoiceValue(RoleName(e.payload_as<fb::UserRoleChanged>()->new_role())));
      return true;
    case fb::Payload::UserDeactivated:
      s->Set("active", BoolValue(false));
      return true;
    case fb::Payload::UserReactivated:
      s->Set("active", BoolValue(true));
      return true;
    case fb::Payload::TeamCreated: {
      auto* p = e.payload_as<fb::TeamCreated>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      s->Set("manager_id", RefValue(Str(p->manager_id())));
      s->Set("territory", TextValue(Str(p->territory())));
      for (auto& m : Strs(p->member_ids())) s->members.insert(m);
      return true;
    }
    case fb::Payload::TeamUpdated:
      ApplyChanges(e.payload_as<fb::TeamUpdated>()->changes(), s);
      return true;
    case fb::Payload::TeamMemberAdded:
      s->members.insert(Str(e.payload_as<fb::TeamMemberAdded>()->user_id()));
      return true;
    case fb::Payload::TeamMemberRemoved:
      s->members.erase(Str(e.payload_as<fb::TeamMemberRemoved>()->user_id()));
      return true;
    case fb::Payload::TeamManagerChanged:
      s->Set("manager_id", RefValue(Str(e.payload_as<fb::TeamManagerChanged>()->new_manager_id())));
      return true;
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
