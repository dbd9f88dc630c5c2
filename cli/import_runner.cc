#include "cli/import_runner.h"

namespace rapport::cli {

namespace {
constexpr size_t kQueueMax = 256;
}

ImportRunner::ImportRunner(Session* session, int threads, std::function<void(const RowOutcome&)> report)
    : session_(session), report_(std::move(report)) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ImportRunner::~ImportRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  not_empty_.notify_all();
  for (auto& t : threads_) t.join();
}

void ImportRunner::Submit(uint64_t line, std::vector<fb::CommandT> commands, OnSuccess on_success,
                          Chain chain) {
  std::unique_lock<std::mutex> lock(mu_);
  not_full_.wait(lock, [&] { return queue_.size() < kQueueMax; });
  queue_.push_back(Job{line, std::move(commands), std::move(on_success), std::move(chain)});
  not_empty_.notify_one();
}

void ImportRunner::Refuse(uint64_t line, Status why) {
  RowOutcome o;
  o.line = line;
  o.status = std::move(why);
  Finish(o);
}

void ImportRunner::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void ImportRunner::Finish(const RowOutcome& o) {
  std::lock_guard<std::mutex> lock(report_mu_);
  report_(o);
}

void ImportRunner::Work() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_empty_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
      not_full_.notify_one();
    }
    RowOutcome o;
    o.line = job.line;
    fb::CommandResultT previous;
    for (size_t i = 0; i < job.commands.size(); ++i) {
      if (i > 0 && job.chain) job.chain(previous, &job.commands[i]);
      auto r = session_->Execute(std::move(job.commands[i]));
      if (!r.ok()) {
        o.status = r.status();
        break;
      }
      ++o.commands;
      if (r->duplicate) ++o.duplicates;
      if (job.on_success) job.on_success(*r);
      previous = std::move(*r);
    }
    Finish(o);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --running_;
      if (queue_.empty() && running_ == 0) idle_.notify_all();
    }
  }
}

}  // namespace rapport::cli
