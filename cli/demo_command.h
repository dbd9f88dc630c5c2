// `rapport demo [--seed N] [--until YYYY-MM-DD] [--scale F]`: fills a fresh data directory with
// two years of an example sales and service team (cli/demo_generator.h), checks the log, and
// prints a summary of what it generated and commands to try, most of them time travel (under 40
// lines). With --json, one document that also holds what rapport makes of it: the pipeline
// board, the forecast, win rates and cycle lengths, an account's timeline, the board a year
// earlier and what changed since.
// Refuses (already_exists) a directory that already holds a workspace.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupDemoCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
