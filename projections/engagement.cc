#include "projections/engagement.h"

#include <algorithm>

#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

enum Kind : uint8_t { kCreated = 1, kSource, kOwner, kLifecycle, kGone, kScore };

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

void PutDelta(BinaryWriter* w, const EngagementProjection::Delta& d) {
  w->Var(d.position);
  w->SVar(d.occurred);
  w->U8(d.kind);
  w->Var(d.a);
  w->Var(d.b);
  w->U8(d.lifecycle);
}

bool GetDelta(BinaryReader* r, EngagementProjection::Delta* d) {
  d->position = r->Var();
  d->occurred = r->SVar();
  d->kind = r->U8();
  d->a = static_cast<Sym>(r->Var());
  d->b = static_cast<Sym>(r->Var());
  d->lifecycle = r->U8();
  return r->ok();
}

}  // namespace

void EngagementProjection::Apply(const events::EventView& e) {
  Delta d;
  d.position = e.position();
  d.occurred = e.occurred_at_us();
  auto activity = [&](ActivityKind kind, const flatbuffers::String* author) {
    ActivityRecord a;
    a.position = e.position();
    a.occurred = e.occurred_at_us();
    a.author = s_->Intern(author && author->size() ? Str(author) : e.actor());
    a.kind = kind;
    activities_.push_back(a);
  };
  switch (e.type()) {
    case fb::Payload::ContactCreated: {
      auto* p = e.payload_as<fb::ContactCreated>();
      d.kind = kCreated;
      d.a = s_->Intern(Str(p->source()));
      d.b = s_->Intern(Str(p->owner_id()));
      d.lifecycle = static_cast<uint8_t>(p->lifecycle());
      break;
    }
    case fb::Payload::ContactUpdated: {
      auto* ch = e.payload_as<fb::ContactUpdated>()->changes();
      if (!ch) return;
      std::vector<Delta>& ds = contacts_.Of(s_->Intern(e.stream_id()));
      for (const auto* c : *ch) {
        std::string_view f = Str(c->field());
        if (f != "source" && f != "owner_id") continue;
        Delta x = d;
        x.kind = f == "source" ? kSource : kOwner;
        x.a = s_->Intern(c->new_value() ? Str(c->new_value()->text()) : "");
        ds.push_back(x);
      }
      return;
    }
    case fb::Payload::ContactLifecycleChanged:
      d.kind = kLifecycle;
      d.lifecycle = static_cast<uint8_t>(e.payload_as<fb::ContactLifecycleChanged>()->new_stage());
      break;
    case fb::Payload::ContactMergedInto:
    case fb::Payload::ContactDeleted:
      d.kind = kGone;
      break;
    case fb::Payload::LeadScored:
      d.kind = kScore;
      d.a = static_cast<Sym>(std::max(0, e.payload_as<fb::LeadScored>()->score()));
      break;
    case fb::Payload::EmailLogged:
      activity(ActivityKind::kEmail, e.payload_as<fb::EmailLogged>()->author_id());
      return;
    case fb::Payload::CallLogged:
      activity(ActivityKind::kCall, e.payload_as<fb::CallLogged>()->author_id());
      return;
    case fb::Payload::MeetingLogged:
      activity(ActivityKind::kMeeting, e.payload_as<fb::MeetingLogged>()->author_id());
      return;
    case fb::Payload::NoteLogged:
      activity(ActivityKind::kNote, e.payload_as<fb::NoteLogged>()->author_id());
      return;
    case fb::Payload::FormSubmitted:
      activity(ActivityKind::kForm, nullptr);
      return;
    case fb::Payload::ActivityDeleted: {
      // The activity is found by the position of the event that logged it.
      uint64_t created = e.payload_as<fb::ActivityDeleted>()->created_position();
      auto it = std::lower_bound(activities_.begin(), activities_.end(), created,
                                 [](const ActivityRecord& a, uint64_t p) { return a.position < p; });
      if (it != activities_.end() && it->position == created) {
        it->deleted_position = e.position();
        it->deleted_occurred = e.occurred_at_us();
      }
      return;
    }
    default:
      return;
  }
  contacts_.Of(s_->Intern(e.stream_id())).push_back(d);
}

std::vector<ContactView> EngagementProjection::Contacts(const AsOf& at) const {
  std::vector<ContactView> out;
  for (size_t i = 0; i < contacts_.size(); ++i) {
    ContactView v;
    v.id = contacts_.id(i);
    bool gone = false;
    Fold(contacts_.deltas(i), at, [&](const Delta& d) {
      switch (d.kind) {
        case kCreated:
          v.exists = true;
          v.created_at = d.occurred;
          v.source = d.a;
          v.owner = d.b;
          v.lifecycle = d.lifecycle;
          break;
        case kSource:
          v.source = d.a;
          break;
        case kOwner:
          v.owner = d.a;
          break;
        case kLifecycle:
          v.lifecycle = d.lifecycle;
          break;
        case kGone:
          gone = true;
          break;
        case kScore:
          v.score = static_cast<int32_t>(d.a);
          break;
      }
      if (v.exists && v.lifecycle != 0) {
        uint8_t stage = v.lifecycle == static_cast<uint8_t>(fb::Lifecycle::Churned)
                            ? static_cast<uint8_t>(fb::Lifecycle::Customer) : v.lifecycle;
        v.furthest = std::max(v.furthest, stage);
      }
      if (v.exists && v.lifecycle == static_cast<uint8_t>(fb::Lifecycle::Customer) && !v.converted) {
        v.converted = true;
        v.converted_at = d.occurred;
      }
    });
    if (v.exists && !gone) out.push_back(v);
  }
  return out;
}

void EngagementProjection::Serialize(BinaryWriter* w) const {
  contacts_.Serialize(w, PutDelta);
  w->Var(activities_.size());
  for (const auto& a : activities_) {
    w->Var(a.position);
    w->SVar(a.occurred);
    w->Var(a.author);
    w->U8(static_cast<uint8_t>(a.kind));
    w->Var(a.deleted_position == UINT64_MAX ? 0 : a.deleted_position);
    w->SVar(a.deleted_occurred);
  }
}

bool EngagementProjection::Deserialize(BinaryReader* r) {
  Clear();
  if (!contacts_.Deserialize(r, GetDelta)) return false;
  activities_.resize(r->Count(5));
  for (auto& a : activities_) {
    a.position = r->Var();
    a.occurred = r->SVar();
    a.author = static_cast<Sym>(r->Var());
    a.kind = static_cast<ActivityKind>(r->U8());
    uint64_t del = r->Var();
    a.deleted_position = del == 0 ? UINT64_MAX : del;
    a.deleted_occurred = r->SVar();
  }
  return r->ok();
}

void EngagementProjection::Clear() {
  contacts_.Clear();
  activities_.clear();
}

}  // namespace rapport::projections
