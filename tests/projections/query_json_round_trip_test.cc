// FromJson is the inverse of ToJson: query results built from a real log come back unchanged
// from ToJson -> FromJson -> ToJson, in memory and through the bytes a remote answer arrives
// as; a malformed answer (wrong types, missing fields, a string for an object, numbers out of
// range) is refused with invalid_argument naming the JSON path, never with an exception.
#include <functional>
#include <set>

#include "projection_fixture.h"
#include "projections/queries_from_json.h"

using namespace rapport;
using namespace rapport::projections;
using namespace rapport::projections::testing;

namespace {

// A small sales story with something in every answer:
//  01-05 CO-1, C-1 Marie Curie and C-2, her duplicate (same email)
//  01-10 D-1 10,000 EUR in q, closes 03-31 (U-3)   01-12 D-5 3,000 EUR in q (U-5), lost 02-15
//  01-15 D-2 20,000 EUR in p (U-4), won 02-10       02-11 contract K-1 from D-2
//  01-20 a call on D-1                              02-01 D-1 moves to p
//  03-01 D-3 5,000 USD in n, no activity (U-5)      03-02 rate USD 0.90
//  03-03 stage x added, D-4 opened in it, x removed (a removed column on the board)
//  03-06 tasks for U-3, a ticket                    03-09 D-1's amount changed (with a causation id)
struct Story : ProjectionFixture {
  Story() {
    Setup();
    clock.Set(Day(2025, 1, 5));
    fb::CreateCompanyT co;
    co.company_id = "CO-1";
    co.name = "Radium Institute";
    co.domain = "radium.example";
    Run("U-3", std::move(co));
    for (const char* id : {"C-1", "C-2"}) {
      fb::CreateContactT c;
      c.contact_id = id;
      c.first_name = "Marie";
      c.last_name = "Curie";
      c.emails = {"marie@radium.example"};
      c.company_id = "CO-1";
      c.source = "web form";
      Run("U-3", std::move(c));
    }
    clock.Set(Day(2025, 1, 10));
    Open("D-1", "U-3", 10000'00, "EUR", "q", DateOf(2025, 3, 31));
    clock.Set(Day(2025, 1, 12));
    Open("D-5", "U-5", 3000'00, "EUR", "q", DateOf(2025, 2, 28));
    clock.Set(Day(2025, 1, 15));
    Open("D-2", "U-4", 20000'00, "EUR", "p", DateOf(2025, 2, 28));
    clock.Set(Day(2025, 1, 20));
    Call("D-1");
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
    clock.Set(Day(2025, 2, 15));
    fb::LoseDealT l;
    l.deal_id = "D-5";
    l.reason = "budget";
    Run("U-5", std::move(l));
    clock.Set(Day(2025, 3, 1));
    Open("D-3", "U-5", 5000'00, "USD", "n", kNoDate);
    clock.Set(Day(2025, 3, 2));
    fb::SetExchangeRateT rate;
    rate.currency = "USD";
    rate.rate_e9 = 900'000'000;
    rate.effective_date = DateOf(2025, 1, 1);
    Run("U-1", std::move(rate));
    clock.Set(Day(2025, 3, 3));
    fb::AddStageT add;
    add.pipeline_id = "PL-1";
    add.stage = std::make_unique<fb::StageT>();
    add.stage->stage_id = "x";
    add.stage->name = "Stage x";
    add.stage->probability = 30;
    Run("U-1", std::move(add));
    Open("D-4", "U-4", 700'00, "EUR", "x", DateOf(2025, 4, 15));
    fb::RemoveStageT remove;
    remove.pipeline_id = "PL-1";
    remove.stage_id = "x";
    Run("U-1", std::move(remove));
    clock.Set(Day(2025, 3, 6));
    for (auto [title, due] : {std::pair{"overdue", Day(2025, 3, 7)}, {"today", Day(2025, 3, 10, 17)}}) {
      fb::CreateTaskT t;
      t.title = title;
      t.due_us = due;
      t.assignee_id = "U-3";
      t.links = std::make_unique<fb::LinksT>();
      t.links->deal_ids = {"D-1"};
      Run("U-3", std::move(t));
    }
    fb::OpenTicketT t;
    t.ticket_id = "TKT-1";
    t.subject = "Spectrometer broken";
    t.contact_id = "C-1";
    Run("U-4", std::move(t));
    clock.Set(Day(2025, 3, 9));
    fb::UpdateRecordT u;
    u.record_type = "deal";
    u.record_id = "D-1";
    u.set.push_back(Field("amount", domain::TextValue("12000 EUR")));
    fb::CommandT c = Cmd(std::move(u));
    c.causation_id = "CMD-parent";
    auto actor = service->ActorFor("U-3");
    REQUIRE(actor.ok());
    auto r = service->Execute(*actor, c, clock.NowMicros());
    INFO(r.status().ToString());
    REQUIRE(r.ok());
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
    d.company_id = "CO-1";
    d.contact_ids = {"C-1"};
    Run(owner, std::move(d));
  }
  void Call(const std::string& deal) {
    fb::LogCallT c;
    c.duration_seconds = 600;
    c.notes = "Budget talk";
    c.links = std::make_unique<fb::LinksT>();
    c.links->deal_ids = {deal};
    c.links->contact_ids = {"C-1"};
    Run("U-3", std::move(c));
  }
};

// ToJson(FromJson(ToJson(x))) == ToJson(x), from the document itself and from its text.
template <typename T>
void RoundTrips(const T& x) {
  const Json j = ToJson(x);
  INFO(j.dump());
  T from_doc;
  Status st = FromJson(j, &from_doc);
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(ToJson(from_doc).dump() == j.dump());
  T from_text;
  REQUIRE(FromJson(Json::parse(j.dump()), &from_text).ok());
  CHECK(ToJson(from_text).dump() == j.dump());
}

template <typename T>
Status Parse(const Json& j) {
  T out;
  return FromJson(j, &out);
}

// Every node of a document, with its path as FromJson names it.
struct Node {
  std::string path;
  Json::json_pointer ptr;
  std::string key;  // "" for an array element
  bool ignored;     // a value FromJson does not read: a formatted amount, a report cell
};

void Walk(const Json& j, const std::string& path, const Json::json_pointer& ptr, std::vector<Node>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      std::string p = path.empty() ? k : path + "." + k;
      bool formatted_amount = v.is_string() && j.contains(k + "_minor");
      out->push_back({p, ptr / k, k, formatted_amount});
      Walk(v, p, ptr / k, out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      std::string p = path + "[" + std::to_string(i) + "]";
      out->push_back({p, ptr / i, "", false});
      Walk(j[i], p, ptr / i, out);
    }
  }
}

// Keys ToJson writes only sometimes, so FromJson takes their absence for the default.
const std::set<std::string> kOptionalKeys = {"removed", "converted", "group", "next", "causation_id"};

// Breaks `good` one node at a time (a value of another type; for integers a fraction; a key
// removed) and checks that FromJson refuses it naming that node, or, for what it does not
// read or may miss, accepts it. Report rows (free-form cells) are ignored below rows[i].
template <typename T>
void RefusesEachBrokenNode(const Json& good, bool report = false) {
  REQUIRE(Parse<T>(good).ok());
  std::vector<Node> nodes;
  Walk(good, "", Json::json_pointer(), &nodes);
  if (report) {
    for (auto& n : nodes) n.ignored = n.path.rfind("rows[", 0) == 0 && n.path.find('.') != std::string::npos;
  }
  REQUIRE_FALSE(nodes.empty());
  auto expect = [](const Status& st, const Node& n, bool accepted) {
    INFO(n.path << " -> " << st.ToString());
    if (accepted) {
      CHECK(st.ok());
    } else {
      CHECK(st.IsInvalidArgument());
      CHECK_THAT(st.message(), Catch::StartsWith(n.path + ": "));
    }
  };
  for (const auto& n : nodes) {
    const Json& value = good[n.ptr];
    std::vector<Json> wrongs = {value.is_string() ? Json(42) : Json("x")};
    if (value.is_number_integer()) wrongs.push_back(1.5);
    for (const Json& wrong : wrongs) {
      Json broken = good;
      broken[n.ptr] = wrong;
      Status st;
      REQUIRE_NOTHROW(st = Parse<T>(broken));
      expect(st, n, n.ignored);
    }
    if (!n.key.empty()) {
      Json broken = good;
      broken[n.ptr.parent_pointer()].erase(n.key);
      Status st;
      REQUIRE_NOTHROW(st = Parse<T>(broken));
      expect(st, n, n.ignored || kOptionalKeys.count(n.key) > 0);
    }
  }
  // Not an object / not an array at all.
  const Json other_container = good.is_array() ? Json::object() : Json::array();
  for (const Json& garbage : {Json("board"), Json(nullptr), Json(7), other_container}) {
    Status st;
    REQUIRE_NOTHROW(st = Parse<T>(garbage));
    CHECK(st.IsInvalidArgument());
    CHECK_THAT(st.message(), Catch::StartsWith("(root): expected"));
  }
}

// What every answer of the story is, built once per test case.
struct Answers {
  Board board, board_unconverted;
  PipelineDiff diff;
  Forecast forecast, forecast_by_team;
  std::vector<Report> reports;
  std::vector<FollowUp> followups;
  std::vector<StaleDeal> stale;
  std::vector<Renewal> renewals;
  std::vector<WaitingTicket> tickets;
  TimelineResult timeline;
  std::vector<HistoryRow> history;
  std::vector<SearchHit> hits;
  std::vector<DuplicateGroup> duplicates;
  AsOf now, recorded, effective;
};

// The value of an answer that must exist.
template <typename T>
T Must(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

Answers Build(Story& s) {
  auto engine = s.Engine();
  Answers a;
  a.now = engine->Resolve(AsOf::Now(s.clock.NowMicros()));
  a.recorded = engine->Resolve(AsOf::Recorded(Day(2025, 1, 31)));
  a.effective = engine->Resolve(AsOf::Effective(Day(2025, 2, 25)));
  engine->Read(a.now, [&](const ReadModel& m, const AsOf& at) {
    a.board = Must(BuildBoard(m, at, "PL-1"));
    a.diff = Must(DiffPipeline(m, a.recorded, at, "PL-1"));
    a.forecast = BuildForecast(m, at, ForecastOptions{});
    ForecastOptions by_team;
    by_team.period = Period::kQuarter;
    by_team.group = GroupBy::kTeam;
    a.forecast_by_team = BuildForecast(m, at, by_team);
    for (const char* const* k = kReportKinds; *k; ++k) a.reports.push_back(Must(BuildReport(m, at, *k, {})));
    a.followups = BuildFollowUps(m, at, "");
    a.stale = BuildStale(m, at, 5, 0, nullptr);
    a.renewals = BuildRenewals(m, at, 365);
    a.tickets = BuildWaitingTickets(m, at);
    a.timeline = Must(BuildTimeline(m, *s.log, at, "contact/C-1", 3, nullptr));
    a.hits = m.search.Search("mar", "", at, 10);
    a.duplicates = m.search.Duplicates(at);
    return 0;
  });
  // Before the USD rate was recorded: D-3 is not converted, and the board warns.
  a.board_unconverted = Must(engine->Read(AsOf::Recorded(Day(2025, 3, 1, 18)), [](const ReadModel& m, const AsOf& at) {
    return BuildBoard(m, at, "PL-1");
  }));
  a.history = Must(BuildHistory(*s.log, a.now, "deal/D-1"));
  return a;
}

}  // namespace

TEST_CASE("every query answer reads back from its JSON unchanged", "[projections][json]") {
  Story s;
  Answers a = Build(s);

  // Non-empty, and with the fields ToJson writes only sometimes, so nothing passes vacuously.
  REQUIRE(a.board.columns.size() == 4);
  bool removed = false, no_activity = false, no_close = false, close = false;
  for (const auto& c : a.board.columns) {
    removed |= c.removed;
    for (const auto& d : c.deals) {
      no_activity |= d.days_since_activity < 0;
      no_close |= d.expected_close == kNoDate;
      close |= d.expected_close != kNoDate;
    }
  }
  CHECK(removed);
  CHECK(no_activity);
  CHECK(no_close);
  CHECK(close);
  CHECK(a.board.deals == 3);
  bool unconverted = false;
  for (const auto& c : a.board_unconverted.columns) {
    for (const auto& d : c.deals) unconverted |= !d.converted;
  }
  CHECK(unconverted);
  CHECK_FALSE(a.board_unconverted.warnings.empty());
  REQUIRE(a.diff.rows.size() >= 4);
  CHECK(a.diff.won > 0);
  CHECK(a.diff.lost > 0);
  CHECK(a.diff.Reconciles());
  REQUIRE_FALSE(a.forecast.rows.empty());
  REQUIRE_FALSE(a.forecast.rates.empty());
  bool grouped = false;
  for (const auto& r : a.forecast_by_team.rows) grouped |= !r.group.empty();
  CHECK(grouped);
  REQUIRE(a.reports.size() == 7);
  for (const auto& r : a.reports) {
    INFO(r.title);
    CHECK_FALSE(r.columns.empty());
    CHECK_FALSE(r.rows.empty());
  }
  REQUIRE(a.followups.size() == 2);
  CHECK(a.followups[0].overdue);
  REQUIRE_FALSE(a.stale.empty());
  REQUIRE(a.renewals.size() == 1);
  REQUIRE(a.tickets.size() == 1);
  CHECK(a.tickets[0].hours_waiting > 0);
  REQUIRE(a.timeline.rows.size() == 3);
  REQUIRE(a.timeline.next.has_value());
  REQUIRE_FALSE(a.history.empty());
  bool caused = false;
  for (const auto& r : a.history) caused |= r.causation_id == "CMD-parent";
  CHECK(caused);
  REQUIRE(a.hits.size() == 2);
  REQUIRE_FALSE(a.duplicates.empty());
  CHECK(a.recorded.mode == AsOf::Mode::kRecorded);
  CHECK(a.recorded.position > 0);
  CHECK(ToJson(a.recorded).contains("position"));
  CHECK(a.effective.mode == AsOf::Mode::kEffective);
  CHECK_FALSE(ToJson(a.effective).contains("position"));

  SECTION("board") {
    RoundTrips(a.board);
    RoundTrips(a.board_unconverted);
  }
  SECTION("diff") { RoundTrips(a.diff); }
  SECTION("forecast") {
    RoundTrips(a.forecast);
    RoundTrips(a.forecast_by_team);
  }
  SECTION("reports") {
    for (const auto& r : a.reports) RoundTrips(r);
  }
  SECTION("follow-ups, stale deals, renewals, tickets") {
    RoundTrips(a.followups);
    RoundTrips(a.stale);
    RoundTrips(a.renewals);
    RoundTrips(a.tickets);
  }
  SECTION("timeline and history") {
    RoundTrips(a.timeline);
    RoundTrips(a.history);
  }
  SECTION("search and duplicates") {
    RoundTrips(a.hits);
    RoundTrips(a.duplicates);
  }
  SECTION("views") {
    RoundTrips(a.now);
    RoundTrips(a.recorded);
    RoundTrips(a.effective);
    AsOf back;
    REQUIRE(FromJson(ToJson(a.recorded), &back).ok());
    CHECK(back.mode == AsOf::Mode::kRecorded);
    CHECK(back.instant == a.recorded.instant);
    CHECK(back.position == a.recorded.position);
    REQUIRE(FromJson(ToJson(a.effective), &back).ok());
    CHECK(back.mode == AsOf::Mode::kEffective);
    CHECK(back.instant == a.effective.instant);
    CHECK(back.Visible(1, a.effective.instant));
    CHECK_FALSE(back.Visible(1, a.effective.instant + 1));
  }
}

TEST_CASE("a broken answer is refused with the path of what is wrong, never thrown",
          "[projections][json]") {
  Story s;
  Answers a = Build(s);

  SECTION("each node of each answer, broken in turn") {
    RefusesEachBrokenNode<Board>(ToJson(a.board));
    RefusesEachBrokenNode<Board>(ToJson(a.board_unconverted));
    RefusesEachBrokenNode<PipelineDiff>(ToJson(a.diff));
    RefusesEachBrokenNode<Forecast>(ToJson(a.forecast_by_team));
    for (const auto& r : a.reports) RefusesEachBrokenNode<Report>(ToJson(r), /*report=*/true);
    RefusesEachBrokenNode<std::vector<FollowUp>>(ToJson(a.followups));
    RefusesEachBrokenNode<std::vector<StaleDeal>>(ToJson(a.stale));
    RefusesEachBrokenNode<std::vector<Renewal>>(ToJson(a.renewals));
    RefusesEachBrokenNode<std::vector<WaitingTicket>>(ToJson(a.tickets));
    RefusesEachBrokenNode<TimelineResult>(ToJson(a.timeline));
    RefusesEachBrokenNode<std::vector<HistoryRow>>(ToJson(a.history));
    RefusesEachBrokenNode<std::vector<SearchHit>>(ToJson(a.hits));
    RefusesEachBrokenNode<std::vector<DuplicateGroup>>(ToJson(a.duplicates));
    RefusesEachBrokenNode<AsOf>(ToJson(a.now));
    RefusesEachBrokenNode<AsOf>(ToJson(a.recorded));
    RefusesEachBrokenNode<AsOf>(ToJson(a.effective));
  }

  SECTION("the messages name the field and what was expected") {
    Json j = ToJson(a.board);
    size_t col = 0;
    while (j["stages"][col]["deals"].empty()) ++col;
    std::string at = "stages[" + std::to_string(col) + "].";
    j["stages"][col]["deals"][0]["amount_minor"] = "1200000";
    CHECK(Parse<Board>(j).message() == at + "deals[0].amount_minor: expected an integer, got string");
    j = ToJson(a.board);
    j["stages"][col].erase("count");
    CHECK(Parse<Board>(j).message() == at + "count: missing (expected an integer)");
    CHECK(Parse<Board>(Json("a board")).message() == "(root): expected an object, got string");
    CHECK(Parse<std::vector<FollowUp>>(Json::array({"task"})).message() == "[0]: expected an object, got string");
  }

  SECTION("numbers out of their field's range") {
    Json j = ToJson(a.board);
    j["stages"][0]["count"] = -1;
    CHECK_THAT(Parse<Board>(j).message(), Catch::StartsWith("stages[0].count: -1 is out of range"));
    j = ToJson(a.board);
    j["stages"][0]["probability"] = int64_t{1} << 40;
    CHECK_THAT(Parse<Board>(j).message(), Catch::StartsWith("stages[0].probability: 1099511627776 is out of range"));
    j = ToJson(a.board);
    j["total_minor"] = UINT64_MAX;
    CHECK(Parse<Board>(j).IsInvalidArgument());
  }

  SECTION("dates, instants, cursors and view modes that do not parse") {
    Json j = ToJson(a.board);
    for (auto& c : j["stages"]) {
      for (auto& d : c["deals"]) d["expected_close"] = "2025-13-01";
    }
    CHECK_THAT(Parse<Board>(j).message(), Catch::Contains("expected_close: '2025-13-01' is not a date"));
    j = ToJson(a.followups);
    j[1]["due"] = "tomorrow";
    CHECK_THAT(Parse<std::vector<FollowUp>>(j).message(), Catch::StartsWith("[1].due: "));
    for (const char* cursor : {"", "12", "12:", ":3", "1:2x", "x:3", "1:-2", "1.5:2", "99999999999999999999:1"}) {
      j = ToJson(a.timeline);
      j["next"] = cursor;
      INFO(cursor);
      CHECK_THAT(Parse<TimelineResult>(j).message(), Catch::StartsWith("next: '"));
    }
    j = ToJson(a.now);
    j["mode"] = "yesterday";
    CHECK(Parse<AsOf>(j).message() == "mode: expected now, recorded or effective, got 'yesterday'");
    j = ToJson(a.recorded);
    j.erase("position");
    CHECK(Parse<AsOf>(j).message() == "position: missing (expected an integer)");
  }

  SECTION("a diff whose totals contradict themselves or overflow") {
    Json j = ToJson(a.diff);
    j["reconciles"] = false;
    CHECK_THAT(Parse<PipelineDiff>(j).message(), Catch::StartsWith("reconciles: "));
    j = ToJson(a.diff);
    j["start_minor"] = INT64_MAX;
    j["added_minor"] = 1;
    Status st;
    REQUIRE_NOTHROW(st = Parse<PipelineDiff>(j));
    CHECK(st.IsInvalidArgument());
  }

  SECTION("on error the output is left as it was") {
    Board b;
    b.pipeline_id = "kept";
    Json j = ToJson(a.board);
    j["warnings"] = Json::array({1});
    Status st = FromJson(j, &b);
    CHECK(st.message() == "warnings[0]: expected a string, got number");
    CHECK(b.pipeline_id == "kept");
    CHECK(b.columns.empty());
  }
}
