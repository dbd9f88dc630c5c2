// rapport-bench-server: rapportd end to end over loopback TCP, against the layers under it,
// in the same run.
//
//   build/release/bench/rapport-bench-server --dir build/bench-server [--commands N]
//       [--connections C] [--pipeline P] [--queries Q] [--durable-only | --queries-only]
//
// Measures (and prints as Markdown, for docs/benchmarks.md):
//  1. durable commands/s through the protocol (C connections, P requests in flight each,
//     CreateContact: decide + append + answer) next to the same commands through
//     CommandService::Execute from C*P threads and ExecuteAsync from one thread in-process,
//     and raw EventLog appends of one event per request (Append from C*P threads,
//     AppendAsync from one): what the network and the protocol cost. Each with the
//     process's CPU per write, which the disk's noise does not move. The in-process rows
//     run before the read models start; rapportd's rows run with them following the log,
//     and their CPU counts until the read models have applied the row's events (a row
//     starts only once the previous row's events are applied). --durable-only stops after
//     these (for profiling them);
//  2. ping round trips: p50/p99 with one in flight, and pipelined pings/s; --queries-only
//     stops after these (for profiling them);
//  3. the change feed: a subscriber catching up from position 1 over the whole log, events/s,
//     next to EventLog::ReadForward over the same log;
//  4. a pipeline board query over the protocol (p50/p95) next to RunQuery in-process.
// Figures move 30-50 % between runs on a shared machine: read the ratios.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <condition_variable>
#include <deque>
#include <mutex>

#include <asio.hpp>

#include "events/allocator.h"
#include "domain/command_service.h"
#include "domain/token.h"
#include "projections/engine.h"
#include "projections/query.h"
#include "server/client.h"
#include "server/log_line.h"
#include "server/server.h"

using namespace rapport;
using SteadyClock = std::chrono::steady_clock;

namespace {

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds this process used so far (all threads).
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct Pct {
  double p50, p95, p99;
};
Pct Percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](size_t pc) { return v[std::min(v.size() - 1, v.size() * pc / 100)]; };
  return {at(50), at(95), at(99)};
}

fb::CommandT Contact(const std::string& tag, int i) {
  fb::CreateContactT c;
  c.first_name = "Bench" + std::to_string(i);
  c.last_name = tag;
  c.emails = {"bench" + std::to_string(i) + "." + tag + "@example.com"};
  fb::CommandT cmd;
  cmd.command_id = tag + "-" + std::to_string(i);
  cmd.body.Set(std::move(c));
  return cmd;
}

// A raw append of one note, about the size of a contact: "<tag>-<i>" on stream note/<tag>-<i>.
events::AppendRequest NoteRequest(const std::string& tag, int i) {
  events::AppendRequest r;
  r.command_id = tag + "-" + std::to_string(i);
  r.actor = "U-1";
  events::StreamWrite w;
  w.stream = {"note", tag + "-" + std::to_string(i)};
  fb::NoteLoggedT n;
  n.activity_id = w.stream.id;
  n.body = "a note of about the size of a contact, written by the bench";
  fb::PayloadUnion u;
  u.Set(std::move(n));
  w.events.push_back(events::NewEvent::From(std::move(u)));
  r.writes.push_back(std::move(w));
  return r;
}

void Die(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}


// A raw Asio echo server of frames: the baseline for what the network costs on this machine.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    explicit Session(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    void Read() {
      socket.async_read_some(asio::buffer(buf), [self = shared_from_this()](const asio::error_code& ec, size_t n) {
        if (ec) return;
        // Echo whatever arrived (frames come back byte for byte, in order).
        auto out = std::make_shared<std::string>(self->buf.data(), n);
        asio::async_write(self->socket, asio::buffer(*out), [self, out](const asio::error_code& e, size_t) {
          if (!e) self->Read();
        });
      });
    }
    asio::ip::tcp::socket socket;
    std::array<char, 64 << 10> buf;
  };
  void Accept() {
    acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket s) {
      if (!ec) {
        s.set_option(asio::ip::tcp::no_delay(true));
        std::make_shared<Session>(std::move(s))->Read();
      }
      Accept();
    });
  }
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

