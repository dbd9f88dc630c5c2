// Companies, merges of duplicate contacts and companies (both histories kept), and deletes.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::CreateCompanyT Acme() {
  fb::CreateCompanyT c;
  c.name = " Acme Robotics ";
  c.domain = "https://www.Acme-Robotics.example/about";
  c.industry = "Manufacturing";
  c.employees = 250;
  c.annual_revenue = Money(5'000'000'00, "USD");
  c.city = "Lyon";
  c.country = "FR";
  c.region = "south";
  c.tags = {"key account", "robots"};
  c.source = "referral";
  return c;
}

void DefineSegment(Harness& h, const std::string& record_type) {
  fb::DefineFieldT f;
  f.record_type = record_type;
  f.key = "segment";
  f.label = "Segment";
  f.kind = fb::FieldKind::Choice;
  f.choices = {"smb", "enterprise"};
  h.MustRun(h.admin(), Cmd(std::move(f)));
}

fb::CommandT Merge(const std::string& type, const std::string& survivor, const std::string& merged) {
  fb::MergeRecordsT m;
  m.record_type = type;
  m.survivor_id = survivor;
  m.merged_id = merged;
  return Cmd(std::move(m));
}

fb::CommandT Delete(const std::string& type, const std::string& id, const std::string& reason = "") {
  fb::DeleteRecordT d;
  d.record_type = type;
  d.record_id = id;
  d.reason = reason;
  return Cmd(std::move(d));
}

fb::CommandT Lifecycle(const std::string& contact, fb::Lifecycle stage) {
  fb::ChangeLifecycleT c;
  c.contact_id = contact;
  c.stage = stage;
  return Cmd(std::move(c));
}

}  // namespace

TEST_CASE("a rep creates a company with every field, normalised", "[domain][company]") {
  Harness h;
  DefineSegment(h, "company");
  std::string parent = MakeCompany(h, h.As("u-alan"), "Acme Holding");
  fb::CreateCompanyT c = Acme();
  c.parent_company_id = parent;
  c.custom.push_back(Field("segment", TextValue("enterprise")));
  h.MustRun(h.As("u-alan"), Cmd(std::move(c)));
  CHECK(h.last_id == "CO-2");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"CompanyCreated"});
  const RecordState& co = h.Get("company", "CO-2");
  CHECK(co.Text("name") == "Acme Robotics");
  CHECK(co.Text("domain") == "acme-robotics.example");
  CHECK(co.Text("industry") == "Manufacturing");
  CHECK(co.Int("employees") == 250);
  CHECK(Shown(co.Get("annual_revenue")) == "5000000.00 USD");
  CHECK(co.Text("city") == "Lyon");
  CHECK(co.Text("country") == "FR");
  CHECK(co.Text("region") == "south");
  CHECK(co.Text("parent_company_id") == parent);
  CHECK(co.Text("owner_id") == "u-alan");
  CHECK(co.List("tags") == std::vector<std::string>{"key account", "robots"});
  CHECK(co.Text("source") == "referral");
  CHECK(co.Get("custom.segment").kind == ValueKind::Choice);
  CHECK(co.Text("custom.segment") == "enterprise");
  CHECK(co.created_by == "u-alan");
}

