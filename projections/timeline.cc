#include "projections/timeline.h"

#include <algorithm>
#include <map>

#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

std::string Key(std::string_view type, std::string_view id) {
  std::string k(type);
  k.push_back('/');
  k.append(id);
  return k;
}

// Serialises an unordered map in key order, so the bytes do not depend on hash order.
template <typename V, typename Put>
void PutMap(BinaryWriter* w, const std::unordered_map<Sym, V>& m, Put put) {
  std::vector<Sym> keys;
  keys.reserve(m.size());
  for (const auto& [k, v] : m) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  w->Var(keys.size());
  for (Sym k : keys) {
    w->Var(k);
    put(m.at(k));
  }
}

}  // namespace

void TimelineProjection::Add(std::string_view type, std::string_view id,
                             const events::EventView& e) {
  if (id.empty()) return;
  std::vector<TimelineEntry>& list = entries_[s_->Intern(Key(type, id))];
  TimelineEntry entry{e.occurred_at_us(), e.position()};
  if (!list.empty() && list.back().position == entry.position) return;  // listed once
  if (list.empty() || !(entry < list.back())) {
    list.push_back(entry);
  } else {
    list.insert(std::upper_bound(list.begin(), list.end(), entry), entry);
  }
}

void TimelineProjection::AddLinks(const fb::Links* l, const events::EventView& e, bool remember) {
  if (!l) return;
  std::vector<Sym>* keys =
      remember ? &work_links_[s_->Intern(Key(e.stream_type(), e.stream_id()))] : nullptr;
  auto each = [&](const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* ids,
                  std::string_view type) {
    if (!ids) return;
    for (const auto* id : *ids) {
      Add(type, Str(id), e);
      if (keys) keys->push_back(s_->Intern(Key(type, Str(id))));
    }
  };
  each(l->contact_ids(), "contact");
  each(l->company_ids(), "company");
  each(l->deal_ids(), "deal");
}

void TimelineProjection::Apply(const events::EventView& e) {
  std::string_view type = e.stream_type();
  if (type == "contact" || type == "company" || type == "deal") Add(type, e.stream_id(), e);

  switch (e.type()) {
    case fb::Payload::ContactCreated:
      Add("company", Str(e.payload_as<fb::ContactCreated>()->company_id()), e);
      break;
    case fb::Payload::ContactMerged:
    case fb::Payload::CompanyMerged: {
      std::string_view merged = e.type() == fb::Payload::ContactMerged
                                    ? Str(e.payload_as<fb::ContactMerged>()->merged_id())
                                    : Str(e.payload_as<fb::CompanyMerged>()->merged_id());
      merges_[s_->Intern(Key(type, e.stream_id()))].push_back(
          {s_->Intern(Key(type, merged)), e.position(), e.occurred_at_us()});
      break;
    }
    case fb::Payload::DealOpened: {
      auto* p = e.payload_as<fb::DealOpened>();
      DealLinks& links = deal_links_[s_->Intern(e.stream_id())];
      links.company = s_->Intern(Str(p->company_id()));
      if (p->contact_ids()) {
        for (const auto* c : *p->contact_ids()) links.contacts.push_back(s_->Intern(Str(c)));
      }
      break;
    }
    case fb::Payload::DealUpdated: {
      auto* ch = e.payload_as<fb::DealUpdated>()->changes();
      DealLinks& links = deal_links_[s_->Intern(e.stream_id())];
      if (ch) {
        for (const auto* c : *ch) {
          if (!c->new_value()) continue;
          if (Str(c->field()) == "company_id") links.company = s_->Intern(Str(c->new_value()->text()));
          if (Str(c->field()) == "contact_ids") {
            links.contacts.clear();
            if (c->new_value()->list()) {
              for (const auto* x : *c->new_value()->list()) links.contacts.push_back(s_->Intern(Str(x)));
            }
          }
        }
      }
      break;
    }
    case fb::Payload::EmailLogged:
      AddLinks(e.payload_as<fb::EmailLogged>()->links(), e, false);
      break;
    case fb::Payload::CallLogged:
      AddLinks(e.payload_as<fb::CallLogged>()->links(), e, false);
      break;
    case fb::Payload::MeetingLogged:
      AddLinks(e.payload_as<fb::MeetingLogged>()->links(), e, false);
      break;
    case fb::Payload::NoteLogged:
      AddLinks(e.payload_as<fb::NoteLogged>()->links(), e, false);
      break;
    case fb::Payload::FormSubmitted:
      AddLinks(e.payload_as<fb::FormSubmitted>()->links(), e, false);
      break;
    case fb::Payload::ActivityDeleted:
      AddLinks(e.payload_as<fb::ActivityDeleted>()->links(), e, false);
      deleted_[s_->Intern(e.stream_id())] = {e.position(), e.occurred_at_us()};
      break;
    case fb::Payload::TaskCreated:
      AddLinks(e.payload_as<fb::TaskCreated>()->links(), e, true);
      break;
    case fb::Payload::TicketOpened: {
      auto* p = e.payload_as<fb::TicketOpened>();
          std::vector<Sym>& keys = work_links_[s_->Intern(Key(type, e.stream_id()))];
      for (auto [t, id] : {std::pair{"contact", Str(p->contact_id())}, {"company", Str(p->company_id())}}) {
        if (id.empty()) continue;
        Add(t, id, e);
        keys.push_back(s_->Intern(Key(t, id)));
      }
      break;
    }
    case fb::Payload::ContractStarted: {
      auto* p = e.payload_as<fb::ContractStarted>();
      Add("company", Str(p->company_id()), e);
      Add("deal", Str(p->deal_id()), e);
      break;
    }
    default:
      break;
  }
  // Later events of tasks and tickets go where their first one went.
  if ((type == "task" || type == "ticket") && e.stream_version() > 1) {
    auto it = work_links_.find(s_->Find(Key(type, e.stream_id())));
    if (it != work_links_.end()) {
      for (Sym k : it->second) {
        const std::string& key = s_->Str(k);
        auto slash = key.find('/');
        Add(std::string_view(key).substr(0, slash), std::string_view(key).substr(slash + 1), e);
      }
    }
  }
  // Deal events also belong to the deal's company and contacts.
  if (type == "deal") {
    auto it = deal_links_.find(s_->Find(e.stream_id()));
    if (it != deal_links_.end()) {
      Add("company", s_->Str(it->second.company), e);
      for (Sym c : it->second.contacts) Add("contact", s_->Str(c), e);
    }
  }
}

