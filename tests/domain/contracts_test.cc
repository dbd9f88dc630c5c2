// Contracts: a won deal starts one (with a renewal date), which is renewed and ended.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

// A deal of Alan's at Acme, won on 2026-01-31 for 1200.00 EUR.
std::string WonDeal(Harness& h) {
  auto alan = h.As("u-alan");
  std::string company = MakeCompany(h, alan, "Acme");
  fb::OpenDealT d;
  d.name = "Subscription";
  d.pipeline_id = "pl-sales";
  d.amount = Money(120000);
  d.company_id = company;
  h.MustRun(alan, Cmd(std::move(d)));
  std::string deal = h.last_id;
  fb::WinDealT w;
  w.deal_id = deal;
  w.close_date = Day("2026-01-31");
  h.MustRun(alan, Cmd(std::move(w)));
  return deal;
}

fb::StartContractT Start(const std::string& deal) {
  fb::StartContractT s;
  s.deal_id = deal;
  return s;
}

fb::CommandT Renew(const std::string& contract, int32_t renewal, const std::string& deal = "") {
  fb::RenewContractT r;
  r.contract_id = contract;
  r.renewal_date = renewal;
  r.renewal_deal_id = deal;
  return Cmd(std::move(r));
}

fb::CommandT End(const std::string& contract, std::optional<int32_t> end = std::nullopt,
                 const std::string& reason = "") {
  fb::EndContractT e;
  e.contract_id = contract;
  e.end_date = end;
  e.reason = reason;
  return Cmd(std::move(e));
}

}  // namespace

TEST_CASE("a won deal starts a contract renewing after its term", "[domain][contract]") {
  Harness h;
  std::string deal = WonDeal(h);
  h.MustRun(h.As("u-alan"), Cmd(Start(deal)));
  CHECK(h.last_id == "K-1");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContractStarted", "DealUpdated"});
  CHECK(h.LastEvent(0).stream_type() == "contract");
  CHECK(h.LastEvent(1).stream_id() == deal);
  const RecordState& k = h.Get("contract", "K-1");
  CHECK(k.Text("deal_id") == deal);
  CHECK(k.Text("company_id") == h.Get("deal", deal).Text("company_id"));
  CHECK(k.Text("owner_id") == "u-alan");
  CHECK(Shown(k.Get("amount")) == "1200.00 EUR");  // the deal's, when none is given
  CHECK(Shown(k.Get("start_date")) == "2026-01-31");  // the close date, when none is given
  CHECK(Shown(k.Get("renewal_date")) == "2027-01-31");
  CHECK(k.Int("term_months") == 12);
  CHECK(k.Text("status") == "active");
  // The deal remembers its contract.
  auto ch = ChangesIn<fb::DealUpdated>(h.LastEvent(1));
  CHECK(IsNull(ch["contract_id"].old_value));
  CHECK(Shown(ch["contract_id"].new_value) == "K-1");
  CHECK(h.Get("deal", deal).Text("contract_id") == "K-1");
}

TEST_CASE("a contract's renewal date clamps to the end of shorter months", "[domain][contract]") {
  Harness h;
  std::string deal = WonDeal(h);
  fb::StartContractT s = Start(deal);
  s.contract_id = "k-acme";
  s.term_months = 1;
  s.amount = Money(10000);
  h.MustRun(h.As("u-alan"), Cmd(std::move(s)));
  const RecordState& k = h.Get("contract", "k-acme");
  CHECK(Shown(k.Get("renewal_date")) == "2026-02-28");
  CHECK(Shown(k.Get("amount")) == "100.00 EUR");
  CHECK(k.Int("term_months") == 1);

  std::string other = WonDeal(h);
  fb::StartContractT t = Start(other);
  t.start_date = Day("2026-03-01");
  t.renewal_date = Day("2026-12-31");
  h.MustRun(h.As("u-alan"), Cmd(std::move(t)));
  CHECK(Shown(h.Get("contract", h.last_id).Get("start_date")) == "2026-03-01");
  CHECK(Shown(h.Get("contract", h.last_id).Get("renewal_date")) == "2026-12-31");
}

TEST_CASE("contract start refusals", "[domain][contract]") {
  Harness h;
  std::string deal = WonDeal(h);
  std::string open = MakeDeal(h, h.As("u-alan"));
  auto alan = h.As("u-alan");
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Start(open))), S::kFailedPrecondition,
                            "deal " + open + " is open: only won deals start contracts");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Start("D-404"))), S::kNotFound,
                            "deal_id: there is no deal D-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Cmd(Start(deal))), S::kPermissionDenied,
                            "belongs to u-alan");
  auto with = [&](auto spoil) {
    fb::StartContractT s = Start(deal);
    spoil(s);
    return h.Run(alan, Cmd(std::move(s)));
  };
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.term_months = 0; }), S::kInvalidArgument,
                            "term_months must be 1 to 120");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.term_months = 121; }), S::kInvalidArgument,
                            "term_months must be 1 to 120");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.amount = Money(-1); }), S::kInvalidArgument,
                            "amount may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.renewal_date = Day("2026-01-31"); }),
                            S::kInvalidArgument, "renewal_date must be after start_date");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.start_date = 3'000'000; }),
                            S::kInvalidArgument, "start_date: day 3000000 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.renewal_date = INT32_MAX; }),
                            S::kInvalidArgument, "renewal_date: day 2147483647 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& s) { s.contract_id = "bad id"; }),
                            S::kInvalidArgument, "contract id 'bad id'");
  h.MustRun(alan, Cmd(Start(deal)));
  std::string contract = h.last_id;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Start(deal))), S::kAlreadyExists,
                            "deal " + deal + " already started contract " + contract);
  std::string other = WonDeal(h);
  fb::StartContractT dup = Start(other);
  dup.contract_id = contract;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(std::move(dup))), S::kAlreadyExists,
                            "contract " + contract + " already exists");
  fb::LoseDealT lose;
  std::string lost = MakeDeal(h, alan);
  lose.deal_id = lost;
  lose.reason = "price";
  h.MustRun(alan, Cmd(lose));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Start(lost))), S::kFailedPrecondition,
                            "is lost: only won deals start contracts");
}

