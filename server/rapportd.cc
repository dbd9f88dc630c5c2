// rapportd: serves a rapport data directory over the protocol of docs/protocol.md.
//
//   rapportd --data DIR --listen 127.0.0.1:7420
//
// Structured log lines (logfmt) go to stderr. SIGINT/SIGTERM shut down gracefully.
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "domain/command_service.h"
#include "domain/token.h"
#include "events/allocator.h"
#include "events/event_log.h"
#include "projections/engine.h"
#include "server/automation_scheduler.h"
#include "server/log_line.h"
#include "server/server.h"

namespace {

using rapport::Status;
using rapport::server::LogLevel;
using rapport::server::LogLine;

struct Args {
  std::string data;
  std::string listen = "127.0.0.1:7420";
  std::string log_level = "info";
  std::string workspace_name = "My company", currency = "EUR", admin_name = "Administrator",
              admin_email = "admin@example.com";
  uint64_t snapshot_every = 1'000'000;
  int idle_timeout_s = 300, hello_timeout_s = 10, shutdown_grace_s = 10;
  int automation_interval_s = 60;
  bool no_automation = false;
};

int Fail(const Status& s, const std::string& what) {
  LogLine(LogLevel::kError, what, {{"error", s.ToString()}});
  return s.code() == rapport::StatusCode::kUnavailable ? 6 : 1;
}

bool SplitListen(const std::string& text, std::string* host, uint16_t* port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  try {
    size_t used = 0;
    unsigned long p = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

// First start: the workspace, its admin, and one admin token whose secret is written to
// DIR/initial-admin-token (mode 0600) so the operator can connect and make proper ones.
Status Bootstrap(rapport::domain::CommandService* service, const Args& a, const std::string& dir) {
  using namespace rapport;
  fb::CommandT cmd;
  cmd.command_id = "init";
  fb::CreateWorkspaceT w;
  w.workspace_id = "main";
  w.name = a.workspace_name;
  w.home_currency = a.currency;
  w.time_zone = "UTC";
  w.admin_name = a.admin_name;
  w.admin_email = a.admin_email;
  cmd.body.Set(std::move(w));
  Micros now = SystemClock()->NowMicros();
  auto r = service->Execute(domain::Actor::System(), cmd, now);
  if (!r.ok()) return r.status().WithContext("creating the workspace");
  auto users = service->directory().users();  // just the admin the workspace was created with
  if (users.empty()) return Status::FailedPrecondition("the new workspace has no admin user");
  std::string admin = users.begin()->first;
  std::array<uint8_t, 32> random;
  randombytes_buf(random.data(), random.size());
  std::string secret = domain::FormatTokenSecret(random);
  fb::CommandT tc;
  tc.command_id = "init-admin-token";
  fb::IssueTokenT t;
  t.user_id = admin;
  t.name = "initial admin token (rapportd first start)";
  t.secret_hash = domain::HashTokenSecret(secret);
  t.hint = domain::TokenHint(secret);
  tc.body.Set(std::move(t));
  auto tr = service->Execute(domain::Actor::System(), tc, now);
  if (!tr.ok()) return tr.status().WithContext("issuing the first admin token");
  std::string path = dir + "/initial-admin-token";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + path);
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + path);
  LogLine(LogLevel::kInfo, "first start: workspace created",
          {{"workspace", a.workspace_name}, {"admin", admin}, {"token", tr->record_id}, {"token_file", path}});
  std::cerr << "\nrapportd: first start. The workspace and its admin " << admin << " exist now.\n"
            << "Connect as the admin with the token in " << path << ":\n"
            << "  export RAPPORT_TOKEN=$(cat " << path << ")\n"
            << "  rapport --connect " << a.listen << " token create --user " << admin << " --name 'my laptop'\n"
            << "then use the new token, delete " << path << " and revoke " << tr->record_id
            << " (rapport token revoke " << tr->record_id << ").\n\n";
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  rapport::server::ServerOptions so;
  CLI::App app{"rapportd: serves a rapport data directory to `rapport --connect` and other clients (docs/protocol.md)"};
  app.add_option("--data", a.data, "Data directory (default: $RAPPORT_DATA, else ./rapport-data); created on first start");
  app.add_option("--listen", a.listen, "Address to listen on, HOST:PORT (only loopback unless you say otherwise)")
      ->capture_default_str();
  app.add_option("--io-threads", so.io_threads, "Network threads")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--workers", so.worker_threads, "Threads running queries and commands that must read first")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--max-frame-bytes", so.max_frame_bytes, "Largest request frame accepted")
      ->capture_default_str()->check(CLI::Range(size_t{1024}, size_t{64} << 20));
  app.add_option("--max-connections", so.max_connections, "Open connections at most")->capture_default_str();
  app.add_option("--max-in-flight", so.max_in_flight, "Requests in flight per connection")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--max-request-bytes", so.max_request_bytes,
                 "Bytes of requests per connection received and not yet answered; reading pauses beyond")
      ->capture_default_str()->check(CLI::Range(size_t{1}, size_t{1} << 34));
  app.add_option("--idle-timeout", a.idle_timeout_s, "Seconds before an idle connection is closed")
      ->capture_default_str()->check(CLI::Range(1, 86400 * 7));
  app.add_option("--hello-timeout", a.hello_timeout_s, "Seconds a new connection has to authenticate")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--max-subscriber-lag", so.max_subscriber_lag, "Events a live subscriber may fall behind")
      ->capture_default_str();
  app.add_option("--feed-buffer-bytes", so.max_outbound_bytes, "Answer and feed bytes queued per connection; reading pauses at this bound until the client reads")->capture_default_str();
  app.add_option("--shutdown-grace", a.shutdown_grace_s, "Seconds shutdown waits for in-flight work")->capture_default_str();
  app.add_option("--snapshot-every", a.snapshot_every, "Read-model snapshot every N events")->capture_default_str();
  app.add_option("--backup-root", so.handler.backup_root,
                 "Directory under which admins may take backups over the protocol (`rapport --connect ... "
                 "backup NAME`); without it such backups are refused")
      ->type_name("DIR");
  app.add_option("--automation-interval", a.automation_interval_s,
                 "Seconds between evaluations of time rules (event rules fire as events arrive)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_flag("--no-automation", a.no_automation, "Do not run automation rules in this process");
  app.add_option("--log-level", a.log_level, "debug, info, warn or error")->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  auto* first = app.add_option_group("first start", "Used only when the data directory is empty");
  first->add_option("--workspace-name", a.workspace_name, "Workspace (company) name")->capture_default_str();
  first->add_option("--currency", a.currency, "Home currency")->capture_default_str();
  first->add_option("--admin-name", a.admin_name, "The first admin's name")->capture_default_str();
  first->add_option("--admin-email", a.admin_email, "The first admin's email")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  LogLevel level;
  rapport::server::ParseLogLevel(a.log_level, &level);
  rapport::server::SetLogLevel(level);
  if (a.data.empty()) a.data = std::getenv("RAPPORT_DATA") ? std::getenv("RAPPORT_DATA") : "rapport-data";
  if (!SplitListen(a.listen, &so.host, &so.port)) {
    std::cerr << "rapportd: --listen: '" << a.listen << "' is not HOST:PORT (e.g. 127.0.0.1:7420)\n";
    return 2;
  }
  so.idle_timeout = std::chrono::seconds(a.idle_timeout_s);
  so.hello_timeout = std::chrono::seconds(a.hello_timeout_s);
  if (!so.handler.backup_root.empty()) {
    so.handler.backup_root = std::filesystem::absolute(so.handler.backup_root).lexically_normal().string();
  }
  so.shutdown_grace = std::chrono::seconds(a.shutdown_grace_s);
  if (sodium_init() < 0) {
    std::cerr << "rapportd: libsodium failed to initialise\n";
    return 1;
  }

  // Signals are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  rapport::events::LogOptions lo;
  lo.dir = a.data;
  lo.program_name = "rapportd";
  std::unique_ptr<rapport::events::EventLog> log;
  rapport::events::OpenReport report;
  Status s = rapport::events::EventLog::Open(lo, &log, &report);
  if (!s.ok()) {
    if (s.code() == rapport::StatusCode::kUnavailable) {
      std::cerr << "rapportd: " << s.message() << "\nStop that process first, or serve another --data directory.\n";
      return 6;
    }
    return Fail(s, "cannot open the data directory");
  }
  LogLine(LogLevel::kInfo, "log opened",
          {{"data", a.data}, {"last_position", std::to_string(report.last_position)},
           {"unclean_shutdown", report.unclean_shutdown ? "true" : "false"}});
  auto service = rapport::domain::CommandService::Open(log.get());
  if (!service.ok()) return Fail(service.status(), "cannot load the workspace");
  if (!(*service)->initialised()) {
    s = Bootstrap(service->get(), a, a.data);
    if (!s.ok()) return Fail(s, "first start failed");
  }
  rapport::projections::EngineOptions eo;
  eo.snapshot_every = a.snapshot_every;
  eo.progress = [](uint64_t done, uint64_t total) {
    if (total < 100000) return;
    LogLine(LogLevel::kInfo, "catching up read models", {{"applied", std::to_string(done)}, {"of", std::to_string(total)}});
  };
  auto engine = rapport::projections::ProjectionEngine::Open(log.get(), eo);
  if (!engine.ok()) return Fail(engine.status(), "cannot open the read models");
  s = (*engine)->CatchUp();
  if (!s.ok()) return Fail(s, "cannot build the read models");
  LogLine(LogLevel::kInfo, "read models ready",
          {{"position", std::to_string((*engine)->position())},
           {"seconds", std::to_string((*engine)->report().seconds)}});
  (*engine)->StartFollowing();

  rapport::server::Server server(log.get(), service->get(), engine->get(), so);
  s = server.Start();
  if (!s.ok()) return Fail(s, "cannot listen");
  std::unique_ptr<rapport::server::AutomationScheduler> automation;
  if (!a.no_automation) {
    rapport::projections::AutomationOptions ao;
    ao.checkpoint_path = log->dir() + "/automation.checkpoint";
    ao.checkpoint_interval = std::chrono::seconds(1);
    rapport::server::SchedulerOptions sched;
    sched.timer_interval = std::chrono::seconds(a.automation_interval_s);
    automation = std::make_unique<rapport::server::AutomationScheduler>(log.get(), service->get(), engine->get(), ao, sched);
    automation->Start();
    LogLine(LogLevel::kInfo, "automation running", {{"timer_interval_s", std::to_string(a.automation_interval_s)}});
  }
  LogLine(LogLevel::kInfo, "listening",
          {{"addr", so.host + ":" + std::to_string(server.port())}, {"pid", std::to_string(::getpid())},
           {"allocator", std::string(rapport::ActiveAllocator())}});

  int sig = 0;
  sigwait(&signals, &sig);
  LogLine(LogLevel::kInfo, "signal received", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (automation) automation->Stop();
  server.Shutdown();
  s = (*engine)->Close();
  if (!s.ok()) LogLine(LogLevel::kWarn, "read-model snapshot at shutdown failed", {{"error", s.ToString()}});
  s = log->Close();
  if (!s.ok()) return Fail(s, "closing the log failed");
  LogLine(LogLevel::kInfo, "stopped cleanly",
          {{"requests", std::to_string(server.counters().requests.load())},
           {"last_position", std::to_string(log->LastPosition())}});
  return 0;
}
