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
  std::string connect;   // --connect HOST:PORT, else $RAPPORT_CONNECT: remote mode through rapportd
  std::string token;     // --token, else $RAPPORT_TOKEN: the API token remote mode authenticates with

  bool remote() const { return !connect.empty(); }
};

// Registers --data, --json, --as, --connect and --token on `app`, filling *g (which must
// outlive the parse). --connect and --token fall back to $RAPPORT_CONNECT and $RAPPORT_TOKEN.
void AddGlobalOptions(CLI::App* app, GlobalOptions* g);

// The data directory the options name, after applying the fallbacks.
std::string ResolveDataDir(const GlobalOptions& g);

// Opens the event log of the data directory. `create` says whether an empty directory may be
// initialised (commands that only read say no, and get a hint to run `rapport demo`/`init`).
// In remote mode (--connect) this is failed_precondition: the command works on a data
// directory only (`what` names it in the message).
Status OpenLog(const GlobalOptions& g, bool create, std::unique_ptr<events::EventLog>* log,
               std::string_view what = "this command");

// Opens the data directory's log as a read-only follower (no lock: works while rapportd or
// another command holds it). For `log tail -f`.
Status OpenLogFollower(const GlobalOptions& g, std::unique_ptr<events::EventLog>* log);

// Prints "rapport: <code>: <message>" to stderr (or a JSON error object to stdout with --json)
// and returns the exit code for `s`.
int ReportError(const GlobalOptions& g, const Status& s);

// True when stdout/stderr is a terminal (progress bars, colours).
bool StdoutIsTerminal();
bool StderrIsTerminal();

}  // namespace rapport::cli
