// `rapport token create|list|revoke` (admin): API tokens for rapportd. The secret is printed
// once at creation and never stored: the log holds its hash (docs/cli.md, "Tokens").
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupTokenCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
