// The remote Session: the same record commands through rapportd (--connect). Records are
// rebuilt here from their streams with the domain's own Apply, so `show` prints exactly what
// it prints embedded.
#include <mutex>
#include <optional>
#include <vector>

#include "cli/session.h"
#include "domain/record_state.h"

namespace rapport::cli {
namespace {

// Thread safety: Execute, Get and ListIds may be called from several threads (import runs
// rows in parallel). A server::Client belongs to one thread at a time, so each call borrows
// a connection from a pool, opening another (with the same token) when all are busy: N
// threads get N connections with a request in flight each, sharing rapportd's group commit.
class RemoteSession final : public Session {
 public:
  RemoteSession(std::unique_ptr<server::Client> client, std::string address, std::string token,
                server::ClientOptions options)
      : client_(std::move(client)),
        address_(std::move(address)),
        token_(std::move(token)),
        options_(std::move(options)) {}

  Result<fb::CommandResultT> Execute(fb::CommandT cmd) override {
    // The id is chosen here, so a retry after a lost answer is recognised by the server.
    if (cmd.command_id.empty()) cmd.command_id = FreshCommandId();
    {
      std::lock_guard<std::mutex> l(mu_);
      directory_.reset();
    }
    auto c = Borrow();
    if (!c.ok()) return c.status();
    auto r = (*c)->Execute(cmd);
    Return(std::move(*c));
    return r;
  }

  Result<domain::RecordState> Get(std::string_view type, std::string_view id) override {
    auto c = Borrow();
    if (!c.ok()) return c.status();
    auto r = GetWith(c->get(), type, id);
    Return(std::move(*c));
    return r;
  }

  Result<std::vector<std::string>> ListIds(std::string_view type, std::string_view after, size_t max) override {
    auto c = Borrow();
    if (!c.ok()) return c.status();
    auto ids = (*c)->ListAllStreams(type, after, max);
    Return(std::move(*c));
    return ids;
  }

  domain::Directory directory() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (directory_) return *directory_;
    }
    domain::Directory d;
    for (std::string_view type : {domain::kWorkspace, domain::kUser, domain::kTeam, domain::kPipeline,
                                  domain::kProduct, domain::kField, domain::kToken}) {
      auto ids = ListIds(type, "", SIZE_MAX);
      if (!ids.ok()) continue;  // token records are for admins only
      for (const auto& id : *ids) {
        auto r = Get(type, id);
        if (r.ok()) d.Put(*r);
      }
    }
    std::lock_guard<std::mutex> l(mu_);
    directory_ = d;
    return d;
  }

  const std::string& user_id() const override { return hello_user_; }

  // The session's first connection, for single-threaded callers (queries, log reads, the
  // change feed). Not to be used while other threads call the methods above.
  server::Client* client() { return client_.get(); }

  void set_hello_user(std::string u) { hello_user_ = std::move(u); }

 private:
  static Result<domain::RecordState> GetWith(server::Client* c, std::string_view type, std::string_view id) {
    auto evs = c->ReadWholeStream(type, id);
    if (!evs.ok()) return evs.status();
    domain::RecordState r;
    r.type = std::string(type);
    r.id = std::string(id);
    for (const auto& e : *evs) RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &r));
    if (!r.created) return Status::NotFound("there is no " + std::string(type) + " " + std::string(id));
    return r;
  }

  // A connection nobody else is using: the first one when free, else an idle extra one,
  // else a new one.
  struct Lease {
    server::Client* client = nullptr;
    std::unique_ptr<server::Client> extra;  // null when the lease is the first connection
    server::Client* get() const { return client; }
    server::Client* operator->() const { return client; }
  };
  Result<Lease> Borrow() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!first_busy_) {
        first_busy_ = true;
        return Lease{client_.get(), nullptr};
      }
      if (!idle_.empty()) {
        Lease lease;
        lease.extra = std::move(idle_.back());
        idle_.pop_back();
        lease.client = lease.extra.get();
        return lease;
      }
    }
    auto c = server::Client::Connect(address_, token_, options_);
    if (!c.ok()) return c.status();
    Lease lease;
    lease.extra = std::move(*c);
    lease.client = lease.extra.get();
    return lease;
  }
  void Return(Lease lease) {
    std::lock_guard<std::mutex> l(mu_);
    if (lease.extra == nullptr) {
      first_busy_ = false;
    } else {
      idle_.push_back(std::move(lease.extra));
    }
  }

  std::unique_ptr<server::Client> client_;
  std::string address_;
  std::string token_;
  server::ClientOptions options_;
  std::string hello_user_;
  std::mutex mu_;
  bool first_busy_ = false;                               // GUARDED_BY(mu_)
  std::vector<std::unique_ptr<server::Client>> idle_;     // GUARDED_BY(mu_)
  std::optional<domain::Directory> directory_;            // GUARDED_BY(mu_)
};

}  // namespace

Status OpenRemoteSession(const GlobalOptions& g, std::unique_ptr<Session>* out) {
  if (!g.as_user.empty()) {
    return Status::InvalidArgument("--as works in embedded mode only: over --connect you act as the token's user");
  }
  if (g.token.empty()) {
    return Status::PermissionDenied("--connect needs an API token: pass --token or set RAPPORT_TOKEN (an admin "
                                    "makes one with `rapport token create --user USER`)");
  }
  server::ClientOptions o;
  o.client_name = "rapport-cli";
  auto c = server::Client::Connect(g.connect, g.token, o);
  if (!c.ok()) return c.status();
  std::string user = (*c)->hello().user_id;
  auto session = std::make_unique<RemoteSession>(std::move(*c), g.connect, g.token, o);
  session->set_hello_user(std::move(user));
  *out = std::move(session);
  return Status::Ok();
}

server::Client* RemoteClient(Session* s) {
  auto* r = dynamic_cast<RemoteSession*>(s);
  return r == nullptr ? nullptr : r->client();
}

}  // namespace rapport::cli
