// Decisions about the workspace, users and teams (admin only; docs/domain.md).
#include "domain/decide_internal.h"
#include "domain/money.h"

namespace rapport::domain::internal {

Status CheckTimeZone(const std::string& tz) {
  if (tz.empty() || tz == "UTC") return Status::Ok();
  bool ok = tz.size() <= 64 && tz.find('/') != std::string::npos;
  for (char c : tz) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
                c == '+');
  }
  return ok ? Status::Ok()
            : Status::InvalidArgument("time_zone: '" + tz +
                                      "' is not an IANA time zone; write e.g. Europe/Berlin or UTC");
}

namespace {

// Users who are active admins, other than `except`.
int OtherActiveAdmins(const Directory& dir, const std::string& except) {
  int n = 0;
  for (const auto& [id, u] : dir.users()) {
    if (id != except && u.created && u.Int("active") && u.Text("role") == "admin") ++n;
  }
  return n;
}

Result<Decision> CreateWorkspace(Env& env, const fb::CreateWorkspaceT& c) {
  if (!env.actor.system) {
    return Status::PermissionDenied("a workspace is created by `rapport init`, not by a user");
  }
  if (env.dir.workspace()) return Status::AlreadyExists("the workspace already exists");
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateCurrency(c.home_currency, "home_currency"));
  RAPPORT_RETURN_IF_ERROR(CheckTimeZone(c.time_zone));
  fb::WorkspaceCreatedT e;
  e.workspace_id = c.workspace_id.empty() ? env.src->NewId(kWorkspace) : c.workspace_id;
  RAPPORT_RETURN_IF_ERROR(ValidateRecordId(e.workspace_id, "workspace"));
  e.name = Trim(c.name);
  e.home_currency = c.home_currency;
  e.time_zone = c.time_zone.empty() ? "UTC" : c.time_zone;
  env.EmitNew(kWorkspace, kWorkspaceId, std::move(e));
  // The first admin, in the same atomic append: a workspace never exists without one.
  std::string admin = c.admin_user_id.empty() ? env.src->NewId(kUser) : c.admin_user_id;
  RAPPORT_RETURN_IF_ERROR(ValidateRecordId(admin, "admin user"));
  if (admin == kSystemActor) return Status::InvalidArgument("admin_user_id: 'system' is reserved");
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.admin_name, "admin_name", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateEmail(c.admin_email, "admin_email"));
  fb::UserCreatedT u;
  u.user_id = admin;
  u.name = Trim(c.admin_name);
  u.email = Trim(c.admin_email);
  u.role = fb::Role::Admin;
  env.EmitNew(kUser, admin, std::move(u), admin);
  return env.Done(kWorkspace, kWorkspaceId);
}

Result<Decision> SetExchangeRate(Env& env, const fb::SetExchangeRateT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "exchange rates"));
  RAPPORT_RETURN_IF_ERROR(ValidateCurrency(c.currency, "currency"));
  if (c.currency == env.dir.home_currency()) {
    return Status::InvalidArgument("currency: " + c.currency +
                                   " is the home currency; its rate is always 1");
  }
  if (c.rate_e9 <= 0) return Status::InvalidArgument("rate must be greater than 0");
  RAPPORT_RETURN_IF_ERROR(CheckDate(c.effective_date, "effective_date"));
  const RecordState* ws = env.dir.workspace();
  fb::ExchangeRateSetT e;
  e.currency = c.currency;
  e.rate_e9 = c.rate_e9;
  e.effective_date = c.effective_date;
  auto cur = ws->rates.all().find(c.currency);
  if (cur != ws->rates.all().end()) {
    auto day = cur->second.find(c.effective_date);
    if (day != cur->second.end()) {
      if (day->second == c.rate_e9) {
        return Status::FailedPrecondition("the " + c.currency + " rate from " +
                                          FormatDate(c.effective_date) + " is already that");
      }
      e.previous_rate_e9 = day->second;
    }
  }
  env.EmitOn(*ws, std::move(e));
  return env.Done(kWorkspace, kWorkspaceId);
}

