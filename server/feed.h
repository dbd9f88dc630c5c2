// The change feed's read side: which events a subscription wants, and reading them from the
// log in bounded batches. Catch-up and live delivery are the same loop over one cursor (the
// next position to read), so the switch from backlog to live can neither skip nor repeat an
// event. No I/O beyond reading the log.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "events/event_log.h"

namespace rapport::server {

struct FeedFilter {
  std::set<std::string, std::less<>> record_types;  // empty: any
  std::set<std::string, std::less<>> record_ids;    // empty: any
  std::set<std::string, std::less<>> event_types;   // empty: any ("DealMoved")
  // API token events (their hashes) only go to admins.
  bool include_tokens = false;

  bool Matches(const events::EventView& e) const;
};

struct FeedBatch {
  std::vector<events::Event> events;
  uint64_t next_position = 0;  // the cursor after this batch
};

// Reads events from `from` (>= 1) on that pass `filter`: stops at the log's end, after
// `max_events` matches, once the matches hold `max_bytes` (at least one event is returned
// when one matches), or after scanning `max_scanned` events (a narrow filter over a long log
// returns an empty batch with the cursor moved on, so one call never runs long).
Status ReadFeedBatch(const events::EventLog& log, const FeedFilter& filter, uint64_t from,
                     size_t max_events, size_t max_bytes, size_t max_scanned, FeedBatch* out);

}  // namespace rapport::server
