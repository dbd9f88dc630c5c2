// rapport-bench-log: the event log against raw RocksDB on the same disk, in the same run.
//
//   build/release/bench/rapport-bench-log --dir build/bench-data [--scan-events N] [--seconds S]
//
// Measures (and prints as Markdown, for docs/benchmarks.md):
//  1. durable appends/s of ~200-byte events with 1, 8 and 64 appender threads, the average
//     group-commit size, and raw RocksDB synced WriteBatches of that group size with the same
//     key layout (log + stream index + head + command index + time index);
//  2. single-appender durable append latency p50/p99 next to one raw synced Put;
//  3. a full forward scan of the log (verified and decoded) next to a raw RocksDB iteration of
//     the same keys, warm cache.
// Figures move 30-50 % between runs on a shared machine: read the ratios.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "events/event_log.h"
#include "events/keys.h"
#include "events/log_families.h"

using namespace rapport;
using namespace rapport::events;
using Clock_ = std::chrono::steady_clock;

namespace {

double Seconds(Clock_::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Body(std::mt19937& rng) {
  static const char* kWords[] = {"call", "about", "renewal", "pricing", "demo", "contract",
                                 "budget", "follow", "up", "next", "week", "team"};
  std::string s;
  while (s.size() < 48) {
    s += kWords[rng() % 12];
    s += ' ';
  }
  return s;
}

AppendRequest OneEvent(const std::string& id, const std::string& stream_id, std::mt19937& rng) {
  AppendRequest r;
  r.command_id = id;
  r.actor = "u-bench";
  StreamWrite w;
  w.stream = {"contact", stream_id};
  w.expected = ExpectedVersion::Any();
  fb::NoteLoggedT n;
  n.activity_id = "A-" + id;
  n.body = Body(rng);
  n.author_id = "u-bench";
  n.links = std::make_unique<fb::LinksT>();
  n.links->contact_ids = {stream_id};
  fb::PayloadUnion u;
  u.Set(std::move(n));
  w.events.push_back(NewEvent::From(std::move(u)));
  r.writes.push_back(std::move(w));
  return r;
}

struct Percentiles {
  double p50_us, p99_us;
};
Percentiles Pct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)]};
}

// A raw RocksDB with the log's column families and options.
struct RawDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> h;
  std::shared_ptr<rocksdb::Cache> cache;
  explicit RawDb(const std::string& path) {
    LogOptions lo;
    cache = rocksdb::NewLRUCache(lo.block_cache_bytes);
    std::vector<rocksdb::ColumnFamilyDescriptor> fams;
    for (int i = 0; i < kFamilyCount; ++i) {
      fams.emplace_back(LogFamilyNames()[i], LogFamilyOptions(i, cache));
    }
    rocksdb::Status s = rocksdb::DB::Open(LogDbOptions(lo), path, fams, &h, &db);
    if (!s.ok()) {
      std::fprintf(stderr, "raw open: %s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
  ~RawDb() {
    for (auto* x : h) db->DestroyColumnFamilyHandle(x);
    delete db;
  }
};

std::unique_ptr<EventLog> OpenLog(const std::string& dir, bool sync = true) {
  LogOptions o;
  o.dir = dir;
  o.sync = sync;
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, &log);
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return log;
}

struct AppendFigures {
  int threads;
  double events_per_s;
  double avg_group;
  double raw_events_per_s;
};

// Durable appends from `threads` appenders for `seconds`; returns events/s and the average
// number of requests per synced write.
std::pair<double, double> RunOurAppends(EventLog* log, int threads, double seconds, int round) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0};
  std::vector<std::thread> ts;
  uint64_t groups0 = log->groups_written(), requests0 = log->requests_written();
  auto start = Clock_::now();
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      std::mt19937 rng(t * 1000 + round);
      for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        auto r = log->Append(OneEvent("r" + std::to_string(round) + "t" + std::to_string(t) +
                                          "-" + std::to_string(i),
                                      "C-" + std::to_string(rng() % 100000), rng));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          std::exit(1);
        }
        done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& t : ts) t.join();
  double elapsed = Seconds(Clock_::now() - start);
  double groups = double(log->groups_written() - groups0);
  double requests = double(log->requests_written() - requests0);
  return {done.load() / elapsed, requests / std::max(1.0, groups)};
}

