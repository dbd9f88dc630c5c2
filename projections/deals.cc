#include "projections/deals.h"

#include <algorithm>

#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

enum Field : uint16_t {
  kOpened = 1 << 0,
  kPipeline = 1 << 1,
  kStage = 1 << 2,
  kStatus = 1 << 3,
  kAmount = 1 << 4,
  kExpectedClose = 1 << 5,
  kOwner = 1 << 6,
  kCompany = 1 << 7,
  kSource = 1 << 8,
  kName = 1 << 9,
  kCategory = 1 << 10,
  kCloseDate = 1 << 11,
};

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

void PutDelta(BinaryWriter* w, const DealsProjection::Delta& d) {
  w->Var(d.position);
  w->SVar(d.occurred);
  w->Var(d.mask);
  w->U8(d.status);
  w->U8(d.category);
  for (Sym x : {d.pipeline, d.stage, d.owner, d.company, d.source, d.name, d.currency}) w->Var(x);
  w->SVar(d.amount);
  w->SVar(d.expected_close);
  w->SVar(d.close_date);
}

bool GetDelta(BinaryReader* r, DealsProjection::Delta* d) {
  d->position = r->Var();
  d->occurred = r->SVar();
  d->mask = static_cast<uint16_t>(r->Var());
  d->status = r->U8();
  d->category = r->U8();
  for (Sym* x : {&d->pipeline, &d->stage, &d->owner, &d->company, &d->source, &d->name, &d->currency}) {
    *x = static_cast<Sym>(r->Var());
  }
  d->amount = r->SVar();
  d->expected_close = static_cast<int32_t>(r->SVar());
  d->close_date = static_cast<int32_t>(r->SVar());
  return r->ok() && d->status <= 2;
}

}  // namespace

bool DealView::Reached(Sym stage) const {
  return std::find(reached.begin(), reached.begin() + reached_count, stage) !=
         reached.begin() + reached_count;
}

void DealsProjection::Push(const events::EventView& e, Delta d) {
  d.position = e.position();
  d.occurred = e.occurred_at_us();
  uint32_t i = deals_.Index(s_->Intern(e.stream_id()));
  if (activity_.size() < deals_.size()) activity_.resize(deals_.size());
  deals_.Of(deals_.id(i)).push_back(d);
  Derive(i);
}

void DealsProjection::Derive(size_t i) {
  if (closed_.size() < deals_.size()) {
    closed_.resize(deals_.size(), 0);
    max_occurred_.resize(deals_.size(), 0);
  }
  const auto& ds = deals_.deltas(i);
  if (ds.empty()) return;
  const Delta& d = ds.back();
  if (d.mask & kStatus) closed_[i] = d.status != static_cast<uint8_t>(DealStatus::kOpen);
  max_occurred_[i] = std::max(max_occurred_[i], d.occurred);
}

void DealsProjection::NoteActivity(
    const events::EventView& e, const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* deals) {
  if (!deals) return;
  for (const auto* id : *deals) {
    uint32_t i = deals_.Index(s_->Intern(Str(id)));
    if (activity_.size() < deals_.size()) activity_.resize(deals_.size());
    if (closed_.size() < deals_.size()) {
      closed_.resize(deals_.size(), 0);
      max_occurred_.resize(deals_.size(), 0);
    }
    activity_[i].push_back({e.position(), e.occurred_at_us()});
  }
}

