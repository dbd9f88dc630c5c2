// `rapport score`: lead scoring (docs/automation.md).
//
//   rapport score model show|template|set FILE   the scoring model (set: admin)
//   rapport score show CONTACT [--as-of T]        a lead's score and why, and its history
//   rapport score list [--min N] [--limit N]      the highest-scored contacts
//   rapport score report [--as-of T]              conversion by score band
//   rapport score recompute                       score every contact now (embedded)
//
// Everything but recompute works over --connect too, and takes --json.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupScoreCommand(CLI::App* app, const GlobalOptions* g, int* exit_code);

}  // namespace rapport::cli