// Raw RocksDB: synced WriteBatches of `group` events with the log's key layout, back to back.
double RunRawBatches(RawDb* raw, size_t group, double seconds, size_t value_bytes,
                     uint64_t* pos) {
  std::string value(value_bytes, 'v');
  std::mt19937 rng(99 + *pos);
  uint64_t events = 0;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto rs = Clock_::now();
  while (Seconds(Clock_::now() - rs) < seconds) {
    rocksdb::WriteBatch b;
    for (size_t i = 0; i < group; ++i, ++*pos) {
      StreamName s{"contact", "C-" + std::to_string(rng() % 100000)};
      b.Put(raw->h[kLog], keys::PositionKey(*pos), value);
      b.Put(raw->h[kStreams], keys::StreamVersionKey(s, *pos), keys::EncodeU64(*pos));
      b.Put(raw->h[kHeads], keys::HeadKey(s), keys::EncodeU64(*pos));
      b.Put(raw->h[kCommands], "raw-" + std::to_string(*pos),
            keys::EncodeCommandRecord({*pos, *pos, 1, 1}));
    }
    b.Put(raw->h[kByTime], keys::TimeKey(static_cast<int64_t>(*pos)), keys::EncodeU64(*pos));
    if (!raw->db->Write(wo, &b).ok()) std::exit(1);
    events += group;
  }
  return events / Seconds(Clock_::now() - rs);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Alternates rapport and raw runs (3 rounds each) so that drift on a shared machine hits
// both alike, and reports the medians.
AppendFigures BenchAppends(const std::string& base, int threads, double seconds,
                           size_t value_bytes) {
  std::string dir = base + "/append-" + std::to_string(threads);
  std::string raw_dir = base + "/raw-" + std::to_string(threads);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(raw_dir);
  auto log = OpenLog(dir);
  RawDb raw(raw_dir);
  std::vector<double> ours, groups, raws;
  uint64_t raw_pos = 1;
  for (int round = 0; round < 3; ++round) {
    auto [eps, group] = RunOurAppends(log.get(), threads, seconds / 3, round);
    ours.push_back(eps);
    groups.push_back(group);
    size_t g = std::max<size_t>(1, static_cast<size_t>(group + 0.5));
    raws.push_back(RunRawBatches(&raw, g, seconds / 3, value_bytes, &raw_pos));
  }
  return {threads, Median(ours), Median(groups), Median(raws)};
}

struct LatencyFigures {
  Percentiles ours, raw;
};

LatencyFigures BenchLatency(const std::string& base, int samples, size_t value_bytes) {
  std::string dir = base + "/latency";
  std::filesystem::remove_all(dir);
  LatencyFigures f{};
  {
    auto log = OpenLog(dir);
    std::mt19937 rng(1);
    std::vector<double> us;
    for (int i = 0; i < samples; ++i) {
      auto req = OneEvent("l-" + std::to_string(i), "C-" + std::to_string(rng() % 1000), rng);
      auto t0 = Clock_::now();
      auto r = log->Append(req);
      us.push_back(Seconds(Clock_::now() - t0) * 1e6);
      if (!r.ok()) std::exit(1);
    }
    f.ours = Pct(us);
  }
  std::string raw_dir = base + "/latency-raw";
  std::filesystem::remove_all(raw_dir);
  RawDb raw(raw_dir);
  std::string value(value_bytes, 'v');
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::vector<double> us;
  for (int i = 0; i < samples; ++i) {
    auto t0 = Clock_::now();
    raw.db->Put(wo, raw.h[kLog], keys::PositionKey(i + 1), value);
    us.push_back(Seconds(Clock_::now() - t0) * 1e6);
  }
  f.raw = Pct(us);
  return f;
}

struct ScanFigures {
  uint64_t events;
  double ours_per_s, raw_per_s;
};

ScanFigures BenchScan(const std::string& base, uint64_t n) {
  std::string dir = base + "/scan";
  std::filesystem::remove_all(dir);
  {
    auto log = OpenLog(dir, /*sync=*/false);  // bulk load; durability is not what is measured
    std::mt19937 rng(5);
    for (uint64_t i = 0; i < n;) {
      AppendRequest r = OneEvent("s-" + std::to_string(i), "C-" + std::to_string(rng() % 100000), rng);
      for (int k = 1; k < 100 && i + k < n; ++k) {
        auto extra = OneEvent("x", "C-" + std::to_string(rng() % 100000), rng);
        r.writes.push_back(std::move(extra.writes[0]));
      }
      i += r.writes.size();
      if (!log->Append(r).ok()) std::exit(1);
    }
  }
  auto log = OpenLog(dir);
  ScanFigures f{n, 0, 0};
  for (int round = 0; round < 3; ++round) {  // first round warms the cache; keep the best
    auto t0 = Clock_::now();
    uint64_t count = 0, checksum = 0;
    auto it = log->NewIterator();
    for (it->Seek(1); it->Valid(); it->Next()) {
      const EventView& e = it->event();
      checksum += e.stream_version() + e.stream_id().size() + static_cast<uint64_t>(e.type()) +
                  static_cast<uint64_t>(e.recorded_at_us());
      if (auto* note = e.payload_as<fb::NoteLogged>()) checksum += note->body()->size();
      ++count;
    }
    if (!it->status().ok() || count != n) {
      std::fprintf(stderr, "scan: %s (%llu events)\n", it->status().ToString().c_str(),
                   static_cast<unsigned long long>(count));
      std::exit(1);
    }
    f.ours_per_s = std::max(f.ours_per_s, count / Seconds(Clock_::now() - t0));
    if (checksum == 42) std::puts("");
  }
  log.reset();
  RawDb raw(dir + "/db");
  for (int round = 0; round < 3; ++round) {
    auto t0 = Clock_::now();
    uint64_t count = 0, checksum = 0;
    std::unique_ptr<rocksdb::Iterator> it(raw.db->NewIterator(rocksdb::ReadOptions(), raw.h[kLog]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      checksum += it->key().size() + it->value().size();
      ++count;
    }
    f.raw_per_s = std::max(f.raw_per_s, count / Seconds(Clock_::now() - t0));
    if (checksum == 42) std::puts("");
  }
  return f;
}

std::string K(double v) {
  char b[32];
  if (v >= 1e6) std::snprintf(b, sizeof b, "%.2f M", v / 1e6);
  else if (v >= 1e3) std::snprintf(b, sizeof b, "%.1f k", v / 1e3);
  else std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rapport event log benchmark"};
  std::string dir = "build/bench-data";
  double seconds = 3;
  uint64_t scan_events = 1'000'000;
  int latency_samples = 2000;
  app.add_option("--dir", dir, "Scratch directory (on the disk to measure)");
  app.add_option("--seconds", seconds, "Seconds per append measurement");
  app.add_option("--scan-events", scan_events, "Events in the scanned log");
  app.add_option("--latency-samples", latency_samples, "Appends timed one by one");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);

  // Measure the size of a typical encoded event so the raw baselines write the same bytes.
  size_t value_bytes;
  {
    std::mt19937 rng(1);
    auto req = OneEvent("t0-1", "C-12345", rng);
    flatbuffers::FlatBufferBuilder fbb;
    EnvelopeHeader h{req.writes[0].stream, req.actor, req.command_id, "", ""};
    value_bytes = EncodeUnstampedEnvelope(h, req.writes[0].events[0], &fbb).size();
  }

  std::printf("### Event log (events/) vs raw RocksDB, same disk, same run\n\n");
  std::printf("Event size: %zu bytes encoded (envelope + NoteLogged payload).\n\n", value_bytes);
  std::printf("| durable appends | rapport events/s | avg group | raw synced batches of that size, events/s | ratio |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (int threads : {1, 8, 64}) {
    auto f = BenchAppends(dir, threads, seconds, value_bytes);
    std::printf("| %d appender%s | %s | %.1f | %s | %.2f |\n", threads, threads == 1 ? "" : "s",
                K(f.events_per_s).c_str(), f.avg_group, K(f.raw_events_per_s).c_str(),
                f.events_per_s / f.raw_events_per_s);
    std::fflush(stdout);
  }
  auto l = BenchLatency(dir, latency_samples, value_bytes);
  std::printf("\n| single durable append latency | p50 µs | p99 µs |\n|---|---:|---:|\n");
  std::printf("| rapport Append (1 event) | %.0f | %.0f |\n", l.ours.p50_us, l.ours.p99_us);
  std::printf("| raw synced Put | %.0f | %.0f |\n", l.raw.p50_us, l.raw.p99_us);
  std::printf("| ratio (raw / rapport, p50) | %.2f | |\n", l.raw.p50_us / l.ours.p50_us);
  std::fflush(stdout);
  auto s = BenchScan(dir, scan_events);
  std::printf("\n| full forward scan, warm, %s events | events/s |\n|---|---:|\n",
              K(double(s.events)).c_str());
  std::printf("| rapport LogIterator (verified + decoded) | %s |\n", K(s.ours_per_s).c_str());
  std::printf("| raw RocksDB iteration of the same keys | %s |\n", K(s.raw_per_s).c_str());
  std::printf("| ratio | %.2f |\n", s.ours_per_s / s.raw_per_s);
  std::filesystem::remove_all(dir);
  return 0;
}
