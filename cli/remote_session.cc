// The remote Session: the same record commands through rapportd (--connect). Records are
// rebuilt here from their streams with the domain's own Apply, so `show` prints exactly what
// it prints embedded.
#include "cli/session.h"
#include "domain/record_state.h"

namespace rapport::cli {
namespace {

class RemoteSession final : public Session {
 public:
  explicit RemoteSession(std::unique_ptr<server::Client> client) : client_(std::move(client)) {}

  Result<fb::CommandResultT> Execute(fb::CommandT cmd) override {
    // The id is chosen here, so a retry after a lost answer is recognised by the server.
    if (cmd.command_id.empty()) cmd.command_id = FreshCommandId();
    directory_.reset();
    return client_->Execute(cmd);
  }

  Result<domain::RecordState> Get(std::string_view type, std::string_view id) override {
    domain::RecordState r;
    r.type = std::string(type);
    r.id = std::string(id);
    uint64_t next = 1;
    for (;;) {
      auto evs = client_->ReadStream(type, id, next, 1000, &next);
      if (!evs.ok()) return evs.status();
      for (const auto& e : *evs) RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &r));
      if (evs->size() < 1000) break;
    }
    if (!r.created) return Status::NotFound("there is no " + std::string(type) + " " + std::string(id));
    return r;
  }

  Result<std::vector<std::string>> ListIds(std::string_view type, std::string_view after, size_t max) override {
    std::vector<std::string> out;
    std::string from(after);
    while (out.size() < max) {
      uint32_t want = static_cast<uint32_t>(std::min<size_t>(1000, max - out.size()));
      auto ids = client_->ListStreams(type, from, want);
      if (!ids.ok()) return ids.status();
      for (auto& id : *ids) out.push_back(std::move(id));
      if (ids->size() < want) break;
      from = out.back();
    }
    return out;
  }

  domain::Directory directory() override {
    if (!directory_) {
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
      directory_ = std::move(d);
    }
    return *directory_;
  }

  const std::string& user_id() const override { return client_->hello().user_id; }

  server::Client* client() { return client_.get(); }

 private:
  std::unique_ptr<server::Client> client_;
  std::optional<domain::Directory> directory_;
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
  *out = std::make_unique<RemoteSession>(std::move(*c));
  return Status::Ok();
}

server::Client* RemoteClient(Session* s) {
  auto* r = dynamic_cast<RemoteSession*>(s);
  return r == nullptr ? nullptr : r->client();
}

}  // namespace rapport::cli
