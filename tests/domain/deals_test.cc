// Deals: open, move stage, product lines, forecast category, win, lose, reopen.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

std::unique_ptr<fb::DealLineT> Line(const std::string& product, int64_t qty, int64_t price,
                                    const std::string& currency = "EUR") {
  auto l = std::make_unique<fb::DealLineT>();
  l->product_id = product;
  l->quantity = qty;
  l->unit_price = Money(price, currency);
  return l;
}

void AddProducts(Harness& h) {
  for (auto [id, code] : {std::pair{"p-arm", "ARM"}, {"p-grip", "GRIP"}}) {
    fb::CreateProductT p;
    p.product_id = id;
    p.name = id;
    p.code = code;
    p.list_price = Money(1000);
    h.MustRun(h.admin(), Cmd(std::move(p)));
  }
}

fb::CommandT Move(const std::string& deal, const std::string& stage) {
  fb::MoveDealT m;
  m.deal_id = deal;
  m.stage_id = stage;
  return Cmd(std::move(m));
}

fb::CommandT Win(const std::string& deal, std::unique_ptr<fb::MoneyT> amount = nullptr,
                 std::optional<int32_t> close = std::nullopt) {
  fb::WinDealT w;
  w.deal_id = deal;
  w.amount = std::move(amount);
  w.close_date = close;
  return Cmd(std::move(w));
}

fb::CommandT Lose(const std::string& deal, const std::string& reason,
                  std::optional<int32_t> close = std::nullopt) {
  fb::LoseDealT l;
  l.deal_id = deal;
  l.reason = reason;
  l.close_date = close;
  return Cmd(std::move(l));
}

fb::CommandT Reopen(const std::string& deal, const std::string& stage = "") {
  fb::ReopenDealT r;
  r.deal_id = deal;
  r.stage_id = stage;
  return Cmd(std::move(r));
}

fb::CommandT Forecast(const std::string& deal, fb::ForecastCategory c) {
  fb::SetForecastCategoryT f;
  f.deal_id = deal;
  f.category = c;
  return Cmd(std::move(f));
}

fb::CommandT Lines(const std::string& deal, std::vector<std::unique_ptr<fb::DealLineT>> lines) {
  fb::SetDealLinesT s;
  s.deal_id = deal;
  s.lines = std::move(lines);
  return Cmd(std::move(s));
}

}  // namespace

TEST_CASE("a rep opens a deal with every field", "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string company = MakeCompany(h, alan, "Acme");
  std::string contact = MakeContact(h, alan, "Wile");
  fb::OpenDealT d;
  d.name = " 50 robot arms ";
  d.pipeline_id = "pl-sales";
  d.stage_id = "s2";
  d.amount = Money(12'500'000, "USD");
  d.expected_close_date = Day("2026-06-30");
  d.company_id = company;
  d.contact_ids = {contact};
  d.source = "trade show";
  h.MustRun(alan, Cmd(std::move(d)));
  CHECK(h.last_id == "D-1");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealOpened"});
  const RecordState& r = h.Get("deal", "D-1");
  CHECK(r.Text("name") == "50 robot arms");
  CHECK(r.Text("pipeline_id") == "pl-sales");
  CHECK(r.Text("stage_id") == "s2");
  CHECK(r.Text("status") == "open");
  CHECK(Shown(r.Get("amount")) == "125000.00 USD");
  CHECK(Shown(r.Get("expected_close_date")) == "2026-06-30");
  CHECK(r.Text("owner_id") == "u-alan");
  CHECK(r.Text("company_id") == company);
  CHECK(r.List("contact_ids") == std::vector<std::string>{contact});
  CHECK(r.Text("source") == "trade show");
  CHECK(r.lines.empty());

  // Without a stage it starts in the first; without an amount it is 0 in the home currency.
  fb::OpenDealT e;
  e.name = "Small";
  e.pipeline_id = "pl-sales";
  h.MustRun(alan, Cmd(std::move(e)));
  CHECK(h.Get("deal", h.last_id).Text("stage_id") == "s1");
  CHECK(Shown(h.Get("deal", h.last_id).Get("amount")) == "0.00 EUR");
}

