// rapport-bench-projections: projections on a synthetic but realistic log, against a raw
// RocksDB scan of the same log in the same run.
//
//   build/release/bench/rapport-bench-projections --dir build/bench-proj --events 10000000
//
// The log (fixed seed): 100 users in 10 teams, 2 pipelines, ~100k companies, ~1M contacts,
// ~300k deals over two years (stage moves, slipping close dates, wins and losses), tasks and
// tickets, and activities filling the rest; one contact has 10,000 activities. recorded_at
// advances over the two years; many activities are logged days after they happened.
// Measures: a full rebuild of every projection (events/s) next to a raw scan of the log
// family; the pipeline board and the forecast as of random past instants (p50/p95); the
// first timeline page of the 10k-activity contact (p50/p95); peak resident memory.
#include <rocksdb/db.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <sys/resource.h>

#include "events/allocator.h"
#include "events/event_log.h"
#include "events/log_families.h"
#include "projections/engine.h"
#include "projections/queries.h"

using namespace rapport;
using namespace rapport::events;
using namespace rapport::projections;
using SteadyClock = std::chrono::steady_clock;

namespace {

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct Pct {
  double p50, p95;
};
Pct Percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)]};
}

template <typename T>
NewEvent Ev(T payload, Micros occurred = 0, std::string subject = {}) {
  fb::PayloadUnion u;
  u.Set(std::move(payload));
  return NewEvent::From(std::move(u), occurred, std::move(subject));
}

std::unique_ptr<fb::MoneyT> Eur(int64_t minor) {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = minor;
  m->currency = "EUR";
  return m;
}

// Builds the synthetic log: one AppendRequest per batch of events, many streams each.
class Generator {
 public:
  Generator(EventLog* log, ManualClock* clock, uint64_t target) : log_(log), clock_(clock), target_(target), rng_(20260101) {}