// How a pipelining client keeps `depth` requests in flight.
enum class Pattern {
  // A batch of `depth` requests in one write, then all their answers, then the next batch.
  kBatches,
  // A sliding window: each answer taken is replaced by a new request, sent when the client
  // next has to wait (so as many as arrived together go out together).
  kWindow,
};
const char* PatternName(Pattern p) { return p == Pattern::kBatches ? "batches" : "window"; }

// Round trips/s of `frame` against the echo server: `connections` threads, `depth` in flight.
double EchoRate(uint16_t port, const std::string& frame, int connections, int depth, int total, Pattern pattern) {
  std::atomic<int> next{0};
  auto t0 = SteadyClock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < connections; ++c) {
    ts.emplace_back([&] {
      asio::io_context io;
      asio::ip::tcp::socket s(io);
      s.connect({asio::ip::make_address("127.0.0.1"), port});
      s.set_option(asio::ip::tcp::no_delay(true));
      std::string batch;
      std::vector<char> in;
      if (pattern == Pattern::kBatches) {
        while (true) {
          int n = 0;
          batch.clear();
          while (n < depth && next++ < total) {
            batch += frame;
            ++n;
          }
          if (n == 0) break;
          asio::write(s, asio::buffer(batch));
          in.resize(batch.size());
          asio::read(s, asio::buffer(in));
        }
        return;
      }
      // Window: the frames are all the same size, so the bytes received count the answers.
      size_t sent = 0, answered = 0, received = 0;
      auto refill = [&](size_t want) {
        batch.clear();
        while (sent - answered < want && next++ < total) {
          batch += frame;
          ++sent;
        }
        if (!batch.empty()) asio::write(s, asio::buffer(batch));
      };
      refill(static_cast<size_t>(depth));
      in.resize(64 << 10);
      while (answered < sent) {
        received += s.read_some(asio::buffer(in));
        answered = received / frame.size();
        refill(static_cast<size_t>(depth));
      }
    });
  }
  for (auto& t : ts) t.join();
  return total / Seconds(SteadyClock::now() - t0);
}

struct Load {
  double per_second;
  Pct latency_us;  // per request, from send to its answer
};