TEST_CASE("with product lines and no amount, a deal's amount is the lines' total",
          "[domain][deal][money]") {
  Harness h;
  AddProducts(h);
  fb::OpenDealT d;
  d.name = "Arms";
  d.pipeline_id = "pl-sales";
  d.lines.push_back(Line("p-arm", 3, 250000, "USD"));
  d.lines.push_back(Line("p-grip", 2, 49950, "USD"));
  h.MustRun(h.As("u-alan"), Cmd(std::move(d)));
  const RecordState& r = h.Get("deal", h.last_id);
  CHECK(Shown(r.Get("amount")) == "8499.00 USD");
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0].product_id == "p-arm");
  CHECK(r.lines[0].quantity == 3);
  CHECK(r.lines[1].unit_price->amount_minor == 49950);

  // An amount given with lines must be their total.
  fb::OpenDealT same;
  same.name = "Arms";
  same.pipeline_id = "pl-sales";
  same.amount = Money(500000, "USD");
  same.lines.push_back(Line("p-arm", 2, 250000, "USD"));
  h.MustRun(h.As("u-alan"), Cmd(std::move(same)));
  CHECK(Shown(h.Get("deal", h.last_id).Get("amount")) == "5000.00 USD");
  fb::OpenDealT other;
  other.name = "Arms";
  other.pipeline_id = "pl-sales";
  other.amount = Money(400000, "USD");
  other.lines.push_back(Line("p-arm", 2, 250000, "USD"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(std::move(other))),
                            StatusCode::kInvalidArgument,
                            "amount: with product lines the amount is their total, 5000.00 USD");
}

