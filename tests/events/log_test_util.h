// Helpers for event-log tests: temporary directories, small events, and a peer that can
// damage a log on purpose.
#pragma once

#include <rocksdb/db.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "events/event_log.h"
#include "events/keys.h"
#include "events/log_families.h"

namespace rapport::events {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rapport-test-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    REQUIRE(p != nullptr);
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline LogOptions TestOptions(const std::string& dir, Clock* clock = nullptr) {
  LogOptions o;
  o.dir = dir;
  o.clock = clock;
  o.block_cache_bytes = 8 << 20;
  return o;
}

inline std::unique_ptr<EventLog> OpenOrDie(const LogOptions& o, OpenReport* report = nullptr) {
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, &log, report);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return log;
}

// A NoteLogged event with the given body.
inline NewEvent Note(const std::string& body, Micros occurred_at = 0) {
  fb::NoteLoggedT n;
  n.activity_id = "A";
  n.body = body;
  fb::PayloadUnion u;
  u.Set(std::move(n));
  return NewEvent::From(std::move(u), occurred_at);
}

// A request appending `count` notes to one stream.
inline AppendRequest NotesTo(const std::string& command_id, const StreamName& stream,
                             ExpectedVersion expected, int count = 1,
                             const std::string& body = "note") {
  AppendRequest r;
  r.command_id = command_id;
  r.actor = "u-test";
  StreamWrite w;
  w.stream = stream;
  w.expected = expected;
  for (int i = 0; i < count; ++i) w.events.push_back(Note(body + " " + std::to_string(i)));
  r.writes.push_back(std::move(w));
  return r;
}

// Reaches into an EventLog to damage it the way a disk or a bug could.
class EventLogTestPeer {
 public:
  static void PutRaw(EventLog* log, LogFamily family, const std::string& key,
                     const std::string& value) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    REQUIRE(log->db_->Put(wo, log->handles_[family], key, value).ok());
  }
  static void DeleteRaw(EventLog* log, LogFamily family, const std::string& key) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    REQUIRE(log->db_->Delete(wo, log->handles_[family], key).ok());
  }
  static void Flush(EventLog* log) {
    for (auto* h : log->handles_) REQUIRE(log->db_->Flush(rocksdb::FlushOptions(), h).ok());
  }
  // Marks the log as if the process died without closing it, then closes RocksDB.
  static void CloseUncleanly(std::unique_ptr<EventLog> log) {
    {
      std::lock_guard<std::mutex> l(log->mu_);
      log->failed_ = Status::IOError("simulated crash");  // Close skips the clean mark
    }
    REQUIRE(log->Close().ok());
  }
};

}  // namespace rapport::events
