// The query results read back from JSON: the inverse of queries_json.h, so that an answer the
// server sent (remote mode) can be printed by the same table printers as one computed in
// process (embedded mode).
//
// Contract, for every overload: FromJson(ToJson(x), &y) succeeds and y holds every field that
// ToJson(x) writes, so ToJson(y) == ToJson(x). Fields ToJson does not write keep their
// defaults (e.g. an effective AsOf's position, UINT64_MAX as AsOf::Effective sets it).
//  - Money is read from the *_minor integers; the formatted strings ("1,250.00 EUR") are
//    ignored. Dates are "YYYY-MM-DD" ("" = kNoDate), instants ISO 8601.
//  - Keys ToJson writes only sometimes are optional with ToJson's default when absent
//    (Board: "removed" false, "converted" true; Forecast: "group" ""; Timeline: "next" none;
//    History: "causation_id" ""; AsOf: "position" for effective views). Keys ToJson does not
//    write (such as the "view" RunQuery adds) are ignored.
//  - PipelineDiff's "reconciles" and "effect" strings are derived: "reconciles" must be a
//    boolean equal to PipelineDiff::Reconciles() over the amounts read, which must not
//    overflow when summed.
//
// The input is untrusted (it comes off the network): these functions never throw and never
// read outside `j`. A missing or wrongly typed field, an integer out of its field's range, or
// a malformed date, instant or cursor returns invalid_argument whose message starts with the
// JSON path relative to `j` ("stages[2].deals[0].amount_minor: expected an integer, got
// string"; "(root)" for `j` itself). On error *out is left unchanged.
//
// REQUIRES: out != nullptr.
// Thread safety: pure functions; distinct outputs may be filled from different threads.
#pragma once

#include <vector>

#include "events/status.h"
#include "projections/as_of.h"
#include "projections/queries.h"
#include "projections/queries_json.h"
#include "projections/search.h"
#include "projections/timeline.h"

namespace rapport::projections {

Status FromJson(const Json& j, Board* out);
Status FromJson(const Json& j, PipelineDiff* out);
Status FromJson(const Json& j, Forecast* out);
Status FromJson(const Json& j, Report* out);
Status FromJson(const Json& j, std::vector<FollowUp>* out);
Status FromJson(const Json& j, std::vector<StaleDeal>* out);
Status FromJson(const Json& j, std::vector<Renewal>* out);
Status FromJson(const Json& j, std::vector<WaitingTicket>* out);
Status FromJson(const Json& j, TimelineResult* out);
Status FromJson(const Json& j, std::vector<HistoryRow>* out);
Status FromJson(const Json& j, std::vector<SearchHit>* out);
Status FromJson(const Json& j, std::vector<DuplicateGroup>* out);
// The "view" (and a diff's "from" / "to") object: mode now | recorded | effective.
Status FromJson(const Json& j, AsOf* out);

}  // namespace rapport::projections
