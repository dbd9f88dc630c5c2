// A decision never reads a record older than the log: a command reading a record another
// command of this process is appending to waits for that append, then decides on what it
// wrote. (The log shows an append to its readers, automation among them, a moment before
// the service has applied it in memory; a reader acting on what it saw must not be refused,
// or accepted, on the record as it was before.)
#include <condition_variable>
#include <future>
#include <mutex>

#include "service_test_util.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

// Holds the log's completion thread in a callback: appends made meanwhile are durable and
// visible in the log, but the service has not applied them yet.
class CompletionHold {
 public:
  explicit CompletionHold(events::EventLog* log) {
    log->AppendAsync(events::NotesTo("hold", {"scratch", "hold"}, events::ExpectedVersion::Any()),
                     [this](Result<events::AppendResult>, std::vector<events::Event>) {
                       std::unique_lock<std::mutex> l(mu_);
                       cv_.wait(l, [&] { return released_; });
                     });
  }
  ~CompletionHold() { Release(); }
  void Release() {
    {
      std::lock_guard<std::mutex> l(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

// Waits until the log holds `position` (the hold's append and the command's).
void WaitForLog(events::EventLog* log, uint64_t position) {
  for (int i = 0; i < 600 && log->LastPosition() < position; ++i) {
    log->WaitForEvents(log->LastPosition(), std::chrono::milliseconds(100));
  }
  REQUIRE(log->LastPosition() >= position);
}

fb::CommandT ContactAt(const std::string& company_id) {
  fb::CreateContactT c;
  c.first_name = "Marie";
  c.company_id = company_id;
  return Cmd(std::move(c));
}

}  // namespace

TEST_CASE("a command reading a record being deleted waits for the delete and is refused", "[service][async]") {
  ServiceFixture f;
  fb::CreateCompanyT co;
  co.name = "Globex";
  const std::string company = f.MustExec(f.As("u-alan"), Cmd(std::move(co))).record_id;
  const uint64_t before = f.log->LastPosition();

  CompletionHold hold(f.log.get());
  fb::DeleteRecordT del;
  del.record_type = "company";
  del.record_id = company;
  del.reason = "duplicate";
  std::promise<Result<fb::CommandResultT>> deleted;
  f.service->ExecuteAsync(
      f.As("u-admin"), Cmd(std::move(del)), f.now, [](std::function<void()> task) { task(); },
      [&](Result<fb::CommandResultT> r) { deleted.set_value(std::move(r)); });
  WaitForLog(f.log.get(), before + 2);  // the delete is in the log; the service has not applied it

  // A contact at that company, decided meanwhile: it must wait for the delete, not be
  // appended after it on the company as it was.
  auto contact = std::async(std::launch::async, [&] { return f.Exec(f.As("u-alan"), ContactAt(company)); });
  CHECK(contact.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  hold.Release();
  auto d = deleted.get_future().get();
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  auto r = contact.get();
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("company_id"));
  CHECK(f.log->LastPosition() == d->last_position);  // nothing appended for the refused contact
}

TEST_CASE("a command reading a record being created waits for it instead of being refused", "[service][async]") {
  ServiceFixture f;
  // The service remembers the company as not there (a lookup before it was created).
  CHECK(f.service->Get("company", "co-new").status().code() == StatusCode::kNotFound);
  const uint64_t before = f.log->LastPosition();

  CompletionHold hold(f.log.get());
  fb::CreateCompanyT co;
  co.company_id = "co-new";
  co.name = "Initech";
  std::promise<Result<fb::CommandResultT>> created;
  f.service->ExecuteAsync(
      f.As("u-alan"), Cmd(std::move(co)), f.now, [](std::function<void()> task) { task(); },
      [&](Result<fb::CommandResultT> r) { created.set_value(std::move(r)); });
  WaitForLog(f.log.get(), before + 2);  // the company is in the log, a reader may act on it

  auto contact = std::async(std::launch::async, [&] { return f.Exec(f.As("u-alan"), ContactAt("co-new")); });
  CHECK(contact.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  hold.Release();
  auto c = created.get_future().get();
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  auto r = contact.get();
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->first_position > c->last_position);
  auto stored = f.service->Get("contact", r->record_id);
  REQUIRE(stored.ok());
  CHECK(stored->Text("company_id") == "co-new");
}
