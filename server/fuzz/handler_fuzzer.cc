// libFuzzer target: what a client's requests do once they are past the frame parser. The
// input is read as a TCP stream (cut into frames by FrameParser); each request that decodes
// is handled by the real RequestHandler over a real event log, command service and read
// models in a scratch directory (appends not synced: the disk is not what is tested). Every
// input starts on a fresh session that has said hello with a valid token: an admin's when the
// input's length is even, a rep's when it is odd, so commands, queries and reads run with
// either role's permissions.
//
// What must hold for every request: the handler returns (no crash, no sanitizer report), its
// answer is a valid Response, and the answer carries the request's id or 0. That the log
// stays sound is checked by hand, not per input: run with RAPPORT_FUZZ_KEEP=1 (the scratch
// directory, under $RAPPORT_FUZZ_DIR or /tmp, is then kept) and `rapport log verify --data DIR`
// afterwards.
//
// LogStats, VerifyLog and RecomputeScores scan the whole log, which grows with every input:
// they are skipped (they take no client-controlled input beyond a flag).
//
// Built with `cmake -DRAPPORT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++` (the Makefile's
// fuzz-smoke and fuzz targets); corpus in server/fuzz/corpus, shared with request_fuzzer.cc.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "domain/command_service.h"
#include "domain/token.h"
#include "events/event_log.h"
#include "projections/engine.h"
#include "server/frame.h"
#include "server/protocol.h"
#include "server/request_handler.h"

namespace {

using namespace rapport;
using namespace rapport::server;

// The token secret of server/fuzz/corpus/hello, so that seed authenticates too.
constexpr const char* kAdminSecret = "rpt_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
constexpr const char* kRepSecret = "rpt_bcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstu";

void Die(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "handler fuzzer set-up: %s: %s\n", what, s.ToString().c_str());
  std::abort();
}

struct World {
  std::string dir;
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<domain::CommandService> service;
  std::unique_ptr<projections::ProjectionEngine> engine;
  ServerCounters counters;
  std::unique_ptr<RequestHandler> handler;

  void Exec(const domain::Actor& actor, fb::CommandT c) {
    Die(service->Execute(actor, c, SystemClock()->NowMicros()).status(), "command");
  }
  template <typename T>
  void Exec(const domain::Actor& actor, T body) {
    fb::CommandT c;
    c.body.Set(std::move(body));
    Exec(actor, std::move(c));
  }
};

