// kill -9 of the real rapportd under load from several clients: after a restart every command
// a client saw acknowledged is in the log, nothing is half-written, and the log verifies.
#include <atomic>
#include <mutex>
#include <set>

#include "events/event_log.h"
#include "rapportd_process.h"
#include "server/client.h"

using namespace rapport;
using namespace rapport::cli::testing;

namespace {

std::string TrimLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("every command acknowledged by rapportd survives kill -9 under load", "[cli][server][crash]") {
  Cli cli;
  std::set<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    Rapportd d(cli.data(), cli.Path("rapportd" + std::to_string(round) + ".log"));
    INFO(d.log());
    REQUIRE(d.listening());
    std::string token = TrimLine(Slurp(cli.data() + "/initial-admin-token"));
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::atomic<int> acked_this_round{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        server::ClientOptions o;
        o.request_timeout = std::chrono::seconds(5);
        auto client = server::Client::Connect(d.address(), token, o);
        if (!client.ok()) return;
        std::deque<std::pair<uint64_t, std::string>> inflight;
        for (int i = 0; !stop; ++i) {
          fb::CreateContactT contact;
          contact.first_name = "Crash";
          contact.last_name = std::to_string(round) + "-" + std::to_string(c) + "-" + std::to_string(i);
          fb::CommandT cmd;
          cmd.command_id = "kill9-" + contact.last_name;
          cmd.body.Set(std::move(contact));
          std::string id = cmd.command_id;
          auto sent = (*client)->SendExecute(cmd);
          if (!sent.ok()) return;
          inflight.emplace_back(*sent, id);
          if (inflight.size() >= 16) {
            auto r = (*client)->Wait(inflight.front().first);
            if (!r.ok()) return;  // the server died: the rest are unknown, not acknowledged
            if (r->code() == StatusCode::kOk) {
              std::lock_guard<std::mutex> l(mu);
              acknowledged.insert(inflight.front().second);
              ++acked_this_round;
            }
            inflight.pop_front();
          }
        }
      });
    }
    // Let the load run, then kill rapportd in the middle of it.
    for (int i = 0; i < 100 && acked_this_round < 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * (round + 1)));
    CHECK(d.Stop(SIGKILL) == 128 + SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    CHECK(acked_this_round > 0);
  }
  // A last start recovers (the unclean shutdown is noticed) and stops cleanly.
  {
    Rapportd d(cli.data(), cli.Path("rapportd-final.log"));
    INFO(d.log());
    REQUIRE(d.listening());
    CHECK(d.log().find("unclean_shutdown=true") != std::string::npos);
    CHECK(d.Stop(SIGTERM) == 0);
  }
  events::LogOptions lo;
  lo.dir = cli.data();
  lo.create_if_missing = false;
  std::unique_ptr<events::EventLog> log;
  REQUIRE(events::EventLog::Open(lo, &log).ok());
  size_t missing = 0;
  for (const auto& id : acknowledged) {
    auto info = log->LookupCommand(id);
    REQUIRE(info.ok());
    if (!info->has_value()) ++missing;
  }
  INFO(acknowledged.size() << " commands acknowledged");
  CHECK(acknowledged.size() > 200);
  CHECK(missing == 0);
  auto v = log->Verify();
  REQUIRE(v.ok());
  INFO((v->problems.empty() ? std::string() : v->problems.front()));
  CHECK(v->ok());
  // Every command is whole: init wrote 2 events (workspace, admin), the token 1, and each
  // CreateContact exactly its one event.
  CHECK(v->commands_checked + 1 == v->events_checked);
}
