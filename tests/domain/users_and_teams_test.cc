// Users (create, role, deactivate, reactivate) and teams (create, members, manager): admin
// only, with the last active admin protected.
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

fb::CreateUserT Linus() {
  fb::CreateUserT u;
  u.user_id = "u-linus";
  u.name = " Linus Pauling ";
  u.email = "Linus@Acme.example";
  u.role = fb::Role::Rep;
  u.title = "Account executive";
  u.territory = "west";
  return u;
}

template <typename T>
fb::CommandT UserCmd(const std::string& user_id) {
  T c;
  c.user_id = user_id;
  return Cmd(std::move(c));
}

fb::CommandT SetRole(const std::string& user_id, fb::Role role) {
  fb::ChangeUserRoleT c;
  c.user_id = user_id;
  c.role = role;
  return Cmd(std::move(c));
}

template <typename T>
fb::CommandT Member(const std::string& team, const std::string& user) {
  T c;
  c.team_id = team;
  c.user_id = user;
  return Cmd(std::move(c));
}

fb::CommandT Manager(const std::string& team, const std::string& manager) {
  fb::ChangeTeamManagerT c;
  c.team_id = team;
  c.manager_id = manager;
  return Cmd(std::move(c));
}

}  // namespace

TEST_CASE("an admin creates a user with a role, active", "[domain][user]") {
  Harness h;
  h.MustRun(h.admin(), Cmd(Linus()));
  CHECK(h.last_id == "u-linus");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"UserCreated"});
  CHECK(h.LastEvent().data_subject() == "u-linus");
  const RecordState& u = h.Get("user", "u-linus");
  CHECK(u.Text("name") == "Linus Pauling");
  CHECK(u.Text("email") == "Linus@Acme.example");
  CHECK(u.Text("role") == "rep");
  CHECK(u.Text("title") == "Account executive");
  CHECK(u.Text("territory") == "west");
  CHECK(u.Int("active") == 1);
  CHECK(h.source().directory().active_user("u-linus") != nullptr);
  // Without an id, one is allocated.
  fb::CreateUserT v = Linus();
  v.user_id.clear();
  v.email = "other@acme.example";
  h.MustRun(h.admin(), Cmd(std::move(v)));
  CHECK(h.last_id == "U-1");
}

TEST_CASE("user creation refusals name the field", "[domain][user]") {
  Harness h;
  auto with = [&](auto spoil) {
    fb::CreateUserT u = Linus();
    spoil(u);
    return h.Run(h.admin(), Cmd(std::move(u)));
  };
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(Linus())), StatusCode::kPermissionDenied,
                            "only admins may change users");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.user_id = "u linus"; }),
                            StatusCode::kInvalidArgument, "may only hold");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.user_id = "u-alan"; }),
                            StatusCode::kAlreadyExists, "user u-alan already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.user_id = "system"; }),
                            StatusCode::kInvalidArgument, "user_id: 'system' is reserved");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.name = " "; }), StatusCode::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.email = "linus@"; }),
                            StatusCode::kInvalidArgument, "email");
  // Emails are unique, compared case- and space-insensitively.
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.email = " U-ALAN@acme.example"; }),
                            StatusCode::kAlreadyExists, "email: user u-alan already has");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.role = fb::Role::Unspecified; }),
                            StatusCode::kInvalidArgument, "role is required: one of admin");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.title = "a\x01z"; }),
                            StatusCode::kInvalidArgument, "title contains a control character");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& u) { u.territory = std::string(101, 't'); }),
                            StatusCode::kInvalidArgument, "territory is 101 bytes");
  CHECK_FALSE(h.Exists("user", "u-linus"));
}

TEST_CASE("roles change, never to the same role, never leaving no active admin",
          "[domain][user]") {
  Harness h;
  h.MustRun(h.admin(), SetRole("u-alan", fb::Role::Manager));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"UserRoleChanged"});
  const auto* e = h.LastEvent().payload_as<fb::UserRoleChanged>();
  CHECK(e->old_role() == fb::Role::Rep);
  CHECK(e->new_role() == fb::Role::Manager);
  CHECK(h.Get("user", "u-alan").Text("role") == "manager");
  CHECK(h.As("u-alan").role == fb::Role::Manager);

  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), SetRole("u-alan", fb::Role::Admin)),
                            StatusCode::kPermissionDenied, "only admins may change roles");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("u-nobody", fb::Role::Rep)),
                            StatusCode::kNotFound, "user_id: there is no user u-nobody");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("", fb::Role::Rep)),
                            StatusCode::kInvalidArgument, "user_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("u-alan", fb::Role::Unspecified)),
                            StatusCode::kInvalidArgument, "role is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("u-alan", fb::Role::Manager)),
                            StatusCode::kFailedPrecondition, "user u-alan is already manager");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("u-admin", fb::Role::Rep)),
                            StatusCode::kFailedPrecondition, "u-admin is the last active admin");
  // With a second admin, the first may step down.
  h.MustRun(h.admin(), SetRole("u-grace", fb::Role::Admin));
  h.MustRun(h.admin(), SetRole("u-admin", fb::Role::Manager));
  CHECK(h.Get("user", "u-admin").Text("role") == "manager");
}

