#include "server/request_handler.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>

#include "domain/enums.h"
#include "domain/record_state.h"
#include "domain/token.h"
#include "events/log_reports.h"
#include "projections/automation_queries.h"
#include "projections/query.h"

namespace rapport::server {
namespace {

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

Outcome Reply(std::string response) {
  Outcome o;
  o.response = std::move(response);
  return o;
}

Outcome Error(uint64_t id, const Status& s, bool close = false) {
  Outcome o;
  o.response = StatusResponse(id, s);
  o.close = close;
  return o;
}

// "srv-<time>-<random>-<n>" for commands a client sent without an id.
std::string FreshCommandId(Micros now) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[80];
  std::snprintf(buf, sizeof buf, "srv-%llx-%llx-%llu", static_cast<unsigned long long>(now),
                static_cast<unsigned long long>(rng()), static_cast<unsigned long long>(counter.fetch_add(1)));
  return buf;
}

projections::AsOf ViewOf(const proto::View* v) {
  if (v == nullptr) return projections::AsOf::Now(0);
  switch (v->mode()) {
    case proto::ViewMode::Recorded:
      return projections::AsOf::Recorded(v->instant_us());
    case proto::ViewMode::Effective:
      return projections::AsOf::Effective(v->instant_us());
    default:
      return projections::AsOf::Now(0);
  }
}

bool IsAdmin(const SessionState& s) { return s.actor.role == fb::Role::Admin; }

// Where a Backup request may write: `asked` (absolute, or relative to the root) when it lies
// inside `root`.
Result<std::string> BackupDirectory(const std::string& root, const std::string& asked) {
  if (root.empty()) {
    return Status::FailedPrecondition(
        "this rapportd does not take backups over the protocol: start it with --backup-root DIR, or run "
        "`rapport backup DIR --data ...` on its host with rapportd stopped");
  }
  if (asked.empty()) return Status::InvalidArgument("dir: name the backup directory (under " + root + ")");
  // Symbolic links are resolved as far as the path exists, so a link inside the root does
  // not lead out of it.
  std::error_code ec;
  std::filesystem::path base = std::filesystem::weakly_canonical(root, ec);
  if (ec) return Status::IOError("the backup root " + root + ": " + ec.message());
  std::filesystem::path p = std::filesystem::path(asked).is_absolute() ? std::filesystem::path(asked)
                                                                       : base / asked;
  p = std::filesystem::weakly_canonical(p, ec);
  if (ec) return Status::IOError("dir: " + asked + ": " + ec.message());
  auto rel = p.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") {
    return Status::PermissionDenied("dir: " + asked + " is outside the backup root " + root +
                                    " this rapportd was started with");
  }
  return p.string();
}

}  // namespace

RequestHandler::RequestHandler(events::EventLog* log, domain::CommandService* service,
                               projections::ProjectionEngine* engine, Clock* clock,
                               ServerCounters* counters, HandlerOptions options)
    : log_(log),
      service_(service),
      engine_(engine),
      clock_(clock),
      counters_(counters),
      options_(std::move(options)),
      started_at_(clock->NowMicros()) {}

Outcome RequestHandler::Refuse(const Status& status) { return Error(0, status, /*close=*/true); }

Outcome RequestHandler::Handle(SessionState* s, const DecodedRequest& d) {
  counters_->requests.fetch_add(1, std::memory_order_relaxed);
  const proto::Request& r = *d.request;
  const uint64_t id = r.request_id();
  Outcome o;
  if (r.body_type() == proto::RequestBody::Hello) {
    o = Hello(s, id, *r.body_as_Hello());
  } else if (!s->authenticated) {
    o = Error(id, Status::PermissionDenied("send hello with an API token first (rapport token create); " +
                                           RequestTypeName(r.body_type()) + " refused"),
              /*close=*/true);
  } else if (Status still = Recheck(s); !still.ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    o = Error(id, still, /*close=*/true);
  } else {
    switch (r.body_type()) {
      case proto::RequestBody::Execute: o = Execute(s, id, *r.body_as_Execute()); break;
      case proto::RequestBody::Query: o = Query(s, id, *r.body_as_Query()); break;
      case proto::RequestBody::ReadStream: o = ReadStream(s, id, *r.body_as_ReadStream()); break;
      case proto::RequestBody::ListStreams: o = ListStreams(s, id, *r.body_as_ListStreams()); break;
      case proto::RequestBody::ReadLog: o = ReadLog(s, id, *r.body_as_ReadLog()); break;
      case proto::RequestBody::Subscribe: o = Subscribe(s, id, *r.body_as_Subscribe()); break;
      case proto::RequestBody::Unsubscribe: {
        o = Reply(StatusResponse(id, Status::Ok()));
        o.unsubscribe = r.body_as_Unsubscribe()->subscription_id();
        break;
      }
      case proto::RequestBody::Ping: {
        flatbuffers::FlatBufferBuilder fbb(64);
        o = Reply(FinishResponse(fbb, id, proto::CreatePong(fbb, r.body_as_Ping()->nonce(), log_->LastPosition())));
        break;
      }
      case proto::RequestBody::Stats: o = Stats(id); break;
      case proto::RequestBody::LogStats:
      case proto::RequestBody::VerifyLog:
      case proto::RequestBody::Backup:
      case proto::RequestBody::RecomputeScores: o = Admin(s, id, r); break;
      default:
        o = Error(id, Status::InvalidArgument("request type " + RequestTypeName(r.body_type()) + " is not handled"),
                  true);
    }
  }
  return o;
}