TEST_CASE("opening a deal refuses bad input naming the field", "[domain][deal]") {
  Harness h;
  AddProducts(h);
  auto alan = h.As("u-alan");
  std::string existing = MakeDeal(h, alan);
  std::string contact = MakeContact(h, alan, "Wile");
  fb::DefineFieldT f;
  f.record_type = "deal";
  f.key = "budget";
  f.label = "Budget";
  f.kind = fb::FieldKind::Money;
  h.MustRun(h.admin(), Cmd(std::move(f)));
  fb::CreatePipelineT old;
  old.pipeline_id = "pl-old";
  old.name = "Old";
  old.stages.push_back(std::make_unique<fb::StageT>());
  old.stages.back()->name = "Only";
  h.MustRun(h.admin(), Cmd(std::move(old)));
  fb::ArchivePipelineT a;
  a.pipeline_id = "pl-old";
  h.MustRun(h.admin(), Cmd(std::move(a)));
  auto with = [&](auto spoil) {
    fb::OpenDealT d;
    d.name = "Robots";
    d.pipeline_id = "pl-sales";
    d.amount = Money(1000);
    spoil(d);
    return h.Run(alan, Cmd(std::move(d)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& d) { d.deal_id = existing; }), S::kAlreadyExists,
                            "deal " + existing + " already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.name = ""; }), S::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.pipeline_id = ""; }), S::kInvalidArgument,
                            "pipeline_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.pipeline_id = "pl-none"; }), S::kNotFound,
                            "pipeline_id: there is no pipeline pl-none");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.pipeline_id = "pl-old"; }),
                            S::kFailedPrecondition, "pipeline pl-old is archived");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.stage_id = "s9"; }), S::kNotFound,
                            "stage_id: pipeline pl-sales has no stage s9");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.stage_id = "won"; }), S::kNotFound,
                            "has no stage won");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.owner_id = "u-ada"; }), S::kPermissionDenied,
                            "owner_id: user u-alan may not give records to u-ada");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.owner_id = "u-zed"; }), S::kNotFound,
                            "owner_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.company_id = "CO-404"; }), S::kNotFound,
                            "company_id: there is no company CO-404");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.expected_close_date = INT32_MAX; }),
                            S::kInvalidArgument, "expected_close_date: day 2147483647 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.contact_ids = {"C-404"}; }), S::kNotFound,
                            "contact_ids: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& d) { d.contact_ids = {contact, contact}; }),
                            S::kInvalidArgument, "contact_ids: " + contact + " is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.source = std::string(101, 's'); }),
                            S::kInvalidArgument, "source is 101 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.amount = Money(-1); }), S::kInvalidArgument,
                            "amount may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.amount = Money(1, "EU"); }),
                            S::kInvalidArgument, "amount currency: 'EU'");
  // Amounts are bounded at 10^15 minor units, so totals over many deals stay far from
  // int64's bounds.
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.amount = Money(domain::kMaxAmountMinor + 1); }),
                            S::kInvalidArgument,
                            "amount.amount_minor: 1000000000000001 minor units is beyond the largest amount "
                            "rapport takes, 10,000,000,000,000.00 EUR either way");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.amount = Money(INT64_MAX); }), S::kInvalidArgument,
                            "amount.amount_minor");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.custom.push_back(Field("budget", MoneyValue(INT64_MAX, "EUR"))); }),
                            S::kInvalidArgument, "beyond the largest amount");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) {
                              d.amount.reset();
                              d.lines.push_back(Line("p-arm", 1'000'000'000, 1'000'000'000));
                            }),
                            S::kInvalidArgument, "lines[0]: the lines' total exceeds the largest amount");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.lines.push_back(Line("p-none", 1, 1)); }),
                            S::kNotFound, "lines[0]: there is no product p-none");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.lines.push_back(Line("p-arm", 0, 1000)); }),
                            S::kInvalidArgument, "lines[0]: quantity must be positive");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) {
                              d.lines.push_back(Line("p-arm", 1, 1000));
                              d.lines.back()->unit_price.reset();
                            }),
                            S::kInvalidArgument, "lines[0].unit_price is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.lines.push_back(Line("p-arm", 1, -5)); }),
                            S::kInvalidArgument, "lines[0].unit_price may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) {
                              d.amount.reset();
                              d.lines.push_back(Line("p-arm", 1, 1000, "EUR"));
                              d.lines.push_back(Line("p-grip", 1, 1000, "USD"));
                            }),
                            S::kInvalidArgument, "lines[1]: all lines must be in one currency (EUR)");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.lines.push_back(Line("p-arm", 1, 1000, "USD")); }),
                            S::kInvalidArgument, "lines[0]: all lines must be in one currency (EUR)");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.custom.push_back(Field("budget", TextValue("lots"))); }),
                            S::kInvalidArgument, "custom.budget");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& d) { d.custom.push_back(Field("nope", TextValue("x"))); }),
                            S::kNotFound, "deal has no custom field 'nope'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), [] {
                              fb::OpenDealT d;
                              d.name = "x";
                              d.pipeline_id = "pl-sales";
                              return Cmd(std::move(d));
                            }()),
                            S::kPermissionDenied, "analyst");
}

TEST_CASE("deals move between open stages only", "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan);
  h.MustRun(alan, Move(deal, "s3"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealStageMoved"});
  const auto* e = h.LastEvent().payload_as<fb::DealStageMoved>();
  CHECK(e->pipeline_id()->str() == "pl-sales");
  CHECK(e->from_stage_id()->str() == "s1");
  CHECK(e->to_stage_id()->str() == "s3");
  CHECK(h.Get("deal", deal).Text("stage_id") == "s3");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move(deal, "s3")), S::kFailedPrecondition,
                            "deal " + deal + " is already in stage s3");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move(deal, "won")), S::kInvalidArgument,
                            "stage_id: close a deal with `deal win` or `deal lose`");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move(deal, "lost")), S::kInvalidArgument,
                            "close a deal with");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move(deal, "s9")), S::kNotFound,
                            "stage_id: pipeline pl-sales has no stage s9");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move("D-404", "s2")), S::kNotFound,
                            "deal_id: there is no deal D-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Move(deal, "s2")), S::kPermissionDenied,
                            "deal " + deal + " belongs to u-alan");
  h.MustRun(alan, Win(deal));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Move(deal, "s2")), S::kFailedPrecondition,
                            "deal " + deal + " is already won: reopen it before moving its stage");
}

