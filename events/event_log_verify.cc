// EventLog::Verify: the whole-log consistency check behind `rapport log verify`, and the
// per-event index check shared with the tail check of Open.
#include <rocksdb/db.h>

#include "events/aligned.h"
#include "events/event_log.h"
#include "events/keys.h"
#include "events/log_families.h"

namespace rapport::events {
namespace {

// Collects problems, keeping the first `max` descriptions and counting all.
class Problems {
 public:
  Problems(VerifyReport* r, size_t max) : r_(r), max_(max) {}
  void Add(std::string p) {
    ++r_->problem_count;
    if (r_->problems.size() < max_) r_->problems.push_back(std::move(p));
  }
  void AddAll(std::vector<std::string>* ps) {
    for (auto& p : *ps) Add(std::move(p));
    ps->clear();
  }

 private:
  VerifyReport* r_;
  size_t max_;
};

std::string Pos(uint64_t p) { return "position " + std::to_string(p); }

}  // namespace

void EventLog::CheckEventIndexes(const EventView& e, std::vector<std::string>* problems) const {
  StreamName s = e.stream();
  std::string value;
  rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), family(kStreams),
                                keys::StreamVersionKey(s, e.stream_version()), &value);
  auto pos = keys::DecodeU64(value);
  if (!st.ok() || !pos || *pos != e.position()) {
    problems->push_back(Pos(e.position()) + ": the stream index has no entry for " +
                        s.ToString() + " version " + std::to_string(e.stream_version()) +
                        " pointing here");
  }
  st = db_->Get(rocksdb::ReadOptions(), family(kHeads), keys::HeadKey(s), &value);
  auto head = keys::DecodeU64(value);
  if (!st.ok() || !head || *head < e.stream_version()) {
    problems->push_back(Pos(e.position()) + ": the head of " + s.ToString() +
                        " is behind its version " + std::to_string(e.stream_version()));
  }
  std::string cmd(e.command_id());
  st = db_->Get(rocksdb::ReadOptions(), family(kCommands), cmd, &value);
  auto rec = keys::DecodeCommandRecord(value);
  if (!st.ok() || !rec || rec->first_position > e.position() ||
      rec->last_position < e.position()) {
    problems->push_back(Pos(e.position()) + ": the command index entry of '" + cmd +
                        "' does not cover it");
  }
}

