#include "cli/record_command.h"

#include <iostream>

#include "cli/table.h"
#include "cli/view_context.h"

namespace rapport::cli {

std::string RecordName(const std::string& text, const char* fallback_type) {
  if (text.find('/') != std::string::npos) return text;
  auto dash = text.find('-');
  std::string prefix = text.substr(0, dash == std::string::npos ? 0 : dash);
  const char* type = prefix == "C" ? "contact" : prefix == "CO" ? "company" : prefix == "D" ? "deal"
                     : prefix == "TSK" ? "task" : prefix == "TKT" ? "ticket" : prefix == "A" ? "activity"
                     : prefix == "K" ? "contract" : prefix == "U" ? "user" : prefix == "T" ? "team"
                     : prefix == "PL" ? "pipeline" : prefix == "P" ? "product" : fallback_type;
  return std::string(type) + "/" + text;
}

namespace {

using projections::AsOf;

struct TimelineOptions {
  std::string record, after;
  size_t limit = 20;
  TimeTravel tt;
};

int RunTimeline(const GlobalOptions& g, const TimelineOptions& o) {
  projections::Query q;
  q.kind = "timeline";
  q.record = RecordName(o.record, "contact");
  q.limit = o.limit;
  q.cursor = o.after;
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    projections::TimelineResult t;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &t));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    PrintTimeline(t, at, q.record, o.record, names);
    return Status::Ok();
  });
}

struct HistoryOptions {
  std::string record;
  TimeTravel tt;
};

int RunHistory(const GlobalOptions& g, const HistoryOptions& o) {
  projections::Query q;
  q.kind = "history";
  q.record = RecordName(o.record, "contact");
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    std::vector<projections::HistoryRow> rows;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "changes", &rows));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    std::cout << "Every field change of " << q.record;
    if (!ViewHeading(at).empty()) std::cout << ", " << ViewHeading(at);
    std::cout << "\n\n";
    Table t({{"OCCURRED"}, {"BY"}, {"EVENT"}, {"FIELD"}, {"OLD", Table::Align::kLeft, 30},
             {"NEW", Table::Align::kLeft, 30}, {"COMMAND", Table::Align::kLeft, 24}});
    for (const auto& r : rows) {
      bool user = HoldsUserId(r.field);
      t.AddRow({FormatIso8601(r.occurred), names.Label(r.actor), r.event_type, r.field,
                user ? names.Label(r.old_value) : r.old_value, user ? names.Label(r.new_value) : r.new_value,
                r.causation_id.empty() ? r.command_id : r.command_id + " (caused by " + r.causation_id + ")"});
    }
    t.Print(std::cout);
    return Status::Ok();
  });
}

struct SearchOptions {
  std::string text, type;
  size_t limit = 20;
  TimeTravel tt;
};

int RunSearch(const GlobalOptions& g, const SearchOptions& o) {
  projections::Query q;
  q.kind = "search";
  q.text = o.text;
  q.record_type = o.type;
  q.limit = o.limit;
  Status s = SetView(o.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames&) {
    std::vector<projections::SearchHit> hits;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &hits));
    Table t({{"RECORD"}, {"MATCHED"}});
    for (const auto& h : hits) t.AddRow({h.record, h.matched});
    t.Print(std::cout);
    if (hits.empty()) std::cout << "(no match)\n";
    return Status::Ok();
  });
}

int RunDuplicates(const GlobalOptions& g, const TimeTravel& tt) {
  projections::Query q;
  q.kind = "duplicates";
  Status s = SetView(tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames&) {
    std::vector<projections::DuplicateGroup> groups;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, nullptr, &groups));
    Table t({{"RECORDS", Table::Align::kLeft, 60}, {"WHY", Table::Align::kLeft, 60}});
    for (const auto& d : groups) {
      std::string records;
      for (const auto& r : d.records) records += (records.empty() ? "" : ", ") + r;
      t.AddRow({records, d.reason});
    }
    t.Print(std::cout);
    if (groups.empty()) std::cout << "(no duplicate candidates)\n";
    else std::cout << "\nMerge with: rapport contact merge SURVIVOR MERGED\n";
    return Status::Ok();
  });
}

}  // namespace

