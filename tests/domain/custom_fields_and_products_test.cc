// Custom field definitions (define, retire) and products (create, retire): admin only.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::DefineFieldT Segment() {
  fb::DefineFieldT f;
  f.record_type = "deal";
  f.key = "segment";
  f.label = " Segment ";
  f.kind = fb::FieldKind::Choice;
  f.choices = {"smb", "mid market", "enterprise"};
  return f;
}

fb::CommandT Retire(const std::string& type, const std::string& key) {
  fb::RetireFieldT r;
  r.record_type = type;
  r.key = key;
  return Cmd(std::move(r));
}

fb::CreateProductT Gripper() {
  fb::CreateProductT p;
  p.product_id = "p-grip";
  p.name = " Gripper ";
  p.code = " GRP-1 ";
  p.list_price = Money(49900);
  p.description = "A two-finger gripper.\nFits every arm.";
  return p;
}

fb::CommandT RetireProduct(const std::string& id) {
  fb::RetireProductT r;
  r.product_id = id;
  return Cmd(std::move(r));
}

}  // namespace

TEST_CASE("an admin defines a custom field that records then accept", "[domain][field]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Segment()));
  CHECK(h.last_id == "deal.segment");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"FieldDefined"});
  const RecordState& f = h.Get("field", "deal.segment");
  CHECK(f.Text("record_type") == "deal");
  CHECK(f.Text("key") == "segment");
  CHECK(f.Text("label") == "Segment");
  CHECK(f.Text("kind") == "choice");
  CHECK(f.List("choices") == std::vector<std::string>{"smb", "mid market", "enterprise"});
  CHECK(h.source().directory().field("deal", "segment") != nullptr);

  fb::OpenDealT d;
  d.name = "Robots";
  d.pipeline_id = "pl-sales";
  d.custom.push_back(Field("custom.segment", TextValue("mid market")));
  h.MustRun(h.As("u-alan"), Cmd(std::move(d)));
  CHECK(h.Get("deal", h.last_id).Text("custom.segment") == "mid market");

  // Every kind.
  for (auto [key, kind] : {std::pair{"notes", fb::FieldKind::Text}, {"score", fb::FieldKind::Number},
                           {"budget", fb::FieldKind::Money}, {"since", fb::FieldKind::Date},
                           {"vip", fb::FieldKind::Bool}}) {
    fb::DefineFieldT x;
    x.record_type = "company";
    x.key = key;
    x.label = key;
    x.kind = kind;
    h.MustRun(h.admin(), Cmd(std::move(x)));
  }
  fb::CreateCompanyT c;
  c.name = "Acme";
  c.custom.push_back(Field("notes", TextValue("big")));
  c.custom.push_back(Field("score", TextValue("12.5")));
  c.custom.push_back(Field("budget", TextValue("1200.50 USD")));
  c.custom.push_back(Field("since", TextValue("2019-04-01")));
  c.custom.push_back(Field("vip", TextValue("yes")));
  h.MustRun(h.As("u-alan"), Cmd(std::move(c)));
  const RecordState& co = h.Get("company", h.last_id);
  CHECK(co.Get("custom.score").kind == ValueKind::Number);
  CHECK(Shown(co.Get("custom.score")) == "12.5");
  CHECK(co.Get("custom.budget").kind == ValueKind::Money);
  CHECK(Shown(co.Get("custom.budget")) == "1200.50 USD");
  CHECK(Shown(co.Get("custom.since")) == "2019-04-01");
  CHECK(co.Get("custom.vip").kind == ValueKind::Bool);
  CHECK(co.Int("custom.vip") == 1);
  CHECK(co.Text("custom.notes") == "big");
}

TEST_CASE("custom field definition refusals", "[domain][field]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Segment()));
  auto with = [&](auto spoil) {
    fb::DefineFieldT f = Segment();
    f.key = "tier";
    spoil(f);
    return h.Run(h.admin(), Cmd(std::move(f)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(Segment())), S::kPermissionDenied,
                            "only admins may change custom fields");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.record_type = "task"; }), S::kInvalidArgument,
                            "record_type: custom fields exist for contact, company, deal and ticket");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.key = "Tier"; }), S::kInvalidArgument,
                            "key: 'Tier' must be 1 to 40 lower-case letters, digits or _");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.key = ""; }), S::kInvalidArgument, "key: ''");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.key = std::string(41, 'k'); }),
                            S::kInvalidArgument, "must be 1 to 40");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.key = "segment"; }), S::kAlreadyExists,
                            "custom field deal.segment already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.label = " "; }), S::kInvalidArgument,
                            "label is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.kind = fb::FieldKind::Text; }),
                            S::kInvalidArgument, "choices: only choice fields have choices");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.choices.clear(); }), S::kInvalidArgument,
                            "choices: a choice field needs choices");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.choices = {"a", "b", "a"}; }),
                            S::kInvalidArgument, "choices: 'a' is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& f) { f.choices = {"a,b"}; }), S::kInvalidArgument,
                            "may not contain a comma");
  CHECK_FALSE(h.Exists("field", "deal.tier"));
  // The same key on another record type is another field.
  fb::DefineFieldT other = Segment();
  other.record_type = "ticket";
  h.MustRun(h.admin(), Cmd(std::move(other)));
  CHECK(h.last_id == "ticket.segment");
}

