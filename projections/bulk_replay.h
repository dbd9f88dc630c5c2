// BulkReplay: applies a long stretch of the log to a ReadModel with reading and applying
// overlapped on several threads (rebuilds and catching up after a restart).
//
//   Status s = BulkReplay(it.get(), &model, {},
//                         [&] { lock.lock(); },                      // begin a round
//                         [&](uint64_t n) { ...; lock.unlock(); });  // n events applied
//
// Threads: one reads and verifies the log into batches and runs ahead of the rest by at most
// `batches_ahead` batches; the calling thread applies group 0 (org, deals, work, engagement);
// two helpers apply group 1 (timelines) and group 2 (search), each on its own strings. Each
// group applies every batch in log order; the groups share no state.
//
// Rounds: the appliers advance in rounds of at most `round_batches` batches. `begin_round` runs
// on the calling thread before a round changes the model and `end_round` after all three
// groups have applied all of it, so between rounds every projection stands at the same
// position and the caller may let readers in. The reader keeps reading during that gap.
//
// Returns the iterator's status: damage in the log stops the replay after the events before
// it have been applied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "events/log_iterator.h"
#include "events/status.h"
#include "projections/read_model.h"

namespace rapport::projections {

struct BulkReplayOptions {
  // Events per batch (a batch is one hand-off between the reader and the appliers).
  // Default: 4096
  size_t batch_events = 4096;
  // Batches read but not yet applied by every group, at most (bounds memory: a batch is a
  // copy of its events' bytes).
  // Default: 8
  size_t batches_ahead = 8;
  // Batches per round.
  // Default: 16
  size_t round_batches = 16;
};

Status BulkReplay(events::LogIterator* it, ReadModel* model, const BulkReplayOptions& options,
                  const std::function<void()>& begin_round,
                  const std::function<void(uint64_t events)>& end_round);

}  // namespace rapport::projections
