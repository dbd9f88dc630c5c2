// `rapport board [PIPELINE]` (the pipeline as columns) and `rapport diff` (what changed in a
// pipeline between two instants: a waterfall whose totals reconcile).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupBoardCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupDiffCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
