#include "cli/init_command.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/session.h"

namespace rapport::cli {
namespace {

struct InitArgs {
  std::string name = "My company";
  std::string currency = "EUR";
  std::string time_zone = "UTC";
  std::string admin_id, admin_name = "Administrator", admin_email = "admin@example.com";
};

int RunInit(const GlobalOptions& g, const InitArgs& a) {
  if (g.remote()) {
    return ReportError(g, Status::AlreadyExists("rapportd at " + g.connect + " serves a workspace already (it "
                                                "creates one on its first start): there is nothing to init over "
                                                "--connect; `rapport init --data DIR` makes a new data directory"));
  }
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, true, true, &session);
  if (!s.ok()) return ReportError(g, s);
  if (!session->user_id().empty() || session->directory().workspace() != nullptr) {
    return ReportError(g, Status::AlreadyExists(ResolveDataDir(g) + " already holds a workspace: use it, or "
                                                "pass another --data DIR to start afresh"));
  }
  fb::CommandT cmd;
  cmd.command_id = "init";
  fb::CreateWorkspaceT w;
  w.workspace_id = "main";
  w.name = a.name;
  w.home_currency = a.currency;
  w.time_zone = a.time_zone;
  w.admin_user_id = a.admin_id;
  w.admin_name = a.admin_name;
  w.admin_email = a.admin_email;
  cmd.body.Set(std::move(w));
  auto r = session->Execute(std::move(cmd));
  if (!r.ok()) return ReportError(g, r.status().WithContext("init"));
  if (g.json) {
    nlohmann::ordered_json j{{"data", ResolveDataDir(g)}, {"workspace", a.name}, {"home_currency", a.currency},
                             {"admin", session->user_id()}};
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << "Initialised " << ResolveDataDir(g) << ": workspace '" << a.name << "' (" << a.currency
              << "), admin " << session->user_id() << " (" << a.admin_name << ").\n"
              << "Commands here act as " << session->user_id() << " unless you pass --as USER.\n"
              << "Next: rapport --data " << ResolveDataDir(g)
              << " user add --name 'Grace Hopper' --email grace@example.com --role manager\n";
  }
  return kExitOk;
}

}  // namespace

void SetupInitCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static InitArgs args;
  CLI::App* cmd = app->add_subcommand("init", "Create a data directory with a workspace and its first admin");
  cmd->add_option("--name", args.name, "Workspace (company) name");
  cmd->add_option("--currency", args.currency, "Home currency, ISO 4217 (reports convert into it)");
  cmd->add_option("--time-zone", args.time_zone, "IANA time zone that cuts days for reports");
  cmd->add_option("--admin-id", args.admin_id, "The first admin's user id (default: allocated, U-1)");
  cmd->add_option("--admin-name", args.admin_name, "The first admin's name");
  cmd->add_option("--admin-email", args.admin_email, "The first admin's email");
  cmd->callback([g, exit_code] { *exit_code = RunInit(*g, args); });
}

}  // namespace rapport::cli
