// Directory: the small, slowly changing records every decision may need at once — the
// workspace, users, teams, pipelines, products and custom field definitions — and the
// questions rules ask of them ("does Grace manage Alan?", "what is stage S3 of pipeline P1?").
//
// A Directory is a value: the service builds it from replayed records and hands decisions a
// consistent one. Not thread-safe for writing; const methods may be shared.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/record_state.h"

namespace rapport::domain {

class Directory {
 public:
  // Adds or replaces a record of one of the directory's types (others are ignored).
  void Put(const RecordState& record);
  static bool Holds(std::string_view type);

  // The record of a directory type by id (the workspace ignores the id), or nullptr.
  const RecordState* record(std::string_view type, std::string_view id) const;

  const RecordState* workspace() const { return workspace_.created ? &workspace_ : nullptr; }
  const RecordState* user(std::string_view id) const { return Find(users_, id); }
  const RecordState* team(std::string_view id) const { return Find(teams_, id); }
  const RecordState* pipeline(std::string_view id) const { return Find(pipelines_, id); }
  const RecordState* product(std::string_view id) const { return Find(products_, id); }
  // API tokens (revoked and expired ones too: check "status" and "expires_at").
  const RecordState* token(std::string_view id) const { return Find(tokens_, id); }
  const RecordState* token_by_hash(std::string_view secret_hash) const;
  const std::map<std::string, RecordState, std::less<>>& tokens() const { return tokens_; }
  // Custom field "key" of a record type.
  const RecordState* field(std::string_view record_type, std::string_view key) const;

  const std::map<std::string, RecordState, std::less<>>& users() const { return users_; }
  const std::map<std::string, RecordState, std::less<>>& teams() const { return teams_; }
  const std::map<std::string, RecordState, std::less<>>& pipelines() const { return pipelines_; }
  const std::map<std::string, RecordState, std::less<>>& products() const { return products_; }
  const std::map<std::string, RecordState, std::less<>>& fields() const { return fields_; }

  // Home currency ("" before the workspace exists) and exchange rates.
  std::string home_currency() const;
  const ExchangeRates& rates() const { return workspace_.rates; }

  // True if `manager_id` manages a team `user_id` belongs to (or they are the same user).
  bool Manages(std::string_view manager_id, std::string_view user_id) const;
  // Teams a user belongs to.
  std::vector<std::string> TeamsOf(std::string_view user_id) const;
  // An active user's record, or nullptr.
  const RecordState* active_user(std::string_view id) const;
  // A product with this code (case-sensitive), or nullptr.
  const RecordState* product_by_code(std::string_view code) const;

 private:
  static const RecordState* Find(const std::map<std::string, RecordState, std::less<>>& m,
                                 std::string_view id);
  RecordState workspace_;
  std::map<std::string, RecordState, std::less<>> users_, teams_, pipelines_, products_, fields_, tokens_;
};

}  // namespace rapport::domain
