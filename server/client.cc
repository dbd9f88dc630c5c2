#include "server/client.h"

#include <algorithm>

namespace rapport::server {
namespace {

using Clock = std::chrono::steady_clock;

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

flatbuffers::Offset<proto::View> BuildView(flatbuffers::FlatBufferBuilder& fbb, const projections::AsOf& a) {
  using M = projections::AsOf::Mode;
  proto::ViewMode mode = a.mode == M::kRecorded    ? proto::ViewMode::Recorded
                         : a.mode == M::kEffective ? proto::ViewMode::Effective
                                                   : proto::ViewMode::Now;
  return proto::CreateView(fbb, mode, a.mode == M::kNow ? 0 : a.instant);
}

Result<std::vector<events::Event>> Events(const DecodedResponse& d, uint64_t* next) {
  RAPPORT_RETURN_IF_ERROR(d.status());
  const auto* b = d.response->body_as_EventBatch();
  if (b == nullptr) return Status::Corruption("the server answered with something other than events");
  std::vector<events::Event> out;
  if (b->events()) {
    out.reserve(b->events()->size());
    for (const auto* e : *b->events()) {
      if (e->data() == nullptr) return Status::Corruption("the server sent an empty event");
      auto ev = events::Event::FromBytes(std::string(reinterpret_cast<const char*>(e->data()->data()), e->data()->size()));
      if (!ev.ok()) return ev.status().WithContext("an event the server sent");
      out.push_back(std::move(*ev));
    }
  }
  if (next) *next = b->next_position();
  return out;
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)), socket_(io_), parser_(options_.max_frame_bytes) {}

Client::~Client() {
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

Result<std::unique_ptr<Client>> Client::Connect(const std::string& address, const std::string& token,
                                                ClientOptions options) {
  std::unique_ptr<Client> c(new Client(std::move(options)));
  c->address_ = address;
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return Status::InvalidArgument("--connect: '" + address + "' is not HOST:PORT (e.g. 127.0.0.1:7420)");
  }
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  asio::error_code ec;
  asio::ip::tcp::resolver resolver(c->io_);
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return Status::Unavailable("cannot resolve " + address + ": " + ec.message());
  bool done = false;
  asio::error_code connect_ec;
  asio::async_connect(c->socket_, endpoints, [&](const asio::error_code& e, const asio::ip::tcp::endpoint&) {
    connect_ec = e;
    done = true;
  });
  auto deadline = Clock::now() + c->options_.connect_timeout;
  while (!done) {
    if (c->io_.run_one_until(deadline) == 0 && Clock::now() >= deadline) {
      c->socket_.close(ec);
      return Status::Unavailable("cannot reach rapportd at " + address + ": no answer within " +
                                 std::to_string(c->options_.connect_timeout.count()) + " ms");
    }
  }
  if (connect_ec) {
    return Status::Unavailable("cannot reach rapportd at " + address + ": " + connect_ec.message() +
                               " (is it running? start it with `rapportd --data DIR --listen " + address + "`)");
  }
  c->socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  std::string client_name = c->options_.client_name;
  auto r = c->Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateHelloDirect(fbb, kProtocolVersion, token.c_str(), client_name.c_str()));
  });
  if (!r.ok()) return r.status();
  RAPPORT_RETURN_IF_ERROR(r->status());
  const auto* h = r->response->body_as_HelloReply();
  if (h == nullptr) return Status::Corruption("the server did not answer hello with a HelloReply");
  c->hello_ = {Str(h->server()), Str(h->workspace_id()), Str(h->user_id()), Str(h->role()), h->last_position()};
  return c;
}

void Client::StartRead() {
  if (reading_ || !broken_.ok()) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(read_buffer_), [this](const asio::error_code& ec, size_t n) {
    reading_ = false;
    if (ec) {
      if (broken_.ok()) {
        broken_ = Status::Unavailable("the connection to rapportd at " + address_ + " was lost: " +
                                      (ec == asio::error::eof ? std::string("the server closed it") : ec.message()));
      }
      return;
    }
    const char* data = read_buffer_.data();
    size_t size = n;
    while (broken_.ok()) {
      auto st = parser_.Feed(&data, &size);
      if (st == FrameParser::State::kNeedMore) break;
      if (st == FrameParser::State::kError) {
        broken_ = Status::Corruption("rapportd at " + address_ + " sent a bad frame: " + parser_.error());
        return;
      }
      OnFrame(parser_.TakeFrame());
    }
    StartRead();
  });
}

