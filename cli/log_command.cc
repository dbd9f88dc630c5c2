#include "cli/log_command.h"

#include <iostream>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "cli/session.h"
#include "cli/table.h"
#include "events/event_json.h"
#include "events/event_log.h"
#include "events/log_reports.h"

namespace rapport::cli {
namespace {

struct TailOptions {
  size_t count = 20;
  uint64_t from = 0;
  bool follow = false;
};

std::string Summary(const events::EventView& e) {
  if (!e.known_type()) return "(event type unknown to this rapport; upgrade to read it)";
  auto j = events::PayloadToJson(e);
  return j.is_null() ? "" : j.dump();
}

// One line per event, for a stream that never ends (a table cannot align it).
void PrintEventLine(const GlobalOptions& g, const events::EventView& v) {
  if (g.json) {
    std::cout << events::EventToJson(v).dump() << "\n";
    return;
  }
  std::cout << v.position() << "  " << FormatIso8601(v.recorded_at_us()) << "  " << v.stream_type() << "/"
            << v.stream_id() << " v" << v.stream_version() << "  " << v.type_name() << "  by " << v.actor() << "  "
            << Truncate(Summary(v), 100) << "\n";
}

int FollowRemote(const GlobalOptions& g, server::Client* c, uint64_t from) {
  auto sub = c->Subscribe({from, {}, {}, {}});
  if (!sub.ok()) return ReportError(g, sub.status());
  if (!g.json) std::cerr << "following the log from position " << from << " (Ctrl-C to stop)" << std::endl;
  for (;;) {
    auto evs = c->NextEvents(*sub, std::chrono::seconds(30));
    if (!evs.ok()) return ReportError(g, evs.status());
    for (const auto& e : *evs) PrintEventLine(g, e.view());
    std::cout << std::flush;
    if (evs->empty() && !c->Ping().ok()) return ReportError(g, c->broken());
  }
}

int RunTail(const GlobalOptions& g, const TailOptions& o) {
  if (g.remote()) {
    std::unique_ptr<Session> session;
    Status s = OpenSession(g, false, false, &session);
    if (!s.ok()) return ReportError(g, s);
    server::Client* c = RemoteClient(session.get());
    auto last = c->Ping();
    if (!last.ok()) return ReportError(g, last.status());
    uint64_t from = o.from != 0 ? o.from : (*last > o.count ? *last - o.count + 1 : 1);
    if (o.follow) {
      // The feed sends the backlog from `from`, then live events: no gap, no repeat.
      return FollowRemote(g, c, from);
    }
    std::vector<events::Event> evs;
    while (evs.size() < o.count) {
      uint64_t next = 0;
      auto batch = c->ReadLog(from, static_cast<uint32_t>(std::min<size_t>(1000, o.count - evs.size())), &next);
      if (!batch.ok()) return ReportError(g, batch.status());
      if (batch->empty()) break;
      for (auto& e : *batch) evs.push_back(std::move(e));
      from = next;
    }
    PrintEvents(g, evs);
    return kExitOk;
  }
  std::unique_ptr<events::EventLog> log;
  Status s = o.follow ? OpenLogFollower(g, &log) : OpenLog(g, false, &log);
  if (!s.ok()) return ReportError(g, s);
  uint64_t last = log->LastPosition();
  uint64_t from = o.from != 0 ? o.from : (last > o.count ? last - o.count + 1 : 1);
  if (o.follow) {
    if (!g.json) std::cerr << "following the log from position " << from << " (Ctrl-C to stop)" << std::endl;
    for (;;) {
      std::vector<events::Event> evs;
      s = log->ReadForward(from, 1000, &evs);
      if (!s.ok()) return ReportError(g, s);
      for (const auto& e : evs) PrintEventLine(g, e.view());
      std::cout << std::flush;
      if (!evs.empty()) {
        from = evs.back()->position() + 1;
        continue;
      }
      // Other processes append; pick up what they wrote.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      s = log->CatchUpWithPrimary();
      if (!s.ok()) return ReportError(g, s);
    }
  }
  std::vector<events::Event> evs;
  s = log->ReadForward(from, o.count, &evs);
  if (!s.ok()) return ReportError(g, s);
  PrintEvents(g, evs);
  return kExitOk;
}

// The event at `position`, from the data directory or through rapportd.
Result<events::Event> EventAt(const GlobalOptions& g, uint64_t position) {
  if (g.remote()) {
    std::unique_ptr<Session> session;
    RAPPORT_RETURN_IF_ERROR(OpenSession(g, false, false, &session));
    auto evs = RemoteClient(session.get())->ReadLog(position, 1);
    if (!evs.ok()) return evs.status();
    if (evs->empty() || (*evs)[0]->position() != position) {
      // Past the end, or an event this user may not read (API token events are for admins).
      return Status::NotFound("no event at position " + std::to_string(position) + " that you may read");
    }
    return std::move((*evs)[0]);
  }
  std::unique_ptr<events::EventLog> log;
  RAPPORT_RETURN_IF_ERROR(OpenLog(g, false, &log));
  return log->Get(position);
}

int RunShow(const GlobalOptions& g, uint64_t position) {
  auto e = EventAt(g, position);
  if (!e.ok()) return ReportError(g, e.status());
  auto j = events::EventToJson(e->view());
  if (g.json) {
    std::cout << j.dump() << std::endl;
    return kExitOk;
  }
  Table t({{"FIELD"}, {"VALUE", Table::Align::kLeft, 200}});
  for (auto& [k, v] : j.items()) {
    if (k == "payload") continue;
    t.AddRow({k, v.is_string() ? v.get<std::string>() : v.dump()});
  }
  t.Print(std::cout);
  if (j.contains("payload")) std::cout << "\npayload:\n" << j["payload"].dump(2) << std::endl;
  return kExitOk;
}

// Runs an admin question on the data directory, or over --connect on rapportd's log.
Result<nlohmann::ordered_json> AskLog(const GlobalOptions& g,
                                      const std::function<Result<nlohmann::ordered_json>(events::EventLog&)>& local,
                                      const std::function<Result<nlohmann::ordered_json>(server::Client&)>& remote) {
  if (g.remote()) {
    std::unique_ptr<Session> session;
    RAPPORT_RETURN_IF_ERROR(OpenRemoteSession(g, &session));
    return remote(*RemoteClient(session.get()));
  }
  std::unique_ptr<events::EventLog> log;
  RAPPORT_RETURN_IF_ERROR(OpenLog(g, false, &log));
  return local(*log);
}

int RunVerify(const GlobalOptions& g, bool skip_checksums) {
  bool tty = StderrIsTerminal() && !g.json;
  auto r = AskLog(
      g,
      [&](events::EventLog& log) -> Result<nlohmann::ordered_json> {
        events::VerifyOptions vo;
        vo.check_file_checksums = !skip_checksums;
        if (tty) {
          vo.progress = [](uint64_t done, uint64_t total) {
            int pct = total ? static_cast<int>(100 * done / total) : 100;
            std::cerr << "\rverifying: " << done << " / " << total << " events (" << pct << "%)" << std::flush;
          };
        }
        auto report = log.Verify(vo);
        if (tty) std::cerr << "\r\033[K";
        if (!report.ok()) return report.status();
        return events::VerifyReportToJson(*report);
      },
      [&](server::Client& c) {
        if (tty) std::cerr << "rapportd is verifying its log (no progress over --connect)..." << std::flush;
        auto j = c.VerifyLog(skip_checksums);
        if (tty) std::cerr << "\r\033[K";
        return j;
      });
  if (!r.ok()) return ReportError(g, r.status());
  const auto& j = *r;
  const bool ok = j.value("ok", false);
  const uint64_t problems = j.value("problem_count", uint64_t{0});
  if (g.json) {
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << (ok ? "log verified: no problems\n" : "log verification FAILED\n");
    Table t({{"CHECKED"}, {"COUNT", Table::Align::kRight}});
    auto count = [&](const char* k) { return std::to_string(j.value(k, uint64_t{0})); };
    t.AddRow({"events", count("events_checked")});
    t.AddRow({"events of unknown types (skipped, not errors)", count("unknown_type_events")});
    t.AddRow({"streams", count("streams_checked")});
    t.AddRow({"stream index entries", count("stream_entries_checked")});
    t.AddRow({"commands", count("commands_checked")});
    t.AddRow({"problems", count("problem_count")});
    t.Print(std::cout);
    size_t listed = 0;
    if (j.contains("problems")) {
      for (const auto& p : j["problems"]) {
        std::cout << "  - " << p.get<std::string>() << "\n";
        ++listed;
      }
    }
    if (problems > listed) std::cout << "  ... and " << (problems - listed) << " more\n";
  }
  if (!ok) {
    std::cerr << "rapport: corruption: the log has " << problems
              << " problem(s); restore from a backup (`rapport restore`) or keep this "
                 "directory for inspection"
              << std::endl;
    return kExitCorruption;
  }
  return kExitOk;
}

int RunStats(const GlobalOptions& g) {
  auto r = AskLog(
      g, [](events::EventLog& log) { return events::LogStatsReport(log); },
      [](server::Client& c) { return c.LogStats(); });
  if (!r.ok()) return ReportError(g, r.status());
  const auto& j = *r;
  if (g.json) {
    std::cout << j.dump() << std::endl;
    return kExitOk;
  }
  auto text = [&](const char* k) {
    if (!j.contains(k)) return std::string();
    return j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
  };
  Table t({{"STAT"}, {"VALUE", Table::Align::kRight}});
  t.AddRow({"workspace", text("workspace_id")});
  t.AddRow({"events", text("events")});
  t.AddRow({"first recorded", text("first_recorded_at")});
  t.AddRow({"last recorded", text("last_recorded_at")});
  t.AddRow({"streams (estimate)", text("streams_estimate")});
  t.AddRow({"commands (estimate)", text("commands_estimate")});
  t.AddRow({"disk bytes", text("disk_bytes")});
  t.Print(std::cout);
  std::cout << "\n";
  Table types({{"EVENT TYPE"}, {"EVENTS", Table::Align::kRight}});
  if (j.contains("events_by_type")) {
    for (auto& [k, v] : j["events_by_type"].items()) types.AddRow({k, v.dump()});
  }
  types.Print(std::cout);
  return kExitOk;
}

}  // namespace

void PrintEvents(const GlobalOptions& g, const std::vector<events::Event>& evs) {
  if (g.json) {
    for (const auto& e : evs) std::cout << events::EventToJson(e.view()).dump() << "\n";
    std::cout << std::flush;
    return;
  }
  Table t({{"POS", Table::Align::kRight},
           {"RECORDED AT", Table::Align::kLeft, 27},
           {"OCCURRED AT", Table::Align::kLeft, 27},
           {"STREAM", Table::Align::kLeft, 28},
           {"VER", Table::Align::kRight},
           {"TYPE"},
           {"ACTOR", Table::Align::kLeft, 16},
           {"PAYLOAD", Table::Align::kLeft, 60}});
  for (const auto& e : evs) {
    const auto& v = e.view();
    t.AddRow({std::to_string(v.position()), FormatIso8601(v.recorded_at_us()),
              FormatIso8601(v.occurred_at_us()),
              std::string(v.stream_type()) + "/" + std::string(v.stream_id()),
              std::to_string(v.stream_version()), v.type_name(), std::string(v.actor()),
              Summary(v)});
  }
  t.Print(std::cout);
}

void SetupLogCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  CLI::App* log = app->add_subcommand("log", "Read and check the raw event log");
  log->require_subcommand(1);

