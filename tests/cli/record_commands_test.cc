// The record commands end to end: the real binary on a fresh data directory.
#include "cli_harness.h"

namespace rapport::cli::testing {
namespace {

// A small workspace: admin U-1, manager U-2, rep U-3, company CO-1, contact C-1, pipeline PL-1.
void Setup(const Cli& cli) {
  cli.Ok({"init", "--name", "Acme", "--currency", "EUR", "--admin-name", "Ada Lovelace", "--admin-email", "ada@acme.example"});
  cli.Ok({"user", "add", "--name", "Grace Hopper", "--email", "grace@acme.example", "--role", "manager"});
  cli.Ok({"user", "add", "--name", "Alan Turing", "--email", "alan@acme.example", "--role", "rep"});
  cli.Ok({"team", "add", "--name", "North", "--manager", "U-2", "--member", "U-3"});
  cli.Ok({"company", "add", "--name", "Globex GmbH", "--domain", "globex.example", "--country", "DE"});
  cli.Ok({"contact", "add", "--first", "Marie", "--last", "Curie", "--email", "marie@globex.example", "--company", "CO-1"});
  cli.Ok({"pipeline", "add", "--name", "New business", "--stage", "qualify:Qualify:10", "--stage", "demo:Demo:40",
          "--stage", "proposal:Proposal:70"});
}

TEST_CASE("record verbs add, change and show records, --json matches the table", "[cli]") {
  Cli cli;
  Setup(cli);
  Run added = cli.Ok({"deal", "add", "--name", "Globex robots", "--pipeline", "PL-1", "--amount", "25000",
                      "--close", "2026-12-31", "--company", "CO-1", "--contact", "C-1", "--owner", "U-3", "--json"});
  auto j = added.Json();
  CHECK(j["code"] == "ok");
  CHECK(j["record_type"] == "deal");
  CHECK(j["record_id"] == "D-1");
  CHECK(j["version"] == 1);

  Run moved = cli.Ok({"deal", "move", "D-1", "--stage", "demo"});
  CHECK(moved.out.find("moved deal D-1 (version 2") != std::string::npos);
  cli.Ok({"--as", "U-3", "deal", "move", "D-1", "--stage", "proposal"});
  cli.Ok({"activity", "call", "--contact", "C-1", "--deal", "D-1", "--duration", "600", "--outcome", "connected",
          "--notes", "Wants a demo", "--occurred", "2026-11-20T10:00:00Z"});
  cli.Ok({"task", "add", "--title", "Send proposal", "--due", "2026-11-28", "--contact", "C-1", "--assignee", "U-3"});
  cli.Ok({"task", "done", "TSK-1"});
  cli.Ok({"deal", "win", "D-1", "--amount", "24000 EUR"});

  Run show = cli.Ok({"deal", "show", "D-1"});
  CHECK(show.out.find("status               won") != std::string::npos);
  CHECK(show.out.find("24000.00 EUR") != std::string::npos);
  auto sj = cli.Ok({"deal", "show", "D-1", "--json"}).Json();
  CHECK(sj["fields"]["status"] == "won");
  CHECK(sj["fields"]["amount"]["amount_minor"] == 2400000);
  CHECK(sj["fields"]["amount"]["currency"] == "EUR");
  CHECK(sj["fields"]["owner_id"] == "U-3");
  CHECK(sj["version"] == 4);

  auto task = cli.Ok({"task", "show", "TSK-1", "--json"}).Json();
  CHECK(task["fields"]["status"] == "done");

  // list: the table and --json name the same records.
  cli.Ok({"contact", "add", "--first", "Pierre", "--last", "Curie", "--email", "pierre@globex.example"});
  Run table = cli.Ok({"contact", "list"});
  auto list = cli.Ok({"contact", "list", "--json"}).Json();
  REQUIRE(list["items"].size() == 2);
  for (const auto& item : list["items"]) {
    CHECK(table.out.find(item["id"].get<std::string>()) != std::string::npos);
    CHECK(table.out.find(item["fields"]["emails"][0].get<std::string>()) != std::string::npos);
  }
  auto filtered = cli.Ok({"contact", "list", "--where", "company_id=CO-1", "--json"}).Json();
  REQUIRE(filtered["items"].size() == 1);
  CHECK(filtered["items"][0]["id"] == "C-1");
  auto paged = cli.Ok({"contact", "list", "--limit", "1", "--json"}).Json();
  REQUIRE(paged["items"].size() == 1);
  CHECK(paged["next_after"] == "C-1");

  // Updates and history.
  cli.Ok({"contact", "update", "C-1", "--set", "title=CTO", "--unset", "phones"});
  CHECK(cli.Ok({"contact", "show", "C-1", "--json"}).Json()["fields"]["title"] == "CTO");
  Run history = cli.Ok({"history", "contact/C-1"});
  CHECK(history.out.find("CTO") != std::string::npos);
}

TEST_CASE("errors have exit codes by class and say what to do", "[cli]") {
  Cli cli;
  // Not initialised: a hint, not a crash.
  Run none = cli({"contact", "list"});
  CHECK(none.code == 3);
  CHECK(none.err.find("rapport demo") != std::string::npos);
  Setup(cli);

  Run usage = cli({"user", "add", "--name", "X", "--email", "x@acme.example", "--role", "boss"});
  CHECK(usage.code == 2);
  CHECK(usage.err.find("--role: 'boss' is not one of admin, manager, rep, analyst") != std::string::npos);
  Run missing = cli({"deal", "add", "--pipeline", "PL-1"});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--name is required") != std::string::npos);
  Run bad_flag = cli({"deal", "add", "--nme", "x"});
  CHECK(bad_flag.code == 2);
  Run bad_money = cli({"deal", "add", "--name", "x", "--pipeline", "PL-1", "--amount", "12.345 EUR"});
  CHECK(bad_money.code == 2);
  CHECK(bad_money.err.find("amount") != std::string::npos);

  Run not_found = cli({"deal", "win", "D-9"});
  CHECK(not_found.code == 3);
  CHECK(not_found.err.find("D-9") != std::string::npos);
  Run not_found_show = cli({"contact", "show", "C-99"});
  CHECK(not_found_show.code == 3);

  Run again = cli({"init"});
  CHECK(again.code == 4);
  cli.Ok({"deal", "add", "--name", "x", "--pipeline", "PL-1"});
  cli.Ok({"deal", "lose", "D-1", "--reason", "budget"});
  Run conflict = cli({"deal", "win", "D-1"});
  CHECK(conflict.code == 4);

  Run denied = cli({"--as", "U-3", "user", "add", "--name", "Eve", "--email", "eve@acme.example", "--role", "admin"});
  CHECK(denied.code == 5);

  // --json errors are one JSON object on stdout too.
  Run jerr = cli({"deal", "win", "D-9", "--json"});
  CHECK(jerr.code == 3);
  CHECK(jerr.Json()["error"]["code"] == "not_found");

  // Nothing was appended by any of the failures: the log verifies and holds only the successes.
  auto stats = cli.Ok({"log", "verify", "--json"}).Json();
  CHECK(stats["problems"].size() == 0);
}

TEST_CASE("a directory held by another process is unavailable", "[cli]") {
  Cli cli;
  Setup(cli);
  events::LogOptions o;
  o.dir = cli.data();
  o.create_if_missing = false;
  std::unique_ptr<events::EventLog> held;
  REQUIRE(events::EventLog::Open(o, &held).ok());
  Run r = cli({"contact", "list"});
  CHECK(r.code == 6);
}

TEST_CASE("exec runs JSON commands, one result a line, retries change nothing", "[cli]") {
  Cli cli;
  Setup(cli);
  std::string input =
      R"({"command_id":"s-1","body_type":"CreateCompany","body":{"name":"Initech","domain":"initech.example"}})" "\n"
      R"({"command_id":"s-2","body_type":"CreateContact","body":{"first_name":"Peter","emails":["peter@initech.example"]}})" "\n"
      R"({"command_id":"s-1","body_type":"CreateCompany","body":{"name":"Initech","domain":"initech.example"}})" "\n"
      R"({"body_type":"NoSuchCommand","body":{}})" "\n";
  Run r = cli({"exec", "--keep-going", "--json"}, input);
  CHECK(r.code == 2);
  auto lines = r.Lines();
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["record_id"] == "CO-2");
  CHECK(lines[1]["record_type"] == "contact");
  CHECK(lines[2]["duplicate"] == true);
  CHECK(lines[2]["record_id"] == "CO-2");
  CHECK(lines[3]["code"] == "invalid_argument");
}

}  // namespace
}  // namespace rapport::cli::testing

