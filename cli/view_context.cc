#include "cli/view_context.h"

#include <iostream>

#include "domain/money.h"

namespace rapport::cli {

void AddTimeTravel(CLI::App* cmd, TimeTravel* t) {
  cmd->add_option("--as-of", t->as_of,
                  "Show it as rapport showed it at this instant (ISO 8601: 2017-06-30 or "
                  "2017-06-30T14:00:00Z)")
      ->type_name("INSTANT");
  cmd->add_flag("--effective", t->effective,
                "With --as-of: as we now know it had happened by then (events logged late count)");
}

Result<projections::AsOf> ViewOf(const TimeTravel& t) {
  Micros now = SystemClock()->NowMicros();
  if (t.as_of.empty()) {
    if (t.effective) return Status::InvalidArgument("--effective needs --as-of INSTANT");
    return projections::AsOf::Now(now);
  }
  auto at = ParseIso8601(t.as_of);
  if (!at.ok()) return Status::InvalidArgument("--as-of: " + at.status().message());
  // A bare date means the end of that day: "as of 30 June" includes 30 June.
  Micros instant = *at;
  if (t.as_of.size() == 10) instant += kMicrosPerDay - 1;
  return t.effective ? projections::AsOf::Effective(instant) : projections::AsOf::Recorded(instant);
}

Views::~Views() {
  if (engine) {
    Status s = engine->Close();
    (void)s;
  }
}

Status OpenViews(const GlobalOptions& g, Views* v) {
  RAPPORT_RETURN_IF_ERROR(OpenLog(g, false, &v->log));
  projections::EngineOptions o;
  bool tty = StderrIsTerminal() && !g.json;
  if (tty) {
    o.progress = [](uint64_t done, uint64_t total) {
      if (total < 200000) return;  // quick: no progress line
      std::cerr << "\rreading the log: " << done << " / " << total << " events ("
                << (total ? 100 * done / total : 100) << "%)" << std::flush;
    };
  }
  auto e = projections::ProjectionEngine::Open(v->log.get(), o);
  if (!e.ok()) return e.status();
  v->engine = std::move(*e);
  Status s = v->engine->CatchUp();
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!v->engine->report().snapshot_problem.empty()) {
    std::cerr << "rapport: warning: a projection snapshot was damaged and has been rebuilt ("
              << v->engine->report().snapshot_problem << ")\n";
  }
  RAPPORT_RETURN_IF_ERROR(s);
  auto names = DisplayNames::Load(v->log.get());
  if (!names.ok()) return names.status();
  v->names = std::move(*names);
  return Status::Ok();
}

std::string ViewHeading(const projections::AsOf& at) {
  switch (at.mode) {
    case projections::AsOf::Mode::kNow:
      return "";
    case projections::AsOf::Mode::kRecorded:
      return "as rapport showed it at " + FormatIso8601(at.instant) + " (log position " +
             std::to_string(at.position) + ")";
    case projections::AsOf::Mode::kEffective:
      return "effective " + FormatIso8601(at.instant) + ": everything that had happened by then, as known now";
  }
  return "";
}

std::string Money(int64_t minor, const std::string& currency) {
  return domain::FormatMoneyGrouped(minor, currency);
}

void PrintJson(const projections::Json& j) {
  std::cout << (StdoutIsTerminal() ? j.dump(2) : j.dump()) << std::endl;
}

}  // namespace rapport::cli
