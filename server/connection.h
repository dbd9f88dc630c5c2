// Connection: one client's TCP connection. Reads frames, hands each verified request to the
// RequestHandler on the worker pool, writes the responses back (in completion order), and
// runs the connection's change feed subscriptions. All its state lives on one strand.
//
// Limits it enforces (ServerOptions): frame size; requests in flight, the bytes of requests
// not yet answered and the bytes of answers not yet written (reading pauses at each bound;
// the last also pauses the feeds); hello and idle timeouts; a feed's live lag. A bad frame
// gets an error frame with request id 0 and closes this connection only.
#pragma once

#include <asio.hpp>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/frame.h"
#include "server/request_handler.h"
#include "server/server_options.h"

namespace rapport::server {

class ConnectionManager;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, ConnectionManager* manager, RequestHandler* handler,
             asio::thread_pool* workers, const ServerOptions* options, const events::EventLog* log,
             ServerCounters* counters);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading (and the hello timer).
  void Start();
  // Closes the socket now (unsent responses are dropped).
  void Stop();
  // Graceful: reads no more requests; closes once in-flight requests are answered and sent.
  void Drain();
  // The log has grown: feed subscribers.
  void OnLogAdvanced();
  // Refuses the connection with an error frame, then closes.
  void Refuse(const Status& status);

  const std::string& peer() const { return peer_; }

 private:
  struct Subscription {
    FeedFilter filter;
    uint64_t cursor = 1;      // next position to send
    bool caught_up = false;   // reached the log's end once
  };

  void DoRead();
  void OnRead(const asio::error_code& ec, size_t n);
  void TakeFrames(const char* data, size_t size);
  void DispatchPending();
  // Takes the oldest decoded request off pending_.
  DecodedRequest PopPending();
  void DropPending();
  // The answer to a request of `request_bytes` that was in flight.
  struct Answer {
    Outcome outcome;
    size_t request_bytes = 0;
  };
  void Complete(Answer a);
  void Complete(std::vector<Answer> answers);
  // Takes the answer of a command that finished off the strand (on the log's completion
  // thread): the answers one group commit produced reach the strand in one hand-off.
  // Any thread.
  void Finished(Answer a);
  // Sends the answer and applies what it asks (a feed to start or stop, a close).
  void Deliver(Outcome o);
  void Send(std::string message);
  void DoWrite();
  void PumpFeeds();
  void CloseAfterFlush(const Status& why);
  void MaybeFinishDrain();
  void ArmIdleTimer();
  void Close();

  asio::ip::tcp::socket socket_;
  asio::strand<asio::any_io_executor> strand_;
  ConnectionManager* manager_;
  RequestHandler* handler_;
  asio::thread_pool* workers_;
  const ServerOptions* options_;
  const events::EventLog* log_;
  ServerCounters* counters_;
  std::string peer_;

  FrameParser parser_;
  std::array<char, 64 << 10> read_buffer_;
  bool reading_ = false;        // an async_read is outstanding
  bool stop_reading_ = false;   // draining or closing after an error
  bool closed_ = false;
  bool draining_ = false;       // shutdown: finish what is in flight, then close
  bool close_after_flush_ = false;
  bool peer_closed_ = false;    // the client sent EOF: answer what it sent, then close
  std::deque<DecodedRequest> pending_;  // decoded, waiting for an in-flight slot
  size_t pending_bytes_ = 0;            // their frames' bytes
  size_t in_flight_ = 0;
  size_t in_flight_bytes_ = 0;          // the frames' bytes of the requests in flight
  SessionState session_;        // written only by hello, while nothing else is in flight

  std::string outbound_;              // framed messages queued, not yet being written
  std::string sending_;               // framed messages of the write in progress
  size_t outbound_bytes_ = 0;         // both together
  bool writing_ = false;
  bool defer_write_ = false;          // OnRead or Complete is queueing several answers

  std::mutex finished_mu_;
  std::vector<Answer> finished_;      // GUARDED_BY(finished_mu_): see Finished

  std::map<uint64_t, Subscription> subscriptions_;
  asio::steady_timer hello_timer_;
  asio::steady_timer idle_timer_;
  // The last frame received or part of a write taken by the client: a client reading its
  // answers slowly (its requests waiting for the outbound bound) is not idle.
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace rapport::server
