// `rapport demo`: deterministic for a seed, time travel has something to show, refuses a
// directory that has data; a short summary whose suggested commands run.
#include <algorithm>

#include "cli_harness.h"

namespace rapport::cli::testing {
namespace {

TEST_CASE("rapport demo is deterministic for a seed and shows history", "[cli][demo]") {
  Cli cli;
  std::string a = cli.Path("a"), b = cli.Path("b"), c = cli.Path("c");
  Run ra = cli.Raw({"--data", a, "demo", "--seed", "7", "--until", "2026-11-26", "--scale", "0.05"});
  INFO(ra.out << ra.err);
  REQUIRE(ra.code == 0);
  CHECK(ra.out.find("two years of Acme Robotics") != std::string::npos);
  CHECK(ra.out.find("log verify: clean") != std::string::npos);
  REQUIRE(cli.Raw({"--data", b, "demo", "--seed", "7", "--until", "2026-11-26", "--scale", "0.05"}).code == 0);
  REQUIRE(cli.Raw({"--data", c, "demo", "--seed", "8", "--until", "2026-11-26", "--scale", "0.05"}).code == 0);

  Run la = cli.Raw({"--data", a, "export", "log"});
  Run lb = cli.Raw({"--data", b, "export", "log"});
  Run lc = cli.Raw({"--data", c, "export", "log"});
  REQUIRE(la.code == 0);
  CHECK(la.Lines().size() > 1000);
  CHECK(la.out == lb.out);  // byte for byte, recorded times included
  CHECK(la.out != lc.out);

  // Recorded times follow the story, and some events were logged after they happened, so a
  // view as of a year back differs between recorded and effective.
  auto events = la.Lines();
  std::string first = events.front()["recorded_at"], last = events.back()["recorded_at"];
  CHECK(first < "2025-01-01");
  CHECK(last > "2026-11-01");
  size_t late = 0;
  for (const auto& e : events) late += e["occurred_at"].get<std::string>() < e["recorded_at"].get<std::string>().substr(0, 10) ? 1 : 0;
  CHECK(late > 0);
  Run recorded = cli.Raw({"--data", a, "board", "PL-1", "--as-of", "2025-11-26", "--json"});
  Run effective = cli.Raw({"--data", a, "board", "PL-1", "--as-of", "2025-11-26", "--effective", "--json"});
  REQUIRE(recorded.code == 0);
  REQUIRE(effective.code == 0);
  CHECK(recorded.Json()["deals"].get<int>() > 0);
  CHECK(recorded.out != effective.out);

  // A second demo into the same directory is refused and writes nothing.
  Run again = cli.Raw({"--data", a, "demo", "--seed", "7", "--until", "2026-11-26", "--scale", "0.05"});
  CHECK(again.code == 4);
  CHECK(cli.Raw({"--data", a, "export", "log"}).out == la.out);
  CHECK(cli.Raw({"--data", cli.Path("d"), "demo", "--scale", "0"}).code == 2);
}

TEST_CASE("rapport demo prints a short summary and commands to try, each of which runs", "[cli][demo]") {
  Cli cli;
  std::string dir = cli.Path("demo");
  Run demo = cli.Raw({"--data", dir, "demo", "--seed", "7", "--until", "2026-11-26", "--scale", "0.05"});
  INFO(demo.out << demo.err);
  REQUIRE(demo.code == 0);
  CHECK(std::count(demo.out.begin(), demo.out.end(), '\n') <= 50);  // about two screens
  CHECK(demo.out.find("log verify: clean") != std::string::npos);
  // The suggestions travel in time to a year before the end, and name real generated records.
  CHECK(demo.out.find("board PL-1 --as-of 2025-11-26 --effective\n") != std::string::npos);
  CHECK(demo.out.find("diff PL-1 --from 2025-11-26\n") != std::string::npos);
  std::istringstream lines(demo.out);
  const std::string prefix = "  rapport --data " + dir + " ";
  std::vector<std::string> tried;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::vector<std::string> args = {"--data", dir};
    std::istringstream words(line.substr(prefix.size()));
    for (std::string w; words >> w;) args.push_back(w);
    Run r = cli.Raw(args);
    INFO(line << "\n" << r.out << r.err);
    CHECK(r.code == 0);
    CHECK(!r.out.empty());
    tried.push_back(args[2]);
  }
  for (const char* view : {"board", "diff", "forecast", "report", "timeline", "score"}) {
    CHECK(std::find(tried.begin(), tried.end(), view) != tried.end());
  }
  // --json holds the summary and the views, and the same suggestions.
  Run json = cli.Raw({"--data", cli.Path("json"), "demo", "--seed", "7", "--until", "2026-11-26", "--scale", "0.05", "--json"});
  REQUIRE(json.code == 0);
  auto j = json.Json();
  for (const char* key : {"demo", "board", "forecast", "winrate", "cycle", "board_a_year_ago", "diff", "verify", "try"}) {
    CHECK(j.contains(key));
  }
  CHECK(j["try"].size() == tried.size());
}

}  // namespace
}  // namespace rapport::cli::testing
