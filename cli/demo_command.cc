#include "cli/demo_command.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/demo_generator.h"
#include "cli/view_context.h"
#include "domain/command_service.h"
#include "domain/value.h"
#include "events/event_log.h"

namespace rapport::cli {
namespace {

using projections::AsOf;
using projections::ReadModel;

// What --json holds beside the summary.
constexpr size_t kDealsPerStage = 4;  // on the boards
constexpr size_t kDiffRows = 10;      // largest changes listed under the year's waterfall
constexpr size_t kTimelineRows = 12;

struct DemoCliOptions {
  uint64_t seed = 42;
  std::string until;  // YYYY-MM-DD; default: today (UTC)
  double scale = 1.0;
};

// "12,345"
std::string Count(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string Date(int32_t day) { return domain::FormatDate(day); }

// Generates the workspace into a fresh data directory: the log is opened on a manual clock so
// that recorded_at follows the story. It is opened without a sync per append (a bulk load that
// can be redone: `rapport demo` refuses a directory that holds anything); Close() syncs it all.
Status Generate(const GlobalOptions& g, const DemoOptions& options, DemoSummary* summary,
                events::VerifyReport* verified, double* seconds) {
  ManualClock clock(static_cast<Micros>(DemoStartDay(options.until_day)) * kMicrosPerDay);
  events::LogOptions lo;
  lo.dir = ResolveDataDir(g);
  lo.create_if_missing = true;
  lo.program_name = "rapport";
  lo.clock = &clock;
  lo.sync = false;
  std::unique_ptr<events::EventLog> log;
  RAPPORT_RETURN_IF_ERROR(events::EventLog::Open(lo, &log));
  if (log->LastPosition() > 0) {
    return Status::AlreadyExists(lo.dir + " already holds a workspace (" + Count(log->LastPosition()) +
                                 " events): pass a fresh --data DIR, or delete the directory to run the demo again");
  }
  auto service = domain::CommandService::Open(log.get());
  if (!service.ok()) return service.status();

  bool tty = StderrIsTerminal() && !g.json;
  int shown = -1;
  Micros start = clock.NowMicros();
  Micros end = static_cast<Micros>(options.until_day) * kMicrosPerDay;
  std::function<void(double)> progress;
  if (tty) {
    progress = [&](double done) {
      int percent = static_cast<int>(done * 100);
      if (percent == shown) return;
      shown = percent;
      Micros at = start + static_cast<Micros>(done * static_cast<double>(end - start));
      std::cerr << "\rrapport demo: simulating " << FormatIsoDate(at) << " (" << percent << "%), "
                << Count(log->LastPosition()) << " events" << std::flush;
    };
  }
  auto t0 = std::chrono::steady_clock::now();
  Status s = GenerateDemo(service->get(), &clock, options, summary, progress);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (tty) std::cerr << "\r\033[K" << std::flush;
  RAPPORT_RETURN_IF_ERROR(s);
  service->reset();
  auto report = log->Verify();
  if (!report.ok()) return report.status();
  *verified = *report;
  return log->Close();
}

// Commands to try, under a line saying what they show.
struct Try {
  std::string what;
  std::vector<std::string> commands;
};

// The suggestions: the same questions now and a year before the end (`year_ago`), and the
// history of real generated records.
std::vector<Try> Suggestions(const DemoSummary& s, const std::string& dir, const std::string& year_ago) {
  std::string r = "rapport --data " + dir + " ";
  std::string pipeline = s.new_business_pipeline;
  std::vector<Try> tries = {
      {"The New business pipeline now, as rapport showed it a year ago, and as we know now it was then",
       {r + "board " + pipeline, r + "board " + pipeline + " --as-of " + year_ago,
        r + "board " + pipeline + " --as-of " + year_ago + " --effective"}},
      {"What changed in it since: a waterfall that reconciles, then deal by deal",
       {r + "diff " + pipeline + " --from " + year_ago}},
      {"The forecast by quarter as it stood a year ago (without --as-of: as it stands now)",
       {r + "forecast --by quarter --as-of " + year_ago}},
      {"Win rate by rep, a year ago and now",
       {r + "report winrate --pipeline " + pipeline + " --as-of " + year_ago, r + "report winrate --pipeline " + pipeline}},
  };
  if (!s.busiest_company.empty()) {
    tries.push_back({"Everything that happened to the busiest account, newest first", {r + "timeline " + s.busiest_company}});
  }
  if (!s.storied_deal.empty()) {
    tries.push_back({"Every field change of a deal whose close date slipped and that moved back",
                     {r + "history " + s.storied_deal}});
  } else if (!s.busy_rep.empty()) {
    tries.push_back({"The tasks due and overdue of the rep with the most open ones", {r + "followups --user " + s.busy_rep}});
  }
  tries.push_back({"Lead scores: set the starter model, let automation score every contact, see if scores predict wins",
                   {r + "score model set --starter", r + "automation run", r + "score report"}});
  return tries;
}

// The default output: what was generated, the log check, and what to try (under 40 lines).
void PrintSummary(const DemoSummary& s, const DemoCliOptions& o, const std::string& dir, double seconds,
                  const events::VerifyReport& verified, const std::string& year_ago, const std::vector<Try>& tries) {
  char head[256];
  std::snprintf(head, sizeof head, "(seed %llu, scale %g; %.1f s)", static_cast<unsigned long long>(o.seed), o.scale,
                seconds);
  std::cout << "rapport demo: two years of Acme Robotics, " << FormatIsoDate(s.start) << " to " << FormatIsoDate(s.end)
            << ", in " << dir << " " << head << "\n\n";
  auto row = [](const char* label, const std::string& text) {
    std::cout << "  " << label << std::string(13 - std::string(label).size(), ' ') << text << "\n";
  };
  row("users", Count(s.users) + " in " + Count(s.teams) + " teams");
  row("companies", Count(s.companies) + ", with " + Count(s.contacts) + " contacts");
  row("deals", Count(s.deals) + ": " + Count(s.deals_open) + " open, " + Count(s.deals_won) + " won, " +
                   Count(s.deals_lost) + " lost");
  row("activities", Count(s.activities) + " emails, calls, meetings, notes and forms");
  row("tasks", Count(s.tasks));
  row("contracts", Count(s.contracts));
  row("tickets", Count(s.tickets));
  row("logged late", Count(s.late_entries) + " activities and deal changes, days after they happened");
  row("events", Count(s.events) + " from " + Count(s.commands) + " commands");
  std::cout << "\nlog verify: " << (verified.ok() ? "clean" : "PROBLEMS FOUND (run `rapport log verify`)") << " ("
            << Count(verified.events_checked) << " events, " << Count(verified.streams_checked) << " streams, "
            << Count(verified.commands_checked) << " commands)\n";
  std::cout << "\nTry these (" << year_ago << " is a year before the end):\n";
  for (const Try& t : tries) {
    std::cout << "\n  # " << t.what << "\n";
    for (const auto& c : t.commands) std::cout << "  " << c << "\n";
  }
}

int RunDemo(const GlobalOptions& g, const DemoCliOptions& o) {
  if (g.remote()) {
    return ReportError(g, Status::InvalidArgument(
                              "demo builds a data directory of its own (it writes ten years of history with "
                              "past timestamps, which rapportd does not accept from clients): run it without "
                              "--connect, then serve it with `rapportd --data DIR`"));
  }
  DemoOptions options;
  options.seed = o.seed;
  options.scale = o.scale;
  if (o.until.empty()) {
    options.until_day = static_cast<int32_t>(SystemClock()->NowMicros() / kMicrosPerDay);
  } else {
    auto day = domain::ParseDate(o.until, "--until");
    if (!day.ok()) return ReportError(g, day.status());
    options.until_day = *day;
  }
  if (!(o.scale > 0 && o.scale <= 20)) {
    return ReportError(g, Status::InvalidArgument("--scale must be greater than 0 and at most 20"));
  }
  std::string dir = ResolveDataDir(g);
  DemoSummary sum;
  events::VerifyReport verified;
  double seconds = 0;
  Status s = Generate(g, options, &sum, &verified, &seconds);
  if (!s.ok()) return ReportError(g, s.code() == StatusCode::kAlreadyExists ? s : s.WithContext("demo"));

  // Opening the views catches the read models up (and snapshots them), so the commands the
  // demo suggests answer at once.
  Views v;
  s = OpenViews(g, &v);
  if (!s.ok()) return ReportError(g, s);
  int32_t year_ago_day = options.until_day - 365;
  std::string year_ago = Date(year_ago_day);
  std::vector<Try> tries = Suggestions(sum, dir, year_ago);
  if (!g.json) {
    PrintSummary(sum, o, dir, seconds, verified, year_ago, tries);
    return verified.ok() ? kExitOk : kExitCorruption;
  }

  // --json: the views too, as rapport shows them at the end of the story and a year earlier.
  const std::string pipeline = sum.new_business_pipeline;
  AsOf now = AsOf::Now(sum.end);
  AsOf then = v.engine->Resolve(AsOf::Recorded(static_cast<Micros>(year_ago_day + 1) * kMicrosPerDay - 1));
  auto board = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildBoard(m, a, pipeline, kDealsPerStage);
  });
  auto board_then = v.engine->Read(then, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildBoard(m, a, pipeline, kDealsPerStage);
  });
  auto diff = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::DiffPipeline(m, then, a, pipeline);
  });
  projections::ForecastOptions fo;
  fo.period = projections::Period::kQuarter;
  auto forecast = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildForecast(m, a, fo);
  });
  projections::ReportFilter by_rep;
  by_rep.pipeline_id = pipeline;
  auto winrate = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildReport(m, a, "winrate", by_rep);
  });
  auto cycle = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildReport(m, a, "cycle", by_rep);
  });
  std::string account = "company/" + sum.busiest_company;
  auto timeline = v.engine->Read(now, [&](const ReadModel& m, const AsOf& a) {
    return projections::BuildTimeline(m, *v.log, a, account, kTimelineRows, nullptr);
  });
  for (const Status& x : {board.status(), board_then.status(), diff.status(), winrate.status(), cycle.status(),
                          sum.busiest_company.empty() ? Status::Ok() : timeline.status()}) {
    if (!x.ok()) return ReportError(g, x.WithContext("demo"));
  }
  // The year's biggest changes first.
  std::stable_sort(diff->rows.begin(), diff->rows.end(), [](const projections::DiffRow& a, const projections::DiffRow& b) {
    return std::llabs(a.delta) > std::llabs(b.delta);
  });
  projections::Json j;
  j["demo"] = {{"data_dir", dir}, {"seed", o.seed}, {"scale", o.scale}, {"from", FormatIsoDate(sum.start)},
               {"until", FormatIsoDate(sum.end)}, {"users", sum.users}, {"teams", sum.teams},
               {"companies", sum.companies}, {"contacts", sum.contacts}, {"deals", sum.deals},
               {"deals_open", sum.deals_open}, {"deals_won", sum.deals_won}, {"deals_lost", sum.deals_lost},
               {"activities", sum.activities}, {"late_entries", sum.late_entries}, {"tasks", sum.tasks},
               {"contracts", sum.contracts}, {"tickets", sum.tickets}, {"commands", sum.commands},
               {"events", sum.events}, {"seconds", seconds}};
  j["board"] = projections::ToJson(*board);
  j["board"]["view"] = projections::ToJson(now);
  j["forecast"] = projections::ToJson(forecast);
  j["winrate"] = projections::ToJson(*winrate);
  j["cycle"] = projections::ToJson(*cycle);
  if (!sum.busiest_company.empty()) {
    j["timeline"] = projections::ToJson(*timeline);
    j["timeline"]["record"] = account;
  }
  j["board_a_year_ago"] = projections::ToJson(*board_then);
  j["board_a_year_ago"]["view"] = projections::ToJson(then);
  size_t changes = diff->rows.size();
  if (diff->rows.size() > kDiffRows) diff->rows.resize(kDiffRows);
  j["diff"] = projections::ToJson(*diff);
  j["diff"]["changes_total"] = changes;  // "changes" lists the kDiffRows largest
  j["verify"] = {{"ok", verified.ok()}, {"events", verified.events_checked}, {"streams", verified.streams_checked},
                 {"commands", verified.commands_checked}, {"problems", verified.problem_count}};
  std::vector<std::string> commands;
  for (const Try& t : tries) commands.insert(commands.end(), t.commands.begin(), t.commands.end());
  j["try"] = commands;
  PrintJson(j);
  return verified.ok() ? kExitOk : kExitCorruption;
}

}  // namespace

void SetupDemoCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  auto o = std::make_shared<DemoCliOptions>();
  CLI::App* demo = app->add_subcommand(
      "demo", "Create an example workspace: two years of a sales and service team, then show it");
  demo->add_option("--seed", o->seed, "Seed of every random choice (the same seed gives the same log)");
  demo->add_option("--until", o->until, "Last day of the story, YYYY-MM-DD (default: today, UTC)")
      ->type_name("DATE");
  demo->add_option("--scale", o->scale, "Size: 1.0 is about 80,000 events (a few seconds); 0.05 a small test workspace");
  demo->callback([g, o, exit_code] { *exit_code = RunDemo(*g, *o); });
}

}  // namespace rapport::cli
