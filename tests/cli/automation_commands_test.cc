// `rapport rule ...` and `rapport automation run|explain`, embedded and through rapportd
// (which fires event rules by itself), and rule sets as of a past instant.
#include <thread>

#include "cli_harness.h"
#include "rapportd_process.h"

using namespace rapport;
using namespace rapport::cli::testing;

namespace {

void Setup(Cli& cli) {
  cli.Ok({"init", "--name", "Acme", "--currency", "EUR", "--admin-name", "Ada Lovelace", "--admin-email", "ada@acme.example"});
  cli.Ok({"user", "add", "--name", "Grace Hopper", "--email", "grace@acme.example", "--role", "manager"});
  cli.Ok({"user", "add", "--name", "Alan Turing", "--email", "alan@acme.example", "--role", "rep"});
  cli.Ok({"team", "add", "--name", "North", "--manager", "U-2", "--member", "U-3"});
  cli.Ok({"pipeline", "add", "--name", "New business", "--stage", "qualify:Qualify:10", "--stage", "proposal:Proposal:70"});
}

std::string TrimLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("rules are added listed shown changed and disabled from the CLI", "[cli][automation]") {
  Cli cli;
  Setup(cli);
  Run before = cli.Ok({"rule", "list"});
  CHECK_THAT(before.out, Catch::Contains("No rules"));
  Run added = cli.Ok({"rule", "add", "--name", "Big deal in proposal", "--trigger", "DealStageMoved", "--if",
                      "stage_id = proposal", "--if", "amount >= 10000 EUR", "--do",
                      "task title='Send the proposal for {name}' due=1d to=owner priority=high", "--do",
                      "notify to=manager text='{name} ({amount}) is in proposal'", "--json"});
  CHECK(added.Json()["rule_id"] == "RUL-1");
  Run shown = cli.Ok({"rule", "show", "RUL-1", "--json"});
  auto j = shown.Json();
  CHECK(j["trigger"] == "Event");
  CHECK(j["event_type"] == "DealStageMoved");
  CHECK(j["record_type"] == "deal");
  CHECK(j["conditions"].size() == 2);
  CHECK(j["conditions"][1]["value"] == "10000 EUR");
  CHECK(j["actions"][0]["kind"] == "CreateTask");
  CHECK(j["actions"][0]["due_minutes"] == 24 * 60);
  CHECK(j["actions"][0]["priority"] == "high");
  CHECK(j["actions"][1]["assignee"] == "manager");
  Run table = cli.Ok({"rule", "list"});
  CHECK_THAT(table.out, Catch::Contains("RUL-1") && Catch::Contains("on DealStageMoved") &&
                            Catch::Contains("stage_id = proposal"));

  // Bad input names the flag and writes nothing.
  Run bad = cli({"rule", "add", "--name", "x", "--trigger", "DealTeleported", "--do", "task title=x"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--trigger"));
  bad = cli({"rule", "add", "--name", "x", "--trigger", "deal-idle", "--wait", "soon", "--do", "task title=x"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--wait"));
  bad = cli({"rule", "add", "--name", "x", "--trigger", "deal-idle", "--wait", "14d", "--do", "dance"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("not an action"));
  bad = cli({"rule", "add", "--name", "x", "--trigger", "deal-idle", "--wait", "14d", "--do", "tag add=vip"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("tags apply to contacts and companies"));
  bad = cli({"--as", "U-3", "rule", "disable", "RUL-1"});
  CHECK(bad.code == 5);
  CHECK(cli.Ok({"rule", "list", "--json"}).Json()["rules"].size() == 1);

  // A change replaces only what it names.
  cli.Ok({"rule", "change", "RUL-1", "--if", "stage_id = proposal", "--if", "amount >= 50000 EUR"});
  j = cli.Ok({"rule", "show", "RUL-1", "--json"}).Json();
  CHECK(j["conditions"][1]["value"] == "50000 EUR");
  CHECK(j["actions"].size() == 2);
  CHECK(j["version"] == 2);
  cli.Ok({"rule", "disable", "RUL-1", "--reason", "quarter end"});
  j = cli.Ok({"rule", "show", "RUL-1", "--json"}).Json();
  CHECK(j["enabled"] == false);
  CHECK(j["disabled_reason"] == "quarter end");
  Run again = cli({"rule", "disable", "RUL-1"});
  CHECK(again.code == 4);
  CHECK_THAT(again.err, Catch::Contains("already disabled"));

  // Templates: listed, installed with their parameters, refused without them.
  CHECK(cli.Ok({"rule", "templates", "--json"}).Json()["templates"].size() == 5);
  Run missing = cli({"rule", "install", "web-form-lead"});
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Catch::Contains("--team"));
  cli.Ok({"rule", "install", "web-form-lead", "--team", "T-1"});
  j = cli.Ok({"rule", "show", "RUL-2", "--json"}).Json();
  CHECK(j["template"] == "web-form-lead");
  CHECK(j["actions"][1]["routing"] == "round_robin");
}

TEST_CASE("automation run fires rules once and explain says why", "[cli][automation]") {
  Cli cli;
  Setup(cli);
  cli.Ok({"deal", "add", "--name", "Globex robots", "--pipeline", "PL-1", "--amount", "25000", "--owner", "U-3"});
  cli.Ok({"rule", "add", "--name", "Big deal in proposal", "--trigger", "DealStageMoved", "--if", "amount >= 10000 EUR",
          "--do", "task title='Send the proposal for {name}' due=1d to=owner"});
  cli.Ok({"rule", "install", "idle-deal", "--days", "14"});
  cli.Ok({"deal", "move", "D-1", "--stage", "proposal"});

  Run run = cli.Ok({"automation", "run", "--json"});
  auto r = run.Json();
  CHECK(r["firings"] == 1);
  CHECK(r["actions_run"] == 1);
  CHECK(r["problems"].empty());
  // Nothing twice: a second run and a run with a lost checkpoint act on nothing.
  CHECK(cli.Ok({"automation", "run", "--json"}).Json()["actions_run"] == 0);
  std::remove((cli.data() + "/automation.checkpoint").c_str());
  r = cli.Ok({"automation", "run", "--json"}).Json();
  CHECK(r["actions_run"] == 0);
  CHECK(r["firings_repeated"] == 1);

  // Time rules at an instant of our choosing: the deal is idle 15 days then.
  Run later = cli.Ok({"automation", "run", "--until", "2100-01-01T00:00:00Z"});
  CHECK_THAT(later.out, Catch::Contains("1 rule firing(s), 2 action(s) run"));
  Run explain = cli.Ok({"automation", "explain", "D-1"});
  CHECK_THAT(explain.out, Catch::Contains("by rule RUL-1 (Big deal in proposal)") &&
                              Catch::Contains("because of event") && Catch::Contains("moved") &&
                              Catch::Contains("by rule RUL-2") && Catch::Contains("because time passed: deal-D-1-idle-"));
  auto e = cli.Ok({"automation", "explain", "deal/D-1", "--json"}).Json();
  REQUIRE(e["actions"].size() == 3);
  CHECK(e["actions"][2]["rule_id"] == "RUL-1");
  CHECK(e["actions"][2]["trigger"]["type"] == "DealStageMoved");

  // The rule set as it was before the rules existed.
  Run past = cli.Ok({"rule", "list", "--as-of", "2000-01-01"});
  CHECK_THAT(past.out, Catch::Contains("No rules then"));
}

TEST_CASE("rapportd fires event rules by itself and the CLI manages rules remotely", "[cli][server][automation]") {
  Cli cli;
  Rapportd d(cli.data(), cli.Path("rapportd.log"));
  INFO(d.log());
  REQUIRE(d.listening());
  std::string token = TrimLine(Slurp(cli.data() + "/initial-admin-token"));
  auto remote = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--connect", d.address(), "--token", token});
    return cli.Raw(args);
  };
  Run added = remote({"rule", "add", "--name", "Welcome", "--trigger", "ContactCreated", "--do",
                      "task title='Welcome {name}' due=1h to=U-1", "--json"});
  INFO(added.err);
  REQUIRE(added.code == 0);
  Run contact = remote({"contact", "add", "--first", "Marie", "--last", "Curie", "--json"});
  REQUIRE(contact.code == 0);
  // rapportd's automation thread picks it up at once; wait for it (a loaded machine: seconds).
  bool fired = false;
  for (int i = 0; i < 600 && !fired; ++i) {  // up to 30 s and more under a parallel test run
    Run e = remote({"automation", "explain", "C-1", "--json"});
    fired = e.code == 0 && e.Json()["actions"].size() == 1;
    if (!fired) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(fired);
  Run rules = remote({"rule", "list", "--json"});
  REQUIRE(rules.code == 0);
  CHECK(rules.Json()["rules"][0]["name"] == "Welcome");
  Run run = remote({"automation", "run"});
  CHECK(run.code == 4);
  CHECK_THAT(run.err, Catch::Contains("rapportd runs automation itself"));
  CHECK(d.Stop(SIGTERM) == 0);
  // Embedded, after the server: the firing is on record, nothing left to do.
  auto r = cli.Ok({"automation", "run", "--json"}).Json();
  CHECK(r["actions_run"] == 0);
  CHECK(cli.Ok({"automation", "explain", "C-1", "--json"}).Json()["actions"].size() == 1);
}
