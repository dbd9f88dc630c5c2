// CommandService: loading, deciding and appending through the real event log.
#include <atomic>
#include <map>
#include <thread>

#include "service_test_util.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {
fb::CommandT NewContact(const std::string& first, const std::string& email = "") {
  fb::CreateContactT c;
  c.first_name = first;
  if (!email.empty()) c.emails = {email};
  return Cmd(std::move(c));
}
}  // namespace

TEST_CASE("init creates the workspace and its first admin in one append", "[service]") {
  events::TempDir dir;
  auto log = events::OpenOrDie(events::TestOptions(dir.path()));
  auto service = std::move(*CommandService::Open(log.get()));
  CHECK_FALSE(service->initialised());
  // Nothing can happen before the workspace exists.
  auto early = service->Execute(Actor::System(), NewContact("Early"), kNow);
  REQUIRE_REFUSED(early.status(), StatusCode::kFailedPrecondition, "rapport init");

  fb::CreateWorkspaceT ws;
  ws.name = "Acme";
  ws.home_currency = "EUR";
  ws.admin_user_id = "u-root";
  ws.admin_name = "Root";
  ws.admin_email = "root@acme.example";
  auto r = service->Execute(Actor::System(), Cmd(std::move(ws)), kNow);
  REQUIRE(r.ok());
  CHECK(r->first_position == 1);
  CHECK(r->last_position == 2);
  CHECK(service->initialised());
  auto admin = service->ActorFor("u-root");
  REQUIRE(admin.ok());
  CHECK(admin->role == fb::Role::Admin);
  // Users cannot create a second workspace.
  fb::CreateWorkspaceT again;
  again.name = "Other";
  again.home_currency = "USD";
  REQUIRE_REFUSED(service->Execute(*admin, Cmd(std::move(again)), kNow).status(),
                  StatusCode::kPermissionDenied, "rapport init");
}

TEST_CASE("the actor comes from an identity that exists and is active", "[service]") {
  ServiceFixture f;
  REQUIRE_REFUSED(f.service->ActorFor("system").status(), StatusCode::kPermissionDenied,
                  "rapport's own identity");
  REQUIRE_REFUSED(f.service->ActorFor("u-nobody").status(), StatusCode::kPermissionDenied,
                  "no user u-nobody");
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  f.MustExec(f.As("u-admin"), Cmd(d));
  REQUIRE_REFUSED(f.service->ActorFor("u-bob").status(), StatusCode::kPermissionDenied,
                  "deactivated");
}

TEST_CASE("a retried command id returns the original result and appends nothing", "[service]") {
  ServiceFixture f;
  fb::CommandT cmd = NewContact("Marie", "marie@radium.example");
  cmd.command_id = "import-row-17";
  auto first = f.MustExec(f.As("u-alan"), cmd);
  uint64_t end = f.log->LastPosition();
  auto again = f.MustExec(f.As("u-alan"), cmd);
  CHECK(again.duplicate);
  CHECK(again.record_id == first.record_id);
  CHECK(again.first_position == first.first_position);
  CHECK(again.version == 1);
  CHECK(f.log->LastPosition() == end);
  // Also after a restart.
  f.Reopen();
  auto third = f.MustExec(f.As("u-alan"), cmd);
  CHECK(third.duplicate);
  CHECK(third.record_id == first.record_id);
  CHECK(f.log->LastPosition() == end);
}

TEST_CASE("records replay to the same state after a restart", "[service]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie", "marie@radium.example"));
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = c.record_id;
  u.set.push_back(Field("title", TextValue("Physicist")));
  u.set.push_back(Field("tags", TextValue("nobel, radium")));
  f.MustExec(f.As("u-alan"), Cmd(u));
  auto before = f.service->Get("contact", c.record_id);
  REQUIRE(before.ok());
  CHECK(before->List("tags") == std::vector<std::string>{"nobel", "radium"});
  f.Reopen();
  auto after = f.service->Get("contact", c.record_id);
  REQUIRE(after.ok());
  CHECK(after->Fingerprint() == before->Fingerprint());
  CHECK(f.service->directory().pipeline("pl-sales") != nullptr);
  CHECK(f.service->directory().Manages("u-grace", "u-alan"));
}

TEST_CASE("an update that changes nothing appends nothing", "[service]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = c.record_id;
  u.set.push_back(Field("first_name", TextValue("Marie")));
  uint64_t end = f.log->LastPosition();
  auto r = f.MustExec(f.As("u-alan"), Cmd(u));
  CHECK(r.first_position == 0);
  CHECK(r.version == 1);
  CHECK_THAT(r.message, Catch::Contains("no change"));
  CHECK(f.log->LastPosition() == end);
}

