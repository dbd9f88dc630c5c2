// The workspace: creation with its first admin (rapport init), dated exchange rates, and
// the rule that nothing happens before the workspace exists.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::CreateWorkspaceT Init() {
  fb::CreateWorkspaceT ws;
  ws.workspace_id = "globex";
  ws.name = "  Globex  ";
  ws.home_currency = "USD";
  ws.time_zone = "America/New_York";
  ws.admin_user_id = "u-hank";
  ws.admin_name = "Hank Scorpio";
  ws.admin_email = "hank@globex.example";
  return ws;
}

Result<Decision> DecideOn(MemorySource* src, const Actor& a, fb::CommandT cmd) {
  DecideContext ctx{kNow, kNow};
  return Decide(a, cmd, ctx, src);
}

std::vector<std::string> TypesOf(const events::StreamWrite& w) {
  std::vector<std::string> out;
  for (const auto& e : w.events) out.push_back(events::EventTypeName(e.type));
  return out;
}

// The bytes of event `i` of `w`, stamped at position 1 as the log would.
std::string Encoded(const events::StreamWrite& w, size_t i) {
  events::EnvelopeHeader hdr{w.stream, "system", "cmd-1", "", ""};
  flatbuffers::FlatBufferBuilder fbb;
  std::string bytes = events::EncodeUnstampedEnvelope(hdr, w.events.at(i), &fbb);
  REQUIRE(events::StampEnvelope(&bytes, 1, 1, kNow));
  REQUIRE(events::VerifyEnvelopeBytes(bytes, 1).ok());
  return bytes;
}

fb::SetExchangeRateT Rate(const std::string& currency, int64_t rate_e9, const std::string& day) {
  fb::SetExchangeRateT r;
  r.currency = currency;
  r.rate_e9 = rate_e9;
  r.effective_date = Day(day);
  return r;
}

}  // namespace

TEST_CASE("init creates the workspace and its first admin in one atomic decision",
          "[domain][workspace]") {
  MemorySource src;
  auto d = DecideOn(&src, Actor::System(), Cmd(Init()));
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  REQUIRE(d->writes.size() == 2);
  CHECK(d->writes[0].stream.type == "workspace");
  CHECK(d->writes[0].stream.id == "main");
  CHECK(d->writes[0].expected.kind() == events::ExpectedVersion::Kind::kNoStream);
  CHECK(TypesOf(d->writes[0]) == std::vector<std::string>{"WorkspaceCreated"});
  CHECK(d->writes[1].stream.type == "user");
  CHECK(d->writes[1].stream.id == "u-hank");
  CHECK(TypesOf(d->writes[1]) == std::vector<std::string>{"UserCreated"});
  CHECK(d->writes[1].events[0].data_subject == "u-hank");
  CHECK(d->record_type == "workspace");
  CHECK(d->record_id == "main");
}

TEST_CASE("the harness workspace replays with its fields and an active admin",
          "[domain][workspace]") {
  Harness h;
  const RecordState& ws = h.Get("workspace", "main");
  CHECK(ws.Text("name") == "Acme");
  CHECK(ws.Text("home_currency") == "EUR");
  CHECK(ws.Text("time_zone") == "Europe/Berlin");
  CHECK(ws.rates.home() == "EUR");
  CHECK(ws.created_by == "system");
  const RecordState& admin = h.Get("user", "u-admin");
  CHECK(admin.Text("role") == "admin");
  CHECK(admin.Int("active") == 1);
  CHECK(admin.Text("email") == "admin@acme.example");
  CHECK(h.source().directory().home_currency() == "EUR");
}

TEST_CASE("init trims the name, defaults the time zone to UTC and allocates an admin id",
          "[domain][workspace]") {
  MemorySource src;
  fb::CreateWorkspaceT ws = Init();
  ws.time_zone.clear();
  ws.admin_user_id.clear();
  auto d = DecideOn(&src, Actor::System(), Cmd(std::move(ws)));
  REQUIRE(d.ok());
  std::string bytes = Encoded(d->writes[0], 0);
  const auto* created = events::EventView(bytes).payload_as<fb::WorkspaceCreated>();
  REQUIRE(created != nullptr);
  CHECK(created->name()->str() == "Globex");
  CHECK(created->time_zone()->str() == "UTC");
  CHECK(created->home_currency()->str() == "USD");
  CHECK(d->writes[1].stream.id == "U-1");
}

