// The demo's deals on their way: opened on an account, entering a stage (activities, a task,
// the stage's business), then a step forward, back, or to the end; close dates slip.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::OpenDeal(int company, const std::string& source) {
  Company& co = companies_[static_cast<size_t>(company)];
  if (co.contacts.empty() || co.open_deal >= 0) return Status::Ok();
  Deal d;
  d.id = NextId("D", &n_deals_);
  d.company = company;
  d.owner = co.owner;
  d.pipeline = 0;
  d.stage = Chance(0.15) ? 1 : 0;
  d.contacts.push_back(Pick(co.contacts));
  if (co.contacts.size() > 1 && Chance(0.4)) {
    int second = Pick(co.contacts);
    if (second != d.contacts.front()) d.contacts.push_back(second);
  }
  d.currency = co.currency;
  fb::OpenDealT c;
  if (d.currency == "EUR" && Chance(0.55)) {
    // Product lines: robots, often with vision, licences and a service plan.
    int main = static_cast<int>(Between(0, 2));
    int64_t robots = Between(1, 6);
    d.lines.push_back({main, robots});
    if (Chance(0.5)) d.lines.push_back({3, Between(1, robots)});
    if (Chance(0.6)) d.lines.push_back({4, robots});
    if (Chance(0.4)) d.lines.push_back({5, robots});
    for (auto [p, q] : d.lines) {
      auto line = std::make_unique<fb::DealLineT>();
      line->product_id = kProducts[static_cast<size_t>(p)].id;
      line->quantity = q;
      line->unit_price = MoneyOf(kProducts[static_cast<size_t>(p)].price_eur * 100, "EUR");
      c.lines.push_back(std::move(line));
      d.amount += kProducts[static_cast<size_t>(p)].price_eur * 100 * q;
    }
    d.name = co.short_name + ": " + std::to_string(robots) + "× " + kProducts[static_cast<size_t>(main)].code;
  } else {
    double euros = std::clamp(55'000.0 * std::exp(0.8 * Normal()), 6'000.0, 1'200'000.0);
    if (d.currency == "GBP") euros *= 0.86;
    d.amount = static_cast<int64_t>(euros / 500) * 500 * 100;
    d.name = co.short_name + ": " + Pick(kProjects);
    c.amount = MoneyOf(d.amount, d.currency);
  }
  if (co.customer) d.name += " (expansion)";
  d.expected_close = Today() + static_cast<int32_t>(Between(45, 150));
  c.deal_id = d.id;
  c.name = d.name;
  c.pipeline_id = "PL-1";
  c.stage_id = kNewBusiness[static_cast<size_t>(d.stage)].id;
  c.expected_close_date = d.expected_close;
  c.company_id = co.id;
  for (int p : d.contacts) c.contact_ids.push_back(contacts_[static_cast<size_t>(p)].id);
  c.source = source;
  int owner = d.owner;
  int index = static_cast<int>(deals_.size());
  deals_.push_back(std::move(d));
  RAPPORT_RETURN_IF_ERROR(Exec(owner, std::move(c), 0, &deals_.back().events));
  co.open_deal = index;
  Touch(company);
  int primary = deals_.back().contacts.front();
  if (contacts_[static_cast<size_t>(primary)].lifecycle < fb::Lifecycle::Opportunity) {
    At(Soon(), [this, primary] { return ChangeLifecycle(primary, fb::Lifecycle::Opportunity, "deal opened"); });
  }
  return EnterStage(index);
}