TEST_CASE("company creation refusals name the field", "[domain][company]") {
  Harness h;
  DefineSegment(h, "company");
  std::string gone = MakeCompany(h, h.As("u-alan"), "Gone Inc");
  h.MustRun(h.As("u-alan"), Delete("company", gone));
  h.MustRun(h.admin(), [] {
    fb::DeactivateUserT d;
    d.user_id = "u-bob";
    return Cmd(std::move(d));
  }());
  auto with = [&](auto spoil) {
    fb::CreateCompanyT c = Acme();
    spoil(c);
    return h.Run(h.As("u-alan"), Cmd(std::move(c)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& c) { c.company_id = gone; }), S::kAlreadyExists,
                            "company " + gone + " already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.company_id = "a/b"; }), S::kInvalidArgument,
                            "company id 'a/b' may only hold");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.name = ""; }), S::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.domain = "localhost"; }), S::kInvalidArgument,
                            "domain: 'localhost' is not a web domain");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.industry = std::string(101, 'i'); }),
                            S::kInvalidArgument, "industry is 101 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.employees = -1; }), S::kInvalidArgument,
                            "employees may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.annual_revenue = Money(-1); }),
                            S::kInvalidArgument, "annual_revenue may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.annual_revenue = Money(1, "DOLLARS"); }),
                            S::kInvalidArgument, "annual_revenue currency");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.city = "Ly\non"; }), S::kInvalidArgument,
                            "city contains a control character");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.parent_company_id = "CO-404"; }),
                            S::kNotFound, "parent_company_id: there is no company CO-404");
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& c) { c.parent_company_id = gone; }),
                            S::kFailedPrecondition, "company " + gone + " was deleted");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.owner_id = "u-ada"; }), S::kPermissionDenied,
                            "owner_id: user u-alan may not give records to u-ada");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.owner_id = "u-zed"; }), S::kNotFound,
                            "owner_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.owner_id = "u-bob"; }),
                            S::kFailedPrecondition, "owner_id: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.tags = {"vip", "VIP"}; }), S::kInvalidArgument,
                            "tags: tag 'VIP' is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.tags = {"a,b"}; }), S::kInvalidArgument,
                            "may not contain a comma");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("tier", TextValue("1"))); }),
                            S::kNotFound, "custom.tier: company has no custom field 'tier'");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("segment", TextValue("huge"))); }),
                            S::kInvalidArgument, "custom.segment: 'huge' is not one of: smb, enterprise");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("segment", BoolValue(true))); }),
                            S::kInvalidArgument, "custom.segment takes a choice, not a bool");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) {
                              c.custom.push_back(Field("segment", TextValue("smb")));
                              c.custom.push_back(Field("custom.segment", TextValue("smb")));
                            }),
                            S::kInvalidArgument, "custom.segment is given twice");
}

TEST_CASE("merging duplicate contacts: the survivor fills blanks and unites lists",
          "[domain][merge]") {
  Harness h;
  auto alan = h.As("u-alan");
  fb::CreateContactT a;
  a.first_name = "Marie";
  a.last_name = "Curie";
  a.emails = {"marie@radium.example"};
  a.tags = {"physics"};
  h.MustRun(alan, Cmd(a));
  std::string survivor = h.last_id;
  fb::CreateContactT b;
  b.first_name = "Maria";
  b.emails = {" MARIE@Radium.example", "m.sklodowska@sorbonne.example"};
  b.phones = {"+33 1 23 45 67 89"};
  b.title = "Professor";
  b.tags = {"chemistry", "physics"};
  b.email_opt_out = true;
  b.lifecycle = fb::Lifecycle::Lead;
  h.MustRun(alan, Cmd(b));
  std::string merged = h.last_id;

  h.MustRun(alan, Merge("contact", survivor, merged));
  CHECK(h.last_id == survivor);
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactMerged", "ContactMergedInto"});
  CHECK(h.LastEvent(0).stream_id() == survivor);
  CHECK(h.LastEvent(1).stream_id() == merged);
  CHECK(h.LastEvent(0).data_subject() == survivor);
  CHECK(h.LastEvent(1).data_subject() == merged);
  CHECK(h.LastEvent(0).payload_as<fb::ContactMerged>()->merged_id()->str() == merged);
  CHECK(h.LastEvent(1).payload_as<fb::ContactMergedInto>()->survivor_id()->str() == survivor);

  auto changes = ChangesIn<fb::ContactMerged>(h.LastEvent(0));
  CHECK(changes.count("first_name") == 0);  // the survivor keeps its values
  CHECK(IsNull(changes["title"].old_value));
  CHECK(Shown(changes["title"].new_value) == "Professor");
  CHECK(Shown(changes["emails"].old_value) == "marie@radium.example");
  CHECK(Shown(changes["emails"].new_value) ==
        "marie@radium.example, m.sklodowska@sorbonne.example");

  const RecordState& s = h.Get("contact", survivor);
  CHECK(s.live());
  CHECK(s.Text("first_name") == "Marie");
  CHECK(s.Text("last_name") == "Curie");
  CHECK(s.Text("title") == "Professor");
  CHECK(s.List("emails") ==
        std::vector<std::string>{"marie@radium.example", "m.sklodowska@sorbonne.example"});
  CHECK(s.List("phones") == std::vector<std::string>{"+33 1 23 45 67 89"});
  CHECK(s.List("tags") == std::vector<std::string>{"physics", "chemistry"});
  CHECK(s.Int("email_opt_out") == 1);  // an opt-out on either is kept
  CHECK(s.Text("lifecycle") == "lead");
  CHECK(s.List("merged_ids") == std::vector<std::string>{merged});

  // Both histories stay: the merged record keeps its own events and values.
  const RecordState& m = h.Get("contact", merged);
  CHECK_FALSE(m.live());
  CHECK(m.merged_into == survivor);
  CHECK(m.version == 2);
  CHECK(s.version == 2);
  CHECK(m.Text("first_name") == "Maria");
  CHECK(m.Text("title") == "Professor");
}

