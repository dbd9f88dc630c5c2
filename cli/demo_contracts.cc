// The demo's contracts: started from won new-business deals; a renewal deal opens in the
// Renewals pipeline 60 to 90 days before each renewal date.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::StartContract(int index) {
  const Deal& d = deals_[static_cast<size_t>(index)];
  Contract k;
  k.id = NextId("K", &n_contracts_);
  k.deal = index;
  k.company = d.company;
  k.owner = d.owner;
  double u = Uniform();
  k.term = u < 0.7 ? 12 : u < 0.9 ? 24 : 36;
  k.currency = d.currency;
  k.amount = std::max<int64_t>(static_cast<int64_t>(static_cast<double>(d.amount) * Uniform(0.12, 0.2)) / 10'000 * 10'000, 10'000);
  fb::StartContractT c;
  c.contract_id = k.id;
  c.deal_id = d.id;
  c.term_months = k.term;
  c.amount = MoneyOf(k.amount, k.currency);
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(c)));
  k.renewal = AddMonths(Today(), k.term);  // the deal closed today (or a few days ago, if logged late)
  int contract = static_cast<int>(contracts_.size());
  contracts_.push_back(std::move(k));
  Touch(d.company);
  // The contract's renewal date is the close date + term: read it back rather than guess.
  auto rec = service_->Get("contract", contracts_.back().id);
  if (rec.ok()) contracts_.back().renewal = static_cast<int32_t>(rec->Int("renewal_date"));
  At(WorkTime(contracts_.back().renewal - static_cast<int32_t>(Between(60, 90))),
     [this, contract] { return RenewalDue(contract); });
  return Status::Ok();
}

Status Simulation::RenewalDue(int contract) {
  const Contract& k = contracts_[static_cast<size_t>(contract)];
  if (!k.active) return Status::Ok();
  Company& co = companies_[static_cast<size_t>(k.company)];
  Deal d;
  d.id = NextId("D", &n_deals_);
  d.company = k.company;
  d.owner = co.owner;
  d.pipeline = 1;
  d.stage = 0;
  d.contacts = {co.contacts.front()};
  d.currency = k.currency;
  d.amount = static_cast<int64_t>(static_cast<double>(k.amount) * Uniform(1.0, 1.08)) / 10'000 * 10'000;
  d.contract = contract;
  int64_t y;
  unsigned m, day;
  CivilFromDays(k.renewal, &y, &m, &day);
  d.name = co.short_name + ": renewal " + std::to_string(y);
  d.expected_close = k.renewal;
  fb::OpenDealT c;
  c.deal_id = d.id;
  c.name = d.name;
  c.pipeline_id = "PL-2";
  c.stage_id = kRenewals.front().id;
  c.amount = MoneyOf(d.amount, d.currency);
  c.expected_close_date = d.expected_close;
  c.company_id = co.id;
  c.contact_ids = {contacts_[static_cast<size_t>(d.contacts.front())].id};
  c.source = "renewal of " + k.id;
  int owner = d.owner;
  int index = static_cast<int>(deals_.size());
  deals_.push_back(std::move(d));
  RAPPORT_RETURN_IF_ERROR(Exec(owner, std::move(c), 0, &deals_.back().events));
  Touch(k.company);
  return EnterStage(index);
}

}  // namespace rapport::cli::demo
