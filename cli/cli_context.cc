#include "cli/cli_context.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

namespace rapport::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kConflict:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return kExitConflict;
    case StatusCode::kPermissionDenied:
      return kExitPermission;
    case StatusCode::kUnavailable:
      return kExitUnavailable;
    case StatusCode::kCorruption:
      return kExitCorruption;
    case StatusCode::kIOError:
      return kExitFailure;
  }
  return kExitFailure;
}

void AddGlobalOptions(CLI::App* app, GlobalOptions* g) {
  app->add_option("--data", g->data_dir,
                  "Data directory (default: $RAPPORT_DATA, else ./rapport-data)")
      ->type_name("DIR");
  app->add_flag("--json", g->json, "Machine-readable output: one JSON document, or JSON Lines "
                                   "for streams");
  app->add_option("--as", g->as_user, "Act as this user (embedded mode; default: the local "
                                      "admin created by `rapport init`)")
      ->type_name("USER");
  app->add_option("--connect", g->connect,
                  "Use rapportd at HOST:PORT instead of a data directory (default: $RAPPORT_CONNECT)")
      ->type_name("HOST:PORT")
      ->envname("RAPPORT_CONNECT");
  app->add_option("--token", g->token, "API token for --connect (default: $RAPPORT_TOKEN)")
      ->type_name("TOKEN")
      ->envname("RAPPORT_TOKEN");
}

std::string ResolveDataDir(const GlobalOptions& g) {
  if (!g.data_dir.empty()) return g.data_dir;
  if (const char* env = std::getenv("RAPPORT_DATA"); env != nullptr && *env != '\0') return env;
  return "rapport-data";
}

Status OpenLog(const GlobalOptions& g, bool create, std::unique_ptr<events::EventLog>* log,
               std::string_view what) {
  if (g.remote()) {
    return Status::FailedPrecondition(std::string(what) +
                                      " works on a data directory, not over --connect: run it where the "
                                      "data lives, with --data DIR (stop rapportd first)");
  }
  events::LogOptions opts;
  opts.dir = ResolveDataDir(g);
  opts.create_if_missing = create;
  opts.program_name = "rapport";
  if (!create && !std::filesystem::exists(opts.dir + "/db")) {
    return Status::NotFound("no rapport data in " + opts.dir +
                            ": pass --data DIR (or set RAPPORT_DATA), or create one with "
                            "`rapport demo --data " + opts.dir + "`");
  }
  Status s = events::EventLog::Open(opts, log);
  if (s.code() == StatusCode::kUnavailable && s.message().find("rapportd") != std::string::npos) {
    return Status::Unavailable(s.message() + " (rapport --connect HOST:PORT --token TOKEN)");
  }
  return s;
}

Status OpenLogFollower(const GlobalOptions& g, std::unique_ptr<events::EventLog>* log) {
  events::LogOptions opts;
  opts.dir = ResolveDataDir(g);
  opts.create_if_missing = false;
  opts.follower = true;
  if (!std::filesystem::exists(opts.dir + "/db")) {
    return Status::NotFound("no rapport data in " + opts.dir + ": pass --data DIR (or set RAPPORT_DATA)");
  }
  return events::EventLog::Open(opts, log);
}

int ReportError(const GlobalOptions& g, const Status& s) {
  if (g.json) {
    nlohmann::ordered_json j;
    j["error"] = {{"code", std::string(StatusCodeName(s.code()))}, {"message", s.message()}};
    std::cout << j.dump() << std::endl;
  }
  std::cerr << "rapport: " << StatusCodeName(s.code()) << ": " << s.message() << std::endl;
  return ExitCodeFor(s);
}

bool StdoutIsTerminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace rapport::cli
