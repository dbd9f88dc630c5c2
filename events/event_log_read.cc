// EventLog reads: single events, the global log, streams, time, commands, tailing.
#include <rocksdb/db.h>

#include "events/event_log.h"
#include "events/keys.h"
#include "events/log_families.h"

namespace rapport::events {

std::unique_ptr<LogIterator> EventLog::NewIterator(const LogReadOptions& options) const {
  return std::make_unique<LogIterator>(db_, family(kLog), options);
}

Result<Event> EventLog::Get(uint64_t position) const {
  if (position == 0 || position > LastPosition()) {
    return Status::NotFound("there is no event at position " + std::to_string(position) +
                            " (the log ends at " + std::to_string(LastPosition()) + ")");
  }
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), family(kLog), keys::PositionKey(position), &value);
  if (s.IsNotFound()) {
    return Status::Corruption("position " + std::to_string(position) +
                              " is missing from the log");
  }
  RAPPORT_RETURN_IF_ERROR(FromRocks(s, "reading position " + std::to_string(position)));
  return Event::FromBytes(std::move(value), position);
}

Status EventLog::ReadForward(uint64_t from, size_t max_events, std::vector<Event>* out) const {
  auto it = NewIterator();
  size_t n = 0;
  for (it->Seek(from); it->Valid() && n < max_events; it->Next(), ++n) {
    auto e = Event::FromBytes(std::string(it->event().bytes()));
    if (!e.ok()) return e.status();
    out->push_back(std::move(e).value());
  }
  return it->status();
}

Result<uint64_t> EventLog::StreamVersion(const StreamName& stream) const {
  RAPPORT_RETURN_IF_ERROR(ValidateStreamName(stream));
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), family(kHeads), keys::HeadKey(stream), &value);
  if (s.IsNotFound()) return uint64_t{0};
  RAPPORT_RETURN_IF_ERROR(FromRocks(s, "reading the version of " + stream.ToString()));
  auto v = keys::DecodeU64(value);
  if (!v) return Status::Corruption("the head entry of " + stream.ToString() + " is damaged");
  return *v;
}

Status EventLog::ReadStream(const StreamName& stream, uint64_t from_version,
                            Direction direction, size_t max_events,
                            std::vector<Event>* out) const {
  RAPPORT_RETURN_IF_ERROR(ValidateStreamName(stream));
  const std::string prefix = keys::StreamPrefix(stream);
  // Both bounds keep the iterator inside this stream's range.
  std::string lower = prefix;
  std::string upper = prefix;
  upper.back() = '\x01';  // prefix ends in 0x00; the next byte value bounds the range
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  // No explicit snapshot (taking one locks the database's mutex, which readers on every
  // thread would queue on): the iterator reads the index as of its creation, and an index
  // entry and its event are written in one batch and never change or go away, so the
  // event of every entry the iterator sees is there to read.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, family(kStreams)));
  if (direction == Direction::kForward) {
    it->Seek(keys::StreamVersionKey(stream, from_version == 0 ? 1 : from_version));
  } else if (from_version == 0) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(keys::StreamVersionKey(stream, from_version));
  }
  rocksdb::ReadOptions log_ro;
  Status result;
  uint64_t expect = 0;
  for (size_t n = 0; it->Valid() && n < max_events; ++n) {
    StreamName parsed;
    uint64_t version = 0;
    std::string_view key(it->key().data(), it->key().size());
    auto pos = keys::DecodeU64(std::string_view(it->value().data(), it->value().size()));
    if (!keys::ParseStreamVersionKey(key, &parsed, &version) || !pos) {
      result = Status::Corruption("a stream index entry of " + stream.ToString() +
                                  " is damaged");
      break;
    }
    if (expect != 0 && version != expect) {
      result = Status::Corruption("version " + std::to_string(expect) + " of " +
                                  stream.ToString() + " is missing from the stream index");
      break;
    }
    std::string value;
    rocksdb::Status s = db_->Get(log_ro, family(kLog), keys::PositionKey(*pos), &value);
    if (s.IsNotFound()) {
      result = Status::Corruption(stream.ToString() + " version " + std::to_string(version) +
                                  " points at position " + std::to_string(*pos) +
                                  ", which is missing");
      break;
    }
    if (!s.ok()) {
      result = FromRocks(s, "reading " + stream.ToString());
      break;
    }
    auto e = Event::FromBytes(std::move(value), *pos);
    if (!e.ok()) {
      result = e.status();
      break;
    }
    if (e->view().stream_version() != version || e->view().stream_type() != stream.type ||
        e->view().stream_id() != stream.id) {
      result = Status::Corruption("the stream index says " + stream.ToString() + " version " +
                                  std::to_string(version) + " is at position " +
                                  std::to_string(*pos) + ", but that event belongs elsewhere");
      break;
    }
    out->push_back(std::move(e).value());
    if (direction == Direction::kForward) {
      expect = version + 1;
      it->Next();
    } else {
      expect = version - 1;
      it->Prev();
    }
  }
  if (result.ok()) result = FromRocks(it->status(), "reading " + stream.ToString());
  return result;
}

Status EventLog::ListStreams(std::string_view type, std::string_view after, size_t max,
                             std::vector<std::string>* ids) const {
  std::string prefix(type);
  prefix.push_back('\0');
  std::string upper = prefix;
  upper.back() = '\x01';
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, family(kHeads)));
  std::string start = prefix + std::string(after);
  it->Seek(start);
  if (!after.empty() && it->Valid() && it->key() == rocksdb::Slice(start)) it->Next();
  for (size_t n = 0; it->Valid() && n < max; it->Next(), ++n) {
    ids->emplace_back(it->key().data() + prefix.size(), it->key().size() - prefix.size());
  }
  return FromRocks(it->status(), "listing " + std::string(type) + " streams");
}

Result<uint64_t> EventLog::PositionAt(Micros t) const {
  if (t < 0) return uint64_t{0};
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(kByTime)));
  it->SeekForPrev(keys::TimeKey(t));
  if (!it->Valid()) {
    RAPPORT_RETURN_IF_ERROR(FromRocks(it->status(), "reading the time index"));
    return uint64_t{0};
  }
  auto pos = keys::DecodeU64(std::string_view(it->value().data(), it->value().size()));
  if (!pos) return Status::Corruption("a time index entry is damaged");
  // The index may be a write ahead of LastPosition() while a group finishes; never report
  // a position that is not yet acknowledged.
  return std::min(*pos, LastPosition());
}

Result<std::optional<CommandInfo>> EventLog::LookupCommand(std::string_view command_id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family(kCommands),
                               rocksdb::Slice(command_id.data(), command_id.size()), &value);
  if (s.IsNotFound()) return std::optional<CommandInfo>();
  RAPPORT_RETURN_IF_ERROR(FromRocks(s, "reading the command index"));
  auto rec = keys::DecodeCommandRecord(value);
  if (!rec) {
    return Status::Corruption("the command index entry of '" + std::string(command_id) +
                              "' is damaged");
  }
  return std::optional<CommandInfo>(
      CommandInfo{rec->first_position, rec->last_position, rec->recorded_at_us});
}

uint64_t EventLog::WaitForEvents(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(tail_mu_);
  tail_cv_.wait_for(l, timeout, [&] { return LastPosition() > after || closed_.load(); });
  return LastPosition();
}

}  // namespace rapport::events