TEST_CASE("deactivated users cannot be given records, and come back when reactivated",
          "[domain][user]") {
  Harness h;
  fb::DeactivateUserT d;
  d.user_id = "u-ada";
  d.reason = "left the company";
  h.MustRun(h.admin(), Cmd(d));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"UserDeactivated"});
  CHECK(h.LastEvent().payload_as<fb::UserDeactivated>()->reason()->str() == "left the company");
  CHECK(h.Get("user", "u-ada").Int("active") == 0);
  CHECK(h.source().directory().active_user("u-ada") == nullptr);

  fb::CreateContactT c;
  c.first_name = "Marie";
  c.owner_id = "u-ada";
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(c)), StatusCode::kFailedPrecondition,
                            "owner_id: user u-ada is deactivated: choose an active user");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(d)), StatusCode::kFailedPrecondition,
                            "user u-ada is already deactivated");

  h.MustRun(h.admin(), UserCmd<fb::ReactivateUserT>("u-ada"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"UserReactivated"});
  CHECK(h.Get("user", "u-ada").Int("active") == 1);
  h.MustRun(h.admin(), Cmd(c));
  CHECK(h.Get("contact", h.last_id).Text("owner_id") == "u-ada");
}

TEST_CASE("deactivation and reactivation refusals", "[domain][user]") {
  Harness h;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), UserCmd<fb::DeactivateUserT>("u-alan")),
                            StatusCode::kPermissionDenied, "only admins may change users");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UserCmd<fb::DeactivateUserT>("u-zed")),
                            StatusCode::kNotFound, "there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UserCmd<fb::DeactivateUserT>("u-admin")),
                            StatusCode::kFailedPrecondition, "the last active admin");
  fb::DeactivateUserT long_reason;
  long_reason.user_id = "u-alan";
  long_reason.reason = std::string(501, 'r');
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Cmd(long_reason)), StatusCode::kInvalidArgument,
                            "reason is 501 bytes");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UserCmd<fb::ReactivateUserT>("u-alan")),
                            StatusCode::kFailedPrecondition, "user u-alan is active");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UserCmd<fb::ReactivateUserT>("u-zed")),
                            StatusCode::kNotFound, "there is no user u-zed");
  h.MustRun(h.admin(), UserCmd<fb::DeactivateUserT>("u-alan"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), UserCmd<fb::ReactivateUserT>("u-alan")),
                            StatusCode::kPermissionDenied, "only admins may change users");
  // A deactivated admin does not count as the other active admin.
  h.MustRun(h.admin(), SetRole("u-grace", fb::Role::Admin));
  h.MustRun(h.admin(), UserCmd<fb::DeactivateUserT>("u-grace"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), SetRole("u-admin", fb::Role::Rep)),
                            StatusCode::kFailedPrecondition, "the last active admin");
}

TEST_CASE("an admin creates a team with a manager, members and a territory", "[domain][team]") {
  Harness h;
  fb::CreateTeamT t;
  t.name = " West ";
  t.manager_id = "u-grace";
  t.territory = "west";
  t.member_ids = {"u-bob"};
  h.MustRun(h.admin(), Cmd(t));
  CHECK(h.last_id == "T-1");
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TeamCreated"});
  const RecordState& team = h.Get("team", "T-1");
  CHECK(team.Text("name") == "West");
  CHECK(team.Text("manager_id") == "u-grace");
  CHECK(team.Text("territory") == "west");
  CHECK(team.members == std::set<std::string>{"u-bob"});
  CHECK(h.source().directory().Manages("u-grace", "u-bob"));
  CHECK(h.source().directory().TeamsOf("u-bob") == std::vector<std::string>{"T-1"});
}

TEST_CASE("team creation refusals", "[domain][team]") {
  Harness h;
  h.MustRun(h.admin(), UserCmd<fb::DeactivateUserT>("u-bob"));
  auto with = [&](auto spoil) {
    fb::CreateTeamT t;
    t.team_id = "t-west";
    t.name = "West";
    t.manager_id = "u-grace";
    t.member_ids = {"u-alan"};
    spoil(t);
    return h.Run(h.admin(), Cmd(std::move(t)));
  };
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(fb::CreateTeamT{})),
                            StatusCode::kPermissionDenied, "only admins may change teams");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.team_id = "t-north"; }),
                            StatusCode::kAlreadyExists, "team t-north already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.name.clear(); }), StatusCode::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.manager_id.clear(); }),
                            StatusCode::kInvalidArgument, "manager_id is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.manager_id = "u-zed"; }),
                            StatusCode::kNotFound, "manager_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.manager_id = "u-bob"; }),
                            StatusCode::kFailedPrecondition, "manager_id: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.member_ids = {"u-alan", "u-zed"}; }),
                            StatusCode::kNotFound, "member_ids: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.member_ids = {"u-bob"}; }),
                            StatusCode::kFailedPrecondition, "member_ids: user u-bob is deactivated");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.member_ids = {"u-alan", "u-alan"}; }),
                            StatusCode::kInvalidArgument, "member_ids: u-alan is listed twice");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& t) { t.territory = std::string(101, 'x'); }),
                            StatusCode::kInvalidArgument, "territory");
  CHECK_FALSE(h.Exists("team", "t-west"));
}

