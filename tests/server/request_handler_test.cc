// RequestHandler, called directly (no sockets): authentication, the session's actor, queries,
// reads and their permissions.
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "server_fixture.h"

using namespace rapport;
using namespace rapport::server;
using namespace rapport::server::testing;

namespace {

struct HandlerFixture {
  HandlerFixture() {
    admin_token = IssueToken(f, "u-admin");
    rep_token = IssueToken(f, "u-alan");
    auto e = projections::ProjectionEngine::Open(f.log.get());
    REQUIRE(e.ok());
    engine = std::move(*e);
    REQUIRE(engine->CatchUp().ok());
    engine->StartFollowing();
    handler = std::make_unique<RequestHandler>(f.log.get(), f.service.get(), engine.get(), SystemClock(), &counters);
  }
  ~HandlerFixture() { (void)engine->Close(); }

  Outcome Run(SessionState* s, const std::string& request) {
    auto d = DecodeRequest(request);
    REQUIRE(d.ok());
    return handler->Handle(s, *d);
  }
  Outcome Hello(SessionState* s, const std::string& token, uint32_t version = kProtocolVersion) {
    flatbuffers::FlatBufferBuilder fbb;
    return Run(s, FinishRequest(fbb, 1, proto::CreateHelloDirect(fbb, version, token.c_str(), "test")));
  }
  static DecodedResponse Response(const Outcome& o) {
    auto d = DecodeResponse(o.response);
    REQUIRE(d.ok());
    return std::move(*d);
  }

  ServiceFixture f;
  ServerCounters counters;
  std::string admin_token, rep_token;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<RequestHandler> handler;
};

std::string ExecuteRequest(uint64_t id, const fb::CommandT& cmd) {
  flatbuffers::FlatBufferBuilder fbb;
  auto c = fb::Command::Pack(fbb, &cmd);
  return FinishRequest(fbb, id, proto::CreateExecute(fbb, c));
}

}  // namespace

TEST_CASE("nothing but hello is served before a valid token", "[server][handler]") {
  HandlerFixture h;
  SessionState s;
  uint64_t before = h.f.log->LastPosition();
  auto o = h.Run(&s, ExecuteRequest(2, NewContact("Eve")));
  auto r = HandlerFixture::Response(o);
  CHECK(r.code() == StatusCode::kPermissionDenied);
  CHECK(r.status().message().find("hello") != std::string::npos);
  CHECK(o.close);
  CHECK(h.f.log->LastPosition() == before);

  auto bad = h.Hello(&s, "rpt_not-a-real-token");
  CHECK(HandlerFixture::Response(bad).code() == StatusCode::kPermissionDenied);
  CHECK(bad.close);
  CHECK_FALSE(s.authenticated);

  auto old = h.Hello(&s, h.admin_token, 99);
  CHECK(HandlerFixture::Response(old).code() == StatusCode::kFailedPrecondition);
  CHECK(HandlerFixture::Response(old).status().message().find("speaks version 1") != std::string::npos);

  auto good = h.Hello(&s, h.rep_token);
  auto gr = HandlerFixture::Response(good);
  REQUIRE(gr.code() == StatusCode::kOk);
  REQUIRE(gr.response->body_as_HelloReply() != nullptr);
  CHECK(gr.response->body_as_HelloReply()->user_id()->str() == "u-alan");
  CHECK(gr.response->body_as_HelloReply()->role()->str() == "rep");
  CHECK(s.authenticated);
  CHECK(s.actor.id == "u-alan");
}

TEST_CASE("revoked, expired and deactivated users' tokens are refused", "[server][handler]") {
  HandlerFixture h;
  std::string expired = IssueToken(h.f, "u-ada", SystemClock()->NowMicros() - 1);
  SessionState s1;
  CHECK(HandlerFixture::Response(h.Hello(&s1, expired)).code() == StatusCode::kPermissionDenied);

  std::string bobs = IssueToken(h.f, "u-bob");
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.f.MustExec(h.f.As("u-admin"), domain::testing::Cmd(d));
  SessionState s2;
  CHECK(HandlerFixture::Response(h.Hello(&s2, bobs)).code() == StatusCode::kPermissionDenied);

  // Revoke alan's token: his next hello fails.
  std::string token_id = h.f.service->directory().token_by_hash(domain::HashTokenSecret(h.rep_token))->id;
  fb::RevokeTokenT rv;
  rv.token_id = token_id;
  rv.reason = "laptop lost";
  h.f.MustExec(h.f.As("u-admin"), domain::testing::Cmd(rv));
  SessionState s3;
  CHECK(HandlerFixture::Response(h.Hello(&s3, h.rep_token)).code() == StatusCode::kPermissionDenied);
}

