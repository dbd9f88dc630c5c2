// Activities: emails, calls, meetings, notes and form submissions, with their author and
// links to contacts, companies, deals and tickets.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

struct World {
  Harness h;
  std::string contact, company, deal, ticket;
  World() {
    auto alan = h.As("u-alan");
    contact = MakeContact(h, alan, "Marie", "marie@radium.example");
    company = MakeCompany(h, alan, "Radium");
    deal = MakeDeal(h, alan);
    ticket = MakeTicket(h, alan, contact);
  }
  std::unique_ptr<fb::LinksT> AllLinks() const {
    auto l = std::make_unique<fb::LinksT>();
    l->contact_ids = {contact};
    l->company_ids = {company};
    l->deal_ids = {deal};
    l->ticket_ids = {ticket};
    return l;
  }
};

fb::LogEmailT Email(const std::string& contact) {
  fb::LogEmailT e;
  e.direction = fb::Direction::Inbound;
  e.subject = "Re: robots";
  e.body = "Yes, let's talk.\nMarie";
  e.from_address = "marie@radium.example";
  e.to_addresses = {"alan@acme.example"};
  e.links = ContactLinks({contact});
  return e;
}

}  // namespace

TEST_CASE("an email is logged with its author, direction and links", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  fb::LogEmailT e = Email(w.contact);
  e.links = w.AllLinks();
  h.MustRun(h.As("u-alan"), Cmd(std::move(e)));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"EmailLogged"});
  CHECK(h.LastEvent().data_subject() == w.contact);  // the first linked contact
  const RecordState& a = h.Get("activity", h.last_id);
  CHECK(a.Text("kind") == "email");
  CHECK(a.Text("author_id") == "u-alan");
  CHECK(a.Text("direction") == "inbound");
  CHECK(a.Text("subject") == "Re: robots");
  CHECK(a.Text("body") == "Yes, let's talk.\nMarie");
  CHECK(a.Text("from_address") == "marie@radium.example");
  CHECK(a.List("to_addresses") == std::vector<std::string>{"alan@acme.example"});
  CHECK(a.List("contact_ids") == std::vector<std::string>{w.contact});
  CHECK(a.List("company_ids") == std::vector<std::string>{w.company});
  CHECK(a.List("deal_ids") == std::vector<std::string>{w.deal});
  CHECK(a.List("ticket_ids") == std::vector<std::string>{w.ticket});
}

TEST_CASE("activities happen when they happened, not when logged", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  h.occurred_at = kNow - 7 * kMicrosPerDay;
  fb::LogCallT c;
  c.duration_seconds = 300;
  c.links = ContactLinks({w.contact});
  h.MustRun(h.As("u-alan"), Cmd(std::move(c)));
  CHECK(h.LastEvent().occurred_at_us() == kNow - 7 * kMicrosPerDay);
  CHECK(h.Get("activity", h.last_id).created_at_us == kNow - 7 * kMicrosPerDay);
}

TEST_CASE("activity links and authors are checked", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  AddSouthTeam(h);
  auto alan = h.As("u-alan");
  auto with = [&](const Actor& a, auto spoil) {
    fb::LogEmailT e = Email(w.contact);
    spoil(e);
    return h.Run(a, Cmd(std::move(e)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links.reset(); }), S::kInvalidArgument,
                            "links: an activity must be about a contact, company, deal or ticket");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links = ContactLinks({}); }),
                            S::kInvalidArgument, "links: an activity must be about");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links = ContactLinks({"C-404"}); }),
                            S::kNotFound, "links.contact_ids: there is no contact C-404");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [&](auto& e) { e.links = ContactLinks({w.contact, w.contact}); }),
                            S::kInvalidArgument, "links.contact_ids: " + w.contact + " is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links->company_ids = {"CO-404"}; }),
                            S::kNotFound, "links.company_ids: there is no company CO-404");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links->deal_ids = {"D-404"}; }),
                            S::kNotFound, "links.deal_ids: there is no deal D-404");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.links->ticket_ids = {"TKT-404"}; }),
                            S::kNotFound, "links.ticket_ids: there is no ticket TKT-404");
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.activity_id = "a b"; }),
                            S::kInvalidArgument, "activity id 'a b'");
  // Logging for someone else: reps never, managers for their teams, admins for anyone.
  REQUIRE_REFUSED_UNCHANGED(h, with(alan, [](auto& e) { e.author_id = "u-ada"; }),
                            S::kPermissionDenied, "author_id: user u-alan may not give records to u-ada");
  REQUIRE_REFUSED_UNCHANGED(h, with(h.As("u-grace"), [](auto& e) { e.author_id = "u-bob"; }),
                            S::kPermissionDenied, "author_id: user u-grace may not give records to u-bob");
  REQUIRE_REFUSED_UNCHANGED(h, with(h.admin(), [](auto& e) { e.author_id = "u-zed"; }),
                            S::kNotFound, "author_id: there is no user u-zed");
  REQUIRE(with(h.As("u-grace"), [](auto& e) { e.author_id = "u-ada"; }).ok());
  CHECK(h.Get("activity", h.last_id).Text("author_id") == "u-ada");
  REQUIRE(with(h.admin(), [](auto& e) { e.author_id = "u-bob"; }).ok());
  CHECK(h.Get("activity", h.last_id).Text("author_id") == "u-bob");
  // Rapport itself may name any user, even a deactivated one (importing history).
  fb::DeactivateUserT d;
  d.user_id = "u-bob";
  h.MustRun(h.admin(), Cmd(d));
  REQUIRE_REFUSED_UNCHANGED(h, with(h.admin(), [](auto& e) { e.author_id = "u-bob"; }),
                            S::kFailedPrecondition, "author_id: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with(Actor::System(), [](auto& e) { e.author_id = "u-zed"; }),
                            S::kNotFound, "author_id: there is no user u-zed");
  REQUIRE(with(Actor::System(), [](auto& e) { e.author_id = "u-bob"; }).ok());
  CHECK(h.Get("activity", h.last_id).Text("author_id") == "u-bob");
}