TEST_CASE("init refuses users, a second workspace and bad input", "[domain][workspace]") {
  SECTION("only rapport itself initialises a workspace") {
    MemorySource src;
    Actor someone{"u-x", fb::Role::Admin, false};
    REQUIRE_REFUSED(DecideOn(&src, someone, Cmd(Init())).status(), StatusCode::kPermissionDenied,
                    "rapport init");
  }
  SECTION("a second workspace is refused and nothing changes") {
    Harness h;
    REQUIRE_REFUSED_UNCHANGED(h, h.Run(Actor::System(), Cmd(Init())), StatusCode::kAlreadyExists,
                              "the workspace already exists");
    CHECK(h.Get("workspace", "main").Text("name") == "Acme");
  }
  SECTION("each field is checked, naming it") {
    MemorySource src;
    auto with = [&](auto spoil) {
      fb::CreateWorkspaceT ws = Init();
      spoil(ws);
      return DecideOn(&src, Actor::System(), Cmd(std::move(ws))).status();
    };
    REQUIRE_REFUSED(with([](auto& w) { w.name = "  "; }), StatusCode::kInvalidArgument,
                    "name is required");
    REQUIRE_REFUSED(with([](auto& w) { w.home_currency = "EURO"; }), StatusCode::kInvalidArgument,
                    "home_currency: 'EURO' is not an ISO 4217");
    REQUIRE_REFUSED(with([](auto& w) { w.time_zone = "Berlin time"; }),
                    StatusCode::kInvalidArgument, "time_zone: 'Berlin time' is not an IANA");
    REQUIRE_REFUSED(with([](auto& w) { w.workspace_id = "glo bex"; }),
                    StatusCode::kInvalidArgument, "workspace id 'glo bex'");
    REQUIRE_REFUSED(with([](auto& w) { w.admin_user_id = "system"; }),
                    StatusCode::kInvalidArgument, "admin_user_id: 'system' is reserved");
    REQUIRE_REFUSED(with([](auto& w) { w.admin_user_id = "u hank"; }),
                    StatusCode::kInvalidArgument, "admin user id");
    REQUIRE_REFUSED(with([](auto& w) { w.admin_name.clear(); }), StatusCode::kInvalidArgument,
                    "admin_name is required");
    REQUIRE_REFUSED(with([](auto& w) { w.admin_email = "hank"; }), StatusCode::kInvalidArgument,
                    "admin_email");
  }
}

TEST_CASE("nothing can be decided before the workspace exists", "[domain][workspace]") {
  MemorySource src;
  fb::CreateContactT c;
  c.first_name = "Marie";
  REQUIRE_REFUSED(DecideOn(&src, Actor::System(), Cmd(std::move(c))).status(),
                  StatusCode::kFailedPrecondition, "the workspace is not initialised");
  fb::CommandT empty;
  REQUIRE_REFUSED(DecideOn(&src, Actor::System(), empty).status(), StatusCode::kInvalidArgument,
                  "command body is missing");
}

TEST_CASE("an admin sets dated exchange rates, a new rate for a day records the old one",
          "[domain][workspace][money]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Rate("USD", 920'000'000, "2026-01-01")));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ExchangeRateSet"});
  const auto* e = h.LastEvent().payload_as<fb::ExchangeRateSet>();
  REQUIRE(e != nullptr);
  CHECK(e->previous_rate_e9() == 0);
  CHECK(h.last_id == "main");
  h.MustRun(h.admin(), Cmd(Rate("USD", 950'000'000, "2026-02-01")));
  const RecordState& ws = h.Get("workspace", "main");
  CHECK(ws.rates.RateOn("USD", Day("2026-01-15")) == 920'000'000);
  CHECK(ws.rates.RateOn("USD", Day("2026-02-01")) == 950'000'000);
  CHECK(ws.rates.RateOn("USD", Day("2025-12-31")) == 0);
  // 100.00 USD on 2026-01-15 is 92.00 EUR: the directory sees the rates too.
  auto eur = h.source().directory().rates().ToHome(10000, "USD", Day("2026-01-15"));
  REQUIRE(eur.ok());
  CHECK(*eur == 9200);

  // Correcting the rate of a day carries the rate it replaces.
  h.MustRun(h.admin(), Cmd(Rate("USD", 930'000'000, "2026-01-01")));
  CHECK(h.LastEvent().payload_as<fb::ExchangeRateSet>()->previous_rate_e9() == 920'000'000);
  CHECK(h.Get("workspace", "main").rates.RateOn("USD", Day("2026-01-15")) == 930'000'000);
}

TEST_CASE("exchange rate refusals", "[domain][workspace][money]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Rate("USD", 920'000'000, "2026-01-01")));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(Rate("GBP", 1'150'000'000, "2026-01-01"))),
                            StatusCode::kPermissionDenied, "only admins may change exchange rates");
  {
    fb::SetExchangeRateT far = Rate("GBP", 1'150'000'000, "2026-01-01");
    far.effective_date = INT32_MIN;
    REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(std::move(far))), StatusCode::kInvalidArgument,
                              "effective_date: day -2147483648 is not a date");
  }
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(Rate("GBP", 1'150'000'000, "2026-01-01"))),
                            StatusCode::kPermissionDenied, "user u-alan is not one");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Cmd(Rate("GBP", 1'150'000'000, "2026-01-01"))),
                            StatusCode::kPermissionDenied, "analyst");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Rate("XYZ", 1'000'000'000, "2026-01-01"))),
                            StatusCode::kInvalidArgument, "currency: 'XYZ'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Rate("EUR", 1'000'000'000, "2026-01-01"))),
                            StatusCode::kInvalidArgument, "EUR is the home currency");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Rate("GBP", 0, "2026-01-01"))),
                            StatusCode::kInvalidArgument, "rate must be greater than 0");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Rate("GBP", -5, "2026-01-01"))),
                            StatusCode::kInvalidArgument, "rate must be greater than 0");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Rate("USD", 920'000'000, "2026-01-01"))),
                            StatusCode::kFailedPrecondition,
                            "the USD rate from 2026-01-01 is already that");
}