void PrintTimeline(const projections::TimelineResult& t, const projections::AsOf& at,
                   const std::string& record, const std::string& typed, const DisplayNames& names) {
  std::cout << "Timeline of " << record << ", newest first, " << t.total << " entries";
  if (!ViewHeading(at).empty()) std::cout << ", " << ViewHeading(at);
  std::cout << "\n\n";
  Table table({{"WHEN"}, {"WHO"}, {"WHAT", Table::Align::kLeft, 90}, {"RECORDED", Table::Align::kLeft}});
  for (const auto& r : t.rows) {
    bool late = r.recorded - r.occurred > kMicrosPerDay;
    table.AddRow({FormatIso8601(r.occurred), names.Label(r.actor), r.summary, late ? FormatIsoDate(r.recorded) + " (late)" : ""});
  }
  table.Print(std::cout);
  if (t.more && t.next) {
    std::cout << "\nMore: rapport timeline " << typed << " --after " << t.next->occurred << ":" << t.next->position
              << "\n";
  }
}

void SetupRecordViewCommands(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  {
    auto o = std::make_shared<TimelineOptions>();
    CLI::App* cmd = app->add_subcommand("timeline", "Everything that happened to a contact, company or deal, newest first");
    cmd->add_option("record", o->record, "contact/C-1, company/CO-2, deal/D-3 (or just C-1, CO-2, D-3)")->required();
    cmd->add_option("-n,--limit", o->limit, "Entries per page")->check(CLI::Range(size_t{1}, size_t{10000}));
    cmd->add_option("--after", o->after, "Continue after a previous page (the value it printed)");
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] { *exit_code = RunTimeline(*g, *o); });
  }
  {
    auto o = std::make_shared<HistoryOptions>();
    CLI::App* cmd = app->add_subcommand("history", "Every field change of any record: old, new, who, when and why");
    cmd->add_option("record", o->record, "deal/D-3, contact/C-1, ... (or just D-3, C-1)")->required();
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] { *exit_code = RunHistory(*g, *o); });
  }
  {
    auto o = std::make_shared<SearchOptions>();
    CLI::App* cmd = app->add_subcommand("search", "Contacts and companies by name, email or domain (prefix, any case and accents)");
    cmd->add_option("text", o->text, "What to look for")->required();
    cmd->add_option("--type", o->type, "contact or company")->check(CLI::IsMember({"contact", "company"}));
    cmd->add_option("-n,--limit", o->limit, "Most results")->check(CLI::Range(size_t{1}, size_t{100000}));
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] { *exit_code = RunSearch(*g, *o); });
  }
  {
    auto tt = std::make_shared<TimeTravel>();
    CLI::App* cmd = app->add_subcommand("duplicates", "Contacts that may be the same person: same email, or same name at one company");
    AddTimeTravel(cmd, tt.get());
    cmd->callback([g, tt, exit_code] { *exit_code = RunDuplicates(*g, *tt); });
  }
  {
    CLI::App* cmd = app->add_subcommand("rebuild", "Rebuild every read model from the log (with progress)");
    cmd->callback([g, exit_code] {
      std::unique_ptr<events::EventLog> log;
      Status s = OpenLog(*g, false, &log,
                         "rebuild (rapportd keeps its read models current itself, and rebuilds them when it "
                         "starts if their code changed)");
      if (!s.ok()) {
        *exit_code = ReportError(*g, s);
        return;
      }
      projections::EngineOptions eo;
      if (StderrIsTerminal()) {
        eo.progress = [](uint64_t done, uint64_t total) {
          std::cerr << "\rrebuilding: " << done << " / " << total << " events (" << (total ? 100 * done / total : 100)
                    << "%)" << std::flush;
        };
      }
      eo.ignore_snapshots = true;
      auto e = projections::ProjectionEngine::Open(log.get(), eo);
      if (!e.ok()) {
        *exit_code = ReportError(*g, e.status());
        return;
      }
      s = (*e)->Rebuild();
      if (s.ok()) s = (*e)->Snapshot();
      if (StderrIsTerminal()) std::cerr << "\r\033[K";
      if (!s.ok()) {
        *exit_code = ReportError(*g, s);
        return;
      }
      const auto& r = (*e)->report();
      double rate = r.seconds > 0 ? static_cast<double>(r.events_applied) / r.seconds : 0;
      if (g->json) {
        PrintJson(projections::Json{{"events", r.events_applied}, {"seconds", r.seconds}, {"events_per_second", rate}});
      } else {
        std::cout << "rebuilt every read model from " << r.events_applied << " events in " << r.seconds
                  << " s (" << static_cast<uint64_t>(rate) << " events/s); snapshot written\n";
      }
      *exit_code = kExitOk;
    });
  }
}

}  // namespace rapport::cli