TEST_CASE("commands act as the session's user and their errors name the field", "[server][handler]") {
  HandlerFixture h;
  SessionState s;
  REQUIRE(HandlerFixture::Response(h.Hello(&s, h.rep_token)).code() == StatusCode::kOk);
  auto o = h.Run(&s, ExecuteRequest(2, NewContact("Mia", "cmd-mia")));
  auto r = HandlerFixture::Response(o);
  REQUIRE(r.code() == StatusCode::kOk);
  const auto* result = r.response->body_as_CommandReply()->result();
  CHECK(result->code()->str() == "ok");
  CHECK(result->command_id()->str() == "cmd-mia");
  auto ev = h.f.log->Get(result->first_position());
  REQUIRE(ev.ok());
  CHECK((*ev)->actor() == "u-alan");

  // A rep may not create users: permission_denied, nothing appended.
  uint64_t before = h.f.log->LastPosition();
  fb::CreateUserT u;
  u.name = "Mallory";
  u.email = "mallory@acme.example";
  u.role = fb::Role::Admin;
  auto denied = HandlerFixture::Response(h.Run(&s, ExecuteRequest(3, domain::testing::Cmd(u))));
  CHECK(denied.code() == StatusCode::kPermissionDenied);
  CHECK(denied.response->body_as_CommandReply()->result()->code()->str() == "permission_denied");
  CHECK(h.f.log->LastPosition() == before);

  fb::CreateContactT bad;
  bad.first_name = "X";
  bad.emails = {"not-an-email"};
  auto invalid = HandlerFixture::Response(h.Run(&s, ExecuteRequest(4, domain::testing::Cmd(bad))));
  CHECK(invalid.code() == StatusCode::kInvalidArgument);
  CHECK(invalid.status().message().find("emails") != std::string::npos);

  // An Execute without a command.
  flatbuffers::FlatBufferBuilder fbb;
  auto empty = HandlerFixture::Response(h.Run(&s, FinishRequest(fbb, 5, proto::CreateExecute(fbb))));
  CHECK(empty.code() == StatusCode::kInvalidArgument);
  CHECK(h.f.log->LastPosition() == before);
}

TEST_CASE("queries answer what RunQuery answers, including the writer's own writes", "[server][handler]") {
  HandlerFixture h;
  SessionState s;
  REQUIRE(HandlerFixture::Response(h.Hello(&s, h.admin_token)).code() == StatusCode::kOk);
  REQUIRE(HandlerFixture::Response(h.Run(&s, ExecuteRequest(2, NewContact("Zoe")))).code() == StatusCode::kOk);
  // Right after the write, search finds it (the query waits for the read models).
  flatbuffers::FlatBufferBuilder fbb;
  auto q = proto::CreateQueryDirect(fbb, "search", 0, 0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "zoe");
  auto r = HandlerFixture::Response(h.Run(&s, FinishRequest(fbb, 3, q)));
  REQUIRE(r.code() == StatusCode::kOk);
  auto j = nlohmann::json::parse(r.response->body_as_QueryResult()->json()->str());
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 1);

  projections::Query board;
  board.kind = "board";
  board.pipeline_id = "pl-sales";
  auto direct = projections::RunQuery(*h.engine, board, SystemClock()->NowMicros());
  REQUIRE(direct.ok());
  flatbuffers::FlatBufferBuilder b2;
  auto bq = proto::CreateQueryDirect(b2, "board", 0, 0, "pl-sales");
  auto br = HandlerFixture::Response(h.Run(&s, FinishRequest(b2, 4, bq)));
  REQUIRE(br.code() == StatusCode::kOk);
  auto bj = nlohmann::ordered_json::parse(br.response->body_as_QueryResult()->json()->str());
  bj.erase("view");  // "now" differs by the microseconds between the two calls
  direct->erase("view");
  CHECK(bj == *direct);

  flatbuffers::FlatBufferBuilder b3;
  auto unknown = HandlerFixture::Response(h.Run(&s, FinishRequest(b3, 5, proto::CreateQueryDirect(b3, "pipelines"))));
  CHECK(unknown.code() == StatusCode::kInvalidArgument);
  CHECK(unknown.status().message().find("board, diff, forecast") != std::string::npos);
}

TEST_CASE("token records and token events are for admins only", "[server][handler]") {
  HandlerFixture h;
  SessionState rep, admin;
  REQUIRE(HandlerFixture::Response(h.Hello(&rep, h.rep_token)).code() == StatusCode::kOk);
  REQUIRE(HandlerFixture::Response(h.Hello(&admin, h.admin_token)).code() == StatusCode::kOk);
  flatbuffers::FlatBufferBuilder fbb;
  auto rs = proto::CreateReadStreamDirect(fbb, "token", "TOK-1", 1, 10);
  std::string read_token = FinishRequest(fbb, 2, rs);
  CHECK(HandlerFixture::Response(h.Run(&rep, read_token)).code() == StatusCode::kPermissionDenied);
  CHECK(HandlerFixture::Response(h.Run(&admin, read_token)).code() == StatusCode::kOk);

  // ReadLog skips token events for a rep, not for an admin.
  auto count_tokens = [&](SessionState* s) {
    flatbuffers::FlatBufferBuilder b;
    auto r = HandlerFixture::Response(h.Run(s, FinishRequest(b, 3, proto::CreateReadLog(b, 1, 1000))));
    REQUIRE(r.code() == StatusCode::kOk);
    size_t tokens = 0, all = 0;
    for (const auto* e : *r.response->body_as_EventBatch()->events()) {
      auto ev = events::Event::FromBytes(std::string(reinterpret_cast<const char*>(e->data()->data()), e->data()->size()));
      REQUIRE(ev.ok());
      ++all;
      if ((*ev)->stream_type() == "token") ++tokens;
    }
    return std::pair{tokens, all};
  };
  auto [rep_tokens, rep_all] = count_tokens(&rep);
  auto [admin_tokens, admin_all] = count_tokens(&admin);
  CHECK(rep_tokens == 0);
  CHECK(admin_tokens == 2);
  CHECK(admin_all == rep_all + 2);
  CHECK(admin_all == h.f.log->LastPosition());
}

