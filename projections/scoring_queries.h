// The lead-scoring views RunQuery answers (query.h). All work in every view (now, as of an
// instant, effective), since scores are events:
//
//   score         `record` (a contact): its score in the view, with every reason and what
//                 it counts ("why is this lead 85?"), and its score history, newest first
//                 (at most `limit`, default 20)
//   scores        the scored contacts, highest first (at most `limit`, default 50), those
//                 with at least `min_amount` points when given ("who are our hottest leads?")
//   score_report  conversion by score band: the contacts in each band of the view, and how
//                 many of them have since (in the log now) reached sales-qualified or later
//                 and become customers ("does the scoring predict wins?")
#pragma once

#include "events/schema/commands_generated.h"
#include "projections/engine.h"
#include "projections/queries_json.h"

namespace rapport::projections {

Result<Json> ScoreView(const ProjectionEngine& engine, const AsOf& at, const std::string& contact_id, size_t limit);
Result<Json> ScoresView(const ProjectionEngine& engine, const AsOf& at, const std::string& min_score, size_t limit);
Result<Json> ScoreReportView(const ProjectionEngine& engine, const AsOf& at, Micros now);

// A scoring model as JSON and back (`rapport score model`, docs/automation.md):
//   {"half_life_days": 30, "max_age_days": 180, "cap": 100, "criteria": [
//     {"label": "VP title", "points": 15, "field": "title", "op": "contains", "value": "VP"},
//     {"label": "meeting", "points": 20, "behaviour": "meeting", "max_count": 3},
//     {"label": "replied", "points": 10, "behaviour": "email_reply", "within_days": 3}]}
// ScoringModelFromJson names the member at fault ("criteria[1].behaviour: ..."); the
// domain's CheckScoringModel judges the rest when the model is set.
Json ScoringModelToJson(const fb::ScoringModelT& m);
Result<fb::ScoringModelT> ScoringModelFromJson(const Json& j);

}  // namespace rapport::projections