TEST_CASE("a retired custom field takes no new values and its key stays taken",
          "[domain][field]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Segment()));
  fb::OpenDealT d;
  d.name = "Robots";
  d.pipeline_id = "pl-sales";
  d.custom.push_back(Field("segment", TextValue("smb")));
  h.MustRun(h.As("u-alan"), Cmd(d));
  std::string deal = h.last_id;

  h.MustRun(h.admin(), Retire("deal", "segment"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"FieldRetired"});
  CHECK(h.Get("field", "deal.segment").Int("retired") == 1);
  // Existing values stay in the records' history.
  CHECK(h.Get("deal", deal).Text("custom.segment") == "smb");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(d)), S::kFailedPrecondition,
                            "custom.segment: the custom field was retired");
  REQUIRE_REFUSED_UNCHANGED(
      h, h.Run(h.As("u-alan"), Cmd(Update("deal", deal, {{"custom.segment", "enterprise"}}))),
      S::kFailedPrecondition, "custom.segment: the custom field was retired");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(Segment())), S::kAlreadyExists,
                            "(retired): choose another key");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Retire("deal", "segment")), S::kFailedPrecondition,
                            "custom field deal.segment is already retired");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Retire("deal", "nope")), S::kNotFound,
                            "key: there is no field deal.nope");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Retire("deal", "segment")),
                            S::kPermissionDenied, "only admins may change custom fields");
}

TEST_CASE("an admin creates a product with a unique code", "[domain][product]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Gripper()));
  CHECK(h.last_id == "p-grip");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ProductCreated"});
  const RecordState& p = h.Get("product", "p-grip");
  CHECK(p.Text("name") == "Gripper");
  CHECK(p.Text("code") == "GRP-1");
  CHECK(Shown(p.Get("list_price")) == "499.00 EUR");
  CHECK(p.Text("description") == "A two-finger gripper.\nFits every arm.");
  CHECK(h.source().directory().product_by_code("GRP-1") != nullptr);

  fb::CreateProductT q = Gripper();
  q.product_id.clear();
  q.code = "GRP-2";
  q.list_price = Money(0, "JPY");
  h.MustRun(h.admin(), Cmd(std::move(q)));
  CHECK(h.last_id == "P-1");
}

TEST_CASE("product creation refusals", "[domain][product]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Gripper()));
  auto with = [&](auto spoil) {
    fb::CreateProductT p = Gripper();
    p.product_id = "p-arm";
    p.code = "ARM-1";
    spoil(p);
    return h.Run(h.admin(), Cmd(std::move(p)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(Gripper())), S::kPermissionDenied,
                            "only admins may change products");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(Gripper())), S::kPermissionDenied,
                            "only admins may change products");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.product_id = "p-grip"; }), S::kAlreadyExists,
                            "product p-grip already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.name = ""; }), S::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.code = " "; }), S::kInvalidArgument,
                            "code is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.code = std::string(65, 'c'); }),
                            S::kInvalidArgument, "code is 65 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.code = "GRP-1 "; }), S::kAlreadyExists,
                            "code: product p-grip already has code");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.list_price.reset(); }), S::kInvalidArgument,
                            "list_price is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.list_price = Money(-1); }),
                            S::kInvalidArgument, "list_price may not be negative");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.list_price = Money(1, "eur"); }),
                            S::kInvalidArgument, "list_price currency");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.description = std::string(2001, 'd'); }),
                            S::kInvalidArgument, "description is 2001 bytes");
  CHECK_FALSE(h.Exists("product", "p-arm"));
}

TEST_CASE("a retired product cannot go on new deal lines", "[domain][product]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Gripper()));
  h.MustRun(h.admin(), RetireProduct("p-grip"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ProductRetired"});
  CHECK(h.Get("product", "p-grip").Int("retired") == 1);

  fb::OpenDealT d;
  d.name = "Grippers";
  d.pipeline_id = "pl-sales";
  auto line = std::make_unique<fb::DealLineT>();
  line->product_id = "p-grip";
  line->quantity = 2;
  line->unit_price = Money(49900);
  d.lines.push_back(std::move(line));
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(std::move(d))), S::kFailedPrecondition,
                            "lines[0]: product p-grip is retired");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), RetireProduct("p-grip")), S::kFailedPrecondition,
                            "product p-grip is already retired");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), RetireProduct("p-none")), S::kNotFound,
                            "product_id: there is no product p-none");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), RetireProduct("p-grip")),
                            S::kPermissionDenied, "only admins may change products");
}