void Client::OnFrame(std::string message) {
  auto d = DecodeResponse(std::move(message));
  if (!d.ok()) {
    broken_ = d.status();
    return;
  }
  uint64_t id = d->request_id();
  if (id == 0) {  // about the connection: it is closing
    Status s = d->status();
    broken_ = s.ok() ? Status::Unavailable("rapportd closed the connection") : s;
    return;
  }
  // A feed's events and its end (an error with its id) go to the feed once it is confirmed;
  // the confirmation (or refusal) itself answers the Subscribe call.
  if (confirmed_.count(id)) {
    feeds_[id].push_back(std::move(*d));
    return;
  }
  if (subscriptions_.count(id) && d->code() == StatusCode::kOk &&
      d->response->body_type() == proto::ResponseBody::Subscribed) {
    confirmed_.insert(id);
  }
  ready_.emplace(id, std::move(*d));
}

Status Client::Pump(Clock::time_point deadline, const std::function<bool()>& done) {
  // What the caller waits for is here: queued requests stay queued, to go out together when
  // a wait must block (a pipelining caller then sends a batch per round trip, not a frame
  // per answer it takes).
  if (done()) return Status::Ok();
  StartRead();
  StartWrite();
  while (!done()) {
    if (!broken_.ok()) return broken_;
    if (io_.stopped()) io_.restart();
    if (io_.run_one_until(deadline) == 0 && Clock::now() >= deadline) {
      return Status::Unavailable("rapportd at " + address_ + " did not answer in time (the client waits " +
                                 std::to_string(options_.request_timeout.count()) + " ms for a request, " +
                                 "longer for verify and backup)");
    }
  }
  return Status::Ok();
}

void Client::StartWrite() {
  if (write_busy_ || out_.empty() || !broken_.ok()) return;
  auto buffer = std::make_shared<std::string>(std::move(out_));
  out_.clear();
  write_busy_ = true;
  asio::async_write(socket_, asio::buffer(*buffer), [this, buffer](const asio::error_code& ec, size_t) {
    write_busy_ = false;
    if (ec) {
      if (broken_.ok()) broken_ = Status::Unavailable("writing to rapportd at " + address_ + " failed: " + ec.message());
      return;
    }
    StartWrite();
  });
}

Status Client::Flush() {
  // Keep reading while writing, so a server answering a long pipeline never blocks on us.
  return Pump(Clock::now() + options_.request_timeout, [&] { return out_.empty() && !write_busy_; });
}

Status Client::WriteFrame(std::string message) {
  if (!broken_.ok()) return broken_;
  AppendFrame(message, &out_);
  if (out_.size() >= (256 << 10)) return Flush();
  return Status::Ok();
}

Status Client::SendRawFrame(std::string_view message) {
  RAPPORT_RETURN_IF_ERROR(WriteFrame(std::string(message)));
  return Flush();
}

Result<uint64_t> Client::Send(const RequestWriter& write) {
  uint64_t id = next_id_++;
  flatbuffers::FlatBufferBuilder fbb(256);
  RAPPORT_RETURN_IF_ERROR(WriteFrame(write(fbb, id)));
  return id;
}

Result<DecodedResponse> Client::Wait(uint64_t id) { return Wait(id, options_.request_timeout); }

Result<DecodedResponse> Client::Wait(uint64_t id, std::chrono::milliseconds timeout) {
  Status s = Pump(Clock::now() + timeout, [&] { return ready_.count(id) > 0; });
  if (!s.ok()) {
    auto it = ready_.find(id);  // a final answer may have come with the connection's end
    if (it == ready_.end()) return s;
  }
  auto it = ready_.find(id);
  DecodedResponse d = std::move(it->second);
  ready_.erase(it);
  return d;
}

Result<DecodedResponse> Client::Call(const RequestWriter& write) {
  auto id = Send(write);
  if (!id.ok()) return id.status();
  return Wait(*id);
}

