// kill -9 of the real rapportd while its automation fires a three-action rule for every
// contact clients create: after restarts, every contact created got exactly one firing —
// each action once, none lost, none doubled — and the log verifies.
#include <atomic>
#include <map>
#include <thread>

#include "domain/rules.h"
#include "events/event_log.h"
#include "rapportd_process.h"
#include "server/client.h"

using namespace rapport;
using namespace rapport::cli::testing;

TEST_CASE("automation fires every action exactly once across kill -9", "[cli][server][crash][automation]") {
  Cli cli;
  std::string token;
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    Rapportd d(cli.data(), cli.Path("rapportd" + std::to_string(round) + ".log"));
    INFO(d.log());
    REQUIRE(d.listening());
    if (round == 0) {
      token = Slurp(cli.data() + "/initial-admin-token");
      while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
      Run added = cli.Raw({"--connect", d.address(), "--token", token, "rule", "add", "--name", "Welcome",
                           "--trigger", "ContactCreated", "--do", "task title='Welcome {name}' due=1h to=U-1",
                           "--do", "tag add=welcomed", "--do", "notify to=U-1 text='{name} arrived'"});
      INFO(added.err);
      REQUIRE(added.code == 0);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> created{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 2; ++c) {
      clients.emplace_back([&, c] {
        auto client = server::Client::Connect(d.address(), token, {});
        if (!client.ok()) return;
        for (int i = 0; !stop; ++i) {
          fb::CreateContactT contact;
          contact.first_name = "Kill";
          contact.last_name = std::to_string(round) + "-" + std::to_string(c) + "-" + std::to_string(i);
          fb::CommandT cmd;
          cmd.body.Set(std::move(contact));
          auto r = (*client)->Execute(cmd);
          if (!r.ok()) return;  // the server died
          ++created;
        }
      });
    }
    // Some load first (up to 30 s on a loaded machine), then the kill lands in the middle of it.
    for (int i = 0; i < 1500 && created < 60; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(30 * (round + 1)));
    CHECK(d.Stop(SIGKILL) == 128 + SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    INFO(created << " contacts this round");
  }
  // A last start catches up on every contact the killed ones left behind, then stops.
  {
    Rapportd d(cli.data(), cli.Path("rapportd-final.log"));
    INFO(d.log());
    REQUIRE(d.listening());
    std::string checkpoint;
    int still = 0;
    for (int i = 0; i < 600 && still < 30; ++i) {  // until the checkpoint (saved each second) rests 3 s
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::string now = Slurp(cli.data() + "/automation.checkpoint");
      still = !now.empty() && now == checkpoint ? still + 1 : 0;
      checkpoint = now;
    }
    CHECK(d.Stop(SIGTERM) == 0);
  }
  // Whatever a slow machine left undone, an embedded run finishes; it finds nothing done twice.
  auto left = cli.Ok({"automation", "run", "--json"}).Json();
  CHECK(left["problems"].empty());
  events::LogOptions lo;
  lo.dir = cli.data();
  lo.create_if_missing = false;
  std::unique_ptr<events::EventLog> log;
  REQUIRE(events::EventLog::Open(lo, &log).ok());
  std::vector<events::Event> all;
  REQUIRE(log->ReadForward(1, 1'000'000, &all).ok());
  std::map<uint64_t, std::map<std::string, int>> by_trigger;  // contact created -> automatic event types
  std::vector<uint64_t> contacts;
  for (const auto& e : all) {
    auto v = e.view();
    if (v.type_name() == "ContactCreated") contacts.push_back(v.position());
    auto cause = domain::ParseCausation(v.causation_id());
    if (v.actor() == domain::kAutomationActor && cause) ++by_trigger[cause->event_position][v.type_name()];
  }
  INFO(contacts.size() << " contacts created");
  CHECK(contacts.size() > 60);
  size_t wrong = 0;
  for (uint64_t p : contacts) {
    const auto& got = by_trigger[p];
    std::map<std::string, int> want = {{"TaskCreated", 1}, {"ContactUpdated", 1}, {"NotificationSent", 1}, {"RuleFired", 1}};
    if (got != want) {
      ++wrong;
      UNSCOPED_INFO("contact at " << p << ": " << got.size() << " kinds of automatic events");
    }
  }
  CHECK(wrong == 0);
  CHECK(by_trigger.size() == contacts.size());
  auto v = log->Verify();
  REQUIRE(v.ok());
  CHECK(v->ok());
}
