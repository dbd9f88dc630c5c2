// BulkReplay: applies a long stretch of the log to a ReadModel with reading and applying
// overlapped on several threads (rebuilds and catching up after a restart).
//
//   Status s = BulkReplay(it.get(), &model, {},
//                         [&] { lock.lock(); },                      // begin a round
//                         [&](uint64_t n) { ...; lock.unlock(); });  // n events applied
//
// Threads: one reads and verifies the log into batches and runs ahead of the appliers by at
// most max(batches_ahead, 2) batches; the calling thread applies group 0 (org, deals, work,
// engagement); two helpers apply group 1 (timelines) and group 2 (search), each on its own
// strings. Each group applies every batch in log order; the groups share no state.
//
// Rounds: the appliers advance in rounds of at most `round_batches` batches. `begin_round` runs
// on the calling thread before a round changes the model and `end_round` after all three
// groups have applied all of it (the last round may be short, also when damage ends it), so
// between rounds every projection stands at the same position and the caller may let readers
// in. The reader keeps reading during that gap: the caller must not touch `it` until
// BulkReplay returns.
//
// Returns the iterator's status: damage in the log stops the replay after the events before
// it have been applied. An exception on any thread (from applying, or from a callback) stops
// every thread and is rethrown here once they have all ended. The round it interrupted gets
// no end_round; each projection has then applied a prefix of the log, not all the same one
// (ReadModel skips what a projection has applied, so replaying from the smallest position
// evens them out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "events/log_iterator.h"
#include "events/status.h"
#include "projections/read_model.h"

namespace rapport::projections {

struct BulkReplayOptions {
  // Events per batch (a batch is one hand-off between the reader and the appliers); 0 means 1.
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