Result<uint64_t> Client::SendExecute(const fb::CommandT& command) {
  return Send([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    auto c = fb::Command::Pack(fbb, &command);
    return FinishRequest(fbb, id, proto::CreateExecute(fbb, c));
  });
}

Result<fb::CommandResultT> Client::Execute(const fb::CommandT& command) {
  auto id = SendExecute(command);
  if (!id.ok()) return id.status();
  auto d = Wait(*id);
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* r = d->response->body_as_CommandReply();
  if (r == nullptr || r->result() == nullptr) return Status::Corruption("the server answered a command without a result");
  fb::CommandResultT out;
  r->result()->UnPackTo(&out);
  return out;
}

Result<uint64_t> Client::SendQuery(const projections::Query& q) {
  return Send([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    auto view = BuildView(fbb, q.view);
    auto from = BuildView(fbb, q.from);
    auto s = [&](const std::string& v) { return v.empty() ? 0 : fbb.CreateString(v); };
    auto kind = s(q.kind), pipeline = s(q.pipeline_id), owner = s(q.owner_id), team = s(q.team_id),
         user = s(q.user_id), record = s(q.record), record_type = s(q.record_type), text = s(q.text),
         report = s(q.report), period = s(q.period), group = s(q.group), min_amount = s(q.min_amount),
         from_date = s(q.from_date), to_date = s(q.to_date), cursor = s(q.cursor);
    auto body = proto::CreateQuery(fbb, kind, view, from, pipeline, owner, team, user, record, record_type, text,
                                   report, period, group, q.days, min_amount, from_date, to_date,
                                   static_cast<uint32_t>(std::min<size_t>(q.limit, UINT32_MAX)), cursor);
    return FinishRequest(fbb, id, body);
  });
}

Result<projections::Json> Client::Query(const projections::Query& q) {
  auto id = SendQuery(q);
  if (!id.ok()) return id.status();
  auto d = Wait(*id);
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* r = d->response->body_as_QueryResult();
  return ParseJson(r == nullptr ? nullptr : r->json(), "query");
}

Result<projections::Json> Client::ParseJson(const flatbuffers::String* json, const char* what) {
  if (json == nullptr) return Status::Corruption(std::string("the server answered a ") + what + " without a result");
  auto j = projections::Json::parse(json->string_view(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption(std::string("the server's ") + what + " result is not JSON");
  return j;
}

Result<std::vector<events::Event>> Client::ReadStream(std::string_view type, std::string_view rid,
                                                      uint64_t from_version, uint32_t max, uint64_t* next) {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateReadStreamDirect(fbb, std::string(type).c_str(),
                                                                std::string(rid).c_str(), from_version, max));
  });
  if (!d.ok()) return d.status();
  return Events(*d, next);
}

Result<std::vector<std::string>> Client::ListStreams(std::string_view type, std::string_view after, uint32_t max) {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateListStreamsDirect(fbb, std::string(type).c_str(),
                                                                 std::string(after).c_str(), max));
  });
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* l = d->response->body_as_IdList();
  if (l == nullptr) return Status::Corruption("the server answered ListStreams without ids");
  std::vector<std::string> ids;
  if (l->ids()) {
    for (const auto* s : *l->ids()) ids.push_back(s->str());
  }
  return ids;
}

Result<std::vector<events::Event>> Client::ReadWholeStream(std::string_view type, std::string_view id) {
  constexpr uint32_t kPage = 1000;
  std::vector<events::Event> out;
  uint64_t next = 1;
  for (;;) {
    auto evs = ReadStream(type, id, next, kPage, &next);
    if (!evs.ok()) return evs.status();
    size_t n = evs->size();
    for (auto& e : *evs) out.push_back(std::move(e));
    if (n < kPage) return out;
  }
}

Result<std::vector<std::string>> Client::ListAllStreams(std::string_view type, std::string_view after, size_t max) {
  std::vector<std::string> out;
  std::string from(after);
  while (out.size() < max) {
    uint32_t want = static_cast<uint32_t>(std::min<size_t>(1000, max - out.size()));
    auto ids = ListStreams(type, from, want);
    if (!ids.ok()) return ids.status();
    for (auto& id : *ids) out.push_back(std::move(id));
    if (ids->size() < want) break;
    from = out.back();
  }
  return out;
}

