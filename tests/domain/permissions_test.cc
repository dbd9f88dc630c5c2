// Permissions per role, area by area: analysts read only; reps change what they own, are
// assigned or authored; managers also their teams' members' records; admins everything,
// and alone manage users, teams, pipelines, products, fields, the workspace and rates.
#include <functional>

#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

// Alan's records (Alan is a rep in t-north, managed by Grace). Mia manages t-south (Bob).
struct AlansWorld {
  Harness h;
  std::string contact, company, deal, contract, note, task, ticket;
  AlansWorld() {
    AddSouthTeam(h);
    auto alan = h.As("u-alan");
    contact = MakeContact(h, alan, "Marie");
    company = MakeCompany(h, alan, "Radium");
    deal = MakeDeal(h, alan);
    std::string won = MakeDeal(h, alan);
    fb::WinDealT w;
    w.deal_id = won;
    h.MustRun(alan, Cmd(w));
    fb::StartContractT k;
    k.deal_id = won;
    h.MustRun(alan, Cmd(std::move(k)));
    contract = h.last_id;
    note = MakeNote(h, alan, contact);
    task = MakeTask(h, alan);
    ticket = MakeTicket(h, alan, contact, "u-alan");
  }
};

// Who may do it, and who is refused.
struct Expect {
  std::vector<std::string> allowed;
  std::vector<std::string> denied;
};
const Expect kChangeAlans{{"u-admin", "u-grace", "u-alan"}, {"u-mia", "u-ada", "u-bob", "u-ann"}};
const Expect kAdminOnly{{"u-admin"}, {"u-grace", "u-mia", "u-alan", "u-bob", "u-ann"}};
const Expect kAnyWriter{{"u-admin", "u-grace", "u-mia", "u-alan", "u-bob"}, {"u-ann"}};

void CheckRoles(Harness& h, const std::string& what, const std::function<fb::CommandT()>& make,
                const Expect& e, const std::string& denied_text = "") {
  INFO(what);
  for (const auto& who : e.allowed) {
    INFO(who + " may");
    auto d = h.Decide(h.As(who), make());
    INFO(d.status().ToString());
    CHECK(d.ok());
  }
  for (const auto& who : e.denied) {
    INFO(who + " may not");
    std::string text = who == "u-ann" ? "is an analyst and may only read" : denied_text;
    REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As(who), make()), StatusCode::kPermissionDenied, text);
  }
}

}  // namespace

TEST_CASE("changing a rep's records: the rep, their manager and admins only",
          "[domain][permissions]") {
  AlansWorld w;
  Harness& h = w.h;
  CheckRoles(h, "contact lifecycle", [&] {
    fb::ChangeLifecycleT c;
    c.contact_id = w.contact;
    c.stage = fb::Lifecycle::Customer;
    return Cmd(std::move(c));
  }, kChangeAlans, "contact " + w.contact + " belongs to u-alan");
  CheckRoles(h, "company update", [&] { return Cmd(Update("company", w.company, {{"industry", "Science"}})); },
             kChangeAlans, "company " + w.company + " belongs to u-alan");
  CheckRoles(h, "company delete", [&] {
    fb::DeleteRecordT d;
    d.record_type = "company";
    d.record_id = w.company;
    return Cmd(std::move(d));
  }, kChangeAlans, "belongs to u-alan");
  CheckRoles(h, "deal move", [&] {
    fb::MoveDealT m;
    m.deal_id = w.deal;
    m.stage_id = "s2";
    return Cmd(std::move(m));
  }, kChangeAlans, "deal " + w.deal + " belongs to u-alan");
  CheckRoles(h, "deal loss", [&] {
    fb::LoseDealT l;
    l.deal_id = w.deal;
    l.reason = "budget";
    return Cmd(std::move(l));
  }, kChangeAlans, "belongs to u-alan");
  CheckRoles(h, "contract end", [&] {
    fb::EndContractT e;
    e.contract_id = w.contract;
    return Cmd(std::move(e));
  }, kChangeAlans, "contract " + w.contract + " belongs to u-alan");
  CheckRoles(h, "activity update", [&] { return Cmd(Update("activity", w.note, {{"body", "Edited"}})); },
             kChangeAlans, "activity " + w.note + " belongs to u-alan");
  CheckRoles(h, "task reschedule", [&] {
    fb::RescheduleTaskT r;
    r.task_id = w.task;
    r.due_us = kNow + 9 * kMicrosPerDay;
    return Cmd(std::move(r));
  }, kChangeAlans, "task " + w.task + " belongs to u-alan");
  CheckRoles(h, "ticket status", [&] {
    fb::ChangeTicketStatusT s;
    s.ticket_id = w.ticket;
    s.status = fb::TicketStatus::Pending;
    return Cmd(std::move(s));
  }, kChangeAlans, "ticket " + w.ticket + " belongs to u-alan");
  // The refusals say what would be needed.
  fb::ChangeLifecycleT c;
  c.contact_id = w.contact;
  c.stage = fb::Lifecycle::Lead;
  REQUIRE_REFUSED(h.Run(h.As("u-bob"), Cmd(c)), StatusCode::kPermissionDenied,
                  "ask its owner, their manager or an admin");
  REQUIRE_REFUSED(h.Run(h.As("u-mia"), Cmd(c)), StatusCode::kPermissionDenied,
                  "user u-mia does not manage a team they are in");
}

