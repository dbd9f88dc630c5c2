// The CLI's tables name people: wherever a view shows an owner, assignee or actor, it shows the
// user's name beside the id ("Alan Turing (U-3)"); --json keeps the bare ids.
#include "cli_harness.h"

namespace rapport::cli::testing {
namespace {

// Admin U-1 Ada Lovelace (the operator), manager U-2 Grace Hopper, rep U-3 Alan Turing in team
// North; everything below belongs to Alan: an open deal D-1 with a note he logged himself, a won
// deal D-2 with a contract whose renewal is overdue, an overdue task and an open ticket.
void Setup(const Cli& cli) {
  cli.Ok({"init", "--name", "Acme", "--currency", "EUR", "--admin-name", "Ada Lovelace", "--admin-email", "ada@acme.example"});
  cli.Ok({"user", "add", "--name", "Grace Hopper", "--email", "grace@acme.example", "--role", "manager"});
  cli.Ok({"user", "add", "--name", "Alan Turing", "--email", "alan@acme.example", "--role", "rep"});
  cli.Ok({"team", "add", "--name", "North", "--manager", "U-2", "--member", "U-3"});
  cli.Ok({"company", "add", "--name", "Globex GmbH", "--owner", "U-3"});
  cli.Ok({"contact", "add", "--first", "Marie", "--last", "Curie", "--company", "CO-1", "--owner", "U-3"});
  cli.Ok({"pipeline", "add", "--name", "New business", "--stage", "qualify:Qualify:10", "--stage", "proposal:Proposal:60"});
  cli.Ok({"deal", "add", "--name", "Globex robots", "--pipeline", "PL-1", "--amount", "25000", "--close", "2099-12-31",
          "--company", "CO-1", "--owner", "U-3"});
  cli.Ok({"deal", "add", "--name", "Globex arms", "--pipeline", "PL-1", "--amount", "10000", "--company", "CO-1",
          "--owner", "U-3"});
  cli.Ok({"deal", "win", "D-2"});
  cli.Ok({"contract", "add", "--deal", "D-2", "--start", "2020-01-01", "--renewal", "2020-12-31", "--amount", "2000"});
  cli.Ok({"--as", "U-3", "activity", "note", "--body", "Budget confirmed", "--deal", "D-1"});
  cli.Ok({"task", "add", "--title", "Send the proposal", "--due", "2020-01-01", "--assignee", "U-3"});
  cli.Ok({"ticket", "add", "--subject", "Arm stops", "--company", "CO-1", "--assignee", "U-3"});
}

bool Shows(const Run& r, const std::string& text) { return r.out.find(text) != std::string::npos; }

TEST_CASE("tables show owners, assignees and actors by name, and --json keeps the ids", "[cli][names]") {
  Cli cli;
  Setup(cli);
  const std::string alan = "Alan Turing (U-3)";
  for (std::vector<std::string> view :
       {std::vector<std::string>{"forecast", "--group", "owner"}, {"report", "winrate"}, {"report", "cycle"},
        {"report", "deal-size"}, {"report", "revenue"}, {"report", "activity"}, {"followups"},
        {"stale", "--days", "0"}, {"renewals"}, {"tickets"}, {"deal", "list"}, {"task", "list"}, {"deal", "show", "D-1"},
        {"history", "D-1"}}) {
    Run r = cli.Ok(view);
    INFO(view[0] << (view.size() > 1 ? " " + view[1] : "") << ":\n" << r.out);
    CHECK(Shows(r, alan));
  }
  // The board's cards are narrow: the name alone, on its own line under the deal.
  Run board = cli.Ok({"board", "PL-1"});
  INFO(board.out);
  CHECK(Shows(board, "\n  Alan Turing\n"));
  // Who did it: the operator opened the deals, Alan wrote the note.
  Run timeline = cli.Ok({"timeline", "deal/D-1"});
  INFO(timeline.out);
  CHECK(Shows(timeline, "Ada Lovelace (U-1)"));
  CHECK(Shows(timeline, alan));
  CHECK(Shows(cli.Ok({"team", "list"}), "Grace Hopper (U-2)"));
  CHECK(Shows(cli.Ok({"forecast", "--group", "team"}), "North"));

  // --json: ids, as before.
  auto b = cli.Ok({"board", "PL-1", "--json"}).Json();
  CHECK(b["stages"][0]["deals"][0]["owner"] == "U-3");
  auto f = cli.Ok({"followups", "--json"}).Json();
  REQUIRE(f["items"].size() == 1);
  CHECK(f["items"][0]["user"] == "U-3");
  auto w = cli.Ok({"report", "winrate", "--json"}).Json();
  bool row_for_u3 = false;
  for (const auto& row : w["rows"]) row_for_u3 = row_for_u3 || row["owner"] == "U-3";
  CHECK(row_for_u3);
  CHECK(cli.Ok({"deal", "show", "D-1", "--json"}).Json()["fields"]["owner_id"] == "U-3");

  // Names are the directory's as it is now, in views of the past too.
  cli.Ok({"user", "update", "U-3", "--set", "name=Alan M. Turing"});
  CHECK(Shows(cli.Ok({"stale", "--days", "0", "--as-of", "2099-01-01"}), "Alan M. Turing (U-3)"));
}

}  // namespace
}  // namespace rapport::cli::testing
