#include "projections/timeline.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "events/schema/payloads_generated.h"
#include "projections/flat_map.h"

namespace rapport::projections {
namespace {

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

uint64_t TypeCode(std::string_view type) {
  switch (type.size()) {
    case 4:
      return type == "deal" ? 3 : type == "task" ? 4 : 0;
    case 6:
      return type == "ticket" ? 5 : 0;
    case 7:
      return type == "contact" ? 1 : type == "company" ? 2 : 0;
    default:
      return 0;
  }
}

}  // namespace

// Ids of the shape rapport allocates ("C-123": 1-4 capital letters, a dash, 1-12 digits, no
// leading zero) are packed into the key without interning: bit 63 set, the type code in bits
// 60-62, the letters in bits 40-59 (5 bits each), the number in bits 0-39. Other ids are
// interned: the type code in bits 32-34, the string's number below.
static uint64_t PackedKey(uint64_t code, std::string_view id) {
  uint64_t packed = PackRecordId(id);
  return packed == 0 ? 0 : (uint64_t{1} << 63) | (code << 60) | packed;
}

uint64_t TimelineProjection::Key(std::string_view type, std::string_view id) {
  if (id.empty()) return 0;
  uint64_t code = TypeCode(type);
  if (uint64_t packed = PackedKey(code, id)) return packed;
  return (code << 32) | strings_.Intern(id);
}

uint64_t TimelineProjection::FindKey(std::string_view type, std::string_view id) const {
  if (id.empty()) return 0;
  uint64_t code = TypeCode(type);
  if (uint64_t packed = PackedKey(code, id)) return packed;
  Sym sym = strings_.Find(id);
  return sym == 0 ? 0 : (code << 32) | sym;
}

TimelineProjection::EntryList& TimelineProjection::EntryList::operator=(EntryList&& o) noexcept {
  if (this != &o) {
    ::operator delete(data_);
    data_ = o.data_;
    size_ = o.size_;
    capacity_ = o.capacity_;
    o.data_ = nullptr;
    o.size_ = o.capacity_ = 0;
  }
  return *this;
}

void TimelineProjection::EntryList::Grow(size_t at_least) {
  if (at_least > UINT32_MAX) throw std::length_error("a timeline holds at most 2^32 - 1 entries");
  size_t capacity = std::max<size_t>({4, at_least, size_t{capacity_} * 2});
  capacity = std::min<size_t>(capacity, UINT32_MAX);
  // TimelineEntry is an aggregate of two integers: operator new creates its objects
  // implicitly, and the ones past size_ are written before they are read.
  auto* grown = static_cast<TimelineEntry*>(::operator new(capacity * sizeof(TimelineEntry)));
  if (size_ != 0) std::memcpy(grown, data_, size_ * sizeof(TimelineEntry));
  ::operator delete(data_);
  data_ = grown;
  capacity_ = static_cast<uint32_t>(capacity);
}

void TimelineProjection::EntryList::InsertSorted(const TimelineEntry& e) {
  size_t at = static_cast<size_t>(std::upper_bound(begin(), end(), e) - begin());
  if (size_ == capacity_) Grow(size_ + 1);
  std::memmove(data_ + at + 1, data_ + at, (size_ - at) * sizeof(TimelineEntry));
  data_[at] = e;
  ++size_;
}

TimelineEntry* TimelineProjection::EntryList::Resize(size_t n) {
  if (n > capacity_) Grow(n);
  for (size_t i = size_; i < n; ++i) data_[i] = TimelineEntry{};
  size_ = static_cast<uint32_t>(n);
  return data_;
}

static_assert(sizeof(TimelineEntry) == 16);

void TimelineProjection::ReserveSlots(size_t records) {
  size_t size = slots_.empty() ? 1024 : slots_.size();
  while (records * 10 > size * 7) size *= 2;
  if (size == slots_.size()) return;
  Slots old = std::move(slots_);
  slots_ = Slots(size);
  size_t mask = slots_.size() - 1;
  for (auto& s : old) {
    if (s.key == 0) continue;
    size_t i = MixKey(s.key) & mask;
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = std::move(s);
  }
}

TimelineProjection::Slot& TimelineProjection::ProbeSlot(uint64_t key, size_t i) {
  size_t mask = slots_.size() - 1;
  for (;; i = (i + 1) & mask) {
    if (slots_[i].key == key) return slots_[i];
    if (slots_[i].key == 0) {
      slots_[i].key = key;
      ++slot_count_;
      keys_.push_back(key);
      return slots_[i];
    }
  }
}

TimelineProjection::Slot& TimelineProjection::FindOrAddSlot(uint64_t key) {
  ReserveSlots(slot_count_ + 1);
  return ProbeSlot(key, MixKey(key) & (slots_.size() - 1));
}

const TimelineProjection::EntryList* TimelineProjection::FindList(uint64_t key) const {
  if (slots_.empty() || key == 0) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = MixKey(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i].key == key) return &slots_[i].list;
    if (slots_[i].key == 0) return nullptr;
  }
}

