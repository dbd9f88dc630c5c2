#include "projections/org.h"

#include <algorithm>

#include "domain/enums.h"
#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

enum Kind : uint8_t {
  // pipelines
  kPipelineCreated = 1, kPipelineRenamed, kStageAdded, kStageUpdated, kStageRemoved,
  kStagesReordered, kPipelineArchived,
  // users
  kUserCreated = 20, kUserRenamed, kUserRole, kUserActive,
  // teams
  kTeamCreated = 40, kTeamRenamed, kMemberAdded, kMemberRemoved, kManagerChanged,
  // workspace
  kHome = 60, kRate,
};

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

// The new text value of `field` in a change list, if it changes.
const fb::FieldChange* Change(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* v,
                              std::string_view field) {
  if (!v) return nullptr;
  for (const auto* c : *v) {
    if (c && Str(c->field()) == field) return c;
  }
  return nullptr;
}
std::string_view NewText(const fb::FieldChange* c) {
  return c && c->new_value() ? Str(c->new_value()->text()) : std::string_view();
}

void PutDelta(BinaryWriter* w, const OrgProjection::Delta& d) {
  w->Var(d.position);
  w->SVar(d.occurred);
  w->U8(d.kind);
  w->Var(d.a);
  w->Var(d.b);
  w->SVar(d.n);
  w->SVar(d.m);
  w->Var(d.list.size());
  for (Sym x : d.list) w->Var(x);
  w->Var(d.stages.size());
  for (const auto& st : d.stages) {
    w->Var(st.id);
    w->Var(st.name);
    w->SVar(st.probability);
  }
}

bool GetDelta(BinaryReader* r, OrgProjection::Delta* d) {
  d->position = r->Var();
  d->occurred = r->SVar();
  d->kind = r->U8();
  d->a = static_cast<Sym>(r->Var());
  d->b = static_cast<Sym>(r->Var());
  d->n = r->SVar();
  d->m = r->SVar();
  uint64_t n = r->Count();
  for (uint64_t i = 0; i < n && r->ok(); ++i) d->list.push_back(static_cast<Sym>(r->Var()));
  uint64_t k = r->Count(3);
  for (uint64_t i = 0; i < k && r->ok(); ++i) {
    StageDef st;
    st.id = static_cast<Sym>(r->Var());
    st.name = static_cast<Sym>(r->Var());
    st.probability = static_cast<int>(r->SVar());
    d->stages.push_back(st);
  }
  return r->ok();
}

}  // namespace

int PipelineView::IndexOf(Sym stage) const {
  for (size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].id == stage) return static_cast<int>(i);
  }
  return -1;
}

const StageDef* PipelineView::Stage(Sym stage) const {
  int i = IndexOf(stage);
  return i < 0 ? nullptr : &stages[static_cast<size_t>(i)];
}

OrgProjection::Delta OrgProjection::Base(const events::EventView& e, uint8_t kind) const {
  Delta d;
  d.position = e.position();
  d.occurred = e.occurred_at_us();
  d.kind = kind;
  return d;
}

