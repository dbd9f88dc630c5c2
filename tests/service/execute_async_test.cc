// CommandService::ExecuteAsync: many commands in flight from one thread, each answered once
// with what Execute would have said; what would wait is handed to the offload pool.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "service_test_util.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::CommandT NewContact(const std::string& first) {
  fb::CreateContactT c;
  c.first_name = first;
  return Cmd(std::move(c));
}

fb::CommandT SetTitle(const std::string& contact_id, const std::string& title) {
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = contact_id;
  u.set.push_back(Field("title", TextValue(title)));
  return Cmd(std::move(u));
}

// An offload pool of one thread that counts its tasks, and the answers by call order.
class AsyncRig {
 public:
  explicit AsyncRig(CommandService* service) : service_(service), worker_([this] { Work(); }) {}
  ~AsyncRig() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  // Starts `cmd`; its answer lands in results()[n] for the n-th call.
  void Start(const Actor& actor, fb::CommandT cmd) {
    size_t n;
    {
      std::lock_guard<std::mutex> l(mu_);
      n = started_++;
    }
    service_->ExecuteAsync(
        actor, std::move(cmd), kNow,
        [this](std::function<void()> task) {
          std::lock_guard<std::mutex> l(mu_);
          ++offloaded_;
          tasks_.push_back(std::move(task));
          cv_.notify_all();
        },
        [this, n](Result<fb::CommandResultT> r) {
          std::lock_guard<std::mutex> l(mu_);
          if (!results_.emplace(n, std::move(r)).second) ++answered_twice_;
          cv_.notify_all();
        });
  }
  // Waits for every answer.
  const std::map<size_t, Result<fb::CommandResultT>>& WaitAll() {
    std::unique_lock<std::mutex> l(mu_);
    REQUIRE(cv_.wait_for(l, std::chrono::seconds(60), [&] { return results_.size() == started_; }));
    REQUIRE(answered_twice_ == 0);  // each command answered exactly once
    return results_;
  }
  int offloaded() {
    std::lock_guard<std::mutex> l(mu_);
    return offloaded_;
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.erase(tasks_.begin());
      l.unlock();
      task();
      l.lock();
    }
  }

  CommandService* service_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> tasks_;
  std::map<size_t, Result<fb::CommandResultT>> results_;
  size_t started_ = 0;
  int offloaded_ = 0;
  int answered_twice_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace

TEST_CASE("async commands in flight together are each answered once and all applied",
          "[service][async]") {
  ServiceFixture f;
  const uint64_t start = f.log->LastPosition();
  AsyncRig rig(f.service.get());
  constexpr int kContacts = 300;
  for (int i = 0; i < kContacts; ++i) rig.Start(f.As("u-alan"), NewContact("P" + std::to_string(i)));
  const auto& results = rig.WaitAll();
  std::set<std::string> ids;
  std::set<uint64_t> positions;
  for (const auto& [n, r] : results) {
    INFO(n << ": " << r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r->code == "ok");
    CHECK(r->version == 1);
    CHECK(r->first_position > start);
    ids.insert(r->record_id);
    positions.insert(r->first_position);
    auto c = f.service->Get("contact", r->record_id);
    REQUIRE(c.ok());
    CHECK(c->Text("first_name") == "P" + std::to_string(n));
  }
  // Distinct records, ids dense from C-1, one event each, nothing else appended.
  CHECK(ids.size() == kContacts);
  for (int i = 1; i <= kContacts; ++i) CHECK(ids.count("C-" + std::to_string(i)) == 1);
  CHECK(positions.size() == kContacts);
  CHECK(f.log->LastPosition() == start + kContacts);
  CHECK(rig.offloaded() == 0);  // nothing had to wait: every record was new
  // They shared synced writes.
  CHECK(f.log->groups_written() < f.log->requests_written());
}

