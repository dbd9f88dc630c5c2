// `rapport score ...`: the model from a file (bad ones named precisely), a lead's score and
// its reasons, the list, the report, scores of the past, and rapportd scoring by itself.
#include <fstream>
#include <thread>

#include "cli_harness.h"
#include "rapportd_process.h"

using namespace rapport;
using namespace rapport::cli::testing;

namespace {

void Setup(Cli& cli) {
  cli.Ok({"init", "--name", "Acme", "--currency", "EUR", "--admin-name", "Ada Lovelace", "--admin-email", "ada@acme.example"});
  cli.Ok({"company", "add", "--name", "Globex", "--industry", "Software", "--employees", "500"});
  cli.Ok({"contact", "add", "--first", "Marie", "--last", "Curie", "--email", "marie@globex.example", "--company", "CO-1",
          "--title", "VP Sales"});
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("the scoring model is set from a file and leads are scored with reasons", "[cli][scoring]") {
  Cli cli;
  Setup(cli);
  Run none = cli({"score", "model", "show"});
  CHECK(none.code == 3);
  CHECK_THAT(none.err, Catch::Contains("rapport score model template"));

  // The template is a model that sets as it is.
  Run tpl = cli.Ok({"score", "model", "template"});
  Write(cli.Path("model.json"), tpl.out);
  cli.Ok({"score", "model", "set", cli.Path("model.json")});
  auto shown = cli.Ok({"score", "model", "show", "--json"}).Json();
  CHECK(shown["cap"] == 100);
  CHECK(shown["half_life_days"] == 30);
  CHECK(shown["criteria"][0]["label"] == "senior title");
  CHECK_THAT(cli.Ok({"score", "model", "set", cli.Path("model.json")}).out, Catch::Contains("nothing changed"));

  // Bad models name what is wrong, and change nothing.
  Write(cli.Path("bad.json"), R"({"criteria":[{"label":"x","points":5,"behaviour":"webinar"}]})");
  Run bad = cli({"score", "model", "set", cli.Path("bad.json")});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("criteria[0].behaviour") && Catch::Contains("webinar"));
  Write(cli.Path("bad.json"), R"({"criteria":[{"label":"x","points":500,"field":"title","op":"=","value":"CEO"}]})");
  bad = cli({"score", "model", "set", cli.Path("bad.json")});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("criteria[0].points"));
  Write(cli.Path("bad.json"), "{not json");
  bad = cli({"score", "model", "set", cli.Path("bad.json")});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("not valid JSON"));
  CHECK(cli({"score", "model", "set"}).code == 2);
  CHECK(cli.Ok({"score", "model", "show", "--json"}).Json()["criteria"].size() == shown["criteria"].size());

  cli.Ok({"activity", "email", "--direction", "outbound", "--subject", "Pricing", "--contact", "C-1"});
  cli.Ok({"activity", "email", "--direction", "inbound", "--subject", "Re: Pricing", "--contact", "C-1"});
  auto run = cli.Ok({"automation", "run", "--json"}).Json();
  CHECK(run["scores_written"] == 2);  // the model's first score, then the reply
  auto score = cli.Ok({"score", "show", "C-1", "--json"}).Json();
  // senior title 15 + software 10 + 500 people 10 + email 5 + reply 10, all just now.
  CHECK(score["score"] == 50);
  CHECK(score["reasons"].size() == 5);
  CHECK(score["history"].size() == 2);
  Run table = cli.Ok({"score", "show", "contact/C-1"});
  CHECK_THAT(table.out, Catch::Contains("score 50 of 100") && Catch::Contains("replied within 3 days") &&
                            Catch::Contains("event 7 EmailLogged"));
  auto list = cli.Ok({"score", "list", "--min", "40", "--json"}).Json();
  REQUIRE(list["contacts"].size() == 1);
  CHECK(list["contacts"][0]["score"] == 50);
  CHECK_THAT(cli.Ok({"score", "list", "--min", "60"}).out, Catch::Contains("No scored contacts"));
  Run report = cli.Ok({"score", "report"});
  CHECK_THAT(report.out, Catch::Contains("40-59") && Catch::Contains("unscored"));
  CHECK(cli.Ok({"score", "report", "--json"}).Json()["bands"][2]["contacts"] == 1);
  Run unknown = cli({"score", "show", "C-99"});
  CHECK(unknown.code == 3);
  auto recompute = cli.Ok({"score", "recompute", "--json"}).Json();
  CHECK(recompute["contacts_scored"] == 1);
  CHECK(recompute["scores_written"] == 0);
  // The rule template that acts on a threshold installs with its score.
  Run rule = cli.Ok({"rule", "install", "qualified-lead", "--score", "45", "--json"});
  CHECK(rule.Json()["rule_id"] == "RUL-1");
  CHECK(cli({"rule", "install", "qualified-lead", "--score", "lots"}).code == 2);
  Run above = cli({"rule", "install", "qualified-lead", "--score", "150"});
  CHECK(above.code == 2);
  CHECK_THAT(above.err, Catch::Contains("above the scoring model's cap of 100"));
}

