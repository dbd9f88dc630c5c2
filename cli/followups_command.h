// The follow-up queues: `rapport followups`, `stale`, `renewals`, `tickets`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupFollowupsCommands(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
