// rapportd as a process, and `rapport --connect`: first start, the same commands, views and
// output as embedded mode, clear errors for a wrong token or an unreachable server, the
// directory lock, and a clean SIGTERM.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli_harness.h"
#include "rapportd_process.h"
#include "events/clock.h"

using namespace rapport::cli::testing;

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The answer without the instants of views of "now" (they say when the command ran).
nlohmann::json WithoutNowInstants(nlohmann::json j) {
  for (const char* key : {"view", "from", "to"}) {
    if (j.is_object() && j.contains(key) && j[key].value("mode", "") == "now") j[key].erase("instant");
  }
  return j;
}

std::string Joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

TEST_CASE("rapport --connect runs the same commands as embedded mode, through rapportd", "[cli][server]") {
  Cli cli;
  Rapportd d(cli.data(), cli.Path("rapportd.log"));
  INFO(d.log());
  REQUIRE(d.listening());
  CHECK(d.log().find("first start") != std::string::npos);
  std::string token = Trim(Slurp(cli.data() + "/initial-admin-token"));
  REQUIRE(token.rfind("rpt_", 0) == 0);
  auto remote = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--connect", d.address(), "--token", token});
    return cli.Raw(args);
  };

  // Embedded access is refused while rapportd holds the directory, with the way out.
  auto locked = cli({"contact", "list"});
  CHECK(locked.code == 6);
  CHECK(locked.err.find("rapportd") != std::string::npos);
  CHECK(locked.err.find("--connect") != std::string::npos);

  auto add = remote({"contact", "add", "--first", "Ada", "--last", "Lovelace", "--email", "ada@example.com"});
  INFO(add.err);
  REQUIRE(add.code == 0);
  CHECK(add.out.find("added contact C-1") != std::string::npos);
  REQUIRE(remote({"user", "add", "--name", "Grace Hopper", "--email", "grace@example.com", "--role", "rep"}).code == 0);
  auto bad = remote({"contact", "add", "--first", "X", "--email", "not-an-email"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("emails") != std::string::npos);
  auto shown_remote = remote({"contact", "show", "C-1", "--json"});
  REQUIRE(shown_remote.code == 0);
  auto listed_remote = remote({"user", "list"});
  REQUIRE(listed_remote.code == 0);
  CHECK(listed_remote.out.find("Grace Hopper") != std::string::npos);

  // A token made over the connection works; the environment variable is read too.
  auto made = remote({"token", "create", "--user", "U-2", "--name", "grace's laptop", "--json"});
  REQUIRE(made.code == 0);
  std::string graces = made.Json()["secret"];
  auto as_grace = cli.Raw({"--connect", d.address(), "--token", graces, "user", "add", "--name", "Eve",
                           "--email", "eve@example.com", "--role", "admin"});
  CHECK(as_grace.code == 5);  // a rep may not create users: the actor is the token's user

  // The log over the connection.
  auto tail = remote({"log", "tail", "-n", "3", "--json"});
  REQUIRE(tail.code == 0);
  auto lines = tail.Lines();
  REQUIRE(lines.size() == 3);
  // Without --backup-root, rapportd writes no backups for anyone.
  auto no_root = remote({"backup", "/tmp/x"});
  CHECK(no_root.code != 0);
  CHECK(no_root.err.find("--backup-root") != std::string::npos);
  auto one = remote({"log", "show", "1", "--json"});
  REQUIRE(one.code == 0);
  CHECK(one.Json()["position"] == 1);
  CHECK(remote({"log", "show", "999999"}).code == 3);
  // Wrong token and unreachable server: clear errors and their exit codes.
  auto wrong = cli.Raw({"--connect", d.address(), "--token", "rpt_wrong", "contact", "list"});
  CHECK(wrong.code == 5);
  CHECK(wrong.err.find("rapport token create") != std::string::npos);
  auto none = cli.Raw({"--connect", "127.0.0.1:1", "--token", token, "contact", "list"});
  CHECK(none.code == 6);
  CHECK(none.err.find("cannot reach rapportd at 127.0.0.1:1") != std::string::npos);
  auto no_token = cli.Raw({"--connect", d.address(), "contact", "list"});
  CHECK(no_token.code == 5);
  CHECK(no_token.err.find("RAPPORT_TOKEN") != std::string::npos);

  // A second rapportd on the same directory is refused.
  Rapportd second(cli.data(), cli.Path("second.log"));
  CHECK_FALSE(second.listening());
  CHECK(second.Stop() == 6);
  CHECK(second.log().find("in use by pid") != std::string::npos);

  // SIGTERM: a clean stop, and the same record read embedded afterwards prints the same.
  CHECK(d.Stop(SIGTERM) == 0);
  CHECK(d.log().find("stopped cleanly") != std::string::npos);
  auto shown_local = cli({"contact", "show", "C-1", "--json"});
  REQUIRE(shown_local.code == 0);
  CHECK(shown_local.Json() == shown_remote.Json());
  auto verify = cli({"log", "verify"});
  CHECK(verify.code == 0);
}

