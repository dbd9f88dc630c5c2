// Contacts beyond the basics of contacts_test.cc: every creation field, ownership on
// creation, lifecycle stage changes and consent (opt-out) per channel.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::CommandT Lifecycle(const std::string& contact, fb::Lifecycle stage, const std::string& reason = "") {
  fb::ChangeLifecycleT c;
  c.contact_id = contact;
  c.stage = stage;
  c.reason = reason;
  return Cmd(std::move(c));
}

fb::CommandT Consent(const std::string& contact, fb::ConsentChannel channel, bool opted_out,
                     const std::string& source = "") {
  fb::SetConsentT c;
  c.contact_id = contact;
  c.channel = channel;
  c.opted_out = opted_out;
  c.source = source;
  return Cmd(std::move(c));
}

}  // namespace

TEST_CASE("a contact keeps every field it is created with", "[domain][contact]") {
  Harness h;
  fb::DefineFieldT f;
  f.record_type = "contact";
  f.key = "birthday";
  f.label = "Birthday";
  f.kind = fb::FieldKind::Date;
  h.MustRun(h.admin(), Cmd(std::move(f)));
  std::string company = MakeCompany(h, h.As("u-alan"), "Radium Institute");

  fb::CreateContactT c;
  c.contact_id = "marie-curie";
  c.first_name = " Marie ";
  c.last_name = "Curie";
  c.emails = {" marie@radium.example "};
  c.phones = {"+33 1 23 45 67 89"};
  c.title = "Director";
  c.company_id = company;
  c.source = "referral";
  c.lifecycle = fb::Lifecycle::MarketingQualified;
  c.tags = {"nobel"};
  c.custom.push_back(Field("birthday", TextValue("1867-11-07")));
  c.email_opt_out = true;
  h.MustRun(h.As("u-alan"), Cmd(std::move(c)));
  CHECK(h.last_id == "marie-curie");
  const RecordState& r = h.Get("contact", "marie-curie");
  CHECK(r.Text("first_name") == "Marie");
  CHECK(r.Text("last_name") == "Curie");
  CHECK(r.List("emails") == std::vector<std::string>{"marie@radium.example"});
  CHECK(r.List("phones") == std::vector<std::string>{"+33 1 23 45 67 89"});
  CHECK(r.Text("title") == "Director");
  CHECK(r.Text("company_id") == company);
  CHECK(r.Text("owner_id") == "u-alan");
  CHECK(r.Text("source") == "referral");
  CHECK(r.Text("lifecycle") == "marketing_qualified");
  CHECK(r.List("tags") == std::vector<std::string>{"nobel"});
  CHECK(r.Get("custom.birthday").kind == ValueKind::Date);
  CHECK(Shown(r.Get("custom.birthday")) == "1867-11-07");
  CHECK(r.Int("custom.birthday") == DaysFromCivil(1867, 11, 7));  // dates before 1970 too
  CHECK(r.Int("email_opt_out") == 1);
  CHECK(r.Int("phone_opt_out") == 0);
  // An email alone is enough.
  fb::CreateContactT only_email;
  only_email.emails = {"anon@example.com"};
  h.MustRun(h.As("u-alan"), Cmd(std::move(only_email)));
}

