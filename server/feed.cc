#include "server/feed.h"

#include <algorithm>

namespace rapport::server {

bool FeedFilter::Matches(const events::EventView& e) const {
  if (!include_tokens && e.stream_type() == "token") return false;
  if (!record_types.empty() && record_types.find(e.stream_type()) == record_types.end()) return false;
  if (!record_ids.empty() && record_ids.find(e.stream_id()) == record_ids.end()) return false;
  if (!event_types.empty() && event_types.find(e.type_name()) == event_types.end()) return false;
  return true;
}

Status ReadFeedBatch(const events::EventLog& log, const FeedFilter& filter, uint64_t from,
                     size_t max_events, size_t max_bytes, size_t max_scanned, FeedBatch* out) {
  out->events.clear();
  out->next_position = std::max<uint64_t>(from, 1);
  size_t bytes = 0, scanned = 0;
  const uint64_t last = log.LastPosition();
  while (out->next_position <= last && scanned < max_scanned) {
    std::vector<events::Event> chunk;
    size_t want = std::min<uint64_t>({256, last - out->next_position + 1, max_scanned - scanned});
    RAPPORT_RETURN_IF_ERROR(log.ReadForward(out->next_position, want, &chunk));
    if (chunk.empty()) break;
    for (auto& e : chunk) {
      ++scanned;
      out->next_position = e->position() + 1;
      if (!filter.Matches(e.view())) continue;
      bytes += e.bytes().size();
      out->events.push_back(std::move(e));
      if (out->events.size() >= max_events || bytes >= max_bytes) return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace rapport::server