TEST_CASE("a merged contact refuses writes, naming the survivor", "[domain][merge]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string survivor = MakeContact(h, alan, "Marie", "marie@radium.example");
  std::string merged = MakeContact(h, alan, "Marie", "curie@radium.example");
  h.MustRun(alan, Merge("contact", survivor, merged));
  const std::string names = "contact " + merged + " was merged into " + survivor + ": use " +
                            survivor + " instead";
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle(merged, fb::Lifecycle::Lead)),
                            StatusCode::kFailedPrecondition, names);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", merged, {{"title", "CTO"}}))),
                            StatusCode::kFailedPrecondition, names);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Delete("contact", merged)),
                            StatusCode::kFailedPrecondition, names);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", survivor, merged)),
                            StatusCode::kFailedPrecondition, names);
  // Nor can new records point at it.
  fb::LogNoteT n;
  n.body = "hello";
  n.links = ContactLinks({merged});
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(std::move(n))), StatusCode::kFailedPrecondition,
                            names);
  // The survivor takes writes as usual.
  h.MustRun(alan, Lifecycle(survivor, fb::Lifecycle::Lead));
}

TEST_CASE("merging duplicate companies", "[domain][merge]") {
  Harness h;
  auto alan = h.As("u-alan");
  fb::CreateCompanyT a;
  a.name = "Acme";
  a.tags = {"robots"};
  a.employees = 10;
  h.MustRun(alan, Cmd(a));
  std::string survivor = h.last_id;
  fb::CreateCompanyT b = Acme();
  h.MustRun(alan, Cmd(b));
  std::string merged = h.last_id;
  // A contact at the merged company stays there (its history is kept).
  fb::CreateContactT c;
  c.first_name = "Wile";
  c.company_id = merged;
  h.MustRun(alan, Cmd(c));
  std::string contact = h.last_id;

  h.MustRun(alan, Merge("company", survivor, merged));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"CompanyMerged", "CompanyMergedInto"});
  const RecordState& s = h.Get("company", survivor);
  CHECK(s.Text("name") == "Acme");
  CHECK(s.Int("employees") == 10);
  CHECK(s.Text("domain") == "acme-robotics.example");
  CHECK(s.Text("industry") == "Manufacturing");
  CHECK(s.Text("city") == "Lyon");
  CHECK(s.List("tags") == std::vector<std::string>{"robots", "key account"});
  CHECK(s.List("merged_ids") == std::vector<std::string>{merged});
  CHECK(h.Get("company", merged).merged_into == survivor);
  CHECK(h.Get("contact", contact).Text("company_id") == merged);

  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", merged, {{"city", "Paris"}}))),
                            StatusCode::kFailedPrecondition,
                            "company " + merged + " was merged into " + survivor);
  fb::CreateContactT d;
  d.first_name = "Road";
  d.company_id = merged;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(d)), StatusCode::kFailedPrecondition,
                            "use " + survivor + " instead");
}

TEST_CASE("merging a subsidiary into its parent never makes a company its own parent",
          "[domain][merge]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string parent = MakeCompany(h, alan, "Acme Holding");
  fb::CreateCompanyT child;
  child.name = "Acme Holding (dup)";
  child.parent_company_id = parent;
  h.MustRun(alan, Cmd(child));
  std::string dup = h.last_id;
  h.MustRun(alan, Merge("company", parent, dup));
  CHECK(h.Get("company", parent).Text("parent_company_id").empty());

  // The other way round: the survivor's parent was the merged record.
  std::string top = MakeCompany(h, alan, "Top");
  fb::CreateCompanyT mid;
  mid.name = "Mid";
  mid.parent_company_id = top;
  h.MustRun(alan, Cmd(mid));
  std::string middle = h.last_id;
  fb::CreateCompanyT low;
  low.name = "Low";
  low.parent_company_id = middle;
  h.MustRun(alan, Cmd(low));
  std::string bottom = h.last_id;
  h.MustRun(alan, Merge("company", bottom, middle));
  // Bottom's parent was Mid, now folded into Bottom itself: Bottom takes Mid's parent.
  CHECK(h.Get("company", bottom).Text("parent_company_id") == top);

  // The merged record is the survivor's grandparent: keeping the parent would loop back.
  std::string grand = MakeCompany(h, alan, "Grand");
  fb::CreateCompanyT p;
  p.name = "Parent";
  p.parent_company_id = grand;
  h.MustRun(alan, Cmd(p));
  std::string parent2 = h.last_id;
  fb::CreateCompanyT k;
  k.name = "Kid";
  k.parent_company_id = parent2;
  h.MustRun(alan, Cmd(k));
  std::string kid = h.last_id;
  h.MustRun(alan, Merge("company", kid, grand));
  auto changes = ChangesIn<fb::CompanyMerged>(h.LastEvent(0));
  CHECK(Shown(changes["parent_company_id"].old_value) == parent2);
  CHECK(IsNull(changes["parent_company_id"].new_value));
  CHECK(h.Get("company", kid).Text("parent_company_id").empty());
}