TEST_CASE("allocated ids skip ids someone chose by hand", "[service]") {
  ServiceFixture f;
  CHECK(f.MustExec(f.As("u-alan"), NewContact("A")).record_id == "C-1");
  for (const char* id : {"C-2", "C-3"}) {
    fb::CreateContactT c;
    c.contact_id = id;
    c.first_name = "Chosen";
    f.MustExec(f.As("u-alan"), Cmd(std::move(c)));
  }
  CHECK(f.MustExec(f.As("u-alan"), NewContact("B")).record_id == "C-4");
  f.Reopen();  // the counter restarts after the highest id in the log
  CHECK(f.MustExec(f.As("u-alan"), NewContact("C")).record_id == "C-5");
  fb::CreateContactT taken;
  taken.contact_id = "C-5";
  taken.first_name = "Again";
  REQUIRE_REFUSED(f.Exec(f.As("u-alan"), Cmd(std::move(taken))).status(),
                  StatusCode::kAlreadyExists, "contact C-5 already exists");
}

TEST_CASE("business time: backdated commands keep it, future ones are refused", "[service]") {
  ServiceFixture f;
  fb::CommandT cmd = NewContact("Old");
  cmd.occurred_at_us = kNow - 400 * kMicrosPerDay;
  auto r = f.MustExec(f.As("u-alan"), cmd);
  auto e = f.log->Get(r.first_position);
  REQUIRE(e.ok());
  CHECK(e->view().occurred_at_us() == kNow - 400 * kMicrosPerDay);
  CHECK(e->view().actor() == "u-alan");
  CHECK(e->view().command_id() == r.command_id);
  fb::CommandT future = NewContact("Future");
  future.occurred_at_us = kNow + 3 * kMicrosPerDay;
  REQUIRE_REFUSED(f.Exec(f.As("u-alan"), future).status(), StatusCode::kInvalidArgument,
                  "in the future");
}

TEST_CASE("concurrent changes to one record are decided again and all applied", "[service]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  constexpr int kThreads = 6, kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        fb::UpdateRecordT u;
        u.record_type = "contact";
        u.record_id = c.record_id;
        u.set.push_back(Field("title", TextValue("t" + std::to_string(t) + "-" + std::to_string(i))));
        auto r = f.service->Execute(*f.service->ActorFor("u-alan"), Cmd(u), kNow);
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
  auto after = f.service->Get("contact", c.record_id);
  REQUIRE(after.ok());
  CHECK(after->version == 1 + kThreads * kEach);
  CHECK(*f.log->StreamVersion({"contact", c.record_id}) == after->version);
}

TEST_CASE("an explicit expected version that is stale is a conflict, not retried", "[service]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = c.record_id;
  u.expected_version = 1;
  u.set.push_back(Field("title", TextValue("first")));
  f.MustExec(f.As("u-alan"), Cmd(u));
  u.set.clear();
  u.set.push_back(Field("title", TextValue("second")));
  REQUIRE_REFUSED(f.Exec(f.As("u-alan"), Cmd(u)).status(), StatusCode::kConflict,
                  "is at version 2, you expected 1");
}

TEST_CASE("a record changed behind the service's back is read again, not overwritten", "[service]") {
  // A second service over the same log stands in for another writer: the first one's cached
  // copy is stale, its append conflicts, and it decides again on the fresh record.
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  auto other = CommandService::Open(f.log.get());
  REQUIRE(other.ok());
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = c.record_id;
  u.set.push_back(Field("title", TextValue("Chemist")));
  auto behind = (*other)->Execute(*(*other)->ActorFor("u-alan"), Cmd(u), kNow);
  REQUIRE(behind.ok());
  CHECK(behind->version == 2);

  fb::UpdateRecordT u2;
  u2.record_type = "contact";
  u2.record_id = c.record_id;
  u2.set.push_back(Field("last_name", TextValue("Curie")));
  auto r = f.MustExec(f.As("u-alan"), Cmd(u2));
  CHECK(r.version == 3);
  auto after = f.service->Get("contact", c.record_id);
  REQUIRE(after.ok());
  CHECK(after->version == 3);
  CHECK(after->Text("title") == "Chemist");
  CHECK(after->Text("last_name") == "Curie");
  // And the other service sees the first one's change when it reads.
  auto seen = (*other)->Get("contact", c.record_id);
  REQUIRE(seen.ok());
  CHECK(seen->version == 3);
  CHECK(seen->Text("last_name") == "Curie");
}

