// Does automation slow appends? Durable CreateContact commands through CommandService from
// several threads, with rapportd's automation thread off, then with 50 active rules and the
// thread running (as rapportd runs it), in pairs taken in the order off-on, on-off, off-on, ...
// so that the machine's noise, and the log growing from one measurement to the next, hit both
// alike. The ratio is each pair's own (with / without), and its median is reported; so is the
// process's CPU time per command, which the disk's noise does not move.
//
//   rapport-bench-automation --dir build/bench-automation [--commands 30000] [--threads 8] [--pairs 3]
//
// The rules: 20 on ContactCreated whose conditions hold for no contact here (each still
// replays the contact and renders the event to test them), 2 on ContactCreated that fire for
// about 1 contact in 100 (a task and a tag: their own appends compete with the clients'), 20 on
// event types the load does not produce, and 8 time rules evaluated every second.
// Prints Markdown for docs/benchmarks.md.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/resource.h>

#include "domain/command_service.h"
#include "domain/rules.h"
#include "domain/scoring.h"
#include "projections/engine.h"
#include "server/automation_scheduler.h"
#include "server/log_line.h"

using namespace rapport;
using SteadyClock = std::chrono::steady_clock;

namespace {

void Die(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

template <typename T>
fb::CommandT Cmd(T body) {
  fb::CommandT c;
  c.body.Set(std::move(body));
  return c;
}

std::unique_ptr<fb::RuleConditionT> Cond(std::string field, std::string op, std::string value) {
  auto c = std::make_unique<fb::RuleConditionT>();
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

std::unique_ptr<fb::RuleActionT> Act(fb::RuleActionKind kind, std::string text, std::string assignee) {
  auto a = std::make_unique<fb::RuleActionT>();
  a->kind = kind;
  a->text = std::move(text);
  a->assignee = std::move(assignee);
  a->tag = "hot";
  return a;
}

std::vector<fb::RuleDefinitionT> FiftyRules(bool firing) {
  std::vector<fb::RuleDefinitionT> out;
  for (int i = 0; i < 20; ++i) {  // tested on every contact, never hold
    fb::RuleDefinitionT d;
    d.name = "Trade fair lead " + std::to_string(i);
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "ContactCreated";
    d.conditions.push_back(Cond("source", "=", "trade fair " + std::to_string(i)));
    d.actions.push_back(Act(fb::RuleActionKind::CreateTask, "Call {name}", "U-2"));
    out.push_back(std::move(d));
  }
  for (int i = 0; i < 2; ++i) {  // about 1 in 100 contacts
    fb::RuleDefinitionT d;
    d.name = "Lucky contact " + std::to_string(i);
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = "ContactCreated";
    // "17x" matches C17x, C117x, ...: about 1 contact in 100. Without --firing, nothing.
    d.conditions.push_back(Cond("last_name", "contains", firing ? std::to_string(i) + "7x" : "never"));
    d.actions.push_back(Act(i == 0 ? fb::RuleActionKind::CreateTask : fb::RuleActionKind::AddTag, "Call {name}", "U-2"));
    out.push_back(std::move(d));
  }
  const char* others[] = {"DealStageMoved", "DealWon", "DealLost", "TicketOpened", "FormSubmitted"};
  for (int i = 0; i < 20; ++i) {  // event types the load does not produce
    fb::RuleDefinitionT d;
    d.name = "Other " + std::to_string(i);
    d.trigger = fb::RuleTrigger::Event;
    d.event_type = others[i % 5];
    d.actions.push_back(Act(fb::RuleActionKind::Notify, "{name} changed", "U-2"));
    out.push_back(std::move(d));
  }
  fb::RuleTrigger timers[] = {fb::RuleTrigger::DealIdle,      fb::RuleTrigger::CloseDateNear,
                              fb::RuleTrigger::RenewalNear,   fb::RuleTrigger::TaskOverdue,
                              fb::RuleTrigger::TicketWaiting, fb::RuleTrigger::LeadUncontacted,
                              fb::RuleTrigger::DealIdle,      fb::RuleTrigger::TaskOverdue};
  for (int i = 0; i < 8; ++i) {
    fb::RuleDefinitionT d;
    d.name = "Timer " + std::to_string(i);
    d.trigger = timers[i];
    d.wait_minutes = 14 * 24 * 60;
    d.actions.push_back(Act(fb::RuleActionKind::Notify, "{name} needs attention", "U-2"));
    out.push_back(std::move(d));
  }
  return out;
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of the whole process (every thread, user and system), in seconds.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rapport automation benchmark: appends with and without 50 active rules"};
  std::string dir = "build/bench-automation";
  int commands = 30000, threads = 8, pairs = 3;
  bool firing = true, scoring = false;
  app.add_option("--dir", dir, "Scratch data directory (wiped)");
  app.add_option("--commands", commands, "CreateContact commands per measurement");
  app.add_option("--threads", threads, "Client threads");
  app.add_option("--pairs", pairs, "Measurements without and with rules, alternated");
  app.add_option("--firing", firing, "Whether 2 of the rules fire (for about 1 contact in 100 each)");
  app.add_option("--scoring", scoring,
                 "Also set the starter lead-scoring model: every new contact is scored (a LeadScored each)");
  CLI11_PARSE(app, argc, argv);
  server::SetLogLevel(server::LogLevel::kWarn);
  std::filesystem::remove_all(dir);

  events::LogOptions lo;
  lo.dir = dir;
  std::unique_ptr<events::EventLog> log;
  Die(events::EventLog::Open(lo, &log), "open");
  auto service = domain::CommandService::Open(log.get());
  Die(service.status(), "service");
  Micros now = SystemClock()->NowMicros();
  {
    fb::CreateWorkspaceT w;
    w.name = "Bench";
    w.home_currency = "EUR";
    w.admin_user_id = "U-1";
    w.admin_name = "Admin";
    w.admin_email = "admin@bench.example";
    Die((*service)->Execute(domain::Actor::System(), Cmd(std::move(w)), now).status(), "workspace");
  }
  auto admin = (*service)->ActorFor("U-1");
  Die(admin.status(), "admin");
  {
    fb::CreateUserT u;
    u.user_id = "U-2";
    u.name = "Rep";
    u.email = "rep@bench.example";
    u.role = fb::Role::Rep;
    Die((*service)->Execute(*admin, Cmd(std::move(u)), now).status(), "user");
  }
  auto engine = projections::ProjectionEngine::Open(log.get());
  Die(engine.status(), "engine");
  Die((*engine)->CatchUp(), "catch up");
  (*engine)->StartFollowing();

  std::atomic<int> serial{0};
  auto measure = [&]() {
    std::atomic<int> next{0};
    auto t0 = SteadyClock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = next++; i < commands; i = next++) {
          fb::CreateContactT c;
          c.first_name = "Bench";
          c.last_name = "C" + std::to_string(serial++) + "x";
          Die((*service)->Execute(*admin, Cmd(std::move(c)), SystemClock()->NowMicros()).status(), "execute");
        }
      });
    }
    for (auto& t : ts) t.join();
    return commands / Seconds(SteadyClock::now() - t0);
  };

  // The rules (and the scoring model) are defined before the first measurement: without the
  // automation thread they are records nobody reads, so "off" appends exactly what a workspace
  // without rules appends.
  for (auto& d : FiftyRules(firing)) {
    fb::DefineRuleT r;
    r.definition = std::make_unique<fb::RuleDefinitionT>(std::move(d));
    Die((*service)->Execute(*admin, Cmd(std::move(r)), SystemClock()->NowMicros()).status(), "rule");
  }
  if (scoring) {
    fb::SetScoringModelT m;
    m.model = std::make_unique<fb::ScoringModelT>(domain::StarterScoringModel());
    Die((*service)->Execute(*admin, Cmd(std::move(m)), SystemClock()->NowMicros()).status(), "model");
  }

  struct Measurement {
    double per_second = 0;     // while the clients ran
    double end_to_end = 0;     // counting until automation had caught up too
    double lag = 0;            // seconds automation needed after the clients were done
    double cpu_us_per_command = 0;
    double automation_cpu_us_per_command = 0;  // of which the automation thread's
  };
  auto measure_off = [&] {
    Measurement m;
    double cpu0 = ProcessCpuSeconds();
    m.per_second = m.end_to_end = measure();
    m.cpu_us_per_command = (ProcessCpuSeconds() - cpu0) * 1e6 / commands;
    return m;
  };
  auto measure_on = [&] {
    projections::AutomationOptions ao;
    ao.checkpoint_path = dir + "/automation.checkpoint";
    ao.checkpoint_interval = std::chrono::seconds(1);  // as rapportd
    server::SchedulerOptions so;
    so.timer_interval = std::chrono::seconds(1);
    server::AutomationScheduler scheduler(log.get(), service->get(), engine->get(), ao, so);
    // Start with automation caught up, so the measurement sees its steady state.
    scheduler.Start();
    while (scheduler.handled() < log->LastPosition()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Measurement m;
    double cpu0 = ProcessCpuSeconds();
    double automation_cpu0 = scheduler.cpu_seconds();
    m.per_second = measure();
    // Automation may still be behind when the clients are done: the time it takes to catch up
    // with what they appended is part of its cost.
    auto caught_up_from = SteadyClock::now();
    uint64_t target = log->LastPosition();
    while (scheduler.handled() < target) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    m.lag = Seconds(SteadyClock::now() - caught_up_from);
    m.cpu_us_per_command = (ProcessCpuSeconds() - cpu0) * 1e6 / commands;
    m.automation_cpu_us_per_command = (scheduler.cpu_seconds() - automation_cpu0) * 1e6 / commands;
    m.end_to_end = commands / (commands / m.per_second + m.lag);
    scheduler.Stop();
    return m;
  };

  std::vector<Measurement> off, on;
  for (int p = 0; p < pairs; ++p) {
    if (p % 2 == 0) {
      off.push_back(measure_off());
      on.push_back(measure_on());
    } else {
      on.push_back(measure_on());
      off.push_back(measure_off());
    }
  }
  (*engine)->StopFollowing();

  auto column = [](const std::vector<Measurement>& ms, double Measurement::*field) {
    std::vector<double> v;
    for (const auto& m : ms) v.push_back(m.*field);
    return v;
  };
  std::vector<double> ratios, ratios_end_to_end;
  for (int p = 0; p < pairs; ++p) {
    ratios.push_back(on[p].per_second / off[p].per_second);
    ratios_end_to_end.push_back(on[p].end_to_end / off[p].per_second);
  }
  const char* what = firing ? "50 active rules (2 firing for ~1 contact in 100)" : "50 active rules (none firing)";
  std::printf("| Durable CreateContact, %d threads, in-process, %d pairs | commands/s (median) | CPU µs per command (median) | ratio (median of the pairs') |\n",
              threads, pairs);
  std::printf("|---|---:|---:|---:|\n");
  std::printf("| automation off | %.0f | %.0f | 1.00 |\n", Median(column(off, &Measurement::per_second)),
              Median(column(off, &Measurement::cpu_us_per_command)));
  std::printf("| %s%s, automation thread running | %.0f | %.0f | %.2f |\n", what,
              scoring ? " and the starter scoring model" : "", Median(column(on, &Measurement::per_second)),
              Median(column(on, &Measurement::cpu_us_per_command)), Median(ratios));
  std::printf("| the same, counting until automation has caught up | %.0f | | %.2f |\n",
              Median(column(on, &Measurement::end_to_end)), Median(ratios_end_to_end));
  std::printf("\nEach measurement: %d commands. Pairs (off / on commands/s, ratio): ", commands);
  for (int p = 0; p < pairs; ++p) std::printf("%s%.0f/%.0f %.2f", p ? ", " : "", off[p].per_second, on[p].per_second, ratios[p]);
  std::printf(". The automation thread's CPU µs per command: ");
  for (const auto& m : on) std::printf("%.1f ", m.automation_cpu_us_per_command);
  std::printf(". Automation caught up after the clients in: ");
  for (const auto& m : on) std::printf("%.2f ", m.lag);
  std::printf("s\n");

  Die(log->Close(), "close");
  return 0;
}