World* Setup() {
  auto* w = new World;
  std::string base = std::getenv("RAPPORT_FUZZ_DIR") ? std::getenv("RAPPORT_FUZZ_DIR") : "/tmp";
  std::string tmpl = base + "/rapport-handler-fuzz-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Die(Status::IOError("mkdtemp " + tmpl), "scratch directory");
  w->dir = tmpl;
  if (!std::getenv("RAPPORT_FUZZ_KEEP")) {
    static std::string to_remove = w->dir;
    std::atexit([] { std::filesystem::remove_all(to_remove); });
  }
  std::fprintf(stderr, "handler fuzzer: data directory %s\n", w->dir.c_str());
  events::LogOptions lo;
  lo.dir = w->dir;
  lo.sync = false;
  Die(events::EventLog::Open(lo, &w->log), "open the log");
  auto service = domain::CommandService::Open(w->log.get());
  Die(service.status(), "command service");
  w->service = std::move(*service);

  fb::CreateWorkspaceT ws;
  ws.name = "Fuzz";
  ws.home_currency = "EUR";
  ws.admin_user_id = "U-1";
  ws.admin_name = "Admin";
  ws.admin_email = "admin@fuzz.example";
  w->Exec(domain::Actor::System(), std::move(ws));
  auto admin = w->service->ActorFor("U-1");
  Die(admin.status(), "admin");
  fb::CreateUserT rep;
  rep.user_id = "U-2";
  rep.name = "Rep";
  rep.email = "rep@fuzz.example";
  rep.role = fb::Role::Rep;
  w->Exec(*admin, std::move(rep));
  for (auto [user, secret] : {std::pair{"U-1", kAdminSecret}, {"U-2", kRepSecret}}) {
    fb::IssueTokenT t;
    t.user_id = user;
    t.name = "fuzz";
    t.secret_hash = domain::HashTokenSecret(secret);
    t.hint = domain::TokenHint(secret);
    w->Exec(*admin, std::move(t));
  }
  // Records for mutated commands and queries to find: PL-1 with its stages, CO-1, C-1, D-1
  // (the ids the seeds name).
  fb::CreatePipelineT p;
  p.pipeline_id = "PL-1";
  p.name = "Sales";
  for (auto [id, prob] : {std::pair{"s1", 10}, {"s2", 40}, {"s3", 80}}) {
    auto s = std::make_unique<fb::StageT>();
    s->stage_id = id;
    s->name = id;
    s->probability = prob;
    p.stages.push_back(std::move(s));
  }
  w->Exec(*admin, std::move(p));
  fb::CreateCompanyT co;
  co.name = "Acme";
  co.domain = "acme.example";
  w->Exec(*admin, std::move(co));
  fb::CreateContactT c;
  c.first_name = "Ada";
  c.last_name = "Lovelace";
  c.company_id = "CO-1";
  c.emails = {"ada@acme.example"};
  w->Exec(*admin, std::move(c));
  fb::OpenDealT d;
  d.name = "Acme deal";
  d.pipeline_id = "PL-1";
  d.amount = std::make_unique<fb::MoneyT>();
  d.amount->amount_minor = 1250000;
  d.amount->currency = "EUR";
  d.contact_ids = {"C-1"};
  w->Exec(*admin, std::move(d));

  auto engine = projections::ProjectionEngine::Open(w->log.get());
  Die(engine.status(), "read models");
  w->engine = std::move(*engine);
  Die(w->engine->CatchUp(), "catch up");
  w->engine->StartFollowing();
  HandlerOptions ho;
  ho.query_catch_up_wait = std::chrono::seconds(30);
  w->handler = std::make_unique<RequestHandler>(w->log.get(), w->service.get(), w->engine.get(), SystemClock(),
                                                &w->counters, ho);
  return w;
}

void Check(bool ok, const char* what, const DecodedRequest& d) {
  if (ok) return;
  std::fprintf(stderr, "handler fuzzer: %s (request %s, id %llu)\n", what,
               RequestTypeName(d.request->body_type()).c_str(), static_cast<unsigned long long>(d.request_id()));
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* w = Setup();
  SessionState session;
  {
    flatbuffers::FlatBufferBuilder fbb;
    const char* secret = size % 2 == 0 ? kAdminSecret : kRepSecret;
    auto hello = DecodeRequest(FinishRequest(fbb, 1, proto::CreateHelloDirect(fbb, kProtocolVersion, secret, "fuzz")));
    if (!hello.ok()) std::abort();
    w->handler->Handle(&session, *hello);
    if (!session.authenticated) std::abort();
  }
  FrameParser parser(1 << 16);
  const char* p = reinterpret_cast<const char*>(data);
  size_t n = size;
  while (parser.Feed(&p, &n) == FrameParser::State::kFrame) {
    auto d = DecodeRequest(parser.TakeFrame());
    if (!d.ok()) break;  // the connection would close here
    switch (d->request->body_type()) {
      case proto::RequestBody::LogStats:
      case proto::RequestBody::VerifyLog:
      case proto::RequestBody::RecomputeScores:
        continue;
      default:
        break;
    }
    Outcome o = w->handler->Handle(&session, *d);
    auto r = DecodeResponse(o.response);
    Check(r.ok(), "the answer is not a valid Response", *d);
    Check(r->response->request_id() == d->request_id() || r->response->request_id() == 0,
          "the answer carries another request's id", *d);
    if (o.close) break;
  }
  return 0;
}