// A deal arrives in a stage: activities while it is there, maybe a follow-up task, the
// stage's own business, then the next step.
Status Simulation::EnterStage(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  const StageInfo& s = (d.pipeline == 0 ? kNewBusiness : kRenewals)[static_cast<size_t>(d.stage)];
  double dwell;
  if (d.pipeline == 0) {
    dwell = Uniform(s.dwell_min, s.dwell_max);
  } else {  // renewals are paced by the renewal date
    const Contract& k = contracts_[static_cast<size_t>(d.contract)];
    double left = std::max(4.0, static_cast<double>(k.renewal - Today()));
    dwell = d.stage == 0 ? left * Uniform(0.3, 0.45) : d.stage == 1 ? left * Uniform(0.4, 0.6) : left + Uniform(-8, 12);
    dwell = std::max(2.0, dwell);
  }
  int stage = d.stage;
  for (int i = static_cast<int>(Between(s.acts_min, s.acts_max)); i > 0; --i) {
    At(After(Uniform(0.1, dwell)), [this, index, stage] {
      return MaybeLate([this, index, stage](Micros occurred) { return DealActivity(index, stage, occurred); });
    });
  }
  if (Chance(0.35)) {
    const Contact& p = contacts_[static_cast<size_t>(d.contacts.front())];
    static const std::vector<std::string> kTaskTitlesByStage[] = {
        {"Qualify budget and timeline with ", "Send case studies to "},
        {"Book a site visit with ", "Send discovery notes to "},
        {"Send demo recording to ", "Prepare demo cell layout for "},
        {"Send revised proposal to ", "Chase feedback on the proposal from "},
        {"Send order form to ", "Agree payment terms with "}};
    std::string title = d.pipeline == 0 ? Pick(kTaskTitlesByStage[stage]) + p.first + " " + p.last
                                        : "Prepare renewal quote for " + p.first + " " + p.last;
    int assignee = d.owner;
    int actor = Chance(0.1) ? ManagerOf(d.owner) : d.owner;
    Micros due = WorkTime(Today() + static_cast<int32_t>(Between(1, 6)));
    RAPPORT_RETURN_IF_ERROR(NewTask(actor, assignee, title, LinksFor(d.contacts.front(), d.company, index), due, index));
  }
  if (d.pipeline == 0 && stage == kProposal) {
    At(Soon(), [this, index] {
      Deal& x = deals_[static_cast<size_t>(index)];
      if (x.status != DealStatus::kOpen) return Status::Ok();
      if (x.lines.empty() && Chance(0.25)) {  // the scope changed
        int64_t amount = static_cast<int64_t>(static_cast<double>(x.amount) * Uniform(0.75, 1.35)) / 50'000 * 50'000;
        if (amount <= 0 || amount == x.amount) return Status::Ok();
        fb::UpdateRecordT u;
        u.record_type = "deal";
        u.record_id = x.id;
        u.set.push_back(Field("amount", domain::FormatMoney(amount, x.currency)));
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(u), 0, &x.events));
        x.amount = amount;
      } else if (!x.lines.empty() && Chance(0.2)) {  // one robot more or fewer
        auto& main = x.lines.front();
        main.second = main.second > 1 && Chance(0.5) ? main.second - 1 : main.second + 1;
        fb::SetDealLinesT s;
        s.deal_id = x.id;
        x.amount = 0;
        for (auto [p, q] : x.lines) {
          auto line = std::make_unique<fb::DealLineT>();
          line->product_id = kProducts[static_cast<size_t>(p)].id;
          line->quantity = q;
          line->unit_price = MoneyOf(kProducts[static_cast<size_t>(p)].price_eur * 100, "EUR");
          s.lines.push_back(std::move(line));
          x.amount += kProducts[static_cast<size_t>(p)].price_eur * 100 * q;
        }
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(s), 0, &x.events));
      }
      if (Chance(0.1) && x.category != fb::ForecastCategory::BestCase) {
        fb::SetForecastCategoryT f;
        f.deal_id = x.id;
        f.category = fb::ForecastCategory::BestCase;
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(f), 0, &x.events));
        x.category = fb::ForecastCategory::BestCase;
      }
      return Status::Ok();
    });
  }
  if (d.pipeline == 0 && stage == kNegotiation && Chance(0.35) && d.category != fb::ForecastCategory::Commit) {
    At(Soon(), [this, index] {
      Deal& x = deals_[static_cast<size_t>(index)];
      if (x.status != DealStatus::kOpen || x.category == fb::ForecastCategory::Commit) return Status::Ok();
      fb::SetForecastCategoryT f;
      f.deal_id = x.id;
      f.category = fb::ForecastCategory::Commit;
      RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(f), 0, &x.events));
      x.category = fb::ForecastCategory::Commit;
      return Status::Ok();
    });
  }
  // A deal that will still be here on its expected close date gets a new one a few days before.
  Micros step = After(dwell);
  int32_t close = d.expected_close;
  if (close < DayOf(step)) {
    At(WorkTime(std::max(Today(), close - static_cast<int32_t>(Between(0, 4)))), [this, index, stage, close] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      bool unchanged = x.status == DealStatus::kOpen && !x.dormant && x.stage == stage && x.expected_close == close;
      return unchanged ? Slip(index) : Status::Ok();
    });
  }
  At(step, [this, index] { return DealStep(index); });
  return Status::Ok();
}