  Status Run() {
    Micros start = DaysFromCivil(2024, 1, 1) * kMicrosPerDay;
    Micros span = 730 * kMicrosPerDay;
    clock_->Set(start);
    Setup();
    // Scale: ~10 % contacts, ~1 % companies, ~3 % deals (x ~6 events), tasks 5 %, tickets 1.5 %.
    uint64_t contacts = target_ / 10, companies = target_ / 100, deals = target_ * 3 / 100;
    uint64_t days = 730;
    for (uint64_t day = 0; day < days && written_ < target_; ++day) {
      for (uint64_t i = 0; i < companies / days; ++i) Company();
      for (uint64_t i = 0; i < contacts / days; ++i) Contact();
      for (uint64_t i = 0; i < deals / days; ++i) OpenDeal();
      // Work on open deals: moves, slips, wins, losses.
      for (uint64_t i = 0; i < deals * 5 / days && !open_.empty(); ++i) Progress();
      for (uint64_t i = 0; i < target_ / 20 / days; ++i) Task();
      for (uint64_t i = 0; i < target_ / 200 / days; ++i) Ticket();
      // Activities fill the rest of the day's share.
      uint64_t goal = target_ * (day + 1) / days;
      while (written_ + pending_events_ < goal) Activity();
      clock_->Set(start + span * static_cast<Micros>(day + 1) / static_cast<Micros>(days));
      RAPPORT_RETURN_IF_ERROR(Flush());
      if (day % 73 == 0) std::fprintf(stderr, "\rgenerating: %llu / %llu events", (unsigned long long)written_, (unsigned long long)target_);
    }
    RAPPORT_RETURN_IF_ERROR(Flush());
    std::fprintf(stderr, "\r\033[K");
    return Status::Ok();
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  Micros Now() { return clock_->NowMicros(); }
  Micros Late() { return Now() - static_cast<Micros>(Pick(5 * 24)) * 3600 * kMicrosPerSecond; }

  void Add(std::string type, std::string id, NewEvent e) {
    auto key = type + "/" + id;
    auto it = index_.find(key);
    if (it == index_.end()) {
      it = index_.emplace(key, req_.writes.size()).first;
      StreamWrite w;
      w.stream = {std::move(type), std::move(id)};
      req_.writes.push_back(std::move(w));
    }
    req_.writes[it->second].events.push_back(std::move(e));
    if (++pending_events_ >= 2000) {
      Status s = Flush();
      if (!s.ok()) std::abort();
    }
  }
  Status Flush() {
    if (pending_events_ == 0) return Status::Ok();
    req_.command_id = "gen-" + std::to_string(++batches_);
    req_.actor = "U-1";
    auto r = log_->Append(req_);
    if (!r.ok()) return r.status();
    written_ += pending_events_;
    pending_events_ = 0;
    req_ = AppendRequest();
    index_.clear();
    return Status::Ok();
  }

  void Setup() {
    fb::WorkspaceCreatedT w;
    w.workspace_id = "bench";
    w.name = "Bench";
    w.home_currency = "EUR";
    Add("workspace", "main", Ev(std::move(w)));
    for (int i = 1; i <= 100; ++i) {
      fb::UserCreatedT u;
      u.user_id = "U-" + std::to_string(i);
      u.name = "User " + std::to_string(i);
      u.email = "u" + std::to_string(i) + "@bench.example";
      u.role = i == 1 ? fb::Role::Admin : i % 10 == 0 ? fb::Role::Manager : fb::Role::Rep;
      std::string id = u.user_id;
      Add("user", id, Ev(std::move(u)));
    }
    for (int t = 0; t < 10; ++t) {
      fb::TeamCreatedT team;
      team.team_id = "T-" + std::to_string(t + 1);
      team.name = "Team " + std::to_string(t + 1);
      team.manager_id = "U-" + std::to_string((t + 1) * 10);
      for (int k = 1; k < 10; ++k) team.member_ids.push_back("U-" + std::to_string(t * 10 + k + (t == 0 ? 1 : 0)));
      std::string id = team.team_id;
      Add("team", id, Ev(std::move(team)));
    }
    for (int p = 1; p <= 2; ++p) {
      fb::PipelineCreatedT pl;
      pl.pipeline_id = "PL-" + std::to_string(p);
      pl.name = p == 1 ? "New business" : "Expansion";
      int k = 0;
      for (int prob : {10, 30, 60, 80}) {
        auto st = std::make_unique<fb::StageT>();
        st->stage_id = "s" + std::to_string(++k);
        st->name = "Stage " + std::to_string(k);
        st->probability = prob;
        pl.stages.push_back(std::move(st));
      }
      std::string id = pl.pipeline_id;
      Add("pipeline", id, Ev(std::move(pl)));
    }
  }
  std::string Owner() { return "U-" + std::to_string(2 + Pick(99)); }

  void Company() {
    fb::CompanyCreatedT c;
    c.company_id = "CO-" + std::to_string(++companies_);
    c.name = "Company " + std::to_string(companies_);
    c.domain = "co" + std::to_string(companies_) + ".example";
    c.owner_id = Owner();
    std::string id = c.company_id;
    Add("company", id, Ev(std::move(c)));
  }
  void Contact() {
    static const char* kFirst[] = {"Marie", "Ada", "Alan", "Grace", "Émile", "Hedy", "Nikola", "Lise"};
    static const char* kLast[] = {"Curie", "Lovelace", "Turing", "Hopper", "Zola", "Lamarr", "Tesla", "Meitner"};
    fb::ContactCreatedT c;
    c.contact_id = "C-" + std::to_string(++contacts_);
    c.first_name = kFirst[Pick(8)];
    c.last_name = kLast[Pick(8)];
    c.emails = {"c" + std::to_string(contacts_) + "@mail.example"};
    if (companies_) c.company_id = "CO-" + std::to_string(1 + Pick(static_cast<uint32_t>(companies_)));
    c.owner_id = Owner();
    c.source = Pick(2) ? "web form" : "referral";
    c.lifecycle = fb::Lifecycle::Lead;
    std::string id = c.contact_id;
    Add("contact", id, Ev(std::move(c), 0, id));
  }
  struct Deal {
    std::string id;
    int stage = 1;
    int32_t close = 0;
  };
  void OpenDeal() {
    fb::DealOpenedT d;
    d.deal_id = "D-" + std::to_string(++deals_);
    d.name = "Deal " + std::to_string(deals_);
    d.pipeline_id = Pick(4) ? "PL-1" : "PL-2";
    d.stage_id = "s1";
    d.amount = Eur(static_cast<int64_t>(1000 + Pick(100000)) * 100);
    int32_t close = static_cast<int32_t>(Now() / kMicrosPerDay) + 30 + static_cast<int32_t>(Pick(120));
    d.expected_close_date = close;
    d.owner_id = Owner();
    if (contacts_) d.contact_ids = {"C-" + std::to_string(1 + Pick(static_cast<uint32_t>(contacts_)))};
    if (companies_) d.company_id = "CO-" + std::to_string(1 + Pick(static_cast<uint32_t>(companies_)));
    d.source = Pick(2) ? "web form" : "partner";
    open_.push_back({d.deal_id, 1, close});
    std::string id = d.deal_id;
    Add("deal", id, Ev(std::move(d), Late()));
  }
  void Progress() {
    size_t i = Pick(static_cast<uint32_t>(open_.size()));
    Deal& d = open_[i];
    uint32_t roll = Pick(10);
    if (roll < 5 && d.stage < 4) {
      fb::DealStageMovedT m;
      m.deal_id = d.id;
      m.pipeline_id = "PL-1";
      m.from_stage_id = "s" + std::to_string(d.stage);
      m.to_stage_id = "s" + std::to_string(++d.stage);
      Add("deal", d.id, Ev(std::move(m), Late()));
    } else if (roll < 6) {
      fb::DealCloseDateChangedT c;
      c.deal_id = d.id;
      c.old_date = d.close;
      d.close += 14 + static_cast<int32_t>(Pick(30));
      c.new_date = d.close;
      Add("deal", d.id, Ev(std::move(c)));
    } else {
      int32_t today = static_cast<int32_t>(Now() / kMicrosPerDay);
      if (Pick(10) < 6) {
        fb::DealWonT w;
        w.deal_id = d.id;
        w.from_stage_id = "s" + std::to_string(d.stage);
        w.amount = Eur(static_cast<int64_t>(1000 + Pick(100000)) * 100);
        w.close_date = today;
        Add("deal", d.id, Ev(std::move(w)));
      } else {
        fb::DealLostT l;
        l.deal_id = d.id;
        l.from_stage_id = "s" + std::to_string(d.stage);
        l.reason = "price";
        l.close_date = today;
        Add("deal", d.id, Ev(std::move(l)));
      }
      open_[i] = open_.back();
      open_.pop_back();
    }
  }
  void Task() {
    fb::TaskCreatedT t;
    t.task_id = "TSK-" + std::to_string(++tasks_);
    t.title = "Follow up " + std::to_string(tasks_);
    t.due_us = Now() + static_cast<Micros>(Pick(14)) * kMicrosPerDay;
    t.assignee_id = Owner();
    t.priority = fb::Priority::Normal;
    std::string id = t.task_id;
    Add("task", id, Ev(std::move(t)));
    if (Pick(3) && tasks_ > 1) {
      fb::TaskCompletedT c;
      c.task_id = "TSK-" + std::to_string(1 + Pick(static_cast<uint32_t>(tasks_ - 1)));
      // Only tasks not completed yet; approximate with a set.
      std::string done = c.task_id;
      if (done_.insert(done).second) Add("task", done, Ev(std::move(c)));
    }
  }
  void Ticket() {
    fb::TicketOpenedT t;
    t.ticket_id = "TKT-" + std::to_string(++tickets_);
    t.subject = "Problem " + std::to_string(tickets_);
    t.contact_id = "C-" + std::to_string(1 + Pick(static_cast<uint32_t>(std::max<uint64_t>(contacts_, 1))));
    t.priority = fb::Priority::Normal;
    std::string id = t.ticket_id;
    Add("ticket", id, Ev(std::move(t)));
  }
  void Activity() {
    auto links = std::make_unique<fb::LinksT>();
    // Every 700th activity goes to C-1, the contact with a long timeline.
    std::string contact = (++activities_ % 700 == 0) ? "C-1"
                          : "C-" + std::to_string(1 + Pick(static_cast<uint32_t>(std::max<uint64_t>(contacts_, 1))));
    links->contact_ids = {contact};
    if (!open_.empty() && Pick(3) == 0) links->deal_ids = {open_[Pick(static_cast<uint32_t>(open_.size()))].id};
    std::string id = "A-" + std::to_string(activities_);
    switch (Pick(4)) {
      case 0: {
        fb::CallLoggedT c;
        c.activity_id = id;
        c.author_id = Owner();
        c.duration_seconds = static_cast<int>(Pick(1800));
        c.notes = "Discussed next steps";
        c.links = std::move(links);
        Add("activity", id, Ev(std::move(c), Late(), contact));
        break;
      }
      case 1: {
        fb::EmailLoggedT e;
        e.activity_id = id;
        e.author_id = Owner();
        e.subject = "Re: proposal";
        e.body = "Thanks, see attached.";
        e.links = std::move(links);
        Add("activity", id, Ev(std::move(e), Late(), contact));
        break;
      }
      case 2: {
        fb::NoteLoggedT n;
        n.activity_id = id;
        n.author_id = Owner();
        n.body = "Prefers calls in the morning";
        n.links = std::move(links);
        Add("activity", id, Ev(std::move(n), Late(), contact));
        break;
      }
      default: {
        fb::MeetingLoggedT m;
        m.activity_id = id;
        m.author_id = Owner();
        m.title = "Demo";
        m.start_us = Now();
        m.end_us = Now() + 3600 * kMicrosPerSecond;
        m.links = std::move(links);
        Add("activity", id, Ev(std::move(m), Late(), contact));
        break;
      }
    }
  }

  EventLog* log_;
  ManualClock* clock_;
  uint64_t target_;
  std::mt19937 rng_;
  AppendRequest req_;
  std::unordered_map<std::string, size_t> index_;
  uint64_t pending_events_ = 0, written_ = 0, batches_ = 0;
  uint64_t companies_ = 0, contacts_ = 0, deals_ = 0, tasks_ = 0, tickets_ = 0, activities_ = 0;
  std::vector<Deal> open_;
  std::set<std::string> done_;
};

std::unique_ptr<EventLog> OpenLog(const std::string& dir, Clock* clock, bool sync) {
  LogOptions o;
  o.dir = dir;
  o.clock = clock;
  o.sync = sync;
  o.max_events_per_request = 10000;
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, &log);
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return log;
}

