#include "server/connection.h"

#include "server/connection_manager.h"
#include "server/log_line.h"

namespace rapport::server {

namespace {
constexpr size_t kFeedBatchEvents = 256;
constexpr size_t kFeedBatchBytes = 256 << 10;
constexpr size_t kFeedBatchScan = 4096;
// The write buffers of a connection keep at most this much capacity between writes (an idle
// connection holds at most two such buffers).
constexpr size_t kKeptBufferBytes = 64 << 10;
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, ConnectionManager* manager, RequestHandler* handler,
                       asio::thread_pool* workers, const ServerOptions* options, const events::EventLog* log,
                       ServerCounters* counters)
    : socket_(std::move(socket)),
      strand_(asio::make_strand(socket_.get_executor())),
      manager_(manager),
      handler_(handler),
      workers_(workers),
      options_(options),
      log_(log),
      counters_(counters),
      parser_(options->max_frame_bytes),
      hello_timer_(strand_),
      idle_timer_(strand_),
      last_activity_(std::chrono::steady_clock::now()) {
  asio::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  peer_ = ec ? std::string("unknown") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

void Connection::Start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->counters_->connections.fetch_add(1);
    LogLine(LogLevel::kDebug, "connection opened", {{"peer", self->peer_}});
    self->hello_timer_.expires_after(self->options_->hello_timeout);
    self->hello_timer_.async_wait([self](const asio::error_code& ec) {
      if (ec || self->closed_ || self->session_.authenticated) return;
      self->CloseAfterFlush(Status::Unavailable("no hello within " +
                                                std::to_string(self->options_->hello_timeout.count() / 1000) +
                                                " s: send hello with an API token first"));
    });
    self->ArmIdleTimer();
    self->DoRead();
  });
}

void Connection::Stop() {
  asio::post(strand_, [self = shared_from_this()] { self->Close(); });
}

void Connection::Drain() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->closed_) return;
    self->draining_ = true;
    self->stop_reading_ = true;
    for (const auto& d : self->pending_) {
      self->Send(StatusResponse(d.request_id(), Status::Unavailable("the server is shutting down; retry after it restarts")));
    }
    self->DropPending();
    for (const auto& [id, sub] : self->subscriptions_) {
      self->Send(StatusResponse(id, Status::Unavailable("the server is shutting down; resubscribe from position " +
                                                        std::to_string(sub.cursor) + " after it restarts")));
    }
    self->counters_->subscriptions.fetch_sub(static_cast<uint32_t>(self->subscriptions_.size()));
    self->subscriptions_.clear();
    self->MaybeFinishDrain();
  });
}

void Connection::OnLogAdvanced() {
  asio::post(strand_, [self = shared_from_this()] { self->PumpFeeds(); });
}

void Connection::Refuse(const Status& status) {
  asio::post(strand_, [self = shared_from_this(), status] {
    self->counters_->connections.fetch_add(1);  // Close() counts it out again
    self->CloseAfterFlush(status);
  });
}

void Connection::DoRead() {
  if (reading_ || stop_reading_ || closed_) return;
  // Both resume when requests finish.
  if (pending_.size() >= options_->max_in_flight) return;
  if (pending_bytes_ + in_flight_bytes_ >= options_->max_request_bytes) return;
  // A client that sends and does not read its answers is not read either, so answers do not
  // pile up without bound (the write completion resumes reading).
  if (outbound_bytes_ >= options_->max_outbound_bytes) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(read_buffer_),
                          asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec,
                                                                                   size_t n) { self->OnRead(ec, n); }));
}

void Connection::OnRead(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    // The client closed (or half-closed) its side: answer what it sent, then close.
    if (ec != asio::error::eof) {
      LogLine(LogLevel::kDebug, "connection read failed", {{"peer", peer_}, {"error", ec.message()}});
    }
    peer_closed_ = true;
    stop_reading_ = true;
    counters_->subscriptions.fetch_sub(static_cast<uint32_t>(subscriptions_.size()));
    subscriptions_.clear();
    MaybeFinishDrain();
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  if (stop_reading_) return;
  // The answers given on the strand to what this read brought go out in one write: a
  // pipelining client is woken once per read, not once per answer.
  const bool deferred = defer_write_;
  defer_write_ = true;
  TakeFrames(read_buffer_.data(), n);
  DispatchPending();
  defer_write_ = deferred;
  DoWrite();
  if (closed_) return;
  DoRead();
}

