// Query: every question the read models answer, named and parameterised as one value, with
// its answer as the JSON document `rapport --json` prints. The server's Query message and the
// CLI's views both go through RunQuery, so a view looks the same embedded and remote.
//
// Kinds and the arguments each reads (others are ignored):
//   board       pipeline_id, limit (deals listed per stage, 0 = all)
//   diff        pipeline_id, from (the earlier view) and view (the later one)
//   forecast    period (month|quarter), group (none|owner|team), pipeline_id, owner_id
//   report      report (conversion|winrate|cycle|deal-size|revenue|sources|activity),
//               pipeline_id, owner_id, team_id, from_date, to_date (YYYY-MM-DD, inclusive)
//   followups   user_id
//   stale       days (default 14), min_amount (a number in the home currency, default 0)
//   renewals    days (default 60)
//   tickets     —
//   timeline    record ("deal/D-3"), limit (default 20), cursor ("occurred:position" from a
//               previous page's "next")
//   history     record
//   search      text, record_type (contact|company|""), limit (default 20)
//   duplicates  —
//   rules       — (the rule set in the view; projections/automation_queries.h)
//   automation  record, limit (default 50): automatic actions on a record and why
//   score       record (a contact), limit (history, default 20): its lead score and reasons
//   scores      min_amount (the lowest score listed), limit (default 50)
//   score_report  — (conversion by score band; projections/scoring_queries.h)
// Every kind takes `view` (now, recorded as of an instant, or effective as of an instant).
#pragma once

#include <string>
#include <string_view>

#include "projections/engine.h"
#include "projections/queries_json.h"

namespace rapport::projections {

struct Query {
  std::string kind;
  AsOf view = AsOf::Now(0);  // kNow: the engine's current position
  AsOf from = AsOf::Now(0);  // diff only
  std::string pipeline_id, owner_id, team_id, user_id;
  std::string record, record_type, text, report;
  std::string period = "month", group = "none";
  int days = -1;  // -1: the kind's default
  std::string min_amount, from_date, to_date;
  size_t limit = 0;  // 0: the kind's default
  std::string cursor;
};

// The kinds RunQuery knows, for help texts and error messages.
extern const char* const kQueryKinds[];

// Answers `q` from `engine` (and its log, for timelines and history). Errors:
// invalid_argument naming the argument at fault (an unknown kind lists the known ones);
// not_found for an unknown pipeline or record.
Result<Json> RunQuery(const ProjectionEngine& engine, const Query& q, Micros now);

}  // namespace rapport::projections