namespace rapport::cli::testing {
namespace {

TEST_CASE("API tokens: the secret is shown once and never stored, admin only, revocable", "[cli][token]") {
  Cli cli;
  Setup(cli);
  auto created = cli.Ok({"token", "create", "--user", "U-3", "--name", "laptop", "--json"}).Json();
  std::string secret = created["secret"];
  CHECK(secret.rfind("rpt_", 0) == 0);
  CHECK(secret.size() == 4 + 52);
  CHECK(created["token_id"] == "TOK-1");

  Run list = cli.Ok({"token", "list"});
  CHECK(list.out.find("TOK-1") != std::string::npos);
  CHECK(list.out.find(secret.substr(0, 8)) != std::string::npos);  // the hint
  CHECK(list.out.find(secret) == std::string::npos);
  Run log = cli.Ok({"export", "log"});
  CHECK(log.out.find("TokenIssued") != std::string::npos);
  CHECK(log.out.find(secret) == std::string::npos);
  CHECK(log.out.find(secret.substr(8)) == std::string::npos);

  CHECK(cli({"--as", "U-3", "token", "create", "--user", "U-3", "--name", "mine"}).code == 5);
  CHECK(cli({"--as", "U-3", "token", "list"}).code == 5);
  CHECK(cli({"token", "create", "--user", "U-9", "--name", "x"}).code == 3);
  CHECK(cli({"token", "create", "--user", "U-3", "--name", "x", "--expires", "2001-01-01"}).code == 2);

  cli.Ok({"token", "revoke", "TOK-1", "--reason", "laptop lost"});
  auto after = cli.Ok({"token", "list", "--json"}).Json();
  CHECK(after["tokens"][0]["state"] == "revoked");
  CHECK(cli({"token", "revoke", "TOK-1"}).code == 4);
}

}  // namespace
}  // namespace rapport::cli::testing