TEST_CASE("rapportd scores leads by itself and the score commands work remotely including recompute", "[cli][server][scoring]") {
  Cli cli;
  Setup(cli);
  std::string token = cli.Ok({"token", "create", "--user", "U-1", "--name", "test", "--json"}).Json()["secret"];
  Rapportd d(cli.data(), cli.Path("rapportd.log"));
  INFO(d.log());
  REQUIRE(d.listening());
  auto remote = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--connect", d.address(), "--token", token});
    return cli.Raw(args);
  };
  Run set = remote({"score", "model", "set", "--starter"});
  INFO(set.err);
  REQUIRE(set.code == 0);
  bool scored = false;
  Run last;
  for (int i = 0; i < 600 && !scored; ++i) {  // rapportd's automation thread: at once, or seconds when loaded
    last = remote({"score", "show", "C-1", "--json"});
    scored = last.code == 0 && last.Json()["scored"] == true;
    if (!scored) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!scored) {
    INFO("the last score show: exit " << last.code << "\n" << last.out << last.err);
    INFO(d.Describe());
    FAIL("rapportd did not score C-1");
  }
  CHECK(remote({"score", "show", "C-1", "--json"}).Json()["score"] == 35);
  Run list = remote({"score", "list", "--json"});
  REQUIRE(list.code == 0);
  CHECK(list.Json()["contacts"].size() == 1);
  // Recomputing through rapportd (beside its automation thread): the same report as embedded.
  Run recompute = remote({"score", "recompute", "--json"});
  INFO(recompute.err);
  REQUIRE(recompute.code == 0);
  CHECK(recompute.Json()["contacts_scored"] == 1);
  CHECK(recompute.Json()["scores_written"] == 0);  // the automation thread scored it the same
  CHECK(recompute.Json()["problems"].empty());
  CHECK_THAT(remote({"score", "recompute"}).out, Catch::Contains("Scored 1 contact(s) at "));
  // Admins only.
  REQUIRE(remote({"user", "add", "--name", "Rep", "--email", "rep@example.com", "--role", "rep"}).code == 0);
  Run made = remote({"token", "create", "--user", "U-2", "--name", "rep", "--json"});
  REQUIRE(made.code == 0);
  std::string reps = made.Json()["secret"];
  Run refused = cli.Raw({"--connect", d.address(), "--token", reps, "score", "recompute"});
  CHECK(refused.code == 5);
  CHECK_THAT(refused.err, Catch::Contains("admin"));
  CHECK(d.Stop(SIGTERM) == 0);
  // Embedded afterwards: the same answer, nothing left to score.
  CHECK(cli.Ok({"score", "show", "C-1", "--json"}).Json()["score"] == 35);
  CHECK(cli.Ok({"automation", "run", "--json"}).Json()["scores_written"] == 0);
}