TEST_CASE("an open session ends at its next request once its token is revoked or its user deactivated",
          "[server][handler]") {
  HandlerFixture h;
  auto ping = [&](SessionState* s) {
    flatbuffers::FlatBufferBuilder fbb;
    return h.Run(s, FinishRequest(fbb, 7, proto::CreatePing(fbb, 1)));
  };
  SessionState alan, bob;
  std::string bobs = IssueToken(h.f, "u-bob");
  REQUIRE(HandlerFixture::Response(h.Hello(&alan, h.rep_token)).code() == StatusCode::kOk);
  REQUIRE(HandlerFixture::Response(h.Hello(&bob, bobs)).code() == StatusCode::kOk);
  CHECK(HandlerFixture::Response(ping(&alan)).code() == StatusCode::kOk);

  // Revoking alan's token ends his session; bob's goes on.
  fb::RevokeTokenT rv;
  rv.token_id = alan.token_id;
  rv.reason = "laptop lost";
  h.f.MustExec(h.f.As("u-admin"), domain::testing::Cmd(rv));
  auto cut = ping(&alan);
  auto cr = HandlerFixture::Response(cut);
  CHECK(cr.code() == StatusCode::kPermissionDenied);
  CHECK(cr.status().message().find("was revoked") != std::string::npos);
  CHECK(cut.close);
  CHECK_FALSE(alan.authenticated);
  CHECK(HandlerFixture::Response(ping(&bob)).code() == StatusCode::kOk);

  // A changed role applies from the next request: bob, a rep, may not read token records
  // until he is made admin, and then may at once.
  auto list_tokens = [&](SessionState* s) {
    flatbuffers::FlatBufferBuilder fbb;
    return HandlerFixture::Response(h.Run(s, FinishRequest(fbb, 8, proto::CreateListStreamsDirect(fbb, "token", "", 10))));
  };
  CHECK(list_tokens(&bob).code() == StatusCode::kPermissionDenied);
  fb::ChangeUserRoleT promote;
  promote.user_id = "u-bob";
  promote.role = fb::Role::Admin;
  h.f.MustExec(h.f.As("u-admin"), domain::testing::Cmd(promote));
  CHECK(list_tokens(&bob).code() == StatusCode::kOk);
  CHECK(bob.role == "admin");

  // Deactivating bob ends his.
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.f.MustExec(h.f.As("u-admin"), domain::testing::Cmd(d));
  auto gone = HandlerFixture::Response(ping(&bob));
  CHECK(gone.code() == StatusCode::kPermissionDenied);
  CHECK(gone.status().message().find("no longer active") != std::string::npos);
}

TEST_CASE("an async command is answered once it is durable and refused once the server stops",
          "[server][handler][async]") {
  HandlerFixture h;
  SessionState s;
  REQUIRE(HandlerFixture::Response(h.Hello(&s, h.rep_token)).code() == StatusCode::kOk);
  auto offload = [](std::function<void()> task) { task(); };  // not needed here: new records
  auto run_async = [&](uint64_t id, const fb::CommandT& cmd) {
    auto d = DecodeRequest(ExecuteRequest(id, cmd));
    REQUIRE(d.ok());
    std::promise<Outcome> answered;
    auto future = answered.get_future();
    h.handler->HandleAsync(&s, *d, offload, [&answered](Outcome o) { answered.set_value(std::move(o)); });
    REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return HandlerFixture::Response(future.get());
  };

  auto ok = run_async(2, NewContact("Mia", "cmd-async-mia"));
  REQUIRE(ok.code() == StatusCode::kOk);
  const auto* result = ok.response->body_as_CommandReply()->result();
  CHECK(result->command_id()->str() == "cmd-async-mia");
  REQUIRE(result->first_position() > 0);
  CHECK(result->first_position() <= h.f.log->LastPosition());  // durable when answered
  CHECK((*h.f.log->Get(result->first_position()))->actor() == "u-alan");
  // The answer and everything it held are gone once it ran.
  for (int i = 0; i < 1000 && h.handler->async_commands() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(h.handler->async_commands() == 0);

  h.handler->StopAsync();
  uint64_t before = h.f.log->LastPosition();
  auto refused = run_async(3, NewContact("Late", "cmd-async-late"));
  CHECK(refused.code() == StatusCode::kUnavailable);
  CHECK(h.f.log->LastPosition() == before);
  CHECK(h.handler->async_commands() == 0);
}