void Connection::TakeFrames(const char* data, size_t size) {
  while (!stop_reading_) {
    switch (parser_.Feed(&data, &size)) {
      case FrameParser::State::kNeedMore:
        return;
      case FrameParser::State::kError:
        counters_->errors.fetch_add(1, std::memory_order_relaxed);
        CloseAfterFlush(Status::InvalidArgument(parser_.error()));
        return;
      case FrameParser::State::kFrame: {
        auto d = DecodeRequest(parser_.TakeFrame());
        if (!d.ok()) {
          counters_->errors.fetch_add(1, std::memory_order_relaxed);
          CloseAfterFlush(d.status());
          return;
        }
        pending_bytes_ += d->bytes.size();
        pending_.push_back(std::move(*d));
        break;
      }
    }
  }
}

namespace {
// Requests answered on the connection's strand, without a trip through the worker pool
// (which costs two thread hand-offs, more than the work itself): those that only read
// counters, and small reads of the store (a record's stream, a page of ids: a RocksDB
// iterator and a few point reads, normally from memory). Queries (they may run for
// milliseconds) always go to the pool. Commands are decided on the strand too, but their
// answer comes later, once the log's group commit made them durable (DispatchPending).
constexpr uint32_t kMaxInlineRead = 128;
bool Cheap(const DecodedRequest& d) {
  switch (d.request->body_type()) {
    case proto::RequestBody::Ping:
    case proto::RequestBody::Stats:
    case proto::RequestBody::Unsubscribe:
      return true;
    case proto::RequestBody::ReadStream:
      return d.request->body_as_ReadStream()->max() <= kMaxInlineRead;
    case proto::RequestBody::ListStreams:
      return d.request->body_as_ListStreams()->max() <= kMaxInlineRead;
    default:
      return false;
  }
}
}  // namespace

DecodedRequest Connection::PopPending() {
  DecodedRequest d = std::move(pending_.front());
  pending_.pop_front();
  pending_bytes_ -= d.bytes.size();
  return d;
}

void Connection::DropPending() {
  pending_.clear();
  pending_bytes_ = 0;
}

void Connection::DispatchPending() {
  // Until hello succeeds, requests run one at a time, so a pipelined hello is in force before
  // the requests behind it start.
  // Requests start only while the answers queued for the client stay under their bound: a
  // client that does not read is not served either (the write completion resumes this).
  while (!closed_ && !close_after_flush_ && !pending_.empty() && in_flight_ < options_->max_in_flight &&
         outbound_bytes_ < options_->max_outbound_bytes && (session_.authenticated || in_flight_ == 0)) {
    if (session_.authenticated) {
      // A token revoked or expired, or a user deactivated, ends the session at its next
      // request (and a changed role applies from then on).
      if (Status still = handler_->Recheck(&session_); !still.ok()) {
        CloseAfterFlush(still);  // an error frame with request id 0, then close
        return;
      }
      if (Cheap(pending_.front())) {
        DecodedRequest d = PopPending();
        Deliver(handler_->Handle(&session_, d));
        continue;
      }
    }
    if (session_.authenticated && pending_.front().request->body_type() == proto::RequestBody::Execute) {
      // A command is decided here and its append joins the log's group commit; no thread
      // waits for the disk. The answer comes back to the strand when the append is durable.
      DecodedRequest d = PopPending();
      const size_t bytes = d.bytes.size();
      ++in_flight_;
      in_flight_bytes_ += bytes;
      asio::thread_pool* workers = workers_;
      handler_->HandleAsync(
          &session_, d, [workers](std::function<void()> task) { asio::post(*workers, std::move(task)); },
          [self = shared_from_this(), bytes](Outcome o) { self->Finished({std::move(o), bytes}); });
      continue;
    }
    auto d = std::make_shared<DecodedRequest>(PopPending());
    const size_t bytes = d->bytes.size();
    ++in_flight_;
    in_flight_bytes_ += bytes;
    // The worker gets a copy of the session: session_ belongs to the strand. A hello's
    // outcome (the authenticated session) is taken back on the strand.
    const bool hello = d->request->body_type() == proto::RequestBody::Hello;
    asio::post(*workers_, [self = shared_from_this(), d, bytes, hello, session = session_]() mutable {
      Outcome o = self->handler_->Handle(&session, *d);
      d.reset();  // the request's bytes go before the answer is counted out of in_flight_bytes_
      asio::post(self->strand_, [self, bytes, hello, o = std::move(o), session = std::move(session)]() mutable {
        if (hello && !self->session_.authenticated && session.authenticated) self->session_ = std::move(session);
        self->Complete({std::move(o), bytes});
      });
    });
  }
}

