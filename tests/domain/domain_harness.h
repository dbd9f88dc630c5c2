// A database-free harness for domain tests: records live in memory, decisions are applied by
// encoding their events exactly as the log would (envelope, stamped position and version) and
// replaying them with Apply(). Every Run() checks the expected stream versions like the log.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "domain/decide.h"
#include "domain/enums.h"
#include "events/event.h"

namespace rapport::domain::testing {

// The instant every test decides at: 2026-03-02T09:00:00Z.
inline constexpr Micros kNow = 1'772'442'000'000'000;

template <typename T>
fb::CommandT Cmd(T body) {
  fb::CommandT c;
  c.body.Set(std::move(body));
  return c;
}

inline std::unique_ptr<fb::MoneyT> Money(int64_t minor, const std::string& currency = "EUR") {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = minor;
  m->currency = currency;
  return m;
}

inline std::unique_ptr<fb::LinksT> ContactLinks(std::vector<std::string> contacts) {
  auto l = std::make_unique<fb::LinksT>();
  l->contact_ids = std::move(contacts);
  return l;
}

inline std::unique_ptr<fb::FieldValueT> Field(const std::string& name, Value v) {
  auto f = std::make_unique<fb::FieldValueT>();
  f->field = name;
  f->value = Boxed(v);
  return f;
}

class MemorySource final : public RecordSource {
 public:
  Result<const RecordState*> Load(std::string_view type, std::string_view id) override {
    auto it = records_.find(std::string(type) + "/" + std::string(id));
    if (it == records_.end() || !it->second.created) return static_cast<const RecordState*>(nullptr);
    return static_cast<const RecordState*>(&it->second);
  }
  std::string NewId(std::string_view type) override {
    return std::string(IdPrefixFor(type)) + "-" + std::to_string(++next_[std::string(type)]);
  }
  const Directory& directory() override { return directory_; }

  RecordState& At(const std::string& type, const std::string& id) {
    RecordState& r = records_[type + "/" + id];
    if (r.type.empty()) {
      r.type = type;
      r.id = id;
    }
    return r;
  }
  void Publish(const RecordState& r) { directory_.Put(r); }
  const std::map<std::string, RecordState>& records() const { return records_; }

  static std::string_view IdPrefixFor(std::string_view type) {
    if (type == kContact) return "C";
    if (type == kCompany) return "CO";
    if (type == kDeal) return "D";
    if (type == kActivity) return "A";
    if (type == kTask) return "TSK";
    if (type == kTicket) return "TKT";
    if (type == kContract) return "K";
    if (type == kPipeline) return "PL";
    if (type == kProduct) return "P";
    if (type == kTeam) return "T";
    if (type == kUser) return "U";
    return "W";
  }

