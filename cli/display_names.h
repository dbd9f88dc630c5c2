// Who is who in the CLI's tables: user and team ids shown with their names.
//
// A table shows a user as "Dana Reyes (U-3)" (Label); where the column is too narrow for that
// (the cards of `rapport board`), as "Dana Reyes" (Name). --json output keeps the bare ids: it
// is the projections' ToJson, shared with the protocol.
//
// The names are the directory's as it is now, in views of the past too (a user renamed since
// shows under the new name). An id the directory does not know ("system", "(no owner)", "") is
// shown as it is.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "domain/directory.h"
#include "events/event_log.h"

namespace rapport::cli {

class DisplayNames {
 public:
  DisplayNames() = default;  // knows nobody: shows every id as it is
  explicit DisplayNames(const domain::Directory& directory);
  // The names in the directory of `log` (its users and teams, replayed).
  static Result<DisplayNames> Load(events::EventLog* log);

  // "Dana Reyes (U-3)", "DACH (T-1)"; an unknown id as it is.
  std::string Label(std::string_view id) const;
  // "Dana Reyes"; an unknown id as it is.
  std::string Name(std::string_view id) const;

 private:
  std::map<std::string, std::string, std::less<>> names_;  // user and team ids -> name
};

// True for the record fields that hold a user id (owner_id, assignee_id, author_id, manager_id,
// user_id): tables show their values with Label.
bool HoldsUserId(std::string_view field);

}  // namespace rapport::cli