void Connection::Finished(Answer a) {
  bool first;
  {
    std::lock_guard<std::mutex> l(finished_mu_);
    first = finished_.empty();
    finished_.push_back(std::move(a));
  }
  if (!first) return;  // a hand-off to the strand is already on its way and takes this too
  asio::post(strand_, [self = shared_from_this()] {
    std::vector<Answer> batch;
    {
      std::lock_guard<std::mutex> l(self->finished_mu_);
      batch.swap(self->finished_);
    }
    self->Complete(std::move(batch));
  });
}

void Connection::Complete(Answer a) {
  std::vector<Answer> one;
  one.push_back(std::move(a));
  Complete(std::move(one));
}

void Connection::Complete(std::vector<Answer> answers) {
  // The answers go out in one gathered write: DoWrite waits until all are queued.
  defer_write_ = true;
  for (auto& a : answers) {
    --in_flight_;
    in_flight_bytes_ -= a.request_bytes;
    if (closed_) continue;
    if (session_.authenticated) hello_timer_.cancel();
    Deliver(std::move(a.outcome));
  }
  defer_write_ = false;
  if (closed_) return;
  DoWrite();
  if (closed_) return;
  if (close_after_flush_) {  // the last answer may have been the one it waited for
    if (!writing_ && outbound_.empty() && in_flight_ == 0) Close();
    return;
  }
  PumpFeeds();
  DispatchPending();
  DoRead();
  MaybeFinishDrain();
}

void Connection::Deliver(Outcome o) {
  if (!close_after_flush_) Send(std::move(o.response));
  if (o.subscribe && !draining_ && !close_after_flush_ && !peer_closed_) {
    Subscription sub;
    sub.filter = std::move(*o.subscribe);
    sub.cursor = o.subscribe_from;
    if (subscriptions_.emplace(o.subscription_id, std::move(sub)).second) counters_->subscriptions.fetch_add(1);
  }
  if (o.unsubscribe != 0 && subscriptions_.erase(o.unsubscribe) > 0) counters_->subscriptions.fetch_sub(1);
  if (o.close) CloseAfterFlush(Status::Ok());
}

void Connection::Send(std::string message) {
  // Framed straight into the queued bytes: answers queued together leave in one write (a
  // list of separate buffers would go out at most 16 to a sendmsg, each waking the client).
  AppendFrame(message, &outbound_);
  outbound_bytes_ += kFrameHeaderBytes + message.size();
  DoWrite();
}

void Connection::DoWrite() {
  if (defer_write_ || writing_ || outbound_.empty() || closed_) return;
  writing_ = true;
  sending_.swap(outbound_);  // sending_ was empty: outbound_ starts again with its capacity
  // Each part of the write that the client takes counts as activity (a large write to a
  // client reading slowly may take longer than the idle timeout; one not reading at all
  // still times out).
  auto progress = [this](const asio::error_code& ec, size_t n) {
    if (n > 0) last_activity_ = std::chrono::steady_clock::now();
    return asio::transfer_all()(ec, n);
  };
  asio::async_write(socket_, asio::buffer(sending_), progress,
                    asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec, size_t) {
                      self->writing_ = false;
                      if (self->closed_) return;
                      if (ec) {
                        LogLine(LogLevel::kDebug, "connection write failed",
                                {{"peer", self->peer_}, {"error", ec.message()}});
                        self->Close();
                        return;
                      }
                      self->outbound_bytes_ -= self->sending_.size();
                      self->sending_.clear();
                      // A large answer or feed batch does not keep its buffer for the
                      // connection's lifetime.
                      if (self->sending_.capacity() > kKeptBufferBytes) std::string().swap(self->sending_);
                      if (self->close_after_flush_ && self->outbound_.empty() && self->in_flight_ == 0) {
                        self->Close();
                        return;
                      }
                      // Room again: feeds, the requests waiting and reading resume; what they
                      // produce now goes out in one write.
                      const bool deferred = self->defer_write_;
                      self->defer_write_ = true;
                      self->PumpFeeds();
                      self->DispatchPending();
                      self->defer_write_ = deferred;
                      self->DoWrite();
                      self->MaybeFinishDrain();
                      self->DoRead();
                    }));
}

