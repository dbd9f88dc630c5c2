// Backups of the log with RocksDB's backup engine, and verified restores.
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>
#include <memory>

#include "events/event_log.h"
#include "events/log_families.h"

namespace rapport::events {
namespace {

namespace fs = std::filesystem;

BackupInfo Info(const rocksdb::BackupInfo& b) {
  BackupInfo i;
  i.id = b.backup_id;
  i.created_at_us = b.timestamp * kMicrosPerSecond;
  i.bytes = b.size;
  i.files = b.number_files;
  try {
    i.last_position = b.app_metadata.empty() ? 0 : std::stoull(b.app_metadata);
  } catch (...) {
    i.last_position = 0;
  }
  return i;
}

}  // namespace

Result<BackupInfo> EventLog::CreateBackup(const std::string& backup_dir) const {
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::BackupEngineOptions opts(backup_dir);
  opts.sync = true;
  RAPPORT_RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(opts, rocksdb::Env::Default(), &raw),
                                    "opening the backup directory " + backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  // Everything up to this position is durable, so the backup holds at least this much.
  std::string at_least = std::to_string(LastPosition());
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  RAPPORT_RETURN_IF_ERROR(
      FromRocks(engine->CreateNewBackupWithMetadata(create, db_, at_least, &id), "creating the backup"));
  RAPPORT_RETURN_IF_ERROR(FromRocks(engine->VerifyBackup(id, /*verify_with_checksum=*/true),
                                    "verifying the new backup"));
  rocksdb::BackupInfo b;
  RAPPORT_RETURN_IF_ERROR(FromRocks(engine->GetBackupInfo(id, &b), "reading the new backup"));
  return Info(b);
}

Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  if (!fs::exists(backup_dir + "/meta")) {
    return Status::NotFound("no backups in " + backup_dir + " (make one with `rapport backup " + backup_dir + "`)");
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RAPPORT_RETURN_IF_ERROR(FromRocks(
      rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw),
      "opening the backup directory " + backup_dir));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& b : infos) out.push_back(Info(b));
  return out;
}

Status RestoreBackup(const std::string& backup_dir, uint32_t id, const std::string& data_dir,
                     VerifyReport* report) {
  std::error_code ec;
  if (fs::exists(data_dir + "/db", ec)) {
    return Status::AlreadyExists(data_dir + " already holds a log: restore into a new directory "
                                 "(--data DIR), then swap directories once you have checked it");
  }
  auto backups = ListBackups(backup_dir);
  if (!backups.ok()) return backups.status();
  if (backups->empty()) return Status::NotFound("no intact backups in " + backup_dir);
  if (id == 0) id = backups->back().id;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RAPPORT_RETURN_IF_ERROR(FromRocks(
      rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw),
      "opening the backup directory " + backup_dir));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  Status s = FromRocks(engine->VerifyBackup(id, /*verify_with_checksum=*/true),
                       "verifying backup " + std::to_string(id));
  if (!s.ok()) return Status::Corruption(s.message() + ": the backup is damaged; try an older one (`rapport backup list`)");

  // Restore beside the target, open and verify it there, and move it in only when it is clean.
  fs::create_directories(data_dir, ec);
  if (ec) return Status::IOError("cannot create " + data_dir + ": " + ec.message());
  std::string staging = data_dir + "/restoring";
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  RAPPORT_RETURN_IF_ERROR(FromRocks(engine->RestoreDBFromBackup(id, staging + "/db", staging + "/db"),
                                    "restoring backup " + std::to_string(id)));
  {
    LogOptions lo;
    lo.dir = staging;
    lo.create_if_missing = false;
    lo.program_name = "rapport restore";
    std::unique_ptr<EventLog> log;
    s = EventLog::Open(lo, &log);
    if (s.ok()) {
      auto v = log->Verify();
      if (!v.ok()) {
        s = v.status();
      } else {
        *report = *v;
        if (!v->ok()) s = Status::Corruption("the restored log does not verify: " + v->problems.front());
      }
      Status c = log->Close();
      if (s.ok()) s = c;
    }
  }
  if (!s.ok()) {
    fs::remove_all(staging, ec);
    return s.WithContext("restore");
  }
  fs::rename(staging + "/db", data_dir + "/db", ec);
  if (ec) return Status::IOError("cannot move the restored log into " + data_dir + ": " + ec.message());
  fs::remove_all(staging, ec);
  return Status::Ok();
}

}  // namespace rapport::events
