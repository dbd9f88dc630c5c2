#include "events/log_reports.h"

#include <map>

#include "events/clock.h"
#include "events/log_iterator.h"

namespace rapport::events {

Result<nlohmann::ordered_json> LogStatsReport(const EventLog& log) {
  LogStats st = log.Stats();
  std::map<std::string, uint64_t> by_type;
  auto it = log.NewIterator({.upto_position = st.last_position, .fill_cache = false});
  if (st.last_position > 0) {
    for (it->Seek(1); it->Valid(); it->Next()) ++by_type[std::string(it->event().type_name())];
    RAPPORT_RETURN_IF_ERROR(it->status());
  }
  auto iso = [](Micros t) { return t ? FormatIso8601(t) : std::string(); };
  nlohmann::ordered_json j;
  j["workspace_id"] = st.workspace_id;
  j["events"] = st.last_position;
  j["first_recorded_at"] = iso(st.first_recorded_at_us);
  j["last_recorded_at"] = iso(st.last_recorded_at_us);
  j["streams_estimate"] = st.estimated_streams;
  j["commands_estimate"] = st.estimated_commands;
  j["disk_bytes"] = st.disk_bytes;
  j["events_by_type"] = by_type;
  return j;
}

nlohmann::ordered_json VerifyReportToJson(const VerifyReport& r) {
  nlohmann::ordered_json j;
  j["ok"] = r.ok();
  j["last_position"] = r.last_position;
  j["events_checked"] = r.events_checked;
  j["unknown_type_events"] = r.unknown_type_events;
  j["streams_checked"] = r.streams_checked;
  j["stream_entries_checked"] = r.stream_entries_checked;
  j["commands_checked"] = r.commands_checked;
  j["problem_count"] = r.problem_count;
  j["problems"] = r.problems;
  return j;
}

nlohmann::ordered_json BackupInfoToJson(const BackupInfo& b) {
  return nlohmann::ordered_json{{"id", b.id},
                                {"created_at", FormatIso8601(b.created_at_us)},
                                {"bytes", b.bytes},
                                {"files", b.files},
                                {"last_position_at_least", b.last_position}};
}

}  // namespace rapport::events
