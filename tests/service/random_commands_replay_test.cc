// Long random sequences of valid and invalid commands through the real service and log:
// every rejection appends nothing, every acceptance appends exactly its events, and in the
// end every record replayed from scratch equals the state the service built as it went —
// also after a restart — and the log verifies.
#include <random>
#include <set>

#include "service_test_util.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

class RandomCommands {
 public:
  RandomCommands(ServiceFixture* f, uint32_t seed) : f_(f), rng_(seed) {}

  // One random command: returns it with the actor to run it as.
  std::pair<Actor, fb::CommandT> Next() {
    static const char* kUsers[] = {"u-admin", "u-grace", "u-alan", "u-ada", "u-bob", "u-ann"};
    Actor actor = f_->As(kUsers[Pick(6)]);
    switch (Pick(16)) {
      case 0: {
        fb::CreateContactT c;
        c.first_name = Maybe(8) ? "" : Name();
        c.last_name = Name();
        if (Maybe(2)) c.emails = {Maybe(10) ? "broken-at-example" : Name() + "@mail.example"};
        if (Maybe(4)) c.company_id = Existing(companies_, "CO-9999");
        if (Maybe(10)) c.owner_id = "u-ada";
        return {actor, Cmd(std::move(c))};
      }
      case 1: {
        fb::CreateCompanyT c;
        c.name = Maybe(12) ? "" : Name() + " Ltd";
        if (Maybe(3)) c.domain = Maybe(8) ? "no domain" : Name() + ".example";
        c.employees = Maybe(10) ? -5 : static_cast<int64_t>(Pick(5000));
        return {actor, Cmd(std::move(c))};
      }
      case 2: {
        fb::OpenDealT d;
        d.name = Name() + " deal";
        d.pipeline_id = Maybe(12) ? "pl-none" : "pl-sales";
        d.stage_id = Maybe(10) ? "s9" : std::string("s") + std::to_string(1 + Pick(3));
        d.amount = Money(static_cast<int64_t>(Pick(10'000'000)), Maybe(12) ? "XXX" : "EUR");
        if (Maybe(2)) d.company_id = Existing(companies_, "CO-9999");
        if (Maybe(3)) d.contact_ids = {Existing(contacts_, "C-9999")};
        return {actor, Cmd(std::move(d))};
      }
      case 3: {
        fb::MoveDealT m;
        m.deal_id = Existing(deals_, "D-9999");
        m.stage_id = std::string("s") + std::to_string(1 + Pick(4));
        return {actor, Cmd(std::move(m))};
      }
      case 4: {
        fb::WinDealT w;
        w.deal_id = Existing(deals_, "D-9999");
        if (Maybe(2)) w.amount = Money(static_cast<int64_t>(Pick(1'000'000)));
        return {actor, Cmd(std::move(w))};
      }
      case 5: {
        fb::LoseDealT l;
        l.deal_id = Existing(deals_, "D-9999");
        l.reason = Maybe(4) ? "" : "price";
        return {actor, Cmd(std::move(l))};
      }
      case 6: {
        fb::ReopenDealT r;
        r.deal_id = Existing(deals_, "D-9999");
        return {actor, Cmd(std::move(r))};
      }
      case 7: {
        fb::UpdateRecordT u;
        bool deal = Maybe(2);
        u.record_type = deal ? "deal" : "contact";
        u.record_id = deal ? Existing(deals_, "D-9999") : Existing(contacts_, "C-9999");
        if (deal) {
          if (Maybe(2)) u.set.push_back(Field("amount", TextValue(std::to_string(Pick(90000)) + " EUR")));
          if (Maybe(2)) u.set.push_back(Field("expected_close_date", TextValue("2026-0" + std::to_string(1 + Pick(9)) + "-15")));
          if (Maybe(3)) u.set.push_back(Field("owner_id", RefValue(Maybe(2) ? "u-alan" : "u-ann")));
          if (Maybe(3)) u.set.push_back(Field("name", TextValue(Name())));
        } else {
          if (Maybe(2)) u.set.push_back(Field("title", TextValue(Name())));
          if (Maybe(3)) u.set.push_back(Field("tags", TextValue("vip, " + Name())));
          if (Maybe(4)) u.set.push_back(Field("emails", TextValue(Maybe(3) ? "x@y" : Name() + "@z.example")));
          if (Maybe(5)) u.unset.push_back("phones");
          if (Maybe(8)) u.set.push_back(Field("no_such_field", TextValue("x")));
        }
        return {actor, Cmd(std::move(u))};
      }
      case 8: {
        fb::ChangeLifecycleT c;
        c.contact_id = Existing(contacts_, "C-9999");
        c.stage = static_cast<fb::Lifecycle>(Pick(8));
        return {actor, Cmd(std::move(c))};
      }
      case 9: {
        fb::MergeRecordsT m;
        m.record_type = "contact";
        m.survivor_id = Existing(contacts_, "C-9999");
        m.merged_id = Existing(contacts_, "C-9998");
        return {actor, Cmd(std::move(m))};
      }
      case 10: {
        fb::LogNoteT n;
        n.body = Maybe(10) ? "" : "Talked about " + Name();
        n.links = ContactLinks({Existing(contacts_, "C-9999")});
        return {actor, Cmd(std::move(n))};
      }
      case 11: {
        fb::CreateTaskT t;
        t.title = "Call " + Name();
        t.due_us = kNow + static_cast<Micros>(Pick(30)) * kMicrosPerDay;
        if (Maybe(3)) t.assignee_id = Maybe(4) ? "u-nobody" : "u-ada";
        return {actor, Cmd(std::move(t))};
      }
      case 12: {
        if (Maybe(2)) {
          fb::CompleteTaskT c;
          c.task_id = Existing(tasks_, "TSK-9999");
          return {actor, Cmd(std::move(c))};
        }
        fb::RescheduleTaskT r;
        r.task_id = Existing(tasks_, "TSK-9999");
        r.due_us = kNow + static_cast<Micros>(Pick(60)) * kMicrosPerDay;
        return {actor, Cmd(std::move(r))};
      }
      case 13: {
        fb::OpenTicketT t;
        t.subject = Maybe(10) ? "" : "Broken " + Name();
        t.contact_id = Existing(contacts_, "C-9999");
        t.priority = static_cast<fb::Priority>(Pick(5));
        return {actor, Cmd(std::move(t))};
      }
      case 14: {
        fb::ChangeTicketStatusT s;
        s.ticket_id = Existing(tickets_, "TKT-9999");
        s.status = static_cast<fb::TicketStatus>(Pick(4));
        return {actor, Cmd(std::move(s))};
      }
      default: {
        fb::DeleteRecordT d;
        d.record_type = Maybe(2) ? "contact" : "deal";
        d.record_id = d.record_type == "contact" ? Existing(contacts_, "C-9999") : Existing(deals_, "D-9999");
        return {actor, Cmd(std::move(d))};
      }
    }
  }