void OrgProjection::Apply(const events::EventView& e) {
  Sym id = 0;
  auto stream_sym = [&] { return s_->Intern(e.stream_id()); };
  switch (e.type()) {
    case fb::Payload::WorkspaceCreated: {
      Delta d = Base(e, kHome);
      d.a = s_->Intern(Str(e.payload_as<fb::WorkspaceCreated>()->home_currency()));
      workspace_.Of(0).push_back(std::move(d));
      return;
    }
    case fb::Payload::WorkspaceUpdated: {
      const auto* c = Change(e.payload_as<fb::WorkspaceUpdated>()->changes(), "home_currency");
      if (!c) return;
      Delta d = Base(e, kHome);
      d.a = s_->Intern(NewText(c));
      workspace_.Of(0).push_back(std::move(d));
      return;
    }
    case fb::Payload::ExchangeRateSet: {
      auto* p = e.payload_as<fb::ExchangeRateSet>();
      Delta d = Base(e, kRate);
      d.a = s_->Intern(Str(p->currency()));
      d.n = p->effective_date();
      d.m = p->rate_e9();
      workspace_.Of(0).push_back(std::move(d));
      return;
    }
    case fb::Payload::UserCreated: {
      auto* p = e.payload_as<fb::UserCreated>();
      Delta d = Base(e, kUserCreated);
      d.a = s_->Intern(Str(p->name()));
      d.n = static_cast<int64_t>(p->role());
      users_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::UserUpdated: {
      const auto* c = Change(e.payload_as<fb::UserUpdated>()->changes(), "name");
      if (!c) return;
      Delta d = Base(e, kUserRenamed);
      d.a = s_->Intern(NewText(c));
      users_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::UserRoleChanged: {
      Delta d = Base(e, kUserRole);
      d.n = static_cast<int64_t>(e.payload_as<fb::UserRoleChanged>()->new_role());
      users_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::UserDeactivated:
    case fb::Payload::UserReactivated: {
      Delta d = Base(e, kUserActive);
      d.n = e.type() == fb::Payload::UserReactivated;
      users_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::TeamCreated: {
      auto* p = e.payload_as<fb::TeamCreated>();
      Delta d = Base(e, kTeamCreated);
      d.a = s_->Intern(Str(p->name()));
      d.b = s_->Intern(Str(p->manager_id()));
      if (p->member_ids()) {
        for (const auto* m : *p->member_ids()) d.list.push_back(s_->Intern(Str(m)));
      }
      teams_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::TeamUpdated: {
      const auto* c = Change(e.payload_as<fb::TeamUpdated>()->changes(), "name");
      if (!c) return;
      Delta d = Base(e, kTeamRenamed);
      d.a = s_->Intern(NewText(c));
      teams_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::TeamMemberAdded:
    case fb::Payload::TeamMemberRemoved: {
      bool add = e.type() == fb::Payload::TeamMemberAdded;
      Delta d = Base(e, add ? kMemberAdded : kMemberRemoved);
      d.a = s_->Intern(add ? Str(e.payload_as<fb::TeamMemberAdded>()->user_id())
                           : Str(e.payload_as<fb::TeamMemberRemoved>()->user_id()));
      teams_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::TeamManagerChanged: {
      Delta d = Base(e, kManagerChanged);
      d.a = s_->Intern(Str(e.payload_as<fb::TeamManagerChanged>()->new_manager_id()));
      teams_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineCreated: {
      auto* p = e.payload_as<fb::PipelineCreated>();
      Delta d = Base(e, kPipelineCreated);
      d.a = s_->Intern(Str(p->name()));
      if (p->stages()) {
        for (const auto* st : *p->stages()) {
          d.stages.push_back({s_->Intern(Str(st->stage_id())), s_->Intern(Str(st->name())), st->probability()});
        }
      }
      id = stream_sym();
      pipelines_.Of(id).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineUpdated: {
      const auto* c = Change(e.payload_as<fb::PipelineUpdated>()->changes(), "name");
      if (!c) return;
      Delta d = Base(e, kPipelineRenamed);
      d.a = s_->Intern(NewText(c));
      pipelines_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineStageAdded: {
      auto* p = e.payload_as<fb::PipelineStageAdded>();
      Delta d = Base(e, kStageAdded);
      if (p->stage()) {
        d.stages.push_back({s_->Intern(Str(p->stage()->stage_id())), s_->Intern(Str(p->stage()->name())),
                            p->stage()->probability()});
      }
      d.n = p->index();
      pipelines_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineStageUpdated: {
      auto* p = e.payload_as<fb::PipelineStageUpdated>();
      Delta d = Base(e, kStageUpdated);
      d.a = s_->Intern(Str(p->stage_id()));
      d.n = -1;  // probability unchanged
      if (const auto* c = Change(p->changes(), "name")) d.b = s_->Intern(NewText(c));
      if (const auto* c = Change(p->changes(), "probability")) {
        d.n = c->new_value() ? c->new_value()->int_value() : 0;
      }
      pipelines_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineStageRemoved: {
      Delta d = Base(e, kStageRemoved);
      d.a = s_->Intern(Str(e.payload_as<fb::PipelineStageRemoved>()->stage_id()));
      pipelines_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineStagesReordered: {
      auto* p = e.payload_as<fb::PipelineStagesReordered>();
      Delta d = Base(e, kStagesReordered);
      if (p->new_order()) {
        for (const auto* x : *p->new_order()) d.list.push_back(s_->Intern(Str(x)));
      }
      pipelines_.Of(stream_sym()).push_back(std::move(d));
      return;
    }
    case fb::Payload::PipelineArchived:
      pipelines_.Of(stream_sym()).push_back(Base(e, kPipelineArchived));
      return;
    default:
      return;
  }
}

PipelineView OrgProjection::Pipeline(Sym id, const AsOf& at) const {
  PipelineView v;
  v.id = id;
  const auto* ds = pipelines_.Find(id);
  if (!ds) return v;
  Fold(*ds, at, [&](const Delta& d) {
    switch (d.kind) {
      case kPipelineCreated:
        v.exists = true;
        v.name = d.a;
        v.stages = d.stages;
        break;
      case kPipelineRenamed:
        v.name = d.a;
        break;
      case kStageAdded: {
        size_t at_index = std::min<size_t>(static_cast<size_t>(std::max<int64_t>(0, d.n)), v.stages.size());
        if (!d.stages.empty()) v.stages.insert(v.stages.begin() + static_cast<long>(at_index), d.stages.front());
        break;
      }
      case kStageUpdated:
        for (auto& st : v.stages) {
          if (st.id != d.a) continue;
          if (d.b) st.name = d.b;
          if (d.n >= 0) st.probability = static_cast<int>(d.n);
        }
        break;
      case kStageRemoved:
        std::erase_if(v.stages, [&](const StageDef& st) { return st.id == d.a; });
        break;
      case kStagesReordered: {
        std::vector<StageDef> out;
        for (Sym sid : d.list) {
          for (const auto& st : v.stages) {
            if (st.id == sid) out.push_back(st);
          }
        }
        v.stages = std::move(out);
        break;
      }
      case kPipelineArchived:
        v.archived = true;
        break;
    }
  });
  return v;
}

std::vector<PipelineView> OrgProjection::Pipelines(const AsOf& at) const {
  std::vector<PipelineView> out;
  for (size_t i = 0; i < pipelines_.size(); ++i) {
    PipelineView v = Pipeline(pipelines_.id(i), at);
    if (v.exists) out.push_back(std::move(v));
  }
  return out;
}

UserView OrgProjection::User(Sym id, const AsOf& at) const {
  UserView v;
  const auto* ds = users_.Find(id);
  if (!ds) return v;
  Fold(*ds, at, [&](const Delta& d) {
    switch (d.kind) {
      case kUserCreated:
        v.exists = true;
        v.active = true;
        v.name = d.a;
        v.role = domain::RoleName(static_cast<fb::Role>(d.n));
        break;
      case kUserRenamed:
        v.name = d.a;
        break;
      case kUserRole:
        v.role = domain::RoleName(static_cast<fb::Role>(d.n));
        break;
      case kUserActive:
        v.active = d.n != 0;
        break;
    }
  });
  return v;
}

std::vector<TeamView> OrgProjection::Teams(const AsOf& at) const {
  std::vector<TeamView> out;
  for (size_t i = 0; i < teams_.size(); ++i) {
    TeamView v;
    v.id = teams_.id(i);
    Fold(teams_.deltas(i), at, [&](const Delta& d) {
      switch (d.kind) {
        case kTeamCreated:
          v.exists = true;
          v.name = d.a;
          v.manager = d.b;
          v.members.insert(d.list.begin(), d.list.end());
          break;
        case kTeamRenamed:
          v.name = d.a;
          break;
        case kMemberAdded:
          v.members.insert(d.a);
          break;
        case kMemberRemoved:
          v.members.erase(d.a);
          break;
        case kManagerChanged:
          v.manager = d.a;
          break;
      }
    });
    if (v.exists) out.push_back(std::move(v));
  }
  return out;
}

domain::ExchangeRates OrgProjection::Rates(const AsOf& at) const {
  domain::ExchangeRates rates;
  const auto* ds = workspace_.Find(0);
  if (!ds) return rates;
  Fold(*ds, at, [&](const Delta& d) {
    if (d.kind == kHome) rates.set_home(s_->Str(d.a));
    if (d.kind == kRate) rates.Set(s_->Str(d.a), static_cast<int32_t>(d.n), d.m);
  });
  return rates;
}

void OrgProjection::Serialize(BinaryWriter* w) const {
  for (const auto* t : {&pipelines_, &users_, &teams_, &workspace_}) t->Serialize(w, PutDelta);
}

bool OrgProjection::Deserialize(BinaryReader* r) {
  for (auto* t : {&pipelines_, &users_, &teams_, &workspace_}) {
    if (!t->Deserialize(r, GetDelta)) return false;
  }
  return true;
}

void OrgProjection::Clear() {
  for (auto* t : {&pipelines_, &users_, &teams_, &workspace_}) t->Clear();
}

}  // namespace rapport::projections