TEST_CASE("merge refusals", "[domain][merge]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string mine = MakeContact(h, alan, "Marie");
  std::string mine2 = MakeContact(h, alan, "Marie");
  std::string adas = MakeContact(h, h.As("u-ada"), "Marie");
  std::string gone = MakeContact(h, alan, "Pierre");
  h.MustRun(alan, Delete("contact", gone));
  using S = StatusCode;
  std::string deal = MakeDeal(h, alan);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("deal", deal, deal)), S::kInvalidArgument,
                            "record_type: only contacts and companies can be merged");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", mine, mine)), S::kInvalidArgument,
                            "merged_id: a record cannot be merged into itself");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", "C-404", mine)), S::kNotFound,
                            "survivor_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", mine, "C-404")), S::kNotFound,
                            "merged_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", mine, gone)), S::kFailedPrecondition,
                            "contact " + gone + " was deleted");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("company", mine, mine2)), S::kNotFound,
                            "survivor_id: there is no company " + mine);
  // Both records must be the actor's to change.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", mine, adas)), S::kPermissionDenied,
                            "belongs to u-ada");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Merge("contact", adas, mine)), S::kPermissionDenied,
                            "belongs to u-ada");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Merge("contact", mine, mine2)),
                            S::kPermissionDenied, "analyst");
  // Their manager may.
  h.MustRun(h.As("u-grace"), Merge("contact", mine, adas));
}

TEST_CASE("deleting contacts, companies and activities", "[domain][delete]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string company = MakeCompany(h, alan, "Acme");
  std::string note = MakeNote(h, alan, contact);

  h.MustRun(alan, Delete("activity", note, "logged on the wrong contact"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ActivityDeleted"});
  CHECK(h.LastEvent().payload_as<fb::ActivityDeleted>()->reason()->str() ==
        "logged on the wrong contact");
  CHECK(h.Get("activity", note).deleted);

  h.MustRun(alan, Delete("contact", contact, "gdpr request"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactDeleted"});
  CHECK(h.LastEvent().data_subject() == contact);
  CHECK(h.Get("contact", contact).deleted);
  CHECK_FALSE(h.Get("contact", contact).live());

  h.MustRun(alan, Delete("company", company));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"CompanyDeleted"});
  CHECK(h.Get("company", company).deleted);

  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle(contact, fb::Lifecycle::Lead)),
                            StatusCode::kFailedPrecondition, "contact " + contact + " was deleted");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Delete("contact", contact)),
                            StatusCode::kFailedPrecondition, "was deleted");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("activity", note, {{"body", "x"}}))),
                            StatusCode::kFailedPrecondition, "activity " + note + " was deleted");
  fb::OpenTicketT t;
  t.subject = "Help";
  t.company_id = company;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(t)), StatusCode::kFailedPrecondition,
                            "company " + company + " was deleted");
}

TEST_CASE("delete refusals", "[domain][delete]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie");
  std::string note = MakeNote(h, alan, contact);
  std::string deal = MakeDeal(h, alan);
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Delete("deal", deal)), S::kInvalidArgument,
                            "close deals (win or lose), cancel tasks and close tickets instead");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Delete("contact", "C-404")), S::kNotFound,
                            "record_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Delete("contact", "")), S::kInvalidArgument,
                            "record_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Delete("contact", contact)),
                            S::kPermissionDenied, "contact " + contact + " belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Delete("activity", note)),
                            S::kPermissionDenied, "activity " + note + " belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Delete("contact", contact, std::string(501, 'r'))),
                            S::kInvalidArgument, "reason is 501 bytes");
  CHECK(h.Get("contact", contact).live());
}