void DealsProjection::Apply(const events::EventView& e) {
  Delta d;
  switch (e.type()) {
    case fb::Payload::DealOpened: {
      auto* p = e.payload_as<fb::DealOpened>();
      d.mask = kOpened | kPipeline | kStage | kStatus | kAmount | kExpectedClose | kOwner |
               kCompany | kSource | kName;
      d.status = static_cast<uint8_t>(DealStatus::kOpen);
      d.pipeline = s_->Intern(Str(p->pipeline_id()));
      d.stage = s_->Intern(Str(p->stage_id()));
      if (p->amount()) {
        d.amount = p->amount()->amount_minor();
        d.currency = s_->Intern(Str(p->amount()->currency()));
      }
      if (p->expected_close_date()) d.expected_close = *p->expected_close_date();
      d.owner = s_->Intern(Str(p->owner_id()));
      d.company = s_->Intern(Str(p->company_id()));
      d.source = s_->Intern(Str(p->source()));
      d.name = s_->Intern(Str(p->name()));
      break;
    }
    case fb::Payload::DealStageMoved:
      d.mask = kStage;
      d.stage = s_->Intern(Str(e.payload_as<fb::DealStageMoved>()->to_stage_id()));
      break;
    case fb::Payload::DealAmountChanged: {
      auto* m = e.payload_as<fb::DealAmountChanged>()->new_amount();
      d.mask = kAmount;
      if (m) {
        d.amount = m->amount_minor();
        d.currency = s_->Intern(Str(m->currency()));
      }
      break;
    }
    case fb::Payload::DealCloseDateChanged: {
      auto nd = e.payload_as<fb::DealCloseDateChanged>()->new_date();
      d.mask = kExpectedClose;
      d.expected_close = nd ? *nd : kNoDate;
      break;
    }
    case fb::Payload::DealOwnerChanged:
      d.mask = kOwner;
      d.owner = s_->Intern(Str(e.payload_as<fb::DealOwnerChanged>()->new_owner_id()));
      break;
    case fb::Payload::DealUpdated: {
      auto* ch = e.payload_as<fb::DealUpdated>()->changes();
      if (!ch) return;
      for (const auto* c : *ch) {
        std::string_view f = Str(c->field());
        std::string_view v = c->new_value() ? Str(c->new_value()->text()) : std::string_view();
        if (f == "name") {
          d.mask |= kName;
          d.name = s_->Intern(v);
        } else if (f == "company_id") {
          d.mask |= kCompany;
          d.company = s_->Intern(v);
        } else if (f == "source") {
          d.mask |= kSource;
          d.source = s_->Intern(v);
        }
      }
      if (d.mask == 0) return;
      break;
    }
    case fb::Payload::DealForecastCategorySet:
      d.mask = kCategory;
      d.category = static_cast<uint8_t>(e.payload_as<fb::DealForecastCategorySet>()->new_category());
      break;
    case fb::Payload::DealWon: {
      auto* p = e.payload_as<fb::DealWon>();
      d.mask = kStatus | kCloseDate | kAmount;
      d.status = static_cast<uint8_t>(DealStatus::kWon);
      d.close_date = p->close_date();
      if (p->amount()) {
        d.amount = p->amount()->amount_minor();
        d.currency = s_->Intern(Str(p->amount()->currency()));
      }
      break;
    }
    case fb::Payload::DealLost:
      d.mask = kStatus | kCloseDate;
      d.status = static_cast<uint8_t>(DealStatus::kLost);
      d.close_date = e.payload_as<fb::DealLost>()->close_date();
      break;
    case fb::Payload::DealReopened:
      d.mask = kStatus | kStage | kCloseDate;
      d.status = static_cast<uint8_t>(DealStatus::kOpen);
      d.stage = s_->Intern(Str(e.payload_as<fb::DealReopened>()->stage_id()));
      d.close_date = kNoDate;
      break;
    case fb::Payload::EmailLogged: {
      auto* l = e.payload_as<fb::EmailLogged>()->links();
      if (l) NoteActivity(e, l->deal_ids());
      return;
    }
    case fb::Payload::CallLogged: {
      auto* l = e.payload_as<fb::CallLogged>()->links();
      if (l) NoteActivity(e, l->deal_ids());
      return;
    }
    case fb::Payload::MeetingLogged: {
      auto* l = e.payload_as<fb::MeetingLogged>()->links();
      if (l) NoteActivity(e, l->deal_ids());
      return;
    }
    case fb::Payload::NoteLogged: {
      auto* l = e.payload_as<fb::NoteLogged>()->links();
      if (l) NoteActivity(e, l->deal_ids());
      return;
    }
    case fb::Payload::FormSubmitted: {
      auto* l = e.payload_as<fb::FormSubmitted>()->links();
      if (l) NoteActivity(e, l->deal_ids());
      return;
    }
    default:
      return;
  }
  Push(e, d);
}