Outcome RequestHandler::Hello(SessionState* s, uint64_t id, const proto::Hello& m) {
  if (m.version() != kProtocolVersion) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id,
                 Status::FailedPrecondition("protocol version " + std::to_string(m.version()) +
                                            " is not supported: this server speaks version " +
                                            std::to_string(kProtocolVersion) + "; upgrade the client"),
                 true);
  }
  if (s->authenticated) return Error(id, Status::FailedPrecondition("hello was already sent on this connection"));
  const Status refused = Status::PermissionDenied(
      "the token is not valid (unknown, revoked or expired): ask an admin for one with `rapport token create`");
  std::string secret = Str(m.token());
  if (secret.empty() || secret.size() > 256) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, refused, true);
  }
  // The generation first: a change after it is noticed by the next Recheck.
  const uint64_t generation = service_->directory_generation();
  domain::Directory dir = service_->directory();
  const domain::RecordState* t = dir.token_by_hash(domain::HashTokenSecret(secret));
  Micros now = clock_->NowMicros();
  if (t == nullptr || t->Text("status") != "active" || (t->Int("expires_at") != 0 && t->Int("expires_at") <= now)) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, refused, true);
  }
  auto actor = service_->ActorFor(t->Text("user_id"));
  if (!actor.ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, Status::PermissionDenied("the token's user " + t->Text("user_id") + " is not active"), true);
  }
  s->authenticated = true;
  s->actor = *actor;
  s->token_id = t->id;
  s->role = domain::RoleName(actor->role);
  s->token_expires_at = t->Int("expires_at");
  s->directory_generation = generation;
  flatbuffers::FlatBufferBuilder fbb(256);
  std::string ws = dir.workspace() ? dir.workspace()->Text("workspace_id") : std::string();
  if (ws.empty() && dir.workspace()) ws = std::string(domain::kWorkspaceId);
  auto body = proto::CreateHelloReplyDirect(fbb, kProtocolVersion, options_.server_name.c_str(), ws.c_str(),
                                            s->actor.id.c_str(), s->role.c_str(), log_->LastPosition());
  return Reply(FinishResponse(fbb, id, body));
}

Status RequestHandler::Recheck(SessionState* s) const {
  if (!s->authenticated) return Status::PermissionDenied("send hello with an API token first");
  auto refuse = [s](std::string why) {
    s->authenticated = false;
    return Status::PermissionDenied(std::move(why) + ": this connection is closed; ask an admin for a token with "
                                                     "`rapport token create`");
  };
  Micros now = clock_->NowMicros();
  if (s->token_expires_at != 0 && now >= s->token_expires_at) {
    return refuse("token " + s->token_id + " expired at " + FormatIso8601(s->token_expires_at));
  }
  const uint64_t generation = service_->directory_generation();
  if (generation == s->directory_generation) return Status::Ok();
  domain::Directory dir = service_->directory();
  const domain::RecordState* t = dir.token(s->token_id);
  if (t == nullptr || t->Text("status") != "active") return refuse("token " + s->token_id + " was revoked");
  const Micros expires = t->Int("expires_at");
  if (expires != 0 && now >= expires) return refuse("token " + s->token_id + " expired at " + FormatIso8601(expires));
  auto actor = service_->ActorFor(t->Text("user_id"));
  if (!actor.ok()) return refuse("the token's user " + t->Text("user_id") + " is no longer active");
  s->actor = *actor;
  s->role = domain::RoleName(actor->role);
  s->token_expires_at = expires;
  s->directory_generation = generation;
  return Status::Ok();
}

