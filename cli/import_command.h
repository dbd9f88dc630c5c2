// `rapport import contacts|companies|deals FILE.csv` and `rapport import maven DIR`.
//
// CSV imports are header-driven: columns are recognised by name, including the common
// HubSpot and Salesforce export headers ("Email", "Company Name", "Deal Stage",
// "Opportunity Owner", "Close Date", ...), and --map 'Header=field' names any other. Rows are
// streamed (constant memory), run on a few threads sharing the log's group commit, and each
// refused row is reported with its line number and reason while good rows are committed.
// Every command id is derived from the row's content, so running the same import again adds
// nothing. A "created" column becomes the record's occurred_at (its original time).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupImportCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
