// `rapport timeline RECORD`, `rapport history RECORD`, `rapport search TEXT`,
// `rapport duplicates`: what happened to one record, and finding records.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupRecordViewCommands(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
