// A real event log in a temporary directory with a CommandService over it, set up like the
// domain harness: workspace "Acme" (EUR), admin u-admin, manager u-grace of team t-north
// (u-alan, u-ada), reps u-alan, u-ada, u-bob, analyst u-ann, pipeline pl-sales (s1, s2, s3).
#pragma once

#include "../domain/domain_harness.h"
#include "../events/log_test_util.h"
#include "domain/command_service.h"

namespace rapport::domain::testing {

class ServiceFixture {
 public:
  explicit ServiceFixture(ServiceOptions service_options = {}) : options(service_options) {
    Open();
    Setup();
  }

  void Open() {
    log = events::OpenOrDie(events::TestOptions(dir.path()));
    auto s = CommandService::Open(log.get(), options);
    REQUIRE(s.ok());
    service = std::move(*s);
  }
  // Closes and reopens the log and the service, as a restart would.
  void Reopen() {
    service.reset();
    log.reset();
    Open();
  }

  Actor As(const std::string& user) {
    auto a = service->ActorFor(user);
    INFO(a.status().ToString());
    REQUIRE(a.ok());
    return *a;
  }

  Result<fb::CommandResultT> Exec(const Actor& actor, fb::CommandT cmd) {
    return service->Execute(actor, cmd, now);
  }
  fb::CommandResultT MustExec(const Actor& actor, fb::CommandT cmd) {
    auto r = Exec(actor, std::move(cmd));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }

  ServiceOptions options;
  events::TempDir dir;
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<CommandService> service;
  Micros now = kNow;

 private:
  void Setup() {
    fb::CreateWorkspaceT ws;
    ws.name = "Acme";
    ws.home_currency = "EUR";
    ws.admin_user_id = "u-admin";
    ws.admin_name = "Ada Admin";
    ws.admin_email = "admin@acme.example";
    MustExec(Actor::System(), Cmd(std::move(ws)));
    for (auto [id, role] : {std::pair{"u-grace", fb::Role::Manager}, {"u-alan", fb::Role::Rep},
                            {"u-ada", fb::Role::Rep}, {"u-bob", fb::Role::Rep},
                            {"u-ann", fb::Role::Analyst}}) {
      fb::CreateUserT u;
      u.user_id = id;
      u.name = id;
      u.email = std::string(id) + "@acme.example";
      u.role = role;
      MustExec(As("u-admin"), Cmd(std::move(u)));
    }
    fb::CreateTeamT t;
    t.team_id = "t-north";
    t.name = "North";
    t.manager_id = "u-grace";
    t.member_ids = {"u-alan", "u-ada"};
    MustExec(As("u-admin"), Cmd(std::move(t)));
    fb::CreatePipelineT p;
    p.pipeline_id = "pl-sales";
    p.name = "Sales";
    for (auto [id, prob] : {std::pair{"s1", 10}, {"s2", 40}, {"s3", 80}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = std::string("Stage ") + id;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    MustExec(As("u-admin"), Cmd(std::move(p)));
  }
};

}  // namespace rapport::domain::testing
