// Contacts: creation, validation, lifecycle, consent, permissions.
#include "domain_harness.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {
fb::CreateContactT Marie() {
  fb::CreateContactT c;
  c.first_name = "Marie";
  c.last_name = "Curie";
  c.emails = {"Marie@Radium.example"};
  c.phones = {"+33 1 23 45 67 89"};
  c.source = "web form";
  return c;
}
}  // namespace

TEST_CASE("a rep creates a contact they own, with an allocated id", "[domain][contact]") {
  Harness h;
  h.MustRun(h.As("u-alan"), Cmd(Marie()));
  const RecordState& c = h.Get("contact", h.last_id);
  CHECK(h.last_id == "C-1");
  CHECK(c.Text("first_name") == "Marie");
  CHECK(c.Text("owner_id") == "u-alan");
  CHECK(c.List("emails") == std::vector<std::string>{"Marie@Radium.example"});
  CHECK(h.LastEventTypes() == std::vector<std::string>{"ContactCreated"});
  CHECK(h.LastEvent().data_subject() == "C-1");
}

TEST_CASE("contact creation refuses bad input naming the field", "[domain][contact]") {
  Harness h;
  auto alan = h.As("u-alan");
  auto with = [&](auto spoil) {
    fb::CreateContactT c = Marie();
    spoil(c);
    return h.Run(alan, Cmd(std::move(c)));
  };
  REQUIRE_REFUSED(with([](auto& c) { c.emails = {"not-an-email"}; }), StatusCode::kInvalidArgument,
                  "emails");
  REQUIRE_REFUSED(with([](auto& c) { c.emails = {"a@b.example", "A@B.example "}; }),
                  StatusCode::kInvalidArgument, "listed twice");
  REQUIRE_REFUSED(with([](auto& c) { c.phones = {"call me"}; }), StatusCode::kInvalidArgument, "phones");
  REQUIRE_REFUSED(with([](auto& c) {
                    c.first_name.clear();
                    c.last_name.clear();
                    c.emails.clear();
                  }),
                  StatusCode::kInvalidArgument, "needs a first_name");
  REQUIRE_REFUSED(with([](auto& c) { c.company_id = "CO-404"; }), StatusCode::kNotFound,
                  "company_id: there is no company CO-404");
  REQUIRE_REFUSED(with([](auto& c) { c.owner_id = "u-ada"; }), StatusCode::kPermissionDenied,
                  "reps may only give them to themselves");
  REQUIRE_REFUSED(with([](auto& c) { c.contact_id = "bad id!"; }), StatusCode::kInvalidArgument,
                  "may only hold");
  CHECK(h.position() > 0);
  uint64_t before = h.position();
  REQUIRE_REFUSED(h.Run(h.As("u-ann"), Cmd(Marie())), StatusCode::kPermissionDenied, "analyst");
  CHECK(h.position() == before);
}

TEST_CASE("lifecycle moves forward and back, never to where it is", "[domain][contact]") {
  Harness h;
  h.MustRun(h.As("u-alan"), Cmd(Marie()));
  std::string id = h.last_id;
  fb::ChangeLifecycleT c;
  c.contact_id = id;
  c.stage = fb::Lifecycle::SalesQualified;
  h.MustRun(h.As("u-alan"), Cmd(c));
  CHECK(h.Get("contact", id).Text("lifecycle") == "sales_qualified");
  c.stage = fb::Lifecycle::Lead;  // back
  h.MustRun(h.As("u-alan"), Cmd(c));
  CHECK(h.Get("contact", id).Text("lifecycle") == "lead");
  REQUIRE_REFUSED(h.Run(h.As("u-alan"), Cmd(c)), StatusCode::kFailedPrecondition, "already lead");
  // Not Alan's: Bob may not, Grace (Alan's manager) may.
  c.stage = fb::Lifecycle::Customer;
  REQUIRE_REFUSED(h.Run(h.As("u-bob"), Cmd(c)), StatusCode::kPermissionDenied, "belongs to u-alan");
  h.MustRun(h.As("u-grace"), Cmd(c));
}