TEST_CASE("who a new contact may be given to depends on the creator's role",
          "[domain][contact][permissions]") {
  Harness h;
  AddSouthTeam(h);
  auto create_for = [&](const std::string& actor, const std::string& owner) {
    fb::CreateContactT c;
    c.first_name = "Marie";
    c.owner_id = owner;
    return h.Run(h.As(actor), Cmd(std::move(c)));
  };
  // Admins: anyone.
  REQUIRE(create_for("u-admin", "u-bob").ok());
  CHECK(h.Get("contact", h.last_id).Text("owner_id") == "u-bob");
  // Managers: themselves and their teams' members, nobody else.
  REQUIRE(create_for("u-grace", "u-ada").ok());
  CHECK(h.Get("contact", h.last_id).Text("owner_id") == "u-ada");
  REQUIRE(create_for("u-grace", "").ok());
  CHECK(h.Get("contact", h.last_id).Text("owner_id") == "u-grace");
  REQUIRE_REFUSED_UNCHANGED(h, create_for("u-grace", "u-bob"), StatusCode::kPermissionDenied,
                            "owner_id: user u-grace may not give records to u-bob (not in a team they manage)");
  REQUIRE_REFUSED_UNCHANGED(h, create_for("u-mia", "u-alan"), StatusCode::kPermissionDenied,
                            "(not in a team they manage)");
  // Reps: themselves only.
  REQUIRE(create_for("u-bob", "u-bob").ok());
  REQUIRE_REFUSED_UNCHANGED(h, create_for("u-bob", "u-mia"), StatusCode::kPermissionDenied,
                            "(reps may only give them to themselves)");
  // Analysts: nothing.
  REQUIRE_REFUSED_UNCHANGED(h, create_for("u-ann", "u-ann"), StatusCode::kPermissionDenied,
                            "is an analyst and may only read");
}

TEST_CASE("more contact creation refusals", "[domain][contact]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string company = MakeCompany(h, alan, "Radium");
  std::string dup = MakeCompany(h, alan, "Radium (dup)");
  fb::MergeRecordsT m;
  m.record_type = "company";
  m.survivor_id = company;
  m.merged_id = dup;
  h.MustRun(alan, Cmd(m));
  fb::DefineFieldT f;
  f.record_type = "contact";
  f.key = "score";
  f.label = "Score";
  f.kind = fb::FieldKind::Number;
  h.MustRun(h.admin(), Cmd(f));
  std::string existing = MakeContact(h, alan, "Pierre");
  auto with = [&](auto spoil) {
    fb::CreateContactT c;
    c.first_name = "Marie";
    spoil(c);
    return h.Run(alan, Cmd(std::move(c)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& c) { c.contact_id = existing; }), S::kAlreadyExists,
                            "contact " + existing + " already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.contact_id = "system"; }), S::kInvalidArgument,
                            "contact_id: 'system' is reserved");
  REQUIRE_REFUSED_UNCHANGED(h, with([&](auto& c) { c.company_id = dup; }), S::kFailedPrecondition,
                            "company " + dup + " was merged into " + company);
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.first_name = std::string(101, 'm'); }),
                            S::kInvalidArgument, "first_name is 101 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.last_name = "C\x02urie"; }),
                            S::kInvalidArgument, "last_name contains a control character");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.phones = {"+33 1", "+33 (1) 23-45"}; }),
                            S::kInvalidArgument, "phones");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.phones = {"+33 1 23 45 67", "+33 (1) 23-45-67"}; }),
                            S::kInvalidArgument, "is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.title = std::string(201, 't'); }),
                            S::kInvalidArgument, "title is 201 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.source = std::string(101, 's'); }),
                            S::kInvalidArgument, "source is 101 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.tags = {""}; }), S::kInvalidArgument,
                            "tags is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("score", TextValue("lots"))); }),
                            S::kInvalidArgument, "custom.score: 'lots' is not a number");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("segment", TextValue("x"))); }),
                            S::kNotFound, "contact has no custom field 'segment'");
  fb::RetireFieldT r;
  r.record_type = "contact";
  r.key = "score";
  h.MustRun(h.admin(), Cmd(r));
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& c) { c.custom.push_back(Field("score", TextValue("5"))); }),
                            S::kFailedPrecondition, "custom.score: the custom field was retired");
}

