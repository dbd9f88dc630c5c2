// UpdateRecord on the CRM's records: companies, contacts, deals (whose amount, close date and
// owner changes are events of their own), activities, tasks and tickets.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {
void DefineCustom(Harness& h, const std::string& type, const std::string& key, fb::FieldKind kind) {
  fb::DefineFieldT f;
  f.record_type = type;
  f.key = key;
  f.label = key;
  f.kind = kind;
  h.MustRun(h.admin(), Cmd(std::move(f)));
}
}  // namespace

TEST_CASE("updating a company converts and checks each field", "[domain][update][company]") {
  Harness h;
  auto alan = h.As("u-alan");
  DefineCustom(h, "company", "founded", fb::FieldKind::Date);
  std::string parent = MakeCompany(h, alan, "Holding");
  std::string co = MakeCompany(h, alan, "Acme");
  h.MustRun(alan, Cmd(Update("company", co, {{"domain", "HTTP://www.Acme.example/"},
                                             {"employees", "1,200"},
                                             {"annual_revenue", "2500000 USD"},
                                             {"parent_company_id", parent},
                                             {"tags", "robots, b2b"},
                                             {"custom.founded", "1952-03-01"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"CompanyUpdated"});
  auto ch = ChangesIn<fb::CompanyUpdated>(h.LastEvent());
  CHECK(ch.size() == 6);
  CHECK(Shown(ch["domain"].new_value) == "acme.example");
  CHECK(ch["employees"].new_value.kind == ValueKind::Number);
  CHECK(Shown(ch["annual_revenue"].new_value) == "2500000.00 USD");
  CHECK(ch["parent_company_id"].new_value.kind == ValueKind::Ref);
  CHECK(Shown(ch["custom.founded"].new_value) == "1952-03-01");
  const RecordState& r = h.Get("company", co);
  CHECK(r.Text("domain") == "acme.example");
  CHECK(r.Int("employees") == 1200);
  CHECK(r.Get("annual_revenue").currency == "USD");
  CHECK(r.Text("parent_company_id") == parent);
  CHECK(r.List("tags") == std::vector<std::string>{"robots", "b2b"});
  CHECK(r.Int("custom.founded") == DaysFromCivil(1952, 3, 1));

  using S = StatusCode;
  // Parent chains may not loop.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"parent_company_id", co}}))),
                            S::kInvalidArgument, "parent_company_id: " + co + " is " + co);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", parent, {{"parent_company_id", co}}))),
                            S::kInvalidArgument, "or one of its subsidiaries");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"parent_company_id", "CO-404"}}))),
                            S::kNotFound, "parent_company_id: there is no company CO-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"employees", "-3"}}))),
                            S::kInvalidArgument, "employees may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"annual_revenue", "12 ZZZ"}}))),
                            S::kInvalidArgument, "annual_revenue");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"domain", "nodot"}}))),
                            S::kInvalidArgument, "domain: 'nodot' is not a web domain");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"tags", "a, A"}}))),
                            S::kInvalidArgument, "tags: tag 'A' is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"custom.founded", "March"}}))),
                            S::kInvalidArgument, "custom.founded: 'March' is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"owner_id", "u-zed"}}))),
                            S::kNotFound, "owner_id: there is no user u-zed");
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.MustRun(h.admin(), Cmd(d));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", co, {{"owner_id", "u-bob"}}))),
                            S::kFailedPrecondition, "owner_id: user u-bob is deactivated");
  // Clearing custom values and optional fields.
  h.MustRun(alan, Cmd(Update("company", co, {}, {"custom.founded", "parent_company_id"})));
  CHECK(IsNull(h.Get("company", co).Get("custom.founded")));
  CHECK(h.Get("company", co).Text("parent_company_id").empty());
}

