// `rapport init`: creates a data directory with a workspace and its first admin (the local
// operator embedded mode acts as).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupInitCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
