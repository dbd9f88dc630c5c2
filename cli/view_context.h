// What the view commands (board, forecast, report, timeline, ...) share: asking a question of
// the read models (in process over the data directory, or rapportd's with --connect), the
// time-travel flags, and money formatting.
//
// Every view goes one way in both modes: flags -> projections::Query -> QueryView -> the JSON
// document RunQuery answers, printed as it is with --json, or read back with ReadAnswer and
// printed as a table.
//
//   --as-of INSTANT   show the view as rapport showed it then (ISO 8601 date or instant)
//   --effective       with --as-of: as we now know it had happened by then
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/display_names.h"
#include "projections/engine.h"
#include "projections/queries.h"
#include "projections/queries_from_json.h"
#include "projections/queries_json.h"
#include "projections/query.h"

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

// Sets q->view to ViewOf(t); the same errors, *q unchanged on error.
Status SetView(const TimeTravel& t, projections::Query* q);

// The log, the read models caught up (with a progress line on a terminal), and the names
// the tables show beside user and team ids.
struct Views {
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<projections::ProjectionEngine> engine;
  DisplayNames names;
  ~Views();
};
Status OpenViews(const GlobalOptions& g, Views* v);

// Answers `q`: embedded, from the data directory's read models (OpenViews, then RunQuery at the
// current time); with --connect, from rapportd (the protocol's Query, which runs the same
// RunQuery there). Returns the JSON document `--json` prints. When `names` is not null it gets
// the names tables show beside user and team ids (embedded: replayed from the log; remote: the
// session's directory, a few more round trips: pass null for --json).
//
// Errors are RunQuery's, whose invalid_argument messages name the query's argument; those that
// come from a CLI flag are renamed after it ("min_amount: ..." -> "--min-amount: ...").
Result<projections::Json> QueryView(const GlobalOptions& g, const projections::Query& q, DisplayNames* names);

// Reads `answer[key]` (`answer` itself when key is null) back into a result struct with
// projections::FromJson. An answer that does not read (rapportd of another version) is
// corruption naming the JSON path from the answer's root. *out is unchanged on error.
template <typename T>
Status ReadAnswer(const projections::Json& answer, const char* key, T* out);
// The same for a list of strings (a view's "warnings"); a missing key reads as none.
Status ReadAnswer(const projections::Json& answer, const char* key, std::vector<std::string>* out);

// For ReadAnswer: the member (a null document when absent), and the error for one that does
// not read.
const projections::Json& AnswerMember(const projections::Json& answer, const char* key);
Status AnswerMismatch(const char* key, const Status& s);

template <typename T>
Status ReadAnswer(const projections::Json& answer, const char* key, T* out) {
  Status s = projections::FromJson(AnswerMember(answer, key), out);
  return s.ok() ? s : AnswerMismatch(key, s);
}

// "as of 2017-06-30T00:00:00Z (recorded)" — the heading line of a view, "" for now.
std::string ViewHeading(const projections::AsOf& at);

std::string Money(int64_t minor, const std::string& currency);

// Prints a JSON document (pretty when stdout is a terminal).
void PrintJson(const projections::Json& j);

// The rest of a view command once its flags are a Query: asks it (QueryView), then prints the
// answer as it is with --json, or calls `print(answer, names)` (returning a Status, from
// ReadAnswer) to print the table. Returns the exit code; errors go through ReportError.
template <typename Print>
int ShowView(const GlobalOptions& g, const projections::Query& q, Print&& print) {
  DisplayNames names;
  auto answer = QueryView(g, q, g.json ? nullptr : &names);
  if (!answer.ok()) return ReportError(g, answer.status());
  if (g.json) {
    PrintJson(*answer);
    return kExitOk;
  }
  Status s = print(*answer, names);
  return s.ok() ? kExitOk : ReportError(g, s);
}

}  // namespace rapport::cli
