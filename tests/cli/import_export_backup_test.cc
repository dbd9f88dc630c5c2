// Import, export, backup and restore end to end, and the Maven CRM data set.
#include <filesystem>

#include "cli_harness.h"

namespace rapport::cli::testing {
namespace {

void Init(const Cli& cli) {
  cli.Ok({"init", "--name", "Acme", "--currency", "EUR", "--admin-name", "Ada Lovelace", "--admin-email", "ada@acme.example"});
  cli.Ok({"user", "add", "--name", "Grace Hopper", "--email", "grace@acme.example", "--role", "manager"});
}

TEST_CASE("a CSV with bad rows reports each by line and commits the rest, re-import adds nothing", "[cli][import]") {
  Cli cli;
  Init(cli);
  std::ofstream(cli.Path("companies.csv")) << "Company name,Company Domain Name,Industry,Number of Employees\n"
                                              "Globex GmbH,globex.example,Manufacturing,1200\n"
                                              "\"Initech, Inc.\",initech.example,Software,\"1,500\"\n";
  Run co = cli.Ok({"import", "companies", cli.Path("companies.csv"), "--threads", "1"});
  CHECK(co.out.find("2 rows, 2 imported") != std::string::npos);

  // HubSpot-style headers, a quoted field with a line break, and three bad rows.
  std::ofstream(cli.Path("contacts.csv"))
      << "First Name,Last Name,Email,Company Name,Contact owner,Create Date,Notes\n"
         "Marie,Curie,marie@globex.example,Globex GmbH,grace@acme.example,2017-03-01T09:30:00Z,\"two\nlines\"\n"
         "Bad,Email,not-an-email,Globex GmbH,,,\n"
         "Peter,Gibbons,peter@initech.example,\"Initech, Inc.\",Grace Hopper,2017-05-02,\n"
         "No,Company,no@where.example,Umbrella,,,\n"
         "Late,Date,late@globex.example,Globex GmbH,,30/06/2017,\n";
  Run r = cli({"import", "contacts", cli.Path("contacts.csv"), "--threads", "1"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("ignoring columns: Notes") != std::string::npos);
  CHECK(r.err.find("line 4: ") != std::string::npos);  // the bad email (the quoted line break is line 3)
  CHECK(r.err.find("line 6: not_found: company: no company 'Umbrella'") != std::string::npos);
  CHECK(r.err.find("line 7: invalid_argument: created") != std::string::npos);
  CHECK(r.out.find("5 rows, 2 imported, 0 already imported, 3 refused") != std::string::npos);

  auto list = cli.Ok({"contact", "list", "--json"}).Json();
  REQUIRE(list["items"].size() == 2);
  auto marie = list["items"][0];
  CHECK(marie["fields"]["company_id"] == "CO-1");
  CHECK(marie["fields"]["owner_id"] == "U-2");
  CHECK(marie["created_at"] == "2017-03-01T09:30:00Z");  // the original time, as occurred_at
  CHECK(list["items"][1]["fields"]["company_id"] == "CO-2");

  uint64_t before = cli.Ok({"log", "stats", "--json"}).Json()["events"];
  Run again = cli({"import", "contacts", cli.Path("contacts.csv"), "--json"});
  CHECK(again.code == 1);
  auto aj = again.Json();
  CHECK(aj["imported"] == 0);
  CHECK(aj["already_imported"] == 2);
  CHECK(aj["refused"] == 3);
  CHECK(aj["refusals"][0]["line"] == 4);
  uint64_t after = cli.Ok({"log", "stats", "--json"}).Json()["events"];
  CHECK(after == before);

  // An unknown --map target is a usage error naming the fields.
  Run bad_map = cli({"import", "contacts", cli.Path("contacts.csv"), "--map", "Notes=nonsense"});
  CHECK(bad_map.code == 2);
  CHECK(bad_map.err.find("first_name") != std::string::npos);
}

TEST_CASE("deals import opens, wins and loses with the original dates", "[cli][import]") {
  Cli cli;
  Init(cli);
  cli.Ok({"pipeline", "add", "--name", "Sales", "--stage", "qualify:Qualify:10", "--stage", "proposal:Proposal:60"});
  cli.Ok({"company", "add", "--name", "Globex GmbH"});
  std::ofstream(cli.Path("deals.csv")) << "Opportunity Name,Stage,Amount,Close Date,Opportunity Owner,Account Name,Created Date\n"
                                          "Robots,Proposal,12000,2017-07-31,Grace Hopper,Globex GmbH,2017-05-01\n"
                                          "Arms,Closed Won,5000 USD,2017-06-15,,Globex GmbH,2017-04-01\n"
                                          "Legs,Closed Lost,800,2017-06-20,,,2017-04-03\n"
                                          "Heads,Negotiation,1,,,,\n";
  // One thread, so ids are allocated in row order (with several, rows finish in any order).
  Run r = cli({"import", "deals", cli.Path("deals.csv"), "--threads", "1"});
  CHECK(r.code == 1);
  CHECK(r.err.find("line 5: invalid_argument: stage: 'Negotiation' is not a stage of Sales") != std::string::npos);
  auto won = cli.Ok({"deal", "show", "D-2", "--json"}).Json();
  CHECK(won["fields"]["status"] == "won");
  CHECK(won["fields"]["amount"]["currency"] == "USD");
  CHECK(won["updated_at"] == "2017-06-15T00:00:00Z");
  auto lost = cli.Ok({"deal", "show", "D-3", "--json"}).Json();
  CHECK(lost["fields"]["status"] == "lost");
  auto open = cli.Ok({"deal", "show", "D-1", "--json"}).Json();
  CHECK(open["fields"]["stage_id"] == "proposal");
  CHECK(open["fields"]["expected_close_date"] == "2017-07-31");
}

TEST_CASE("export writes records as CSV and JSON Lines and the log as JSON Lines, as of an instant", "[cli][export]") {
  Cli cli;
  Init(cli);
  cli.Ok({"company", "add", "--name", "Globex, \"the\" company", "--domain", "globex.example"});
  Run csv = cli.Ok({"export", "company"});
  CHECK(csv.out.rfind("id,state,version,created_at,created_by,updated_at,name,domain", 0) == 0);
  CHECK(csv.out.find("\"Globex, \"\"the\"\" company\",globex.example") != std::string::npos);
  Run jl = cli.Ok({"export", "company", "--format", "jsonl"});
  auto rows = jl.Lines();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["fields"]["domain"] == "globex.example");

  auto events = cli.Ok({"export", "log"}).Lines();
  uint64_t total = cli.Ok({"log", "stats", "--json"}).Json()["events"];
  REQUIRE(events.size() == total);
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["position"] == i + 1);
    CHECK(events[i].contains("recorded_at"));
    CHECK(events[i].contains("occurred_at"));
    CHECK(events[i].contains("actor"));
    CHECK(events[i].contains("command_id"));
    CHECK(events[i].contains("payload"));
  }
  // As of an instant before the log existed: nothing.
  CHECK(cli.Ok({"export", "log", "--as-of", "2001-01-01"}).out.empty());
  CHECK(cli.Ok({"export", "company", "--as-of", "2001-01-01", "--format", "jsonl"}).out.empty());
}

