// `rapport export`: records of one type to CSV or JSON Lines, and the raw event log to JSON
// Lines (one event a line, every envelope field), either optionally as of an instant.
// Streams in constant memory.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupExportCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