TEST_CASE("a contract's default dates stay within 0000-01-01..9999-12-31", "[domain][contract]") {
  Harness h;
  auto alan = h.As("u-alan");
  using S = StatusCode;
  // The default start is the deal's close date. A log written before close dates were
  // checked may hold any day; such a deal needs an explicit start_date.
  std::string legacy = WonDeal(h);
  h.source().At(std::string(kDeal), legacy).Set("close_date", DateValue(INT32_MIN));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Start(legacy))), S::kInvalidArgument,
                            "start_date: the deal's close_date (day -2147483648) is not a date rapport keeps; "
                            "send a start_date");
  fb::StartContractT explicit_start = Start(legacy);
  explicit_start.start_date = Day("2026-02-01");
  h.MustRun(alan, Cmd(std::move(explicit_start)));
  CHECK(h.Get(std::string(kContract), h.last_id).Int("renewal_date") == Day("2027-02-01"));

  // A start near the end of 9999 with a term past it: the computed renewal is refused.
  std::string late = WonDeal(h);
  fb::StartContractT s = Start(late);
  s.start_date = Day("9999-06-30");
  s.term_months = 12;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(fb::StartContractT(s))), S::kInvalidArgument,
                            "renewal_date: start_date plus term_months (12) passes 9999-12-31");
  s.term_months = 6;
  h.MustRun(alan, Cmd(std::move(s)));
  CHECK(h.Get(std::string(kContract), h.last_id).Int("renewal_date") == Day("9999-12-30"));
}

TEST_CASE("contracts renew to a later date, optionally with a renewal deal",
          "[domain][contract]") {
  Harness h;
  std::string deal = WonDeal(h);
  auto alan = h.As("u-alan");
  h.MustRun(alan, Cmd(Start(deal)));
  std::string contract = h.last_id;
  std::string renewal = MakeDeal(h, alan);
  h.MustRun(alan, Renew(contract, Day("2028-01-31"), renewal));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContractRenewed"});
  const auto* e = h.LastEvent().payload_as<fb::ContractRenewed>();
  CHECK(e->old_renewal_date() == Day("2027-01-31"));
  CHECK(e->new_renewal_date() == Day("2028-01-31"));
  const RecordState& k = h.Get("contract", contract);
  CHECK(Shown(k.Get("renewal_date")) == "2028-01-31");
  CHECK(k.Text("renewal_deal_id") == renewal);

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Renew(contract, Day("2028-01-31"))), S::kInvalidArgument,
                            "renewal_date must be after the current one, 2028-01-31");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Renew(contract, Day("2029-01-31"), "D-404")),
                            S::kNotFound, "renewal_deal_id: there is no deal D-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Renew(contract, INT32_MAX)), S::kInvalidArgument,
                            "renewal_date: day 2147483647 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, End(contract, INT32_MAX)), S::kInvalidArgument,
                            "end_date: day 2147483647 is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Renew("K-404", Day("2029-01-31"))), S::kNotFound,
                            "contract_id: there is no contract K-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Renew(contract, Day("2029-01-31"))),
                            S::kPermissionDenied, "contract " + contract + " belongs to u-alan");
  // Alan's manager may.
  h.MustRun(h.As("u-grace"), Renew(contract, Day("2029-01-31")));
}

TEST_CASE("contracts end once, not before they started", "[domain][contract]") {
  Harness h;
  std::string deal = WonDeal(h);
  auto alan = h.As("u-alan");
  h.MustRun(alan, Cmd(Start(deal)));
  std::string contract = h.last_id;
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, End(contract, Day("2026-01-30"))), S::kInvalidArgument,
                            "end_date is before the contract started");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, End(contract, std::nullopt, std::string(501, 'r'))),
                            S::kInvalidArgument, "reason is 501 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), End(contract)), S::kPermissionDenied,
                            "belongs to u-alan");
  h.MustRun(alan, End(contract, std::nullopt, "customer churned"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContractEnded"});
  const RecordState& k = h.Get("contract", contract);
  CHECK(k.Text("status") == "ended");
  CHECK(k.Int("end_date") == Today());
  CHECK(k.Text("end_reason") == "customer churned");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, End(contract)), S::kFailedPrecondition,
                            "contract " + contract + " has ended");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Renew(contract, Day("2030-01-01"))),
                            S::kFailedPrecondition, "contract " + contract + " has ended");
  // Contracts change through renew and end only.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contract", contract, {{"amount", "5 EUR"}}))),
                            S::kInvalidArgument, "record_type: contracts change through renew and end");
}
