// RequestHandler: what the server does with one verified request, without any I/O of its own
// (it reads and appends through the log, the command service and the read models), so tests
// call it directly. The connection (server/connection.h) owns the socket, the feed cursor and
// the timers; it asks the handler and sends what comes back.
//
// Thread-safe: Handle may run on many threads at once for different connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "domain/command_service.h"
#include "events/clock.h"
#include "events/event_log.h"
#include "projections/engine.h"
#include "server/feed.h"
#include "server/protocol.h"

namespace rapport::server {

// Who a connection acts as, once hello succeeded.
struct SessionState {
  bool authenticated = false;
  domain::Actor actor;
  std::string token_id;
  std::string role;  // "admin", "manager", "rep", "viewer"
  Micros token_expires_at = 0;          // 0: never
  uint64_t directory_generation = 0;    // of the directory the token and role were checked on
};

struct ServerCounters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint32_t> connections{0};
  std::atomic<uint32_t> subscriptions{0};
};

// What the connection should do after a request.
struct Outcome {
  std::string response;                 // the Response message (without the frame header)
  std::optional<FeedFilter> subscribe;  // start a feed...
  uint64_t subscription_id = 0;         // ...named by the Subscribe request's id...
  uint64_t subscribe_from = 0;          // ...from this position
  uint64_t unsubscribe = 0;             // stop this subscription (its Subscribe request id)
  bool close = false;                   // close the connection once the response is sent
};

struct HandlerOptions {
  // Most events or ids in one ReadStream/ReadLog/ListStreams answer.
  // Default: 1000
  uint32_t max_batch = 1000;
  // Soft bound on the event bytes of one batch (one event of up to 1 MiB always fits).
  // Default: 1 MiB
  size_t max_batch_bytes = 1 << 20;
  // How long a query waits for the read models to reach the log's end (read-your-writes).
  // Default: 5 s
  std::chrono::milliseconds query_catch_up_wait{5000};
  // Entries allowed in each Subscribe filter list.
  // Default: 1000
  size_t max_filter_entries = 1000;
  // The directory under which Backup requests may write (absolute). Empty: Backup requests
  // are refused, so an admin token cannot make the server write anywhere it was not told.
  // Default: none
  std::string backup_root;
  std::string server_name = "rapportd";
};

class RequestHandler {
 public:
  // All must outlive the handler.
  RequestHandler(events::EventLog* log, domain::CommandService* service,
                 projections::ProjectionEngine* engine, Clock* clock, ServerCounters* counters,
                 HandlerOptions options = {});

  // Handles one request for the connection whose state is *session.
  Outcome Handle(SessionState* session, const DecodedRequest& request);

  // Handles one request that may finish later. A command (Execute, once authenticated) is
  // decided at once and its append joins the log's group commit without holding this
  // thread (CommandService::ExecuteAsync): `done` then runs on the log's completion thread,
  // or on a thread of `offload` when deciding had to wait. Any other request, and a command
  // refused, already done (a retried id) or changing nothing, is answered before HandleAsync
  // returns. `done` is called exactly once and must be quick. After StopAsync, commands are
  // refused with unavailable.
  void HandleAsync(SessionState* session, const DecodedRequest& request,
                   domain::CommandService::Offload offload, std::function<void(Outcome)> done);

  // The Response for a frame that could not be decoded (request id 0; closes).
  static Outcome Refuse(const Status& status);

  // Checks that an authenticated session may go on: its token not revoked or expired, its
  // user active; and takes the user's current role (a demoted admin loses admin rights on
  // the next request). Cheap unless the directory changed since the last check. On error
  // the session is no longer authenticated (permission_denied saying why). Handle calls it
  // before every request but hello.
  Status Recheck(SessionState* session) const;

  // HandleAsync commands not finished: their `done`, and everything it holds, still
  // exists. The handler must outlive them: a server calls StopAsync, waits for 0, and only
  // then stops its workers and destroys the handler.
  int async_commands() const { return async_commands_.load(std::memory_order_acquire); }
  void StopAsync();

  const HandlerOptions& options() const { return options_; }
  Micros started_at() const { return started_at_; }

 private:
  Outcome Hello(SessionState* s, uint64_t id, const proto::Hello& m);
  Outcome Execute(SessionState* s, uint64_t id, const proto::Execute& m);
  // Unpacks an Execute's command (giving it an id if it has none) and the time it runs at;
  // an Outcome when the request carries no command.
  std::optional<Outcome> UnpackCommand(uint64_t id, const proto::Execute& m, fb::CommandT* cmd, Micros* now);
  Outcome CommandReply(uint64_t id, const Result<fb::CommandResultT>& result, const std::string& command_id);
  Outcome Query(SessionState* s, uint64_t id, const proto::Query& m);
  Outcome ReadStream(SessionState* s, uint64_t id, const proto::ReadStream& m);
  Outcome ListStreams(SessionState* s, uint64_t id, const proto::ListStreams& m);
  Outcome ReadLog(SessionState* s, uint64_t id, const proto::ReadLog& m);
  Outcome Subscribe(SessionState* s, uint64_t id, const proto::Subscribe& m);
  Outcome Stats(uint64_t id);
  // LogStats, VerifyLog, Backup and RecomputeScores (admins only).
  Outcome Admin(SessionState* s, uint64_t id, const proto::Request& r);

  events::EventLog* log_;
  domain::CommandService* service_;
  projections::ProjectionEngine* engine_;
  Clock* clock_;
  ServerCounters* counters_;
  HandlerOptions options_;
  Micros started_at_;
  std::atomic<int> async_commands_{0};
  std::atomic<bool> async_stopping_{false};
};

// Builds an EventBatch response.
std::string EventBatchResponse(uint64_t request_id, const std::vector<events::Event>& events,
                               uint64_t next_position, uint64_t last_position);

}  // namespace rapport::server
