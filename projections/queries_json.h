// The query results as JSON: the --json output of the CLI and the protocol's query results.
// Money appears twice: formatted for people ("1,250.00 EUR") and as *_minor integers.
#pragma once

#include <nlohmann/json.hpp>

#include "projections/queries.h"

namespace rapport::projections {

using Json = nlohmann::ordered_json;

Json ToJson(const Board& b);
Json ToJson(const PipelineDiff& d);
Json ToJson(const Forecast& f);
Json ToJson(const Report& r);
Json ToJson(const std::vector<FollowUp>& v);
Json ToJson(const std::vector<StaleDeal>& v);
Json ToJson(const std::vector<Renewal>& v);
Json ToJson(const std::vector<WaitingTicket>& v);
Json ToJson(const TimelineResult& t);
Json ToJson(const std::vector<HistoryRow>& rows);
Json ToJson(const std::vector<SearchHit>& hits);
Json ToJson(const std::vector<DuplicateGroup>& groups);
Json ToJson(const AsOf& at);

}  // namespace rapport::projections
