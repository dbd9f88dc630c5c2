// AutomationScheduler: rapportd's automation thread. It follows the log and fires event
// rules shortly after each append, and evaluates time rules every `timer_interval`
// (projections/automation_runner.h has the semantics and the exactly-once argument).
// Refused actions and failures are logged, never fatal: the next round tries again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "projections/automation_runner.h"

namespace rapport::server {

struct SchedulerOptions {
  // How often time rules are evaluated. Default: 60 s
  std::chrono::milliseconds timer_interval{60'000};
  // The clock automation acts at (tests inject one). Default: the system clock
  Clock* clock = nullptr;
  // After new events arrive, wait up to this long for more before a round (fewer, larger
  // rounds under load). Default: 20 ms
  std::chrono::milliseconds gather{20};
};

class AutomationScheduler {
 public:
  AutomationScheduler(events::EventLog* log, domain::CommandService* service, projections::ProjectionEngine* engine,
                      projections::AutomationOptions runner_options, SchedulerOptions options);
  ~AutomationScheduler();  // Stop()s

  void Start();
  // Finishes the round in progress and joins the thread.
  void Stop();

  // Rounds completed (for tests and stats).
  uint64_t rounds() const { return rounds_.load(); }
  // The last log position event rules and scoring have handled (the runner's checkpoint,
  // whether or not its file is written yet).
  uint64_t handled() const { return handled_.load(); }
  // CPU time the automation thread has used so far, in seconds (0 when not started).
  double cpu_seconds() const;

 private:
  void Loop();

  events::EventLog* log_;
  std::atomic<bool> stop_{false};  // before runner_, which asks it between batches
  std::atomic<uint64_t> handled_{0};
  projections::AutomationRunner runner_;
  SchedulerOptions options_;
  std::atomic<uint64_t> rounds_{0};
  std::thread thread_;
};

}  // namespace rapport::server