Result<VerifyReport> EventLog::Verify(const VerifyOptions& options) const {
  VerifyReport report;
  Problems problems(&report, options.max_problems);
  const uint64_t last = LastPosition();
  report.last_position = last;
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  rocksdb::ReadOptions ro;  // point reads: cached
  ro.snapshot = snap;
  rocksdb::ReadOptions scan = ro;  // full scans: do not evict the working set
  scan.fill_cache = false;

  if (options.check_file_checksums) {
    rocksdb::Status s = db_->VerifyChecksum();
    if (!s.ok()) problems.Add("RocksDB file checksums: " + s.ToString());
  }

  // 1. The log: contiguous positions, verified envelopes, every index entry of each event.
  uint64_t good_events = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, family(kLog)));
    std::vector<uint64_t> aligned;  // a value's copy when RocksDB's is not 8-byte aligned
    uint64_t expect = 1;
    Micros last_time = 0;
    std::vector<std::string> found;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto pos = keys::DecodeU64(std::string_view(it->key().data(), it->key().size()));
      if (!pos) {
        problems.Add("a log key of " + std::to_string(it->key().size()) +
                     " bytes is not a position");
        continue;
      }
      if (*pos > last) break;  // appended after this check began
      if (*pos != expect) {
        problems.Add("positions " + std::to_string(expect) + ".." + std::to_string(*pos - 1) +
                     " are missing from the log");
      }
      expect = *pos + 1;
      ++report.events_checked;
      std::string_view bytes =
          AlignedForFlatBuffers(std::string_view(it->value().data(), it->value().size()), &aligned);
      Status s = VerifyEnvelopeBytes(bytes, *pos);
      if (!s.ok()) {
        problems.Add(s.message());
        continue;
      }
      EventView e(bytes);
      ++good_events;
      if (!e.known_type()) ++report.unknown_type_events;
      if (e.recorded_at_us() < last_time) {
        problems.Add(Pos(*pos) + ": recorded_at goes back in time");
      }
      last_time = e.recorded_at_us();
      CheckEventIndexes(e, &found);
      problems.AddAll(&found);
      if (options.progress && report.events_checked % 100000 == 0) {
        options.progress(report.events_checked, last);
      }
    }
    if (!it->status().ok()) problems.Add("reading the log: " + it->status().ToString());
    if (expect <= last) {
      problems.Add("positions " + std::to_string(expect) + ".." + std::to_string(last) +
                   " are missing from the end of the log");
    }
  }

  // 2. The stream index: versions 1..N per stream, head == N, nothing pointing past the end.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, family(kStreams)));
    StreamName current;
    uint64_t expect = 1;
    bool have = false;
    auto close_stream = [&]() {
      if (!have) return;
      ++report.streams_checked;
      std::string value;
      rocksdb::Status s = db_->Get(ro, family(kHeads), keys::HeadKey(current), &value);
      auto head = keys::DecodeU64(value);
      if (!s.ok() || !head || *head != expect - 1) {
        problems.Add("the head of " + current.ToString() + " says version " +
                     (head ? std::to_string(*head) : std::string("(none)")) + ", the index has " +
                     std::to_string(expect - 1));
      }
    };
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      StreamName s;
      uint64_t version;
      std::string_view key(it->key().data(), it->key().size());
      auto pos = keys::DecodeU64(std::string_view(it->value().data(), it->value().size()));
      if (!keys::ParseStreamVersionKey(key, &s, &version) || !pos) {
        problems.Add("a stream index entry is damaged");
        continue;
      }
      if (*pos > last) continue;
      if (!have || !(s == current)) {
        close_stream();
        current = s;
        expect = 1;
        have = true;
      }
      if (version != expect) {
        problems.Add(s.ToString() + ": versions " + std::to_string(expect) + ".." +
                     std::to_string(version - 1) + " are missing from the stream index");
      }
      expect = version + 1;
      ++report.stream_entries_checked;
    }
    close_stream();
    if (!it->status().ok()) problems.Add("reading the stream index: " + it->status().ToString());
  }
  if (report.stream_entries_checked != good_events) {
    problems.Add("the stream index holds " + std::to_string(report.stream_entries_checked) +
                 " entries for " + std::to_string(good_events) + " readable events");
  }
  {
    uint64_t heads = 0;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, family(kHeads)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++heads;
    if (heads != report.streams_checked) {
      problems.Add(std::to_string(heads) + " stream heads for " +
                   std::to_string(report.streams_checked) + " streams in the index");
    }
  }

  // 3. The command index: every entry decodes and names events of that command.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, family(kCommands)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string id(it->key().data(), it->key().size());
      auto rec = keys::DecodeCommandRecord(std::string_view(it->value().data(), it->value().size()));
      if (!rec) {
        problems.Add("the command index entry of '" + id + "' is damaged");
        continue;
      }
      if (rec->first_position > last) continue;
      ++report.commands_checked;
      if (rec->last_position > last) {
        problems.Add("command '" + id + "' claims positions past the end of the log");
        continue;
      }
      for (uint64_t p : {rec->first_position, rec->last_position}) {
        std::string value;
        rocksdb::Status s = db_->Get(ro, family(kLog), keys::PositionKey(p), &value);
        if (!s.ok() || !VerifyEnvelopeBytes(value, p).ok()) continue;  // reported above
        if (EventView(value).command_id() != id) {
          problems.Add("command '" + id + "' claims " + Pos(p) +
                       ", which belongs to another command");
        }
      }
    }
    if (!it->status().ok()) problems.Add("reading the command index: " + it->status().ToString());
  }

  // 4. The time index: positions never go back as time goes forward.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, family(kByTime)));
    uint64_t prev = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto pos = keys::DecodeU64(std::string_view(it->value().data(), it->value().size()));
      if (!pos || it->key().size() != 8) {
        problems.Add("a time index entry is damaged");
        continue;
      }
      if (*pos < prev) problems.Add("the time index goes back from " + Pos(prev));
      prev = *pos;
    }
  }

  db_->ReleaseSnapshot(snap);
  if (options.progress) options.progress(report.events_checked, last);
  return report;
}

}  // namespace rapport::events
