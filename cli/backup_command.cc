#include "cli/backup_command.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "events/clock.h"
#include "cli/session.h"
#include "events/event_log.h"
#include "events/log_reports.h"

namespace rapport::cli {
namespace {

using Json = nlohmann::ordered_json;

struct BackupArgs {
  std::string dir;
  bool list = false;
};

// `backup DIR` over --connect: rapportd writes the backup into DIR on its own host.
int RunRemoteBackup(const GlobalOptions& g, const BackupArgs& a) {
  if (a.list) {
    return ReportError(g, Status::InvalidArgument("backup --list reads a backup directory on this machine: run it "
                                                  "without --connect where the backups are"));
  }
  // The directory is on rapportd's host, under the --backup-root it was started with (a
  // relative name is taken under that root).
  const std::string& dir = a.dir;
  std::unique_ptr<Session> session;
  Status s = OpenRemoteSession(g, &session);
  if (!s.ok()) return ReportError(g, s);
  auto j = RemoteClient(session.get())->Backup(dir);
  if (!j.ok()) return ReportError(g, j.status());
  if (g.json) {
    std::cout << j->dump() << std::endl;
  } else {
    const std::string written = j->value("dir", dir);  // where rapportd put it, under its --backup-root
    std::cout << "backup " << j->value("id", 0) << " of rapportd at " << g.connect << " in " << written
              << " on its host: " << j->value("last_position_at_least", uint64_t{0}) << " events, "
              << j->value("files", 0) << " files, " << j->value("bytes", uint64_t{0})
              << " bytes, checksums verified\n"
              << "Restore with (on that host): rapport restore " << written << " --data NEW_DIR\n";
  }
  return kExitOk;
}

int RunBackup(const GlobalOptions& g, const BackupArgs& a) {
  if (g.remote()) return RunRemoteBackup(g, a);
  if (a.list) {
    auto backups = events::ListBackups(a.dir);
    if (!backups.ok()) return ReportError(g, backups.status());
    if (g.json) {
      Json arr = Json::array();
      for (const auto& b : *backups) arr.push_back(events::BackupInfoToJson(b));
      std::cout << Json{{"backups", arr}}.dump() << std::endl;
      return kExitOk;
    }
    Table t({{"ID", Table::Align::kRight}, {"CREATED"}, {"EVENTS", Table::Align::kRight},
             {"FILES", Table::Align::kRight}, {"BYTES", Table::Align::kRight}});
    for (const auto& b : *backups) {
      t.AddRow({std::to_string(b.id), FormatIso8601(b.created_at_us), std::to_string(b.last_position),
                std::to_string(b.files), std::to_string(b.bytes)});
    }
    t.Print(std::cout);
    return kExitOk;
  }
  std::unique_ptr<events::EventLog> log;
  Status s = OpenLog(g, false, &log);
  if (!s.ok()) return ReportError(g, s);
  auto b = log->CreateBackup(a.dir);
  if (!b.ok()) return ReportError(g, b.status());
  if (g.json) {
    std::cout << events::BackupInfoToJson(*b).dump() << std::endl;
  } else {
    std::cout << "backup " << b->id << " of " << ResolveDataDir(g) << " in " << a.dir << ": " << b->last_position
              << " events, " << b->files << " files, " << b->bytes << " bytes, checksums verified\n"
              << "Restore with: rapport restore " << a.dir << " --data NEW_DIR\n";
  }
  return kExitOk;
}

struct RestoreArgs {
  std::string dir;
  uint32_t id = 0;
};

int RunRestore(const GlobalOptions& g, const RestoreArgs& a) {
  if (g.remote()) {
    return ReportError(g, Status::InvalidArgument(
                              "restore makes a new data directory on this machine, so it does not go through "
                              "rapportd: run it without --connect (--data NEW_DIR), then start rapportd on it"));
  }
  std::string target = ResolveDataDir(g);
  events::VerifyReport report;
  Status s = events::RestoreBackup(a.dir, a.id, target, &report);
  if (!s.ok()) return ReportError(g, s);
  if (g.json) {
    std::cout << Json{{"restored_into", target}, {"events", report.events_checked},
                      {"streams", report.streams_checked}, {"commands", report.commands_checked},
                      {"verified", true}}
                     .dump()
              << std::endl;
  } else {
    std::cout << "restored " << a.dir << " into " << target << ": log verified clean (" << report.events_checked
              << " events, " << report.streams_checked << " streams, " << report.commands_checked << " commands)\n"
              << "Projections rebuild on first use; or now: rapport --data " << target << " rebuild\n";
  }
  return kExitOk;
}

}  // namespace

void SetupBackupCommands(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static BackupArgs b;
  CLI::App* backup = app->add_subcommand("backup", "Back up the log into DIR (incremental, checksummed, verified)");
  backup->add_option("dir", b.dir, "Backup directory (created if missing; holds many backups)")->required();
  backup->add_flag("--list", b.list, "List the backups in DIR instead of making one");
  backup->callback([g, exit_code] { *exit_code = RunBackup(*g, b); });

  static RestoreArgs r;
  CLI::App* restore = app->add_subcommand(
      "restore", "Restore a backup into a new data directory (--data), verified before it is used");
  restore->add_option("dir", r.dir, "Backup directory")->required();
  restore->add_option("--id", r.id, "Which backup (default: the latest; see `rapport backup DIR --list`)");
  restore->callback([g, exit_code] { *exit_code = RunRestore(*g, r); });
}

}  // namespace rapport::cli
