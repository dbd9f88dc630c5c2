// A log whose clock the test controls, the command service over it, and a projection engine:
// commands run at chosen recorded instants, with chosen business times.
#pragma once

#include "../domain/domain_harness.h"
#include "../events/log_test_util.h"
#include "domain/command_service.h"
#include "projections/engine.h"
#include "projections/queries.h"
#include "projections/queries_json.h"

namespace rapport::projections::testing {

using domain::testing::Cmd;
using domain::testing::Field;
using domain::testing::Money;

inline Micros Day(int y, unsigned m, unsigned d, int hour = 12) {
  return DaysFromCivil(y, m, d) * kMicrosPerDay + hour * 3600 * kMicrosPerSecond;
}
inline int32_t DateOf(int y, unsigned m, unsigned d) { return static_cast<int32_t>(DaysFromCivil(y, m, d)); }

class ProjectionFixture {
 public:
  explicit ProjectionFixture(Micros start = Day(2025, 1, 1)) : clock(start) {
    events::LogOptions o = events::TestOptions(dir.path(), &clock);
    log = events::OpenOrDie(o);
    service = std::move(*domain::CommandService::Open(log.get()));
  }

  // Runs a command as `user` at the clock's current time, recorded now, with business time
  // `occurred` (0 = now). Returns the result (failing the test on error).
  template <typename T>
  fb::CommandResultT Run(const std::string& user, T body, Micros occurred = 0) {
    fb::CommandT c = Cmd(std::move(body));
    c.occurred_at_us = occurred;
    domain::Actor actor = domain::Actor::System();
    if (!user.empty()) {
      auto a = service->ActorFor(user);
      REQUIRE(a.ok());
      actor = *a;
    }
    auto r = service->Execute(actor, c, clock.NowMicros());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return *r;
  }
  template <typename T>
  Status Try(const std::string& user, T body, Micros occurred = 0) {
    fb::CommandT c = Cmd(std::move(body));
    c.occurred_at_us = occurred;
    auto a = service->ActorFor(user);
    if (!a.ok()) return a.status();
    auto r = service->Execute(*a, c, clock.NowMicros());
    return r.ok() ? Status::Ok() : r.status();
  }

  // An engine caught up with the log.
  std::unique_ptr<ProjectionEngine> Engine(EngineOptions options = {}) {
    auto e = ProjectionEngine::Open(log.get(), options);
    REQUIRE(e.ok());
    REQUIRE((*e)->CatchUp().ok());
    return std::move(*e);
  }

  // Workspace (EUR), admin U-1, manager U-2 of team T-1 (U-3, U-4), reps U-3, U-4, U-5 (no
  // team), pipeline PL-1 with q (10 %), p (50 %), n (80 %).
  void Setup() {
    fb::CreateWorkspaceT w;
    w.name = "Acme";
    w.home_currency = "EUR";
    w.admin_user_id = "U-1";
    w.admin_name = "Ada";
    w.admin_email = "ada@acme.example";
    Run("", std::move(w));
    for (auto [id, role] : {std::pair{"U-2", fb::Role::Manager}, {"U-3", fb::Role::Rep},
                            {"U-4", fb::Role::Rep}, {"U-5", fb::Role::Rep}}) {
      fb::CreateUserT u;
      u.user_id = id;
      u.name = std::string("User ") + id;
      u.email = std::string(id) + "@acme.example";
      u.role = role;
      Run("U-1", std::move(u));
    }
    fb::CreateTeamT t;
    t.team_id = "T-1";
    t.name = "North";
    t.manager_id = "U-2";
    t.member_ids = {"U-3", "U-4"};
    Run("U-1", std::move(t));
    fb::CreatePipelineT p;
    p.pipeline_id = "PL-1";
    p.name = "Sales";
    for (auto [id, prob] : {std::pair{"q", 10}, {"p", 50}, {"n", 80}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = std::string("Stage ") + id;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    Run("U-1", std::move(p));
  }

  events::TempDir dir;
  ManualClock clock;
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<domain::CommandService> service;
};

}  // namespace rapport::projections::testing