std::optional<Outcome> RequestHandler::UnpackCommand(uint64_t id, const proto::Execute& m, fb::CommandT* cmd,
                                                     Micros* now) {
  counters_->commands.fetch_add(1, std::memory_order_relaxed);
  if (m.command() == nullptr || m.command()->body_type() == fb::CommandBody::NONE) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, Status::InvalidArgument("command: missing (Execute needs a Command with a body)"));
  }
  m.command()->UnPackTo(cmd);
  *now = clock_->NowMicros();
  if (cmd->command_id.empty()) cmd->command_id = FreshCommandId(*now);
  return std::nullopt;
}

Outcome RequestHandler::CommandReply(uint64_t id, const Result<fb::CommandResultT>& r, const std::string& command_id) {
  if (!r.ok()) counters_->errors.fetch_add(1, std::memory_order_relaxed);
  fb::CommandResultT error;
  if (!r.ok()) error = domain::ErrorResult(r.status(), command_id);
  flatbuffers::FlatBufferBuilder fbb(512);
  auto packed = fb::CommandResult::Pack(fbb, r.ok() ? &*r : &error);
  auto body = proto::CreateCommandReply(fbb, packed);
  auto resp = proto::CreateResponse(fbb, id, static_cast<uint8_t>(r.ok() ? StatusCode::kOk : r.status().code()),
                                    r.ok() ? 0 : fbb.CreateString(r.status().message()),
                                    proto::ResponseBody::CommandReply, body.Union());
  fbb.Finish(resp);
  return Reply(std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
}

Outcome RequestHandler::Execute(SessionState* s, uint64_t id, const proto::Execute& m) {
  fb::CommandT cmd;
  Micros now = 0;
  if (auto refused = UnpackCommand(id, m, &cmd, &now)) return std::move(*refused);
  return CommandReply(id, service_->Execute(s->actor, cmd, now), cmd.command_id);
}

void RequestHandler::HandleAsync(SessionState* s, const DecodedRequest& d,
                                 domain::CommandService::Offload offload, std::function<void(Outcome)> done) {
  const proto::Request& r = *d.request;
  if (r.body_type() != proto::RequestBody::Execute || !s->authenticated) return done(Handle(s, d));
  counters_->requests.fetch_add(1, std::memory_order_relaxed);
  const uint64_t id = r.request_id();
  if (Status still = Recheck(s); !still.ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return done(Error(id, still, /*close=*/true));
  }
  fb::CommandT cmd;
  Micros now = 0;
  if (auto refused = UnpackCommand(id, *r.body_as_Execute(), &cmd, &now)) return done(std::move(*refused));
  // Counted until the last copy of `done` (and whatever it holds, such as the connection)
  // is gone, not merely until it ran: the server waits for the count to reach 0 before it
  // destroys what those copies point at. Counted before the check, so a server that called
  // StopAsync and then read 0 cannot be passed by a command started meanwhile.
  struct Pending {
    Pending(RequestHandler* h, std::function<void(Outcome)> d) : handler(h), done(std::move(d)) {}
    Pending(const Pending&) = delete;
    Pending& operator=(const Pending&) = delete;
    RequestHandler* handler;
    std::function<void(Outcome)> done;
    ~Pending() {
      done = nullptr;
      handler->async_commands_.fetch_sub(1, std::memory_order_acq_rel);
    }
  };
  async_commands_.fetch_add(1, std::memory_order_acq_rel);
  auto pending = std::make_shared<Pending>(this, std::move(done));
  if (async_stopping_.load(std::memory_order_acquire)) {
    return pending->done(Error(id, Status::Unavailable("the server is shutting down; retry the command")));
  }
  std::string command_id = cmd.command_id;
  service_->ExecuteAsync(s->actor, std::move(cmd), now, std::move(offload),
                         [this, id, command_id = std::move(command_id), pending = std::move(pending)](
                             Result<fb::CommandResultT> result) { pending->done(CommandReply(id, result, command_id)); });
}

void RequestHandler::StopAsync() { async_stopping_.store(true, std::memory_order_release); }

Outcome RequestHandler::Query(SessionState* s, uint64_t id, const proto::Query& m) {
  projections::Query q;
  q.kind = Str(m.kind());
  q.view = ViewOf(m.view());
  q.from = ViewOf(m.from());
  q.pipeline_id = Str(m.pipeline_id());
  q.owner_id = Str(m.owner_id());
  q.team_id = Str(m.team_id());
  q.user_id = Str(m.user_id());
  q.record = Str(m.record());
  q.record_type = Str(m.record_type());
  q.text = Str(m.text());
  q.report = Str(m.report());
  if (m.period()) q.period = Str(m.period());
  if (m.group()) q.group = Str(m.group());
  q.days = m.days();
  q.min_amount = Str(m.min_amount());
  q.from_date = Str(m.from_date());
  q.to_date = Str(m.to_date());
  q.limit = std::min<uint32_t>(m.limit(), 100000);
  q.cursor = Str(m.cursor());
  if (q.record.rfind("token/", 0) == 0 && !IsAdmin(*s)) {
    return Error(id, Status::PermissionDenied("only admins read API token records"));
  }
  // Read-your-writes (and monotonic reads): answer from read models that include everything
  // the log held when the query arrived.
  uint64_t target = log_->LastPosition();
  if (!engine_->WaitFor(target, options_.query_catch_up_wait)) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, Status::Unavailable("the read models are still catching up with the log (at " +
                                         std::to_string(engine_->position()) + " of " + std::to_string(target) +
                                         "); retry in a moment"));
  }
  auto j = projections::RunQuery(*engine_, q, clock_->NowMicros());
  if (!j.ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, j.status());
  }
  std::string text = j->dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  flatbuffers::FlatBufferBuilder fbb(text.size() + 128);
  auto body = proto::CreateQueryResultDirect(fbb, text.c_str(), engine_->position());
  return Reply(FinishResponse(fbb, id, body));
}