TEST_CASE("async commands on one record wait for each other through the offload pool",
          "[service][async]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  AsyncRig rig(f.service.get());
  constexpr int kUpdates = 40;
  for (int i = 0; i < kUpdates; ++i) rig.Start(f.As("u-alan"), SetTitle(c.record_id, "t" + std::to_string(i)));
  const auto& results = rig.WaitAll();
  std::set<uint64_t> versions;
  for (const auto& [n, r] : results) {
    INFO(n << ": " << r.status().ToString());
    REQUIRE(r.ok());
    versions.insert(r->version);
  }
  // Every update applied on top of the one before: versions 2..41, none lost to a conflict.
  CHECK(versions.size() == kUpdates);
  CHECK(*versions.begin() == 2);
  CHECK(*versions.rbegin() == 1 + kUpdates);
  CHECK(rig.offloaded() > 0);
  auto after = f.service->Get("contact", c.record_id);
  REQUIRE(after.ok());
  CHECK(after->version == 1 + kUpdates);
  CHECK(*f.log->StreamVersion({"contact", c.record_id}) == after->version);
}

TEST_CASE("an async command on a record not in memory is read and decided on the offload pool",
          "[service][async]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  f.Reopen();  // the cache starts empty
  AsyncRig rig(f.service.get());
  rig.Start(f.As("u-alan"), SetTitle(c.record_id, "Chemist"));
  const auto& results = rig.WaitAll();
  REQUIRE(results.at(0).ok());
  CHECK(results.at(0)->version == 2);
  CHECK(rig.offloaded() == 1);
  CHECK(f.service->Get("contact", c.record_id)->Text("title") == "Chemist");
}

TEST_CASE("a refused async command is answered at once, names the field, and appends nothing",
          "[service][async]") {
  ServiceFixture f;
  const uint64_t end = f.log->LastPosition();
  AsyncRig rig(f.service.get());
  fb::CreateContactT nameless;  // a contact needs a name or an email
  rig.Start(f.As("u-alan"), Cmd(std::move(nameless)));
  fb::CommandT future = NewContact("Later");
  future.occurred_at_us = kNow + 3 * kMicrosPerDay;
  rig.Start(f.As("u-alan"), std::move(future));
  const auto& results = rig.WaitAll();
  REQUIRE_FALSE(results.at(0).ok());
  CHECK(results.at(0).status().code() == StatusCode::kInvalidArgument);
  REQUIRE_FALSE(results.at(1).ok());
  CHECK_THAT(results.at(1).status().message(), Catch::Contains("occurred_at"));
  CHECK(f.log->LastPosition() == end);
  // The id a refused decision took is given back.
  CHECK(f.MustExec(f.As("u-alan"), NewContact("Next")).record_id == "C-1");
}

TEST_CASE("a retried command id through ExecuteAsync returns the original result",
          "[service][async]") {
  ServiceFixture f;
  fb::CommandT cmd = NewContact("Marie");
  cmd.command_id = "import-row-17";
  auto first = f.MustExec(f.As("u-alan"), cmd);
  const uint64_t end = f.log->LastPosition();
  AsyncRig rig(f.service.get());
  rig.Start(f.As("u-alan"), cmd);
  const auto& results = rig.WaitAll();
  REQUIRE(results.at(0).ok());
  CHECK(results.at(0)->duplicate);
  CHECK(results.at(0)->record_id == first.record_id);
  CHECK(results.at(0)->first_position == first.first_position);
  CHECK(f.log->LastPosition() == end);
}

TEST_CASE("an async command whose record another writer moved is decided again", "[service][async]") {
  // A second service over the same log stands in for another writer: the first one's cached
  // copy is stale, its async append conflicts, and the retry on the offload pool succeeds.
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  auto other = CommandService::Open(f.log.get());
  REQUIRE(other.ok());
  REQUIRE((*other)->Execute(*(*other)->ActorFor("u-alan"), SetTitle(c.record_id, "Chemist"), kNow).ok());

  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = c.record_id;
  u.set.push_back(Field("last_name", TextValue("Curie")));
  AsyncRig rig(f.service.get());
  rig.Start(f.As("u-alan"), Cmd(std::move(u)));
  const auto& results = rig.WaitAll();
  INFO(results.at(0).status().ToString());
  REQUIRE(results.at(0).ok());
  CHECK(results.at(0)->version == 3);
  CHECK(rig.offloaded() == 1);
  auto after = f.service->Get("contact", c.record_id);
  REQUIRE(after.ok());
  CHECK(after->Text("title") == "Chemist");
  CHECK(after->Text("last_name") == "Curie");
}