TEST_CASE("updating a contact's lists and references", "[domain][update][contact]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie", "marie@radium.example");
  std::string company = MakeCompany(h, alan, "Radium");
  std::string dup = MakeCompany(h, alan, "Radium 2");
  fb::MergeRecordsT m;
  m.record_type = "company";
  m.survivor_id = company;
  m.merged_id = dup;
  h.MustRun(alan, Cmd(m));
  h.MustRun(alan, Cmd(Update("contact", contact, {{"emails", "marie@radium.example, curie@sorbonne.example"},
                                                  {"phones", "+33 1 23 45 67 89"},
                                                  {"company_id", company},
                                                  {"last_name", "Curie"}})));
  auto ch = ChangesIn<fb::ContactUpdated>(h.LastEvent());
  CHECK(Shown(ch["emails"].old_value) == "marie@radium.example");
  CHECK(Shown(ch["emails"].new_value) == "marie@radium.example, curie@sorbonne.example");
  const RecordState& r = h.Get("contact", contact);
  CHECK(r.List("emails").size() == 2);
  CHECK(r.Text("company_id") == company);
  CHECK(r.Text("last_name") == "Curie");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"emails", "a@b.example, A@B.example"}}))),
                            S::kInvalidArgument, "emails: A@B.example is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"emails", "a@b"}}))),
                            S::kInvalidArgument, "emails");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"phones", "phone me"}}))),
                            S::kInvalidArgument, "phones");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"company_id", dup}}))),
                            S::kFailedPrecondition, "company " + dup + " was merged into " + company);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"title", std::string(201, 't')}}))),
                            S::kInvalidArgument, "title is 201 bytes");
}

TEST_CASE("deal amount, close date and owner changes are events of their own",
          "[domain][update][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan, 100000);
  std::string contact = MakeContact(h, alan, "Wile");
  h.MustRun(alan, Cmd(Update("deal", deal, {{"amount", "1500 EUR"}, {"name", "Bigger deal"},
                                            {"expected_close_date", "2026-05-31"},
                                            {"contact_ids", contact}})));
  CHECK(h.LastEventTypes() ==
        std::vector<std::string>{"DealAmountChanged", "DealCloseDateChanged", "DealUpdated"});
  const auto* amount = h.LastEvent(0).payload_as<fb::DealAmountChanged>();
  CHECK(amount->old_amount()->amount_minor() == 100000);
  CHECK(amount->new_amount()->amount_minor() == 150000);
  const auto* date = h.LastEvent(1).payload_as<fb::DealCloseDateChanged>();
  CHECK_FALSE(date->old_date().has_value());
  CHECK(date->new_date() == Day("2026-05-31"));
  auto ch = ChangesIn<fb::DealUpdated>(h.LastEvent(2));
  CHECK(ch.size() == 2);
  CHECK(Shown(ch["name"].old_value) == "Deal");
  CHECK(ch["contact_ids"].new_value.list == std::vector<std::string>{contact});
  const RecordState& r = h.Get("deal", deal);
  CHECK(Shown(r.Get("amount")) == "1500.00 EUR");
  CHECK(Shown(r.Get("expected_close_date")) == "2026-05-31");
  CHECK(r.Text("name") == "Bigger deal");
  CHECK(r.version == 4);

  // A manager hands the deal to another member of the team.
  h.MustRun(h.As("u-grace"), Cmd(Update("deal", deal, {{"owner_id", "u-ada"}}, {"expected_close_date"})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"DealOwnerChanged", "DealCloseDateChanged"});
  const auto* owner = h.LastEvent(0).payload_as<fb::DealOwnerChanged>();
  CHECK(owner->old_owner_id()->str() == "u-alan");
  CHECK(owner->new_owner_id()->str() == "u-ada");
  CHECK(h.LastEvent(1).payload_as<fb::DealCloseDateChanged>()->old_date() == Day("2026-05-31"));
  CHECK_FALSE(h.LastEvent(1).payload_as<fb::DealCloseDateChanged>()->new_date().has_value());
  CHECK(h.Get("deal", deal).Text("owner_id") == "u-ada");
  CHECK(IsNull(h.Get("deal", deal).Get("expected_close_date")));
}

