// Client: the C++ client library of the rapport protocol (docs/protocol.md). It connects,
// authenticates with an API token, and sends requests; callers may pipeline (Send* now,
// Wait later) or use the one-call helpers. A change feed is read with NextEvents.
//
// Every wait has a deadline (ClientOptions); an unreachable server, a refused token, a lost
// connection and a timeout are `unavailable` or `permission_denied` Statuses saying what to
// do. After the connection fails, every call returns that failure.
//
// Thread safety: none. One Client belongs to one thread.
#pragma once

#include <asio.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/schema/commands_generated.h"
#include "projections/query.h"
#include "server/frame.h"
#include "server/protocol.h"

namespace rapport::server {

struct ClientOptions {
  // Default: 5 s
  std::chrono::milliseconds connect_timeout{5000};
  // How long a call waits for its response. Default: 60 s
  std::chrono::milliseconds request_timeout{60000};
  // Largest response frame accepted. Default: 64 MiB
  size_t max_frame_bytes = 64 << 20;
  std::string client_name = "rapport-client";
};

struct HelloInfo {
  std::string server, workspace_id, user_id, role;
  uint64_t last_position = 0;
};

struct StatsInfo {
  uint64_t last_position = 0, projection_position = 0;
  uint32_t connections = 0, subscriptions = 0;
  uint64_t requests = 0, commands = 0, errors = 0, uptime_seconds = 0;
};

struct SubscribeSpec {
  uint64_t from_position = 0;  // 0: only events appended from now on
  std::vector<std::string> record_types, record_ids, event_types;
};

// Builds one request body into a FlatBufferBuilder and returns the finished Request bytes.
using RequestWriter = std::function<std::string(flatbuffers::FlatBufferBuilder&, uint64_t request_id)>;

class Client {
 public:
  // Connects to `address` ("host:port") and authenticates with `token` (the API token secret).
  static Result<std::unique_ptr<Client>> Connect(const std::string& address, const std::string& token,
                                                 ClientOptions options = {});
  ~Client();

  const HelloInfo& hello() const { return hello_; }

  // ---- Pipelining: send now, wait for the answer later (in any order). ----
  // Send queues the request; queued requests go out together when the client has to wait
  // for the server (a Wait whose answer has not arrived, the one-call helpers, NextEvents
  // with no events received), on Flush, or once 256 KiB are queued. A caller that sends and
  // then only takes answers already received calls Flush to send at once.
  Result<uint64_t> Send(const RequestWriter& write);
  Status Flush();
  Result<uint64_t> SendExecute(const fb::CommandT& command);
  Result<uint64_t> SendQuery(const projections::Query& query);
  // The response to request `id` (its status is the response's, see DecodedResponse).
  Result<DecodedResponse> Wait(uint64_t id);
  Result<DecodedResponse> Wait(uint64_t id, std::chrono::milliseconds timeout);

  // ---- One call each. Errors are the server's (code and message) or the connection's. ----
  Result<fb::CommandResultT> Execute(const fb::CommandT& command);
  Result<projections::Json> Query(const projections::Query& query);
  // Events of a record's stream from `from_version`; *next gets the version to continue at.
  Result<std::vector<events::Event>> ReadStream(std::string_view type, std::string_view id, uint64_t from_version,
                                                uint32_t max, uint64_t* next = nullptr);
  Result<std::vector<std::string>> ListStreams(std::string_view type, std::string_view after, uint32_t max);
  // The same, a page after another: a whole stream from version 1; up to `max` ids after
  // `after`.
  Result<std::vector<events::Event>> ReadWholeStream(std::string_view type, std::string_view id);
  Result<std::vector<std::string>> ListAllStreams(std::string_view type, std::string_view after, size_t max);
  // Log events from `from`; *next gets the position to continue at.
  Result<std::vector<events::Event>> ReadLog(uint64_t from, uint32_t max, uint64_t* next = nullptr);
  // Round trip; returns the log's last position.
  Result<uint64_t> Ping();
  Result<StatsInfo> Stats();

  // ---- Admin requests (an admin's token); each answers the JSON document the CLI prints
  // with --json for the same command embedded. They may run long, so they wait up to 10 min
  // (stats) or an hour (verify, backup, recompute) rather than request_timeout. ----
  Result<projections::Json> LogStats();
  Result<projections::Json> VerifyLog(bool skip_checksums);
  // An online backup into `dir`, an absolute directory on the server's host.
  Result<projections::Json> Backup(const std::string& dir);
  // Scores every contact with the current lead-scoring model now (`rapport score recompute`).
  Result<projections::Json> RecomputeScores();

  // ---- Change feed ----
  // Starts a subscription; returns its id once the server confirmed it.
  Result<uint64_t> Subscribe(const SubscribeSpec& spec);
  // Events of subscription `id` received so far, waiting up to `timeout` for at least one
  // (an empty vector when none came). Errors: the server ended the feed (e.g. it fell
  // behind: the message says from which position to resubscribe) or the connection failed.
  Result<std::vector<events::Event>> NextEvents(uint64_t id, std::chrono::milliseconds timeout);
  Status Unsubscribe(uint64_t id);

  // Sends raw bytes as one frame (tests of the server's handling of bad input).
  Status SendRawFrame(std::string_view message);
  // The last connection-level error the server sent (request id 0), or ok.
  const Status& broken() const { return broken_; }

 private:
  explicit Client(ClientOptions options);
  Status Pump(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& done);
  Result<projections::Json> Admin(const RequestWriter& write, std::chrono::milliseconds timeout);
  // The JSON text of a QueryResult or AdminResult, parsed.
  static Result<projections::Json> ParseJson(const flatbuffers::String* json, const char* what);
  void StartRead();
  void OnFrame(std::string message);
  Status WriteFrame(std::string message);
  void StartWrite();
  Result<DecodedResponse> Call(const RequestWriter& write);

  ClientOptions options_;
  std::string address_;
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  FrameParser parser_;
  std::array<char, 64 << 10> read_buffer_;
  bool reading_ = false;
  std::string out_;          // framed requests not yet handed to the socket
  bool write_busy_ = false;  // an async_write is outstanding
  Status broken_;
  uint64_t next_id_ = 1;
  HelloInfo hello_;
  std::map<uint64_t, DecodedResponse> ready_;
  std::set<uint64_t> subscriptions_;  // sent (confirmed or not)
  std::set<uint64_t> confirmed_;      // the server answered Subscribed
  std::map<uint64_t, std::deque<DecodedResponse>> feeds_;
};

}  // namespace rapport::server
