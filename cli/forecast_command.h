// `rapport forecast` and `rapport report KIND`: the sales numbers, now or in the past.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/display_names.h"
#include "projections/queries.h"

namespace rapport::cli {

void SetupForecastCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupReportCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

// The printing of both. `by` is "month" or "quarter"; `group` is
// "" (no grouping), "owner" or "team", as the forecast was built. Owners show with their names
// from `names` ("Dana Reyes (U-3)"); teams are grouped by name already.
void PrintForecast(const projections::Forecast& forecast, const projections::AsOf& at,
                   const std::string& by, const std::string& group, const DisplayNames& names);
void PrintReport(const projections::Report& report, const projections::AsOf& at, const DisplayNames& names);

}  // namespace rapport::cli