Result<Decision> CreateUser(Env& env, const fb::CreateUserT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "users"));
  auto id = env.NewRecordId(kUser, c.user_id, "user_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  RAPPORT_RETURN_IF_ERROR(ValidateEmail(c.email, "email"));
  for (const auto& [uid, u] : env.dir.users()) {
    if (NormalizeEmail(u.Text("email")) == NormalizeEmail(c.email)) {
      return Status::AlreadyExists("email: user " + uid + " already has " + c.email);
    }
  }
  if (c.role == fb::Role::Unspecified) {
    return Status::InvalidArgument("role is required: one of " + RoleNames());
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.title, "title", 200, false));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.territory, "territory", 100, false));
  fb::UserCreatedT e;
  e.user_id = *id;
  e.name = Trim(c.name);
  e.email = Trim(c.email);
  e.role = c.role;
  e.title = Trim(c.title);
  e.territory = Trim(c.territory);
  env.EmitNew(kUser, *id, std::move(e), *id);
  return env.Done(kUser, *id);
}

Result<const RecordState*> LiveUser(Env& env, const std::string& id) {
  return env.Live(kUser, id, "user_id");
}

Result<Decision> ChangeUserRole(Env& env, const fb::ChangeUserRoleT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "roles"));
  auto u = LiveUser(env, c.user_id);
  if (!u.ok()) return u.status();
  if (c.role == fb::Role::Unspecified) {
    return Status::InvalidArgument("role is required: one of " + RoleNames());
  }
  auto old_role = ParseRole((*u)->Text("role")).value_or(fb::Role::Unspecified);
  if (old_role == c.role) {
    return Status::FailedPrecondition("user " + c.user_id + " is already " + RoleName(c.role));
  }
  if (old_role == fb::Role::Admin && (*u)->Int("active") &&
      OtherActiveAdmins(env.dir, c.user_id) == 0) {
    return Status::FailedPrecondition("user " + c.user_id +
                                      " is the last active admin: make someone else admin first");
  }
  fb::UserRoleChangedT e;
  e.user_id = c.user_id;
  e.old_role = old_role;
  e.new_role = c.role;
  env.EmitOn(**u, std::move(e));
  return env.Done(kUser, c.user_id);
}

Result<Decision> DeactivateUser(Env& env, const fb::DeactivateUserT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "users"));
  auto u = LiveUser(env, c.user_id);
  if (!u.ok()) return u.status();
  if (!(*u)->Int("active")) {
    return Status::FailedPrecondition("user " + c.user_id + " is already deactivated");
  }
  if ((*u)->Text("role") == "admin" && OtherActiveAdmins(env.dir, c.user_id) == 0) {
    return Status::FailedPrecondition("user " + c.user_id +
                                      " is the last active admin: make someone else admin first");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  fb::UserDeactivatedT e;
  e.user_id = c.user_id;
  e.reason = c.reason;
  env.EmitOn(**u, std::move(e));
  return env.Done(kUser, c.user_id);
}

Result<Decision> ReactivateUser(Env& env, const fb::ReactivateUserT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "users"));
  auto u = LiveUser(env, c.user_id);
  if (!u.ok()) return u.status();
  if ((*u)->Int("active")) return Status::FailedPrecondition("user " + c.user_id + " is active");
  fb::UserReactivatedT e;
  e.user_id = c.user_id;
  env.EmitOn(**u, std::move(e));
  return env.Done(kUser, c.user_id);
}

Result<Decision> CreateTeam(Env& env, const fb::CreateTeamT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "teams"));
  auto id = env.NewRecordId(kTeam, c.team_id, "team_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.manager_id, "manager_id"));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.territory, "territory", 100, false));
  std::set<std::string> members;
  for (const auto& m : c.member_ids) {
    RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, m, "member_ids"));
    if (!members.insert(m).second) {
      return Status::InvalidArgument("member_ids: " + m + " is listed twice");
    }
  }
  fb::TeamCreatedT e;
  e.team_id = *id;
  e.name = Trim(c.name);
  e.manager_id = c.manager_id;
  e.territory = Trim(c.territory);
  e.member_ids = c.member_ids;
  env.EmitNew(kTeam, *id, std::move(e));
  return env.Done(kTeam, *id);
}

Result<Decision> AddTeamMember(Env& env, const fb::AddTeamMemberT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "teams"));
  auto t = env.Live(kTeam, c.team_id, "team_id");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.user_id, "user_id"));
  if ((*t)->members.count(c.user_id)) {
    return Status::FailedPrecondition("user " + c.user_id + " is already in team " + c.team_id);
  }
  fb::TeamMemberAddedT e;
  e.team_id = c.team_id;
  e.user_id = c.user_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTeam, c.team_id);
}

Result<Decision> RemoveTeamMember(Env& env, const fb::RemoveTeamMemberT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "teams"));
  auto t = env.Live(kTeam, c.team_id, "team_id");
  if (!t.ok()) return t.status();
  if (!(*t)->members.count(c.user_id)) {
    return Status::FailedPrecondition("user " + c.user_id + " is not in team " + c.team_id);
  }
  fb::TeamMemberRemovedT e;
  e.team_id = c.team_id;
  e.user_id = c.user_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTeam, c.team_id);
}

