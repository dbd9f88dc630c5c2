// `rapport demo`: fills a data directory with a small example workspace and shows it.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupDemoCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