TEST_CASE("setting product lines makes the amount their total", "[domain][deal][money]") {
  Harness h;
  AddProducts(h);
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan, 100000);
  std::vector<std::unique_ptr<fb::DealLineT>> lines;
  lines.push_back(Line("p-arm", 2, 30000));
  lines.push_back(Line("p-grip", 4, 2500));
  h.MustRun(alan, Lines(deal, std::move(lines)));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealLinesSet", "DealAmountChanged"});
  const auto* set = h.LastEvent(0).payload_as<fb::DealLinesSet>();
  CHECK((set->old_lines() == nullptr || set->old_lines()->size() == 0));
  REQUIRE(set->new_lines() != nullptr);
  CHECK(set->new_lines()->size() == 2);
  const auto* amount = h.LastEvent(1).payload_as<fb::DealAmountChanged>();
  CHECK(amount->old_amount()->amount_minor() == 100000);
  CHECK(amount->new_amount()->amount_minor() == 70000);
  CHECK(amount->new_amount()->currency()->str() == "EUR");
  const RecordState& r = h.Get("deal", deal);
  CHECK(r.lines.size() == 2);
  CHECK(Shown(r.Get("amount")) == "700.00 EUR");

  // Same total, different lines: no amount change.
  std::vector<std::unique_ptr<fb::DealLineT>> same_total;
  same_total.push_back(Line("p-arm", 1, 70000));
  h.MustRun(alan, Lines(deal, std::move(same_total)));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealLinesSet"});
  REQUIRE(h.LastEvent().payload_as<fb::DealLinesSet>()->old_lines() != nullptr);
  CHECK(h.LastEvent().payload_as<fb::DealLinesSet>()->old_lines()->size() == 2);
  // Clearing the lines keeps the amount.
  h.MustRun(alan, Lines(deal, {}));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealLinesSet"});
  CHECK(h.Get("deal", deal).lines.empty());
  CHECK(Shown(h.Get("deal", deal).Get("amount")) == "700.00 EUR");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lines(deal, {})), S::kFailedPrecondition,
                            "deal " + deal + " already has those lines");
  std::vector<std::unique_ptr<fb::DealLineT>> usd;
  usd.push_back(Line("p-arm", 1, 100, "USD"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lines(deal, std::move(usd))), S::kInvalidArgument,
                            "lines[0]: all lines must be in one currency (EUR)");
  std::vector<std::unique_ptr<fb::DealLineT>> bad;
  bad.push_back(Line("p-none", 1, 100));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lines(deal, std::move(bad))), S::kNotFound,
                            "lines[0]: there is no product p-none");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Lines(deal, {})), S::kPermissionDenied,
                            "belongs to u-alan");
  h.MustRun(alan, Lose(deal, "no budget"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lines(deal, {})), S::kFailedPrecondition,
                            "is already lost: reopen it before changing its products");
}

TEST_CASE("forecast categories", "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan);
  h.MustRun(alan, Forecast(deal, fb::ForecastCategory::Commit));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealForecastCategorySet"});
  const auto* e = h.LastEvent().payload_as<fb::DealForecastCategorySet>();
  CHECK(e->old_category() == fb::ForecastCategory::Auto);
  CHECK(e->new_category() == fb::ForecastCategory::Commit);
  CHECK(h.Get("deal", deal).Text("forecast_category") == "commit");
  h.MustRun(alan, Forecast(deal, fb::ForecastCategory::Auto));
  CHECK(h.Get("deal", deal).Text("forecast_category").empty());

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Forecast(deal, fb::ForecastCategory::Auto)),
                            S::kFailedPrecondition, "deal " + deal + " is already auto");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Forecast(deal, fb::ForecastCategory::BestCase)),
                            S::kPermissionDenied, "belongs to u-alan");
  h.MustRun(alan, Win(deal));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Forecast(deal, fb::ForecastCategory::BestCase)),
                            S::kFailedPrecondition, "reopen it before changing its forecast category");
}

