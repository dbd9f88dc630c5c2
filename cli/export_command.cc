#include "cli/export_command.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <set>

#include "cli/record_printing.h"
#include "cli/session.h"
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

// Where export reads: the data directory's log, or rapportd's (--connect) through ReadLog,
// ReadStream and ListStreams. Both verify every event they hand out.
class ExportSource {
 public:
  virtual ~ExportSource() = default;
  // Calls f for every event in position order until f returns false.
  virtual Status Scan(const std::function<bool(const events::EventView&)>& f) = 0;
  virtual Status Stream(const std::string& type, const std::string& id, std::vector<events::Event>* out) = 0;
  virtual Result<std::vector<std::string>> List(const std::string& type, const std::string& after, size_t max) = 0;
};

class EmbeddedSource final : public ExportSource {
 public:
  explicit EmbeddedSource(const events::EventLog* log) : log_(log) {}
  Status Scan(const std::function<bool(const events::EventView&)>& f) override {
    auto it = log_->NewIterator({.fill_cache = false});
    for (it->Seek(1); it->Valid(); it->Next()) {
      if (!f(it->event())) break;
    }
    return it->status();
  }
  Status Stream(const std::string& type, const std::string& id, std::vector<events::Event>* out) override {
    return log_->ReadStream(events::StreamName{type, id}, 1, events::EventLog::Direction::kForward, SIZE_MAX, out);
  }
  Result<std::vector<std::string>> List(const std::string& type, const std::string& after, size_t max) override {
    std::vector<std::string> ids;
    RAPPORT_RETURN_IF_ERROR(log_->ListStreams(type, after, max, &ids));
    return ids;
  }

 private:
  const events::EventLog* log_;
};

class RemoteSource final : public ExportSource {
 public:
  explicit RemoteSource(server::Client* client) : client_(client) {}
  Status Scan(const std::function<bool(const events::EventView&)>& f) override {
    uint64_t next = 1;
    for (;;) {
      auto evs = client_->ReadLog(next, 1000, &next);
      if (!evs.ok()) return evs.status();
      if (evs->empty()) return Status::Ok();
      for (const auto& e : *evs) {
        if (!f(e.view())) return Status::Ok();
      }
    }
  }
  Status Stream(const std::string& type, const std::string& id, std::vector<events::Event>* out) override {
    auto evs = client_->ReadWholeStream(type, id);
    if (!evs.ok()) return evs.status();
    *out = std::move(*evs);
    return Status::Ok();
  }
  Result<std::vector<std::string>> List(const std::string& type, const std::string& after, size_t max) override {
    return client_->ListAllStreams(type, after, max);
  }

 private:
  server::Client* client_;
};

// Whether an event is part of the export's view. Recorded mode compares recorded_at, which
// never decreases along the log, so it cuts the log exactly where PositionAt would.
bool Visible(const projections::AsOf& at, const events::EventView& v) {
  if (at.mode == projections::AsOf::Mode::kRecorded) return v.recorded_at_us() <= at.instant;
  return at.Visible(v.position(), v.occurred_at_us());
}

// Everything the view shows of one record, replayed from its stream.
Result<domain::RecordState> Replay(ExportSource* src, const std::string& type, const std::string& id,
                                   const projections::AsOf& at) {
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(src->Stream(type, id, &evs));
  domain::RecordState state;
  state.type = type;
  state.id = id;
  for (const auto& e : evs) {
    const events::EventView& v = e.view();
    if (!Visible(at, v)) continue;
    state.version = v.stream_version() - 1;
    RAPPORT_RETURN_IF_ERROR(domain::Apply(v, &state));
  }
  return state;
}

int ExportLog(const GlobalOptions& g, const projections::AsOf& at, ExportSource* src, std::ostream& out) {
  uint64_t n = 0;
  Status s = src->Scan([&](const events::EventView& e) {
    if (at.mode == projections::AsOf::Mode::kRecorded && e.recorded_at_us() > at.instant) return false;
    if (!Visible(at, e)) return true;
    out << events::EventToJson(e).dump() << '\n';
    ++n;
    return true;
  });
  out.flush();
  if (!s.ok()) return ReportError(g, s);
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
  std::unique_ptr<Session> session;
  std::unique_ptr<ExportSource> src;
  if (g.remote()) {
    Status s = OpenRemoteSession(g, &session);
    if (!s.ok()) return ReportError(g, s);
    src = std::make_unique<RemoteSource>(RemoteClient(session.get()));
  } else {
    Status s = OpenLog(g, false, &log);
    if (!s.ok()) return ReportError(g, s);
    src = std::make_unique<EmbeddedSource>(log.get());
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (a.output != "-") {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) return ReportError(g, Status::IOError("cannot write " + a.output));
    out = &file;
  }
  if (a.what == "log") return ExportLog(g, *at, src.get(), *out);

  std::string type = a.what;
  // Custom fields of the type, as columns after the standard ones.
  std::vector<std::string> cols = Columns(type);
  {
    auto ids = src->List("field", "", SIZE_MAX);
    if (!ids.ok()) return ReportError(g, ids.status());
    for (const auto& id : *ids) {
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
    auto ids = src->List(type, after, 1000);
    if (!ids.ok()) return ReportError(g, ids.status());
    if (ids->empty()) break;
    for (const auto& id : *ids) {
      after = id;
      auto r = Replay(src.get(), type, id, *at);
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