  void Created(const fb::CommandResultT& r) {
    if (r.record_type == "contact") contacts_.insert(r.record_id);
    if (r.record_type == "company") companies_.insert(r.record_id);
    if (r.record_type == "deal") deals_.insert(r.record_id);
    if (r.record_type == "task") tasks_.insert(r.record_id);
    if (r.record_type == "ticket") tickets_.insert(r.record_id);
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  bool Maybe(uint32_t one_in) { return Pick(one_in) == 0; }
  std::string Name() {
    static const char* kNames[] = {"marie", "nikola", "emilie", "ada", "alan", "grace", "linus", "hedy"};
    return kNames[Pick(8)] + std::to_string(Pick(100));
  }
  // Mostly an existing id, sometimes one that does not exist.
  std::string Existing(const std::set<std::string>& ids, const std::string& missing) {
    if (ids.empty() || Maybe(15)) return missing;
    auto it = ids.begin();
    std::advance(it, Pick(static_cast<uint32_t>(ids.size())));
    return *it;
  }

  ServiceFixture* f_;
  std::mt19937 rng_;
  std::set<std::string> contacts_, companies_, deals_, tasks_, tickets_;
};

// Every record of every type, replayed from scratch, equals what the service holds.
void RequireReplaysMatch(ServiceFixture& f) {
  size_t records = 0;
  for (std::string_view type : {kWorkspace, kUser, kTeam, kCompany, kContact, kPipeline, kDeal,
                                kContract, kActivity, kTask, kTicket}) {
    std::vector<std::string> ids;
    REQUIRE(f.log->ListStreams(type, "", 1'000'000, &ids).ok());
    for (const auto& id : ids) {
      RecordState fresh;
      std::vector<events::Event> evs;
      REQUIRE(f.log->ReadStream({std::string(type), id}, 1, events::EventLog::Direction::kForward,
                                100000, &evs).ok());
      for (const auto& e : evs) REQUIRE(Apply(e.view(), &fresh).ok());
      auto held = f.service->Get(type, id);
      REQUIRE(held.ok());
      INFO(type << "/" << id);
      REQUIRE(held->Fingerprint() == fresh.Fingerprint());
      ++records;
    }
  }
  CHECK(records > 20);
}

}  // namespace

TEST_CASE("random commands: rejections append nothing and every record replays exactly",
          "[service][random]") {
  uint32_t seed = GENERATE(1u, 2u, 3u);
  ServiceFixture f;
  RandomCommands gen(&f, seed);
  int accepted = 0, refused = 0;
  std::map<std::string, int> refusals_by_code;
  for (int step = 0; step < 700; ++step) {
    auto [actor, cmd] = gen.Next();
    uint64_t before = f.log->LastPosition();
    auto r = f.service->Execute(actor, cmd, kNow + step * kMicrosPerSecond);
    INFO("step " << step << " " << CommandName(cmd.body.type) << " as " << actor.id);
    if (!r.ok()) {
      ++refused;
      ++refusals_by_code[std::string(StatusCodeName(r.status().code()))];
      REQUIRE(r.status().code() != StatusCode::kIOError);
      REQUIRE(r.status().code() != StatusCode::kCorruption);
      REQUIRE_FALSE(r.status().message().empty());
      REQUIRE(f.log->LastPosition() == before);
      continue;
    }
    ++accepted;
    gen.Created(*r);
    if (r->first_position == 0) {
      REQUIRE(f.log->LastPosition() == before);
    } else {
      REQUIRE(r->first_position == before + 1);
      REQUIRE(r->last_position == f.log->LastPosition());
    }
  }
  INFO("accepted " << accepted << ", refused " << refused);
  CHECK(accepted > 150);
  CHECK(refused > 100);
  CHECK(refusals_by_code.size() >= 4);  // invalid_argument, not_found, failed_precondition, permission_denied
  RequireReplaysMatch(f);
  std::vector<std::string> fingerprints;
  f.Reopen();
  RequireReplaysMatch(f);
  auto v = f.log->Verify();
  REQUIRE(v.ok());
  CHECK(v->ok());
}