TEST_CASE("winning a deal records the final amount and close date", "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan, 100000);
  h.MustRun(alan, Move(deal, "s3"));
  h.MustRun(alan, Win(deal));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealWon"});
  const auto* e = h.LastEvent().payload_as<fb::DealWon>();
  CHECK(e->from_stage_id()->str() == "s3");
  CHECK(e->amount()->amount_minor() == 100000);  // the deal's amount when none is given
  CHECK(e->close_date() == Today());              // today when no date is given
  const RecordState& r = h.Get("deal", deal);
  CHECK(r.Text("status") == "won");
  CHECK(r.Int("close_date") == Today());

  std::string other = MakeDeal(h, alan, 100000);
  h.MustRun(alan, Win(other, Money(95000), Day("2026-02-27")));
  CHECK(Shown(h.Get("deal", other).Get("amount")) == "950.00 EUR");
  CHECK(Shown(h.Get("deal", other).Get("close_date")) == "2026-02-27");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Win(deal)), S::kFailedPrecondition,
                            "deal " + deal + " is already won");
  std::string third = MakeDeal(h, alan);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Win(third, Money(-1))), S::kInvalidArgument,
                            "amount may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Win(third)), S::kPermissionDenied,
                            "belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Win(third, nullptr, -1'000'000)), S::kInvalidArgument,
                            "close_date: day -1000000 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lose(third, "went dark", INT32_MIN)), S::kInvalidArgument,
                            "close_date: day -2147483648 is not a date");
  h.MustRun(alan, Lose(third, "went dark"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Win(third)), S::kFailedPrecondition,
                            "deal " + third + " is lost: reopen it before winning it");
}

TEST_CASE("losing a deal needs a reason", "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan);
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lose(deal, "  ")), S::kInvalidArgument,
                            "reason is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lose(deal, std::string(501, 'r'))), S::kInvalidArgument,
                            "reason is 501 bytes");
  h.MustRun(alan, Lose(deal, " chose a competitor ", Day("2026-02-20")));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealLost"});
  const auto* e = h.LastEvent().payload_as<fb::DealLost>();
  CHECK(e->reason()->str() == "chose a competitor");
  CHECK(e->from_stage_id()->str() == "s1");
  const RecordState& r = h.Get("deal", deal);
  CHECK(r.Text("status") == "lost");
  CHECK(r.Text("lost_reason") == "chose a competitor");
  CHECK(Shown(r.Get("close_date")) == "2026-02-20");

  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lose(deal, "again")), S::kFailedPrecondition,
                            "deal " + deal + " is already lost");
  std::string won = MakeDeal(h, alan);
  h.MustRun(alan, Win(won));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lose(won, "changed their mind")), S::kFailedPrecondition,
                            "deal " + won + " is won: reopen it before losing it");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Lose(deal, "x")), S::kPermissionDenied,
                            "belongs to u-alan");
}

TEST_CASE("reopening returns a deal to its last stage, or the first if that was removed",
          "[domain][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan);
  h.MustRun(alan, Move(deal, "s2"));
  h.MustRun(alan, Lose(deal, "timing"));
  h.MustRun(alan, Reopen(deal));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealReopened"});
  const auto* e = h.LastEvent().payload_as<fb::DealReopened>();
  CHECK_FALSE(e->was_won());
  CHECK(e->stage_id()->str() == "s2");
  const RecordState& r = h.Get("deal", deal);
  CHECK(r.Text("status") == "open");
  CHECK(r.Text("stage_id") == "s2");
  CHECK(r.Text("lost_reason").empty());
  CHECK(IsNull(r.Get("close_date")));

  h.MustRun(alan, Win(deal));
  h.MustRun(alan, Reopen(deal, "s3"));
  CHECK(h.LastEvent().payload_as<fb::DealReopened>()->was_won());
  CHECK(h.Get("deal", deal).Text("stage_id") == "s3");

  h.MustRun(alan, Win(deal));
  fb::RemoveStageT rm;
  rm.pipeline_id = "pl-sales";
  rm.stage_id = "s3";
  h.MustRun(h.admin(), Cmd(rm));
  h.MustRun(alan, Reopen(deal));
  CHECK(h.Get("deal", deal).Text("stage_id") == "s1");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reopen(deal)), S::kFailedPrecondition,
                            "deal " + deal + " is open already");
  h.MustRun(alan, Lose(deal, "timing"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reopen(deal, "s3")), S::kNotFound,
                            "stage_id: pipeline pl-sales has no stage s3");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Reopen(deal)), S::kPermissionDenied,
                            "belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Reopen("D-404")), S::kNotFound,
                            "there is no deal D-404");
}
