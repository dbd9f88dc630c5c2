// rapport: the command-line interface of the rapport CRM. See docs/cli.md.
#include <CLI/CLI.hpp>

#include "cli/automation_command.h"
#include "cli/score_command.h"
#include "cli/backup_command.h"
#include "cli/board_command.h"
#include "cli/export_command.h"
#include "cli/cli_context.h"
#include "cli/demo_command.h"
#include "cli/followups_command.h"
#include "cli/forecast_command.h"
#include "cli/import_command.h"
#include "cli/init_command.h"
#include "cli/log_command.h"
#include "cli/record_command.h"
#include "cli/record_verbs.h"
#include "cli/token_command.h"

int main(int argc, char** argv) {
  using namespace rapport::cli;
  CLI::App app{"rapport: the event-sourced CRM whose memory is perfect", "rapport"};
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  app.set_version_flag("--version", "rapport 0.1.0");
  GlobalOptions global;
  AddGlobalOptions(&app, &global);
  int exit_code = kExitOk;
  SetupInitCommand(&app, &global, &exit_code);
  SetupDemoCommand(&app, &global, &exit_code);
  SetupRecordCommands(&app, &global, &exit_code);
  SetupExecCommand(&app, &global, &exit_code);
  SetupImportCommand(&app, &global, &exit_code);
  SetupExportCommand(&app, &global, &exit_code);
  SetupBackupCommands(&app, &global, &exit_code);
  SetupTokenCommand(&app, &global, &exit_code);
  SetupLogCommand(&app, &global, &exit_code);
  SetupBoardCommand(&app, &global, &exit_code);
  SetupDiffCommand(&app, &global, &exit_code);
  SetupForecastCommand(&app, &global, &exit_code);
  SetupReportCommand(&app, &global, &exit_code);
  SetupFollowupsCommands(&app, &global, &exit_code);
  SetupRecordViewCommands(&app, &global, &exit_code);
  SetupRuleCommand(&app, &global, &exit_code);
  SetupAutomationCommand(&app, &global, &exit_code);
  SetupScoreCommand(&app, &global, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