TEST_CASE("admin-only areas refuse managers, reps and analysts", "[domain][permissions]") {
  Harness h;
  AddSouthTeam(h);
  CheckRoles(h, "create user", [] {
    fb::CreateUserT u;
    u.user_id = "u-new";
    u.name = "New";
    u.email = "new@acme.example";
    u.role = fb::Role::Rep;
    return Cmd(std::move(u));
  }, kAdminOnly, "only admins may change users");
  CheckRoles(h, "change role", [] {
    fb::ChangeUserRoleT r;
    r.user_id = "u-bob";
    r.role = fb::Role::Manager;
    return Cmd(std::move(r));
  }, kAdminOnly, "only admins may change roles");
  CheckRoles(h, "add team member", [] {
    fb::AddTeamMemberT m;
    m.team_id = "t-south";
    m.user_id = "u-ada";
    return Cmd(std::move(m));
  }, kAdminOnly, "only admins may change teams");
  CheckRoles(h, "exchange rate", [] {
    fb::SetExchangeRateT r;
    r.currency = "USD";
    r.rate_e9 = 900'000'000;
    r.effective_date = Today();
    return Cmd(std::move(r));
  }, kAdminOnly, "only admins may change exchange rates");
  CheckRoles(h, "define field", [] {
    fb::DefineFieldT f;
    f.record_type = "deal";
    f.key = "region";
    f.label = "Region";
    return Cmd(std::move(f));
  }, kAdminOnly, "only admins may change custom fields");
  CheckRoles(h, "create product", [] {
    fb::CreateProductT p;
    p.name = "Arm";
    p.code = "ARM";
    p.list_price = Money(100);
    return Cmd(std::move(p));
  }, kAdminOnly, "only admins may change products");
  CheckRoles(h, "create pipeline", [] {
    fb::CreatePipelineT p;
    p.name = "Renewals";
    p.stages.push_back(std::make_unique<fb::StageT>());
    p.stages.back()->name = "Due";
    return Cmd(std::move(p));
  }, kAdminOnly, "only admins may change pipelines");
  CheckRoles(h, "archive pipeline", [] {
    fb::ArchivePipelineT a;
    a.pipeline_id = "pl-sales";
    return Cmd(std::move(a));
  }, kAdminOnly, "only admins may change pipelines");
  CheckRoles(h, "workspace", [] { return Cmd(Update("workspace", "main", {{"name", "Acme 2"}})); },
             kAdminOnly, "only admins may change workspaces");
}

TEST_CASE("every writer creates records, analysts create nothing", "[domain][permissions]") {
  AlansWorld w;
  Harness& h = w.h;
  CheckRoles(h, "contact", [] {
    fb::CreateContactT c;
    c.first_name = "Lise";
    return Cmd(std::move(c));
  }, kAnyWriter);
  CheckRoles(h, "company", [] {
    fb::CreateCompanyT c;
    c.name = "Globex";
    return Cmd(std::move(c));
  }, kAnyWriter);
  CheckRoles(h, "deal", [] {
    fb::OpenDealT d;
    d.name = "New";
    d.pipeline_id = "pl-sales";
    return Cmd(std::move(d));
  }, kAnyWriter);
  CheckRoles(h, "note", [&] {
    fb::LogNoteT n;
    n.body = "Hello";
    n.links = ContactLinks({w.contact});  // anyone may log an activity about any record
    return Cmd(std::move(n));
  }, kAnyWriter);
  CheckRoles(h, "task", [] {
    fb::CreateTaskT t;
    t.title = "Call";
    t.due_us = kNow;
    t.assignee_id = "u-alan";  // and assign it to any active user
    return Cmd(std::move(t));
  }, kAnyWriter);
  CheckRoles(h, "ticket", [&] {
    fb::OpenTicketT t;
    t.subject = "Help";
    t.contact_id = w.contact;
    t.assignee_id = "u-bob";
    return Cmd(std::move(t));
  }, kAnyWriter);
}