TEST_CASE("lifecycle changes carry the old and new stage and a reason",
          "[domain][contact][lifecycle]") {
  Harness h;
  std::string id = MakeContact(h, h.As("u-alan"), "Marie");
  h.MustRun(h.As("u-alan"), Lifecycle(id, fb::Lifecycle::Subscriber));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactLifecycleChanged"});
  const auto* e = h.LastEvent().payload_as<fb::ContactLifecycleChanged>();
  CHECK(e->old_stage() == fb::Lifecycle::Unspecified);
  CHECK(e->new_stage() == fb::Lifecycle::Subscriber);
  CHECK(h.LastEvent().data_subject() == id);
  h.MustRun(h.As("u-alan"), Lifecycle(id, fb::Lifecycle::Customer, "signed"));
  e = h.LastEvent().payload_as<fb::ContactLifecycleChanged>();
  CHECK(e->old_stage() == fb::Lifecycle::Subscriber);
  CHECK(e->new_stage() == fb::Lifecycle::Customer);
  CHECK(e->reason()->str() == "signed");
  h.MustRun(h.As("u-alan"), Lifecycle(id, fb::Lifecycle::Churned, "cancelled"));
  CHECK(h.Get("contact", id).Text("lifecycle") == "churned");
  CHECK(h.Get("contact", id).version == 4);
}

TEST_CASE("lifecycle refusals", "[domain][contact][lifecycle]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string id = MakeContact(h, alan, "Marie");
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle(id, fb::Lifecycle::Unspecified)),
                            S::kInvalidArgument, "stage is required: one of subscriber, lead");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle("C-404", fb::Lifecycle::Lead)), S::kNotFound,
                            "contact_id: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle("", fb::Lifecycle::Lead)),
                            S::kInvalidArgument, "contact_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Lifecycle(id, fb::Lifecycle::Lead, std::string(501, 'r'))),
                            S::kInvalidArgument, "reason is 501 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ada"), Lifecycle(id, fb::Lifecycle::Lead)),
                            S::kPermissionDenied, "belongs to u-alan");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Lifecycle(id, fb::Lifecycle::Lead)),
                            S::kPermissionDenied, "analyst");
}

TEST_CASE("consent: opting out and back in, per channel", "[domain][contact][consent]") {
  Harness h;
  auto alan = h.As("u-alan");
  std::string id = MakeContact(h, alan, "Marie", "marie@radium.example");
  h.MustRun(alan, Consent(id, fb::ConsentChannel::Email, true, "unsubscribe link"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactConsentChanged"});
  const auto* e = h.LastEvent().payload_as<fb::ContactConsentChanged>();
  CHECK(e->channel() == fb::ConsentChannel::Email);
  CHECK(e->opted_out());
  CHECK(e->source()->str() == "unsubscribe link");
  CHECK(h.LastEvent().data_subject() == id);
  CHECK(h.Get("contact", id).Int("email_opt_out") == 1);
  CHECK(h.Get("contact", id).Int("phone_opt_out") == 0);

  h.MustRun(alan, Consent(id, fb::ConsentChannel::Phone, true, "asked on a call"));
  CHECK(h.Get("contact", id).Int("phone_opt_out") == 1);
  h.MustRun(alan, Consent(id, fb::ConsentChannel::Email, false, "web form"));
  CHECK(h.Get("contact", id).Int("email_opt_out") == 0);
  CHECK(h.Get("contact", id).Int("phone_opt_out") == 1);

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Consent(id, fb::ConsentChannel::Email, false)),
                            S::kFailedPrecondition, "contact " + id + " is already reachable by email");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Consent(id, fb::ConsentChannel::Phone, true)),
                            S::kFailedPrecondition, "contact " + id + " is already opted out of phone");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Consent(id, fb::ConsentChannel::Email, true, std::string(201, 's'))),
                            S::kInvalidArgument, "source is 201 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(alan, Consent("C-404", fb::ConsentChannel::Email, true)),
                            S::kNotFound, "there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-bob"), Consent(id, fb::ConsentChannel::Email, true)),
                            S::kPermissionDenied, "belongs to u-alan");
  // Alan's manager may record it.
  h.MustRun(h.As("u-grace"), Consent(id, fb::ConsentChannel::Email, true));
}
