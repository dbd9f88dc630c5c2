// SearchProjection: contacts and companies by name, email or web domain — prefix, case- and
// accent-insensitive — and duplicate candidates, in any view.
//
// The index maps tokens to postings, each valid over an interval of the log (from the event
// that gave the record the token to the one that took it away), so a search as of an instant
// sees the names and addresses records had then.
//   a name word   every word of a folded name (a query with several words matches the first
//                 and then the folded full name)
//   an email      normalised email addresses
//   a domain      companies' web domains
//   a pair        a contact's company id and folded full name (duplicate candidates)
#pragma once

#include <array>
#include <map>
#include <string>
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
  uint32_t version() const override { return 2; }
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
  // A token is a number (its index in tokens_ and postings_) for what a record can be found
  // by: a word of its folded name, a normalised email, a web domain, or its folded full name
  // at a company. Tokens are found by their parts' numbers, never by building strings.
  enum class TokenKind : uint8_t { kName = 0, kEmail = 1, kDomain = 2, kPair = 3 };
  struct Token {
    TokenKind kind = TokenKind::kName;
    Sym text = 0;     // the word, email or domain; for kPair the folded full name
    Sym company = 0;  // kPair only: the company's id
  };
  struct Open {  // a posting still valid: its token and its index among the token's postings
    uint32_t token;
    uint32_t index;
  };
  // The tokens of a record with fields `f`, sorted and unique, created where new.
  void TokensOf(bool contact, const Fields& f, std::vector<uint32_t>* out);
  uint32_t TokenFor(TokenKind kind, Sym text, Sym company);
  void Register(uint32_t token);  // makes a new token findable by queries
  void Reindex(uint32_t record, const Fields& next, const events::EventView& e);
  std::string RecordName(uint64_t key) const;
  // The index of a record (type code << 32 | interned id) into *index, if it has one.
  bool FindRecord(uint64_t key, uint32_t* index) const;
  uint32_t& RecordSlot(uint64_t key);  // 0 = none, else index + 1
  using Ordered = std::map<std::string_view, uint32_t>;
  const Ordered& OrderedOf(TokenKind kind) const;
  bool Rebuild();  // the lookups and open postings from tokens_, postings_ and records

  Interner strings_;  // its own: ids, names, emails and name words (search runs beside the rest)
  std::vector<Token> tokens_;                     // by token number
  std::vector<std::vector<Posting>> postings_;    // by token number
  std::vector<std::array<uint32_t, 3>> single_;   // by Sym: its kName, kEmail, kDomain token + 1
  FlatMap pairs_;                                 // company << 32 | full name -> kPair token
  Ordered names_, emails_, domains_;              // searchable tokens by text, in order
  std::vector<uint32_t> pair_tokens_;             // kPair tokens (duplicate candidates)
  std::vector<std::array<uint32_t, 2>> record_of_;  // by Sym: contact, company index + 1
  std::vector<uint64_t> record_keys_;
  std::vector<Fields> fields_;
  std::vector<std::vector<Open>> open_;
};

}  // namespace rapport::projections