TEST_CASE("who a new deal may be given to, per role", "[domain][permissions]") {
  Harness h;
  AddSouthTeam(h);
  auto open_for = [&](const std::string& owner) {
    return [owner] {
      fb::OpenDealT d;
      d.name = "New";
      d.pipeline_id = "pl-sales";
      d.owner_id = owner;
      return Cmd(std::move(d));
    };
  };
  // To Alan: admins, Alan himself, and Grace who manages him.
  CheckRoles(h, "deal for u-alan", open_for("u-alan"),
             {{"u-admin", "u-grace", "u-alan"}, {"u-mia", "u-ada", "u-bob", "u-ann"}},
             "owner_id: user");
  // To Bob: admins, Bob, and Mia.
  CheckRoles(h, "deal for u-bob", open_for("u-bob"),
             {{"u-admin", "u-mia", "u-bob"}, {"u-grace", "u-alan", "u-ada", "u-ann"}},
             "may not give records to u-bob");
}

TEST_CASE("logging an activity for another author, per role", "[domain][permissions]") {
  Harness h;
  AddSouthTeam(h);
  std::string contact = MakeContact(h, h.admin(), "Marie");
  auto note_by = [&](const std::string& author) {
    return [author, contact] {
      fb::LogNoteT n;
      n.body = "Met at the fair";
      n.author_id = author;
      n.links = ContactLinks({contact});
      return Cmd(std::move(n));
    };
  };
  CheckRoles(h, "note by u-ada", note_by("u-ada"),
             {{"u-admin", "u-grace", "u-ada"}, {"u-mia", "u-alan", "u-bob", "u-ann"}},
             "author_id: user");
}

TEST_CASE("an actor without an id or a role cannot act, rapport itself may do anything",
          "[domain][permissions]") {
  Harness h;
  fb::CreateContactT c;
  c.first_name = "Marie";
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(Actor{"", fb::Role::Admin, false}, Cmd(c)),
                            StatusCode::kPermissionDenied, "no acting user");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(Actor{"u-x", fb::Role::Unspecified, false}, Cmd(c)),
                            StatusCode::kPermissionDenied,
                            "user u-x has no role: ask an admin to set one");
  // The system actor owns nothing it creates, and may change anything.
  h.MustRun(Actor::System(), Cmd(c));
  CHECK(h.Get("contact", h.last_id).Text("owner_id").empty());
  std::string alans = MakeContact(h, h.As("u-alan"), "Pierre");
  fb::ChangeLifecycleT lc;
  lc.contact_id = alans;
  lc.stage = fb::Lifecycle::Lead;
  h.MustRun(Actor::System(), Cmd(lc));
  fb::CreateUserT u;
  u.user_id = "u-new";
  u.name = "New";
  u.email = "new@acme.example";
  u.role = fb::Role::Rep;
  h.MustRun(Actor::System(), Cmd(u));
}

TEST_CASE("permissions follow role changes", "[domain][permissions]") {
  Harness h;
  fb::CreateContactT c;
  c.first_name = "Marie";
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Cmd(c)), StatusCode::kPermissionDenied, "analyst");
  fb::ChangeUserRoleT r;
  r.user_id = "u-ann";
  r.role = fb::Role::Rep;
  h.MustRun(h.admin(), Cmd(r));
  h.MustRun(h.As("u-ann"), Cmd(c));
  CHECK(h.Get("contact", h.last_id).Text("owner_id") == "u-ann");

  // A rep promoted to admin may then manage users.
  fb::CreateUserT u;
  u.user_id = "u-new";
  u.name = "New";
  u.email = "new@acme.example";
  u.role = fb::Role::Rep;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Cmd(u)), StatusCode::kPermissionDenied,
                            "only admins may change users");
  r.user_id = "u-bob";
  r.role = fb::Role::Admin;
  h.MustRun(h.admin(), Cmd(r));
  h.MustRun(h.As("u-bob"), Cmd(u));
}
