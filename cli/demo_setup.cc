// The demo's first morning: the workspace, its users, the four territory teams, the two
// pipelines, the products and the GBP rate (then one a month); later, two hires and a leaver.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

Status Simulation::Setup() {
  for (size_t i = 0; i < kUsers.size(); ++i) {
    User u;
    u.id = "U-" + std::to_string(i + 1);
    u.name = kUsers[i].name;
    std::string first = u.name.substr(0, u.name.find(' ')), last = u.name.substr(u.name.find(' ') + 1);
    u.email = Fold(first) + "." + Fold(last) + "@acme-robotics.example";
    u.role = kUsers[i].role;
    u.team = kUsers[i].team;
    users_.push_back(u);
    if (kUsers[i].title == std::string("Support engineer")) support_.push_back(static_cast<int>(i));
  }
  {
    fb::CreateWorkspaceT w;
    w.workspace_id = "acme";
    w.name = "Acme Robotics";
    w.home_currency = "EUR";
    w.time_zone = "Europe/Berlin";
    w.admin_user_id = users_[kAdmin].id;
    w.admin_name = users_[kAdmin].name;
    w.admin_email = users_[kAdmin].email;
    RAPPORT_RETURN_IF_ERROR(Exec(kSystem, std::move(w)));
    users_[kAdmin].active = true;
    ++users_created_;
  }
  for (size_t i = 1; i < kUsers.size(); ++i) {
    if (kUsers[i].joins_day == 0) {
      fb::CreateUserT c;
      c.user_id = users_[i].id;
      c.name = users_[i].name;
      c.email = users_[i].email;
      c.role = users_[i].role;
      c.title = kUsers[i].title;
      if (users_[i].team >= 0) c.territory = Territories()[static_cast<size_t>(users_[i].team)].team;
      RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
      users_[i].active = true;
      ++users_created_;
    } else {
      At(WorkTime(Today() + kUsers[i].joins_day), [this, i] { return Hire(static_cast<int>(i)); });
    }
  }
  for (size_t t = 0; t < Territories().size(); ++t) {
    fb::CreateTeamT c;
    c.team_id = "T-" + std::to_string(t + 1);
    c.name = Territories()[t].team;
    c.territory = Territories()[t].team;
    for (size_t i = 0; i < users_.size(); ++i) {
      if (users_[i].team != static_cast<int>(t) || !users_[i].active) continue;
      if (users_[i].role == fb::Role::Manager) c.manager_id = users_[i].id;
      else c.member_ids.push_back(users_[i].id);
    }
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  for (int p = 0; p < 2; ++p) {
    fb::CreatePipelineT c;
    c.pipeline_id = p == 0 ? "PL-1" : "PL-2";
    c.name = p == 0 ? "New business" : "Renewals";
    for (const StageInfo& s : p == 0 ? kNewBusiness : kRenewals) {
      auto st = std::make_unique<fb::StageT>();
      st->stage_id = s.id;
      st->name = s.name;
      st->probability = s.probability;
      c.stages.push_back(std::move(st));
    }
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  for (const ProductInfo& p : kProducts) {
    fb::CreateProductT c;
    c.product_id = p.id;
    c.name = p.name;
    c.code = p.code;
    c.list_price = MoneyOf(p.price_eur * 100, "EUR");
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  // UK & Ireland sells in pounds: a rate from well before the story, then one a month.
  RAPPORT_RETURN_IF_ERROR(SetGbpRate(Today() - 365));
  return Status::Ok();
}

Status Simulation::SetGbpRate(int32_t effective_day) {
  gbp_rate_e9_ += static_cast<int64_t>(Normal() * 8e6);
  gbp_rate_e9_ = std::clamp<int64_t>(gbp_rate_e9_, 1'120'000'000, 1'210'000'000);
  fb::SetExchangeRateT r;
  r.currency = "GBP";
  r.rate_e9 = gbp_rate_e9_ / 100'000 * 100'000;
  r.effective_date = effective_day;
  return Exec(kAdmin, std::move(r));
}

Status Simulation::Hire(int user) {
  fb::CreateUserT c;
  c.user_id = users_[user].id;
  c.name = users_[user].name;
  c.email = users_[user].email;
  c.role = users_[user].role;
  c.title = kUsers[static_cast<size_t>(user)].title;
  c.territory = Territories()[static_cast<size_t>(users_[user].team)].team;
  RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  users_[user].active = true;
  ++users_created_;
  fb::AddTeamMemberT a;
  a.team_id = "T-" + std::to_string(users_[user].team + 1);
  a.user_id = users_[user].id;
  return Exec(kAdmin, std::move(a));
}

// A rep leaves: their manager hands every account, contact, open deal and open task to the
// successor, then the admin deactivates them. Contracts stay theirs (sales ops renews them).
Status Simulation::Depart(int leaver, int successor) {
  users_[leaver].leaving = true;
  int manager = ManagerOf(leaver);
  const std::string& to = users_[successor].id;
  auto reassign = [&](const char* type, const std::string& id) {
    fb::UpdateRecordT u;
    u.record_type = type;
    u.record_id = id;
    u.set.push_back(Field("owner_id", to));
    return Exec(manager, std::move(u));
  };
  for (auto& c : companies_) {
    if (c.owner != leaver) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("company", c.id));
    c.owner = successor;
  }
  for (auto& c : contacts_) {
    if (c.owner != leaver) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("contact", c.id));
    c.owner = successor;
  }
  for (auto& d : deals_) {
    if (d.owner != leaver || d.status != DealStatus::kOpen) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("deal", d.id));
    d.owner = successor;
    ++d.events;
  }
  for (auto& t : tasks_) {
    if (t.assignee != leaver || !t.open) continue;
    fb::ReassignTaskT r;
    r.task_id = t.id;
    r.assignee_id = to;
    RAPPORT_RETURN_IF_ERROR(Exec(manager, std::move(r)));
    t.assignee = successor;
  }
  fb::DeactivateUserT d;
  d.user_id = users_[leaver].id;
  d.reason = "left the company; accounts handed to " + users_[successor].name;
  RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(d)));
  users_[leaver].active = false;
  return Status::Ok();
}

}  // namespace rapport::cli::demo