Status Simulation::DealStep(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen || d.dormant) return Status::Ok();
  const auto& stages = d.pipeline == 0 ? kNewBusiness : kRenewals;
  bool last = d.stage + 1 == static_cast<int>(stages.size());
  Move move = Move::kAdvance;
  int target = d.stage + 1;
  if (d.pipeline == 0) {
    if (Chance(0.02)) {  // nobody touches it any more
      d.dormant = true;
      At(After(Uniform(90, 220)), [this, index] { return Cleanup(index); });
      return Status::Ok();
    }
    const StageInfo& s = stages[static_cast<size_t>(d.stage)];
    double u = Uniform();
    if (u < s.lose) {
      move = Move::kLose;
    } else if (u < s.lose + s.back) {
      move = Move::kBack;
      target = d.stage - 1;
    } else if (last) {
      move = Move::kWin;
    } else if (d.stage + 2 < static_cast<int>(stages.size()) && Chance(0.05)) {
      target = d.stage + 2;  // skips a stage
    }
  } else if (last) {
    move = Chance(0.86) ? Move::kWin : Move::kLose;
  }
  // A deal that goes on past its expected close date gets a new one.
  bool goes_on = move == Move::kAdvance || move == Move::kBack;
  if (goes_on && (d.expected_close <= Today() + 5 || (d.pipeline == 0 && Chance(0.05)))) {
    RAPPORT_RETURN_IF_ERROR(Slip(index));
  }
  // The rep updates the CRM a few days later. One such change straddles the end of the day a
  // year before the end, so that the board `rapport demo` suggests differs --as-of and --effective.
  bool straddle = d.pipeline == 0 && !year_mark_straddled_ && now_ < year_mark_ && now_ >= year_mark_ - 3 * kMicrosPerDay;
  if (straddle || Chance(kLate)) {
    year_mark_straddled_ = year_mark_straddled_ || straddle;
    Micros occurred = now_;
    Micros when = straddle ? WorkTime(DayOf(year_mark_)) : After(Uniform(1, 4));
    At(when, [this, index, move, target, occurred] {
      ++late_;
      return ApplyMove(index, move, target, occurred);
    });
    return Status::Ok();
  }
  return ApplyMove(index, move, target, now_);
}

Status Simulation::ApplyMove(int index, Move move, int target, Micros occurred) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen) return Status::Ok();
  switch (move) {
    case Move::kAdvance:
    case Move::kBack: {
      fb::MoveDealT m;
      m.deal_id = d.id;
      m.stage_id = (d.pipeline == 0 ? kNewBusiness : kRenewals)[static_cast<size_t>(target)].id;
      RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(m), occurred, &d.events));
      d.stage = target;
      d.moved_back = d.moved_back || move == Move::kBack;
      return EnterStage(index);
    }
    case Move::kWin:
      return Win(index, occurred);
    case Move::kLose:
      return Lose(index, occurred, d.pipeline == 0 ? Pick(kLossReasons) : Pick(kChurnReasons));
  }
  return Status::Ok();
}

// The expected close date slips: the deal will not make it in time.
Status Simulation::Slip(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  int32_t next = std::max(Today() + static_cast<int32_t>(Between(10, 40)),
                          d.expected_close + static_cast<int32_t>(Between(14, 45)));
  fb::UpdateRecordT u;
  u.record_type = "deal";
  u.record_id = d.id;
  u.set.push_back(Field("expected_close_date", domain::FormatDate(next)));
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(u), 0, &d.events));
  d.expected_close = next;
  ++d.slips;
  return Status::Ok();
}

}  // namespace rapport::cli::demo
