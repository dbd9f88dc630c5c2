#include "cli/token_command.h"

#include <sodium.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/display_names.h"
#include "cli/session.h"
#include "cli/table.h"
#include "domain/token.h"
#include "domain/value.h"
#include "events/clock.h"

namespace rapport::cli {
namespace {

using Json = nlohmann::ordered_json;

struct TokenArgs {
  std::string user, name, expires, id, reason;
};

int RunCreate(const GlobalOptions& g, const TokenArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  if (sodium_init() < 0) return ReportError(g, Status::IOError("libsodium failed to initialise"));
  std::array<uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string secret = domain::FormatTokenSecret(random);
  fb::IssueTokenT t;
  t.user_id = a.user;
  t.name = a.name;
  t.secret_hash = domain::HashTokenSecret(secret);
  t.hint = domain::TokenHint(secret);
  if (!a.expires.empty()) {
    auto e = ParseIso8601(a.expires);
    if (!e.ok()) return ReportError(g, Status::InvalidArgument("--expires: " + e.status().message()));
    t.expires_at_us = *e;
  }
  fb::CommandT cmd;
  cmd.body.Set(std::move(t));
  auto r = session->Execute(std::move(cmd));
  if (!r.ok()) return ReportError(g, r.status().WithContext("token create"));
  if (g.json) {
    std::cout << Json{{"token_id", r->record_id}, {"user_id", a.user}, {"secret", secret}}.dump() << std::endl;
  } else {
    std::cout << "token " << r->record_id << " for " << a.user << ": " << secret << "\n"
              << "This secret is shown only now (rapport keeps only its hash): give it to the client as "
                 "--token or $RAPPORT_TOKEN.\n";
  }
  return kExitOk;
}

int RunList(const GlobalOptions& g) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  domain::Directory dir = session->directory();
  // Listing tokens is an admin's business too.
  const domain::RecordState* me = dir.user(session->user_id());
  if (me == nullptr || me->Text("role") != "admin") {
    return ReportError(g, Status::PermissionDenied("only admins may list API tokens"));
  }
  Micros now = SystemClock()->NowMicros();
  auto state = [&](const domain::RecordState& t) -> std::string {
    if (t.Text("status") == "revoked") return "revoked";
    if (t.Int("expires_at") != 0 && t.Int("expires_at") <= now) return "expired";
    return "active";
  };
  if (g.json) {
    Json arr = Json::array();
    for (const auto& [id, t] : dir.tokens()) {
      arr.push_back({{"token_id", id}, {"user_id", t.Text("user_id")}, {"name", t.Text("name")},
                     {"hint", t.Text("hint")}, {"state", state(t)}, {"created_at", FormatIso8601(t.created_at_us)},
                     {"created_by", t.created_by},
                     {"expires_at", t.Int("expires_at") ? Json(FormatIso8601(t.Int("expires_at"))) : Json(nullptr)}});
    }
    std::cout << Json{{"tokens", arr}}.dump() << std::endl;
    return kExitOk;
  }
  DisplayNames names(dir);
  Table table({{"ID"}, {"USER"}, {"NAME"}, {"HINT"}, {"STATE"}, {"CREATED"}, {"BY"}, {"EXPIRES"}});
  for (const auto& [id, t] : dir.tokens()) {
    table.AddRow({id, names.Label(t.Text("user_id")), t.Text("name"), t.Text("hint") + "…", state(t),
                  FormatIso8601(t.created_at_us), names.Label(t.created_by),
                  t.Int("expires_at") ? FormatIso8601(t.Int("expires_at")) : "never"});
  }
  if (table.rows() == 0) {
    std::cout << "No API tokens. Create one with `rapport token create --user USER --name WHAT`.\n";
  } else {
    table.Print(std::cout);
  }
  return kExitOk;
}

int RunRevoke(const GlobalOptions& g, const TokenArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  fb::RevokeTokenT t;
  t.token_id = a.id;
  t.reason = a.reason;
  fb::CommandT cmd;
  cmd.body.Set(std::move(t));
  auto r = session->Execute(std::move(cmd));
  if (!r.ok()) return ReportError(g, r.status().WithContext("token revoke"));
  if (g.json) {
    std::cout << Json{{"token_id", a.id}, {"state", "revoked"}, {"version", r->version}}.dump() << std::endl;
  } else {
    std::cout << "revoked token " << a.id << "\n";
  }
  return kExitOk;
}

}  // namespace

void SetupTokenCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static TokenArgs args;
  CLI::App* token = app->add_subcommand("token", "API tokens for rapportd (admin)");
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "Issue a token acting as a user; prints its secret once");
  create->add_option("--user", args.user, "The user the token acts as")->required();
  create->add_option("--name", args.name, "What it is for (e.g. laptop, nightly export)")->required();
  create->add_option("--expires", args.expires, "When it stops working (ISO 8601; default: never)");
  create->callback([g, exit_code] { *exit_code = RunCreate(*g, args); });
  CLI::App* list = token->add_subcommand("list", "List tokens (never their secrets)");
  list->callback([g, exit_code] { *exit_code = RunList(*g); });
  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("id", args.id, "Token id (TOK-n)")->required();
  revoke->add_option("--reason", args.reason, "Why");
  revoke->callback([g, exit_code] { *exit_code = RunRevoke(*g, args); });
}

}  // namespace rapport::cli
