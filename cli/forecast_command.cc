#include "cli/forecast_command.h"

#include <iostream>

#include "cli/table.h"
#include "cli/view_context.h"

namespace rapport::cli {
namespace {

using projections::AsOf;

struct ForecastCliOptions {
  std::string by = "month";    // month | quarter
  std::string group = "none";  // none | owner | team
  std::string pipeline, owner;
  TimeTravel tt;
};

std::string Bar(int64_t v, int64_t max, size_t width) {
  if (max <= 0 || v <= 0) return "";
  size_t n = static_cast<size_t>(static_cast<double>(v) / static_cast<double>(max) * static_cast<double>(width) + 0.5);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "\u2588";
  return s;
}

int RunForecast(const GlobalOptions& g, const ForecastCliOptions& o) {
  projections::Query q;
  q.kind = "forecast";
  q.period = o.by;
  q.group = o.group;
  q.pipeline_id = o.pipeline;
  q.owner_id = o.owner;
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    projections::Forecast f;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &f));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    PrintForecast(f, at, o.by, o.group == "none" ? "" : o.group, names);
    return Status::Ok();
  });
}

struct ReportCliOptions {
  std::string kind, pipeline, owner, team, from, to;
  TimeTravel tt;
};

int RunReport(const GlobalOptions& g, const ReportCliOptions& o) {
  projections::Query q;
  q.kind = "report";
  q.report = o.kind;
  q.pipeline_id = o.pipeline;
  q.owner_id = o.owner;
  q.team_id = o.team;
  q.from_date = o.from;
  q.to_date = o.to;
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    projections::Report r;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &r));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    PrintReport(r, at, names);
    return Status::Ok();
  });
}

}  // namespace

void PrintForecast(const projections::Forecast& f, const projections::AsOf& at, const std::string& by,
                   const std::string& group, const DisplayNames& names) {
  std::cout << "Forecast by " << by << (group.empty() ? "" : " and " + group);
  if (!ViewHeading(at).empty()) std::cout << ", " << ViewHeading(at);
  std::cout << " (" << f.currency << ")\n\n";
  int64_t max = 0;
  for (const auto& r : f.rows) max = std::max({max, r.open, r.won});
  std::vector<Table::Column> cols = {{"PERIOD"}};
  if (!group.empty()) cols.push_back({group == "team" ? "TEAM" : "OWNER"});
  for (const char* c : {"OPEN", "WEIGHTED", "HISTORY", "COMMIT", "BEST CASE", "WON"}) {
    cols.push_back({c, Table::Align::kRight});
  }
  cols.push_back({"", Table::Align::kLeft, 30});
  Table t(cols);
  for (const auto& r : f.rows) {
    std::vector<std::string> row = {r.period};
    if (!group.empty()) row.push_back(group == "owner" ? names.Label(r.group) : r.group);
    for (int64_t x : {r.open, r.weighted, r.history, r.commit, r.best_case, r.won}) {
      row.push_back(x ? Money(x, f.currency) : "");
    }
    row.push_back(Bar(r.won ? r.won : r.weighted, max, 24));
    t.AddRow(row);
  }
  t.Print(std::cout);
  std::cout << "\nOPEN: open deals by expected close; WEIGHTED: x stage probability; HISTORY: x the win rate\n"
               "each stage actually achieved; WON: closed won by close date. Stage win rates:\n";
  Table rates({{"PIPELINE"}, {"STAGE"}, {"CONFIGURED", Table::Align::kRight}, {"CLOSED", Table::Align::kRight},
               {"WON", Table::Align::kRight}, {"ACTUAL", Table::Align::kRight}});
  for (const auto& r : f.rates) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", r.rate * 100);
    rates.AddRow({r.pipeline_id, r.stage_name, std::to_string(r.configured) + "%", std::to_string(r.closed),
                  std::to_string(r.won), r.closed ? pct : "—"});
  }
  rates.Print(std::cout);
  for (const auto& w : f.warnings) std::cout << "warning: " << w << "\n";
}

void PrintReport(const projections::Report& r, const projections::AsOf& at, const DisplayNames& names) {
  std::cout << r.title;
  if (!ViewHeading(at).empty()) std::cout << ", " << ViewHeading(at);
  std::cout << "\n\n";
  std::vector<Table::Column> cols;
  for (const auto& c : r.columns) {
    std::string h = c;
    for (auto& ch : h) ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    bool numeric = !r.rows.empty() && (r.rows[0][c].is_number() || c == "rate" || c == "win_rate" ||
                                       c == "conversion" || c == "revenue" || c == "average" || c == "total");
    cols.push_back({h, numeric ? Table::Align::kRight : Table::Align::kLeft});
  }
  Table t(cols);
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const auto& c : r.columns) {
      const auto& x = row[c];
      std::string text = x.is_string() ? x.get<std::string>() : x.is_null() ? "" : x.dump();
      // Owners are user ids: "owner" columns, and the revenue report's groups by owner.
      bool user = c == "owner" || (c == "group" && row.value("by", "") == "owner");
      cells.push_back(user ? names.Label(text) : text);
    }
    t.AddRow(cells);
  }
  t.Print(std::cout);
  if (r.rows.empty()) std::cout << "(nothing in this range)\n";
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
}

void SetupForecastCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  auto o = std::make_shared<ForecastCliOptions>();
  CLI::App* cmd = app->add_subcommand("forecast", "Open, weighted, history-based and won amounts by period");
  cmd->add_option("--by", o->by, "Period: month or quarter")->check(CLI::IsMember({"month", "quarter"}));
  cmd->add_option("--group", o->group, "Group rows: none, owner or team")
      ->check(CLI::IsMember({"none", "owner", "team"}));
  cmd->add_option("--pipeline", o->pipeline, "Only this pipeline");
  cmd->add_option("--owner", o->owner, "Only deals this user owns");
  AddTimeTravel(cmd, &o->tt);
  cmd->callback([g, o, exit_code] { *exit_code = RunForecast(*g, *o); });
}

void SetupReportCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  auto o = std::make_shared<ReportCliOptions>();
  CLI::App* cmd = app->add_subcommand("report", "Sales reports: conversion, winrate, cycle, deal-size, revenue, sources, activity");
  cmd->add_option("kind", o->kind, "conversion | winrate | cycle | deal-size | revenue | sources | activity")
      ->required()
      ->check(CLI::IsMember({"conversion", "winrate", "cycle", "deal-size", "revenue", "sources", "activity"}));
  cmd->add_option("--pipeline", o->pipeline, "Only this pipeline");
  cmd->add_option("--owner", o->owner, "Only this user's deals and activities");
  cmd->add_option("--team", o->team, "Only the members of this team");
  cmd->add_option("--from", o->from, "From this date (inclusive, ISO 8601)")->type_name("DATE");
  cmd->add_option("--to", o->to, "To this date (inclusive)")->type_name("DATE");
  AddTimeTravel(cmd, &o->tt);
  cmd->callback([g, o, exit_code] { *exit_code = RunReport(*g, *o); });
}

}  // namespace rapport::cli
