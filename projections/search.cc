#include "projections/search.h"

#include <algorithm>
#include <set>

#include "domain/text.h"
#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

std::string_view Str(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view();
}

constexpr uint64_t kContact = 1, kCompany = 2;

}  // namespace

bool SearchProjection::Posting::Visible(const AsOf& at) const {
  switch (at.mode) {
    case AsOf::Mode::kNow:
      return to_position == UINT64_MAX;
    case AsOf::Mode::kRecorded:
      return from_position <= at.position && at.position < to_position;
    case AsOf::Mode::kEffective:
      return from_occurred <= at.instant && at.instant < to_occurred;
  }
  return false;
}

std::string SearchProjection::RecordName(uint64_t key) const {
  return std::string((key >> 32) == kContact ? "contact/" : "company/") +
         std::string(strings_.View(static_cast<Sym>(key & 0xffffffffu)));
}

void SearchProjection::Tokens(bool contact, const Fields& f, std::vector<std::string>* out) const {
  out->clear();
  std::string full = domain::FoldName(contact ? std::string(strings_.View(f.first)) + " " +
                                                    std::string(strings_.View(f.last))
                                              : std::string(strings_.View(f.name)));
  size_t start = 0;
  while (start < full.size()) {
    size_t sp = full.find(' ', start);
    if (sp == std::string::npos) sp = full.size();
    if (sp > start) out->push_back("n:" + full.substr(start, sp - start));
    start = sp + 1;
  }
  for (Sym e : f.emails) out->push_back("e:" + domain::NormalizeEmail(strings_.View(e)));
  if (!contact && f.domain) out->push_back("d:" + std::string(strings_.View(f.domain)));
  if (contact && f.company && !full.empty()) {
    out->push_back("k:" + std::string(strings_.View(f.company)) + ":" + full);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

Sym SearchProjection::TokenSym(const std::string& token) {
  size_t before = strings_.count();
  Sym t = strings_.Intern(token);
  if (strings_.count() != before) {  // a token never seen
    if (token.rfind("k:", 0) == 0) {
      pair_tokens_.push_back(t);
    } else {
      ordered_.emplace(strings_.View(t), t);
    }
  }
  if (postings_.size() <= t) postings_.resize(t + 1);
  return t;
}

void SearchProjection::Reindex(uint32_t record, const Fields& next, const events::EventView& e) {
  bool contact = (record_keys_[record] >> 32) == kContact;
  thread_local std::vector<std::string> before, after;
  if (open_[record].empty()) {
    before.clear();  // a new (or emptied) record has no tokens to compare with
  } else {
    Tokens(contact, fields_[record], &before);
  }
  Tokens(contact, next, &after);
  fields_[record] = next;
  if (before == after) return;
  // Close the postings of tokens the record no longer has.
  auto& open = open_[record];
  for (size_t i = 0; i < open.size();) {
    if (std::binary_search(after.begin(), after.end(), strings_.View(open[i].token))) {
      ++i;
      continue;
    }
    Posting& p = postings_[open[i].token][open[i].index];
    p.to_position = e.position();
    p.to_occurred = e.occurred_at_us();
    open[i] = open.back();
    open.pop_back();
  }
  // Open postings for the tokens it gained.
  for (const auto& token : after) {
    if (std::binary_search(before.begin(), before.end(), token)) continue;
    Sym t = TokenSym(token);
    postings_[t].push_back({record_keys_[record], e.position(), UINT64_MAX, e.occurred_at_us(), INT64_MAX});
    open.push_back({t, static_cast<uint32_t>(postings_[t].size() - 1)});
  }
}

void SearchProjection::Apply(const events::EventView& e) {
  std::string_view type = e.stream_type();
  bool contact = type == "contact";
  if (!contact && type != "company") return;
  uint64_t key = ((contact ? kContact : kCompany) << 32) | strings_.Intern(e.stream_id());
  auto [record, added] = records_.Insert(key, static_cast<uint32_t>(record_keys_.size()));
  if (added) {
    record_keys_.push_back(key);
    fields_.emplace_back();
    open_.emplace_back();
  }
  Fields next = fields_[record];
  switch (e.type()) {
    case fb::Payload::ContactCreated: {
      auto* p = e.payload_as<fb::ContactCreated>();
      next.first = strings_.Intern(Str(p->first_name()));
      next.last = strings_.Intern(Str(p->last_name()));
      next.company = strings_.Intern(Str(p->company_id()));
      next.emails.clear();
      if (p->emails()) {
        for (const auto* m : *p->emails()) next.emails.push_back(strings_.Intern(Str(m)));
      }
      break;
    }
    case fb::Payload::CompanyCreated: {
      auto* p = e.payload_as<fb::CompanyCreated>();
      next.name = strings_.Intern(Str(p->name()));
      next.domain = strings_.Intern(Str(p->domain()));
      break;
    }
    case fb::Payload::ContactUpdated:
    case fb::Payload::CompanyUpdated:
    case fb::Payload::ContactMerged:
    case fb::Payload::CompanyMerged: {
      const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* changes =
          e.type() == fb::Payload::ContactUpdated   ? e.payload_as<fb::ContactUpdated>()->changes()
          : e.type() == fb::Payload::CompanyUpdated ? e.payload_as<fb::CompanyUpdated>()->changes()
          : e.type() == fb::Payload::ContactMerged  ? e.payload_as<fb::ContactMerged>()->changes()
                                                    : e.payload_as<fb::CompanyMerged>()->changes();
      if (!changes) return;
      bool relevant = false;
      for (const auto* c : *changes) {
        std::string_view field = Str(c->field());
        const fb::Value* v = c->new_value();
        auto text = [&] { return strings_.Intern(v ? Str(v->text()) : ""); };
        if (field == "first_name") next.first = text();
        else if (field == "last_name") next.last = text();
        else if (field == "name") next.name = text();
        else if (field == "domain") next.domain = text();
        else if (field == "company_id") next.company = text();
        else if (field == "emails") {
          next.emails.clear();
          if (v && v->list()) {
            for (const auto* m : *v->list()) next.emails.push_back(strings_.Intern(Str(m)));
          }
        } else {
          continue;
        }
        relevant = true;
      }
      if (!relevant) return;
      break;
    }
    case fb::Payload::ContactMergedInto:
    case fb::Payload::CompanyMergedInto:
    case fb::Payload::ContactDeleted:
    case fb::Payload::CompanyDeleted:
      next = Fields{};  // gone: no tokens from now on
      break;
    default:
      return;
  }
  Reindex(record, next, e);
}

std::vector<SearchHit> SearchProjection::Search(std::string_view text, std::string_view type,
                                                const AsOf& at, size_t limit) const {
  std::vector<SearchHit> out;
  std::set<uint64_t> seen;
  std::vector<std::string> prefixes;
  std::string folded;
  if (text.find('@') != std::string_view::npos) {
    prefixes.push_back("e:" + domain::NormalizeEmail(text));
  } else {
    folded = domain::FoldName(text);
    if (folded.empty()) return out;
    prefixes.push_back("n:" + folded.substr(0, folded.find(' ')));
    if (folded.find(' ') == std::string::npos) prefixes.push_back("d:" + domain::NormalizeEmail(text));
  }
  bool several_words = folded.find(' ') != std::string::npos;
  for (const auto& prefix : prefixes) {
    for (auto it = ordered_.lower_bound(prefix); it != ordered_.end() && out.size() < limit; ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      // "marie cu": the first word must match whole, then the full name by prefix.
      if (several_words && it->first.size() != prefix.size()) continue;
      for (const Posting& p : postings_[it->second]) {
        if (!p.Visible(at) || seen.count(p.record)) continue;
        std::string rec = RecordName(p.record);
        if (!type.empty() && rec.compare(0, type.size(), type) != 0) continue;
        if (several_words) {
          const uint32_t* r = records_.Find(p.record);
          if (!r) continue;
          const Fields& f = fields_[*r];  // current names: only exact in the now view
          std::string full = domain::FoldName(std::string(strings_.View(f.first)) + " " +
                                              std::string(strings_.View(f.last)) + std::string(strings_.View(f.name)));
          if (full.rfind(folded, 0) != 0) continue;
        }
        seen.insert(p.record);
        out.push_back({rec, std::string(it->first.substr(2))});
        if (out.size() >= limit) break;
      }
    }
  }
  return out;
}

std::vector<DuplicateGroup> SearchProjection::Duplicates(const AsOf& at) const {
  std::vector<DuplicateGroup> out;
  auto group = [&](Sym token, const std::string& reason) {
    std::set<std::string> records;
    for (const Posting& p : postings_[token]) {
      if (p.Visible(at) && (p.record >> 32) == kContact) records.insert(RecordName(p.record));
    }
    if (records.size() >= 2) out.push_back({reason, {records.begin(), records.end()}});
  };
  for (auto it = ordered_.lower_bound("e:"); it != ordered_.end() && it->first.rfind("e:", 0) == 0; ++it) {
    group(it->second, "same email " + std::string(it->first.substr(2)));
  }
  std::vector<std::pair<std::string_view, Sym>> pairs;
  for (Sym t : pair_tokens_) pairs.emplace_back(strings_.View(t), t);
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [text, t] : pairs) {
    std::string what(text.substr(2));
    auto colon = what.find(':');
    group(t, "same name at " + what.substr(0, colon) + ": " + what.substr(colon + 1));
  }
  return out;
}

void SearchProjection::Rebuild() {
  ordered_.clear();
  pair_tokens_.clear();
  for (Sym t = 1; t < postings_.size(); ++t) {
    if (postings_[t].empty()) continue;
    std::string_view token = strings_.View(t);
    if (token.rfind("k:", 0) == 0) {
      pair_tokens_.push_back(t);
    } else {
      ordered_.emplace(token, t);
    }
  }
  open_.assign(record_keys_.size(), {});
  for (Sym t = 1; t < postings_.size(); ++t) {
    for (uint32_t i = 0; i < postings_[t].size(); ++i) {
      const Posting& p = postings_[t][i];
      if (p.to_position != UINT64_MAX) continue;
      if (const uint32_t* r = records_.Find(p.record)) open_[*r].push_back({t, i});
    }
  }
}

void SearchProjection::Serialize(BinaryWriter* w) const {
  strings_.Serialize(w);
  w->Var(postings_.size());
  for (const auto& list : postings_) {
    w->Var(list.size());
    for (const auto& p : list) {
      w->Var(p.record);
      w->Var(p.from_position);
      w->Var(p.to_position == UINT64_MAX ? 0 : p.to_position);
      w->SVar(p.from_occurred);
      w->SVar(p.to_occurred);
    }
  }
  w->Var(record_keys_.size());
  for (size_t i = 0; i < record_keys_.size(); ++i) {
    const Fields& f = fields_[i];
    w->Var(record_keys_[i]);
    for (Sym x : {f.first, f.last, f.name, f.company, f.domain}) w->Var(x);
    w->Var(f.emails.size());
    for (Sym e : f.emails) w->Var(e);
  }
}

bool SearchProjection::Deserialize(BinaryReader* r) {
  Clear();
  if (!strings_.Deserialize(r)) return false;
  postings_.resize(r->Count());
  if (postings_.size() > strings_.count()) return false;
  for (auto& list : postings_) {
    list.resize(r->Count(5));
    for (auto& p : list) {
      p.record = r->Var();
      p.from_position = r->Var();
      uint64_t to = r->Var();
      p.to_position = to == 0 ? UINT64_MAX : to;
      p.from_occurred = r->SVar();
      p.to_occurred = r->SVar();
    }
  }
  uint64_t n = r->Count(7);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    uint64_t key = r->Var();
    if (!records_.Insert(key, static_cast<uint32_t>(record_keys_.size())).second) return false;
    record_keys_.push_back(key);
    Fields& f = fields_.emplace_back();
    for (Sym* x : {&f.first, &f.last, &f.name, &f.company, &f.domain}) *x = static_cast<Sym>(r->Var());
    f.emails.resize(r->Count());
    for (auto& e : f.emails) e = static_cast<Sym>(r->Var());
  }
  if (!r->ok()) return false;
  Rebuild();
  return true;
}

void SearchProjection::Clear() {
  strings_.Clear();
  postings_.clear();
  ordered_.clear();
  pair_tokens_.clear();
  records_.Clear();
  record_keys_.clear();
  fields_.clear();
  open_.clear();
}

}  // namespace rapport::projections
