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

uint32_t& SearchProjection::RecordSlot(uint64_t key) {
  Sym id = static_cast<Sym>(key & 0xffffffffu);
  if (record_of_.size() <= id) record_of_.resize(std::max<size_t>(strings_.count(), size_t{id} + 1));
  return record_of_[id][(key >> 32) == kContact ? 0 : 1];
}

bool SearchProjection::FindRecord(uint64_t key, uint32_t* index) const {
  Sym id = static_cast<Sym>(key & 0xffffffffu);
  uint64_t type = key >> 32;
  if ((type != kContact && type != kCompany) || id >= record_of_.size()) return false;
  uint32_t slot = record_of_[id][type == kContact ? 0 : 1];
  if (slot == 0) return false;
  *index = slot - 1;
  return true;
}

const SearchProjection::Ordered& SearchProjection::OrderedOf(TokenKind kind) const {
  return kind == TokenKind::kEmail ? emails_ : kind == TokenKind::kDomain ? domains_ : names_;
}

void SearchProjection::Register(uint32_t token) {
  const Token& k = tokens_[token];
  if (k.kind == TokenKind::kPair) {
    pair_tokens_.push_back(token);
  } else {
    const_cast<Ordered&>(OrderedOf(k.kind)).emplace(strings_.View(k.text), token);
  }
}

uint32_t SearchProjection::TokenFor(TokenKind kind, Sym text, Sym company) {
  uint32_t next = static_cast<uint32_t>(tokens_.size());
  if (kind == TokenKind::kPair) {
    auto [token, added] = pairs_.Insert((uint64_t{company} << 32) | text, next);
    if (!added) return token;
  } else {
    if (single_.size() <= text) single_.resize(std::max<size_t>(strings_.count(), size_t{text} + 1));
    uint32_t& slot = single_[text][static_cast<size_t>(kind)];
    if (slot != 0) return slot - 1;
    slot = next + 1;
  }
  tokens_.push_back({kind, text, company});
  postings_.emplace_back();
  Register(next);
  return next;
}

