// UpdateRecord on the admin's records: the workspace, users, teams, products, pipelines and
// custom field definitions.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

TEST_CASE("updating the workspace", "[domain][update][workspace]") {
  Harness h;
  // The workspace is "main" whether named or not.
  h.MustRun(h.admin(), Cmd(Update("workspace", "", {{"name", " Acme Robotics "}, {"time_zone", "Europe/Paris"}})));
  CHECK(h.last_id == "main");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"WorkspaceUpdated"});
  auto ch = ChangesIn<fb::WorkspaceUpdated>(h.LastEvent());
  CHECK(Shown(ch["name"].old_value) == "Acme");
  CHECK(Shown(ch["name"].new_value) == "Acme Robotics");
  CHECK(Shown(ch["time_zone"].old_value) == "Europe/Berlin");
  CHECK(Shown(ch["time_zone"].new_value) == "Europe/Paris");
  const RecordState& ws = h.Get("workspace", "main");
  CHECK(ws.Text("name") == "Acme Robotics");
  CHECK(ws.Text("time_zone") == "Europe/Paris");

  h.MustRun(h.admin(), Cmd(Update("workspace", "main", {{"home_currency", "CHF"}})));
  CHECK(h.Get("workspace", "main").Text("home_currency") == "CHF");
  CHECK(h.Get("workspace", "main").rates.home() == "CHF");
  CHECK(h.source().directory().home_currency() == "CHF");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("workspace", "", {{"home_currency", "Francs"}}))),
                            S::kInvalidArgument, "home_currency: 'Francs' is not an ISO 4217");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("workspace", "", {}, {"home_currency"}))),
                            S::kInvalidArgument, "home_currency is required and cannot be cleared");
  // The same time zone rule as `rapport init`.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("workspace", "", {{"time_zone", "Paris time"}}))),
                            S::kInvalidArgument, "time_zone: 'Paris time' is not an IANA time zone");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("workspace", "", {{"colour", "blue"}}))),
                            S::kInvalidArgument, "changeable: name, home_currency, time_zone");
}

TEST_CASE("updating a user", "[domain][update][user]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Update("user", "u-alan", {{"name", "Alan Turing"}, {"email", "Alan@acme.example"},
                                                     {"title", "Senior rep"}, {"territory", "north"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"UserUpdated"});
  CHECK(h.LastEvent().data_subject() == "u-alan");
  auto ch = ChangesIn<fb::UserUpdated>(h.LastEvent());
  CHECK(Shown(ch["name"].old_value) == "u-alan");
  CHECK(Shown(ch["name"].new_value) == "Alan Turing");
  CHECK(Shown(ch["email"].old_value) == "u-alan@acme.example");
  const RecordState& u = h.Get("user", "u-alan");
  CHECK(u.Text("name") == "Alan Turing");
  CHECK(u.Text("email") == "Alan@acme.example");
  CHECK(u.Text("title") == "Senior rep");
  CHECK(u.Text("territory") == "north");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("user", "u-ada", {{"email", "ALAN@acme.example"}}))),
                            S::kAlreadyExists, "email: user u-alan already has");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("user", "u-ada", {{"email", "ada"}}))),
                            S::kInvalidArgument, "email");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("user", "u-ada", {}, {"email"}))),
                            S::kInvalidArgument, "email is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("user", "u-ada", {{"role", "admin"}}))),
                            S::kInvalidArgument, "user has no field 'role' that can be changed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("user", "u-zed", {{"title", "x"}}))),
                            S::kNotFound, "record_id: there is no user u-zed");
  // A user may keep their own email in a different case.
  h.MustRun(h.admin(), Cmd(Update("user", "u-alan", {{"email", "alan@ACME.example"}})));
}

TEST_CASE("updating a team", "[domain][update][team]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Update("team", "t-north", {{"name", "North & East"}}, {"territory"})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TeamUpdated"});
  auto ch = ChangesIn<fb::TeamUpdated>(h.LastEvent());
  CHECK(Shown(ch["name"].old_value) == "North");
  CHECK(Shown(ch["territory"].old_value) == "north");
  CHECK(IsNull(ch["territory"].new_value));
  const RecordState& t = h.Get("team", "t-north");
  CHECK(t.Text("name") == "North & East");
  CHECK(t.Text("territory").empty());
  CHECK(t.members.size() == 2);  // members change through their own commands
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("team", "t-north", {{"manager_id", "u-admin"}}))),
                            StatusCode::kInvalidArgument, "changeable: name, territory");
}