void TimelineProjection::Add(uint64_t key, const events::EventView& e) {
  if (key == 0) return;
  if (e.position() != adding_position_) {
    adding_position_ = e.position();
    added_keys_.clear();
  }
  for (uint64_t k : added_keys_) {
    if (k == key) return;  // listed once
  }
  added_keys_.push_back(key);
  pending_.push_back({key, {e.occurred_at_us(), e.position()}, nullptr});
}

void TimelineProjection::Write(Slot* slot, const TimelineEntry& entry) {
  // Entries are written in log order, so an entry no older than the newest one listed has
  // the largest position too and goes last.
  if (slot->list.empty() || entry.occurred >= slot->newest) {
    slot->list.PushBack(entry);
    slot->newest = entry.occurred;
  } else {
    slot->list.InsertSorted(entry);  // backdated
  }
}

void TimelineProjection::Flush() {
  const size_t n = pending_.size();
  if (n == 0) return;
  // Room for every record of the batch first: slots then stay where they are until the end.
  ReserveSlots(slot_count_ + n);
  const size_t mask = slots_.size() - 1;
  // Three stages, kAhead entries apart: prefetch entry i's slot; find entry i - kAhead's slot
  // (fetched by now) and prefetch the end of its list; write entry i - 2 * kAhead. Each
  // entry's slot is found and written in collection order, so the result is the same as
  // adding them one by one.
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < n + 2 * kAhead; ++i) {
    if (i < n) __builtin_prefetch(&slots_[MixKey(pending_[i].key) & mask], 1, 3);
    if (i >= kAhead && i - kAhead < n) {
      Pending& p = pending_[i - kAhead];
      p.slot = &ProbeSlot(p.key, MixKey(p.key) & mask);
      p.slot->list.PrefetchEnd();
    }
    if (i >= 2 * kAhead) {
      const Pending& p = pending_[i - 2 * kAhead];
      Write(p.slot, p.entry);
    }
  }
  pending_.clear();
}

std::vector<uint64_t>& TimelineProjection::WorkLinks(uint64_t key) {
  auto [index, added] = work_index_.Insert(key, static_cast<uint32_t>(work_links_.size()));
  if (added) {
    work_keys_.push_back(key);
    work_links_.emplace_back();
  }
  return work_links_[index];
}

void TimelineProjection::AddLinks(const fb::Links* l, const events::EventView& e, bool remember) {
  if (!l) return;
  std::vector<uint64_t>* keys = remember ? &WorkLinks(Key(e.stream_type(), e.stream_id())) : nullptr;
  auto each = [&](const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* ids,
                  std::string_view type) {
    if (!ids) return;
    for (const auto* id : *ids) {
      uint64_t k = Key(type, Str(id));
      Add(k, e);
      if (keys) keys->push_back(k);
    }
  };
  each(l->contact_ids(), "contact");
  each(l->company_ids(), "company");
  each(l->deal_ids(), "deal");
}

void TimelineProjection::Apply(const events::EventView& e) {
  Collect(e);
  Flush();
}

