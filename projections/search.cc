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

std::vector<std::string> Strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v) {
    for (const auto* s : *v) out.emplace_back(Str(s));
  }
  return out;
}

std::string DomainOf(const std::string& email) {
  auto at = email.rfind('@');
  return at == std::string::npos ? "" : email.substr(at + 1);
}

void PutString(BinaryWriter* w, const std::string& s) { w->Str(s); }

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

std::vector<std::string> SearchProjection::Tokens(std::string_view type, const Fields& f) {
  std::set<std::string> out;
  std::string full = domain::FoldName(type == "contact" ? f.first + " " + f.last : f.name);
  if (!full.empty()) {
    out.insert("n:" + full);
    size_t start = 0;
    while (start < full.size()) {
      size_t sp = full.find(' ', start);
      std::string word = full.substr(start, sp == std::string::npos ? std::string::npos : sp - start);
      if (!word.empty()) out.insert("n:" + word);
      if (sp == std::string::npos) break;
      start = sp + 1;
    }
  }
  for (const auto& e : f.emails) {
    std::string n = domain::NormalizeEmail(e);
    out.insert("e:" + n);
    if (!DomainOf(n).empty()) out.insert("d:" + DomainOf(n));
  }
  if (!f.domain.empty()) out.insert("d:" + f.domain);
  if (type == "contact" && !f.company.empty() && !full.empty()) out.insert("k:" + f.company + ":" + full);
  return {out.begin(), out.end()};
}

void SearchProjection::Reindex(Sym record, std::string_view type, const Fields& f,
                               const events::EventView& e) {
  std::vector<std::string> next = Tokens(type, f);
  std::vector<std::string>& current = tokens_[record];
  for (const auto& t : current) {
    if (std::binary_search(next.begin(), next.end(), t)) continue;
    for (auto& p : index_[t]) {
      if (p.record == record && p.to_position == UINT64_MAX) {
        p.to_position = e.position();
        p.to_occurred = e.occurred_at_us();
      }
    }
  }
  for (const auto& t : next) {
    if (std::binary_search(current.begin(), current.end(), t)) continue;
    index_[t].push_back({record, e.position(), UINT64_MAX, e.occurred_at_us(), INT64_MAX});
  }
  current = std::move(next);
}

void SearchProjection::Apply(const events::EventView& e) {
  std::string_view type = e.stream_type();
  if (type != "contact" && type != "company") return;
  Sym record = s_->Intern(std::string(type) + "/" + std::string(e.stream_id()));
  Fields& f = fields_[record];
  bool gone = false;
  switch (e.type()) {
    case fb::Payload::ContactCreated: {
      auto* p = e.payload_as<fb::ContactCreated>();
      f.first = Str(p->first_name());
      f.last = Str(p->last_name());
      f.emails = Strs(p->emails());
      f.company = Str(p->company_id());
      break;
    }
    case fb::Payload::CompanyCreated: {
      auto* p = e.payload_as<fb::CompanyCreated>();
      f.name = Str(p->name());
      f.domain = Str(p->domain());
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
        std::string text(v ? Str(v->text()) : "");
        if (field == "first_name") f.first = text;
        else if (field == "last_name") f.last = text;
        else if (field == "name") f.name = text;
        else if (field == "domain") f.domain = text;
        else if (field == "company_id") f.company = text;
        else if (field == "emails") f.emails = v ? Strs(v->list()) : std::vector<std::string>{};
        else continue;
        relevant = true;
      }
      if (!relevant) return;
      break;
    }
    case fb::Payload::ContactMergedInto:
    case fb::Payload::CompanyMergedInto:
    case fb::Payload::ContactDeleted:
    case fb::Payload::CompanyDeleted:
      gone = true;
      break;
    default:
      return;
  }
  Reindex(record, type, gone ? Fields{} : f, e);
  if (gone) fields_.erase(record);
}

