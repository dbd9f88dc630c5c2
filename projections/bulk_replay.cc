#include "projections/bulk_replay.h"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rapport::projections {
namespace {

// Events copied out of the iterator, each starting 8-byte aligned (as FlatBuffers needs).
struct Batch {
  std::string bytes;
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // offset, size
  size_t size() const { return spans.size(); }
  events::EventView At(size_t i) const {
    return events::EventView(std::string_view(bytes.data() + spans[i].first, spans[i].second));
  }
};

// Reads up to `n` events (verified by the iterator) into `b`.
void Fill(events::LogIterator* it, size_t n, Batch* b) {
  b->bytes.clear();
  b->spans.clear();
  for (size_t k = 0; k < n && it->Valid(); ++k, it->Next()) {
    std::string_view v = it->event().bytes();
    b->bytes.resize((b->bytes.size() + 7) & ~size_t{7});
    b->spans.emplace_back(static_cast<uint32_t>(b->bytes.size()), static_cast<uint32_t>(v.size()));
    b->bytes.append(v);
  }
}

// What the reader and the three appliers share; every field is guarded by mu.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t filled = 0;         // batches the reader has published
  bool reader_done = false;    // the reader has published its last batch
  uint64_t limit = 0;          // batches the appliers may apply (the end of the round)
  uint64_t done[ReadModel::kGroups] = {};  // batches each group has applied
  bool abort = false;          // a thread failed: every thread stops
  std::exception_ptr error;    // the first failure

  uint64_t LeastDone() const { return *std::min_element(std::begin(done), std::end(done)); }
  // Waits until batch k may be applied; false when there is no batch k (the log ended) or
  // the replay is aborting.
  bool WaitForBatch(std::unique_lock<std::mutex>& l, uint64_t k) {
    cv.wait(l, [&] { return abort || (k < filled && k < limit) || (reader_done && k >= filled); });
    return !abort && k < filled;
  }
  void MarkDone(int group, uint64_t batches) {
    {
      std::lock_guard<std::mutex> l(mu);
      done[group] = batches;
    }
    cv.notify_all();
  }
  void Fail(std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (!error) error = std::move(e);
      abort = true;
    }
    cv.notify_all();
  }
  // Runs `body`, turning an exception into an abort of the whole replay.
  template <typename F>
  void Guarded(F&& body) {
    try {
      body();
    } catch (...) {
      Fail(std::current_exception());
    }
  }
};

}  // namespace

Status BulkReplay(events::LogIterator* it, ReadModel* model, const BulkReplayOptions& options,
                  const std::function<void()>& begin_round,
                  const std::function<void(uint64_t events)>& end_round) {
  const size_t batch_events = std::max<size_t>(options.batch_events, 1);
  const size_t slots = std::max<size_t>(options.batches_ahead, 2);
  const size_t round = std::max<size_t>(options.round_batches, 1);
  std::vector<Batch> ring(slots);
  Shared sh;

  auto read = [&] {
    for (uint64_t k = 0;; ++k) {
      {
        std::unique_lock<std::mutex> l(sh.mu);
        sh.cv.wait(l, [&] { return sh.abort || k - sh.LeastDone() < slots; });
        if (sh.abort) return;
      }
      // Slot k % slots is free: every group is past batch k - slots.
      Batch& b = ring[k % slots];
      Fill(it, batch_events, &b);
      bool last = b.size() == 0;
      {
        std::lock_guard<std::mutex> l(sh.mu);
        if (last) {
          sh.reader_done = true;
        } else {
          sh.filled = k + 1;
        }
      }
      sh.cv.notify_all();
      if (last) return;
    }
  };
  auto apply = [&](int group) {
    for (uint64_t k = 0;; ++k) {
      {
        std::unique_lock<std::mutex> l(sh.mu);
        if (!sh.WaitForBatch(l, k)) return;
      }
      const Batch& b = ring[k % slots];
      for (size_t i = 0; i < b.size(); ++i) model->CollectGroup(b.At(i), group);
      model->FlushGroup(group);
      sh.MarkDone(group, k + 1);
    }
  };
  // Group 0 on the calling thread, round by round.
  auto rounds = [&] {
    for (uint64_t k = 0;;) {
      {
        std::unique_lock<std::mutex> l(sh.mu);
        sh.cv.wait(l, [&] { return sh.abort || k < sh.filled || sh.reader_done; });
        if (sh.abort || k >= sh.filled) return;
      }
      begin_round();
      {
        std::lock_guard<std::mutex> l(sh.mu);
        sh.limit = k + round;
      }
      sh.cv.notify_all();
      uint64_t events = 0;
      for (const uint64_t end = k + round; k < end; ++k) {
        {
          std::unique_lock<std::mutex> l(sh.mu);
          if (!sh.WaitForBatch(l, k)) break;
        }
        const Batch& b = ring[k % slots];
        for (size_t i = 0; i < b.size(); ++i) model->ApplyGroup(b.At(i), 0);
        events += b.size();
        sh.MarkDone(0, k + 1);
      }
      {
        std::unique_lock<std::mutex> l(sh.mu);
        sh.cv.wait(l, [&] { return sh.abort || (sh.done[1] >= k && sh.done[2] >= k); });
        if (sh.abort) return;
      }
      end_round(events);
    }
  };

  std::vector<std::thread> threads;
  sh.Guarded([&] {
    threads.reserve(3);
    threads.emplace_back([&] {
      pthread_setname_np(pthread_self(), "rapport-read");
      sh.Guarded(read);
    });
    threads.emplace_back([&] {
      pthread_setname_np(pthread_self(), "rapport-timelin");
      sh.Guarded([&] { apply(1); });
    });
    threads.emplace_back([&] {
      pthread_setname_np(pthread_self(), "rapport-search");
      sh.Guarded([&] { apply(2); });
    });
    rounds();
  });
  for (auto& t : threads) t.join();
  if (sh.error) std::rethrow_exception(sh.error);
  return it->status();
}

}  // namespace rapport::projections
