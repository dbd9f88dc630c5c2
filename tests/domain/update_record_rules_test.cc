// UpdateRecord's rules for every record type: field names, conversion from text, required
// fields, only real changes, conditional updates, and who may update what.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

TEST_CASE("an update records each changed field with its old and new value",
          "[domain][update]") {
  Harness h;
  auto alan = h.As("u-alan");
  fb::CreateContactT c;
  c.first_name = "Marie";
  c.title = "Researcher";
  c.phones = {"+33 1 23 45 67 89"};
  h.MustRun(alan, Cmd(std::move(c)));
  std::string id = h.last_id;
  // Title changes, first_name is given unchanged, tags convert from text, phones are cleared.
  h.MustRun(alan, Cmd(Update("contact", id, {{"title", " Director "}, {"first_name", "Marie"},
                                             {"tags", "nobel, physics"}},
                             {"phones"})));
  CHECK(h.last_id == id);
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactUpdated"});
  CHECK(h.LastEvent().data_subject() == id);
  auto ch = ChangesIn<fb::ContactUpdated>(h.LastEvent());
  CHECK(ch.size() == 3);
  CHECK(ch.count("first_name") == 0);
  CHECK(Shown(ch["title"].old_value) == "Researcher");
  CHECK(Shown(ch["title"].new_value) == "Director");
  CHECK(IsNull(ch["tags"].old_value));
  CHECK(ch["tags"].new_value.kind == ValueKind::List);
  CHECK(ch["tags"].new_value.list == std::vector<std::string>{"nobel", "physics"});
  CHECK(Shown(ch["phones"].old_value) == "+33 1 23 45 67 89");
  CHECK(IsNull(ch["phones"].new_value));
  const RecordState& r = h.Get("contact", id);
  CHECK(r.Text("title") == "Director");
  CHECK(r.List("tags") == std::vector<std::string>{"nobel", "physics"});
  CHECK(r.List("phones").empty());
  CHECK(r.version == 2);
}

TEST_CASE("a decided update that changes no value emits no event", "[domain][update]") {
  Harness h;
  std::string id = MakeContact(h, h.As("u-alan"), "Marie");
  uint64_t before = h.position();
  REQUIRE(h.Run(h.As("u-alan"), Cmd(Update("contact", id, {{"first_name", "Marie"}}, {"title"}))).ok());
  CHECK(h.position() == before);
  CHECK(h.Get("contact", id).version == 1);
}

TEST_CASE("an expected version makes the update conditional", "[domain][update]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string id = MakeContact(h, alan, "Marie");
  fb::UpdateRecordT u = Update("contact", id, {{"title", "CTO"}});
  u.expected_version = 5;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(u)), StatusCode::kConflict,
                            "contact " + id + " is at version 1, you expected 5: reload it and retry");
  u.expected_version = 1;
  auto d = h.Decide(alan, Cmd(u));
  REQUIRE(d.ok());
  CHECK(d->explicit_version);
  REQUIRE(d->writes.size() == 1);
  CHECK(d->writes[0].expected.kind() == events::ExpectedVersion::Kind::kExact);
  CHECK(d->writes[0].expected.version() == 1);
  h.MustRun(alan, Cmd(u));
  CHECK(h.Get("contact", id).Text("title") == "CTO");
  // The same conditional update again: the record moved on.
  u.set.clear();
  u.set.push_back(Field("title", TextValue("CEO")));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(u)), StatusCode::kConflict, "is at version 2");
  // Without one, the update expects the version it decided on.
  auto plain = h.Decide(alan, Cmd(Update("contact", id, {{"title", "CEO"}})));
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->explicit_version);
  CHECK(plain->writes[0].expected.version() == 2);
}

