// Server: rapportd's core. Owns the listening socket, the io_context threads, the worker pool
// that runs requests, the connections, and the thread that tells subscribers the log grew.
// The log, command service and read models are the caller's (they outlive the server).
//
//   Server s(&log, &service, &engine, options);
//   RAPPORT_RETURN_IF_ERROR(s.Start());   // listening once this returns ok
//   ... s.Shutdown();                      // graceful; also on SIGINT/SIGTERM via rapportd
//
// Shutdown: stop accepting, answer what is in flight (requests not yet started get
// `unavailable`), send what is queued (up to shutdown_grace), close the connections, stop
// the threads. The caller then closes the read models and the log.
#pragma once

#include <asio.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "server/connection_manager.h"
#include "server/request_handler.h"
#include "server/server_options.h"

namespace rapport::server {

class Server {
 public:
  Server(events::EventLog* log, domain::CommandService* service, projections::ProjectionEngine* engine,
         ServerOptions options, Clock* clock = nullptr);
  ~Server();

  // Binds, listens and starts the threads. unavailable if the address is in use.
  Status Start();
  // The port listened on (useful with port 0 in tests).
  uint16_t port() const { return port_; }
  // Graceful shutdown (see the header comment). Idempotent; the destructor calls it.
  void Shutdown();

  const ServerCounters& counters() const { return counters_; }
  RequestHandler* handler() { return &handler_; }

 private:
  void DoAccept();
  void NotifyLoop();

  events::EventLog* log_;
  ServerOptions options_;
  ServerCounters counters_;
  RequestHandler handler_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::ip::tcp::acceptor acceptor_;
  // The acceptor is not thread-safe: its accept handler and Shutdown's close run on this
  // strand, never at once on two I/O threads.
  asio::strand<asio::io_context::executor_type> accept_strand_{asio::make_strand(io_)};
  asio::thread_pool workers_;
  ConnectionManager manager_;
  std::vector<std::thread> io_threads_;
  std::thread notifier_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
  uint16_t port_ = 0;
};

}  // namespace rapport::server