TEST_CASE("updating a product", "[domain][update][product]") {
  Harness h;
  for (auto [id, code] : {std::pair{"p-arm", "ARM"}, {"p-grip", "GRIP"}}) {
    fb::CreateProductT p;
    p.product_id = id;
    p.name = id;
    p.code = code;
    p.list_price = Money(1000);
    h.MustRun(h.admin(), Cmd(std::move(p)));
  }
  h.MustRun(h.admin(), Cmd(Update("product", "p-arm", {{"name", "Robot arm"}, {"code", " ARM-2 "},
                                                      {"list_price", "1,250.50"},
                                                      {"description", "Six axes\nTwo metres"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ProductUpdated"});
  auto ch = ChangesIn<fb::ProductUpdated>(h.LastEvent());
  CHECK(Shown(ch["list_price"].old_value) == "10.00 EUR");
  CHECK(Shown(ch["list_price"].new_value) == "1250.50 EUR");  // the home currency by default
  const RecordState& p = h.Get("product", "p-arm");
  CHECK(p.Text("name") == "Robot arm");
  CHECK(p.Text("code") == "ARM-2");
  CHECK(p.Get("list_price").int_value == 125050);
  CHECK(p.Text("description") == "Six axes\nTwo metres");
  CHECK(h.source().directory().product_by_code("ARM-2") != nullptr);

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("product", "p-arm", {{"code", "GRIP"}}))),
                            S::kAlreadyExists, "code: product p-grip already has code GRIP");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("product", "p-arm", {{"list_price", "-5 EUR"}}))),
                            S::kInvalidArgument, "list_price");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("product", "p-arm", {{"list_price", "12.345 EUR"}}))),
                            S::kInvalidArgument, "list_price");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("product", "p-arm", {}, {"list_price"}))),
                            S::kInvalidArgument, "list_price is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("product", "p-arm", {}, {"code"}))),
                            S::kInvalidArgument, "code is required and cannot be cleared");
  // Keeping its own code is not a clash.
  REQUIRE(h.Run(h.admin(), Cmd(Update("product", "p-arm", {{"code", "ARM-2"}}))).ok());
}

TEST_CASE("updating a pipeline's name", "[domain][update][pipeline]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Update("pipeline", "pl-sales", {{"name", "New business"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineUpdated"});
  auto ch = ChangesIn<fb::PipelineUpdated>(h.LastEvent());
  CHECK(Shown(ch["name"].old_value) == "Sales");
  CHECK(Shown(ch["name"].new_value) == "New business");
  CHECK(h.Get("pipeline", "pl-sales").Text("name") == "New business");
  CHECK(h.Get("pipeline", "pl-sales").stages.size() == 3);
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("pipeline", "pl-sales", {{"stages", "a"}}))),
                            StatusCode::kInvalidArgument, "changeable: name");
}

TEST_CASE("updating a custom field's label and choices", "[domain][update][field]") {
  Harness h;
  fb::DefineFieldT f;
  f.record_type = "contact";
  f.key = "tier";
  f.label = "Tier";
  f.kind = fb::FieldKind::Choice;
  f.choices = {"gold", "silver"};
  h.MustRun(h.admin(), Cmd(f));
  fb::DefineFieldT g;
  g.record_type = "contact";
  g.key = "note";
  g.label = "Note";
  g.kind = fb::FieldKind::Text;
  h.MustRun(h.admin(), Cmd(g));

  h.MustRun(h.admin(), Cmd(Update("field", "contact.tier", {{"label", "Customer tier"},
                                                           {"choices", "gold, silver, bronze"}})));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"FieldUpdated"});
  const auto* e = h.LastEvent().payload_as<fb::FieldUpdated>();
  CHECK(e->record_type()->str() == "contact");
  CHECK(e->key()->str() == "tier");
  auto ch = ChangesIn<fb::FieldUpdated>(h.LastEvent());
  CHECK(Shown(ch["choices"].old_value) == "gold, silver");
  CHECK(Shown(ch["choices"].new_value) == "gold, silver, bronze");
  const RecordState& r = h.Get("field", "contact.tier");
  CHECK(r.Text("label") == "Customer tier");
  CHECK(r.List("choices") == std::vector<std::string>{"gold", "silver", "bronze"});
  // The new choice is usable right away.
  fb::CreateContactT c;
  c.first_name = "Marie";
  c.custom.push_back(Field("tier", TextValue("bronze")));
  h.MustRun(h.As("u-alan"), Cmd(std::move(c)));

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("field", "contact.note", {{"choices", "a, b"}}))),
                            S::kInvalidArgument, "choices: only choice fields have choices");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("field", "contact.tier", {}, {"label"}))),
                            S::kInvalidArgument, "label is required and cannot be cleared");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("field", "contact.tier", {{"kind", "text"}}))),
                            S::kInvalidArgument, "changeable: label, choices");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Update("field", "contact.nope", {{"label", "x"}}))),
                            S::kNotFound, "there is no field contact.nope");
}
