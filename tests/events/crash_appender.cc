// rapport-crash-appender DIR TAG: appends durably from several threads until it is killed,
// printing "ACK <command id> <first> <last>" after each acknowledged append. The crash test
// (acknowledged_appends_survive_kill9_test.cc) kills it with SIGKILL at random moments and
// checks that every acknowledged append is in the log.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "events/event_log.h"

using namespace rapport;
using namespace rapport::events;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR TAG\n", argv[0]);
    return 2;
  }
  LogOptions o;
  o.dir = argv[1];
  o.program_name = "rapport-crash-appender";
  o.block_cache_bytes = 8 << 20;
  std::unique_ptr<EventLog> log;
  Status s = EventLog::Open(o, &log);
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.ToString().c_str());
    return 1;
  }
  std::string tag = argv[2];
  std::mutex out_mu;
  auto say = [&](const std::string& line) {
    std::lock_guard<std::mutex> l(out_mu);
    // One write(2) per line: atomic on a pipe, so a kill never leaves half a line.
    if (::write(STDOUT_FILENO, line.data(), line.size()) < 0) std::_Exit(3);
  };
  say("READY\n");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(std::random_device{}());
      for (uint64_t i = 0;; ++i) {
        AppendRequest r;
        r.command_id = tag + "-t" + std::to_string(t) + "-" + std::to_string(i);
        r.actor = "u-crash";
        int streams = 1 + static_cast<int>(rng() % 2);
        for (int k = 0; k < streams; ++k) {
          StreamWrite w;
          w.stream = {"deal", "D-" + std::to_string(rng() % 16)};
          if (k == 1 && w.stream == r.writes[0].stream) w.stream.id += "b";
          int events = 1 + static_cast<int>(rng() % 3);
          for (int e = 0; e < events; ++e) {
            fb::NoteLoggedT n;
            n.activity_id = r.command_id;
            n.body = std::string(100 + rng() % 200, 'x');
            fb::PayloadUnion u;
            u.Set(std::move(n));
            w.events.push_back(NewEvent::From(std::move(u)));
          }
          r.writes.push_back(std::move(w));
        }
        auto res = log->Append(r);
        if (!res.ok()) {
          std::fprintf(stderr, "append: %s\n", res.status().ToString().c_str());
          std::_Exit(1);
        }
        say("ACK " + r.command_id + " " + std::to_string(res->first_position) + " " +
            std::to_string(res->last_position) + "\n");
      }
    });
  }
  for (auto& th : threads) th.join();
}