TEST_CASE("every view prints the same over --connect as embedded on the same data directory", "[cli][server]") {
  Cli cli;
  Rapportd d(cli.data(), cli.Path("rapportd.log"));
  INFO(d.log());
  REQUIRE(d.listening());
  std::string token = Trim(Slurp(cli.data() + "/initial-admin-token"));
  auto remote = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--connect", d.address(), "--token", token});
    Run r = cli.Raw(args);
    INFO("rapport --connect " << Joined(args) << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r;
  };

  // A small workspace, written through rapportd: a rep, a company with two contacts who look
  // like the same person, a pipeline, deals moved between its stages (one won), a call and a
  // task due today.
  std::string today = rapport::FormatIsoDate(rapport::SystemClock()->NowMicros());
  remote({"user", "add", "--name", "Grace Hopper", "--email", "grace@acme.example", "--role", "rep"});
  remote({"company", "add", "--name", "Globex GmbH", "--domain", "globex.example", "--owner", "U-2"});
  remote({"contact", "add", "--first", "Marie", "--last", "Curie", "--email", "marie@globex.example", "--company",
          "CO-1", "--owner", "U-2"});
  remote({"contact", "add", "--first", "Marie", "--last", "Curie", "--email", "marie@globex.example", "--company",
          "CO-1"});
  remote({"pipeline", "add", "--name", "New business", "--stage", "qualify:Qualify:10", "--stage", "demo:Demo:40",
          "--stage", "proposal:Proposal:70"});
  remote({"deal", "add", "--name", "Globex robots", "--pipeline", "PL-1", "--amount", "25000", "--close",
          "2099-12-31", "--company", "CO-1", "--contact", "C-1", "--owner", "U-2"});
  remote({"deal", "add", "--name", "Globex arms", "--pipeline", "PL-1", "--amount", "12000", "--company", "CO-1",
          "--owner", "U-2"});
  remote({"deal", "add", "--name", "Globex grippers", "--pipeline", "PL-1", "--amount", "4000", "--company", "CO-1"});
  remote({"deal", "move", "D-1", "--stage", "demo"});
  remote({"deal", "move", "D-1", "--stage", "proposal"});
  remote({"deal", "move", "D-2", "--stage", "demo"});
  remote({"deal", "win", "D-3"});
  remote({"activity", "call", "--contact", "C-1", "--deal", "D-1", "--duration", "600", "--outcome", "connected",
          "--notes", "Wants a demo"});
  remote({"task", "add", "--title", "Send the proposal", "--due", today, "--contact", "C-1", "--assignee", "U-2"});

  // A fixed instant after every write, so that the views (and their days-since figures) are
  // the same whenever they are asked.
  rapport::Micros now = rapport::SystemClock()->NowMicros();
  rapport::Micros at = (now / rapport::kMicrosPerSecond + 2) * rapport::kMicrosPerSecond;
  while (rapport::SystemClock()->NowMicros() <= at) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string as_of = rapport::FormatIso8601(at);

  const std::vector<std::vector<std::string>> views = {
      {"board", "PL-1"},
      {"board", "--limit", "1"},
      {"diff", "PL-1", "--from", "2020-01-01", "--to", as_of},
      {"forecast", "--group", "owner"},
      {"report", "winrate"},
      {"followups"},
      {"stale", "--days", "0", "--min-amount", "5000"},
      {"timeline", "D-1", "-n", "3"},
      {"timeline", "company/CO-1"},
      {"history", "D-1"},
      {"search", "mar"},
      {"duplicates"},
  };
  auto with = [](std::vector<std::string> args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
    return args;
  };
  std::vector<Run> tables, jsons, nows;
  for (const auto& v : views) {
    bool diff = v[0] == "diff";
    tables.push_back(remote(diff ? v : with(v, {"--as-of", as_of})));
    jsons.push_back(remote(with(diff ? v : with(v, {"--as-of", as_of}), {"--json"})));
    if (!diff) nows.push_back(remote(with(v, {"--json"})));
  }
  // The views are about something.
  CHECK(tables[0].out.find("2 open deals") != std::string::npos);
  CHECK(tables[0].out.find("Grace Hopper") != std::string::npos);
  CHECK(tables[5].out.find("Send the proposal") != std::string::npos);
  CHECK(tables[5].out.find("Grace Hopper (U-2)") != std::string::npos);
  CHECK(jsons[2].Json()["end_minor"] == 3700000);
  CHECK(jsons[2].Json()["to"]["instant"] == as_of);
  CHECK(jsons[6].Json()["items"].size() == 2);
  CHECK(jsons[7].Json()["entries"].size() == 3);
  CHECK(jsons[9].Json()["changes"].size() >= 3);
  CHECK(jsons[10].Json().size() == 2);
  CHECK(!jsons[11].Json().empty());
  CHECK(jsons[4].Json()["view"]["instant"] == as_of);

  // The same errors, naming the flag at fault.
  auto bad_amount = cli.Raw({"--connect", d.address(), "--token", token, "stale", "--min-amount", "lots"});
  CHECK(bad_amount.code == 2);
  CHECK(bad_amount.err.find("--min-amount") != std::string::npos);
  auto bad_cursor = cli.Raw({"--connect", d.address(), "--token", token, "timeline", "D-1", "--after", "page-2"});
  CHECK(bad_cursor.code == 2);
  CHECK(bad_cursor.err.find("--after") != std::string::npos);

  // Embedded, on the same directory once rapportd has stopped: the same bytes.
  REQUIRE(d.Stop(SIGTERM) == 0);
  size_t n = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    const auto& v = views[i];
    bool diff = v[0] == "diff";
    INFO(Joined(v));
    Run table = cli.Ok(diff ? v : with(v, {"--as-of", as_of}));
    CHECK(table.out == tables[i].out);
    Run json = cli.Ok(with(diff ? v : with(v, {"--as-of", as_of}), {"--json"}));
    CHECK(json.out == jsons[i].out);
    if (!diff) {
      Run now = cli.Ok(with(v, {"--json"}));
      CHECK(WithoutNowInstants(now.Json()) == WithoutNowInstants(nows[n].Json()));
      ++n;
    }
  }
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"stale", "--min-amount", "lots"}, {"timeline", "D-1", "--after", "page-2"}}) {
    Run r = cli(bad);
    CHECK(r.code == 2);
    CHECK(r.err == (bad[0] == "stale" ? bad_amount.err : bad_cursor.err));
  }
}

