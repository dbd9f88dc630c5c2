// Session: the one interface every `rapport` command that changes or reads records goes
// through, so the same commands work embedded (this file: a data directory opened in-process)
// and remote (`--connect`, added with the server).
//
// A session acts as one user: embedded mode acts as the local operator (the earliest-created
// active admin, normally the one `rapport init` created), or as `--as USER`. The actor is never
// taken from a command: it is the session's.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_context.h"
#include "domain/command_service.h"
#include "domain/directory.h"
#include "server/client.h"

namespace rapport::cli {

class Session {
 public:
  virtual ~Session() = default;

  // Runs `cmd` as the session's user at the current time. A command without a command_id
  // gets a fresh one. Errors are typed Statuses; nothing is appended on error.
  virtual Result<fb::CommandResultT> Execute(fb::CommandT cmd) = 0;

  // The current state of a record (not_found if it never existed).
  virtual Result<domain::RecordState> Get(std::string_view type, std::string_view id) = 0;

  // Ids of records of `type` after `after` in byte order, at most `max`.
  virtual Result<std::vector<std::string>> ListIds(std::string_view type, std::string_view after,
                                                   size_t max) = 0;

  // Users, teams, pipelines, products, fields and the workspace as they are now.
  virtual domain::Directory directory() = 0;

  // The acting user ("" before `rapport init`).
  virtual const std::string& user_id() const = 0;
};

// A fresh command id, "cli-<time>-<random>-<n>", for a command sent without one (chosen on
// the client, so a retry after a lost answer is recognised).
std::string FreshCommandId();

// Opens the data directory `g` names. With `create`, a missing directory is created (for
// `init`); otherwise a directory without data is not_found with a hint. A directory without a
// workspace is failed_precondition ("run `rapport init`") unless `allow_uninitialised`.
Status OpenSession(const GlobalOptions& g, bool create, bool allow_uninitialised,
                   std::unique_ptr<Session>* out);

// With --connect, OpenSession opens a remote session instead: rapportd at g.connect,
// authenticated with g.token; it acts as the token's user (--as is refused).

// Embedded sessions only: the log underneath (for import and export, which stream it).
events::EventLog* EmbeddedLog(Session* s);
domain::CommandService* EmbeddedService(Session* s);

// Remote sessions only: the connection (for queries, log reads and the change feed).
server::Client* RemoteClient(Session* s);

// Opens a remote session (called by OpenSession in remote mode).
Status OpenRemoteSession(const GlobalOptions& g, std::unique_ptr<Session>* out);

}  // namespace rapport::cli