TEST_CASE("email fields are validated", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  auto with = [&](auto spoil) {
    fb::LogEmailT e = Email(w.contact);
    spoil(e);
    return h.Run(h.As("u-alan"), Cmd(std::move(e)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& e) { e.from_address = "marie"; }), S::kInvalidArgument,
                            "from_address");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& e) { e.to_addresses = {"ok@acme.example", "nope"}; }),
                            S::kInvalidArgument, "to_addresses");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& e) { e.subject = std::string(1001, 's'); }),
                            S::kInvalidArgument, "subject is 1001 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& e) { e.subject = "a\nb"; }), S::kInvalidArgument,
                            "subject contains a control character");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& e) { e.body = std::string(100'001, 'b'); }),
                            S::kInvalidArgument, "body is 100001 bytes");
}

TEST_CASE("calls record duration and outcome", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  fb::LogCallT c;
  c.direction = fb::Direction::Outbound;
  c.duration_seconds = 95;
  c.outcome = fb::CallOutcome::LeftVoicemail;
  c.notes = "Left a message about the demo";
  c.links = ContactLinks({w.contact});
  h.MustRun(h.As("u-alan"), Cmd(c));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"CallLogged"});
  const RecordState& a = h.Get("activity", h.last_id);
  CHECK(a.Text("kind") == "call");
  CHECK(a.Text("direction") == "outbound");
  CHECK(a.Int("duration_seconds") == 95);
  CHECK(a.Text("outcome") == "left_voicemail");
  CHECK(a.Text("notes") == "Left a message about the demo");

  using S = StatusCode;
  c.duration_seconds = -1;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(c)), S::kInvalidArgument,
                            "duration_seconds must be 0 to 86400");
  c.duration_seconds = 86401;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(c)), S::kInvalidArgument,
                            "duration_seconds must be 0 to 86400");
  c.duration_seconds = 10;
  c.notes = std::string(100'001, 'n');
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(c)), S::kInvalidArgument,
                            "notes is 100001 bytes");
  c.notes.clear();
  c.links.reset();
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(c)), S::kInvalidArgument,
                            "links: an activity must be about");
}

TEST_CASE("meetings have a title, a start and an end", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  auto base = [&] {
    fb::LogMeetingT m;
    m.title = " Demo ";
    m.start_us = kNow - 2 * 3600 * kMicrosPerSecond;
    m.end_us = kNow - 3600 * kMicrosPerSecond;
    m.attendees = {"u-alan", w.contact, "pierre@radium.example"};
    m.location = "Lyon office";
    m.notes = "Went well";
    m.links = ContactLinks({w.contact});
    return m;
  };
  h.MustRun(h.As("u-alan"), Cmd(base()));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"MeetingLogged"});
  const RecordState& a = h.Get("activity", h.last_id);
  CHECK(a.Text("kind") == "meeting");
  CHECK(a.Text("title") == "Demo");
  CHECK(a.Int("start") == kNow - 2 * 3600 * kMicrosPerSecond);
  CHECK(a.Int("end") == kNow - 3600 * kMicrosPerSecond);
  CHECK(a.List("attendees").size() == 3);
  CHECK(a.Text("location") == "Lyon office");

  auto with = [&](auto spoil) {
    fb::LogMeetingT m = base();
    spoil(m);
    return h.Run(h.As("u-alan"), Cmd(std::move(m)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.title = ""; }), S::kInvalidArgument,
                            "title is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.start_us = 0; }), S::kInvalidArgument,
                            "start and end are required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.end_us = 0; }), S::kInvalidArgument,
                            "start and end are required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.end_us = m.start_us - 1; }),
                            S::kInvalidArgument, "end is before start");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.end_us = m.start_us + 7 * kMicrosPerDay + 1; }),
                            S::kInvalidArgument, "a meeting may last at most 7 days");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.attendees.push_back(" "); }),
                            S::kInvalidArgument, "attendees is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.attendees.assign(201, "x@y.example"); }),
                            S::kInvalidArgument, "attendees: at most 200");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& m) { m.location = std::string(301, 'l'); }),
                            S::kInvalidArgument, "location is 301 bytes");
}