// Requests/s through rapportd: `connections` clients, `depth` requests in flight each.
Load ServerRate(const std::string& address, const std::string& token, int connections, int depth, int total,
                const std::function<server::RequestWriter(int)>& request, Pattern pattern = Pattern::kWindow) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<double> lat;
  auto t0 = SteadyClock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < connections; ++c) {
    ts.emplace_back([&] {
      auto client = server::Client::Connect(address, token);
      Die(client.status(), "connect");
      std::deque<std::pair<uint64_t, SteadyClock::time_point>> inflight;
      std::vector<double> mine;
      auto finish_one = [&] {
        auto d = (*client)->Wait(inflight.front().first);
        Die(d.status(), "wait");
        Die(d->status(), "request");
        mine.push_back(Seconds(SteadyClock::now() - inflight.front().second) * 1e6);
        inflight.pop_front();
      };
      for (int i = next++; i < total; i = next++) {
        auto id = (*client)->Send(request(i));
        Die(id.status(), "send");
        inflight.emplace_back(*id, SteadyClock::now());
        if (inflight.size() < static_cast<size_t>(depth)) continue;
        if (pattern == Pattern::kWindow) {
          finish_one();
        } else {
          while (!inflight.empty()) finish_one();
        }
      }
      while (!inflight.empty()) finish_one();
      std::lock_guard<std::mutex> l(mu);
      lat.insert(lat.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : ts) t.join();
  return {total / Seconds(SteadyClock::now() - t0), Percentiles(lat)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "build/bench-server";
  int commands = 20000, connections = 4, pipeline = 64, queries = 200;
  bool durable_only = false, queries_only = false;
  CLI::App app{"rapportd end to end against the layers under it"};
  app.add_option("--dir", dir, "Scratch directory (emptied)");
  app.add_option("--commands", commands, "Commands per measurement");
  app.add_option("--connections", connections, "Client connections");
  app.add_option("--pipeline", pipeline, "Requests in flight per connection");
  app.add_option("--queries", queries, "Board queries per measurement");
  app.add_flag("--durable-only", durable_only, "Measure durable writes only (for profiling them)");
  app.add_flag("--queries-only", queries_only,
               "Measure pings and reads only (for profiling them); the write rows create the contacts read, "
               "1,000 commands each");
  CLI11_PARSE(app, argc, argv);
  if (durable_only && queries_only) Die(Status::InvalidArgument("--durable-only and --queries-only exclude each other"), "options");
  if (queries_only) commands = 1000;
  if (sodium_init() < 0) return 1;
  server::SetLogLevel(server::LogLevel::kWarn);
  std::filesystem::remove_all(dir);

  events::LogOptions lo;
  lo.dir = dir;
  std::unique_ptr<events::EventLog> log;
  Die(events::EventLog::Open(lo, &log), "open");
  auto service = domain::CommandService::Open(log.get());
  Die(service.status(), "service");
  Micros now = SystemClock()->NowMicros();
  {
    fb::CreateWorkspaceT w;
    w.name = "Bench";
    w.home_currency = "EUR";
    w.admin_user_id = "U-1";
    w.admin_name = "Admin";
    w.admin_email = "admin@bench.example";
    fb::CommandT c;
    c.body.Set(std::move(w));
    Die((*service)->Execute(domain::Actor::System(), c, now).status(), "workspace");
  }
  auto admin = (*service)->ActorFor("U-1");
  Die(admin.status(), "admin");
  std::array<uint8_t, 32> random;
  randombytes_buf(random.data(), random.size());
  std::string secret = domain::FormatTokenSecret(random);
  {
    fb::IssueTokenT t;
    t.user_id = "U-1";
    t.name = "bench";
    t.secret_hash = domain::HashTokenSecret(secret);
    t.hint = domain::TokenHint(secret);
    fb::CommandT c;
    c.body.Set(std::move(t));
    Die((*service)->Execute(*admin, c, now).status(), "token");
  }
  {
    fb::CreatePipelineT p;
    p.pipeline_id = "PL-1";
    p.name = "Sales";
    for (auto [id, prob] : {std::pair{"s1", 10}, {"s2", 40}, {"s3", 80}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = id;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    fb::CommandT c;
    c.body.Set(std::move(p));
    Die((*service)->Execute(*admin, c, now).status(), "pipeline");
  }
  const int threads = connections * pipeline;

  // 1a. Raw EventLog appends, one event per request, `threads` appenders.
  double raw_rate = 0;
  double cpu0 = ProcessCpuSeconds();
  {
    std::atomic<int> next{0};
    auto t0 = SteadyClock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = next++; i < commands; i = next++) Die(log->Append(NoteRequest("raw", i)).status(), "raw append");
      });
    }
    for (auto& t : ts) t.join();
    raw_rate = commands / Seconds(SteadyClock::now() - t0);
  }
  const double raw_cpu = (ProcessCpuSeconds() - cpu0) * 1e6 / commands;
  cpu0 = ProcessCpuSeconds();
  // 1b. The same number of CreateContact commands through CommandService, in-process.
  double service_rate = 0;
  {
    std::atomic<int> next{0};
    auto t0 = SteadyClock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = next++; i < commands; i = next++) {
          Die((*service)->Execute(*admin, Contact("svc", i), SystemClock()->NowMicros()).status(), "execute");
        }
      });
    }
    for (auto& t : ts) t.join();
    service_rate = commands / Seconds(SteadyClock::now() - t0);
  }
  const double service_cpu = (ProcessCpuSeconds() - cpu0) * 1e6 / commands;
  // 1b'. The same, asynchronously: one thread keeps `threads` appends (raw) or commands
  //      (CommandService::ExecuteAsync) in flight, as rapportd does.
  // Returns commands/s and sets *cpu_us to the process's CPU per command.
  auto windowed = [&](double* cpu_us, auto start_one) {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    auto finished = [&] {
      std::lock_guard<std::mutex> l(mu);
      --in_flight;
      cv.notify_one();
    };
    auto t0 = SteadyClock::now();
    const double c0 = ProcessCpuSeconds();
    for (int i = 0; i < commands; ++i) {
      {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return in_flight < threads; });
        ++in_flight;
      }
      start_one(i, finished);
    }
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return in_flight == 0; });
    *cpu_us = (ProcessCpuSeconds() - c0) * 1e6 / commands;
    return commands / Seconds(SteadyClock::now() - t0);
  };
  double raw_async_cpu = 0, service_async_cpu = 0;
  double raw_async_rate = windowed(&raw_async_cpu, [&](int i, auto finished) {
    log->AppendAsync(NoteRequest("raw-async", i), [finished](Result<events::AppendResult> a, std::vector<events::Event>) {
      Die(a.status(), "raw async append");
      finished();
    });
  });
  asio::thread_pool offload_pool(4);
  double service_async_rate = windowed(&service_async_cpu, [&](int i, auto finished) {
    (*service)->ExecuteAsync(
        *admin, Contact("async", i), SystemClock()->NowMicros(),
        [&offload_pool](std::function<void()> f) { asio::post(offload_pool, std::move(f)); },
        [finished](Result<fb::CommandResultT> r) {
          Die(r.status(), "execute async");
          finished();
        });
  });
  offload_pool.join();

  // rapportd: the read models follow the log, as they do in rapportd. They start only now,
  // so the in-process rows above ran with nothing else on the machine, as the raw library
  // would; they catch up with those rows' events here, unmeasured.
  auto engine = projections::ProjectionEngine::Open(log.get());
  Die(engine.status(), "engine");
  Die((*engine)->CatchUp(), "catch up");
  (*engine)->StartFollowing();
  server::ServerOptions so;
  so.port = 0;
  so.max_in_flight = static_cast<size_t>(pipeline);
  so.worker_threads = static_cast<size_t>(std::max(16, connections * pipeline / 4));
  server::Server srv(log.get(), service->get(), engine->get(), so);
  Die(srv.Start(), "server");
  std::string address = "127.0.0.1:" + std::to_string(srv.port());
  // Waits until the read models have applied everything in the log. A rapportd row's CPU
  // is counted until then: each row pays for following its own events, and none for the
  // rows before it (so the next row starts on a quiet process).
  auto followed = [&] {
    if (!(*engine)->WaitFor(log->LastPosition(), std::chrono::minutes(5))) {
      Die(Status::Unavailable("the read models did not catch up with the log in 5 minutes"), "follow");
    }
  };

  // 1c. Through rapportd: `connections` clients with `pipeline` requests in flight each.
  double server_rate = 0;
  cpu0 = ProcessCpuSeconds();
  {
    std::atomic<int> next{0};
    auto t0 = SteadyClock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < connections; ++t) {
      ts.emplace_back([&] {
        auto c = server::Client::Connect(address, secret);
        Die(c.status(), "connect");
        std::deque<uint64_t> inflight;
        for (int i = next++; i < commands; i = next++) {
          auto id = (*c)->SendExecute(Contact("net", i));
          Die(id.status(), "send");
          inflight.push_back(*id);
          if (inflight.size() >= static_cast<size_t>(pipeline)) {
            auto d = (*c)->Wait(inflight.front());
            Die(d.status(), "wait");
            Die(d->status(), "command");
            inflight.pop_front();
          }
        }
        for (auto id : inflight) {
          auto d = (*c)->Wait(id);
          Die(d.status(), "wait");
          Die(d->status(), "command");
        }
      });
    }
    for (auto& t : ts) t.join();
    server_rate = commands / Seconds(SteadyClock::now() - t0);
  }
  followed();
  const double server_cpu = (ProcessCpuSeconds() - cpu0) * 1e6 / commands;

  // 2. Small requests and appends through rapportd at 1 and 16 connections, 1 and 64 in
  //    flight, next to a raw Asio echo of the same frame size.
  auto client = server::Client::Connect(address, secret);
  Die(client.status(), "connect");
  auto ping = [](int) -> server::RequestWriter {
    return [](flatbuffers::FlatBufferBuilder& fbb, uint64_t rid) {
      return server::FinishRequest(fbb, rid, proto::CreatePing(fbb, rid));
    };
  };
  auto read_record = [](int i) -> server::RequestWriter {
    return [i](flatbuffers::FlatBufferBuilder& fbb, uint64_t rid) {
      std::string id = "C-" + std::to_string(1 + i % 1000);
      return server::FinishRequest(fbb, rid, proto::CreateReadStreamDirect(fbb, "contact", id.c_str(), 1, 10));
    };
  };
  int appended = 0;
  auto append = [&appended](int i) -> server::RequestWriter {
    fb::CommandT cmd = Contact("load" + std::to_string(appended), i);
    return [cmd = std::make_shared<fb::CommandT>(std::move(cmd))](flatbuffers::FlatBufferBuilder& fbb, uint64_t rid) {
      auto c = fb::Command::Pack(fbb, cmd.get());
      return server::FinishRequest(fbb, rid, proto::CreateExecute(fbb, c));
    };
  };
  std::string ping_frame;
  {
    flatbuffers::FlatBufferBuilder fbb;
    ping_frame = server::EncodeFrame(server::FinishRequest(fbb, 1, proto::CreatePing(fbb, 1)));
  }
  EchoServer echo;
  struct Row {
    std::string what;
    int connections, depth;
    double rate, echo_rate;
    Pct lat;
    double cpu_us = 0;    // process CPU per request (durable rows)
    std::string pattern;  // how the pipelined rows keep requests in flight
  };
  std::vector<Row> rows;
  for (auto [conns, depth] : {std::pair{1, 1}, {1, 64}, {16, 1}, {16, 64}}) {
    if (durable_only) break;
    int n = depth == 1 && conns == 1 ? 5000 : 50000;
    for (Pattern pattern : {Pattern::kWindow, Pattern::kBatches}) {
      if (depth == 1 && pattern == Pattern::kBatches) continue;  // the same thing
      const std::string how = depth == 1 ? "" : PatternName(pattern);
      // The echo runs just before and just after each rapportd row, in the same pattern, and
      // the row is compared with their mean: the machine's speed drifts within seconds.
      auto row = [&](const std::string& what, const std::function<server::RequestWriter(int)>& request) {
        double e = EchoRate(echo.port(), ping_frame, conns, depth, n, pattern);
        auto l = ServerRate(address, secret, conns, depth, n, request, pattern);
        e = (e + EchoRate(echo.port(), ping_frame, conns, depth, n, pattern)) / 2;
        rows.push_back({what, conns, depth, l.per_second, e, l.latency_us, 0, how});
      };
      row("ping", ping);
      row("read a contact (ReadStream)", read_record);
    }
  }
  for (auto [conns, depth] : {std::pair{1, 1}, {16, 16}, {16, 64}}) {
    if (queries_only) break;
    ++appended;
    int n = conns == 1 ? 1000 : 40000;
    const double c0 = ProcessCpuSeconds();
    auto a = ServerRate(address, secret, conns, depth, n, append);
    followed();
    rows.push_back({"durable CreateContact", conns, depth, a.per_second, 0, a.latency_us,
                    (ProcessCpuSeconds() - c0) * 1e6 / n, ""});
  }

  // The durable-writes table (both modes).
  auto print_durable = [&] {
    std::printf("| durable writes, %d in flight | per second | vs raw log | CPU us per write |\n|---|---:|---:|---:|\n",
                threads);
    auto row = [&](const std::string& what, double rate, double cpu) {
      std::printf("| %s | %.0f | %.2f | %.0f |\n", what.c_str(), rate, rate / raw_rate, cpu);
    };
    row("raw EventLog::Append (1 event per request), " + std::to_string(threads) + " threads", raw_rate, raw_cpu);
    row("raw EventLog::AppendAsync, one thread", raw_async_rate, raw_async_cpu);
    row("CreateContact via CommandService::Execute, " + std::to_string(threads) + " threads", service_rate,
        service_cpu);
    row("CreateContact via CommandService::ExecuteAsync, one thread", service_async_rate, service_async_cpu);
    row("CreateContact via rapportd, " + std::to_string(connections) + " x " + std::to_string(pipeline) +
            " pipelined",
        server_rate, server_cpu);
    for (const auto& r : rows) {
      if (r.echo_rate > 0) continue;
      row("CreateContact via rapportd, " + std::to_string(r.connections) + " x " + std::to_string(r.depth) +
              " (p50 / p99 " + std::to_string(static_cast<int>(r.lat.p50)) + " / " +
              std::to_string(static_cast<int>(r.lat.p99)) + " us)",
          r.rate, r.cpu_us);
    }
  };
  if (durable_only) {
    std::printf("`build/release/bench/rapport-bench-server --dir %s --commands %d --connections %d --pipeline %d "
                "--durable-only` (allocator: %s)\n\n",
                dir.c_str(), commands, connections, pipeline, std::string(rapport::ActiveAllocator()).c_str());
    print_durable();
    srv.Shutdown();
    Die((*engine)->Close(), "engine close");
    Die(log->Close(), "close");
    return 0;
  }

  if (queries_only) {
    std::printf("`build/release/bench/rapport-bench-server --dir %s --queries-only` (allocator: %s)\n\n", dir.c_str(),
                std::string(rapport::ActiveAllocator()).c_str());
    std::printf("| request | connections x in flight | per second | p50 / p99 us | raw echo /s | vs echo |\n"
                "|---|---|---:|---:|---:|---:|\n");
    for (const auto& r : rows) {
      std::printf("| %s | %d x %d%s%s | %.0f | %.0f / %.0f | %.0f | %.2f |\n", r.what.c_str(), r.connections,
                  r.depth, r.pattern.empty() ? "" : ", ", r.pattern.c_str(), r.rate, r.lat.p50, r.lat.p99,
                  r.echo_rate, r.rate / r.echo_rate);
    }
    srv.Shutdown();
    Die((*engine)->Close(), "engine close");
    Die(log->Close(), "close");
    return 0;
  }

  // 3. The change feed from position 1 next to ReadForward.
  const uint64_t last = log->LastPosition();
  double feed_rate = 0, scan_rate = 0;
  {
    auto t0 = SteadyClock::now();
    uint64_t from = 1;
    std::vector<events::Event> evs;
    while (from <= last) {
      evs.clear();
      Die(log->ReadForward(from, 1000, &evs), "scan");
      if (evs.empty()) break;
      from = evs.back()->position() + 1;
    }
    scan_rate = last / Seconds(SteadyClock::now() - t0);
  }
  {
    auto sub_client = server::Client::Connect(address, secret);
    Die(sub_client.status(), "connect");
    auto t0 = SteadyClock::now();
    auto sub = (*sub_client)->Subscribe({1, {}, {}, {}});
    Die(sub.status(), "subscribe");
    uint64_t seen = 0, got = 0;
    while (seen < last) {
      auto evs = (*sub_client)->NextEvents(*sub, std::chrono::seconds(10));
      Die(evs.status(), "feed");
      if (evs->empty()) break;
      got += evs->size();
      seen = evs->back()->position();
    }
    feed_rate = got / Seconds(SteadyClock::now() - t0);
  }

  // 4. Board queries: protocol vs in-process, over 3,000 open deals.
  {
    std::atomic<int> next{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 32; ++t) {
      ts.emplace_back([&] {
        for (int i = next++; i < 3000; i = next++) {
          fb::OpenDealT d;
          d.name = "Deal " + std::to_string(i);
          d.pipeline_id = "PL-1";
          d.stage_id = i % 3 == 0 ? "s1" : i % 3 == 1 ? "s2" : "s3";
          d.amount = std::make_unique<fb::MoneyT>();
          d.amount->amount_minor = 100000 + 1000 * (i % 97);
          d.amount->currency = "EUR";
          fb::CommandT c;
          c.body.Set(std::move(d));
          Die((*service)->Execute(*admin, c, SystemClock()->NowMicros()).status(), "open deal");
        }
      });
    }
    for (auto& t : ts) t.join();
  }
  projections::Query bq;
  bq.kind = "board";
  bq.pipeline_id = "PL-1";
  bq.limit = 8;
  std::vector<double> direct_ms, remote_ms;
  for (int i = 0; i < queries; ++i) {
    auto t0 = SteadyClock::now();
    Die(projections::RunQuery(**engine, bq, SystemClock()->NowMicros()).status(), "board");
    direct_ms.push_back(Seconds(SteadyClock::now() - t0) * 1e3);
    t0 = SteadyClock::now();
    Die((*client)->Query(bq).status(), "remote board");
    remote_ms.push_back(Seconds(SteadyClock::now() - t0) * 1e3);
  }

  auto dq = Percentiles(direct_ms), rq = Percentiles(remote_ms);
  std::printf("## Server: rapportd over loopback TCP (issue: server)\n\n");
  std::printf("`build/release/bench/rapport-bench-server --dir %s --commands %d --connections %d --pipeline %d` (allocator: %s)\n\n",
              dir.c_str(), commands, connections, pipeline, std::string(rapport::ActiveAllocator()).c_str());
  print_durable();
  std::printf("\n| request | connections x in flight | per second | p50 / p99 us | raw echo /s | vs echo |\n"
              "|---|---|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    if (r.echo_rate == 0) continue;  // durable rows: in the table above
    std::printf("| %s | %d x %d%s%s | %.0f | %.0f / %.0f | %.0f | %.2f |\n", r.what.c_str(), r.connections, r.depth,
                r.pattern.empty() ? "" : ", ", r.pattern.c_str(), r.rate, r.lat.p50, r.lat.p99, r.echo_rate,
                r.rate / r.echo_rate);
  }
  std::printf("\n| reading the whole log (%llu events) | events/s | vs ReadForward |\n|---|---:|---:|\n",
              static_cast<unsigned long long>(last));
  std::printf("| EventLog::ReadForward, in-process | %.0f | 1.00 |\n", scan_rate);
  std::printf("| change feed from position 1 over TCP | %.0f | %.2f |\n", feed_rate, feed_rate / scan_rate);
  std::printf("\n| pipeline board, 3,000 open deals (%d queries) | p50 ms | p95 ms |\n|---|---:|---:|\n", queries);
  std::printf("| RunQuery in-process | %.2f | %.2f |\n", dq.p50, dq.p95);
  std::printf("| Query over rapportd | %.2f | %.2f |\n", rq.p50, rq.p95);
  srv.Shutdown();
  Die((*engine)->Close(), "engine close");
  Die(log->Close(), "close");
  return 0;
}
