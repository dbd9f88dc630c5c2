// SearchProjection: contacts and companies by name, email or web domain — prefix, case- and
// accent-insensitive — and duplicate candidates, in any view.
//
// The index maps tokens to postings, each valid over an interval of the log (from the event
// that gave the record the token to the one that took it away), so a search as of an instant
// sees the names and addresses records had then.
//   "n:<word>"  every word of a folded name, and the whole folded name
//   "e:<email>" normalised email addresses
//   "d:<domain>" companies' web domains, and the domains of contacts' emails
//   "k:<company id>:<folded full name>" contacts by name at a company (duplicate candidates)
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "projections/as_of.h"
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
  explicit SearchProjection(Interner* strings) : s_(strings) {}
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
    Sym record = 0;  // "type/id"
    uint64_t from_position = 0, to_position = UINT64_MAX;
    Micros from_occurred = 0, to_occurred = INT64_MAX;
    bool Visible(const AsOf& at) const;
  };
  struct Fields {  // what the tokens of a record are made from
    std::string first, last, name, company;
    std::vector<std::string> emails;
    std::string domain;
  };
  void Reindex(Sym record, std::string_view type, const Fields& f, const events::EventView& e);
  static std::vector<std::string> Tokens(std::string_view type, const Fields& f);

  Interner* s_;
  std::map<std::string, std::vector<Posting>> index_;
  std::unordered_map<Sym, Fields> fields_;                    // current fields per record
  std::unordered_map<Sym, std::vector<std::string>> tokens_;  // current tokens per record
};

}  // namespace rapport::projections