std::vector<SearchHit> SearchProjection::Search(std::string_view text, std::string_view type,
                                                const AsOf& at, size_t limit) const {
  std::vector<SearchHit> out;
  std::set<Sym> seen;
  std::vector<std::string> prefixes;
  if (text.find('@') != std::string_view::npos) {
    prefixes.push_back("e:" + domain::NormalizeEmail(text));
  } else {
    std::string folded = domain::FoldName(text);
    if (folded.empty()) return out;
    prefixes.push_back("n:" + folded);
    if (folded.find(' ') == std::string::npos) {
      std::string lower = domain::NormalizeEmail(text);
      prefixes.push_back("d:" + lower);
    }
  }
  for (const auto& prefix : prefixes) {
    for (auto it = index_.lower_bound(prefix); it != index_.end() && out.size() < limit; ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      for (const Posting& p : it->second) {
        if (!p.Visible(at) || !seen.insert(p.record).second) continue;
        const std::string& rec = s_->Str(p.record);
        if (!type.empty() && rec.compare(0, type.size(), type) != 0) continue;
        out.push_back({rec, it->first.substr(2)});
        if (out.size() >= limit) break;
      }
    }
  }
  return out;
}

std::vector<DuplicateGroup> SearchProjection::Duplicates(const AsOf& at) const {
  std::vector<DuplicateGroup> out;
  auto scan = [&](const std::string& prefix, const std::string& reason) {
    for (auto it = index_.lower_bound(prefix); it != index_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      std::set<std::string> records;
      for (const Posting& p : it->second) {
        if (p.Visible(at) && s_->Str(p.record).rfind("contact/", 0) == 0) records.insert(s_->Str(p.record));
      }
      if (records.size() < 2) continue;
      std::string what = it->first.substr(2);
      if (prefix == "k:") {
        auto colon = what.find(':');
        what = "at " + what.substr(0, colon) + ": " + what.substr(colon + 1);
      }
      out.push_back({reason + what, {records.begin(), records.end()}});
    }
  };
  scan("e:", "same email ");
  scan("k:", "same name ");
  return out;
}

void SearchProjection::Serialize(BinaryWriter* w) const {
  w->Var(index_.size());
  for (const auto& [token, postings] : index_) {
    w->Str(token);
    w->Var(postings.size());
    for (const auto& p : postings) {
      w->Var(p.record);
      w->Var(p.from_position);
      w->Var(p.to_position == UINT64_MAX ? 0 : p.to_position);
      w->SVar(p.from_occurred);
      w->SVar(p.to_occurred);
    }
  }
  std::vector<Sym> keys;
  for (const auto& [k, v] : fields_) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  w->Var(keys.size());
  for (Sym k : keys) {
    const Fields& f = fields_.at(k);
    w->Var(k);
    for (const auto* s : {&f.first, &f.last, &f.name, &f.company, &f.domain}) PutString(w, *s);
    w->Var(f.emails.size());
    for (const auto& e : f.emails) w->Str(e);
    const auto it = tokens_.find(k);
    w->Var(it == tokens_.end() ? 0 : it->second.size());
    if (it != tokens_.end()) {
      for (const auto& t : it->second) w->Str(t);
    }
  }
}

bool SearchProjection::Deserialize(BinaryReader* r) {
  Clear();
  uint64_t n = r->Count(2);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    std::string token = r->Str();
    auto& postings = index_[token];
    postings.resize(r->Count(5));
    for (auto& p : postings) {
      p.record = static_cast<Sym>(r->Var());
      p.from_position = r->Var();
      uint64_t to = r->Var();
      p.to_position = to == 0 ? UINT64_MAX : to;
      p.from_occurred = r->SVar();
      p.to_occurred = r->SVar();
    }
  }
  n = r->Count(7);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    Sym k = static_cast<Sym>(r->Var());
    Fields& f = fields_[k];
    for (auto* s : {&f.first, &f.last, &f.name, &f.company, &f.domain}) *s = r->Str();
    f.emails.resize(r->Count());
    for (auto& e : f.emails) e = r->Str();
    auto& t = tokens_[k];
    t.resize(r->Count());
    for (auto& x : t) x = r->Str();
  }
  return r->ok();
}

void SearchProjection::Clear() {
  index_.clear();
  fields_.clear();
  tokens_.clear();
}

}  // namespace rapport::projections
