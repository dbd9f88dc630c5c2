// The crash test: a child appends durably while the parent kills it with SIGKILL at random
// moments. After each kill the log reopens (noticing the unclean shutdown), holds every
// append the child reported as acknowledged, is gap-free, and verifies clean.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>

#include "log_test_util.h"

using namespace rapport;
using namespace rapport::events;

namespace {

struct Ack {
  uint64_t first, last;
};

// Runs the appender on `dir` for `run_ms` after it is ready, kills it with SIGKILL, and
// returns every ACK line it managed to print.
std::map<std::string, Ack> RunAndKill(const std::string& dir, const std::string& tag, int run_ms) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(RAPPORT_CRASH_APPENDER, RAPPORT_CRASH_APPENDER, dir.c_str(), tag.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[65536];
  auto read_some = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
    return true;
  };
  // Wait for READY (the log is open), then let it run.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (out.find("READY\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    read_some(100);
  }
  REQUIRE(out.find("READY\n") != std::string::npos);
  auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  while (std::chrono::steady_clock::now() < kill_at) read_some(5);
  ::kill(pid, SIGKILL);
  while (read_some(200)) {
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  std::map<std::string, Ack> acks;
  std::istringstream lines(out);
  std::string word, id;
  while (lines >> word) {
    if (word != "ACK") continue;
    Ack a{};
    lines >> id >> a.first >> a.last;
    acks[id] = a;
  }
  return acks;
}

void RunRounds(int rounds) {
  TempDir dir;
  std::mt19937 rng(12345);
  std::map<std::string, Ack> all_acks;
  size_t acked_total = 0;
  for (int round = 0; round < rounds; ++round) {
    int run_ms = 5 + static_cast<int>(rng() % 120);
    auto acks = RunAndKill(dir.path(), "r" + std::to_string(round), run_ms);
    acked_total += acks.size();
    all_acks.insert(acks.begin(), acks.end());

    OpenReport report;
    auto log = OpenOrDie(TestOptions(dir.path()), &report);
    INFO("round " << round << ", killed after " << run_ms << " ms, " << acks.size() << " acks");
    CHECK(report.unclean_shutdown);
    // Every append acknowledged in any round is present with its original positions, and
    // this round's events carry their command.
    std::vector<std::string> missing;
    for (const auto& [id, a] : all_acks) {
      auto info = log->LookupCommand(id);
      if (!info.ok() || !info->has_value() || (*info)->first_position != a.first ||
          (*info)->last_position != a.last) {
        missing.push_back(id);
      }
    }
    for (const auto& [id, a] : acks) {
      for (uint64_t p = a.first; p <= a.last; ++p) {
        auto e = log->Get(p);
        if (!e.ok() || e->view().command_id() != id) missing.push_back(id + "@" + std::to_string(p));
      }
    }
    INFO("first missing: " << (missing.empty() ? std::string() : missing.front()));
    REQUIRE(missing.empty());
    auto v = log->Verify({.check_file_checksums = round % 5 == 0});
    REQUIRE(v.ok());
    INFO((v->problems.empty() ? std::string() : v->problems.front()));
    REQUIRE(v->ok());
    REQUIRE(v->events_checked == log->LastPosition());
  }
  UNSCOPED_INFO(rounds << " rounds, " << acked_total << " acknowledged appends");
  CHECK(acked_total > 0);
}

}  // namespace

TEST_CASE("acknowledged appends survive kill -9 at random moments", "[events][crash]") {
  RunRounds(40);
}

TEST_CASE("acknowledged appends survive kill -9: many rounds", "[.][events][crash][slow]") {
  RunRounds(300);
}
