// What every `rapport` subcommand shares: the global options, opening the data directory,
// printing errors, and the exit codes (documented in docs/cli.md).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "events/event_log.h"
#include "events/status.h"

namespace rapport::cli {

// Exit codes, by class of failure.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // I/O errors and anything unexpected
  kExitUsage = 2,         // bad flags or arguments, invalid_argument
  kExitNotFound = 3,      // not_found
  kExitConflict = 4,      // conflict, already_exists, failed_precondition
  kExitPermission = 5,    // permission_denied
  kExitUnavailable = 6,   // unavailable: locked by another process, server unreachable
  kExitCorruption = 7,    // corruption: damaged data (see `rapport log verify`)
};

int ExitCodeFor(const Status& s);

struct GlobalOptions {
  std::string data_dir;  // --data, else $RAPPORT_DATA, else ./rapport-data
  bool json = false;     // --json: machine-readable output
  std::string as_user;   // --as USER: act as this user (embedded mode); default: the local operator
};

// Registers --data and --json on `app`, filling *g (which must outlive the parse).
void AddGlobalOptions(CLI::App* app, GlobalOptions* g);

// The data directory the options name, after applying the fallbacks.
std::string ResolveDataDir(const GlobalOptions& g);

// Opens the event log of the data directory. `create` says whether an empty directory may be
// initialised (commands that only read say no, and get a hint to run `rapport demo`/`init`).
Status OpenLog(const GlobalOptions& g, bool create, std::unique_ptr<events::EventLog>* log);

// Prints "rapport: <code>: <message>" to stderr (or a JSON error object to stdout with --json)
// and returns the exit code for `s`.
int ReportError(const GlobalOptions& g, const Status& s);

// True when stdout/stderr is a terminal (progress bars, colours).
bool StdoutIsTerminal();
bool StderrIsTerminal();

}  // namespace rapport::cli
