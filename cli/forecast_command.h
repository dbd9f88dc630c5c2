// `rapport forecast` and `rapport report KIND`: the sales numbers, now or in the past.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupForecastCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupReportCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
