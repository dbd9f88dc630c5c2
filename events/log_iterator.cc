#include "events/log_iterator.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include "events/aligned.h"
#include "events/keys.h"

namespace rapport::events {

LogIterator::LogIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log_family,
                         LogReadOptions options)
    : options_(options) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = options.fill_cache;
  ro.readahead_size = options.readahead_bytes;
  // upto_position is checked on each key in Settle(), which decodes it anyway, rather than
  // given to RocksDB as iterate_upper_bound, which compares every key with the bound again.
  it_.reset(db->NewIterator(ro, log_family));
}

LogIterator::~LogIterator() = default;

void LogIterator::Seek(uint64_t position) {
  status_ = Status::Ok();
  expected_next_ = position == 0 ? 1 : position;
  it_->Seek(keys::PositionKey(expected_next_));
  Settle();
}

void LogIterator::Next() {
  it_->Next();
  Settle();
}

void LogIterator::Settle() {
  valid_ = false;
  while (it_->Valid()) {
    rocksdb::Slice key = it_->key();
    auto pos = keys::DecodeU64(std::string_view(key.data(), key.size()));
    if (!pos) {
      status_ = Status::Corruption("log key of " + std::to_string(key.size()) +
                                   " bytes is not a position (expected 8)");
      return;
    }
    if (options_.upto_position != 0 && *pos > options_.upto_position) return;  // the end
    if (*pos != expected_next_) {
      status_ = Status::Corruption("position " + std::to_string(expected_next_) +
                                   " is missing from the log (next present is " +
                                   std::to_string(*pos) + ")");
      return;
    }
    rocksdb::Slice value = it_->value();
    std::string_view bytes = AlignedForFlatBuffers(std::string_view(value.data(), value.size()), &aligned_);
    Status s = VerifyEnvelopeBytes(bytes, *pos);
    if (!s.ok()) {
      status_ = s;
      return;
    }
    ++expected_next_;
    view_ = EventView(bytes);
    if (options_.skip_unknown_types && !view_.known_type()) {
      ++unknown_skipped_;
      it_->Next();
      continue;
    }
    valid_ = true;
    return;
  }
  rocksdb::Status rs = it_->status();
  if (!rs.ok()) {
    status_ = rs.IsCorruption() ? Status::Corruption("reading the log: " + rs.ToString())
                                : Status::IOError("reading the log: " + rs.ToString());
  }
}

}  // namespace rapport::events
