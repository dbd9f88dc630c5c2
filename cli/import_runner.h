// ImportRunner: runs imported rows' commands on a few threads, so their appends share the
// log's group commit, with a bounded queue (constant memory whatever the file size), and
// counts and reports what happened row by row.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/session.h"

namespace rapport::cli {

struct RowOutcome {
  uint64_t line = 0;
  Status status;            // ok, or why the row was refused
  int commands = 0;         // commands run
  int duplicates = 0;       // commands already done by an earlier import (nothing written)
};

class ImportRunner {
 public:
  // `report` is called (under a lock, in completion order) for every row.
  ImportRunner(Session* session, int threads, std::function<void(const RowOutcome&)> report);
  ~ImportRunner();

  // Queues a row's commands, run in order; a failed command stops the row (earlier commands
  // of the row stay: re-running the import completes it, as their ids are stable). Blocks
  // while the queue is full.
  // `on_success` sees each command's result; `chain` may fill a command from the result of
  // the one before it (a deal's close needs the id its open allocated).
  using OnSuccess = std::function<void(const fb::CommandResultT&)>;
  using Chain = std::function<void(const fb::CommandResultT& previous, fb::CommandT* next)>;
  void Submit(uint64_t line, std::vector<fb::CommandT> commands, OnSuccess on_success = nullptr,
              Chain chain = nullptr);
  // A row refused before it ran (a parse error).
  void Refuse(uint64_t line, Status why);
  // Waits until every queued row has run.
  void Drain();

 private:
  struct Job {
    uint64_t line;
    std::vector<fb::CommandT> commands;
    OnSuccess on_success;
    Chain chain;
  };
  void Work();
  void Finish(const RowOutcome& o);

  Session* session_;
  std::function<void(const RowOutcome&)> report_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_, idle_;
  std::deque<Job> queue_;
  size_t running_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
  std::mutex report_mu_;
};

}  // namespace rapport::cli