TEST_CASE("import and export and the admin commands work over --connect", "[cli][server]") {
  Cli cli;
  Rapportd d(cli.data(), cli.Path("rapportd.log"), {"--backup-root", cli.Path("backups")});
  INFO(d.log());
  REQUIRE(d.listening());
  std::string token = Trim(Slurp(cli.data() + "/initial-admin-token"));
  auto remote = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--connect", d.address(), "--token", token});
    Run r = cli.Raw(args);
    UNSCOPED_INFO("rapport --connect " << Joined(args) << "\nstdout: " << r.out << "\nstderr: " << r.err);
    return r;
  };

  // Import: 60 contacts over 4 connections in parallel, one refused row named by its line.
  REQUIRE(remote({"company", "add", "--name", "Initech"}).code == 0);
  std::string csv = "first_name,last_name,email,company\n";
  for (int i = 0; i < 60; ++i) {
    csv += "First" + std::to_string(i) + ",Last" + std::to_string(i) + ",p" + std::to_string(i) +
           "@import.example,Initech\n";
  }
  csv += "Bad,Row,not-an-email,Initech\n";
  std::ofstream(cli.Path("contacts.csv")) << csv;
  auto imported = remote({"import", "contacts", cli.Path("contacts.csv"), "--threads", "4", "--json"});
  CHECK(imported.code == 1);  // one row was refused
  auto ij = imported.Json();
  CHECK(ij["imported"] == 60);
  CHECK(ij["refused"] == 1);
  CHECK(ij["refusals"][0]["line"] == 62);
  // Importing the same file again writes nothing new (the rows' command ids repeat).
  auto again = remote({"import", "contacts", cli.Path("contacts.csv"), "--threads", "4", "--json"});
  CHECK(again.Json()["imported"] == 0);
  CHECK(again.Json()["already_imported"] == 60);

  // Export: the log and records, as embedded export prints them (checked after the stop).
  auto log_remote = remote({"export", "log"});
  REQUIRE(log_remote.code == 0);
  auto contacts_remote = remote({"export", "contact"});
  REQUIRE(contacts_remote.code == 0);
  CHECK(std::count(contacts_remote.out.begin(), contacts_remote.out.end(), '\n') == 61);  // header + 60

  // Admin questions rapportd answers about its own log.
  auto stats = remote({"log", "stats", "--json"});
  REQUIRE(stats.code == 0);
  CHECK(stats.Json()["events_by_type"]["ContactCreated"] == 60);
  CHECK(remote({"log", "stats"}).out.find("ContactCreated") != std::string::npos);
  auto verify = remote({"log", "verify", "--json"});
  REQUIRE(verify.code == 0);
  CHECK(verify.Json()["ok"] == true);
  CHECK(verify.Json()["events_checked"] == stats.Json()["events"]);
  // Backups go under the --backup-root rapportd was started with, nowhere else.
  auto backup = remote({"backup", "nightly", "--json"});
  REQUIRE(backup.code == 0);
  CHECK(backup.Json()["id"] == 1);
  CHECK(backup.Json()["dir"] == cli.Path("backups") + "/nightly");
  auto outside = remote({"backup", "../elsewhere"});
  CHECK(outside.code == 5);
  CHECK(outside.err.find("outside the backup root") != std::string::npos);
  CHECK(remote({"backup", "/tmp/anywhere"}).code == 5);
  // A symbolic link inside the root does not lead out of it.
  std::filesystem::create_directories(cli.Path("elsewhere"));
  std::filesystem::create_symlink(cli.Path("elsewhere"), cli.Path("backups") + "/link");
  auto linked = remote({"backup", "link/nightly"});
  CHECK(linked.code == 5);
  CHECK_FALSE(std::filesystem::exists(cli.Path("elsewhere") + "/nightly"));
  CHECK(backup.Json()["dir"] == cli.Path("backups") + "/nightly");
  CHECK(remote({"backup", "nightly"}).out.find("rapport restore " + cli.Path("backups") + "/nightly") !=
        std::string::npos);
  // Not for a rep: the admin requests need an admin's token.
  auto rep = remote({"user", "add", "--name", "Rep", "--email", "rep@example.com", "--role", "rep"});
  REQUIRE(rep.code == 0);
  auto made = remote({"token", "create", "--user", "U-2", "--name", "rep", "--json"});
  REQUIRE(made.code == 0);
  std::string reps = made.Json()["secret"];
  auto refused = cli.Raw({"--connect", d.address(), "--token", reps, "log", "stats"});
  CHECK(refused.code == 5);
  CHECK(refused.err.find("admin") != std::string::npos);
  // Commands that make a data directory say why they do not go through rapportd.
  for (auto args : std::vector<std::vector<std::string>>{{"init"}, {"demo"}, {"rebuild"}, {"restore", "x"}}) {
    auto r = remote(args);
    CHECK(r.code != 0);
    CHECK(r.err.find("--connect") != std::string::npos);
  }

  REQUIRE(d.Stop(SIGTERM) == 0);
  auto log_local = cli({"export", "log"});
  REQUIRE(log_local.code == 0);
  // The rep's token and user events came after the remote export.
  auto remote_lines = log_remote.Lines();
  auto local_lines = log_local.Lines();
  REQUIRE(local_lines.size() > remote_lines.size());
  local_lines.resize(remote_lines.size());
  CHECK(local_lines == remote_lines);
  auto contacts_local = cli({"export", "contact"});
  REQUIRE(contacts_local.code == 0);
  CHECK(contacts_local.out == contacts_remote.out);
  // The backup restores to a log that verifies.
  auto restored = cli.Raw({"--data", cli.Path("restored"), "restore", cli.Path("backups") + "/nightly"});
  CHECK(restored.code == 0);
}