void SearchProjection::TokensOf(bool contact, const Fields& f, std::vector<uint32_t>* out) {
  out->clear();
  std::string full = domain::FoldName(contact ? std::string(strings_.View(f.first)) + " " +
                                                    std::string(strings_.View(f.last))
                                              : std::string(strings_.View(f.name)));
  std::string_view words = full;
  size_t start = 0;
  while (start < words.size()) {
    size_t sp = words.find(' ', start);
    if (sp == std::string_view::npos) sp = words.size();
    if (sp > start) out->push_back(TokenFor(TokenKind::kName, strings_.Intern(words.substr(start, sp - start)), 0));
    start = sp + 1;
  }
  for (Sym e : f.emails) {
    std::string_view raw = strings_.View(e);
    std::string normal = domain::NormalizeEmail(raw);
    Sym n = normal == raw ? e : strings_.Intern(normal);
    if (n != 0) out->push_back(TokenFor(TokenKind::kEmail, n, 0));
  }
  if (!contact && f.domain) out->push_back(TokenFor(TokenKind::kDomain, f.domain, 0));
  if (contact && f.company && !full.empty()) {
    out->push_back(TokenFor(TokenKind::kPair, strings_.Intern(full), f.company));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void SearchProjection::Reindex(uint32_t record, const Fields& next, const events::EventView& e) {
  bool contact = (record_keys_[record] >> 32) == kContact;
  thread_local std::vector<uint32_t> after;
  TokensOf(contact, next, &after);
  fields_[record] = next;
  // The record's open postings are the tokens it has had since its last change.
  auto& open = open_[record];
  for (size_t i = 0; i < open.size();) {  // close those of tokens it no longer has
    if (std::binary_search(after.begin(), after.end(), open[i].token)) {
      ++i;
      continue;
    }
    Posting& p = postings_[open[i].token][open[i].index];
    p.to_position = e.position();
    p.to_occurred = e.occurred_at_us();
    open[i] = open.back();
    open.pop_back();
  }
  for (uint32_t token : after) {  // and open postings for the tokens it gained
    if (std::any_of(open.begin(), open.end(), [&](const Open& o) { return o.token == token; })) continue;
    postings_[token].push_back({record_keys_[record], e.position(), UINT64_MAX, e.occurred_at_us(), INT64_MAX});
    open.push_back({token, static_cast<uint32_t>(postings_[token].size() - 1)});
  }
}

void SearchProjection::Apply(const events::EventView& e) {
  std::string_view type = e.stream_type();
  bool contact = type == "contact";
  if (!contact && type != "company") return;
  uint64_t key = ((contact ? kContact : kCompany) << 32) | strings_.Intern(e.stream_id());
  uint32_t& slot = RecordSlot(key);
  if (slot == 0) {
    slot = static_cast<uint32_t>(record_keys_.size()) + 1;
    record_keys_.push_back(key);
    fields_.emplace_back();
    open_.emplace_back();
  }
  uint32_t record = slot - 1;
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
  struct Prefix {
    const Ordered* tokens;
    std::string text;
    bool name_words;  // "marie cu": the first word must match whole, then the full name by prefix
  };
  std::vector<Prefix> prefixes;
  std::string folded;
  if (text.find('@') != std::string_view::npos) {
    prefixes.push_back({&emails_, domain::NormalizeEmail(text), false});
  } else {
    folded = domain::FoldName(text);
    bool several_words = folded.find(' ') != std::string::npos;
    if (!folded.empty()) prefixes.push_back({&names_, folded.substr(0, folded.find(' ')), several_words});
    // A domain is one word as typed ("acme.example" folds to two name words).
    std::string typed = domain::NormalizeEmail(text);
    if (typed.find_first_of(" \t") == std::string::npos) prefixes.push_back({&domains_, typed, false});
  }
  for (const auto& [ordered, prefix, name_words] : prefixes) {
    if (prefix.empty()) continue;
    for (auto it = ordered->lower_bound(prefix); it != ordered->end() && out.size() < limit; ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (name_words && it->first.size() != prefix.size()) continue;
      for (const Posting& p : postings_[it->second]) {
        if (!p.Visible(at) || seen.count(p.record)) continue;
        std::string rec = RecordName(p.record);
        if (!type.empty() && rec.compare(0, type.size(), type) != 0) continue;
        if (name_words) {
          uint32_t r;
          if (!FindRecord(p.record, &r)) continue;
          const Fields& f = fields_[r];  // current names: only exact in the now view
          std::string full = domain::FoldName(std::string(strings_.View(f.first)) + " " +
                                              std::string(strings_.View(f.last)) + std::string(strings_.View(f.name)));
          if (full.rfind(folded, 0) != 0) continue;
        }
        seen.insert(p.record);
        out.push_back({rec, std::string(it->first)});
        if (out.size() >= limit) break;
      }
    }
  }
  return out;
}

std::vector<DuplicateGroup> SearchProjection::Duplicates(const AsOf& at) const {
  std::vector<DuplicateGroup> out;
  auto group = [&](uint32_t token, const std::string& reason) {
    std::set<std::string> records;
    for (const Posting& p : postings_[token]) {
      if (p.Visible(at) && (p.record >> 32) == kContact) records.insert(RecordName(p.record));
    }
    if (records.size() >= 2) out.push_back({reason, {records.begin(), records.end()}});
  };
  for (const auto& [email, token] : emails_) group(token, "same email " + std::string(email));
  std::vector<std::pair<std::string, uint32_t>> pairs;  // "<company>:<full name>", in that order
  for (uint32_t t : pair_tokens_) {
    pairs.emplace_back(std::string(strings_.View(tokens_[t].company)) + ":" + std::string(strings_.View(tokens_[t].text)), t);
  }
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [text, t] : pairs) {
    group(t, "same name at " + std::string(strings_.View(tokens_[t].company)) + ": " +
                 std::string(strings_.View(tokens_[t].text)));
  }
  return out;
}

bool SearchProjection::Rebuild() {
  for (uint32_t t = 0; t < tokens_.size(); ++t) {
    const Token& k = tokens_[t];
    if (k.kind == TokenKind::kPair) {
      if (!pairs_.Insert((uint64_t{k.company} << 32) | k.text, t).second) return false;
    } else {
      if (single_.size() <= k.text) single_.resize(strings_.count());
      uint32_t& slot = single_[k.text][static_cast<size_t>(k.kind)];
      if (slot != 0) return false;  // the same token twice
      slot = t + 1;
    }
    Register(t);
  }
  for (uint32_t r = 0; r < record_keys_.size(); ++r) {
    uint32_t& slot = RecordSlot(record_keys_[r]);
    if (slot != 0) return false;  // the same record twice
    slot = r + 1;
  }
  open_.assign(record_keys_.size(), {});
  for (uint32_t t = 0; t < postings_.size(); ++t) {
    for (uint32_t i = 0; i < postings_[t].size(); ++i) {
      const Posting& p = postings_[t][i];
      if (p.to_position != UINT64_MAX) continue;
      uint32_t r;
      if (FindRecord(p.record, &r)) open_[r].push_back({t, i});
    }
  }
  return true;
}

void SearchProjection::Serialize(BinaryWriter* w) const {
  strings_.Serialize(w);
  w->Var(tokens_.size());
  for (size_t t = 0; t < tokens_.size(); ++t) {
    w->U8(static_cast<uint8_t>(tokens_[t].kind));
    w->Var(tokens_[t].text);
    w->Var(tokens_[t].company);
    w->Var(postings_[t].size());
    for (const auto& p : postings_[t]) {
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
  const uint64_t syms = strings_.count();
  auto record_ok = [&](uint64_t key) {
    uint64_t type = key >> 32;
    return (type == kContact || type == kCompany) && (key & 0xffffffffu) < syms;
  };
  auto sym = [&](Sym* out) {  // a string's number, checked before it is narrowed
    uint64_t v = r->Var();
    *out = static_cast<Sym>(v);
    return v < syms;
  };
  uint64_t n = r->Count(4);
  for (uint64_t t = 0; t < n && r->ok(); ++t) {
    uint8_t kind = r->U8();
    Token k{static_cast<TokenKind>(kind)};
    if (!sym(&k.text) || !sym(&k.company)) return false;
    if (kind > static_cast<uint8_t>(TokenKind::kPair) || k.text == 0 ||
        (k.kind == TokenKind::kPair) != (k.company != 0)) {
      return false;
    }
    tokens_.push_back(k);
    auto& list = postings_.emplace_back(r->Count(5));
    for (auto& p : list) {
      p.record = r->Var();
      p.from_position = r->Var();
      uint64_t to = r->Var();
      p.to_position = to == 0 ? UINT64_MAX : to;
      p.from_occurred = r->SVar();
      p.to_occurred = r->SVar();
      if (r->ok() && !record_ok(p.record)) return false;
    }
  }
  n = r->Count(7);
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    uint64_t key = r->Var();
    if (!record_ok(key)) return false;
    record_keys_.push_back(key);
    Fields& f = fields_.emplace_back();
    for (Sym* x : {&f.first, &f.last, &f.name, &f.company, &f.domain}) {
      if (!sym(x)) return false;
    }
    f.emails.resize(r->Count());
    for (auto& e : f.emails) {
      if (!sym(&e)) return false;
    }
  }
  if (!r->ok()) return false;
  return Rebuild();
}

void SearchProjection::Clear() {
  strings_.Clear();
  tokens_.clear();
  postings_.clear();
  single_.clear();
  pairs_.Clear();
  names_.clear();
  emails_.clear();
  domains_.clear();
  pair_tokens_.clear();
  record_of_.clear();
  record_keys_.clear();
  fields_.clear();
  open_.clear();
}

}  // namespace rapport::projections