TEST_CASE("deal update refusals", "[domain][update][deal]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string deal = MakeDeal(h, alan, 100000);
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {}, {"owner_id"}))),
                            S::kInvalidArgument, "owner_id is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {}, {"amount"}))),
                            S::kInvalidArgument, "amount is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"amount", "12.345 EUR"}}))),
                            S::kInvalidArgument, "amount");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"expected_close_date", "soon"}}))),
                            S::kInvalidArgument, "expected_close_date: 'soon' is not a date");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"contact_ids", "C-404"}}))),
                            S::kNotFound, "contact_ids: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"stage_id", "s2"}}))),
                            S::kInvalidArgument, "deal has no field 'stage_id' that can be changed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"status", "won"}}))),
                            S::kInvalidArgument, "deal has no field 'status'");

  fb::WinDealT w;
  w.deal_id = deal;
  h.MustRun(alan, Cmd(w));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"amount", "2000 EUR"}}))),
                            S::kFailedPrecondition,
                            "deal " + deal + " is won: reopen it before changing its amount");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("deal", deal, {{"name", "x"}, {"expected_close_date", "2026-09-01"}}))),
                            S::kFailedPrecondition, "reopen it before changing its expected_close_date");
  // Its name and owner may still change.
  h.MustRun(alan, Cmd(Update("deal", deal, {{"name", "Won deal"}})));
  CHECK(h.Get("deal", deal).Text("name") == "Won deal");
}

TEST_CASE("with product lines a deal's amount changes through its lines",
          "[domain][update][deal][money]") {
  Harness h;
  fb::CreateProductT p;
  p.product_id = "p-arm";
  p.name = "Arm";
  p.code = "ARM";
  p.list_price = Money(1000);
  h.MustRun(h.admin(), Cmd(std::move(p)));
  fb::OpenDealT d;
  d.name = "Arms";
  d.pipeline_id = "pl-sales";
  auto line = std::make_unique<fb::DealLineT>();
  line->product_id = "p-arm";
  line->quantity = 3;
  line->unit_price = Money(1000);
  d.lines.push_back(std::move(line));
  h.MustRun(h.As("u-alan"), Cmd(std::move(d)));
  std::string deal = h.last_id;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(Update("deal", deal, {{"amount", "99 EUR"}}))),
                            StatusCode::kFailedPrecondition,
                            "deal " + deal + " has product lines: its amount is their total");
  CHECK(Shown(h.Get("deal", deal).Get("amount")) == "30.00 EUR");
}

TEST_CASE("updating an activity", "[domain][update][activity]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string deal = MakeDeal(h, alan);
  fb::LogCallT c;
  c.duration_seconds = 60;
  c.links = ContactLinks({contact});
  h.MustRun(alan, Cmd(c));
  std::string call = h.last_id;
  h.MustRun(alan, Cmd(Update("activity", call, {{"outcome", "no answer"}, {"duration_seconds", "0"},
                                                {"notes", "Try again\nnext week"}, {"deal_ids", deal}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ActivityUpdated"});
  CHECK(h.LastEvent().data_subject() == contact);
  auto ch = ChangesIn<fb::ActivityUpdated>(h.LastEvent());
  CHECK(Shown(ch["outcome"].old_value) == "connected");
  CHECK(Shown(ch["outcome"].new_value) == "no_answer");
  CHECK(ch["duration_seconds"].old_value.int_value == 60);
  const RecordState& a = h.Get("activity", call);
  CHECK(a.Text("outcome") == "no_answer");
  CHECK(a.Int("duration_seconds") == 0);
  CHECK(a.Text("notes") == "Try again\nnext week");
  CHECK(a.List("deal_ids") == std::vector<std::string>{deal});

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"outcome", "great"}}))),
                            S::kInvalidArgument, "outcome: 'great' is not a call outcome");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"duration_seconds", "86401"}}))),
                            S::kInvalidArgument, "duration_seconds must be whole seconds, 0 to 86400");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"duration_seconds", "1.5"}}))),
                            S::kInvalidArgument, "whole seconds");
  // Fields of other kinds of activity do not fit a call.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"subject", "Hi"}}))),
                            S::kInvalidArgument, "subject: a call has no subject");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"body", "text"}}))),
                            S::kInvalidArgument, "a call has no body");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"ticket_ids", "TKT-404"}}))),
                            S::kNotFound, "ticket_ids: there is no ticket TKT-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", call, {{"author_id", "u-ada"}}))),
                            S::kInvalidArgument, "activity has no field 'author_id'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Cmd(Update("activity", call, {{"notes", "x"}}))),
                            S::kPermissionDenied, "activity " + call + " belongs to u-alan");
}