Result<std::vector<events::Event>> Client::ReadLog(uint64_t from, uint32_t max, uint64_t* next) {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateReadLog(fbb, from, max));
  });
  if (!d.ok()) return d.status();
  return Events(*d, next);
}

Result<uint64_t> Client::Ping() {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreatePing(fbb, id));
  });
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* p = d->response->body_as_Pong();
  if (p == nullptr) return Status::Corruption("the server answered ping without a pong");
  return p->last_position();
}

Result<StatsInfo> Client::Stats() {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateStats(fbb));
  });
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* s = d->response->body_as_StatsReply();
  if (s == nullptr) return Status::Corruption("the server answered stats without figures");
  return StatsInfo{s->last_position(), s->projection_position(), s->connections(), s->subscriptions(),
                   s->requests(),      s->commands(),            s->errors(),      s->uptime_seconds()};
}

Result<projections::Json> Client::Admin(const RequestWriter& write, std::chrono::milliseconds timeout) {
  auto id = Send(write);
  if (!id.ok()) return id.status();
  auto d = Wait(*id, timeout);
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(d->status());
  const auto* r = d->response->body_as_AdminResult();
  return ParseJson(r == nullptr ? nullptr : r->json(), "request");
}

Result<projections::Json> Client::LogStats() {
  return Admin([](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateLogStats(fbb));
  }, std::max(options_.request_timeout, std::chrono::milliseconds(600'000)));
}

Result<projections::Json> Client::VerifyLog(bool skip_checksums) {
  return Admin([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateVerifyLog(fbb, skip_checksums));
  }, std::max(options_.request_timeout, std::chrono::milliseconds(3'600'000)));
}

Result<projections::Json> Client::Backup(const std::string& dir) {
  return Admin([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateBackupDirect(fbb, dir.c_str()));
  }, std::max(options_.request_timeout, std::chrono::milliseconds(3'600'000)));
}

Result<projections::Json> Client::RecomputeScores() {
  return Admin([](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateRecomputeScores(fbb));
  }, std::max(options_.request_timeout, std::chrono::milliseconds(3'600'000)));
}

Result<uint64_t> Client::Subscribe(const SubscribeSpec& spec) {
  auto id = Send([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t rid) {
    subscriptions_.insert(rid);
    auto types = fbb.CreateVectorOfStrings(spec.record_types);
    auto ids = fbb.CreateVectorOfStrings(spec.record_ids);
    auto evs = fbb.CreateVectorOfStrings(spec.event_types);
    return FinishRequest(fbb, rid, proto::CreateSubscribe(fbb, spec.from_position, types, ids, evs));
  });
  if (!id.ok()) return id.status();
  auto d = Wait(*id);
  if (!d.ok()) {
    subscriptions_.erase(*id);
    return d.status();
  }
  if (!d->status().ok()) {
    subscriptions_.erase(*id);
    return d->status();
  }
  return *id;
}

Result<std::vector<events::Event>> Client::NextEvents(uint64_t id, std::chrono::milliseconds timeout) {
  std::vector<events::Event> out;
  auto deadline = Clock::now() + timeout;
  Status s = Pump(deadline, [&] { return !feeds_[id].empty(); });
  auto& q = feeds_[id];
  while (!q.empty()) {
    DecodedResponse d = std::move(q.front());
    q.pop_front();
    auto evs = Events(d, nullptr);
    if (!evs.ok()) {
      subscriptions_.erase(id);
      confirmed_.erase(id);
      return evs.status();
    }
    for (auto& e : *evs) out.push_back(std::move(e));
  }
  if (!out.empty()) return out;
  if (!s.ok() && !broken_.ok()) return s;
  return out;  // timed out without events
}

Status Client::Unsubscribe(uint64_t sub) {
  auto d = Call([&](flatbuffers::FlatBufferBuilder& fbb, uint64_t id) {
    return FinishRequest(fbb, id, proto::CreateUnsubscribe(fbb, sub));
  });
  subscriptions_.erase(sub);
  confirmed_.erase(sub);
  feeds_.erase(sub);
  if (!d.ok()) return d.status();
  return d->status();
}

}  // namespace rapport::server
