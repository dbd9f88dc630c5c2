#include "server/server.h"

#include <pthread.h>

#include "server/connection.h"
#include "server/log_line.h"

namespace rapport::server {

Server::Server(events::EventLog* log, domain::CommandService* service, projections::ProjectionEngine* engine,
               ServerOptions options, Clock* clock)
    : log_(log),
      options_(std::move(options)),
      handler_(log, service, engine, clock ? clock : SystemClock(), &counters_, options_.handler),
      acceptor_(io_),
      workers_(std::max<size_t>(1, options_.worker_threads)) {}

Server::~Server() { Shutdown(); }

Status Server::Start() {
  asio::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return Status::InvalidArgument("--listen: '" + options_.host + "' is not an IP address");
  asio::ip::tcp::endpoint ep(address, options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                               ec.message() + " (is another rapportd running? pick another --listen port)");
  }
  port_ = acceptor_.local_endpoint().port();
  work_.emplace(io_.get_executor());
  DoAccept();
  for (size_t i = 0; i < std::max<size_t>(1, options_.io_threads); ++i) {
    io_threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "rapportd-io");
      io_.run();
    });
  }
  notifier_ = std::thread([this] { NotifyLoop(); });
  started_ = true;
  return Status::Ok();
}

void Server::DoAccept() {
  acceptor_.async_accept(asio::make_strand(io_), asio::bind_executor(accept_strand_, [this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec) {
      asio::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      if (options_.socket_send_buffer_bytes > 0) {
        socket.set_option(asio::socket_base::send_buffer_size(options_.socket_send_buffer_bytes), ignored);
      }
      auto c = std::make_shared<Connection>(std::move(socket), &manager_, &handler_, &workers_, &options_, log_,
                                            &counters_);
      bool full = manager_.size() >= options_.max_connections;
      manager_.Add(c);
      if (full) {
        LogLine(LogLevel::kWarn, "connection refused: too many connections",
                {{"peer", c->peer()}, {"limit", std::to_string(options_.max_connections)}});
        c->Refuse(Status::Unavailable("the server has " + std::to_string(options_.max_connections) +
                                      " connections open (its limit): retry later"));
      } else {
        c->Start();
      }
    } else if (ec != asio::error::operation_aborted) {
      LogLine(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
    }
    DoAccept();
  }));
}

void Server::NotifyLoop() {
  uint64_t seen = log_->LastPosition();
  while (!stopping_.load()) {
    uint64_t now = log_->WaitForEvents(seen, std::chrono::milliseconds(200));
    if (now > seen) {
      seen = now;
      manager_.ForEach([](const std::shared_ptr<Connection>& c) { c->OnLogAdvanced(); });
    }
  }
}

void Server::Shutdown() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  LogLine(LogLevel::kInfo, "shutting down", {{"connections", std::to_string(manager_.size())}});
  // Stop accepting.
  asio::post(accept_strand_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
  });
  // Finish what is in flight; connections close themselves once answered and flushed.
  manager_.DrainAll();
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (manager_.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (manager_.size() > 0) {
    LogLine(LogLevel::kWarn, "closing connections that did not finish in time",
            {{"connections", std::to_string(manager_.size())}});
  }
  manager_.StopAll();
  // Commands whose appends are still in the log's group commit: their callbacks use the
  // handler and may hand work to the workers, so both stay until the last one ran. The log
  // answers every append it queued (durable or failed), so this ends. Commands arriving
  // from now on are refused.
  handler_.StopAsync();
  while (handler_.async_commands() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  workers_.join();  // requests still running finish (their responses are dropped)
  stopping_.store(true);
  if (notifier_.joinable()) notifier_.join();
  work_.reset();
  // Let the connections' last handlers run, then stop.
  auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (manager_.size() > 0 && std::chrono::steady_clock::now() < stop_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  io_.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
}

}  // namespace rapport::server