DealView DealsProjection::FoldDeal(size_t i, const AsOf& at) const {
  DealView v;
  v.id = deals_.id(i);
  const auto& ds = deals_.deltas(i);
  // A deal opened after a recorded view's position is not in it: skip the fold.
  if (ds.empty() || (at.mode == AsOf::Mode::kRecorded && ds.front().position > at.position)) return v;
  Fold(deals_.deltas(i), at, [&](const Delta& d) {
    if (d.mask & kOpened) {
      v.exists = true;
      v.opened_at = d.occurred;
      v.opened_position = d.position;
      v.stage_entered_at = d.occurred;
    }
    if (!v.exists) return;  // events of a deal whose opening this view does not see
    v.last_change_at = d.occurred;
    if (d.mask & kPipeline) v.pipeline = d.pipeline;
    if (d.mask & kStage) {
      if (d.stage != v.stage || (d.mask & kOpened)) v.stage_entered_at = d.occurred;
      v.stage = d.stage;
      if (!v.Reached(d.stage) && v.reached_count < v.reached.size()) v.reached[v.reached_count++] = d.stage;
    }
    if (d.mask & kStatus) {
      auto st = static_cast<DealStatus>(d.status);
      if (st != DealStatus::kOpen && v.status == DealStatus::kOpen) v.closed_at = d.occurred;
      if (st == DealStatus::kOpen) v.closed_at = 0;
      v.status = st;
    }
    if (d.mask & kAmount) {
      v.amount = d.amount;
      v.currency = d.currency;
    }
    if (d.mask & kExpectedClose) v.expected_close = d.expected_close;
    if (d.mask & kOwner) v.owner = d.owner;
    if (d.mask & kCompany) v.company = d.company;
    if (d.mask & kSource) v.source = d.source;
    if (d.mask & kName) v.name = d.name;
    if (d.mask & kCategory) v.category = d.category;
    if (d.mask & kCloseDate) v.close_date = d.close_date;
  });
  return v;
}

DealView DealsProjection::Deal(Sym id, const AsOf& at) const {
  int64_t i = deals_.IndexOf(id);
  return i < 0 ? DealView{} : FoldDeal(static_cast<size_t>(i), at);
}

Micros DealsProjection::LastActivity(size_t i, const AsOf& at) const {
  Micros last = 0;
  if (i >= activity_.size()) return 0;
  for (const auto& a : activity_[i]) {
    if (at.Visible(a.position, a.occurred)) last = std::max(last, a.occurred);
  }
  return last;
}

void DealsProjection::Serialize(BinaryWriter* w) const {
  deals_.Serialize(w, PutDelta);
  w->Var(activity_.size());
  for (const auto& list : activity_) {
    w->Var(list.size());
    for (const auto& a : list) {
      w->Var(a.position);
      w->SVar(a.occurred);
    }
  }
}

bool DealsProjection::Deserialize(BinaryReader* r) {
  if (!deals_.Deserialize(r, GetDelta)) return false;
  activity_.assign(r->Count(), {});
  for (auto& list : activity_) {
    list.resize(r->Count(2));
    for (auto& a : list) {
      a.position = r->Var();
      a.occurred = r->SVar();
    }
  }
  if (activity_.size() < deals_.size()) activity_.resize(deals_.size());
  closed_.assign(deals_.size(), 0);
  max_occurred_.assign(deals_.size(), 0);
  for (size_t i = 0; i < deals_.size(); ++i) {
    for (const Delta& d : deals_.deltas(i)) {
      if (d.mask & kStatus) closed_[i] = d.status != static_cast<uint8_t>(DealStatus::kOpen);
      max_occurred_[i] = std::max(max_occurred_[i], d.occurred);
    }
  }
  return r->ok();
}

void DealsProjection::Clear() {
  deals_.Clear();
  activity_.clear();
  closed_.clear();
  max_occurred_.clear();
}

}  // namespace rapport::projections
