#include "projections/snapshot_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "events/keys.h"

namespace rapport::projections {
namespace {

constexpr size_t kChunk = 4 << 20;

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string MetaKey(uint64_t position) { return "m" + events::keys::EncodeU64(position); }
std::string ChunkKey(uint64_t position, uint32_t chunk) {
  std::string k = "c" + events::keys::EncodeU64(position);
  char b[4] = {static_cast<char>(chunk >> 24), static_cast<char>(chunk >> 16),
               static_cast<char>(chunk >> 8), static_cast<char>(chunk)};
  k.append(b, 4);
  return k;
}

void PutLE(std::string* s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetLE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

}  // namespace

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::Open(const std::string& dir) {
  std::unique_ptr<SnapshotStore> s(new SnapshotStore());
  s->dir_ = dir;
  rocksdb::Options o;
  o.create_if_missing = true;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.max_log_file_size = 1 << 20;
  o.keep_log_file_num = 2;
  o.compression = rocksdb::kLZ4Compression;
  o.write_buffer_size = 16 << 20;
  rocksdb::Status st = rocksdb::DB::Open(o, dir, &s->db_);
  if (!st.ok()) return FromRocks(st, "opening the projection snapshots in " + dir);
  return s;
}

SnapshotStore::~SnapshotStore() {
  if (db_) {
    db_->Close();
    delete db_;
  }
}

Status SnapshotStore::Put(uint64_t position, const std::string& bytes, size_t keep) {
  rocksdb::WriteBatch b;
  uint32_t chunks = 0;
  size_t off = 0;
  do {
    size_t n = std::min(kChunk, bytes.size() - off);
    b.Put(ChunkKey(position, chunks++), rocksdb::Slice(bytes.data() + off, n));
    off += n;
  } while (off < bytes.size());
  std::string meta;
  PutLE(&meta, chunks, 4);
  PutLE(&meta, bytes.size(), 8);
  PutLE(&meta, Fnv1a(bytes), 8);
  b.Put(MetaKey(position), meta);
  RAPPORT_RETURN_IF_ERROR(FromRocks(db_->Write(rocksdb::WriteOptions(), &b), "writing a snapshot"));
  auto all = List();
  if (!all.ok()) return all.status();
  for (size_t i = 0; i + keep < all->size(); ++i) RAPPORT_RETURN_IF_ERROR(Delete((*all)[i]));
  return Status::Ok();
}

Result<std::vector<uint64_t>> SnapshotStore::List() const {
  std::vector<uint64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("m"); it->Valid() && it->key().starts_with("m"); it->Next()) {
    if (it->key().size() != 9) continue;
    out.push_back(events::keys::DecodeFixed64BE(it->key().data() + 1));
  }
  RAPPORT_RETURN_IF_ERROR(FromRocks(it->status(), "listing snapshots"));
  return out;
}

Result<std::string> SnapshotStore::Read(uint64_t position) const {
  std::string meta;
  RAPPORT_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), MetaKey(position), &meta),
                                    "reading a snapshot"));
  if (meta.size() != 20) return Status::Corruption("snapshot meta entry is damaged");
  uint32_t chunks = static_cast<uint32_t>(GetLE(meta.data(), 4));
  uint64_t size = GetLE(meta.data() + 4, 8);
  uint64_t sum = GetLE(meta.data() + 12, 8);
  std::string bytes;
  if (size > (uint64_t{1} << 36)) return Status::Corruption("snapshot claims an impossible size");
  bytes.reserve(size);
  for (uint32_t c = 0; c < chunks; ++c) {
    std::string part;
    RAPPORT_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), ChunkKey(position, c), &part),
                                      "reading a snapshot chunk"));
    bytes += part;
  }
  if (bytes.size() != size || Fnv1a(bytes) != sum) {
    return Status::Corruption("snapshot at position " + std::to_string(position) +
                              " fails its checksum");
  }
  return bytes;
}

Result<std::optional<std::pair<uint64_t, std::string>>> SnapshotStore::Latest(uint64_t position) const {
  auto all = List();
  if (!all.ok()) return all.status();
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    if (*it > position) continue;
    auto bytes = Read(*it);
    if (!bytes.ok()) return bytes.status();
    return std::optional<std::pair<uint64_t, std::string>>(std::make_pair(*it, std::move(*bytes)));
  }
  return std::optional<std::pair<uint64_t, std::string>>();
}

Status SnapshotStore::Delete(uint64_t position) {
  std::string start = "c" + events::keys::EncodeU64(position);
  std::string end = "c" + events::keys::EncodeU64(position + 1);
  rocksdb::WriteBatch b;
  b.DeleteRange(db_->DefaultColumnFamily(), start, end);
  b.Delete(MetaKey(position));
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &b), "deleting a snapshot");
}

Status SnapshotStore::DeleteAll() {
  auto all = List();
  if (!all.ok()) return all.status();
  for (uint64_t p : *all) RAPPORT_RETURN_IF_ERROR(Delete(p));
  return Status::Ok();
}

uint64_t SnapshotStore::DiskBytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

}  // namespace rapport::projections
