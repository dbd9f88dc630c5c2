// The automation views RunQuery answers (query.h):
//
//   rules       the rule set in the view: which rules existed, which were enabled, and what
//               each said then ("which rules were active on 1 March?")
//   automation  `record`: every automatic action on a record, newest first (at most `limit`,
//               default 50), each with the rule that took it and the event or time window
//               that triggered it ("why does this deal have that task?")
//
// Both read the log directly (rules are few; actions are found through the record's
// timeline), so they answer in every view like the other queries.
#pragma once

#include "domain/record_state.h"
#include "projections/automation_runner.h"
#include "projections/engine.h"
#include "projections/queries_json.h"

namespace rapport::projections {

Result<Json> RulesView(const ProjectionEngine& engine, const AsOf& at);
Result<Json> AutomationView(const ProjectionEngine& engine, const AsOf& at, const std::string& record,
                            size_t limit);

// One rule as the views show it (also for `rapport rule show`).
Json RuleToJson(const domain::RecordState& rule);

// What `rapport score recompute --json` prints, embedded or through rapportd:
//   {"now": "2026-11-27T16:00:00Z", "contacts_scored": 120, "scores_written": 7, "problems": []}
Json RecomputeReportToJson(const AutomationReport& r, Micros now);

}  // namespace rapport::projections