Result<Decision> ChangeTeamManager(Env& env, const fb::ChangeTeamManagerT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "teams"));
  auto t = env.Live(kTeam, c.team_id, "team_id");
  if (!t.ok()) return t.status();
  RAPPORT_RETURN_IF_ERROR(CheckActiveUser(env, c.manager_id, "manager_id"));
  if ((*t)->Text("manager_id") == c.manager_id) {
    return Status::FailedPrecondition(c.manager_id + " already manages team " + c.team_id);
  }
  fb::TeamManagerChangedT e;
  e.team_id = c.team_id;
  e.old_manager_id = (*t)->Text("manager_id");
  e.new_manager_id = c.manager_id;
  env.EmitOn(**t, std::move(e));
  return env.Done(kTeam, c.team_id);
}

}  // namespace

Result<Decision> IssueToken(Env& env, const fb::IssueTokenT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "API tokens"));
  auto u = LiveUser(env, c.user_id);
  if (!u.ok()) return u.status();
  if (!(*u)->Int("active")) {
    return Status::FailedPrecondition("user_id: user " + c.user_id + " is deactivated: reactivate them first");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 100, true));
  bool hex = c.secret_hash.size() == 64;
  for (char ch : c.secret_hash) hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
  if (!hex) return Status::InvalidArgument("secret_hash: must be 64 lower-case hex digits (a BLAKE2b-256 hash)");
  if (env.dir.token_by_hash(c.secret_hash) != nullptr) {
    return Status::AlreadyExists("secret_hash: another token has this secret; generate a new one");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.hint, "hint", 16, false));
  if (c.expires_at_us < 0) return Status::InvalidArgument("expires_at_us: must be 0 (never) or an instant");
  if (c.expires_at_us != 0 && c.expires_at_us <= env.ctx.now) {
    return Status::InvalidArgument("expires_at_us: " + FormatIso8601(c.expires_at_us) + " is already past");
  }
  auto id = env.NewRecordId(kToken, c.token_id, "token_id");
  if (!id.ok()) return id.status();
  fb::TokenIssuedT e;
  e.token_id = *id;
  e.user_id = c.user_id;
  e.name = Trim(c.name);
  e.secret_hash = c.secret_hash;
  e.hint = c.hint;
  e.expires_at_us = c.expires_at_us;
  env.EmitNew(kToken, *id, std::move(e));
  return env.Done(kToken, *id);
}

Result<Decision> RevokeToken(Env& env, const fb::RevokeTokenT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "API tokens"));
  auto t = env.Live(kToken, c.token_id, "token_id");
  if (!t.ok()) return t.status();
  if ((*t)->Text("status") == "revoked") {
    return Status::FailedPrecondition("token " + c.token_id + " is already revoked");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  fb::TokenRevokedT e;
  e.token_id = c.token_id;
  e.reason = c.reason;
  env.EmitOn(**t, std::move(e));
  return env.Done(kToken, c.token_id);
}

MaybeDecision DecidePeople(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::CreateWorkspace: return CreateWorkspace(env, *b.AsCreateWorkspace());
    case fb::CommandBody::SetExchangeRate: return SetExchangeRate(env, *b.AsSetExchangeRate());
    case fb::CommandBody::IssueToken: return IssueToken(env, *b.AsIssueToken());
    case fb::CommandBody::RevokeToken: return RevokeToken(env, *b.AsRevokeToken());
    case fb::CommandBody::CreateUser: return CreateUser(env, *b.AsCreateUser());
    case fb::CommandBody::ChangeUserRole: return ChangeUserRole(env, *b.AsChangeUserRole());
    case fb::CommandBody::DeactivateUser: return DeactivateUser(env, *b.AsDeactivateUser());
    case fb::CommandBody::ReactivateUser: return ReactivateUser(env, *b.AsReactivateUser());
    case fb::CommandBody::CreateTeam: return CreateTeam(env, *b.AsCreateTeam());
    case fb::CommandBody::AddTeamMember: return AddTeamMember(env, *b.AsAddTeamMember());
    case fb::CommandBody::RemoveTeamMember: return RemoveTeamMember(env, *b.AsRemoveTeamMember());
    case fb::CommandBody::ChangeTeamManager: return ChangeTeamManager(env, *b.AsChangeTeamManager());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