TEST_CASE("update refusals name the record type, record or field", "[domain][update]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string contact = MakeContact(h, alan, "Marie", "marie@radium.example");
  std::string company = MakeCompany(h, alan, "Radium");
  std::string task = MakeTask(h, alan);
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("invoice", "I-1", {{"x", "y"}}))),
                            S::kInvalidArgument, "record_type: 'invoice' cannot be updated");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", "C-404", {{"title", "x"}}))),
                            S::kNotFound, "record_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", "", {{"title", "x"}}))),
                            S::kInvalidArgument, "record_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {}))),
                            S::kInvalidArgument, "nothing to change: give fields to set or unset");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"title", "x"}}, {"title"}))),
                            S::kInvalidArgument, "title is given twice");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"nickname", "Mimi"}}))),
                            S::kInvalidArgument,
                            "nickname: contact has no field 'nickname' that can be changed; changeable: "
                            "first_name, last_name, emails, phones, title, company_id, owner_id, source, "
                            "tags, custom.<key>");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"lifecycle", "lead"}}))),
                            S::kInvalidArgument, "contact has no field 'lifecycle' that can be changed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", company, {}, {"name"}))),
                            S::kInvalidArgument, "name is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", company, {{"name", "  "}}))),
                            S::kInvalidArgument, "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("company", company, {{"employees", "many"}}))),
                            S::kInvalidArgument, "employees: 'many' is not a number");
  fb::UpdateRecordT typed = Update("contact", contact, {});
  typed.set.push_back(Field("title", BoolValue(true)));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(std::move(typed))), S::kInvalidArgument,
                            "title takes a text, not a bool");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("task", task, {{"custom.x", "1"}}))),
                            S::kInvalidArgument, "custom.x: task has no custom fields");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {{"custom.x", "1"}}))),
                            S::kNotFound, "custom.x: contact has no custom field 'x'");
  // A contact keeps a name or an email.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Cmd(Update("contact", contact, {}, {"first_name", "emails"}))),
                            S::kInvalidArgument, "a contact needs a first_name, a last_name or an email");
  h.MustRun(alan, Cmd(Update("contact", contact, {}, {"first_name"})));  // the email is enough
}

TEST_CASE("who may update what", "[domain][update][permissions]") {
  Harness h;
  AddSouthTeam(h);
  std::string contact = MakeContact(h, h.As("u-alan"), "Marie");
  auto set_title = [&](const std::string& who, const std::string& title) {
    return h.Run(h.As(who), Cmd(Update("contact", contact, {{"title", title}})));
  };
  using S = StatusCode;
  CHECK(set_title("u-alan", "a").ok());   // the owner
  CHECK(set_title("u-grace", "b").ok());  // the owner's manager
  CHECK(set_title("u-admin", "c").ok());
  REQUIRE_REFUSED_UNCHANGED(h, set_title("u-ada", "d"), S::kPermissionDenied,
                            "contact " + contact + " belongs to u-alan; user u-ada may only change "
                            "records they own or are assigned");
  REQUIRE_REFUSED_UNCHANGED(h, set_title("u-mia", "d"), S::kPermissionDenied,
                            "user u-mia does not manage a team they are in");
  REQUIRE_REFUSED_UNCHANGED(h, set_title("u-ann", "d"), S::kPermissionDenied, "analyst");
  CHECK(h.Get("contact", contact).Text("title") == "c");

  // Records nobody owns may be changed by anyone who writes.
  std::string nobodys = MakeContact(h, Actor::System(), "Pierre");
  CHECK(h.Get("contact", nobodys).Text("owner_id").empty());
  h.MustRun(h.As("u-bob"), Cmd(Update("contact", nobodys, {{"title", "Physicist"}})));

  // Users, teams, products, pipelines, fields and the workspace: admins only.
  fb::DefineFieldT f;
  f.record_type = "contact";
  f.key = "segment";
  f.label = "Segment";
  h.MustRun(h.admin(), Cmd(f));
  fb::CreateProductT p;
  p.product_id = "p-1";
  p.name = "Arm";
  p.code = "ARM";
  p.list_price = Money(100);
  h.MustRun(h.admin(), Cmd(p));
  for (auto [type, id, field] : {std::tuple{"user", "u-alan", "title"}, {"team", "t-north", "name"},
                                 {"product", "p-1", "name"}, {"pipeline", "pl-sales", "name"},
                                 {"field", "contact.segment", "label"}, {"workspace", "main", "name"}}) {
    INFO(type);
    for (const char* who : {"u-grace", "u-alan"}) {
      INFO(who);
      REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As(who), Cmd(Update(type, id, {{field, "New"}}))),
                                S::kPermissionDenied, std::string("only admins may change ") + type + "s");
    }
    REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Cmd(Update(type, id, {{field, "New"}}))),
                              S::kPermissionDenied, "analyst");
    REQUIRE(h.Decide(h.admin(), Cmd(Update(type, id, {{field, "New"}}))).ok());
  }
}
