// SearchProjection: contacts and companies by name, email or web domain — prefix, case- and
// accent-insensitive — and duplicate candidates, in any view.
//
// The index maps tokens to postings, each valid over an interval of the log (from the event
// that gave the record the token to the one that took it away), so a search as of an instant
// sees the names and addresses records had then.
//   "n:<word>"  every word of a folded name (a query with several words matches the first
//               and then the folded full name)
//   "e:<email>" normalised email addresses
//   "d:<domain>" companies' web domains
//   "k:<company id>:<folded full name>" contacts by name at a company (duplicate candidates)
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "projections/as_of.h"
#include "projections/flat_map.h"
#include "projections/projection.h"

namespace rapport::projections {

struct SearchHit {
  std::string record;  // "contact/C-7"
  std::string matched;  // the token that matched, without its prefix
};

struct DuplicateGroup {
  std::string reason;  // "same email marie@radium.example", "same name at CO-3: marie curie"
  std::vector<std::string> records;
};

class SearchProjection final : public Projection {
 public:
  SearchProjection() = default;
  std::string_view name() const override { return "search"; }
  uint32_t version() const override { return 1; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  // Records whose name, email or domain starts with `text` (folded), at most `limit`, in
  // token order. `type` filters ("contact", "company", or "" for both).
  std::vector<SearchHit> Search(std::string_view text, std::string_view type, const AsOf& at,
                                size_t limit) const;
  std::vector<DuplicateGroup> Duplicates(const AsOf& at) const;

 private:
  struct Posting {
    uint64_t record = 0;  // type code << 32 | interned id
    uint64_t from_position = 0, to_position = UINT64_MAX;
    Micros from_occurred = 0, to_occurred = INT64_MAX;
    bool Visible(const AsOf& at) const;
  };
  struct Fields {  // what the tokens of a record are made from (interned)
    Sym first = 0, last = 0, name = 0, company = 0, domain = 0;
    std::vector<Sym> emails;
  };
  struct Open {  // a posting still valid: its token and its index among the token's postings
    Sym token;
    uint32_t index;
  };
  void Tokens(bool contact, const Fields& f, std::vector<std::string>* out) const;
  void Reindex(uint32_t record, const Fields& next, const events::EventView& e);
  std::string RecordName(uint64_t key) const;
  // A token's number, registering a new one where queries find it.
  Sym TokenSym(const std::string& token);
  void Rebuild();

  Interner strings_;  // its own: ids, names, emails and tokens (search runs beside the rest)
  std::vector<std::vector<Posting>> postings_;    // by token Sym
  std::map<std::string_view, Sym> ordered_;       // searchable tokens (n:, e:, d:) in order
  std::vector<Sym> pair_tokens_;                  // k: tokens (duplicate candidates)
  FlatMap records_;                               // record key -> index below
  std::vector<uint64_t> record_keys_;
  std::vector<Fields> fields_;
  std::vector<std::vector<Open>> open_;
};

}  // namespace rapport::projections