TEST_CASE("notes need a body", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  std::string id = MakeNote(h, h.As("u-alan"), w.contact);
  CHECK(h.LastEventTypes() == std::vector<std::string>{"NoteLogged"});
  const RecordState& a = h.Get("activity", id);
  CHECK(a.Text("kind") == "note");
  CHECK(a.Text("body") == "Spoke about the renewal");
  CHECK(a.Text("author_id") == "u-alan");
  CHECK(a.created_by == "u-alan");
  fb::LogNoteT n;
  n.body = " \n ";
  n.links = ContactLinks({w.contact});
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(n)), StatusCode::kInvalidArgument,
                            "body is required");
  n.body = "ok";
  n.activity_id = id;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(n)), StatusCode::kAlreadyExists,
                            "activity " + id + " already exists");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-ann"), Cmd(n)), StatusCode::kPermissionDenied,
                            "analyst");
}

TEST_CASE("a form submission needs links or an email", "[domain][activity]") {
  World w;
  Harness& h = w.h;
  fb::SubmitFormT f;
  f.form_name = " Contact us ";
  f.email = " visitor@example.com ";
  for (auto [k, v] : {std::pair{"company", "Globex"}, {"message", "Call me\nplease"}}) {
    auto kv = std::make_unique<fb::KeyValueT>();
    kv->key = k;
    kv->value = v;
    f.fields.push_back(std::move(kv));
  }
  h.MustRun(h.As("u-alan"), Cmd(f));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"FormSubmitted"});
  CHECK(h.LastEvent().data_subject().empty());
  const RecordState& a = h.Get("activity", h.last_id);
  CHECK(a.Text("kind") == "form");
  CHECK(a.Text("form_name") == "Contact us");
  CHECK(a.Text("email") == "visitor@example.com");
  CHECK(a.Text("form.company") == "Globex");
  CHECK(a.Text("form.message") == "Call me\nplease");
  CHECK(a.List("contact_ids").empty());

  using S = StatusCode;
  auto with = [&](auto spoil) {
    fb::SubmitFormT g;
    g.form_name = "Demo request";
    g.email = "v@example.com";
    spoil(g);
    return h.Run(h.As("u-alan"), Cmd(std::move(g)));
  };
  REQUIRE(with([&](auto& g) {
            g.email.clear();
            g.links = ContactLinks({w.contact});
          }).ok());
  CHECK(h.LastEvent().data_subject() == w.contact);
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) { g.email = "  "; }), S::kInvalidArgument,
                            "links: an activity must be about");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) { g.email = "visitor"; }), S::kInvalidArgument,
                            "email");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) { g.form_name = ""; }), S::kInvalidArgument,
                            "form_name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) {
                              for (int i = 0; i < 2; ++i) {
                                auto kv = std::make_unique<fb::KeyValueT>();
                                kv->key = "name";
                                kv->value = "x";
                                g.fields.push_back(std::move(kv));
                              }
                            }),
                            S::kInvalidArgument, "fields: 'name' is given twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) {
                              auto kv = std::make_unique<fb::KeyValueT>();
                              kv->value = "x";
                              g.fields.push_back(std::move(kv));
                            }),
                            S::kInvalidArgument, "fields key is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) {
                              for (int i = 0; i < 201; ++i) {
                                auto kv = std::make_unique<fb::KeyValueT>();
                                kv->key = "k" + std::to_string(i);
                                g.fields.push_back(std::move(kv));
                              }
                            }),
                            S::kInvalidArgument, "fields: at most 200");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& g) { g.links = ContactLinks({"C-404"}); }),
                            S::kNotFound, "links.contact_ids: there is no contact C-404");
}
