// What the view commands (board, forecast, report, timeline, ...) share: opening the read
// models over the data directory, the time-travel flags, and money formatting.
//
//   --as-of INSTANT   show the view as rapport showed it then (ISO 8601 date or instant)
//   --effective       with --as-of: as we now know it had happened by then
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "cli/display_names.h"
#include "projections/engine.h"
#include "projections/queries.h"
#include "projections/queries_json.h"

namespace rapport::cli {

struct TimeTravel {
  std::string as_of;
  bool effective = false;
};

// Adds --as-of and --effective to `cmd`.
void AddTimeTravel(CLI::App* cmd, TimeTravel* t);

// The view the flags ask for (now when no --as-of). invalid_argument for a bad instant or
// --effective without --as-of.
Result<projections::AsOf> ViewOf(const TimeTravel& t);

// The log, the read models caught up (with a progress line on a terminal), and the names
// the tables show beside user and team ids.
struct Views {
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<projections::ProjectionEngine> engine;
  DisplayNames names;
  ~Views();
};
Status OpenViews(const GlobalOptions& g, Views* v);

// "as of 2017-06-30T00:00:00Z (recorded)" — the heading line of a view, "" for now.
std::string ViewHeading(const projections::AsOf& at);

std::string Money(int64_t minor, const std::string& currency);

// Prints a JSON document (pretty when stdout is a terminal).
void PrintJson(const projections::Json& j);

}  // namespace rapport::cli
