// A running server over the service fixture (tests/service/service_test_util.h): the read
// models follow the log, rapportd's Server listens on a free loopback port, and API tokens
// exist for the admin (u-admin) and a rep (u-alan).
#pragma once

#include <sodium.h>

#include "../service/service_test_util.h"
#include "domain/token.h"
#include "projections/engine.h"
#include "server/client.h"
#include "server/server.h"

namespace rapport::server::testing {

using domain::testing::ServiceFixture;

// Issues a token for `user` as the admin and returns its secret.
inline std::string IssueToken(ServiceFixture& f, const std::string& user, Micros expires_at = 0) {
  REQUIRE(sodium_init() >= 0);
  std::array<uint8_t, 32> random;
  randombytes_buf(random.data(), random.size());
  std::string secret = domain::FormatTokenSecret(random);
  fb::IssueTokenT t;
  t.user_id = user;
  t.name = "test token for " + user;
  t.secret_hash = domain::HashTokenSecret(secret);
  t.hint = domain::TokenHint(secret);
  t.expires_at_us = expires_at;
  f.MustExec(f.As("u-admin"), domain::testing::Cmd(std::move(t)));
  return secret;
}

class ServerFixture {
 public:
  explicit ServerFixture(ServerOptions options = Defaults()) {
    admin_token = IssueToken(f, "u-admin");
    rep_token = IssueToken(f, "u-alan");
    auto e = projections::ProjectionEngine::Open(f.log.get());
    REQUIRE(e.ok());
    engine = std::move(*e);
    REQUIRE(engine->CatchUp().ok());
    engine->StartFollowing();
    server = std::make_unique<Server>(f.log.get(), f.service.get(), engine.get(), options);
    Status s = server->Start();
    INFO(s.ToString());
    REQUIRE(s.ok());
    address = "127.0.0.1:" + std::to_string(server->port());
  }
  ~ServerFixture() {
    server->Shutdown();
    REQUIRE(engine->Close().ok());
  }

  static ServerOptions Defaults() {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.worker_threads = 8;
    return o;
  }

  std::unique_ptr<Client> Connect(const std::string& token, ClientOptions co = {}) {
    if (co.request_timeout == ClientOptions().request_timeout) co.request_timeout = std::chrono::seconds(20);
    auto c = Client::Connect(address, token, co);
    INFO(c.status().ToString());
    REQUIRE(c.ok());
    return std::move(*c);
  }

  ServiceFixture f;
  std::string admin_token, rep_token;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<Server> server;
  std::string address;
};

// A contact-creating command.
inline fb::CommandT NewContact(const std::string& first, const std::string& command_id = "") {
  fb::CreateContactT c;
  c.first_name = first;
  c.last_name = "Tester";
  auto cmd = domain::testing::Cmd(std::move(c));
  cmd.command_id = command_id;
  return cmd;
}

}  // namespace rapport::server::testing
