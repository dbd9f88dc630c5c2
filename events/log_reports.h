// Log reports as JSON: the documents `rapport log stats|verify` and `rapport backup` print
// with --json, built in one place so the embedded CLI and rapportd (which answers the same
// questions over --connect) give the same answer.
#pragma once

#include <nlohmann/json.hpp>

#include "events/event_log.h"

namespace rapport::events {

// Statistics of the log plus the number of events of each type (a full scan of the log:
// about a second per few million events).
Result<nlohmann::ordered_json> LogStatsReport(const EventLog& log);

// `report` as JSON: ok, counts, problems.
nlohmann::ordered_json VerifyReportToJson(const VerifyReport& report);

// One backup as JSON: id, created_at (ISO 8601), bytes, files, last_position_at_least.
nlohmann::ordered_json BackupInfoToJson(const BackupInfo& backup);

}  // namespace rapport::events