 private:
  std::map<std::string, RecordState> records_;
  std::map<std::string, uint64_t> next_;
  Directory directory_;
};

class Harness {
 public:
  // A workspace (home currency EUR) with admin "u-admin", managers "u-grace" (team
  // "t-north": u-alan, u-ada) and reps "u-alan", "u-ada", "u-bob" (no team), analyst
  // "u-ann", and pipeline "pl-sales" with stages s1 (10 %), s2 (40 %), s3 (80 %).
  Harness() {
    fb::CreateWorkspaceT ws;
    ws.name = "Acme";
    ws.home_currency = "EUR";
    ws.time_zone = "Europe/Berlin";
    ws.admin_user_id = "u-admin";
    ws.admin_name = "Ada Admin";
    ws.admin_email = "admin@acme.example";
    MustRun(Actor::System(), Cmd(std::move(ws)));
    AddUser("u-grace", fb::Role::Manager);
    AddUser("u-alan", fb::Role::Rep);
    AddUser("u-ada", fb::Role::Rep);
    AddUser("u-bob", fb::Role::Rep);
    AddUser("u-ann", fb::Role::Analyst);
    fb::CreateTeamT t;
    t.team_id = "t-north";
    t.name = "North";
    t.manager_id = "u-grace";
    t.territory = "north";
    t.member_ids = {"u-alan", "u-ada"};
    MustRun(admin(), Cmd(std::move(t)));
    fb::CreatePipelineT p;
    p.pipeline_id = "pl-sales";
    p.name = "Sales";
    for (auto [id, name, prob] : {std::tuple{"s1", "Qualify", 10}, {"s2", "Proposal", 40},
                                  {"s3", "Negotiate", 80}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = name;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    MustRun(admin(), Cmd(std::move(p)));
  }

  Actor admin() const { return As("u-admin"); }
  Actor As(const std::string& user_id) const {
    auto* u = const_cast<MemorySource&>(source_).directory().user(user_id);
    REQUIRE(u != nullptr);
    return Actor{user_id, ParseRole(u->Text("role")).value_or(fb::Role::Unspecified), false};
  }

  void AddUser(const std::string& id, fb::Role role) {
    fb::CreateUserT u;
    u.user_id = id;
    u.name = id;
    u.email = id + "@acme.example";
    u.role = role;
    MustRun(admin(), Cmd(std::move(u)));
  }

  // Decides without applying.
  Result<Decision> Decide(const Actor& actor, const fb::CommandT& cmd) {
    DecideContext ctx{now, occurred_at ? occurred_at : now};
    return domain::Decide(actor, cmd, ctx, &source_);
  }

  // Decides and, on success, applies the events as the log would. Returns the decision's
  // status; on success the record id is in last_id.
  Status Run(const Actor& actor, const fb::CommandT& cmd) {
    auto d = Decide(actor, cmd);
    if (!d.ok()) return d.status();
    last_id = d->record_id;
    last_events.clear();
    for (auto& w : d->writes) {  // all or nothing, like the log
      RecordState& r = source_.At(w.stream.type, w.stream.id);
      if (!w.expected.Matches(r.version)) {
        return Status::Conflict(w.stream.ToString() + " is at version " + std::to_string(r.version));
      }
    }
    for (auto& w : d->writes) {
      RecordState& r = source_.At(w.stream.type, w.stream.id);
      events::EnvelopeHeader h{w.stream, actor.id, "cmd-" + std::to_string(position_), "", ""};
      for (auto& ev : w.events) {
        flatbuffers::FlatBufferBuilder fbb;
        std::string bytes = events::EncodeUnstampedEnvelope(h, ev, &fbb);
        REQUIRE(events::StampEnvelope(&bytes, ++position_, r.version + 1, now));
        REQUIRE(events::VerifyEnvelopeBytes(bytes, position_).ok());
        Status s = Apply(events::EventView(bytes), &r);
        REQUIRE(s.ok());
        last_events.push_back(std::move(bytes));
      }
      if (Directory::Holds(r.type)) source_.Publish(r);
    }
    return Status::Ok();
  }

  void MustRun(const Actor& actor, const fb::CommandT& cmd) {
    Status s = Run(actor, cmd);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

  // The record as replayed; fails the test if it does not exist.
  const RecordState& Get(const std::string& type, const std::string& id) {
    auto r = source_.Load(type, id);
    REQUIRE(r.ok());
    REQUIRE(*r != nullptr);
    return **r;
  }
  bool Exists(const std::string& type, const std::string& id) {
    auto r = source_.Load(type, id);
    return r.ok() && *r != nullptr;
  }

  // Event type names of the last successful Run, in order.
  std::vector<std::string> LastEventTypes() const {
    std::vector<std::string> out;
    for (const auto& b : last_events) out.push_back(events::EventView(b).type_name());
    return out;
  }
  events::EventView LastEvent(size_t i = 0) const { return events::EventView(last_events.at(i)); }

  uint64_t position() const { return position_; }
  MemorySource& source() { return source_; }

  Micros now = kNow;
  Micros occurred_at = 0;
  std::string last_id;
  std::vector<std::string> last_events;

 private:
  MemorySource source_;
  uint64_t position_ = 0;
};

// Checks that `s` failed with `code` and that its message mentions `text`.
#define REQUIRE_REFUSED(status_expr, expected_code, expected_text) \
  do {                                                             \
    ::rapport::Status refused_ = (status_expr);                    \
    INFO(refused_.ToString());                                     \
    REQUIRE_FALSE(refused_.ok());                                  \
    CHECK(refused_.code() == (expected_code));                     \
    CHECK_THAT(refused_.message(), Catch::Contains(expected_text)); \
  } while (0)

}  // namespace rapport::domain::testing
