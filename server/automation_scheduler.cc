#include "server/automation_scheduler.h"

#include <pthread.h>
#include <ctime>

#include "server/log_line.h"

namespace rapport::server {
namespace {

bool Report(const char* what, const Result<projections::AutomationReport>& r) {
  if (!r.ok()) {
    LogLine(LogLevel::kError, "automation round failed", {{"what", what}, {"error", r.status().ToString()}});
    return false;
  }
  if (r->firings > 0 || r->actions_run > 0 || r->scores_written > 0) {
    LogLine(LogLevel::kInfo, "automation",
            {{"what", what},
             {"firings", std::to_string(r->firings)},
             {"actions_run", std::to_string(r->actions_run)},
             {"actions_repeated", std::to_string(r->actions_repeated)},
             {"scores_written", std::to_string(r->scores_written)},
             {"position", std::to_string(r->to_position)}});
  }
  for (const auto& p : r->problems) LogLine(LogLevel::kWarn, "automation action refused", {{"problem", p}});
  return true;
}

projections::AutomationOptions WithStop(projections::AutomationOptions o, const std::atomic<bool>* stop) {
  o.should_stop = [stop] { return stop->load(); };
  return o;
}

}  // namespace

AutomationScheduler::AutomationScheduler(events::EventLog* log, domain::CommandService* service,
                                         projections::ProjectionEngine* engine,
                                         projections::AutomationOptions runner_options, SchedulerOptions options)
    : log_(log), runner_(log, service, engine, WithStop(std::move(runner_options), &stop_)), options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
}

AutomationScheduler::~AutomationScheduler() { Stop(); }

void AutomationScheduler::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rapport-automate");
    Loop();
  });
}

void AutomationScheduler::Stop() {
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
    Status s = runner_.Flush();
    if (!s.ok()) LogLine(LogLevel::kWarn, "automation checkpoint not saved", {{"error", s.ToString()}});
  }
}

double AutomationScheduler::cpu_seconds() const {
  if (!thread_.joinable()) return 0;
  clockid_t clock;
  timespec ts{};
  if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0) return 0;
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void AutomationScheduler::Loop() {
  auto next_timers = std::chrono::steady_clock::now();  // at once on start: missed windows fire
  while (!stop_) {
    auto cp = runner_.Checkpoint();
    uint64_t seen = cp.ok() ? *cp : 0;
    if (cp.ok()) handled_ = *cp;  // (the checkpoint read back, before any round)
    if (log_->LastPosition() <= seen) {
      // Wake for new events, the next timer round or Stop(), whichever comes first.
      auto wait = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(next_timers - std::chrono::steady_clock::now()),
                           std::chrono::milliseconds(200));
      if (wait.count() > 0) log_->WaitForEvents(seen, wait);
      if (log_->LastPosition() <= seen) {
        // Idle: save the checkpoint the busy rounds only saved once a second.
        Status s = runner_.Flush();
        if (!s.ok()) LogLine(LogLevel::kWarn, "automation checkpoint not saved", {{"error", s.ToString()}});
      }
    }
    if (stop_) break;
    bool ok = true;
    if (log_->LastPosition() > seen) {
      // Let a burst of appends gather: one round over many events costs less than many
      // rounds over one each, and a rule firing a moment later changes nothing.
      for (int i = 0; i < options_.gather.count() / 5 && !stop_ && log_->LastPosition() - seen < 512; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      ok = Report("events", runner_.RunEvents(options_.clock->NowMicros()));
      auto done = runner_.Checkpoint();
      if (done.ok()) handled_ = *done;
    }
    if (std::chrono::steady_clock::now() >= next_timers) {
      ok = Report("timers", runner_.RunTimers(options_.clock->NowMicros())) && ok;
      next_timers = std::chrono::steady_clock::now() + options_.timer_interval;
    }
    ++rounds_;
    // After a failure (the disk, say), wait a little before trying again.
    for (int i = 0; !ok && i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace rapport::server
