// rapportd's automation thread (server/automation_scheduler.h): it fires event rules by itself,
// says which log position it has handled (from its first moment, also when it starts with
// nothing new to do), and a second scheduler on the same checkpoint fires nothing again.
// The thread is real, so the test waits for it, with a bound; the clock is injected.
#include <chrono>
#include <thread>

#include "../projections/projection_fixture.h"
#include "server/automation_scheduler.h"

using namespace rapport;
using namespace rapport::projections::testing;

namespace {

// Waits (up to 20 s) until `done` holds.
template <typename F>
bool Eventually(F&& done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

size_t CountEvents(events::EventLog* log, const std::string& type) {
  std::vector<events::Event> all;
  REQUIRE(log->ReadForward(1, 100000, &all).ok());
  return static_cast<size_t>(std::count_if(all.begin(), all.end(), [&](const events::Event& e) {
    return e.view().type_name() == type;
  }));
}

}  // namespace

TEST_CASE("the automation scheduler fires rules by itself and says what it has handled from its start",
          "[automation][server]") {
  ProjectionFixture f;
  f.Setup();
  auto engine = f.Engine();
  fb::DefineRuleT rule;
  rule.rule_id = "RUL-1";
  rule.definition = std::make_unique<fb::RuleDefinitionT>();
  rule.definition->name = "Tag physicists";
  rule.definition->trigger = fb::RuleTrigger::Event;
  rule.definition->event_type = "ContactCreated";
  auto cond = std::make_unique<fb::RuleConditionT>();
  cond->field = "title";
  cond->op = "contains";
  cond->value = "physicist";
  rule.definition->conditions.push_back(std::move(cond));
  auto tag = std::make_unique<fb::RuleActionT>();
  tag->kind = fb::RuleActionKind::AddTag;
  tag->tag = "science";
  rule.definition->actions.push_back(std::move(tag));
  f.Run("U-1", std::move(rule));

  projections::AutomationOptions ao;
  ao.checkpoint_path = f.dir.path() + "/automation.checkpoint";
  ao.checkpoint_interval = std::chrono::seconds(1);
  server::SchedulerOptions so;
  so.clock = &f.clock;
  so.timer_interval = std::chrono::hours(1);  // time rules are not under test here
  so.gather = std::chrono::milliseconds(0);

  {
    server::AutomationScheduler scheduler(f.log.get(), f.service.get(), engine.get(), ao, so);
    scheduler.Start();
    fb::CreateContactT c;
    c.contact_id = "C-1";
    c.first_name = "Marie";
    c.last_name = "Curie";
    c.title = "Physicist";
    f.Run("U-1", std::move(c));
    fb::CreateContactT other;
    other.contact_id = "C-2";
    other.first_name = "Ada";
    other.title = "Mathematician";
    f.Run("U-1", std::move(other));
    const uint64_t appended = f.log->LastPosition();
    REQUIRE(Eventually([&] { return scheduler.handled() >= appended; }));
    CHECK(f.service->Get("contact", "C-1")->List("tags") == std::vector<std::string>{"science"});
    CHECK(f.service->Get("contact", "C-2")->List("tags").empty());
    CHECK(scheduler.cpu_seconds() > 0);  // the thread's own CPU clock, read while it runs
    scheduler.Stop();
    CHECK(scheduler.cpu_seconds() == 0);  // stopped
  }
  CHECK(CountEvents(f.log.get(), "RuleFired") == 1);

  // A second scheduler on the same checkpoint, with nothing new in the log: it reports the
  // position it starts from at once, and fires nothing again.
  const uint64_t end = f.log->LastPosition();
  server::AutomationScheduler again(f.log.get(), f.service.get(), engine.get(), ao, so);
  CHECK(again.handled() == 0);  // not started
  again.Start();
  REQUIRE(Eventually([&] { return again.handled() == end; }));
  again.Stop();
  CHECK(f.log->LastPosition() == end);
  CHECK(CountEvents(f.log.get(), "RuleFired") == 1);
}