std::string EventBatchResponse(uint64_t request_id, const std::vector<events::Event>& evs,
                               uint64_t next_position, uint64_t last_position) {
  size_t bytes = 256;
  for (const auto& e : evs) bytes += e.bytes().size() + 16;
  flatbuffers::FlatBufferBuilder fbb(bytes);
  std::vector<flatbuffers::Offset<proto::EventBytes>> items;
  items.reserve(evs.size());
  for (const auto& e : evs) {
    fbb.ForceVectorAlignment(e.bytes().size(), 1, 8);  // nested envelopes stay 8-aligned
    auto data = fbb.CreateVector(reinterpret_cast<const uint8_t*>(e.bytes().data()), e.bytes().size());
    items.push_back(proto::CreateEventBytes(fbb, data));
  }
  auto body = proto::CreateEventBatch(fbb, fbb.CreateVector(items), next_position, last_position);
  return FinishResponse(fbb, request_id, body);
}

Outcome RequestHandler::ReadStream(SessionState* s, uint64_t id, const proto::ReadStream& m) {
  events::StreamName stream{Str(m.record_type()), Str(m.record_id())};
  if (stream.type == domain::kToken && !IsAdmin(*s)) {
    return Error(id, Status::PermissionDenied("only admins read API token records"));
  }
  size_t max = std::clamp<uint32_t>(m.max(), 1, options_.max_batch);
  std::vector<events::Event> evs;
  uint64_t from = std::max<uint64_t>(m.from_version(), 1);
  Status st = log_->ReadStream(stream, from, events::EventLog::Direction::kForward, max, &evs);
  if (!st.ok()) return Error(id, st);
  // Keep the answer within the batch byte bound (at least one event).
  size_t bytes = 0, keep = 0;
  while (keep < evs.size() && (keep == 0 || bytes + evs[keep].bytes().size() <= options_.max_batch_bytes)) {
    bytes += evs[keep++].bytes().size();
  }
  evs.erase(evs.begin() + static_cast<std::ptrdiff_t>(keep), evs.end());
  uint64_t next = evs.empty() ? from : evs.back()->stream_version() + 1;
  return Reply(EventBatchResponse(id, evs, next, log_->LastPosition()));
}

Outcome RequestHandler::ListStreams(SessionState* s, uint64_t id, const proto::ListStreams& m) {
  std::string type = Str(m.record_type());
  if (type == domain::kToken && !IsAdmin(*s)) {
    return Error(id, Status::PermissionDenied("only admins list API tokens"));
  }
  size_t max = std::clamp<uint32_t>(m.max(), 1, options_.max_batch);
  std::vector<std::string> ids;
  Status st = log_->ListStreams(type, Str(m.after()), max, &ids);
  if (!st.ok()) return Error(id, st);
  flatbuffers::FlatBufferBuilder fbb(256 + ids.size() * 16);
  auto body = proto::CreateIdList(fbb, fbb.CreateVectorOfStrings(ids));
  return Reply(FinishResponse(fbb, id, body));
}

