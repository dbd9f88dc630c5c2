#include "cli/session.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <random>

#include "events/clock.h"

namespace rapport::cli {

// "cli-<time>-<random>": unique enough for commands typed by hand (scripts that retry pass
// their own --command-id).
std::string FreshCommandId() {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char buf[64];
  std::snprintf(buf, sizeof buf, "cli-%llx-%llx-%llu",
                static_cast<unsigned long long>(SystemClock()->NowMicros()),
                static_cast<unsigned long long>(r),
                static_cast<unsigned long long>(counter.fetch_add(1)));
  return buf;
}

namespace {

class EmbeddedSession final : public Session {
 public:
  EmbeddedSession(std::unique_ptr<events::EventLog> log,
                  std::unique_ptr<domain::CommandService> service, domain::Actor actor)
      : log_(std::move(log)), service_(std::move(service)), actor_(std::move(actor)) {}

  ~EmbeddedSession() override {
    service_.reset();  // before the log it reads
    if (log_ == nullptr) return;
    Status s = log_->Close();
    if (!s.ok()) std::cerr << "rapport: warning: closing the log: " << s.ToString() << std::endl;
  }

  Result<fb::CommandResultT> Execute(fb::CommandT cmd) override {
    if (cmd.command_id.empty()) cmd.command_id = FreshCommandId();
    domain::Actor actor = actor_;
    if (actor.id.empty()) actor = domain::Actor::System();  // only `init` runs before a user exists
    auto r = service_->Execute(actor, cmd, SystemClock()->NowMicros());
    if (r.ok() && actor_.id.empty()) RefreshActor();
    return r;
  }

  Result<domain::RecordState> Get(std::string_view type, std::string_view id) override {
    return service_->Get(type, id);
  }

  Result<std::vector<std::string>> ListIds(std::string_view type, std::string_view after,
                                           size_t max) override {
    std::vector<std::string> ids;
    RAPPORT_RETURN_IF_ERROR(log_->ListStreams(type, after, max, &ids));
    return ids;
  }

  domain::Directory directory() override { return service_->directory(); }
  const std::string& user_id() const override { return actor_.id; }

  events::EventLog* log() { return log_.get(); }
  domain::CommandService* service() { return service_.get(); }

  // The local operator: the earliest-created active admin.
  void RefreshActor() {
    domain::Directory d = service_->directory();
    const domain::RecordState* best = nullptr;
    for (const auto& [id, u] : d.users()) {
      if (d.active_user(id) == nullptr || u.Text("role") != "admin") continue;
      if (best == nullptr || u.created_position < best->created_position) best = &u;
    }
    if (best != nullptr) {
      auto a = service_->ActorFor(best->id);
      if (a.ok()) actor_ = *a;
    }
  }

  Status UseUser(const std::string& user) {
    auto a = service_->ActorFor(user);
    if (!a.ok()) {
      return Status(a.status().code(), "--as " + user + ": " + a.status().message() +
                                           " (list users with `rapport user list`)");
    }
    actor_ = *a;
    return Status::Ok();
  }

 private:
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<domain::CommandService> service_;
  domain::Actor actor_;
};

}  // namespace

Status OpenSession(const GlobalOptions& g, bool create, bool allow_uninitialised,
                   std::unique_ptr<Session>* out) {
  if (g.remote()) return OpenRemoteSession(g, out);
  std::unique_ptr<events::EventLog> log;
  RAPPORT_RETURN_IF_ERROR(OpenLog(g, create, &log));
  auto service = domain::CommandService::Open(log.get());
  if (!service.ok()) return service.status();
  bool initialised = (*service)->initialised();
  auto s = std::make_unique<EmbeddedSession>(std::move(log), std::move(*service), domain::Actor{});
  if (!initialised && !allow_uninitialised) {
    return Status::FailedPrecondition("no workspace in " + ResolveDataDir(g) +
                                      " yet: create one with `rapport init --data " +
                                      ResolveDataDir(g) + "` (or try `rapport demo`)");
  }
  if (initialised) {
    if (!g.as_user.empty()) {
      RAPPORT_RETURN_IF_ERROR(s->UseUser(g.as_user));
    } else {
      s->RefreshActor();
    }
  }
  *out = std::move(s);
  return Status::Ok();
}

events::EventLog* EmbeddedLog(Session* s) {
  auto* e = dynamic_cast<EmbeddedSession*>(s);
  return e == nullptr ? nullptr : e->log();
}

domain::CommandService* EmbeddedService(Session* s) {
  auto* e = dynamic_cast<EmbeddedSession*>(s);
  return e == nullptr ? nullptr : e->service();
}

}  // namespace rapport::cli
