#include "cli/board_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/money.h"

namespace rapport::cli {
namespace {

using projections::AsOf;

struct BoardOptions {
  std::string pipeline;
  size_t limit = 8;
  TimeTravel tt;
};

size_t TerminalWidth() {
  winsize w{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    int n = std::atoi(c);
    if (n >= 40) return static_cast<size_t>(n);
  }
  return 140;
}

// "45.0k", "1.2M", "950": amounts in major units for narrow board cards.
std::string Short(int64_t minor, const std::string& currency) {
  int exp = domain::CurrencyExponent(currency).value_or(2);
  double v = static_cast<double>(minor);
  for (int i = 0; i < exp; ++i) v /= 10;
  char b[32];
  if (v >= 1e6) std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
  else if (v >= 1e3) std::snprintf(b, sizeof b, "%.1fk", v / 1e3);
  else std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

std::string Pad(const std::string& s, size_t width) {
  std::string t = Truncate(s, width);
  return t + std::string(width - DisplayWidth(t), ' ');
}

int RunBoard(const GlobalOptions& g, const BoardOptions& o) {
  projections::Query q;
  q.kind = "board";
  q.pipeline_id = o.pipeline;
  q.limit = g.json ? 0 : o.limit;  // --json lists every deal
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    projections::Board b;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &b));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    PrintBoard(b, at, o.limit, names);
    return Status::Ok();
  });
}

struct DiffOptions {
  std::string pipeline, from, to;
  bool effective = false;
};

int RunDiff(const GlobalOptions& g, const DiffOptions& o) {
  projections::Query q;
  q.kind = "diff";
  q.pipeline_id = o.pipeline;
  auto from = ViewOf({o.from, o.effective});
  if (!from.ok()) return ReportError(g, from.status().WithContext("--from"));
  q.from = *from;
  auto to = ViewOf({o.to, o.effective && !o.to.empty()});
  if (!to.ok()) return ReportError(g, to.status().WithContext("--to"));
  q.view = *to;
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames&) {
    projections::PipelineDiff d;
    AsOf rfrom, rto;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &d));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "from", &rfrom));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "to", &rto));
    std::cout << "Pipeline " << d.pipeline_id << ": from " << FormatIso8601(rfrom.instant) << " to "
              << (o.to.empty() ? std::string("now") : FormatIso8601(rto.instant)) << (o.effective ? " (effective)" : "")
              << "\n\n";
    PrintDiff(d, 0);
    return Status::Ok();
  });
}

}  // namespace

void PrintBoard(const projections::Board& b, const projections::AsOf& at, size_t limit, const DisplayNames& names) {
  std::cout << "Pipeline " << b.pipeline_id << " — " << b.pipeline_name;
  if (!ViewHeading(at).empty()) std::cout << ", " << ViewHeading(at);
  std::cout << "\n" << b.deals << " open deals, " << Money(b.total, b.currency) << ", weighted "
            << Money(b.weighted, b.currency) << "\n\n";
  size_t n = std::max<size_t>(1, b.columns.size());
  size_t width = std::max<size_t>(22, std::min<size_t>(40, (TerminalWidth() - 2 * (n - 1)) / n));
  std::vector<std::vector<std::string>> cells(b.columns.size());
  size_t rows = 0;
  for (size_t c = 0; c < b.columns.size(); ++c) {
    const auto& col = b.columns[c];
    auto& lines = cells[c];
    lines.push_back(col.name + (col.removed ? "" : " " + std::to_string(col.probability) + "%"));
    lines.push_back(std::to_string(col.count) + " deals  " + Short(col.total, b.currency) + " " + b.currency);
    lines.push_back("weighted " + Short(col.weighted, b.currency));
    lines.push_back(std::string(width, '-'));
    for (const auto& d : col.deals) {  // two lines a deal: a card is too narrow for the owner's name
      std::string idle = d.days_since_activity < 0 ? "no act." : std::to_string(d.days_since_activity) + "d idle";
      lines.push_back(d.id + " " + Short(d.amount, d.currency) + (d.converted ? "" : "?") + " " +
                      std::to_string(d.days_in_stage) + "d " + idle);
      lines.push_back("  " + names.Name(d.owner));
    }
    if (col.count > col.deals.size()) lines.push_back("… " + std::to_string(col.count - col.deals.size()) + " more");
    rows = std::max(rows, lines.size());
  }
  for (size_t r = 0; r < rows; ++r) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      line += Pad(r < cells[c].size() ? cells[c][r] : "", width);
      if (c + 1 < cells.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  std::cout << "\n(amounts in " << b.currency << "; per deal: id, amount, days in stage, days since last activity, "
            << "and below, the owner; largest " << limit << " per stage, --limit to change)\n";
  for (const auto& w : b.warnings) std::cout << "warning: " << w << "\n";
}

void PrintDiff(const projections::PipelineDiff& d, size_t max_rows) {
  Table w({{"OPEN PIPELINE"}, {"AMOUNT", Table::Align::kRight}});
  w.AddRow({"at the start", Money(d.start, d.currency)});
  w.AddRow({"+ added or reopened", Money(d.added, d.currency)});
  w.AddRow({"+ amounts raised", Money(d.increased, d.currency)});
  w.AddRow({"- amounts lowered", Money(d.decreased, d.currency)});
  w.AddRow({"- won", Money(d.won, d.currency)});
  w.AddRow({"- lost", Money(d.lost, d.currency)});
  if (d.removed) w.AddRow({"- left the pipeline", Money(d.removed, d.currency)});
  w.AddRow({"= at the end", Money(d.end, d.currency)});
  w.Print(std::cout);
  std::cout << (d.Reconciles() ? "(reconciles)\n\n" : "(does not reconcile: report this)\n\n");
  Table t({{"DEAL"}, {"NAME", Table::Align::kLeft, 32}, {"CHANGE"}, {"FROM"}, {"TO"}, {"EFFECT", Table::Align::kRight}});
  size_t shown = max_rows == 0 ? d.rows.size() : std::min(max_rows, d.rows.size());
  for (size_t i = 0; i < shown; ++i) {
    const auto& r = d.rows[i];
    t.AddRow({r.deal_id, r.name, r.change, r.from, r.to, r.delta ? Money(r.delta, d.currency) : ""});
  }
  t.Print(std::cout);
  if (shown < d.rows.size()) std::cout << "… " << d.rows.size() - shown << " more changes\n";
  for (const auto& x : d.warnings) std::cout << "warning: " << x << "\n";
}

void SetupBoardCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  auto o = std::make_shared<BoardOptions>();
  CLI::App* cmd = app->add_subcommand("board", "The pipeline as columns: open deals by stage, now or in the past");
  cmd->add_option("pipeline", o->pipeline, "Pipeline id (default: the first)");
  cmd->add_option("--limit", o->limit, "Deals listed per stage (largest first; totals count all)")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  AddTimeTravel(cmd, &o->tt);
  cmd->callback([g, o, exit_code] { *exit_code = RunBoard(*g, *o); });
}

void SetupDiffCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd = app->add_subcommand("diff", "What changed in a pipeline between two instants (a waterfall)");
  cmd->add_option("pipeline", o->pipeline, "Pipeline id (default: the first)");
  cmd->add_option("--from", o->from, "Start instant (ISO 8601)")->required()->type_name("INSTANT");
  cmd->add_option("--to", o->to, "End instant (default: now)")->type_name("INSTANT");
  cmd->add_flag("--effective", o->effective, "Compare what had happened by each instant, as known now");
  cmd->callback([g, o, exit_code] { *exit_code = RunDiff(*g, *o); });
}

}  // namespace rapport::cli