TEST_CASE("backup, restore, log verify is clean and the views are identical", "[cli][backup]") {
  Cli cli;
  Init(cli);
  cli.Ok({"pipeline", "add", "--name", "Sales", "--stage", "qualify:Qualify:10", "--stage", "proposal:Proposal:60"});
  cli.Ok({"company", "add", "--name", "Globex"});
  cli.Ok({"deal", "add", "--name", "Robots", "--pipeline", "PL-1", "--amount", "12000", "--company", "CO-1"});
  cli.Ok({"deal", "move", "D-1", "--stage", "proposal"});
  cli.Ok({"backup", cli.Path("backups")});
  cli.Ok({"deal", "add", "--name", "After the backup", "--pipeline", "PL-1"});
  cli.Ok({"backup", cli.Path("backups")});
  auto list = cli.Ok({"backup", cli.Path("backups"), "--list", "--json"}).Json();
  REQUIRE(list["backups"].size() == 2);

  std::string restored = cli.Path("restored");
  Run r = cli.Raw({"--data", restored, "restore", cli.Path("backups")});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("log verified clean") != std::string::npos);
  Run verify = cli.Raw({"--data", restored, "log", "verify", "--json"});
  REQUIRE(verify.code == 0);
  CHECK(verify.Json()["ok"] == true);
  for (std::vector<std::string> view : {std::vector<std::string>{"board", "PL-1"}, {"forecast"}, {"deal", "list"},
                                        {"timeline", "company/CO-1"}, {"export", "log"}}) {
    Run a = cli.Ok(view);
    view.insert(view.begin(), {"--data", restored});
    Run b = cli.Raw(view);
    CHECK(b.code == 0);
    CHECK(a.out == b.out);
  }
  // The first backup holds the log as it was then.
  std::string older = cli.Path("older");
  REQUIRE(cli.Raw({"--data", older, "restore", cli.Path("backups"), "--id", "1"}).code == 0);
  CHECK(cli.Raw({"--data", older, "deal", "list", "--json"}).Json()["items"].size() == 1);
  // A restore never overwrites a log.
  Run over = cli.Raw({"--data", restored, "restore", cli.Path("backups")});
  CHECK(over.code == 4);
  // A damaged backup is refused.
  for (const auto& f : std::filesystem::recursive_directory_iterator(cli.Path("backups") + "/shared_checksum")) {
    if (f.path().extension() == ".sst") {
      std::fstream io(f.path(), std::ios::in | std::ios::out | std::ios::binary);
      io.seekp(100);
      io.write("garbage!", 8);
    }
  }
  Run damaged = cli.Raw({"--data", cli.Path("from-damaged"), "restore", cli.Path("backups")});
  CHECK(damaged.code == 7);
  CHECK(!std::filesystem::exists(cli.Path("from-damaged") + "/db"));
}

