// Who may do what (docs/domain.md, "Permissions"). Decided from the acting user's role:
//   analyst  reads only;
//   rep      creates records, and changes what they own, are assigned, or authored
//            (and records nobody owns);
//   manager  what a rep may, plus everything owned by members of teams they manage;
//   admin    everything, including users, teams, pipelines, products, fields, workspace.
// Every refusal is permission_denied with a message saying what would be needed.
#pragma once

#include <string_view>

#include "domain/decide.h"

namespace rapport::domain {

// The actor may write at all (not an analyst, and known).
Status RequireWriter(const Actor& actor);
// Admin-only areas: users, teams, pipelines, products, custom fields, workspace.
Status RequireAdmin(const Actor& actor, std::string_view what);
// The actor may change `record` (owner / assignee / author / team / admin).
Status RequireCanChange(const Actor& actor, const RecordState& record, const Directory& dir);
// The actor may give a record to `owner_id` (reps: themselves only; managers: their teams).
Status RequireCanAssignTo(const Actor& actor, std::string_view owner_id, const Directory& dir,
                          std::string_view field);

// The users a record "belongs to" for permission purposes.
std::vector<std::string> Stewards(const RecordState& record);

}  // namespace rapport::domain