Outcome RequestHandler::ReadLog(SessionState* s, uint64_t id, const proto::ReadLog& m) {
  FeedFilter all;
  all.include_tokens = IsAdmin(*s);
  FeedBatch b;
  size_t max = std::clamp<uint32_t>(m.max(), 1, options_.max_batch);
  Status st = ReadFeedBatch(*log_, all, std::max<uint64_t>(m.from_position(), 1), max, options_.max_batch_bytes,
                            max * 4, &b);
  if (!st.ok()) return Error(id, st);
  return Reply(EventBatchResponse(id, b.events, b.next_position, log_->LastPosition()));
}

Outcome RequestHandler::Subscribe(SessionState* s, uint64_t id, const proto::Subscribe& m) {
  FeedFilter f;
  f.include_tokens = IsAdmin(*s);
  auto fill = [&](const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v,
                  std::set<std::string, std::less<>>* out, const char* name) -> Status {
    if (v == nullptr) return Status::Ok();
    if (v->size() > options_.max_filter_entries) {
      return Status::InvalidArgument(std::string(name) + ": at most " + std::to_string(options_.max_filter_entries) +
                                     " entries");
    }
    for (const auto* x : *v) out->insert(x->str());
    return Status::Ok();
  };
  Status st = fill(m.record_types(), &f.record_types, "record_types");
  if (st.ok()) st = fill(m.record_ids(), &f.record_ids, "record_ids");
  if (st.ok()) st = fill(m.event_types(), &f.event_types, "event_types");
  if (!st.ok()) return Error(id, st);
  if (f.record_types.count(std::string(domain::kToken)) && !IsAdmin(*s)) {
    return Error(id, Status::PermissionDenied("only admins follow API token events"));
  }
  uint64_t from = m.from_position() == 0 ? log_->LastPosition() + 1 : m.from_position();
  flatbuffers::FlatBufferBuilder fbb(64);
  Outcome o = Reply(FinishResponse(fbb, id, proto::CreateSubscribed(fbb, id, from)));
  o.subscribe = std::move(f);
  o.subscription_id = id;
  o.subscribe_from = from;
  return o;
}

Outcome RequestHandler::Stats(uint64_t id) {
  flatbuffers::FlatBufferBuilder fbb(128);
  Micros up = clock_->NowMicros() - started_at_;
  auto body = proto::CreateStatsReply(fbb, log_->LastPosition(), engine_->position(),
                                      counters_->connections.load(), counters_->subscriptions.load(),
                                      counters_->requests.load(), counters_->commands.load(),
                                      counters_->errors.load(), static_cast<uint64_t>(std::max<Micros>(0, up / 1000000)));
  return Reply(FinishResponse(fbb, id, body));
}

Outcome RequestHandler::Admin(SessionState* s, uint64_t id, const proto::Request& r) {
  const std::string what = RequestTypeName(r.body_type());
  if (!IsAdmin(*s)) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, Status::PermissionDenied(what + " is for admins: use an admin's token"));
  }
  auto answer = [&]() -> Result<nlohmann::ordered_json> {
    switch (r.body_type()) {
      case proto::RequestBody::LogStats:
        return events::LogStatsReport(*log_);
      case proto::RequestBody::VerifyLog: {
        events::VerifyOptions vo;
        vo.check_file_checksums = !r.body_as_VerifyLog()->skip_checksums();
        auto report = log_->Verify(vo);
        if (!report.ok()) return report.status();
        return events::VerifyReportToJson(*report);
      }
      case proto::RequestBody::Backup: {
        auto dir = BackupDirectory(options_.backup_root, Str(r.body_as_Backup()->dir()));
        if (!dir.ok()) return dir.status();
        std::error_code ec;
        std::filesystem::create_directories(*dir, ec);
        if (ec) return Status::IOError("creating the backup directory " + *dir + ": " + ec.message());
        auto b = log_->CreateBackup(*dir);
        if (!b.ok()) return b.status();
        auto j = events::BackupInfoToJson(*b);
        j["dir"] = *dir;
        return j;
      }
      case proto::RequestBody::RecomputeScores: {
        // A runner of its own: safe beside the automation thread's (see protocol.fbs).
        projections::AutomationRunner runner(log_, service_, engine_);
        Micros now = clock_->NowMicros();
        auto report = runner.RecomputeScores(now);
        if (!report.ok()) return report.status().WithContext("score recompute");
        return projections::RecomputeReportToJson(*report, now);
      }
      default:
        return Status::InvalidArgument(what + " is not an admin request");
    }
  };
  auto j = answer();
  if (!j.ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return Error(id, j.status());
  }
  std::string text = j->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  flatbuffers::FlatBufferBuilder fbb(text.size() + 128);
  auto body = proto::CreateAdminResultDirect(fbb, text.c_str());
  return Reply(FinishResponse(fbb, id, body));
}

}  // namespace rapport::server