TimelinePage TimelineProjection::Page(std::string_view record, const AsOf& at, size_t limit,
                                      const TimelineEntry* before) const {
  TimelinePage page;
  // The record and everything merged into it (by merges visible in the view), newest first.
  std::vector<const std::vector<TimelineEntry>*> lists;
  std::vector<Sym> todo{s_->Find(record)};
  while (!todo.empty()) {
    Sym k = todo.back();
    todo.pop_back();
    if (k == 0) continue;
    if (auto it = entries_.find(k); it != entries_.end()) lists.push_back(&it->second);
    if (auto m = merges_.find(k); m != merges_.end()) {
      for (const Merge& x : m->second) {
        if (at.Visible(x.position, x.occurred)) todo.push_back(x.merged);
      }
    }
  }
  std::vector<TimelineEntry> visible;
  for (const auto* list : lists) {
    for (const auto& entry : *list) {
      if (at.Visible(entry.position, entry.occurred)) visible.push_back(entry);
    }
  }
  std::sort(visible.begin(), visible.end());
  visible.erase(std::unique(visible.begin(), visible.end(),
                            [](const auto& a, const auto& b) { return a.position == b.position; }),
                visible.end());
  page.total = visible.size();
  auto end = before ? std::lower_bound(visible.begin(), visible.end(), *before) : visible.end();
  for (auto it = end; it != visible.begin() && page.entries.size() < limit;) {
    --it;
    page.entries.push_back(*it);
    if (page.entries.size() == limit) page.more = it != visible.begin();
  }
  return page;
}

bool TimelineProjection::ActivityDeleted(std::string_view id, const AsOf& at) const {
  auto it = deleted_.find(s_->Find(id));
  return it != deleted_.end() && at.Visible(it->second.position, it->second.occurred);
}

void TimelineProjection::Serialize(BinaryWriter* w) const {
  PutMap(w, entries_, [&](const std::vector<TimelineEntry>& list) {
    w->Var(list.size());
    for (const auto& e : list) {
      w->SVar(e.occurred);
      w->Var(e.position);
    }
  });
  PutMap(w, merges_, [&](const std::vector<Merge>& list) {
    w->Var(list.size());
    for (const auto& m : list) {
      w->Var(m.merged);
      w->Var(m.position);
      w->SVar(m.occurred);
    }
  });
  PutMap(w, deal_links_, [&](const DealLinks& l) {
    w->Var(l.company);
    w->Var(l.contacts.size());
    for (Sym c : l.contacts) w->Var(c);
  });
  PutMap(w, work_links_, [&](const std::vector<Sym>& keys) {
    w->Var(keys.size());
    for (Sym k : keys) w->Var(k);
  });
  PutMap(w, deleted_, [&](const Deleted& d) {
    w->Var(d.position);
    w->SVar(d.occurred);
  });
}

bool TimelineProjection::Deserialize(BinaryReader* r) {
  Clear();
  uint64_t n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& list = entries_[static_cast<Sym>(r->Var())];
    list.resize(r->Count(2));
    for (auto& e : list) {
      e.occurred = r->SVar();
      e.position = r->Var();
    }
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& list = merges_[static_cast<Sym>(r->Var())];
    list.resize(r->Count(3));
    for (auto& m : list) {
      m.merged = static_cast<Sym>(r->Var());
      m.position = r->Var();
      m.occurred = r->SVar();
    }
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& l = deal_links_[static_cast<Sym>(r->Var())];
    l.company = static_cast<Sym>(r->Var());
    l.contacts.resize(r->Count());
    for (auto& c : l.contacts) c = static_cast<Sym>(r->Var());
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& keys = work_links_[static_cast<Sym>(r->Var())];
    keys.resize(r->Count());
    for (auto& k : keys) k = static_cast<Sym>(r->Var());
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& d = deleted_[static_cast<Sym>(r->Var())];
    d.position = r->Var();
    d.occurred = r->SVar();
  }
  return r->ok();
}

void TimelineProjection::Clear() {
  entries_.clear();
  merges_.clear();
  deal_links_.clear();
  work_links_.clear();
  deleted_.clear();
}

}  // namespace rapport::projections
