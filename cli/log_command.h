// `rapport log tail|show|verify|stats`: reading and checking the raw event log.
#pragma once

#include <CLI/CLI.hpp>

#include <vector>

#include "cli/cli_context.h"
#include "events/event.h"

namespace rapport::cli {

// Registers `log` and its subcommands on `app`; each sets *exit_code when it runs.
void SetupLogCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

// Prints events as a table (or JSON Lines with --json). Shared with `demo`.
void PrintEvents(const GlobalOptions& g, const std::vector<events::Event>& events);

}  // namespace rapport::cli