TEST_CASE("with a cache far smaller than the workspace, concurrent commands stay exact",
          "[service]") {
  // Records fall out of a 3-record cache all the time, so decisions keep missing it and
  // reading records with the mutex released; the result must equal a replay from the log.
  ServiceOptions tiny;
  tiny.cache_records = 3;
  ServiceFixture f(tiny);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(f.MustExec(f.As("u-alan"), NewContact("C" + std::to_string(i))).record_id);
  }
  constexpr int kThreads = 4, kEach = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        fb::UpdateRecordT u;
        u.record_type = "contact";
        u.record_id = ids[static_cast<size_t>((t * 7 + i * 5) % 12)];
        u.set.push_back(Field("title", TextValue("t" + std::to_string(t) + "-" + std::to_string(i))));
        auto r = f.service->Execute(*f.service->ActorFor("u-alan"), Cmd(u), kNow);
        if (!r.ok()) {
          UNSCOPED_INFO(r.status().ToString());
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
  uint64_t updates = 0;
  std::map<std::string, std::pair<uint64_t, std::string>> before;
  for (const auto& id : ids) {
    auto r = f.service->Get("contact", id);
    REQUIRE(r.ok());
    updates += r->version - 1;
    before[id] = {r->version, r->Text("title")};
    CHECK(*f.log->StreamVersion({"contact", id}) == r->version);
  }
  CHECK(updates == kThreads * kEach);
  f.Reopen();
  for (const auto& id : ids) {
    auto r = f.service->Get("contact", id);
    REQUIRE(r.ok());
    CHECK(std::pair{r->version, r->Text("title")} == before[id]);
  }
}

TEST_CASE("ids stay dense when a decision first misses the cache or is refused", "[service]") {
  ServiceFixture f;
  auto c = f.MustExec(f.As("u-alan"), NewContact("Marie"));
  CHECK(c.record_id == "C-1");
  // A restart empties the cache: the next decision reads C-1 with the mutex released and
  // decides again; the contact id it allocated the first time is given back.
  f.Reopen();
  CHECK(f.MustExec(f.As("u-alan"), NewContact("Pierre")).record_id == "C-2");
  fb::CreateTaskT t;
  t.title = "Call Marie";
  t.links = ContactLinks({"C-1"});
  t.due_us = kNow + kMicrosPerDay;
  f.Reopen();
  CHECK(f.MustExec(f.As("u-alan"), Cmd(t)).record_id == "TSK-1");
  // A refused command allocates nothing either.
  REQUIRE_FALSE(f.Exec(f.As("u-alan"), NewContact("Bad", "not-an-email")).ok());
  CHECK(f.MustExec(f.As("u-alan"), NewContact("Eve")).record_id == "C-3");
}

TEST_CASE("ids chosen by hand move the counter even when the cache has forgotten them", "[service]") {
  // One cached record and one attempt: allocation must not offer an id taken by hand (the
  // append would conflict, and there is no second attempt).
  ServiceOptions o;
  o.cache_records = 1;
  o.max_attempts = 1;
  ServiceFixture f(o);
  CHECK(f.MustExec(f.As("u-alan"), NewContact("A")).record_id == "C-1");
  for (const char* id : {"C-2", "C-3", "C-4"}) {
    fb::CreateContactT c;
    c.contact_id = id;
    c.first_name = "Chosen";
    f.MustExec(f.As("u-alan"), Cmd(std::move(c)));
  }
  f.MustExec(f.As("u-alan"), NewContact("Filler"));  // C-5, pushes the chosen ones out
  CHECK(f.MustExec(f.As("u-alan"), NewContact("B")).record_id == "C-6");
}

TEST_CASE("an id another writer took is skipped on the retry, not offered again", "[service]") {
  // A second service over the same log takes C-2 by hand behind the first one's back: the
  // first one's counter offers C-2, the append conflicts, and the retry takes C-3.
  ServiceFixture f;
  CHECK(f.MustExec(f.As("u-alan"), NewContact("A")).record_id == "C-1");
  auto other = CommandService::Open(f.log.get());
  REQUIRE(other.ok());
  fb::CreateContactT chosen;
  chosen.contact_id = "C-2";
  chosen.first_name = "Chosen";
  REQUIRE((*other)->Execute(*(*other)->ActorFor("u-alan"), Cmd(std::move(chosen)), kNow).ok());
  auto b = f.MustExec(f.As("u-alan"), NewContact("B"));
  CHECK(b.record_id == "C-3");
  CHECK(f.service->Get("contact", "C-2")->Text("first_name") == "Chosen");
}
