// `rapport import maven DIR`: loads the Maven Analytics "CRM + Sales + Opportunities" data set
// (sales_teams.csv, accounts.csv, products.csv, sales_pipeline.csv) faithfully as history.
// See docs/cli.md for the mapping and how its known dirt is reconciled.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

// Adds `maven` under `import`.
void SetupMavenImport(CLI::App* import, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
