#include "cli/export_command.h"

#include <fstream>
#include <iostream>
#include <set>

#include "cli/record_printing.h"
#include "cli/view_context.h"
#include "domain/value.h"
#include "events/event_json.h"
#include "events/log_iterator.h"

namespace rapport::cli {
namespace {

using Json = nlohmann::ordered_json;

struct ExportArgs {
  std::string what;
  std::string format = "csv";
  std::string output = "-";
  TimeTravel tt;
  bool all = false;
};

// The standard fields of each record type, in column order (custom fields follow).
std::vector<std::string> Columns(const std::string& type) {
  if (type == "contact") return {"first_name", "last_name", "emails", "phones", "title", "company_id", "owner_id",
                                 "source", "lifecycle", "tags", "email_opt_out", "phone_opt_out"};
  if (type == "company") return {"name", "domain", "industry", "employees", "annual_revenue", "city", "country",
                                 "region", "parent_company_id", "owner_id", "source", "tags"};
  if (type == "deal") return {"name", "pipeline_id", "stage_id", "status", "amount", "expected_close_date",
                              "close_date", "owner_id", "company_id", "contact_ids", "source", "forecast_category",
                              "lost_reason"};
  if (type == "task") return {"title", "notes", "due", "assignee_id", "priority", "status", "completed_at",
                              "contact_ids", "deal_ids"};
  if (type == "ticket") return {"subject", "description", "priority", "status", "contact_id", "company_id",
                                "assignee_id", "channel"};
  if (type == "activity") return {"kind", "author_id", "direction", "subject", "title", "body", "notes",
                                  "outcome", "duration_seconds", "start", "end", "contact_ids", "deal_ids"};
  if (type == "user") return {"name", "email", "role", "title", "territory", "active"};
  if (type == "team") return {"name", "manager_id", "territory"};
  if (type == "product") return {"name", "code", "list_price", "description", "retired"};
  if (type == "contract") return {"deal_id", "start_date", "renewal_date", "term_months", "amount", "status"};
  if (type == "pipeline") return {"name", "archived"};
  return {"name"};
}

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Everything the view shows of one record, replayed from its stream.
Result<domain::RecordState> Replay(const events::EventLog& log, const std::string& type, const std::string& id,
                                   const projections::AsOf& at) {
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(
      log.ReadStream(events::StreamName{type, id}, 1, events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  domain::RecordState state;
  state.type = type;
  state.id = id;
  for (const auto& e : evs) {
    const events::EventView& v = e.view();
    if (!at.Visible(v.position(), v.occurred_at_us())) continue;
    state.version = v.stream_version() - 1;
    RAPPORT_RETURN_IF_ERROR(domain::Apply(v, &state));
  }
  return state;
}

int ExportLog(const GlobalOptions& g, const projections::AsOf& at, const events::EventLog& log, std::ostream& out) {
  uint64_t upto = at.mode == projections::AsOf::Mode::kRecorded ? at.position : 0;
  if (at.mode == projections::AsOf::Mode::kRecorded && upto == 0) return kExitOk;  // nothing recorded yet then
  auto it = log.NewIterator({.upto_position = upto, .fill_cache = false});
  uint64_t n = 0;
  for (it->Seek(1); it->Valid(); it->Next()) {
    const events::EventView& e = it->event();
    if (!at.Visible(e.position(), e.occurred_at_us())) continue;
    out << events::EventToJson(e).dump() << '\n';
    ++n;
  }
  out.flush();
  if (!it->status().ok()) return ReportError(g, it->status());
  if (StderrIsTerminal()) std::cerr << "exported " << n << " events\n";
  return kExitOk;
}

int RunExport(const GlobalOptions& g, const ExportArgs& a) {
  auto at = ViewOf(a.tt);
  if (!at.ok()) return ReportError(g, at.status());
  if (a.format != "csv" && a.format != "jsonl") {
    return ReportError(g, Status::InvalidArgument("--format: '" + a.format + "' is not csv or jsonl"));
  }
  std::unique_ptr<events::EventLog> log;
  Status s = OpenLog(g, false, &log);
  if (!s.ok()) return ReportError(g, s);
  if (at->mode == projections::AsOf::Mode::kRecorded) {
    auto p = log->PositionAt(at->instant);
    if (!p.ok()) return ReportError(g, p.status());
    at->position = *p;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (a.output != "-") {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) return ReportError(g, Status::IOError("cannot write " + a.output));
    out = &file;
  }
  if (a.what == "log") return ExportLog(g, *at, *log, *out);

  std::string type = a.what;
  // Custom fields of the type, as columns after the standard ones.
  std::vector<std::string> cols = Columns(type);
  {
    std::vector<std::string> ids;
    s = log->ListStreams("field", "", SIZE_MAX, &ids);
    if (!s.ok()) return ReportError(g, s);
    for (const auto& id : ids) {
      if (id.rfind(type + ".", 0) == 0) cols.push_back("custom." + id.substr(type.size() + 1));
    }
  }
  bool csv = a.format == "csv";
  if (csv) {
    *out << "id,state,version,created_at,created_by,updated_at";
    for (const auto& c : cols) *out << ',' << CsvCell(c);
    *out << '\n';
  }
  std::string after;
  uint64_t n = 0;
  while (true) {
    std::vector<std::string> ids;
    s = log->ListStreams(type, after, 1000, &ids);
    if (!s.ok()) return ReportError(g, s);
    if (ids.empty()) break;
    for (const auto& id : ids) {
      after = id;
      auto r = Replay(*log, type, id, *at);
      if (!r.ok()) return ReportError(g, r.status());
      if (!r->created || (!a.all && !r->live())) continue;
      ++n;
      if (!csv) {
        *out << RecordToJson(*r).dump() << '\n';
        continue;
      }
      std::string state = r->deleted ? "deleted" : !r->merged_into.empty() ? "merged" : "live";
      *out << CsvCell(r->id) << ',' << state << ',' << r->version << ',' << FormatIso8601(r->created_at_us) << ','
           << CsvCell(r->created_by) << ',' << FormatIso8601(r->updated_at_us);
      for (const auto& c : cols) *out << ',' << CsvCell(domain::FormatValue(r->Get(c)));
      *out << '\n';
    }
  }
  out->flush();
  if (StderrIsTerminal() || a.output != "-") {
    std::cerr << "exported " << n << " " << type << " records" << (a.output != "-" ? " to " + a.output : "") << "\n";
  }
  return kExitOk;
}

}  // namespace

void SetupExportCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static ExportArgs args;
  CLI::App* cmd = app->add_subcommand("export", "Export records to CSV or JSON Lines, or the event log to JSON Lines");
  cmd->add_option("what", args.what, "log, or a record type: contact, company, deal, task, ticket, activity, user, "
                                     "team, product, contract, pipeline")
      ->required()
      ->check(CLI::IsMember({"log", "contact", "company", "deal", "task", "ticket", "activity", "user", "team",
                             "product", "contract", "pipeline"}));
  cmd->add_option("--format", args.format, "csv (default) or jsonl; the log is always jsonl");
  cmd->add_option("-o,--output", args.output, "Write to this file (default: standard output)");
  cmd->add_flag("--all", args.all, "Include deleted and merged records");
  AddTimeTravel(cmd, &args.tt);
  cmd->callback([g, exit_code] { *exit_code = RunExport(*g, args); });
}

}  // namespace rapport::cli
