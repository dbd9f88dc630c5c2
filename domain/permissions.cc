#include "domain/permissions.h"

namespace rapport::domain {

Status RequireWriter(const Actor& a) {
  if (a.system) return Status::Ok();
  switch (a.role) {
    case fb::Role::Admin:
    case fb::Role::Manager:
    case fb::Role::Rep:
      return Status::Ok();
    case fb::Role::Analyst:
      return Status::PermissionDenied("user " + a.id +
                                      " is an analyst and may only read: ask an admin for the "
                                      "rep role to make changes");
    default:
      return Status::PermissionDenied("user " + a.id + " has no role: ask an admin to set one");
  }
}

Status RequireAdmin(const Actor& a, std::string_view what) {
  if (a.system || a.role == fb::Role::Admin) return Status::Ok();
  return Status::PermissionDenied("only admins may change " + std::string(what) + "; user " +
                                  a.id + " is not one");
}

std::vector<std::string> Stewards(const RecordState& r) {
  std::vector<std::string> out;
  for (const char* f : {"owner_id", "assignee_id", "author_id"}) {
    if (!r.Text(f).empty()) out.push_back(r.Text(f));
  }
  if (!r.created_by.empty() && (r.type == kTask || r.type == kTicket || r.type == kActivity)) {
    out.push_back(r.created_by);
  }
  return out;
}

Status RequireCanChange(const Actor& a, const RecordState& r, const Directory& dir) {
  RAPPORT_RETURN_IF_ERROR(RequireWriter(a));
  if (a.system || a.role == fb::Role::Admin) return Status::Ok();
  std::vector<std::string> stewards = Stewards(r);
  if (stewards.empty()) return Status::Ok();  // nobody's: anyone who writes may claim it
  for (const auto& s : stewards) {
    if (s == a.id) return Status::Ok();
    if (a.role == fb::Role::Manager && dir.Manages(a.id, s)) return Status::Ok();
  }
  return Status::PermissionDenied(
      r.Name() + " belongs to " + stewards.front() + "; user " + a.id +
      (a.role == fb::Role::Manager ? " does not manage a team they are in"
                                   : " may only change records they own or are assigned") +
      ": ask its owner, their manager or an admin");
}

Status RequireCanAssignTo(const Actor& a, std::string_view owner_id, const Directory& dir,
                          std::string_view field) {
  if (owner_id.empty()) return Status::Ok();
  if (dir.user(owner_id) == nullptr) {
    return Status::NotFound(std::string(field) + ": there is no user " + std::string(owner_id));
  }
  if (dir.active_user(owner_id) == nullptr) {
    return Status::FailedPrecondition(std::string(field) + ": user " + std::string(owner_id) +
                                      " is deactivated: choose an active user");
  }
  if (a.system || a.role == fb::Role::Admin || owner_id == a.id) return Status::Ok();
  if (a.role == fb::Role::Manager && dir.Manages(a.id, owner_id)) return Status::Ok();
  return Status::PermissionDenied(std::string(field) + ": user " + a.id + " may not give records to " +
                                  std::string(owner_id) +
                                  (a.role == fb::Role::Manager ? " (not in a team they manage)"
                                                               : " (reps may only give them to themselves)"));
}

}  // namespace rapport::domain