TEST_CASE("the Maven CRM data set imports faithfully and re-import adds nothing", "[cli][maven]") {
  const std::string maven = RAPPORT_MAVEN_DIR;
  if (!std::filesystem::exists(maven + "/sales_pipeline.csv")) {
    WARN("skipped: the Maven CRM data set is not at " << maven << " (it sits beside the repository in CI)");
    return;
  }
  Cli cli;
  auto j = cli.Ok({"import", "maven", maven, "--json"}).Json();
  CHECK(j["refused"] == 0);
  CHECK(j["deals_Won"] == 4238);
  CHECK(j["deals_Lost"] == 2473);
  CHECK(j["deals_Engaging"] == 1589);
  CHECK(j["deals_Prospecting"] == 500);

  // Count what the log now holds, independently of the importer's own tally.
  std::map<std::string, int> status, stage;
  std::string after;
  size_t deals = 0;
  while (true) {
    std::vector<std::string> args{"deal", "list", "--limit", "5000", "--json"};
    if (!after.empty()) args.insert(args.end(), {"--after", after});
    auto page = cli.Ok(args).Json();
    for (const auto& d : page["items"]) {
      ++deals;
      ++status[d["fields"]["status"].get<std::string>()];
      if (d["fields"]["status"] == "open") ++stage[d["fields"]["stage_id"].get<std::string>()];
    }
    if (page["next_after"].is_null()) break;
    after = page["next_after"];
  }
  CHECK(deals == 8800);
  CHECK(status["won"] == 4238);
  CHECK(status["lost"] == 2473);
  CHECK(stage["engaging"] == 1589);
  CHECK(stage["prospecting"] == 500);

  // A won deal keeps its dates and value; the product's misspelling is reconciled.
  auto d = cli.Ok({"deal", "show", "Z063OYW0", "--json"}).Json();  // Darcel Schlecht, GTXPro, Isdom, won
  CHECK(d["fields"]["status"] == "won");
  CHECK(d["fields"]["amount"]["amount_minor"] == 451400);
  CHECK(d["fields"]["close_date"] == "2017-03-11");
  CHECK(d["created_at"] == "2016-10-25T00:00:00Z");
  CHECK(d["fields"]["name"] == "Isdom – GTX Pro");

  uint64_t before = cli.Ok({"log", "stats", "--json"}).Json()["events"];
  auto again = cli.Ok({"import", "maven", maven, "--json"}).Json();
  CHECK(again["imported"] == 0);
  CHECK(again["refused"] == 0);
  uint64_t after_events = cli.Ok({"log", "stats", "--json"}).Json()["events"];
  CHECK(after_events == before);
}

}  // namespace
}  // namespace rapport::cli::testing