  auto tail = std::make_shared<TailOptions>();
  CLI::App* t = log->add_subcommand("tail", "Show the newest events (or those from a position)");
  t->add_option("-n,--count", tail->count, "How many events")->default_val(20)->check(
      CLI::Range(size_t{1}, size_t{1000000}));
  t->add_option("--from", tail->from, "Start at this position instead of the end")
      ->check(CLI::PositiveNumber);
  t->add_flag("-f,--follow", tail->follow,
              "Keep printing events as they are appended (by rapportd, or other rapport commands on --data)");
  t->callback([g, tail, exit_code] { *exit_code = RunTail(*g, *tail); });

  auto position = std::make_shared<uint64_t>(0);
  CLI::App* show = log->add_subcommand("show", "Show one event with every envelope field");
  show->add_option("position", *position, "Log position")->required()->check(
      CLI::PositiveNumber);
  show->callback([g, position, exit_code] { *exit_code = RunShow(*g, *position); });

  auto skip = std::make_shared<bool>(false);
  CLI::App* verify = log->add_subcommand(
      "verify", "Check every event and index; exit code 7 when anything is damaged");
  verify->add_flag("--skip-file-checksums", *skip, "Do not re-read RocksDB block checksums");
  verify->callback([g, skip, exit_code] { *exit_code = RunVerify(*g, *skip); });

  CLI::App* stats = log->add_subcommand("stats", "Size of the log and events per type");
  stats->callback([g, exit_code] { *exit_code = RunStats(*g); });
}

}  // namespace rapport::cli
