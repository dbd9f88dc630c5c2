// `rapport forecast` and `rapport report KIND`: the sales numbers, now or in the past.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "projections/queries.h"

namespace rapport::cli {

void SetupForecastCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupReportCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

// The printing of both, shared with `rapport demo`. `by` is "month" or "quarter"; `group` is
// "" (no grouping), "owner" or "team", as the forecast was built.
void PrintForecast(const projections::Forecast& forecast, const projections::AsOf& at,
                   const std::string& by, const std::string& group);
void PrintReport(const projections::Report& report, const projections::AsOf& at);

}  // namespace rapport::cli
