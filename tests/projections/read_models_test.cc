// Each read model against hand-computed answers on a small story, now and in past views.
#include <array>

#include "projection_fixture.h"
#include "projections/search.h"
#include "projections/timeline.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

// The story (recorded at the clock's time; business time = recorded unless given):
//  01-05 CO-1 Radium Institute, C-1 Marie Curie (U-3)
//  01-10 D-1 10,000 EUR in q, closes 03-31 (U-3)      01-15 D-2 20,000 EUR in p (U-4)
//  01-20 call on D-1                                    02-01 D-1 moves to p
//  02-10 D-2 won                                        02-11 contract K-1 from D-2
//  03-01 D-3 5,000 USD in n (U-5)                       03-02 rate USD 0.90 from 01-01
//  03-05 a call on D-1 logged late: it happened 02-20   03-06 tasks for U-3, a ticket
struct Story : ProjectionFixture {
  Story() {
    Setup();
    clock.Set(Day(2025, 1, 5));
    fb::CreateCompanyT co;
    co.company_id = "CO-1";
    co.name = "Radium Institute";
    co.domain = "radium.example";
    Run("U-3", std::move(co));
    fb::CreateContactT c;
    c.contact_id = "C-1";
    c.first_name = "Marie";
    c.last_name = "Curie";
    c.emails = {"marie@radium.example"};
    c.company_id = "CO-1";
    c.source = "web form";
    Run("U-3", std::move(c));
    clock.Set(Day(2025, 1, 10));
    Open("D-1", "U-3", 10000'00, "EUR", "q", DateOf(2025, 3, 31));
    clock.Set(Day(2025, 1, 15));
    Open("D-2", "U-4", 20000'00, "EUR", "p", DateOf(2025, 2, 28));
    clock.Set(Day(2025, 1, 20));
    Call("D-1", 0);
    clock.Set(Day(2025, 2, 1));
    fb::MoveDealT m;
    m.deal_id = "D-1";
    m.stage_id = "p";
    Run("U-3", std::move(m));
    clock.Set(Day(2025, 2, 10));
    fb::WinDealT w;
    w.deal_id = "D-2";
    Run("U-4", std::move(w));
    clock.Set(Day(2025, 2, 11));
    fb::StartContractT k;
    k.contract_id = "K-1";
    k.deal_id = "D-2";
    Run("U-4", std::move(k));
    clock.Set(Day(2025, 3, 1));
    Open("D-3", "U-5", 5000'00, "USD", "n", kNoDate);
    clock.Set(Day(2025, 3, 2));
    fb::SetExchangeRateT rate;
    rate.currency = "USD";
    rate.rate_e9 = 900'000'000;
    rate.effective_date = DateOf(2025, 1, 1);
    Run("U-1", std::move(rate));
    clock.Set(Day(2025, 3, 5));
    Call("D-1", Day(2025, 2, 20));  // logged late
    clock.Set(Day(2025, 3, 6));
    Task("overdue", Day(2025, 3, 9));
    Task("today", Day(2025, 3, 10, 17));
    Task("later", Day(2025, 3, 12));
    fb::OpenTicketT t;
    t.ticket_id = "TKT-1";
    t.subject = "Spectrometer broken";
    t.contact_id = "C-1";
    Run("U-4", std::move(t));
    clock.Set(Day(2025, 3, 10));
  }
  void Open(const std::string& id, const std::string& owner, int64_t amount, const std::string& cur,
            const std::string& stage, int32_t close) {
    fb::OpenDealT d;
    d.deal_id = id;
    d.name = "Deal " + id;
    d.pipeline_id = "PL-1";
    d.stage_id = stage;
    d.amount = Money(amount, cur);
    if (close != kNoDate) d.expected_close_date = close;
    if (id == "D-1") {
      d.company_id = "CO-1";
      d.contact_ids = {"C-1"};
    }
    Run(owner, std::move(d));
  }
  void Call(const std::string& deal, Micros occurred) {
    fb::LogCallT c;
    c.duration_seconds = 600;
    c.notes = "Budget talk";
    c.links = std::make_unique<fb::LinksT>();
    c.links->deal_ids = {deal};
    c.links->contact_ids = {"C-1"};
    Run("U-3", std::move(c), occurred);
  }
  void Task(const std::string& title, Micros due) {
    fb::CreateTaskT t;
    t.title = title;
    t.due_us = due;
    t.assignee_id = "U-3";
    t.links = std::make_unique<fb::LinksT>();
    t.links->deal_ids = {"D-1"};
    Run("U-3", std::move(t));
  }
};

const BoardColumn& Column(const Board& b, const std::string& stage) {
  for (const auto& c : b.columns) {
    if (c.stage_id == stage) return c;
  }
  FAIL("no column " << stage);
  return b.columns.front();
}

}  // namespace

TEST_CASE("the board now: open deals by stage, converted totals, ages", "[projections][board]") {
  Story s;
  auto engine = s.Engine();
  auto b = engine->Read(AsOf::Now(s.clock.NowMicros()),
                        [](const ReadModel& m, const AsOf& at) { return BuildBoard(m, at, "PL-1"); });
  REQUIRE(b.ok());
  CHECK(b->currency == "EUR");
  CHECK(b->deals == 2);
  CHECK(Column(*b, "q").deals.empty());
  const auto& p = Column(*b, "p");
  REQUIRE(p.deals.size() == 1);
  CHECK(p.deals[0].id == "D-1");
  CHECK(p.deals[0].days_in_stage == 37);        // since 02-01
  CHECK(p.deals[0].days_since_activity == 18);  // the late-logged call of 02-20
  CHECK(p.total == 10000'00);
  CHECK(p.weighted == 5000'00);
  const auto& n = Column(*b, "n");
  REQUIRE(n.deals.size() == 1);
  CHECK(n.deals[0].amount == 5000'00);
  CHECK(n.deals[0].currency == "USD");
  CHECK(n.deals[0].amount_home == 4500'00);
  CHECK(n.weighted == 3600'00);
  CHECK(b->total == 14500'00);
  CHECK(b->weighted == 8600'00);
  CHECK(b->warnings.empty());
}

TEST_CASE("the board in the past: recorded and effective views differ on late-logged events",
          "[projections][board][asof]") {
  Story s;
  auto engine = s.Engine();
  auto board = [&](AsOf at) {
    return *engine->Read(at, [](const ReadModel& m, const AsOf& a) { return BuildBoard(m, a, "PL-1"); });
  };
  // What rapport showed on 01-31: D-1 in q, D-2 in p.
  Board jan = board(AsOf::Recorded(Day(2025, 1, 31)));
  CHECK(Column(jan, "q").deals.size() == 1);
  CHECK(Column(jan, "p").deals.size() == 1);
  CHECK(Column(jan, "p").deals[0].id == "D-2");
  CHECK(jan.total == 30000'00);
  CHECK(Column(jan, "q").deals[0].days_since_activity == 11);
  // On 02-25, as recorded then: the 02-20 call was not logged yet.
  Board recorded = board(AsOf::Recorded(Day(2025, 2, 25)));
  REQUIRE(Column(recorded, "p").deals.size() == 1);
  CHECK(Column(recorded, "p").deals[0].days_since_activity == 36);  // last known call: 01-20
  // On 02-25, as we now know it happened: the call of 02-20 counts.
  Board effective = board(AsOf::Effective(Day(2025, 2, 25)));
  REQUIRE(Column(effective, "p").deals.size() == 1);
  CHECK(Column(effective, "p").deals[0].days_since_activity == 5);
  // Before the USD rate was recorded (03-02), D-3 could not be converted: a warning, not a guess.
  Board before_rate = board(AsOf::Recorded(Day(2025, 3, 1, 18)));
  REQUIRE(Column(before_rate, "n").deals.size() == 1);
  CHECK_FALSE(Column(before_rate, "n").deals[0].converted);
  CHECK(before_rate.total == 10000'00);
  REQUIRE(before_rate.warnings.size() == 1);
  CHECK_THAT(before_rate.warnings[0], Catch::Contains("USD"));
  // Before the pipeline existed there is no board.
  auto none = engine->Read(AsOf::Recorded(Day(2024, 12, 31)),
                           [](const ReadModel& m, const AsOf& a) { return BuildBoard(m, a, "PL-1"); });
  CHECK(none.status().IsNotFound());
}

TEST_CASE("the pipeline diff lists every change and its totals reconcile", "[projections][diff]") {
  Story s;
  auto engine = s.Engine();
  auto d = engine->Read(AsOf::Now(s.clock.NowMicros()), [&](const ReadModel& m, const AsOf& to) {
    return DiffPipeline(m, engine->Resolve(AsOf::Recorded(Day(2025, 1, 31))), to, "PL-1");
  });
  REQUIRE(d.ok());
  CHECK(d->start == 30000'00);
  CHECK(d->end == 14500'00);
  CHECK(d->added == 4500'00);
  CHECK(d->won == 20000'00);
  CHECK(d->lost == 0);
  CHECK(d->Reconciles());
  std::map<std::string, std::string> change;
  for (const auto& r : d->rows) change[r.deal_id + " " + r.change] = r.from + ">" + r.to;
  CHECK(change.count("D-1 moved forward"));
  CHECK(change.count("D-2 won"));
  CHECK(change.count("D-3 added"));
}

TEST_CASE("the forecast: by month, weighted, history-based and by category", "[projections][forecast]") {
  Story s;
  auto engine = s.Engine();
  Forecast f = engine->Read(AsOf::Now(s.clock.NowMicros()), [](const ReadModel& m, const AsOf& at) {
    return BuildForecast(m, at, ForecastOptions{});
  });
  std::map<std::string, ForecastRow> rows;
  for (const auto& r : f.rows) rows[r.period] = r;
  CHECK(rows["2025-02"].won == 20000'00);
  CHECK(rows["2025-02"].won_deals == 1);
  CHECK(rows["2025-03"].open == 10000'00);
  CHECK(rows["2025-03"].weighted == 5000'00);
  CHECK(rows["2025-03"].history == 10000'00);  // stage p: its one closed deal was won
  CHECK(rows["2025-03"].best_case == 10000'00);
  CHECK(rows["unscheduled"].open == 4500'00);
  CHECK(rows["unscheduled"].commit == 4500'00);
  CHECK(rows["unscheduled"].history == 0);  // nothing ever closed from stage n
  std::map<std::string, StageRate> rates;
  for (const auto& r : f.rates) rates[r.stage_id] = r;
  CHECK(rates["p"].closed == 1);
  CHECK(rates["p"].won == 1);
  CHECK(rates["q"].closed == 0);
  // By quarter and team: D-2 (U-4, North) won in Q1.
  ForecastOptions o;
  o.period = Period::kQuarter;
  o.group = GroupBy::kTeam;
  Forecast byteam = engine->Read(AsOf::Now(s.clock.NowMicros()),
                                 [&](const ReadModel& m, const AsOf& at) { return BuildForecast(m, at, o); });
  bool found = false;
  for (const auto& r : byteam.rows) {
    if (r.period == "2025-Q1" && r.group == "North") {
      CHECK(r.won == 20000'00);
      CHECK(r.open == 10000'00);
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("reports: win rate, cycle, deal size, revenue, sources, activity, conversion",
          "[projections][reports]") {
  Story s;
  auto engine = s.Engine();
  auto report = [&](const char* kind, ReportFilter f = {}) {
    auto r = engine->Read(AsOf::Now(s.clock.NowMicros()),
                          [&](const ReadModel& m, const AsOf& at) { return BuildReport(m, at, kind, f); });
    REQUIRE(r.ok());
    return *r;
  };
  auto row = [](const Report& r, const std::string& key, const std::string& value) {
    for (const auto& x : r.rows) {
      if (x[key] == value) return x;
    }
    return Json();
  };
  CHECK(row(report("winrate"), "owner", "U-4")["won"] == 1);
  CHECK(row(report("winrate"), "owner", "U-4")["win_rate"] == "100.0%");
  CHECK(row(report("cycle"), "owner", "U-4")["median_days"] == 26);  // 01-15 -> 02-10
  CHECK(row(report("deal-size"), "owner", "U-4")["average_minor"] == 20000'00);
  Report revenue = report("revenue");
  bool team = false, source = false;
  for (const auto& x : revenue.rows) {
    if (x["by"] == "team" && x["group"] == "North") team = x["revenue_minor"] == 20000'00;
    if (x["by"] == "source" && x["group"] == "(no source)") source = true;
  }
  CHECK(team);
  CHECK(source);
  CHECK(row(report("sources"), "source", "web form")["leads"] == 1);
  Report activity = report("activity");
  size_t calls = 0;
  for (const auto& x : activity.rows) calls += x["calls"].get<size_t>();
  CHECK(calls == 2);
  // Filters: the date range keeps only what happened in it.
  ReportFilter jan;
  jan.from_day = DateOf(2025, 1, 1);
  jan.to_day = DateOf(2025, 1, 31);
  CHECK(report("winrate", jan).rows.empty());
  ReportFilter u3;
  u3.owner_id = "U-3";
  CHECK(report("revenue", u3).rows.empty());
  Report conv = report("conversion");
  // A deal reached a stage if it was in it or in any later one (or won).
  CHECK(row(conv, "from_stage", "Stage q")["reached"] == 3);
  CHECK(row(conv, "from_stage", "Stage q")["advanced"] == 3);
  CHECK(row(conv, "from_stage", "Stage p")["reached"] == 3);
  CHECK(row(conv, "from_stage", "Stage p")["advanced"] == 2);  // D-3 (in n) and D-2 (won)
  CHECK(row(conv, "from_stage", "Stage n")["advanced"] == 1);  // won
  auto bad = engine->Read(AsOf::Now(s.clock.NowMicros()), [](const ReadModel& m, const AsOf& at) {
    return BuildReport(m, at, "bogus", {});
  });
  CHECK(bad.status().IsInvalidArgument());
}

TEST_CASE("follow-ups: tasks due and overdue, stale deals, renewals, tickets waiting",
          "[projections][followups]") {
  Story s;
  auto engine = s.Engine();
  AsOf now = AsOf::Now(s.clock.NowMicros());
  auto tasks = engine->Read(now, [](const ReadModel& m, const AsOf& at) { return BuildFollowUps(m, at, "U-3"); });
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].title == "overdue");
  CHECK(tasks[0].overdue);
  CHECK(tasks[0].days_overdue == 1);
  CHECK(tasks[1].title == "today");
  CHECK_FALSE(tasks[1].overdue);
  CHECK(tasks[1].link == "deal/D-1");
  CHECK(engine->Read(now, [](const ReadModel& m, const AsOf& at) { return BuildFollowUps(m, at, "U-4"); }).empty());
  auto stale = engine->Read(now, [](const ReadModel& m, const AsOf& at) {
    return BuildStale(m, at, 14, 1000'00, nullptr);
  });
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].id == "D-1");
  CHECK(stale[0].days_idle == 18);
  CHECK(engine->Read(now, [](const ReadModel& m, const AsOf& at) {
              return BuildStale(m, at, 14, 20000'00, nullptr);
            }).empty());  // below the amount floor
  auto renewals = engine->Read(now, [](const ReadModel& m, const AsOf& at) { return BuildRenewals(m, at, 365); });
  REQUIRE(renewals.size() == 1);
  CHECK(renewals[0].contract_id == "K-1");
  CHECK(renewals[0].renewal_date == DateOf(2026, 2, 10));
  CHECK(engine->Read(now, [](const ReadModel& m, const AsOf& at) { return BuildRenewals(m, at, 30); }).empty());
  auto tickets = engine->Read(now, [](const ReadModel& m, const AsOf& at) { return BuildWaitingTickets(m, at); });
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0].hours_waiting == Approx(96.0));  // 03-06 12:00 -> 03-10 12:00
}

TEST_CASE("timelines: newest first, paginated, with what involves the record", "[projections][timeline]") {
  Story s;
  auto engine = s.Engine();
  AsOf now = AsOf::Now(s.clock.NowMicros());
  auto page = [&](const char* record, size_t limit, const TimelineEntry* before, AsOf at) {
    auto r = engine->Read(at, [&](const ReadModel& m, const AsOf& a) {
      return BuildTimeline(m, *s.log, a, record, limit, before);
    });
    REQUIRE(r.ok());
    return *r;
  };
  TimelineResult c1 = page("contact/C-1", 100, nullptr, now);
  std::vector<std::string> types;
  for (const auto& r : c1.rows) types.push_back(r.type);
  // Newest first by when it happened: the ticket (03-06), D-1 move (02-01), the late call
  // (02-20) sorts before the move... by occurred_at.
  REQUIRE_FALSE(c1.rows.empty());
  for (size_t i = 1; i < c1.rows.size(); ++i) CHECK(c1.rows[i - 1].occurred >= c1.rows[i].occurred);
  CHECK(std::count(types.begin(), types.end(), "CallLogged") == 2);
  CHECK(std::count(types.begin(), types.end(), "DealOpened") == 1);
  CHECK(std::count(types.begin(), types.end(), "DealStageMoved") == 1);
  CHECK(std::count(types.begin(), types.end(), "TicketOpened") == 1);
  CHECK(std::count(types.begin(), types.end(), "ContactCreated") == 1);
  CHECK(c1.rows.back().type == "ContactCreated");
  CHECK(c1.rows.front().actor == "U-4");  // the ticket
  // Pages of 2 cover the same entries in the same order.
  std::vector<uint64_t> paged;
  const TimelineEntry* cursor = nullptr;
  TimelineEntry next;
  for (int i = 0; i < 10; ++i) {
    TimelineResult p = page("contact/C-1", 2, cursor, now);
    for (const auto& r : p.rows) paged.push_back(r.position);
    if (!p.next) break;
    next = *p.next;
    cursor = &next;
  }
  std::vector<uint64_t> all;
  for (const auto& r : c1.rows) all.push_back(r.position);
  CHECK(paged == all);
  // As recorded on 02-25 the late call is not there yet.
  TimelineResult feb = page("contact/C-1", 100, nullptr, AsOf::Recorded(Day(2025, 2, 25)));
  size_t feb_calls = 0;
  for (const auto& r : feb.rows) feb_calls += r.type == "CallLogged";
  CHECK(feb_calls == 1);
  // Company CO-1 sees its deal and its contact.
  TimelineResult co = page("company/CO-1", 100, nullptr, now);
  bool deal = false;
  for (const auto& r : co.rows) deal |= r.stream == "deal/D-1";
  CHECK(deal);
  CHECK_FALSE(engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
                       return BuildTimeline(m, *s.log, a, "task/TSK-1", 10, nullptr);
                     }).ok());
}

TEST_CASE("a stored timeline whose entries are out of order is refused as damaged",
          "[projections][timeline][snapshot]") {
  auto bytes = [](std::initializer_list<std::pair<int64_t, uint64_t>> entries) {
    BinaryWriter w;
    w.Var(1);             // strings: none
    w.Var(1);             // one record
    w.Var((uint64_t{1} << 63) | 7);
    w.Var(entries.size());
    for (auto [occurred, position] : entries) {
      w.SVar(occurred);
      w.Var(position);
    }
    for (int section = 0; section < 4; ++section) w.Var(0);  // merges, deals, work, deletions
    return w.Take();
  };
  TimelineProjection t;
  std::string ordered = bytes({{5, 6}, {10, 5}, {10, 7}});
  BinaryReader good(ordered);
  REQUIRE(t.Deserialize(&good));
  BinaryWriter again;
  t.Serialize(&again);
  CHECK(again.bytes() == ordered);
  for (std::string damaged : {bytes({{10, 5}, {5, 6}}), bytes({{10, 5}, {10, 5}})}) {
    BinaryReader r(damaged);
    CHECK_FALSE(t.Deserialize(&r));
  }
}

TEST_CASE("history: every field change with old and new, actor and command", "[projections][history]") {
  Story s;
  fb::UpdateRecordT u;
  u.record_type = "deal";
  u.record_id = "D-1";
  u.set.push_back(Field("amount", domain::TextValue("12000 EUR")));
  s.clock.Set(Day(2025, 3, 11));
  s.Run("U-3", std::move(u));
  auto rows = BuildHistory(*s.log, AsOf::Now(s.clock.NowMicros()), "deal/D-1");
  REQUIRE(rows.ok());
  std::vector<std::string> changes;
  for (const auto& r : *rows) changes.push_back(r.field + ":" + r.old_value + ">" + r.new_value);
  CHECK(std::count(changes.begin(), changes.end(), "stage_id:q>p") == 1);
  CHECK(std::count(changes.begin(), changes.end(), "amount:10000.00 EUR>12000.00 EUR") == 1);
  CHECK(std::count(changes.begin(), changes.end(), "status:>open") == 1);
  CHECK(rows->back().actor == "U-3");
  CHECK_FALSE(rows->back().command_id.empty());
  // As recorded before the amount change, it is not there.
  auto before = BuildHistory(*s.log, AsOf::Recorded(Day(2025, 3, 10)), "deal/D-1");
  // (a recorded view needs its position; resolve through the log)
  AsOf at = AsOf::Recorded(Day(2025, 3, 10));
  at.position = *s.log->PositionAt(at.instant);
  before = BuildHistory(*s.log, at, "deal/D-1");
  REQUIRE(before.ok());
  CHECK(before->size() + 1 == rows->size());
  CHECK(BuildHistory(*s.log, AsOf::Now(0), "deal/D-404").status().IsNotFound());
}

TEST_CASE("search by name, email and domain, and duplicate candidates", "[projections][search]") {
  Story s;
  fb::CreateContactT dup;
  dup.first_name = "Marie";
  dup.last_name = "Curie";
  dup.emails = {" MARIE@Radium.example"};
  dup.company_id = "CO-1";
  s.Run("U-3", std::move(dup));
  fb::CreateContactT emilie;
  emilie.first_name = "Émilie";
  emilie.last_name = "du Châtelet";
  s.Run("U-3", std::move(emilie));
  auto engine = s.Engine();
  AsOf now = AsOf::Now(s.clock.NowMicros());
  auto search = [&](const char* text, const char* type = "") {
    std::vector<std::string> records;
    for (const auto& h : engine->Read(now, [&](const ReadModel& m, const AsOf& at) {
           return m.search.Search(text, type, at, 50);
         })) {
      records.push_back(h.record);
    }
    std::sort(records.begin(), records.end());
    return records;
  };
  CHECK(search("mar") == std::vector<std::string>{"contact/C-1", "contact/C-2"});
  CHECK(search("CURIE") == std::vector<std::string>{"contact/C-1", "contact/C-2"});
  CHECK(search("emil") == std::vector<std::string>{"contact/C-3"});       // accent-insensitive
  CHECK(search("chatelet") == std::vector<std::string>{"contact/C-3"});
  CHECK(search("marie@rad") == std::vector<std::string>{"contact/C-1", "contact/C-2"});
  CHECK(search("radium", "company") == std::vector<std::string>{"company/CO-1"});
  CHECK(search("zzz").empty());
  auto dups = engine->Read(now, [](const ReadModel& m, const AsOf& at) { return m.search.Duplicates(at); });
  REQUIRE(dups.size() == 2);  // same email; same name at CO-1
  CHECK(dups[0].records == std::vector<std::string>{"contact/C-1", "contact/C-2"});
  // Renamed: the old name is found only in the past.
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = "C-3";
  u.set.push_back(Field("last_name", domain::TextValue("Breteuil")));
  Micros before_rename = s.clock.NowMicros();
  s.clock.Advance(kMicrosPerDay);
  s.Run("U-3", std::move(u));
  REQUIRE(engine->CatchUp().ok());
  now = AsOf::Now(s.clock.NowMicros());
  CHECK(search("chatelet").empty());
  CHECK(search("breteuil") == std::vector<std::string>{"contact/C-3"});
  auto old = engine->Read(AsOf::Recorded(before_rename), [](const ReadModel& m, const AsOf& at) {
    return m.search.Search("chatelet", "", at, 10);
  });
  REQUIRE(old.size() == 1);
  CHECK(old[0].record == "contact/C-3");
}

TEST_CASE("search: several words, a company id with a colon, and a stored index read back",
          "[projections][search][snapshot]") {
  Story s;
  fb::CreateCompanyT eu;
  eu.company_id = "acme:eu";  // record ids may hold ':'
  eu.name = "Acme Europe";
  eu.domain = "acme.example";
  s.Run("U-3", std::move(eu));
  for (const char* email : {"marie.a@acme.example", "Marie.B@ACME.example"}) {
    fb::CreateContactT c;
    c.first_name = "Marie";
    c.last_name = "Curie-Sklodowska";
    c.emails = {email};
    c.company_id = "acme:eu";
    s.Run("U-3", std::move(c));
  }
  auto engine = s.Engine();
  AsOf now = AsOf::Now(s.clock.NowMicros());
  auto search = [&](const char* text) {
    std::vector<std::string> records;
    for (const auto& h : engine->Read(now, [&](const ReadModel& m, const AsOf& at) {
           return m.search.Search(text, "", at, 50);
         })) {
      records.push_back(h.record + " " + h.matched);
    }
    std::sort(records.begin(), records.end());
    return records;
  };
  // The first word whole, then the full name by prefix.
  CHECK(search("marie curie-s") == std::vector<std::string>{"contact/C-2 marie", "contact/C-3 marie"});
  CHECK(search("marie cu") == std::vector<std::string>{"contact/C-1 marie", "contact/C-2 marie", "contact/C-3 marie"});
  CHECK(search("mar curie").empty());
  CHECK(search("MARIE.B@acme") == std::vector<std::string>{"contact/C-3 marie.b@acme.example"});
  CHECK(search("acme.ex") == std::vector<std::string>{"company/acme:eu acme.example"});
  auto dups = engine->Read(now, [](const ReadModel& m, const AsOf& at) { return m.search.Duplicates(at); });
  std::vector<std::string> reasons;
  for (const auto& d : dups) reasons.push_back(d.reason);
  CHECK(std::find(reasons.begin(), reasons.end(), "same name at acme:eu: marie curie sklodowska") != reasons.end());

  // Read back from its bytes: the same answers and the same bytes.
  std::string bytes = engine->Read(now, [](const ReadModel& m, const AsOf&) {
    BinaryWriter w;
    m.search.Serialize(&w);
    return w.Take();
  });
  SearchProjection copy;
  BinaryReader r(bytes);
  REQUIRE(copy.Deserialize(&r));
  BinaryWriter again;
  copy.Serialize(&again);
  CHECK(again.bytes() == bytes);
  auto hits = copy.Search("marie cu", "", now, 50);
  CHECK(hits.size() == 3);
  CHECK(copy.Duplicates(now).size() == dups.size());
}

TEST_CASE("a stored search index with a damaged token is refused", "[projections][search][snapshot]") {
  // strings "marie", "CO-1"; then tokens (kind, text, company, no postings); then no records
  auto bytes = [](std::initializer_list<std::array<uint64_t, 3>> tokens) {
    BinaryWriter w;
    w.Var(3);
    w.Str("marie");
    w.Str("CO-1");
    w.Var(tokens.size());
    for (auto [kind, text, company] : tokens) {
      w.U8(static_cast<uint8_t>(kind));
      w.Var(text);
      w.Var(company);
      w.Var(0);
    }
    w.Var(0);
    return w.Take();
  };
  SearchProjection search;
  std::string good = bytes({{0, 1, 0}, {3, 1, 2}});  // a name word; a name at CO-1
  BinaryReader r(good);
  REQUIRE(search.Deserialize(&r));
  for (std::string damaged : {bytes({{0, 1, 0}, {0, 1, 0}}),  // the same token twice
                              bytes({{4, 1, 0}}),             // no such kind
                              bytes({{0, 3, 0}}),             // no such string
                              bytes({{0, 0, 0}}),             // the empty string
                              bytes({{3, 1, 0}}),             // a name at no company
                              bytes({{1, 1, 2}}),             // an email with a company
                              bytes({{3, 1, 2}, {3, 1, 2}}),  // the same name at a company twice
                              bytes({{0, (uint64_t{1} << 32) + 1, 0}})}) {  // a number past 32 bits
    INFO(damaged.size());
    BinaryReader d(damaged);
    CHECK_FALSE(search.Deserialize(&d));
  }
}