TEST_CASE("members join and leave teams, and their manager's reach follows",
          "[domain][team]") {
  Harness h;
  std::string bobs = MakeContact(h, h.As("u-bob"), "Rosalind");
  fb::ChangeLifecycleT lc;
  lc.contact_id = bobs;
  lc.stage = fb::Lifecycle::Lead;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(lc)), StatusCode::kPermissionDenied,
                            "belongs to u-bob");

  h.MustRun(h.admin(), Member<fb::AddTeamMemberT>("t-north", "u-bob"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TeamMemberAdded"});
  CHECK(h.Get("team", "t-north").members.count("u-bob") == 1);
  h.MustRun(h.As("u-grace"), Cmd(lc));  // now Grace manages Bob

  h.MustRun(h.admin(), Member<fb::RemoveTeamMemberT>("t-north", "u-bob"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TeamMemberRemoved"});
  CHECK(h.Get("team", "t-north").members.count("u-bob") == 0);
  lc.stage = fb::Lifecycle::Customer;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(lc)), StatusCode::kPermissionDenied,
                            "belongs to u-bob");
}

TEST_CASE("team membership refusals", "[domain][team]") {
  Harness h;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Member<fb::AddTeamMemberT>("t-north", "u-bob")),
                            StatusCode::kPermissionDenied, "only admins may change teams");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::AddTeamMemberT>("t-nope", "u-bob")),
                            StatusCode::kNotFound, "team_id: there is no team t-nope");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::AddTeamMemberT>("t-north", "u-zed")),
                            StatusCode::kNotFound, "user_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::AddTeamMemberT>("t-north", "u-alan")),
                            StatusCode::kFailedPrecondition, "user u-alan is already in team t-north");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Member<fb::RemoveTeamMemberT>("t-north", "u-ada")),
                            StatusCode::kPermissionDenied, "only admins may change teams");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::RemoveTeamMemberT>("t-nope", "u-ada")),
                            StatusCode::kNotFound, "team_id: there is no team t-nope");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::RemoveTeamMemberT>("t-north", "u-bob")),
                            StatusCode::kFailedPrecondition, "user u-bob is not in team t-north");
  h.MustRun(h.admin(), UserCmd<fb::DeactivateUserT>("u-bob"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Member<fb::AddTeamMemberT>("t-north", "u-bob")),
                            StatusCode::kFailedPrecondition, "user_id: user u-bob is deactivated");
}

TEST_CASE("a team changes manager, and the old one loses the team's records",
          "[domain][team]") {
  Harness h;
  h.AddUser("u-mia", fb::Role::Manager);
  std::string alans = MakeContact(h, h.As("u-alan"), "Lise");
  h.MustRun(h.admin(), Manager("t-north", "u-mia"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"TeamManagerChanged"});
  const auto* e = h.LastEvent().payload_as<fb::TeamManagerChanged>();
  CHECK(e->old_manager_id()->str() == "u-grace");
  CHECK(e->new_manager_id()->str() == "u-mia");
  CHECK(h.Get("team", "t-north").Text("manager_id") == "u-mia");

  fb::ChangeLifecycleT lc;
  lc.contact_id = alans;
  lc.stage = fb::Lifecycle::Lead;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(lc)), StatusCode::kPermissionDenied,
                            "does not manage a team they are in");
  h.MustRun(h.As("u-mia"), Cmd(lc));

  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-mia"), Manager("t-north", "u-grace")),
                            StatusCode::kPermissionDenied, "only admins may change teams");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Manager("t-nope", "u-grace")),
                            StatusCode::kNotFound, "team_id: there is no team t-nope");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Manager("t-north", "u-zed")),
                            StatusCode::kNotFound, "manager_id: there is no user u-zed");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Manager("t-north", "u-mia")),
                            StatusCode::kFailedPrecondition, "u-mia already manages team t-north");
  h.MustRun(h.admin(), UserCmd<fb::DeactivateUserT>("u-grace"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Manager("t-north", "u-grace")),
                            StatusCode::kFailedPrecondition, "manager_id: user u-grace is deactivated");
}