TEST_CASE("updating a task, only while it is open", "[domain][update][task]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string company = MakeCompany(h, alan, "Acme");
  std::string task = MakeTask(h, alan);
  h.MustRun(alan, Cmd(Update("task", task, {{"title", "Call back Marie"}, {"priority", "URGENT"},
                                            {"company_ids", company}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TaskUpdated"});
  auto ch = ChangesIn<fb::TaskUpdated>(h.LastEvent());
  CHECK(Shown(ch["priority"].old_value) == "normal");
  CHECK(Shown(ch["priority"].new_value) == "urgent");
  const RecordState& t = h.Get("task", task);
  CHECK(t.Text("title") == "Call back Marie");
  CHECK(t.Text("priority") == "urgent");
  CHECK(t.List("company_ids") == std::vector<std::string>{company});

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("task", task, {{"priority", "asap"}}))),
                            S::kInvalidArgument, "priority: 'asap' is not one of low, normal, high, urgent");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("task", task, {}, {"priority"}))),
                            S::kInvalidArgument, "priority is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("task", task, {{"assignee_id", "u-ada"}}))),
                            S::kInvalidArgument, "task has no field 'assignee_id'");
  fb::CompleteTaskT done;
  done.task_id = task;
  h.MustRun(alan, Cmd(done));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("task", task, {{"title", "Too late"}}))),
                            S::kFailedPrecondition, "task " + task + " is done: reopen it before changing it");
}

TEST_CASE("updating a ticket, including its custom fields", "[domain][update][ticket]") {
  Harness h;
  auto alan = h.As("u-alan");
  DefineCustom(h, "ticket", "sla_hours", fb::FieldKind::Number);
  std::string marie = MakeContact(h, alan, "Marie");
  std::string pierre = MakeContact(h, alan, "Pierre");
  std::string ticket = MakeTicket(h, alan, marie);
  h.MustRun(alan, Cmd(Update("ticket", ticket, {{"subject", "Arm stuck at 90°"}, {"priority", "high"},
                                                {"contact_id", pierre}, {"custom.sla_hours", "24"},
                                                {"channel", "phone"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TicketUpdated"});
  auto ch = ChangesIn<fb::TicketUpdated>(h.LastEvent());
  CHECK(Shown(ch["contact_id"].old_value) == marie);
  CHECK(Shown(ch["contact_id"].new_value) == pierre);
  const RecordState& t = h.Get("ticket", ticket);
  CHECK(t.Text("subject") == "Arm stuck at 90°");
  CHECK(t.Text("priority") == "high");
  CHECK(t.Text("contact_id") == pierre);
  CHECK(t.Int("custom.sla_hours") == 24);
  CHECK(t.Text("channel") == "phone");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("ticket", ticket, {{"contact_id", "C-404"}}))),
                            S::kNotFound, "contact_id: there is no contact C-404");
  // A ticket keeps a contact or a company (who asked?).
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("ticket", ticket, {}, {"contact_id"}))),
                            S::kInvalidArgument, "a ticket needs a contact_id or a company_id");
  std::string company = MakeCompany(h, alan, "Radium");
  h.MustRun(alan, Cmd(Update("ticket", ticket, {{"company_id", company}}, {"contact_id"})));
  CHECK(h.Get("ticket", ticket).Text("contact_id").empty());
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("ticket", ticket, {}, {"subject"}))),
                            S::kInvalidArgument, "subject is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("ticket", ticket, {{"status", "closed"}}))),
                            S::kInvalidArgument, "ticket has no field 'status'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("ticket", ticket, {{"custom.sla_hours", "a day"}}))),
                            S::kInvalidArgument, "custom.sla_hours: 'a day' is not a number");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Cmd(Update("ticket", ticket, {{"channel", "web"}}))),
                            S::kPermissionDenied, "ticket " + ticket + " belongs to u-alan");
}