double RawScan(const std::string& dir, uint64_t* count) {
  LogOptions lo;
  auto cache = rocksdb::NewLRUCache(lo.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> fams;
  for (int i = 0; i < kFamilyCount; ++i) fams.emplace_back(LogFamilyNames()[i], LogFamilyOptions(i, cache));
  std::vector<rocksdb::ColumnFamilyHandle*> h;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(LogDbOptions(lo), dir + "/db", fams, &h, &db).ok()) std::exit(1);
  double best = 1e99;
  for (int round = 0; round < 2; ++round) {
    auto t0 = SteadyClock::now();
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h[kLog]));
    uint64_t n = 0, sum = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      sum += it->key().size() + it->value().size();
      ++n;
    }
    best = std::min(best, Seconds(SteadyClock::now() - t0));
    *count = n;
    if (sum == 42) std::puts("");
  }
  for (auto* x : h) db->DestroyColumnFamilyHandle(x);
  delete db;
  return best;
}

// User and system CPU time of the whole process so far.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
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
  CLI::App app{"rapport projections benchmark"};
  std::string dir = "build/bench-proj";
  uint64_t events = 10'000'000;
  bool reuse = false;
  int queries = 40;
  app.add_option("--dir", dir, "Scratch directory");
  app.add_option("--events", events, "Events in the synthetic log");
  app.add_flag("--reuse", reuse, "Reuse a log generated by an earlier run in --dir");
  app.add_option("--queries", queries, "As-of queries of each kind timed");
  int rebuilds = 1;
  rapport::projections::BulkReplayOptions bulk;
  app.add_option("--batch-events", bulk.batch_events, "Rebuild: events per batch handed to the appliers")
      ->capture_default_str();
  app.add_option("--batches-ahead", bulk.batches_ahead, "Rebuild: batches the reader may run ahead")
      ->capture_default_str();
  app.add_option("--round-batches", bulk.round_batches, "Rebuild: batches between two chances for queries")
      ->capture_default_str();
  app.add_option("--rebuilds", rebuilds, "Full rebuilds timed (the fastest is reported)")
      ->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);

  ManualClock clock(0);
  if (!reuse) {
    std::filesystem::remove_all(dir);
    auto log = OpenLog(dir, &clock, /*sync=*/false);
    auto t0 = SteadyClock::now();
    Generator gen(log.get(), &clock, events);
    Status s = gen.Run();
    if (!s.ok()) {
      std::fprintf(stderr, "generate: %s\n", s.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "generated %llu events in %.1f s\n", (unsigned long long)log->LastPosition(),
                 Seconds(SteadyClock::now() - t0));
  }
  std::filesystem::remove_all(dir + "/projections");

  uint64_t raw_count = 0;
  double raw_s = RawScan(dir, &raw_count);

  auto log = OpenLog(dir, SystemClock(), true);
  uint64_t n = log->LastPosition();
  EngineOptions eo;
  eo.bulk_replay = bulk;
  eo.snapshot_every = UINT64_MAX;  // measure the replay, not snapshot writing
  eo.progress = [](uint64_t done, uint64_t total) {
    std::fprintf(stderr, "\rrebuilding: %llu / %llu", (unsigned long long)done, (unsigned long long)total);
  };
  auto engine = std::move(*ProjectionEngine::Open(log.get(), eo));
  // The fastest of `rebuilds` (this machine's speed moves 30 % from minute to minute).
  double rebuild_s = 1e99, rebuild_cpu_s = 0;
  for (int round = 0; round < rebuilds; ++round) {
    auto cpu0 = ProcessCpuSeconds();
    auto t0 = SteadyClock::now();
    if (!engine->Rebuild().ok()) return 1;
    double s = Seconds(SteadyClock::now() - t0);
    if (s < rebuild_s) {
      rebuild_s = s;
      rebuild_cpu_s = ProcessCpuSeconds() - cpu0;
    }
  }
  std::fprintf(stderr, "\r\033[K");

  // As-of board and forecast at random past instants.
  auto first = log->Get(1);
  Micros t_first = first->view().recorded_at_us();
  Micros t_last = log->Get(n)->view().recorded_at_us();
  std::mt19937 rng(7);
  std::vector<double> board_ms, forecast_ms, timeline_ms, effective_ms;
  for (int i = 0; i < queries; ++i) {
    Micros t = t_first + static_cast<Micros>(std::uniform_real_distribution<double>(0, 1)(rng) * (t_last - t_first));
    auto a = SteadyClock::now();
    auto b = engine->Read(AsOf::Recorded(t), [](const ReadModel& m, const AsOf& at) { return BuildBoard(m, at, "PL-1"); });
    board_ms.push_back(Seconds(SteadyClock::now() - a) * 1e3);
    a = SteadyClock::now();
    auto f = engine->Read(AsOf::Recorded(t), [](const ReadModel& m, const AsOf& at) { return BuildForecast(m, at, {}); });
    forecast_ms.push_back(Seconds(SteadyClock::now() - a) * 1e3);
    a = SteadyClock::now();
    auto e = engine->Read(AsOf::Effective(t), [](const ReadModel& m, const AsOf& at) { return BuildBoard(m, at, "PL-1"); });
    effective_ms.push_back(Seconds(SteadyClock::now() - a) * 1e3);
    if (!b.ok() || !e.ok() || f.rows.empty()) {
      std::fprintf(stderr, "query failed\n");
      return 1;
    }
  }
  size_t timeline_total = 0;
  for (int i = 0; i < 200; ++i) {
    auto a = SteadyClock::now();
    auto t = engine->Read(AsOf::Now(SystemClock()->NowMicros()), [&](const ReadModel& m, const AsOf& at) {
      return BuildTimeline(m, *log, at, "contact/C-1", 20, nullptr);
    });
    timeline_ms.push_back(Seconds(SteadyClock::now() - a) * 1e3);
    if (!t.ok()) return 1;
    timeline_total = t->total;
  }
  auto bp = Percentiles(board_ms), fp = Percentiles(forecast_ms), ep = Percentiles(effective_ms),
       tp = Percentiles(timeline_ms);

  std::printf("### Projections on a synthetic log of %s events (same disk, same run, allocator: %s)\n\n", K(double(n)).c_str(), std::string(rapport::ActiveAllocator()).c_str());
  std::printf("| work | figure | next to | ratio |\n|---|---:|---:|---:|\n");
  std::printf("| full rebuild of every projection (best of %d) | %s events/s (%.1f s; CPU %.1f s, %.0f ns per event) | raw RocksDB scan of the log: %s events/s (%.0f ns per event) | %.2f |\n",
              rebuilds, K(n / rebuild_s).c_str(), rebuild_s, rebuild_cpu_s, rebuild_cpu_s * 1e9 / n,
              K(raw_count / raw_s).c_str(), raw_s * 1e9 / raw_count, (n / rebuild_s) / (raw_count / raw_s));
  std::printf("\n| query (%d random past instants) | p50 ms | p95 ms |\n|---|---:|---:|\n", queries);
  std::printf("| pipeline board, as recorded then | %.1f | %.1f |\n", bp.p50, bp.p95);
  std::printf("| pipeline board, effective then | %.1f | %.1f |\n", ep.p50, ep.p95);
  std::printf("| forecast by month, as recorded then | %.1f | %.1f |\n", fp.p50, fp.p95);
  std::printf("| timeline of a contact with %zu entries, first page of 20 (now) | %.3f | %.3f |\n", timeline_total, tp.p50, tp.p95);
  std::printf("\nPeak resident memory serving all projections: %.0f MB\n", PeakRssKb() / 1024.0);
  return 0;
}
