// The end of a demo deal: won (a contract, onboarding, a customer), lost (with a reason; a
// renewal lost ends its contract), or closed by a manager's clean-up after going quiet.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::Win(int index, Micros occurred) {
  Deal& d = deals_[static_cast<size_t>(index)];
  int64_t unit = d.currency == "EUR" || d.currency == "GBP" ? 10'000 : 100;
  int64_t final_amount = static_cast<int64_t>(static_cast<double>(d.amount) * Uniform(0.88, 1.0)) / unit * unit;
  fb::WinDealT w;
  w.deal_id = d.id;
  w.amount = MoneyOf(std::max(final_amount, unit), d.currency);
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(w), occurred, &d.events));
  d.status = DealStatus::kWon;
  d.amount = std::max(final_amount, unit);
  if (!d.tasks.empty()) At(Soon(), [this, index] { return CloseDealTasks(index, "deal won"); });
  Company& co = companies_[static_cast<size_t>(d.company)];
  if (d.pipeline == 0) co.open_deal = -1;
  Touch(d.company);
  int primary = d.contacts.front();
  At(Soon(), [this, primary] { return ChangeLifecycle(primary, fb::Lifecycle::Customer, "deal won"); });
  if (d.pipeline == 1) {
    At(Soon(), [this, index] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      Contract& k = contracts_[static_cast<size_t>(x.contract)];
      if (!k.active) return Status::Ok();
      fb::RenewContractT r;
      r.contract_id = k.id;
      r.renewal_date = AddMonths(k.renewal, k.term);
      r.renewal_deal_id = x.id;
      RAPPORT_RETURN_IF_ERROR(Exec(ActiveOr(k.owner, kAdmin), std::move(r)));
      k.renewal = AddMonths(k.renewal, k.term);
      int contract = x.contract;
      At(WorkTime(k.renewal - static_cast<int32_t>(Between(60, 90))), [this, contract] { return RenewalDue(contract); });
      return Status::Ok();
    });
    return Status::Ok();
  }
  if (Chance(0.75)) At(Soon(), [this, index] { return StartContract(index); });
  if (Chance(0.4)) {
    At(Soon(), [this, index] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      fb::LogNoteT n;
      n.activity_id = NextId("A", &n_activities_);
      n.body = "Closed won: " + domain::FormatMoneyGrouped(x.amount, x.currency) + ". Handover to onboarding.";
      n.links = LinksFor(x.contacts.front(), x.company, index);
      return Exec(x.owner, std::move(n));
    });
  }
  if (!co.customer) {
    co.customer = true;
    customers_.push_back(d.company);
    int company = d.company;
    At(After(Uniform(5, 15)), [this, company] {
      const Company& c = companies_[static_cast<size_t>(company)];
      const Contact& p = contacts_[static_cast<size_t>(c.contacts.front())];
      fb::LogMeetingT m;
      m.activity_id = NextId("A", &n_activities_);
      m.title = "Onboarding kick-off";
      m.start_us = now_;
      m.end_us = now_ + 90 * kMinute;
      m.attendees = {users_[c.owner].name, users_[static_cast<size_t>(support_.front())].name, p.first + " " + p.last};
      m.location = c.city;
      m.links = LinksFor(c.contacts.front(), company);
      Touch(company);
      return Exec(c.owner, std::move(m));
    });
    At(After(Uniform(75, 120)), [this, company] { return CheckIn(company); });
    At(After(Uniform(10, 200)), [this, company] { return OpenTicket(company); });
  }
  return Status::Ok();
}

Status Simulation::Lose(int index, Micros occurred, const std::string& reason) {
  Deal& d = deals_[static_cast<size_t>(index)];
  fb::LoseDealT l;
  l.deal_id = d.id;
  l.reason = reason;
  int actor = d.dormant ? ManagerOf(d.owner) : d.owner;
  RAPPORT_RETURN_IF_ERROR(Exec(actor, std::move(l), occurred, &d.events));
  d.status = DealStatus::kLost;
  Touch(d.company);
  if (!d.tasks.empty()) At(Soon(), [this, index] { return CloseDealTasks(index, "deal lost"); });
  if (d.pipeline == 0) companies_[static_cast<size_t>(d.company)].open_deal = -1;
  if (d.pipeline == 1) {
    At(Soon(), [this, index, reason] {
      Contract& k = contracts_[static_cast<size_t>(deals_[static_cast<size_t>(index)].contract)];
      if (!k.active) return Status::Ok();
      fb::EndContractT e;
      e.contract_id = k.id;
      e.end_date = k.renewal;
      e.reason = "not renewed: " + reason;
      RAPPORT_RETURN_IF_ERROR(Exec(ActiveOr(k.owner, kAdmin), std::move(e)));
      k.active = false;
      return Status::Ok();
    });
  } else if (Chance(0.15) && !d.dormant) {
    const Contact& p = contacts_[static_cast<size_t>(d.contacts.front())];
    RAPPORT_RETURN_IF_ERROR(NewTask(d.owner, d.owner, "Reconnect with " + p.first + " " + p.last + " about next year",
                                    LinksFor(d.contacts.front(), d.company, index),
                                    WorkTime(Today() + static_cast<int32_t>(Between(150, 200)))));
  }
  return Status::Ok();
}

// A manager's pipeline review closes deals that went quiet long ago (or leaves them stale).
Status Simulation::Cleanup(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen) return Status::Ok();
  if (Chance(0.75)) return Lose(index, now_, "no decision: went quiet");
  if (!d.cleanup_skipped) At(After(Uniform(120, 200)), [this, index] { return Cleanup(index); });
  d.cleanup_skipped = true;
  return Status::Ok();
}

}  // namespace rapport::cli::demo
