// `rapport backup DIR` and `rapport restore DIR`: incremental, checksummed backups of the log
// (RocksDB's backup engine); a restore is verified before it is used. Projections are not
// backed up: they rebuild from the restored log.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupBackupCommands(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