void TimelineProjection::Collect(const events::EventView& e) {
  std::string_view type = e.stream_type();
  uint64_t code = TypeCode(type);
  if (code >= 1 && code <= 3) Add(Key(type, e.stream_id()), e);

  switch (e.type()) {
    case fb::Payload::ContactCreated:
      Add(Key("company", Str(e.payload_as<fb::ContactCreated>()->company_id())), e);
      break;
    case fb::Payload::ContactMerged:
    case fb::Payload::CompanyMerged: {
      std::string_view merged = e.type() == fb::Payload::ContactMerged
                                    ? Str(e.payload_as<fb::ContactMerged>()->merged_id())
                                    : Str(e.payload_as<fb::CompanyMerged>()->merged_id());
      merges_[Key(type, e.stream_id())].push_back({Key(type, merged), e.position(), e.occurred_at_us()});
      break;
    }
    case fb::Payload::DealOpened: {
      auto* p = e.payload_as<fb::DealOpened>();
      auto [index, added] = deal_index_.Insert(Key(type, e.stream_id()), static_cast<uint32_t>(deal_links_.size()));
      if (added) {
        deal_keys_.push_back(Key(type, e.stream_id()));
        deal_links_.emplace_back();
      }
      DealLinks& links = deal_links_[index];
      links.company = Key("company", Str(p->company_id()));
      links.contacts.clear();
      if (p->contact_ids()) {
        for (const auto* c : *p->contact_ids()) links.contacts.push_back(Key("contact", Str(c)));
      }
      break;
    }
    case fb::Payload::DealUpdated: {
      auto* ch = e.payload_as<fb::DealUpdated>()->changes();
      const uint32_t* index = deal_index_.Find(Key(type, e.stream_id()));
      if (!ch || !index) break;
      DealLinks& links = deal_links_[*index];
      for (const auto* c : *ch) {
        if (!c->new_value()) continue;
        if (Str(c->field()) == "company_id") links.company = Key("company", Str(c->new_value()->text()));
        if (Str(c->field()) == "contact_ids") {
          links.contacts.clear();
          if (c->new_value()->list()) {
            for (const auto* x : *c->new_value()->list()) links.contacts.push_back(Key("contact", Str(x)));
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
      deleted_[std::string(e.stream_id())] = {e.position(), e.occurred_at_us()};
      break;
    case fb::Payload::TaskCreated:
      AddLinks(e.payload_as<fb::TaskCreated>()->links(), e, true);
      break;
    case fb::Payload::TicketOpened: {
      auto* p = e.payload_as<fb::TicketOpened>();
      std::vector<uint64_t>& keys = WorkLinks(Key(type, e.stream_id()));
      for (uint64_t k : {Key("contact", Str(p->contact_id())), Key("company", Str(p->company_id()))}) {
        if (k == 0) continue;
        Add(k, e);
        keys.push_back(k);
      }
      break;
    }
    case fb::Payload::NotificationSent: {  // on the timeline of what it is about
      auto* p = e.payload_as<fb::NotificationSent>();
      if (TypeCode(Str(p->record_type())) != 0) Add(Key(Str(p->record_type()), Str(p->record_id())), e);
      break;
    }
    case fb::Payload::ContractStarted: {
      auto* p = e.payload_as<fb::ContractStarted>();
      Add(Key("company", Str(p->company_id())), e);
      Add(Key("deal", Str(p->deal_id())), e);
      break;
    }
    default:
      break;
  }
  // Later events of tasks and tickets go where their first one went.
  if ((code == 4 || code == 5) && e.stream_version() > 1) {
    const uint32_t* index = work_index_.Find(FindKey(type, e.stream_id()));
    if (index) {
      for (uint64_t k : work_links_[*index]) Add(k, e);
    }
  }
  // Deal events also belong to the deal's company and contacts.
  if (code == 3) {
    const uint32_t* index = deal_index_.Find(FindKey(type, e.stream_id()));
    if (index) {
      const DealLinks& links = deal_links_[*index];
      Add(links.company, e);
      for (uint64_t c : links.contacts) Add(c, e);
    }
  }
}

TimelinePage TimelineProjection::Page(std::string_view record, const AsOf& at, size_t limit,
                                      const TimelineEntry* before) const {
  TimelinePage page;
  auto slash = record.find('/');
  if (slash == std::string_view::npos) return page;
  // The record and everything merged into it (by merges visible in the view).
  std::vector<const EntryList*> lists;
  std::vector<uint64_t> todo{FindKey(record.substr(0, slash), record.substr(slash + 1))};
  while (!todo.empty()) {
    uint64_t k = todo.back();
    todo.pop_back();
    if (k == 0) continue;
    if (const auto* list = FindList(k)) lists.push_back(list);
    if (auto m = merges_.find(k); m != merges_.end()) {
      for (const Merge& x : m->second) {
        if (at.Visible(x.position, x.occurred)) todo.push_back(x.merged);
      }
    }
  }
  if (lists.empty()) return page;
  if (lists.size() == 1) {
    // One record: its list is sorted already; walk it from the newest end.
    const auto& list = *lists.front();
    for (const auto& entry : list) page.total += at.Visible(entry.position, entry.occurred);
    auto it = before ? std::lower_bound(list.begin(), list.end(), *before) : list.end();
    while (it != list.begin()) {
      --it;
      if (!at.Visible(it->position, it->occurred)) continue;
      if (page.entries.size() == limit) {
        page.more = true;
        break;
      }
      page.entries.push_back(*it);
    }
    return page;
  }
  // Merged records: gather, order, and drop what two lists share.
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
  for (auto it = end; it != visible.begin();) {
    --it;
    if (page.entries.size() == limit) {
      page.more = true;
      break;
    }
    page.entries.push_back(*it);
  }
  return page;
}

bool TimelineProjection::ActivityDeleted(std::string_view id, const AsOf& at) const {
  auto it = deleted_.find(std::string(id));
  return it != deleted_.end() && at.Visible(it->second.position, it->second.occurred);
}

void TimelineProjection::Serialize(BinaryWriter* w) const {
  strings_.Serialize(w);
  w->Var(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    const auto& list = *FindList(keys_[i]);
    w->Var(keys_[i]);
    w->Var(list.size());
    for (const auto& e : list) {
      w->SVar(e.occurred);
      w->Var(e.position);
    }
  }
  w->Var(merges_.size());
  for (const auto& [k, list] : merges_) {
    w->Var(k);
    w->Var(list.size());
    for (const auto& m : list) {
      w->Var(m.merged);
      w->Var(m.position);
      w->SVar(m.occurred);
    }
  }
  w->Var(deal_keys_.size());
  for (size_t i = 0; i < deal_keys_.size(); ++i) {
    w->Var(deal_keys_[i]);
    w->Var(deal_links_[i].company);
    w->Var(deal_links_[i].contacts.size());
    for (uint64_t c : deal_links_[i].contacts) w->Var(c);
  }
  w->Var(work_keys_.size());
  for (size_t i = 0; i < work_keys_.size(); ++i) {
    w->Var(work_keys_[i]);
    w->Var(work_links_[i].size());
    for (uint64_t k : work_links_[i]) w->Var(k);
  }
  w->Var(deleted_.size());
  for (const auto& [id, d] : deleted_) {
    w->Str(id);
    w->Var(d.position);
    w->SVar(d.occurred);
  }
}

bool TimelineProjection::Deserialize(BinaryReader* r) {
  Clear();
  if (!strings_.Deserialize(r)) return false;
  uint64_t n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    uint64_t key = r->Var();
    if (key == 0 || FindList(key) != nullptr) return false;
    Slot& slot = FindOrAddSlot(key);
    size_t count = r->Count(2);
    TimelineEntry* entries = slot.list.Resize(count);
    for (size_t j = 0; j < count; ++j) {
      entries[j].occurred = r->SVar();
      entries[j].position = r->Var();
      if (j > 0 && !(entries[j - 1] < entries[j])) return false;  // damaged: out of order
    }
    if (count != 0) slot.newest = entries[count - 1].occurred;
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    auto& list = merges_[r->Var()];
    list.resize(r->Count(3));
    for (auto& m : list) {
      m.merged = r->Var();
      m.position = r->Var();
      m.occurred = r->SVar();
    }
  }
  n = r->Count(3);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    uint64_t key = r->Var();
    if (!deal_index_.Insert(key, static_cast<uint32_t>(deal_links_.size())).second) return false;
    deal_keys_.push_back(key);
    auto& l = deal_links_.emplace_back();
    l.company = r->Var();
    l.contacts.resize(r->Count());
    for (auto& c : l.contacts) c = r->Var();
  }
  n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    uint64_t key = r->Var();
    if (!work_index_.Insert(key, static_cast<uint32_t>(work_links_.size())).second) return false;
    work_keys_.push_back(key);
    auto& keys = work_links_.emplace_back(r->Count());
    for (auto& k : keys) k = r->Var();
  }
  n = r->Count(3);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    std::string id = r->Str();
    auto& d = deleted_[id];
    d.position = r->Var();
    d.occurred = r->SVar();
  }
  return r->ok();
}

void TimelineProjection::Clear() {
  strings_.Clear();
  slots_.clear();
  slot_count_ = 0;
  keys_.clear();
  merges_.clear();
  deal_index_.Clear();
  deal_keys_.clear();
  deal_links_.clear();
  work_index_.Clear();
  work_keys_.clear();
  work_links_.clear();
  deleted_.clear();
  adding_position_ = UINT64_MAX;
  added_keys_.clear();
  pending_.clear();
}

}  // namespace rapport::projections