void Connection::PumpFeeds() {
  if (closed_ || close_after_flush_ || draining_ || subscriptions_.empty()) return;
  const uint64_t last = log_->LastPosition();
  for (auto& [id, sub] : subscriptions_) {
    while (outbound_bytes_ < options_->max_outbound_bytes && sub.cursor <= last) {
      FeedBatch b;
      Status s = ReadFeedBatch(*log_, sub.filter, sub.cursor, kFeedBatchEvents, kFeedBatchBytes, kFeedBatchScan, &b);
      if (!s.ok()) {
        LogLine(LogLevel::kError, "feed read failed", {{"peer", peer_}, {"error", s.ToString()}});
        CloseAfterFlush(s);
        return;
      }
      if (b.next_position <= sub.cursor) break;  // nothing readable yet
      sub.cursor = b.next_position;
      if (!b.events.empty()) Send(EventBatchResponse(id, b.events, b.next_position, last));
    }
    if (sub.cursor > last) {
      sub.caught_up = true;
    } else if (sub.caught_up && last - sub.cursor + 1 > options_->max_subscriber_lag) {
      LogLine(LogLevel::kWarn, "subscriber fell behind",
              {{"peer", peer_}, {"lag", std::to_string(last - sub.cursor + 1)}});
      CloseAfterFlush(Status::Unavailable(
          "subscription " + std::to_string(id) + " fell " + std::to_string(last - sub.cursor + 1) +
          " events behind the log (limit " + std::to_string(options_->max_subscriber_lag) +
          "): read faster, or reconnect and subscribe from position " + std::to_string(sub.cursor)));
      return;
    }
  }
}

void Connection::CloseAfterFlush(const Status& why) {
  if (closed_ || close_after_flush_) return;
  if (!why.ok()) {
    LogLine(LogLevel::kInfo, "closing connection", {{"peer", peer_}, {"reason", why.ToString()}});
    Send(StatusResponse(0, why));
  }
  close_after_flush_ = true;
  stop_reading_ = true;
  DropPending();
  if (!writing_ && outbound_.empty() && in_flight_ == 0) Close();
}

void Connection::MaybeFinishDrain() {
  if ((draining_ || peer_closed_) && !closed_ && in_flight_ == 0 && pending_.empty() && !writing_ &&
      outbound_.empty()) {
    Close();
  }
}

void Connection::ArmIdleTimer() {
  idle_timer_.expires_at(last_activity_ + options_->idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || self->closed_) return;
    if (self->close_after_flush_) {  // the peer is not reading what we still have to send
      self->Close();
      return;
    }
    auto now = std::chrono::steady_clock::now();
    bool busy = self->in_flight_ > 0 || !self->subscriptions_.empty();
    if (!busy && now - self->last_activity_ >= self->options_->idle_timeout) {
      self->CloseAfterFlush(Status::Unavailable(
          "idle for " + std::to_string(self->options_->idle_timeout.count() / 1000) + " s: connection closed"));
      if (!self->closed_) {
        self->last_activity_ = now;
        self->ArmIdleTimer();  // forces the close if the flush never completes
      }
      return;
    }
    if (busy) self->last_activity_ = now;
    self->ArmIdleTimer();
  });
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  hello_timer_.cancel();
  idle_timer_.cancel();
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  counters_->subscriptions.fetch_sub(static_cast<uint32_t>(subscriptions_.size()));
  subscriptions_.clear();
  counters_->connections.fetch_sub(1);
  std::string().swap(outbound_);
  outbound_bytes_ = 0;
  LogLine(LogLevel::kDebug, "connection closed", {{"peer", peer_}});
  manager_->Remove(shared_from_this());
}

}  // namespace rapport::server
